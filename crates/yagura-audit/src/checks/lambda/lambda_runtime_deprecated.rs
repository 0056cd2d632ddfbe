use super::{each_function, DEPRECATIONS};
use crate::checks::prelude::*;

declare_check! {
    pub static META = "lambda-runtime-deprecated" {
        severity: Medium,
        service: "lambda",
        spec: ["AUD-03"],
        compliance: {
            "aws-fsbp": ["Lambda.2"],
        },
        needs: [data::LAMBDA_FUNCTIONS.name],
        title: ("Lambda function uses a deprecated runtime",
            "Lambda 関数がサポート終了のランタイムを使っている"),
        what: ("Finds Lambda functions whose runtime is in `obsolete_lambda_runtimes` (FSBP's default list) or deprecated by the date AWS's runtimes page gives (`nodejs18.x` from 2025-09-01, `python3.9` from 2025-12-15); functions built from container images are not judged.",
            "ランタイムが `obsolete_lambda_runtimes`(FSBP の既定の一覧)にあるか、AWS のランタイムのページの日付でサポートが終了した(`nodejs18.x` は 2025-09-01、`python3.9` は 2025-12-15 から)Lambda 関数を検出します。コンテナイメージの関数は対象外です。"),
        why: ("A deprecated runtime gets no security patches for its language or operating system any more, and soon the function can no longer be updated.",
            "サポート終了のランタイムには言語や OS のセキュリティパッチが提供されず、やがて関数を更新することもできなくなります。"),
        fix: ("Move the function to a supported runtime of its language (`aws lambda update-function-configuration --runtime`), after testing its code on it.",
            "コードを検証したうえで、関数を同じ言語のサポートされているランタイムに移行してください(`aws lambda update-function-configuration --runtime`)。"),
        references: ["https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("lambda", eval),
};

/// Whether runtime `r` is no longer supported at `cfg.now`.
fn obsolete(cfg: &crate::AuditConfig, r: &str) -> bool {
    cfg.obsolete_lambda_runtimes.iter().any(|o| o == r)
        || DEPRECATIONS.iter().any(|(name, since)| {
            *name == r && OffsetDateTime::parse(since, &Rfc3339).is_ok_and(|t| t <= cfg.now)
        })
}

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    each_function(cx, reg, |cx, f, at| {
        let Some(r) = &f.runtime else {
            return Ok(());
        };
        if obsolete(cx.cfg, r) {
            cx.emit(
                at,
                Status::Fail,
                msg!(
                    "function `{f}` uses deprecated runtime `{r}`",
                    "Lambda 関数 `{f}` はサポート終了のランタイム `{r}` を使っています",
                    f = f.name,
                    r = r
                ),
            );
        } else {
            cx.emit(
                at,
                Status::Pass,
                msg!(
                    "function `{f}` uses supported runtime `{r}`",
                    "Lambda 関数 `{f}` はサポートされているランタイム `{r}` を使っています",
                    f = f.name,
                    r = r
                ),
            );
        }
        Ok(())
    })
}
