use crate::checks::prelude::*;

declare_check! {
    pub static META = "rds-snapshot-not-encrypted" {
        severity: Medium,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["RDS.4"],
        },
        needs: [data::RDS_SNAPSHOTS.name],
        title: ("RDS snapshot is not encrypted",
            "RDS スナップショットが暗号化されていない"),
        what: ("Finds RDS DB snapshots and DB cluster snapshots (manual and automated) that are not encrypted at rest.",
            "保存時に暗号化されていない RDS DB スナップショットと DB クラスタースナップショット(手動・自動)を検出します。"),
        why: ("A snapshot holds the whole database; unencrypted, whoever gets a copy or a share of it reads it without any key.",
            "スナップショットにはデータベース全体が含まれます。暗号化されていなければ、コピーや共有を得た誰もが鍵なしで読めます。"),
        fix: ("Copy the snapshot with a KMS key (`aws rds copy-db-snapshot --kms-key-id KEY`), delete the unencrypted one, and encrypt the source instance or cluster.",
            "KMS キーを指定してスナップショットをコピーし(`aws rds copy-db-snapshot --kms-key-id KEY`)、暗号化されていないものを削除して、元のインスタンスまたはクラスターを暗号化してください。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_CopySnapshot.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("rds", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    let snapshots = cx.need_in(&data::RDS_SNAPSHOTS, reg.region)?;
    let region = reg.name();
    for s in snapshots {
        let (status, msg) = verdict(
            s.encrypted,
            || {
                msg!(
                    "RDS snapshot {s} is encrypted",
                    "RDS スナップショット {s} は暗号化されています",
                    s = s.id
                )
            },
            || {
                msg!(
                    "RDS snapshot {s} is not encrypted",
                    "RDS スナップショット {s} は暗号化されていません",
                    s = s.id
                )
            },
        );
        let at = At {
            resource: &s.arn,
            region,
        };
        cx.emit(at, status, msg);
    }
    Ok(())
}
