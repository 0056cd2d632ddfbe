use crate::checks::prelude::*;
use yagura_inventory::DbInstance;

declare_check! {
    pub static META = "rds-instance-logs-not-exported" {
        severity: Medium,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["RDS.9"],
        },
        needs: [data::RDS.name],
        title: ("RDS instance does not publish its logs to CloudWatch Logs",
            "RDS インスタンスがログを CloudWatch Logs に発行していない"),
        what: ("Finds RDS instances (outside clusters) that do not publish every log their engine has to CloudWatch Logs: PostgreSQL `postgresql` and `upgrade`; MySQL and MariaDB `audit`, `error`, `general` and `slowquery`; Oracle `alert`, `audit`, `trace` and `listener`; SQL Server `error` and `agent`.",
            "エンジンのすべてのログを CloudWatch Logs に発行していない(クラスター外の)RDS インスタンスを検出します: PostgreSQL は `postgresql` と `upgrade`、MySQL と MariaDB は `audit`・`error`・`general`・`slowquery`、Oracle は `alert`・`audit`・`trace`・`listener`、SQL Server は `error` と `agent`。"),
        why: ("Database logs left on the instance rotate away and vanish with it; in CloudWatch Logs they are kept, searched and alarmed on.",
            "インスタンス上のログはローテーションで消え、インスタンスと共に失われます。CloudWatch Logs なら保管・検索・アラームができます。"),
        fix: ("Modify the instance to export the missing log types (`--cloudwatch-logs-export-configuration`); MySQL's audit log needs the MariaDB audit plugin option.",
            "不足しているログタイプをエクスポートするようインスタンスを変更してください(`--cloudwatch-logs-export-configuration`)。MySQL の監査ログには MariaDB 監査プラグインのオプションが必要です。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Db(eval),
};

fn eval(cx: &mut Cx<'_>, db: &DbInstance, at: At<'_>) -> Outcome {
    super::judge_instance(cx, db, at, super::Members::Skip, |s| {
        let wanted = super::instance_logs(&db.engine)?;
        let missing = super::missing_logs(wanted, &s.log_exports);
        Some(verdict(
            missing.is_empty(),
            || {
                msg!(
                    "RDS instance {d} publishes its logs to CloudWatch Logs",
                    "RDS インスタンス {d} はログを CloudWatch Logs に発行しています",
                    d = db.id
                )
            },
            || {
                msg!(
                    "RDS instance {d} does not publish {m} to CloudWatch Logs",
                    "RDS インスタンス {d} は `{m}` を CloudWatch Logs に発行していません",
                    d = db.id,
                    m = missing.join(", ")
                )
            },
        ))
    })
}
