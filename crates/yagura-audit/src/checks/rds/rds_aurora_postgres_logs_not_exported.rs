use crate::checks::prelude::*;

declare_check! {
    pub static META = "rds-aurora-postgres-logs-not-exported" {
        severity: Medium,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["RDS.37"],
        },
        needs: [data::RDS_CLUSTERS.name],
        title: ("Aurora PostgreSQL cluster does not publish its logs to CloudWatch Logs",
            "Aurora PostgreSQL クラスターがログを CloudWatch Logs に発行していない"),
        what: ("Finds Aurora PostgreSQL clusters that do not publish the `postgresql` log to CloudWatch Logs.",
            "`postgresql` ログを CloudWatch Logs に発行していない Aurora PostgreSQL クラスターを検出します。"),
        why: ("The PostgreSQL log holds connections, errors and slow or suspicious statements; kept on the instances it rotates away and cannot be searched or alarmed on.",
            "PostgreSQL のログには接続・エラー・遅いまたは不審なステートメントが記録されます。インスタンス上ではローテーションで消え、検索やアラームもできません。"),
        fix: ("Modify the cluster to export `postgresql` (`--cloudwatch-logs-export-configuration EnableLogTypes=postgresql`).",
            "`postgresql` をエクスポートするようクラスターを変更してください(`--cloudwatch-logs-export-configuration EnableLogTypes=postgresql`)。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.CloudWatch.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("rds", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    super::each_cluster(cx, reg, |c| {
        if c.engine != "aurora-postgresql" {
            return None;
        }
        Some(verdict(
            c.log_exports.iter().any(|l| l == "postgresql"),
            || {
                msg!(
                    "RDS cluster {c} publishes its PostgreSQL log to CloudWatch Logs",
                    "Aurora クラスター {c} は PostgreSQL のログを CloudWatch Logs に発行しています",
                    c = c.id
                )
            },
            || {
                msg!("RDS cluster {c} does not publish its PostgreSQL log to CloudWatch Logs", "Aurora クラスター {c} は PostgreSQL のログを CloudWatch Logs に発行していません", c = c.id)
            },
        ))
    })
}
