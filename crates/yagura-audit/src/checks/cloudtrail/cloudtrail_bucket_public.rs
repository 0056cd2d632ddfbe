use super::trail_buckets;
use crate::checks::prelude::*;
use crate::checks::s3::{acl_public_grants, policy_exposure, PolicyExposure};

declare_check! {
    pub static META = "cloudtrail-bucket-public" {
        severity: Critical,
        service: "cloudtrail",
        spec: ["AUD-09", "AUD-20"],
        compliance: {
            "aws-fsbp": ["CloudTrail.6"],
        },
        needs: [data::CLOUDTRAIL.name, data::BUCKETS.name, data::ACCOUNT_PUBLIC_ACCESS_BLOCK.name, data::BUCKET_PUBLIC_ACCESS_BLOCK.name, data::BUCKET_POLICY.name, data::BUCKET_ACL.name],
        title: ("The CloudTrail bucket is public",
            "CloudTrail のバケットが公開されている"),
        what: ("Finds trails whose S3 bucket, in this account, is public by its bucket policy or its ACL, judged as `s3-bucket-policy-public` and `s3-bucket-acl-public` judge them (Block Public Access counted).",
            "このアカウント内にある証跡の S3 バケットで、バケットポリシーまたは ACL により公開されているものを検出します。判定は `s3-bucket-policy-public` と `s3-bucket-acl-public` と同じです(ブロックパブリックアクセスを考慮)。"),
        why: ("The trail's logs show every call made in the account, who made it and from where: to an attacker, a map of the account's weak points.",
            "証跡のログには、アカウントでのすべての呼び出しと、誰がどこから行ったかが記録されています。攻撃者にとってはアカウントの弱点の地図です。"),
        fix: ("Remove the public statement from the bucket policy and the AllUsers/AuthenticatedUsers grants from its ACL, and turn on Block Public Access for the bucket.",
            "バケットポリシーから公開ステートメントを、ACL から AllUsers/AuthenticatedUsers への付与を削除し、バケットのブロックパブリックアクセスを有効にしてください。"),
        references: ["https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html", "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, _at: At<'_>) -> Outcome {
    for (t, bucket) in trail_buckets(cx, "s3:GetBucketPolicy")? {
        let at = At {
            resource: &t.arn,
            region: &t.home_region,
        };
        let (n, b) = (&t.name, &t.s3_bucket);
        let judged = policy_exposure(cx, bucket)
            .and_then(|p| acl_public_grants(cx, bucket).map(|acl| (p, acl)));
        match judged {
            Err(m) => cx.unknown_on(at, m.error),
            Ok((PolicyExposure::Public, _)) => cx.emit(
                at,
                Status::Fail,
                msg!(
                    "the policy of bucket `{b}` of trail `{n}` allows access to everyone",
                    "証跡 `{n}` のバケット `{b}` のポリシーは全員にアクセスを許可しています",
                    b = b,
                    n = n
                ),
            ),
            Ok((_, acl)) if !acl.is_empty() => cx.emit(
                at,
                Status::Fail,
                msg!(
                    "the ACL of bucket `{b}` of trail `{n}` grants {p} to all users",
                    "証跡 `{n}` のバケット `{b}` の ACL が全ユーザーに `{p}` を許可しています",
                    b = b,
                    n = n,
                    p = acl.join(", ")
                ),
            ),
            Ok(_) => cx.emit(
                at,
                Status::Pass,
                msg!(
                    "bucket `{b}` of trail `{n}` is not public",
                    "証跡 `{n}` のバケット `{b}` は公開されていません",
                    b = b,
                    n = n
                ),
            ),
        }
    }
    Ok(())
}
