use crate::checks::prelude::*;

declare_check! {
    pub static META = "rds-aurora-mysql-audit-logs-not-exported" {
        severity: Medium,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["RDS.34"],
        },
        needs: [data::RDS_CLUSTERS.name],
        title: ("Aurora MySQL cluster does not publish audit logs to CloudWatch Logs",
            "Aurora MySQL クラスターが監査ログを CloudWatch Logs に発行していない"),
        what: ("Finds Aurora MySQL clusters that do not publish the `audit` log to CloudWatch Logs.",
            "`audit` ログを CloudWatch Logs に発行していない Aurora MySQL クラスターを検出します。"),
        why: ("The audit log records who connected and ran which statements; without it in CloudWatch Logs an intrusion into the database leaves no searchable trace.",
            "監査ログには誰が接続しどのステートメントを実行したかが記録されます。CloudWatch Logs になければ、データベースへの侵入は検索できる痕跡を残しません。"),
        fix: ("Turn on `server_audit_logging` in the cluster parameter group and modify the cluster to export `audit` (`--cloudwatch-logs-export-configuration EnableLogTypes=audit`).",
            "クラスターパラメータグループで `server_audit_logging` を有効にし、`audit` をエクスポートするようクラスターを変更してください(`--cloudwatch-logs-export-configuration EnableLogTypes=audit`)。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Integrating.CloudWatch.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("rds", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    super::each_cluster(cx, reg, |c| {
        if !super::aurora_mysql(&c.engine) {
            return None;
        }
        Some(verdict(
            c.log_exports.iter().any(|l| l == "audit"),
            || {
                msg!(
                    "RDS cluster {c} publishes its audit log to CloudWatch Logs",
                    "Aurora クラスター {c} は監査ログを CloudWatch Logs に発行しています",
                    c = c.id
                )
            },
            || {
                msg!(
                    "RDS cluster {c} does not publish its audit log to CloudWatch Logs",
                    "Aurora クラスター {c} は監査ログを CloudWatch Logs に発行していません",
                    c = c.id
                )
            },
        ))
    })
}
