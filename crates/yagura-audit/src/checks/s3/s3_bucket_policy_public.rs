use super::{policy_exposure, PolicyExposure};
use crate::checks::prelude::*;
use yagura_inventory::Bucket;

declare_check! {
    pub static META = "s3-bucket-policy-public" {
        severity: Critical,
        service: "s3",
        spec: ["AUD-09"],
        compliance: {
            "cis-aws-foundations-3.0": [],
            "cis-aws-foundations-7.0": ["2.21"],
            "aws-fsbp": ["S3.2", "S3.3"],
            "yagura-guideline": ["001"],
        },
        needs: [data::BUCKETS.name, data::ACCOUNT_PUBLIC_ACCESS_BLOCK.name, data::BUCKET_PUBLIC_ACCESS_BLOCK.name, data::BUCKET_POLICY.name],
        title: ("Bucket policy grants access to everyone",
            "バケットポリシーが全員にアクセスを許可している"),
        what: ("Finds bucket policies that are public as S3 Block Public Access judges them: an Allow statement for the principal `*` (or with `NotPrincipal`) without a condition that pins the caller or the source to fixed values (`aws:SourceVpce`, `aws:PrincipalOrgID`, `aws:SourceIp` other than the whole internet …). A condition such as `aws:SecureTransport` restricts how, not who: the policy stays public.",
            "S3 ブロックパブリックアクセスと同じ基準で公開されたバケットポリシーを検出します。プリンシパル `*`(または `NotPrincipal`)への Allow で、呼び出し元や送信元を固定値に限定する条件(`aws:SourceVpce`・`aws:PrincipalOrgID`・インターネット全体以外の `aws:SourceIp` など)がないものです。`aws:SecureTransport` のような条件は方法を制限するだけで相手を制限しないため、公開のままです。"),
        why: ("Anyone on the internet can read (or write) the objects.",
            "インターネット上の誰もがオブジェクトを読める(または書ける)状態です。"),
        fix: ("Remove the public statement, or restrict it with `aws:SourceVpce`, `aws:PrincipalOrgID` or a CloudFront origin access control.",
            "公開ステートメントを削除するか、`aws:SourceVpce`・`aws:PrincipalOrgID`・CloudFront のオリジンアクセスコントロールで制限してください。"),
        references: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status", "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-policy-language-overview.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Bucket(eval),
};

fn eval(cx: &mut Cx<'_>, b: &Bucket, at: At<'_>) -> Outcome {
    let (status, msg) = match policy_exposure(cx, b)? {
        PolicyExposure::NoPolicy => (
            Status::Pass,
            msg!(
                "bucket `{b}` has no bucket policy",
                "バケット `{b}` にバケットポリシーはありません",
                b = b.name
            ),
        ),
        PolicyExposure::NotPublic => (
            Status::Pass,
            msg!(
                "the policy of bucket `{b}` is not public",
                "バケット `{b}` のポリシーは公開されていません",
                b = b.name
            ),
        ),
        PolicyExposure::Restricted => (
            Status::Pass,
            msg!(
                "the public policy of bucket `{b}` is neutralised by RestrictPublicBuckets",
                "バケット `{b}` の公開ポリシーは RestrictPublicBuckets により無効化されています",
                b = b.name
            ),
        ),
        PolicyExposure::Public => (
            Status::Fail,
            msg!(
                "the policy of bucket `{b}` allows access to everyone",
                "バケット `{b}` のポリシーは全員にアクセスを許可しています",
                b = b.name
            ),
        ),
    };
    cx.emit(at, status, msg);
    Ok(())
}
