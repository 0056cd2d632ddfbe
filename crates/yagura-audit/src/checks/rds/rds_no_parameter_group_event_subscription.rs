use crate::checks::prelude::*;

declare_check! {
    pub static META = "rds-no-parameter-group-event-subscription" {
        severity: Low,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["RDS.21"],
        },
        needs: [data::RDS_EVENT_SUBSCRIPTIONS.name, data::RDS.name, data::RDS_CLUSTERS.name],
        title: ("No RDS event subscription for critical DB parameter group events",
            "DB パラメータグループの重要なイベントの RDS イベントサブスクリプションがない"),
        what: ("Finds regions with RDS databases but without an enabled RDS event notification subscription for every DB parameter group (source type `db-parameter-group`) and the categories configuration change.",
            "RDS のデータベースがあり、すべての DB パラメータグループ(ソースタイプ `db-parameter-group`)とカテゴリ `configuration change` を対象とする有効な RDS イベント通知サブスクリプションがないリージョンを検出します。"),
        why: ("Without a subscription nobody is told when a DB parameter group fails, is changed or goes into maintenance; the first sign is the outage.",
            "サブスクリプションがないと、DB パラメータグループの障害・変更・メンテナンスを誰にも知らされず、最初の兆候が障害そのものになります。"),
        fix: ("Create an RDS event subscription to an SNS topic with source type `db-parameter-group`, no source ids, and the categories configuration change (or all categories).",
            "ソースタイプ `db-parameter-group`、ソース ID 指定なし、カテゴリ `configuration change`(またはすべてのカテゴリ)で SNS トピックへの RDS イベントサブスクリプションを作成してください。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Events.Subscribing.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("rds", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, at: At<'_>) -> Outcome {
    super::event_subscription(cx, reg, at, &super::events::PARAMETER_GROUP)
}
