use crate::checks::prelude::*;
use yagura_inventory::Bucket;

declare_check! {
    pub static META = "s3-bucket-no-lifecycle-rules" {
        severity: Low,
        service: "s3",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["S3.13"],
        },
        needs: [data::BUCKETS.name, data::BUCKET_LIFECYCLE_RULES.name],
        title: ("Bucket has no lifecycle rule",
            "バケットにライフサイクルルールがない"),
        what: ("Finds buckets without an enabled lifecycle rule (GetBucketLifecycleConfiguration).",
            "有効なライフサイクルルールのないバケット(GetBucketLifecycleConfiguration)を検出します。"),
        why: ("Without lifecycle rules, objects and their old versions are kept forever: data that should have been deleted stays exposed to a leak, and costs grow.",
            "ライフサイクルルールがないと、オブジェクトと古いバージョンが永久に残り、削除すべきデータが漏えいの対象であり続け、コストも増えます。"),
        fix: ("Add lifecycle rules that expire objects or move them to cheaper storage classes when the data's retention period ends.",
            "データの保持期間に合わせて、オブジェクトを失効させるか安価なストレージクラスに移すライフサイクルルールを追加してください。"),
        references: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Bucket(eval),
};

fn eval(cx: &mut Cx<'_>, b: &Bucket, at: At<'_>) -> Outcome {
    let n = *cx.need_in(&data::BUCKET_LIFECYCLE_RULES, b)?;
    if n > 0 {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "bucket `{b}` has {n} enabled lifecycle rule(s)",
                "バケット `{b}` には有効なライフサイクルルールが {n} 個あります",
                b = b.name,
                n = n
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "bucket `{b}` has no enabled lifecycle rule",
                "バケット `{b}` には有効なライフサイクルルールがありません",
                b = b.name
            ),
        );
    }
    Ok(())
}
