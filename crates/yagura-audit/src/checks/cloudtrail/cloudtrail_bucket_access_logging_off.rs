use super::trail_buckets;
use crate::checks::prelude::*;

declare_check! {
    pub static META = "cloudtrail-bucket-access-logging-off" {
        severity: Low,
        service: "cloudtrail",
        spec: ["AUD-20"],
        compliance: {
            "cis-aws-foundations-3.0": ["3.4"],
            "cis-aws-foundations-7.0": ["4.4"],
            "aws-fsbp": ["CloudTrail.7"],
        },
        needs: [data::CLOUDTRAIL.name, data::BUCKETS.name, data::BUCKET_ACCESS_LOGGING.name],
        title: ("The CloudTrail bucket does not log access",
            "CloudTrail のバケットがアクセスログを記録していない"),
        what: ("Finds trails whose S3 bucket, in this account, has server access logging off (GetBucketLogging).",
            "このアカウント内にある証跡の S3 バケットで、サーバーアクセスログが無効なもの(GetBucketLogging)を検出します。"),
        why: ("The trail's bucket holds the record of everything done in the account; without access logs nobody can tell who read, copied or deleted those records.",
            "証跡のバケットにはアカウントで行われたすべての記録があります。アクセスログがないと、誰がその記録を読み・コピーし・削除したか分かりません。"),
        fix: ("Enable server access logging on the trail's bucket, to another bucket (`aws s3api put-bucket-logging`).",
            "証跡のバケットでサーバーアクセスログを有効にし、別のバケットに記録してください(`aws s3api put-bucket-logging`)。"),
        references: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, _at: At<'_>) -> Outcome {
    for (t, bucket) in trail_buckets(cx, "s3:GetBucketLogging")? {
        let at = At {
            resource: &t.arn,
            region: &t.home_region,
        };
        let (n, b) = (&t.name, &t.s3_bucket);
        match cx.need_in(&data::BUCKET_ACCESS_LOGGING, bucket) {
            Err(m) => cx.unknown_on(at, m.error),
            Ok(Some(target)) => {
                cx.emit(
                    at,
                    Status::Pass,
                    msg!(
                        "bucket `{b}` of trail `{n}` logs access",
                        "証跡 `{n}` のバケット `{b}` はアクセスログを記録しています",
                        b = b,
                        n = n
                    ),
                );
                cx.evidence("target_bucket", target.clone());
            }
            Ok(None) => cx.emit(
                at,
                Status::Fail,
                msg!(
                    "bucket `{b}` of trail `{n}` does not log access",
                    "証跡 `{n}` のバケット `{b}` はアクセスログを記録していません",
                    b = b,
                    n = n
                ),
            ),
        }
    }
    Ok(())
}
