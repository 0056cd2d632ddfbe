use crate::checks::prelude::*;
use yagura_inventory::Bucket;

declare_check! {
    pub static META = "s3-bucket-versioned-without-lifecycle" {
        severity: Medium,
        service: "s3",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["S3.10"],
        },
        needs: [data::BUCKETS.name, data::BUCKET_VERSIONING.name, data::BUCKET_LIFECYCLE_RULES.name],
        title: ("Versioned bucket has no lifecycle rule",
            "バージョニングされたバケットにライフサイクルルールがない"),
        what: ("Finds buckets with versioning enabled and no enabled lifecycle rule; buckets without versioning are not judged.",
            "バージョニングが有効で、有効なライフサイクルルールのないバケットを検出します。バージョニングのないバケットは対象外です。"),
        why: ("Every overwrite and deletion keeps a noncurrent version: without a rule that expires them, old copies of every object pile up forever.",
            "上書きや削除のたびに旧バージョンが残るため、失効させるルールがないと、すべてのオブジェクトの古いコピーが永久に溜まり続けます。"),
        fix: ("Add a lifecycle rule with `NoncurrentVersionExpiration` (and one that removes expired delete markers).",
            "`NoncurrentVersionExpiration` を含むライフサイクルルール(と期限切れの削除マーカーを削除するルール)を追加してください。"),
        references: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-configuration-examples.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Bucket(eval),
};

fn eval(cx: &mut Cx<'_>, b: &Bucket, at: At<'_>) -> Outcome {
    if cx.need_in(&data::BUCKET_VERSIONING, b)?.as_deref() != Some("Enabled") {
        return Ok(());
    }
    let n = *cx.need_in(&data::BUCKET_LIFECYCLE_RULES, b)?;
    if n > 0 {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "versioned bucket `{b}` has {n} enabled lifecycle rule(s)",
                "バージョニングされたバケット `{b}` には有効なライフサイクルルールが {n} 個あります",
                b = b.name,
                n = n
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "versioned bucket `{b}` has no enabled lifecycle rule",
                "バージョニングされたバケット `{b}` には有効なライフサイクルルールがありません",
                b = b.name
            ),
        );
    }
    Ok(())
}
