use crate::checks::prelude::*;
use yagura_inventory::Bucket;

declare_check! {
    pub static META = "s3-bucket-versioning-off" {
        severity: Low,
        service: "s3",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["S3.14"],
        },
        needs: [data::BUCKETS.name, data::BUCKET_VERSIONING.name],
        title: ("Bucket versioning is not enabled",
            "バケットのバージョニングが有効になっていない"),
        what: ("Finds buckets whose versioning is suspended or was never enabled (GetBucketVersioning).",
            "バージョニングが停止中、または一度も有効にされていないバケット(GetBucketVersioning)を検出します。"),
        why: ("Without versions, an overwritten or deleted object is gone: a mistake, a faulty deployment or ransomware cannot be undone.",
            "バージョンがないと、上書き・削除されたオブジェクトは失われ、誤操作・不具合のあるデプロイ・ランサムウェアを元に戻せません。"),
        fix: ("Enable versioning (`aws s3api put-bucket-versioning --versioning-configuration Status=Enabled`) and add a lifecycle rule that expires old versions.",
            "バージョニングを有効にし(`aws s3api put-bucket-versioning --versioning-configuration Status=Enabled`)、古いバージョンを失効させるライフサイクルルールを追加してください。"),
        references: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Bucket(eval),
};

fn eval(cx: &mut Cx<'_>, b: &Bucket, at: At<'_>) -> Outcome {
    let status = cx.need_in(&data::BUCKET_VERSIONING, b)?;
    if status.as_deref() == Some("Enabled") {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "bucket `{b}` has versioning enabled",
                "バケット `{b}` のバージョニングは有効です",
                b = b.name
            ),
        );
    } else {
        let s = status.as_deref().unwrap_or("never enabled");
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "bucket `{b}` does not have versioning enabled (`{s}`)",
                "バケット `{b}` のバージョニングは有効ではありません(`{s}`)",
                b = b.name,
                s = s
            ),
        );
    }
    Ok(())
}
