use crate::checks::prelude::*;
use yagura_inventory::Bucket;

declare_check! {
    pub static META = "s3-bucket-acls-enabled" {
        severity: Medium,
        service: "s3",
        spec: ["AUD-09"],
        compliance: {
            "aws-fsbp": ["S3.12"],
        },
        needs: [data::BUCKETS.name, data::BUCKET_OBJECT_OWNERSHIP.name],
        title: ("Bucket ACLs are enabled",
            "バケットの ACL が有効になっている"),
        what: ("Finds buckets whose Object Ownership is not `BucketOwnerEnforced` (GetBucketOwnershipControls): their ACLs still grant access.",
            "オブジェクト所有者が `BucketOwnerEnforced` ではないバケット(GetBucketOwnershipControls)を検出します。その ACL はまだアクセスを付与します。"),
        why: ("ACLs grant access beside the bucket policy and IAM, object by object, where nobody reviews them; objects written by other accounts may not even belong to the bucket owner.",
            "ACL はバケットポリシーや IAM とは別に、誰も見直さないオブジェクト単位でアクセスを付与します。他のアカウントが書いたオブジェクトはバケット所有者のものでないことさえあります。"),
        fix: ("Move the grants into the bucket policy, then set Object Ownership to `BucketOwnerEnforced` (`aws s3api put-bucket-ownership-controls`).",
            "付与をバケットポリシーに移してから、オブジェクト所有者を `BucketOwnerEnforced` にしてください(`aws s3api put-bucket-ownership-controls`)。"),
        references: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Bucket(eval),
};

fn eval(cx: &mut Cx<'_>, b: &Bucket, at: At<'_>) -> Outcome {
    let ownership = cx.need_in(&data::BUCKET_OBJECT_OWNERSHIP, b)?;
    if ownership.as_deref() == Some("BucketOwnerEnforced") {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "bucket `{b}` has ACLs disabled (`BucketOwnerEnforced`)",
                "バケット `{b}` の ACL は無効です(`BucketOwnerEnforced`)",
                b = b.name
            ),
        );
    } else {
        let o = ownership.as_deref().unwrap_or("ObjectWriter");
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "bucket `{b}` has ACLs enabled (`{o}`)",
                "バケット `{b}` の ACL は有効です(`{o}`)",
                b = b.name,
                o = o
            ),
        );
    }
    Ok(())
}
