use crate::checks::prelude::*;
use yagura_inventory::DbInstance;

declare_check! {
    pub static META = "rds-enhanced-monitoring-off" {
        severity: Low,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["RDS.6"],
        },
        needs: [data::RDS.name],
        title: ("RDS instance without enhanced monitoring",
            "拡張モニタリングが無効な RDS インスタンス"),
        what: ("Finds RDS instances whose enhanced monitoring is off (monitoring interval 0).",
            "拡張モニタリングが無効(モニタリング間隔 0)の RDS インスタンスを検出します。"),
        why: ("Enhanced monitoring shows the operating system's CPU, memory and processes of the database host, which CloudWatch's hypervisor metrics do not; an incident is investigated blind without it.",
            "拡張モニタリングは、CloudWatch のハイパーバイザー指標では見えないデータベースホストの OS の CPU・メモリ・プロセスを示します。無効だとインシデントを手探りで調べることになります。"),
        fix: ("Modify the instance with a monitoring interval (for example 60 seconds) and a monitoring role.",
            "モニタリング間隔(例: 60 秒)とモニタリングロールを指定してインスタンスを変更してください。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Db(eval),
};

fn eval(cx: &mut Cx<'_>, db: &DbInstance, at: At<'_>) -> Outcome {
    super::judge_instance(cx, db, at, super::Members::Judge, |s| {
        Some(verdict(
            s.monitoring_interval > 0,
            || {
                msg!(
                    "RDS instance {d} has enhanced monitoring every {n} seconds",
                    "RDS インスタンス {d} は {n} 秒ごとの拡張モニタリングが有効です",
                    d = db.id,
                    n = s.monitoring_interval
                )
            },
            || {
                msg!(
                    "RDS instance {d} has no enhanced monitoring",
                    "RDS インスタンス {d} は拡張モニタリングが無効です",
                    d = db.id
                )
            },
        ))
    })
}
