use super::each_function;
use crate::checks::prelude::*;
use crate::policy::policy_error;
use yagura_iam::{facts, Policy};

declare_check! {
    pub static META = "lambda-function-policy-public" {
        severity: Critical,
        service: "lambda",
        spec: ["AUD-09"],
        compliance: {
            "aws-fsbp": ["Lambda.1"],
        },
        needs: [data::LAMBDA_FUNCTIONS.name],
        title: ("Lambda function policy grants access to everyone",
            "Lambda 関数のポリシーが全員にアクセスを許可している"),
        what: ("Finds Lambda functions whose resource-based policy is public as `s3-bucket-policy-public` judges bucket policies: an Allow statement for the principal `*` (or with `NotPrincipal`) without a condition that pins the caller or the source (`aws:SourceAccount`, `aws:SourceArn`, `aws:PrincipalOrgID` …).",
            "リソースベースのポリシーが公開されている Lambda 関数を、`s3-bucket-policy-public` がバケットポリシーを判定するのと同じ基準で検出します。プリンシパル `*`(または `NotPrincipal`)への Allow で、呼び出し元や送信元を固定する条件(`aws:SourceAccount`・`aws:SourceArn`・`aws:PrincipalOrgID` など)がないものです。"),
        why: ("Anyone may invoke the function (or read its code and settings, as the policy allows), running its code with its role's permissions and at the account's expense.",
            "誰でも関数を呼び出せ(ポリシーによってはコードや設定も読め)、関数のロールの権限とアカウントの費用でコードを実行できます。"),
        fix: ("Remove the public statement (`aws lambda remove-permission`) and grant invocation to the accounts or services that need it, with `aws:SourceArn` and `aws:SourceAccount` for services.",
            "公開ステートメントを削除し(`aws lambda remove-permission`)、必要なアカウントやサービスにだけ呼び出しを許可してください。サービスには `aws:SourceArn` と `aws:SourceAccount` を付けてください。"),
        references: ["https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("lambda", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    each_function(cx, reg, |cx, f, at| {
        let Some(doc) = f.policy.as_ref().map_err(|e| Missing::new(e.clone()))? else {
            cx.emit(
                at,
                Status::Pass,
                msg!(
                    "function `{f}` has no resource-based policy",
                    "Lambda 関数 `{f}` にリソースベースのポリシーはありません",
                    f = f.name
                ),
            );
            return Ok(());
        };
        let policy =
            Policy::parse("function policy", doc).map_err(|e| Missing::new(policy_error(&e)))?;
        if facts::allows_anyone(&policy) {
            cx.emit(
                at,
                Status::Fail,
                msg!(
                    "the policy of Lambda function `{f}` allows access to everyone",
                    "Lambda 関数 `{f}` のポリシーは全員にアクセスを許可しています",
                    f = f.name
                ),
            );
        } else {
            cx.emit(
                at,
                Status::Pass,
                msg!(
                    "the policy of Lambda function `{f}` is not public",
                    "Lambda 関数 `{f}` のポリシーは公開されていません",
                    f = f.name
                ),
            );
        }
        Ok(())
    })
}
