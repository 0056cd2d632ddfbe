use crate::checks::prelude::*;
use yagura_inventory::{CollectError, DbInstance};

declare_check! {
    pub static META = "rds-storage-not-encrypted" {
        severity: Medium,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "cis-aws-foundations-3.0": ["2.3.1"],
            "cis-aws-foundations-7.0": ["3.2.1"],
            "aws-fsbp": ["RDS.3"],
        },
        needs: [data::RDS.name],
        title: ("RDS instance storage is not encrypted",
            "RDS インスタンスのストレージが暗号化されていない"),
        what: ("Finds RDS instances whose storage, automated backups, read replicas and snapshots are not encrypted at rest.",
            "ストレージ・自動バックアップ・リードレプリカ・スナップショットが保存時に暗号化されていない RDS インスタンスを検出します。"),
        why: ("Unencrypted snapshots can be shared or copied out of the account and read anywhere; encryption cannot be turned on later without a copy and a restore.",
            "暗号化されていないスナップショットは共有やコピーでアカウント外に持ち出され、どこでも読めます。暗号化は後からは有効にできず、コピーと復元が必要です。"),
        fix: ("Copy a snapshot with encryption enabled, restore the instance from it and switch the application over; create new instances with storage encryption.",
            "暗号化を有効にしてスナップショットをコピーし、そこからインスタンスを復元してアプリケーションを切り替えてください。新しいインスタンスはストレージ暗号化を有効にして作成してください。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Db(eval),
};

/// The field of an older snapshot that lacks it.
pub(super) fn not_collected(field: &str) -> Missing {
    Missing::new(CollectError::new(
        "rds:DescribeDBInstances",
        "NotCollected",
        &format!("`{field}` of the instance was not collected"),
    ))
}

fn eval(cx: &mut Cx<'_>, db: &DbInstance, at: At<'_>) -> Outcome {
    let encrypted = db
        .storage_encrypted
        .ok_or_else(|| not_collected("StorageEncrypted"))?;
    if encrypted {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "RDS instance {d} encrypts its storage",
                "RDS インスタンス {d} はストレージを暗号化しています",
                d = db.id
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "RDS instance {d} does not encrypt its storage",
                "RDS インスタンス {d} はストレージを暗号化していません",
                d = db.id
            ),
        );
    }
    Ok(())
}
