use super::customer_keys;
use crate::checks::prelude::*;
use crate::policy::policy_error;
use yagura_iam::{facts, Policy};
use yagura_inventory::{CollectError, Collected};

declare_check! {
    pub static META = "kms-key-policy-public" {
        severity: Critical,
        service: "kms",
        spec: ["AUD-09", "AUD-21"],
        compliance: {
            "aws-fsbp": ["KMS.5"],
        },
        needs: [data::KMS_KEYS.name],
        title: ("KMS key policy grants access to everyone",
            "KMS キーポリシーが全員にアクセスを許可している"),
        what: ("Finds customer managed KMS keys whose key policy is public as `s3-bucket-policy-public` judges bucket policies: an Allow statement for the principal `*` (or with `NotPrincipal`) without a condition that pins the caller (`aws:PrincipalOrgID`, `aws:PrincipalAccount`, `kms:CallerAccount` …).",
            "キーポリシーが公開されているカスタマー管理 KMS キーを、`s3-bucket-policy-public` がバケットポリシーを判定するのと同じ基準で検出します。プリンシパル `*`(または `NotPrincipal`)への Allow で、呼び出し元を固定する条件(`aws:PrincipalOrgID`・`aws:PrincipalAccount`・`kms:CallerAccount` など)がないものです。"),
        why: ("Anyone with an AWS account may use the key as the policy allows: decrypt what it protects, or change and schedule the deletion of the key itself.",
            "AWS アカウントを持つ誰もがポリシーの許す範囲でキーを使えます。保護されたデータの復号や、キー自体の変更・削除予定の設定までできることがあります。"),
        fix: ("Replace the `*` principal with the accounts and roles that need the key, or add a condition on `aws:PrincipalOrgID` or `kms:CallerAccount`.",
            "`*` のプリンシパルをキーが必要なアカウントやロールに置き換えるか、`aws:PrincipalOrgID` や `kms:CallerAccount` の条件を追加してください。"),
        references: ["https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("kms", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    let region = reg.name();
    for k in customer_keys(cx, reg)? {
        let at = At {
            resource: &k.arn,
            region,
        };
        let text = match &k.policy {
            Some(Collected::Ok(p)) => p,
            Some(Collected::Error(e)) => {
                cx.unknown_on(at, e.clone());
                continue;
            }
            None => {
                let e = CollectError::new(
                    "kms:GetKeyPolicy",
                    "NotCollected",
                    "the key policy was not collected",
                );
                cx.unknown_on(at, e);
                continue;
            }
        };
        let policy = match Policy::parse("key policy", text) {
            Ok(p) => p,
            Err(e) => {
                cx.unknown_on(at, policy_error(&e));
                continue;
            }
        };
        if facts::allows_anyone(&policy) {
            cx.emit(
                at,
                Status::Fail,
                msg!(
                    "the policy of KMS key {k} allows access to everyone",
                    "KMS キー {k} のポリシーは全員にアクセスを許可しています",
                    k = k.id
                ),
            );
        } else {
            cx.emit(
                at,
                Status::Pass,
                msg!(
                    "the policy of KMS key {k} is not public",
                    "KMS キー {k} のポリシーは公開されていません",
                    k = k.id
                ),
            );
        }
    }
    Ok(())
}
