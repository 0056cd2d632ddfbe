use crate::checks::prelude::*;
use yagura_inventory::DbInstance;

declare_check! {
    pub static META = "rds-instance-backups-short" {
        severity: Medium,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["RDS.11"],
        },
        needs: [data::RDS.name],
        title: ("RDS instance keeps automated backups less than 7 days",
            "RDS インスタンスの自動バックアップの保持が 7 日未満"),
        what: ("Finds RDS instances (outside clusters, read replicas aside) whose automated backups are off or kept less than 7 days (FSBP's default minimum).",
            "自動バックアップが無効、または保持期間が 7 日(FSBP の既定の最小値)未満の(クラスター外・リードレプリカを除く)RDS インスタンスを検出します。"),
        why: ("Without automated backups there is no point-in-time recovery after a bad write, a ransomware attack or a deletion; a short retention loses what was noticed late.",
            "自動バックアップがないと、誤った書き込み・ランサムウェア・削除の後にポイントインタイムリカバリができません。保持が短いと、気付くのが遅れた被害を戻せません。"),
        fix: ("Modify the instance with a backup retention period of 7 days or more (`--backup-retention-period 7`).",
            "バックアップ保持期間を 7 日以上にしてインスタンスを変更してください(`--backup-retention-period 7`)。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Db(eval),
};

fn eval(cx: &mut Cx<'_>, db: &DbInstance, at: At<'_>) -> Outcome {
    super::judge_instance(cx, db, at, super::Members::Skip, |s| {
        // A read replica has no backups of its own (FSBP's `checkReadReplicas` is off by default).
        if s.replica_of.is_some() {
            return None;
        }
        Some(verdict(
            s.backup_retention >= super::BACKUP_DAYS,
            || {
                msg!(
                    "RDS instance {d} keeps automated backups {n} days",
                    "RDS インスタンス {d} は自動バックアップを {n} 日保持しています",
                    d = db.id,
                    n = s.backup_retention
                )
            },
            || {
                msg!(
                    "RDS instance {d} keeps automated backups {n} days (fewer than {min})",
                    "RDS インスタンス {d} の自動バックアップの保持は {n} 日です({min} 日未満)",
                    d = db.id,
                    n = s.backup_retention,
                    min = super::BACKUP_DAYS
                )
            },
        ))
    })
}
