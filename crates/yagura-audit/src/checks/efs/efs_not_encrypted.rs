use crate::checks::prelude::*;

declare_check! {
    pub static META = "efs-not-encrypted" {
        severity: Medium,
        service: "efs",
        spec: ["AUD-21"],
        compliance: {
            "cis-aws-foundations-3.0": ["2.4.1"],
            "cis-aws-foundations-7.0": ["3.3.1"],
            "aws-fsbp": ["EFS.1"],
        },
        needs: [data::EFS_FILE_SYSTEMS.name],
        title: ("EFS file system is not encrypted",
            "EFS ファイルシステムが暗号化されていない"),
        what: ("Finds EFS file systems whose data is not encrypted at rest.",
            "保存データが暗号化されていない EFS ファイルシステムを検出します。"),
        why: ("The files sit unencrypted on AWS storage and in the file system's backups; encryption at rest can only be chosen when the file system is created.",
            "ファイルは AWS のストレージとバックアップに暗号化されずに置かれます。保存時の暗号化はファイルシステムの作成時にしか選べません。"),
        fix: ("Create a new file system with encryption at rest (a KMS key), copy the data over (AWS DataSync) and move the mounts to it.",
            "保存時の暗号化(KMS キー)を有効にして新しいファイルシステムを作成し、データをコピー(AWS DataSync)してマウント先を切り替えてください。"),
        references: ["https://docs.aws.amazon.com/efs/latest/ug/encryption-at-rest.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("efs", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    let systems = cx.need_in(&data::EFS_FILE_SYSTEMS, reg.region)?;
    let region = reg.name();
    for f in systems {
        let at = At {
            resource: &f.arn,
            region,
        };
        if f.encrypted {
            cx.emit(
                at,
                Status::Pass,
                msg!(
                    "EFS file system {f} is encrypted at rest",
                    "EFS ファイルシステム {f} は保存時に暗号化されています",
                    f = f.id
                ),
            );
        } else {
            cx.emit(
                at,
                Status::Fail,
                msg!(
                    "EFS file system {f} is not encrypted at rest",
                    "EFS ファイルシステム {f} は保存時に暗号化されていません",
                    f = f.id
                ),
            );
        }
    }
    Ok(())
}
