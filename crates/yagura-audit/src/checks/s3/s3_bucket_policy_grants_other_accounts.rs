use crate::checks::prelude::*;
use crate::policy::policy_error;
use yagura_iam::{facts, Policy};
use yagura_inventory::Bucket;

declare_check! {
    pub static META = "s3-bucket-policy-grants-other-accounts" {
        severity: High,
        service: "s3",
        spec: ["AUD-09"],
        compliance: {
            "aws-fsbp": ["S3.6"],
        },
        needs: [data::BUCKETS.name, data::BUCKET_POLICY.name],
        title: ("Bucket policy lets other accounts change the bucket's access",
            "バケットポリシーが他のアカウントにバケットのアクセス設定の変更を許可している"),
        what: ("Finds bucket policies that allow a principal of another account (or anyone) `s3:DeleteBucketPolicy`, `s3:PutBucketAcl`, `s3:PutBucketPolicy`, `s3:PutEncryptionConfiguration` or `s3:PutObjectAcl`, judged by the policy evaluator (conditions assumed met, denies counted).",
            "他のアカウントのプリンシパル(または全員)に `s3:DeleteBucketPolicy`・`s3:PutBucketAcl`・`s3:PutBucketPolicy`・`s3:PutEncryptionConfiguration`・`s3:PutObjectAcl` を許可するバケットポリシーを検出します。ポリシー評価エンジンで判定します(条件は満たされるものとし、Deny は考慮します)。"),
        why: ("Another account that may rewrite the policy, the ACLs or the encryption can open the bucket to anyone or lock its owner out.",
            "ポリシー・ACL・暗号化を書き換えられる他のアカウントは、バケットを誰にでも公開したり、所有者を締め出したりできます。"),
        fix: ("Remove these actions from the statements for other accounts; grant them only the object reads and writes they need.",
            "他のアカウント向けのステートメントからこれらのアクションを削除し、必要なオブジェクトの読み書きだけを許可してください。"),
        references: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Bucket(eval),
};

fn eval(cx: &mut Cx<'_>, b: &Bucket, at: At<'_>) -> Outcome {
    let Some(doc) = cx.need_in(&data::BUCKET_POLICY, b)? else {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "bucket `{b}` has no bucket policy",
                "バケット `{b}` にバケットポリシーはありません",
                b = b.name
            ),
        );
        return Ok(());
    };
    // An unreadable policy is UNKNOWN, never "grants nothing".
    let policy = Policy::parse("bucket policy", doc).map_err(|e| Missing::new(policy_error(&e)))?;
    let grants = facts::s3_foreign_grants(&policy, &cx.account.account_id, cx.partition(), &b.name);
    if grants.is_empty() {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "the policy of bucket `{b}` lets no other account change its access",
                "バケット `{b}` のポリシーは他のアカウントにアクセス設定の変更を許可していません",
                b = b.name
            ),
        );
        return Ok(());
    }
    cx.emit(
        at,
        Status::Fail,
        msg!(
            "the policy of bucket `{b}` allows other accounts {a}",
            "バケット `{b}` のポリシーは他のアカウントに {a} を許可しています",
            b = b.name,
            a = grants.join(", ")
        ),
    );
    let who = facts::foreign_principals(&policy, &cx.account.account_id);
    cx.evidence("principals", who.join(", "));
    Ok(())
}
