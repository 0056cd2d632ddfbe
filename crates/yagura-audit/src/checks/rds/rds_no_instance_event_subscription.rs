use crate::checks::prelude::*;

declare_check! {
    pub static META = "rds-no-instance-event-subscription" {
        severity: Low,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["RDS.20"],
        },
        needs: [data::RDS_EVENT_SUBSCRIPTIONS.name, data::RDS.name, data::RDS_CLUSTERS.name],
        title: ("No RDS event subscription for critical DB instance events",
            "DB インスタンスの重要なイベントの RDS イベントサブスクリプションがない"),
        what: ("Finds regions with RDS databases but without an enabled RDS event notification subscription for every DB instance (source type `db-instance`) and the categories maintenance, configuration change, failure.",
            "RDS のデータベースがあり、すべての DB インスタンス(ソースタイプ `db-instance`)とカテゴリ `maintenance`・`configuration change`・`failure` を対象とする有効な RDS イベント通知サブスクリプションがないリージョンを検出します。"),
        why: ("Without a subscription nobody is told when a DB instance fails, is changed or goes into maintenance; the first sign is the outage.",
            "サブスクリプションがないと、DB インスタンスの障害・変更・メンテナンスを誰にも知らされず、最初の兆候が障害そのものになります。"),
        fix: ("Create an RDS event subscription to an SNS topic with source type `db-instance`, no source ids, and the categories maintenance, configuration change, failure (or all categories).",
            "ソースタイプ `db-instance`、ソース ID 指定なし、カテゴリ `maintenance`・`configuration change`・`failure`(またはすべてのカテゴリ)で SNS トピックへの RDS イベントサブスクリプションを作成してください。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Events.Subscribing.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("rds", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, at: At<'_>) -> Outcome {
    super::event_subscription(cx, reg, at, &super::events::INSTANCE)
}
