use crate::checks::prelude::*;

declare_check! {
    pub static META = "rds-no-cluster-event-subscription" {
        severity: Low,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["RDS.19"],
        },
        needs: [data::RDS_EVENT_SUBSCRIPTIONS.name, data::RDS.name, data::RDS_CLUSTERS.name],
        title: ("No RDS event subscription for critical DB cluster events",
            "DB クラスターの重要なイベントの RDS イベントサブスクリプションがない"),
        what: ("Finds regions with RDS databases but without an enabled RDS event notification subscription for every DB cluster (source type `db-cluster`) and the categories failure, maintenance.",
            "RDS のデータベースがあり、すべての DB クラスター(ソースタイプ `db-cluster`)とカテゴリ `failure`・`maintenance` を対象とする有効な RDS イベント通知サブスクリプションがないリージョンを検出します。"),
        why: ("Without a subscription nobody is told when a DB cluster fails, is changed or goes into maintenance; the first sign is the outage.",
            "サブスクリプションがないと、DB クラスターの障害・変更・メンテナンスを誰にも知らされず、最初の兆候が障害そのものになります。"),
        fix: ("Create an RDS event subscription to an SNS topic with source type `db-cluster`, no source ids, and the categories failure, maintenance (or all categories).",
            "ソースタイプ `db-cluster`、ソース ID 指定なし、カテゴリ `failure`・`maintenance`(またはすべてのカテゴリ)で SNS トピックへの RDS イベントサブスクリプションを作成してください。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Events.Subscribing.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("rds", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, at: At<'_>) -> Outcome {
    super::event_subscription(cx, reg, at, &super::events::CLUSTER)
}
