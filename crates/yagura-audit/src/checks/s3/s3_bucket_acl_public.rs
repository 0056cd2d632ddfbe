use super::acl_public_grants;
use crate::checks::prelude::*;
use yagura_inventory::Bucket;

declare_check! {
    pub static META = "s3-bucket-acl-public" {
        severity: Critical,
        service: "s3",
        spec: ["AUD-09"],
        compliance: {
            "cis-aws-foundations-3.0": [],
            "aws-fsbp": ["S3.2", "S3.3"],
            "yagura-guideline": ["001"],
        },
        needs: [data::BUCKETS.name, data::ACCOUNT_PUBLIC_ACCESS_BLOCK.name, data::BUCKET_PUBLIC_ACCESS_BLOCK.name, data::BUCKET_ACL.name],
        title: ("Bucket ACL grants access to all users",
            "バケット ACL が全ユーザーにアクセスを許可している"),
        what: ("Finds bucket ACLs with grants to AllUsers or AuthenticatedUsers.",
            "AllUsers または AuthenticatedUsers に付与しているバケット ACL を検出します。"),
        why: ("ACL grants to these groups make the bucket public to the internet or to every AWS customer.",
            "これらのグループへの付与はバケットをインターネットや全 AWS 利用者に公開します。"),
        fix: ("Remove the grants and set Object Ownership to `BucketOwnerEnforced` to disable ACLs.",
            "付与を削除し、オブジェクト所有者を `BucketOwnerEnforced` にして ACL を無効化してください。"),
        references: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Bucket(eval),
};

fn eval(cx: &mut Cx<'_>, b: &Bucket, at: At<'_>) -> Outcome {
    let public = acl_public_grants(cx, b)?;
    if !public.is_empty() {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "the ACL of bucket `{b}` grants {p} to all users",
                "バケット `{b}` の ACL が全ユーザーに `{p}` を許可しています",
                b = b.name,
                p = public.join(", ")
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "the ACL of bucket `{b}` is not public",
                "バケット `{b}` の ACL は公開されていません",
                b = b.name
            ),
        );
    }
    Ok(())
}
