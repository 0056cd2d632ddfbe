use crate::checks::prelude::*;
use yagura_inventory::DbInstance;

declare_check! {
    pub static META = "rds-postgres-logs-not-exported" {
        severity: Medium,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["RDS.36"],
        },
        needs: [data::RDS.name],
        title: ("RDS for PostgreSQL instance does not publish its logs to CloudWatch Logs",
            "RDS の PostgreSQL インスタンスがログを CloudWatch Logs に発行していない"),
        what: ("Finds RDS for PostgreSQL instances that do not publish the `postgresql` log (FSBP's default log types) to CloudWatch Logs.",
            "`postgresql` ログ(FSBP の既定のログタイプ)を CloudWatch Logs に発行していない RDS の PostgreSQL インスタンスを検出します。"),
        why: ("The PostgreSQL log holds connections, errors and slow or suspicious statements; kept on the instance it rotates away and cannot be searched or alarmed on.",
            "PostgreSQL のログには接続・エラー・遅いまたは不審なステートメントが記録されます。インスタンス上ではローテーションで消え、検索やアラームもできません。"),
        fix: ("Modify the instance to export `postgresql` (`--cloudwatch-logs-export-configuration EnableLogTypes=postgresql`).",
            "`postgresql` をエクスポートするようインスタンスを変更してください(`--cloudwatch-logs-export-configuration EnableLogTypes=postgresql`)。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Concepts.PostgreSQL.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Db(eval),
};

fn eval(cx: &mut Cx<'_>, db: &DbInstance, at: At<'_>) -> Outcome {
    super::judge_instance(cx, db, at, super::Members::Skip, |s| {
        if db.engine != "postgres" {
            return None;
        }
        let missing = super::missing_logs(&["postgresql"], &s.log_exports);
        Some(verdict(
            missing.is_empty(),
            || {
                msg!(
                    "RDS instance {d} publishes its PostgreSQL log to CloudWatch Logs",
                    "RDS インスタンス {d} は PostgreSQL のログを CloudWatch Logs に発行しています",
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
