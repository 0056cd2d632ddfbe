use crate::checks::prelude::*;

declare_check! {
    pub static META = "cloudwatch-alarm-vpc-changes-missing" {
        severity: Medium,
        service: "cloudwatch",
        spec: ["AUD-20"],
        compliance: {
            "cis-aws-foundations-3.0": ["4.14"],
            "cis-aws-foundations-7.0": ["5.14"],
        },
        needs: [data::CLOUDTRAIL.name, data::METRIC_FILTERS.name, data::METRIC_ALARMS.name, data::SNS_SUBSCRIPTIONS.name],
        title: ("No alarm on VPC changes",
            "VPC の変更のアラームがない"),
        what: ("Checks that a logging multi-region trail delivers to a CloudWatch Logs group with a metric filter for VPC changes (the CIS pattern or a wider one), an alarm on its metric, and that the alarm notifies an SNS topic with a confirmed subscription.",
            "ログ記録中のマルチリージョン証跡が CloudWatch Logs のロググループに配信し、そこにVPC の変更のメトリクスフィルター(CIS のパターンまたはそれより広いもの)とそのメトリクスのアラームがあり、アラームが確認済みのサブスクリプションのある SNS トピックに通知するか確認します。"),
        why: ("New VPCs and peerings change which networks can reach your resources.",
            "VPC やピアリングの追加で、リソースに届くネットワークが変わります。"),
        fix: ("Send the trail to CloudWatch Logs, add a metric filter with the CIS pattern for VPC changes to its log group, an alarm on the filter's metric (threshold 1) and an SNS topic with a subscriber as the alarm's action.",
            "証跡を CloudWatch Logs に送り、そのロググループにVPC の変更の CIS パターンのメトリクスフィルターを、フィルターのメトリクスにアラーム(しきい値 1)を追加し、サブスクライバーのいる SNS トピックをアラームのアクションにしてください。"),
        references: ["https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, at: At<'_>) -> Outcome {
    super::monitored(cx, at, &super::CIS[super::at::VPC_CHANGES])
}
