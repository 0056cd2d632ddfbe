use crate::checks::prelude::*;
use yagura_inventory::CredentialReportRow;

declare_check! {
    pub static META = "iam-user-several-active-access-keys" {
        severity: Low,
        service: "iam",
        spec: ["AUD-20"],
        compliance: {
            "cis-aws-foundations-3.0": ["1.13"],
        },
        needs: [data::CREDENTIAL_REPORT.name],
        title: ("IAM user has more than one active access key",
            "IAM ユーザーに有効なアクセスキーが複数ある"),
        what: ("Finds IAM users with two active access keys.",
            "有効なアクセスキーを 2 つ持つ IAM ユーザーを検出します。"),
        why: ("A second key is meant for the minutes of a rotation; kept active, it doubles what can leak and hides which key a program really uses.",
            "2 つ目のキーはローテーションの間だけのものです。有効なまま残すと漏えいし得るキーが倍になり、プログラムが実際にどちらを使っているかも分からなくなります。"),
        fix: ("Find the key in use (its last use in the credential report), deactivate the other, then delete it.",
            "認証情報レポートの最終使用日時から使われているキーを確認し、もう一方を無効化してから削除してください。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_cli"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::User(eval),
};

fn eval(cx: &mut Cx<'_>, row: &CredentialReportRow, at: At<'_>) -> Outcome {
    let n = row.access_keys.iter().filter(|k| k.active).count();
    let u = &row.user;
    if n > 1 {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "user `{u}` has {n} active access keys",
                "ユーザー `{u}` には有効なアクセスキーが {n} 個あります",
                u = u,
                n = n
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "user `{u}` has {n} active access key(s)",
                "ユーザー `{u}` の有効なアクセスキーは {n} 個です",
                u = u,
                n = n
            ),
        );
    }
    Ok(())
}
