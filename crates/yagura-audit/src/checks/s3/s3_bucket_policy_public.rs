use super::blocks;
use crate::checks::prelude::*;
use crate::policy::policy_error;
use yagura_iam::{facts, Policy};
use yagura_inventory::Bucket;

declare_check! {
    pub static META = "s3-bucket-policy-public" {
        severity: Critical,
        service: "s3",
        spec: ["AUD-09"],
        compliance: {
            "cis-aws-foundations-3.0": [],
            "yagura-guideline": ["001"],
        },
        needs: [data::BUCKETS.name, data::ACCOUNT_PUBLIC_ACCESS_BLOCK.name, data::BUCKET_PUBLIC_ACCESS_BLOCK.name, data::BUCKET_POLICY.name],
        title: ("Bucket policy grants access to everyone",
            "バケットポリシーが全員にアクセスを許可している"),
        what: ("Finds bucket policies with an Allow statement for the principal `*` without a restricting condition.",
            "制限する条件なしにプリンシパル `*` へ Allow するバケットポリシーを検出します。"),
        why: ("Anyone on the internet can read (or write) the objects.",
            "インターネット上の誰もがオブジェクトを読める(または書ける)状態です。"),
        fix: ("Remove the public statement, or restrict it with `aws:SourceVpce`, `aws:PrincipalOrgID` or a CloudFront origin access control.",
            "公開ステートメントを削除するか、`aws:SourceVpce`・`aws:PrincipalOrgID`・CloudFront OAC で制限してください。"),
        references: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-policy-language-overview.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Bucket(eval),
};

fn eval(cx: &mut Cx<'_>, b: &Bucket, at: At<'_>) -> Outcome {
    let restrict = blocks(cx, b, |p| p.restrict_public_buckets)?;
    let Some(doc) = cx.need_in(&data::BUCKET_POLICY, b)? else {
        cx.emit(
            at,
            Status::Pass,
            text!(
                "bucket `{b}` has no bucket policy",
                "バケット `{b}` にバケットポリシーはありません",
                b = b.name
            ),
        );
        return Ok(());
    };
    // An unreadable policy is UNKNOWN, never "not public".
    let policy = Policy::parse("bucket policy", doc).map_err(|e| Missing::new(policy_error(&e)))?;
    if !facts::allows_anyone(&policy) {
        cx.emit(
            at,
            Status::Pass,
            text!(
                "the policy of bucket `{b}` is not public",
                "バケット `{b}` のポリシーは公開されていません",
                b = b.name
            ),
        );
    } else if restrict {
        cx.emit(
            at,
            Status::Pass,
            text!(
                "the public policy of bucket `{b}` is neutralised by RestrictPublicBuckets",
                "バケット `{b}` の公開ポリシーは RestrictPublicBuckets により無効化されています",
                b = b.name
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Fail,
            text!(
                "the policy of bucket `{b}` allows access to everyone",
                "バケット `{b}` のポリシーは全員にアクセスを許可しています",
                b = b.name
            ),
        );
    }
    Ok(())
}
