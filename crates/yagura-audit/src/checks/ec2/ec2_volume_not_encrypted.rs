use crate::checks::prelude::*;

declare_check! {
    pub static META = "ec2-volume-not-encrypted" {
        severity: Medium,
        service: "ec2",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["EC2.3"],
        },
        needs: [data::VOLUMES.name],
        title: ("Attached EBS volume is not encrypted",
            "アタッチされた EBS ボリュームが暗号化されていない"),
        what: ("Finds EBS volumes attached to an instance that are not encrypted at rest (volumes not attached are not judged).",
            "インスタンスにアタッチされ、保存時に暗号化されていない EBS ボリュームを検出します(アタッチされていないボリュームは対象外です)。"),
        why: ("An unencrypted volume's snapshots can be shared or copied out of the account and read anywhere; encryption cannot be turned on for an existing volume.",
            "暗号化されていないボリュームのスナップショットは共有やコピーでアカウント外に持ち出され、どこでも読めます。既存のボリュームの暗号化は後から有効にできません。"),
        fix: ("Snapshot the volume, copy the snapshot with encryption, create a volume from it and swap it in; turn on EBS encryption by default for new volumes.",
            "ボリュームのスナップショットを作成し、暗号化してコピーし、そこから作成したボリュームに入れ替えてください。新しいボリュームには EBS のデフォルト暗号化を有効にしてください。"),
        references: ["https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("ec2", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    let volumes = cx.need_in(&data::VOLUMES, reg.region)?;
    let (partition, account) = (cx.partition(), cx.account.account_id.as_str());
    let region = reg.name();
    for v in volumes.iter().filter(|v| !v.attached_to.is_empty()) {
        let arn = format!("arn:{partition}:ec2:{region}:{account}:volume/{}", v.id);
        let at = At {
            resource: &arn,
            region,
        };
        let on = v.attached_to.join(", ");
        if v.encrypted {
            cx.emit(
                at,
                Status::Pass,
                msg!(
                    "volume {v} (attached to {i}) is encrypted",
                    "ボリューム {v}({i} にアタッチ)は暗号化されています",
                    v = v.id,
                    i = on
                ),
            );
        } else {
            cx.emit(
                at,
                Status::Fail,
                msg!(
                    "volume {v} (attached to {i}) is not encrypted",
                    "ボリューム {v}({i} にアタッチ)は暗号化されていません",
                    v = v.id,
                    i = on
                ),
            );
        }
    }
    Ok(())
}
