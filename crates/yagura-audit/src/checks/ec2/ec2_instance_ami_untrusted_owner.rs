use crate::checks::prelude::*;
use yagura_inventory::Instance;

declare_check! {
    pub static META = "ec2-instance-ami-untrusted-owner" {
        severity: Medium,
        service: "ec2",
        spec: ["AUD-02"],
        compliance: {
            "cis-aws-foundations-3.0": [],
            "yagura-guideline": ["000"],
        },
        needs: [data::INSTANCES.name, data::IMAGES.name],
        title: ("Instance runs an AMI from an untrusted owner",
            "信頼できない所有者の AMI からインスタンスが起動されている"),
        what: ("Finds instances launched from AMIs owned neither by Amazon, nor by the account itself, nor by an owner on the allow-list.",
            "Amazon・自アカウント・許可リストの所有者のいずれでもない AMI から起動されたインスタンスを検出します。"),
        why: ("A community AMI can carry malware, backdoored packages or embedded keys; its contents are not under your control.",
            "コミュニティ AMI にはマルウェアやバックドア入りのパッケージ、埋め込まれた鍵が含まれていることがあり、中身を管理できません。"),
        fix: ("Rebuild the instance from an Amazon-provided or your own hardened AMI, or add the vendor's owner id to `ami_owner_allow_list` after review.",
            "Amazon 提供または自社で堅牢化した AMI から作り直すか、確認の上でベンダーの所有者 ID を `ami_owner_allow_list` に追加してください。"),
        references: ["https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/AMIs.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Instance(eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, i: &Instance, at: At<'_>) -> Outcome {
    let img = reg.image(cx, &i.image_id)?;
    let trusted = img.owner_alias.as_deref() == Some("amazon")
        || img.owner_id == cx.account.account_id
        || cx.cfg.ami_owner_allow_list.contains(&img.owner_id);
    if trusted {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "instance {i} runs AMI {a} of trusted owner {o}",
                "インスタンス {i} は信頼できる所有者 {o} の AMI {a} で動作しています",
                i = i.id,
                a = img.id,
                o = img.owner_id
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "instance {i} runs AMI {a} of owner {o}, which is not trusted",
                "インスタンス {i} は信頼されていない所有者 {o} の AMI {a} で動作しています",
                i = i.id,
                a = img.id,
                o = img.owner_id
            ),
        );
    }
    cx.evidence("image", img.id.clone());
    Ok(())
}
