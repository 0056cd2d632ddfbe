use crate::checks::prelude::*;
use yagura_inventory::Instance;

declare_check! {
    pub static META = "ec2-instance-ami-deprecated-or-old" {
        severity: Low,
        service: "ec2",
        spec: ["AUD-02"],
        compliance: {
            "cis-aws-foundations-3.0": [],
            "yagura-guideline": ["000"],
        },
        needs: [data::INSTANCES.name, data::IMAGES.name],
        title: ("Instance runs a deprecated or very old AMI",
            "非推奨または古い AMI からインスタンスが起動されている"),
        what: ("Finds instances whose AMI is deprecated or older than the configured age (365 days by default).",
            "AMI が非推奨、または設定した日数(既定 365 日)より古いインスタンスを検出します。"),
        why: ("Old images miss years of security updates and often an OS that is end of life.",
            "古いイメージには何年分ものセキュリティ更新が欠けており、サポート終了の OS であることも多いです。"),
        fix: ("Rebuild from the latest AMI of a supported OS release and keep images fresh with EC2 Image Builder.",
            "サポート中の OS の最新 AMI から作り直し、EC2 Image Builder でイメージを継続的に更新してください。"),
        references: ["https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ami-deprecate.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Instance(eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, i: &Instance, at: At<'_>) -> Outcome {
    let img = reg.image(cx, &i.image_id)?;
    let now = cx.cfg.now;
    let deprecated = img
        .deprecation_time
        .as_deref()
        .and_then(|t| days_since(now, t))
        .is_some_and(|d| d >= 0);
    let age = img
        .creation_date
        .as_deref()
        .and_then(|t| days_since(now, t));
    let (a, i) = (&img.id, &i.id);
    if deprecated {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "instance {i} runs deprecated AMI {a}",
                "インスタンス {i} は非推奨の AMI {a} で動作しています",
                i = i,
                a = a
            ),
        );
    } else if let Some(d) = age.filter(|d| *d > cx.cfg.ami_max_age_days) {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "instance {i} runs AMI {a}, created {d} days ago",
                "インスタンス {i} は {d} 日前に作成された AMI {a} で動作しています",
                i = i,
                a = a,
                d = d
            ),
        );
    } else if age.is_some() {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "instance {i} runs a current AMI {a}",
                "インスタンス {i} は新しい AMI {a} で動作しています",
                i = i,
                a = a
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Unknown,
            msg!(
                "AMI {a} of instance {i} has no creation date",
                "インスタンス {i} の AMI {a} に作成日がありません",
                i = i,
                a = a
            ),
        );
    }
    Ok(())
}
