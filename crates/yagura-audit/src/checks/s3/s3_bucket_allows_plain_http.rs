use crate::checks::prelude::*;
use crate::policy::policy_error;
use yagura_iam::policy::{Principal as Who, Statement};
use yagura_iam::{Effect, Policy};
use yagura_inventory::Bucket;

declare_check! {
    pub static META = "s3-bucket-allows-plain-http" {
        severity: Medium,
        service: "s3",
        spec: ["AUD-09"],
        compliance: {
            "cis-aws-foundations-3.0": ["2.1.1"],
            "cis-aws-foundations-7.0": ["3.1.1"],
            "aws-fsbp": ["S3.5"],
        },
        needs: [data::BUCKETS.name, data::BUCKET_POLICY.name],
        title: ("S3 bucket does not deny requests without TLS",
            "S3 バケットが TLS なしのリクエストを拒否していない"),
        what: ("Finds buckets whose policy has no statement denying every principal the object reads and writes when `aws:SecureTransport` is false.",
            "`aws:SecureTransport` が false のときに全プリンシパルのオブジェクト読み書きを拒否するステートメントが、ポリシーにないバケットを検出します。"),
        why: ("S3 answers plain HTTP: a client or SDK configured without TLS sends data and signed requests readable and alterable on the way.",
            "S3 は平文の HTTP にも応答します。TLS なしで設定されたクライアントや SDK は、途中で読まれ改ざんされうる形でデータと署名付きリクエストを送ります。"),
        fix: ("Add a statement `Effect: Deny, Principal: *, Action: s3:*, Resource: the bucket and its objects, Condition: {\"Bool\": {\"aws:SecureTransport\": \"false\"}}` to the bucket policy.",
            "バケットポリシーに `Effect: Deny, Principal: *, Action: s3:*, Resource: バケットとそのオブジェクト, Condition: {\"Bool\": {\"aws:SecureTransport\": \"false\"}}` のステートメントを追加してください。"),
        references: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Bucket(eval),
};

/// The statement denies everyone the object reads and writes whenever the request is not TLS
/// (its only conditions say so).
fn denies_plain_http(s: &Statement) -> bool {
    let everyone = s.principal.as_ref().is_some_and(|p| {
        !p.not
            && match &p.principal {
                Who::Any => true,
                Who::Map(m) => m
                    .iter()
                    .any(|(kind, values, _)| kind == "AWS" && values.iter().any(|v| v == "*")),
            }
    });
    let actions = s.action.as_ref().is_some_and(|a| {
        !a.not
            && ["s3:getobject", "s3:putobject"]
                .iter()
                .all(|want| a.patterns.iter().any(|p| p.matches_action_lower(want)))
    });
    let plain = !s.conditions.is_empty()
        && s.conditions.iter().all(|c| {
            c.operator == "Bool"
                && c.key.eq_ignore_ascii_case("aws:SecureTransport")
                && !c.values.is_empty()
                && c.values.iter().all(|v| v.as_str() == "false")
        });
    s.effect == Effect::Deny && everyone && actions && plain
}

fn eval(cx: &mut Cx<'_>, b: &Bucket, at: At<'_>) -> Outcome {
    let doc = cx.need_in(&data::BUCKET_POLICY, b)?;
    let denies = match doc {
        None => false,
        // An unreadable policy is UNKNOWN, never judged.
        Some(doc) => Policy::parse("bucket policy", doc)
            .map_err(|e| Missing::new(policy_error(&e)))?
            .statements
            .iter()
            .any(denies_plain_http),
    };
    if denies {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "bucket `{b}` denies requests without TLS",
                "バケット `{b}` は TLS なしのリクエストを拒否しています",
                b = b.name
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "bucket `{b}` does not deny requests without TLS",
                "バケット `{b}` は TLS なしのリクエストを拒否していません",
                b = b.name
            ),
        );
    }
    Ok(())
}
