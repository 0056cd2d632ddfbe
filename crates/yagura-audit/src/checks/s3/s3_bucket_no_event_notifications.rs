use crate::checks::prelude::*;
use yagura_inventory::Bucket;

declare_check! {
    pub static META = "s3-bucket-no-event-notifications" {
        severity: Medium,
        service: "s3",
        spec: ["AUD-20"],
        compliance: {
            "aws-fsbp": ["S3.11"],
        },
        needs: [data::BUCKETS.name, data::BUCKET_NOTIFICATIONS.name],
        title: ("Bucket sends no event notifications",
            "バケットがイベント通知を送信していない"),
        what: ("Finds buckets without an event notification to an SNS topic, an SQS queue, a Lambda function or EventBridge (GetBucketNotificationConfiguration).",
            "SNS トピック・SQS キュー・Lambda 関数・EventBridge へのイベント通知のないバケット(GetBucketNotificationConfiguration)を検出します。"),
        why: ("Without notifications nothing reacts when objects are created or deleted: an unexpected deletion or upload goes unnoticed.",
            "通知がないと、オブジェクトの作成や削除に何も反応せず、想定外の削除やアップロードに気づけません。"),
        fix: ("Configure event notifications for the events that matter (object deletion, creation) to EventBridge, SNS or SQS.",
            "重要なイベント(オブジェクトの削除・作成)のイベント通知を EventBridge・SNS・SQS に設定してください。"),
        references: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventNotifications.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Bucket(eval),
};

fn eval(cx: &mut Cx<'_>, b: &Bucket, at: At<'_>) -> Outcome {
    if *cx.need_in(&data::BUCKET_NOTIFICATIONS, b)? {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "bucket `{b}` sends event notifications",
                "バケット `{b}` はイベント通知を送信しています",
                b = b.name
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "bucket `{b}` sends no event notifications",
                "バケット `{b}` はイベント通知を送信していません",
                b = b.name
            ),
        );
    }
    Ok(())
}
