use crate::checks::prelude::*;

declare_check! {
    pub static META = "cloudwatch-alarm-unauthorized-api-calls-missing" {
        severity: Medium,
        service: "cloudwatch",
        spec: ["AUD-20"],
        compliance: {
            "cis-aws-foundations-3.0": ["4.1"],
            "cis-aws-foundations-7.0": ["5.1"],
        },
        needs: [data::CLOUDTRAIL.name, data::METRIC_FILTERS.name, data::METRIC_ALARMS.name, data::SNS_SUBSCRIPTIONS.name],
        title: ("No alarm on unauthorized API calls",
            "不正な API 呼び出しのアラームがない"),
        what: ("Checks that a logging multi-region trail delivers to a CloudWatch Logs group with a metric filter for unauthorized API calls (the CIS pattern or a wider one), an alarm on its metric, and that the alarm notifies an SNS topic with a confirmed subscription.",
            "ログ記録中のマルチリージョン証跡が CloudWatch Logs のロググループに配信し、そこに不正な API 呼び出しのメトリクスフィルター(CIS のパターンまたはそれより広いもの)とそのメトリクスのアラームがあり、アラームが確認済みのサブスクリプションのある SNS トピックに通知するか確認します。"),
        why: ("Repeated denied calls are how a stolen key or a misused role shows itself first: someone probing what the credentials may do.",
            "拒否された呼び出しの繰り返しは、盗まれたキーや悪用されたロールが最初に見せる兆候です(認証情報で何ができるかを探っています)。"),
        fix: ("Send the trail to CloudWatch Logs, add a metric filter with the CIS pattern for unauthorized API calls to its log group, an alarm on the filter's metric (threshold 1) and an SNS topic with a subscriber as the alarm's action.",
            "証跡を CloudWatch Logs に送り、そのロググループに不正な API 呼び出しの CIS パターンのメトリクスフィルターを、フィルターのメトリクスにアラーム(しきい値 1)を追加し、サブスクライバーのいる SNS トピックをアラームのアクションにしてください。"),
        references: ["https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, at: At<'_>) -> Outcome {
    super::monitored(cx, at, &super::CIS[super::at::UNAUTHORIZED_API_CALLS])
}
