use crate::checks::prelude::*;

declare_check! {
    pub static META = "rds-cluster-storage-not-encrypted" {
        severity: Medium,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["RDS.27"],
        },
        needs: [data::RDS_CLUSTERS.name],
        title: ("RDS cluster storage is not encrypted",
            "RDS クラスターのストレージが暗号化されていない"),
        what: ("Finds RDS DB clusters whose storage, backups and snapshots are not encrypted at rest.",
            "ストレージ・バックアップ・スナップショットが保存時に暗号化されていない RDS DB クラスターを検出します。"),
        why: ("Unencrypted cluster snapshots can be shared or copied out of the account and read anywhere; encryption cannot be turned on later without a copy and a restore.",
            "暗号化されていないクラスタースナップショットは共有やコピーでアカウント外に持ち出され、どこでも読めます。暗号化は後からは有効にできず、コピーと復元が必要です。"),
        fix: ("Copy a cluster snapshot with encryption enabled, restore the cluster from it and switch the application over.",
            "暗号化を有効にしてクラスタースナップショットをコピーし、そこからクラスターを復元してアプリケーションを切り替えてください。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Overview.Encryption.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("rds", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    super::each_cluster(cx, reg, |c| {
        Some(verdict(
            c.storage_encrypted,
            || {
                msg!(
                    "RDS cluster {c} encrypts its storage",
                    "RDS クラスター {c} はストレージを暗号化しています",
                    c = c.id
                )
            },
            || {
                msg!(
                    "RDS cluster {c} does not encrypt its storage",
                    "RDS クラスター {c} はストレージを暗号化していません",
                    c = c.id
                )
            },
        ))
    })
}
