use crate::checks::prelude::*;
use yagura_inventory::CredentialReportRow;

declare_check! {
    pub static META = "iam-user-console-key-never-used" {
        severity: Low,
        service: "iam",
        spec: ["AUD-20"],
        compliance: {
            "cis-aws-foundations-3.0": ["1.11"],
        },
        needs: [data::CREDENTIAL_REPORT.name],
        title: ("Console user has an access key that was never used",
            "コンソールユーザーに一度も使われていないアクセスキーがある"),
        what: ("Finds IAM users with a console password and an active access key that has never been used: usually a key created with the user, \"just in case\".",
            "コンソールパスワードを持ち、一度も使われていない有効なアクセスキーがある IAM ユーザーを検出します。多くはユーザー作成時に「念のため」作られたキーです。"),
        why: ("A key nobody uses is a credential nobody watches: it can leak from the setup notes and be used without anyone missing it.",
            "誰も使わないキーは誰も見ていない認証情報です。作成時のメモなどから漏れても、使われたことに誰も気づきません。"),
        fix: ("Delete the unused key; create access keys only when a program needs one, and prefer roles.",
            "使われていないキーを削除してください。アクセスキーはプログラムが必要とするときだけ作り、できればロールを使ってください。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::User(eval),
};

fn eval(cx: &mut Cx<'_>, row: &CredentialReportRow, at: At<'_>) -> Outcome {
    let u = &row.user;
    let never_used: Vec<u8> = row
        .access_keys
        .iter()
        .filter(|k| k.active && k.last_used.is_none())
        .map(|k| k.slot)
        .collect();
    if row.password_enabled && !never_used.is_empty() {
        let slots = never_used
            .iter()
            .map(u8::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "user `{u}` has a console password and active access key {s} never used",
                "ユーザー `{u}` はコンソールパスワードを持ち、有効なアクセスキー {s} は一度も使われていません",
                u = u,
                s = slots
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "user `{u}` has no never-used access key beside a console password",
                "ユーザー `{u}` には、コンソールパスワードと並ぶ未使用のアクセスキーはありません",
                u = u
            ),
        );
    }
    Ok(())
}
