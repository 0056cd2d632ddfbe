use crate::checks::prelude::*;

declare_check! {
    pub static META = "cloudwatch-alarm-root-usage-missing" {
        severity: High,
        service: "cloudwatch",
        spec: ["AUD-20"],
        compliance: {
            "cis-aws-foundations-3.0": ["4.3"],
            "cis-aws-foundations-7.0": ["5.3"],
        },
        needs: [data::CLOUDTRAIL.name, data::METRIC_FILTERS.name, data::METRIC_ALARMS.name, data::SNS_SUBSCRIPTIONS.name],
        title: ("No alarm on root user activity",
            "ルートユーザーの利用のアラームがない"),
        what: ("Checks that a logging multi-region trail delivers to a CloudWatch Logs group with a metric filter for root user activity (the CIS pattern or a wider one), an alarm on its metric, and that the alarm notifies an SNS topic with a confirmed subscription.",
            "ログ記録中のマルチリージョン証跡が CloudWatch Logs のロググループに配信し、そこにルートユーザーの利用のメトリクスフィルター(CIS のパターンまたはそれより広いもの)とそのメトリクスのアラームがあり、アラームが確認済みのサブスクリプションのある SNS トピックに通知するか確認します。"),
        why: ("The root user can do anything and cannot be restricted by policies; any use of it should be noticed at once.",
            "ルートユーザーは何でもでき、ポリシーで制限できません。利用はすぐに気付けるようにすべきです。"),
        fix: ("Send the trail to CloudWatch Logs, add a metric filter with the CIS pattern for root user activity to its log group, an alarm on the filter's metric (threshold 1) and an SNS topic with a subscriber as the alarm's action.",
            "証跡を CloudWatch Logs に送り、そのロググループにルートユーザーの利用の CIS パターンのメトリクスフィルターを、フィルターのメトリクスにアラーム(しきい値 1)を追加し、サブスクライバーのいる SNS トピックをアラームのアクションにしてください。"),
        references: ["https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, at: At<'_>) -> Outcome {
    super::monitored(cx, at, &super::CIS[super::at::ROOT_USAGE])
}
