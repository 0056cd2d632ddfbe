use crate::checks::prelude::*;
use yagura_inventory::Bucket;

declare_check! {
    pub static META = "s3-bucket-not-kms-encrypted" {
        severity: Medium,
        service: "s3",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["S3.17"],
        },
        needs: [data::BUCKETS.name, data::BUCKET_DEFAULT_ENCRYPTION.name],
        title: ("Bucket is not encrypted with a KMS key by default",
            "バケットのデフォルト暗号化が KMS キーではない"),
        what: ("Finds buckets whose default encryption is not SSE-KMS or DSSE-KMS (GetBucketEncryption): SSE-S3 or none.",
            "デフォルト暗号化が SSE-KMS または DSSE-KMS ではない(SSE-S3 またはなし)バケット(GetBucketEncryption)を検出します。"),
        why: ("With S3-managed keys, anyone allowed to read an object reads it in clear; a KMS key adds its own permission and logs every decryption in CloudTrail.",
            "S3 管理のキーでは、オブジェクトの読み取りを許可された者は誰でも平文で読めます。KMS キーでは、キー自体の権限が必要になり、復号のたびに CloudTrail に記録されます。"),
        fix: ("Set default encryption to SSE-KMS with a customer managed key and S3 Bucket Keys (`aws s3api put-bucket-encryption`).",
            "デフォルト暗号化をカスタマー管理キーと S3 バケットキーを使う SSE-KMS にしてください(`aws s3api put-bucket-encryption`)。"),
        references: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Bucket(eval),
};

fn eval(cx: &mut Cx<'_>, b: &Bucket, at: At<'_>) -> Outcome {
    let algorithm = cx.need_in(&data::BUCKET_DEFAULT_ENCRYPTION, b)?;
    match algorithm.as_deref() {
        Some(a @ ("aws:kms" | "aws:kms:dsse")) => cx.emit(
            at,
            Status::Pass,
            msg!(
                "bucket `{b}` is encrypted with a KMS key by default (`{a}`)",
                "バケット `{b}` はデフォルトで KMS キーにより暗号化されます(`{a}`)",
                b = b.name,
                a = a
            ),
        ),
        other => {
            let a = other.unwrap_or("none");
            cx.emit(
                at,
                Status::Fail,
                msg!(
                    "bucket `{b}` is not encrypted with a KMS key by default (`{a}`)",
                    "バケット `{b}` のデフォルト暗号化は KMS キーではありません(`{a}`)",
                    b = b.name,
                    a = a
                ),
            );
        }
    }
    Ok(())
}
