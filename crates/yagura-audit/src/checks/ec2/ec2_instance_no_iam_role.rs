use crate::checks::prelude::*;
use yagura_inventory::Instance;

declare_check! {
    pub static META = "ec2-instance-no-iam-role" {
        severity: Medium,
        service: "ec2",
        spec: ["AUD-03"],
        compliance: {
            "cis-aws-foundations-3.0": ["1.18"],
            "cis-aws-foundations-7.0": ["2.16"],
            "yagura-guideline": ["000"],
        },
        needs: [data::INSTANCES.name],
        title: ("Instance has no IAM role",
            "インスタンスに IAM ロールが設定されていない"),
        what: ("Finds running or stopped instances without an instance profile.",
            "インスタンスプロファイル(IAM ロール)のないインスタンスを検出します。"),
        why: ("Without a role, software on the instance needs long-lived access keys on disk, which leak and are never rotated.",
            "ロールがないとインスタンス上のソフトウェアはディスク上の長期アクセスキーを必要とし、漏洩しやすくローテーションもされません。"),
        fix: ("Attach an instance profile with the least privileges the workload needs and remove any keys from the host.",
            "必要最小限の権限を持つインスタンスプロファイルを関連付け、ホスト上のアクセスキーを削除してください。"),
        references: ["https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Instance(eval),
};

fn eval(cx: &mut Cx<'_>, _reg: &Reg<'_>, i: &Instance, at: At<'_>) -> Outcome {
    match &i.instance_profile_arn {
        Some(p) => {
            cx.emit(
                at,
                Status::Pass,
                msg!(
                    "instance {i} has an instance profile",
                    "インスタンス {i} にはインスタンスプロファイルがあります",
                    i = i.id
                ),
            );
            cx.evidence("instance_profile", p.clone());
        }
        None => cx.emit(
            at,
            Status::Fail,
            msg!(
                "instance {i} has no IAM role",
                "インスタンス {i} に IAM ロールがありません",
                i = i.id
            ),
        ),
    }
    Ok(())
}
