use crate::checks::prelude::*;
use yagura_inventory::Bucket;

declare_check! {
    pub static META = "s3-bucket-access-logging-off" {
        severity: Medium,
        service: "s3",
        spec: ["AUD-20"],
        compliance: {
            "aws-fsbp": ["S3.9"],
        },
        needs: [data::BUCKETS.name, data::BUCKET_ACCESS_LOGGING.name],
        title: ("Bucket does not log access",
            "バケットがアクセスログを記録していない"),
        what: ("Finds buckets with server access logging off (GetBucketLogging).",
            "サーバーアクセスログが無効なバケット(GetBucketLogging)を検出します。"),
        why: ("Without access logs nobody can tell afterwards who read, wrote or deleted which object, nor investigate a leak.",
            "アクセスログがないと、誰がどのオブジェクトを読み・書き・削除したかを後から確かめられず、漏えいも調査できません。"),
        fix: ("Enable server access logging to another bucket of the same region (`aws s3api put-bucket-logging`), one without a default retention period.",
            "同じリージョンの別のバケット(デフォルトの保持期間のないもの)へのサーバーアクセスログを有効にしてください(`aws s3api put-bucket-logging`)。"),
        references: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Bucket(eval),
};

fn eval(cx: &mut Cx<'_>, b: &Bucket, at: At<'_>) -> Outcome {
    match cx.need_in(&data::BUCKET_ACCESS_LOGGING, b)? {
        Some(target) => {
            cx.emit(
                at,
                Status::Pass,
                msg!(
                    "bucket `{b}` logs access",
                    "バケット `{b}` はアクセスログを記録しています",
                    b = b.name
                ),
            );
            cx.evidence("target_bucket", target.clone());
        }
        None => cx.emit(
            at,
            Status::Fail,
            msg!(
                "bucket `{b}` does not log access",
                "バケット `{b}` はアクセスログを記録していません",
                b = b.name
            ),
        ),
    }
    Ok(())
}
