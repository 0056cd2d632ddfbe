use crate::checks::prelude::*;
use yagura_inventory::Bucket;

declare_check! {
    pub static META = "s3-bucket-object-lock-off" {
        severity: Medium,
        service: "s3",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["S3.15"],
        },
        needs: [data::BUCKETS.name, data::BUCKET_OBJECT_LOCK.name],
        title: ("Bucket does not have Object Lock enabled",
            "バケットのオブジェクトロックが有効になっていない"),
        what: ("Finds buckets without Object Lock (GetObjectLockConfiguration).",
            "オブジェクトロックが有効になっていないバケット(GetObjectLockConfiguration)を検出します。"),
        why: ("Without Object Lock, anyone with delete permission (an attacker with stolen credentials, ransomware) can destroy every version of the data.",
            "オブジェクトロックがないと、削除権限を持つ者(認証情報を盗んだ攻撃者やランサムウェア)がデータのすべてのバージョンを破壊できます。"),
        fix: ("Enable Object Lock with a default retention for buckets that hold records or backups (`aws s3api put-object-lock-configuration`; versioning is required).",
            "記録やバックアップを保存するバケットでは、デフォルトの保持期間を付けてオブジェクトロックを有効にしてください(`aws s3api put-object-lock-configuration`、バージョニングが必要です)。"),
        references: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Bucket(eval),
};

fn eval(cx: &mut Cx<'_>, b: &Bucket, at: At<'_>) -> Outcome {
    if *cx.need_in(&data::BUCKET_OBJECT_LOCK, b)? {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "bucket `{b}` has Object Lock enabled",
                "バケット `{b}` のオブジェクトロックは有効です",
                b = b.name
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "bucket `{b}` does not have Object Lock enabled",
                "バケット `{b}` のオブジェクトロックは有効ではありません",
                b = b.name
            ),
        );
    }
    Ok(())
}
