use super::trails;
use crate::checks::prelude::*;

declare_check! {
    pub static META = "cloudtrail-no-cloudwatch-logs" {
        severity: Low,
        service: "cloudtrail",
        spec: ["AUD-20"],
        compliance: {
            "aws-fsbp": ["CloudTrail.5"],
        },
        needs: [data::CLOUDTRAIL.name],
        title: ("Trail does not send its events to CloudWatch Logs",
            "証跡がイベントを CloudWatch Logs に送信していない"),
        what: ("Finds trails without a CloudWatch Logs log group (`CloudWatchLogsLogGroupArn` empty).",
            "CloudWatch Logs のロググループ(`CloudWatchLogsLogGroupArn`)が設定されていない証跡を検出します。"),
        why: ("Events only in S3 can be searched after the fact but raise no alarm: metric filters and alarms on root use, policy changes or failed sign-ins need the events in CloudWatch Logs.",
            "S3 にしかないイベントは後から検索できても警告にはなりません。ルートの使用・ポリシー変更・サインイン失敗のメトリクスフィルターとアラームには、CloudWatch Logs にイベントが必要です。"),
        fix: ("Give the trail a log group and a role CloudTrail can write it with (`aws cloudtrail update-trail --cloud-watch-logs-log-group-arn ARN --cloud-watch-logs-role-arn ROLE`).",
            "証跡にロググループと、CloudTrail が書き込むためのロールを設定してください(`aws cloudtrail update-trail --cloud-watch-logs-log-group-arn ARN --cloud-watch-logs-role-arn ROLE`)。"),
        references: ["https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, at: At<'_>) -> Outcome {
    let (trails, unreadable) = trails(cx)?;
    for t in trails {
        let at = At {
            resource: &t.arn,
            region: &t.home_region,
        };
        match &t.cloudwatch_logs_log_group_arn {
            Some(g) => {
                cx.emit(
                    at,
                    Status::Pass,
                    msg!(
                        "trail `{n}` sends its events to CloudWatch Logs",
                        "証跡 `{n}` はイベントを CloudWatch Logs に送信しています",
                        n = t.name
                    ),
                );
                cx.evidence("log_group", g.clone());
            }
            None => cx.emit(
                at,
                Status::Fail,
                msg!(
                    "trail `{n}` does not send its events to CloudWatch Logs",
                    "証跡 `{n}` はイベントを CloudWatch Logs に送信していません",
                    n = t.name
                ),
            ),
        }
    }
    // The trails of a region that could not be read are not judged: say so once.
    if let Some(r) = unreadable {
        if let Err(m) = cx.need_in(&data::CLOUDTRAIL, r) {
            cx.unknown_on(
                At {
                    region: &r.name,
                    ..at
                },
                m.error,
            );
        }
    }
    Ok(())
}
