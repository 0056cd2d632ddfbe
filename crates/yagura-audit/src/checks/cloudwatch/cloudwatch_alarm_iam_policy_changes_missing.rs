use crate::checks::prelude::*;

declare_check! {
    pub static META = "cloudwatch-alarm-iam-policy-changes-missing" {
        severity: Medium,
        service: "cloudwatch",
        spec: ["AUD-20"],
        compliance: {
            "cis-aws-foundations-3.0": ["4.4"],
            "cis-aws-foundations-7.0": ["5.4"],
        },
        needs: [data::CLOUDTRAIL.name, data::METRIC_FILTERS.name, data::METRIC_ALARMS.name, data::SNS_SUBSCRIPTIONS.name],
        title: ("No alarm on IAM policy changes",
            "IAM ポリシーの変更のアラームがない"),
        what: ("Checks that a logging multi-region trail delivers to a CloudWatch Logs group with a metric filter for IAM policy changes (the CIS pattern or a wider one), an alarm on its metric, and that the alarm notifies an SNS topic with a confirmed subscription.",
            "ログ記録中のマルチリージョン証跡が CloudWatch Logs のロググループに配信し、そこにIAM ポリシーの変更のメトリクスフィルター(CIS のパターンまたはそれより広いもの)とそのメトリクスのアラームがあり、アラームが確認済みのサブスクリプションのある SNS トピックに通知するか確認します。"),
        why: ("A changed policy can grant an attacker lasting access or remove a guard rail without anyone noticing.",
            "ポリシーの変更は、誰にも気付かれずに攻撃者へ永続的なアクセスを与えたり、ガードレールを外したりできます。"),
        fix: ("Send the trail to CloudWatch Logs, add a metric filter with the CIS pattern for IAM policy changes to its log group, an alarm on the filter's metric (threshold 1) and an SNS topic with a subscriber as the alarm's action.",
            "証跡を CloudWatch Logs に送り、そのロググループにIAM ポリシーの変更の CIS パターンのメトリクスフィルターを、フィルターのメトリクスにアラーム(しきい値 1)を追加し、サブスクライバーのいる SNS トピックをアラームのアクションにしてください。"),
        references: ["https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, at: At<'_>) -> Outcome {
    super::monitored(cx, at, &super::CIS[super::at::IAM_POLICY_CHANGES])
}
