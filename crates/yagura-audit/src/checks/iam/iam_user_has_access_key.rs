use crate::checks::prelude::*;
use yagura_inventory::CredentialReportRow;

declare_check! {
    pub static META = "iam-user-has-access-key" {
        severity: Medium,
        service: "iam",
        spec: ["AUD-04"],
        compliance: {
            "cis-aws-foundations-3.0": [],
            "yagura-guideline": ["000", "001"],
        },
        needs: [data::CREDENTIAL_REPORT.name],
        title: ("IAM user has an active access key",
            "IAM ユーザーが有効なアクセスキーを持っている"),
        what: ("Finds IAM users with at least one active access key.",
            "有効なアクセスキーを一つ以上持つ IAM ユーザーを検出します。"),
        why: ("The guideline allows no long-lived access keys: keys leak through code, laptops and logs, and a leaked key is how accounts are taken over.",
            "ガイドラインは長期アクセスキーを認めていません。キーはコード・ノートパソコン・ログから漏洩し、漏洩したキーはアカウント乗っ取りの入口になります。"),
        fix: ("Use roles: an instance profile on a CLI instance, or MFA-protected role sessions (`yagura creds`); then deactivate and delete the key.",
            "ロールを使ってください(CLI 用インスタンスのインスタンスプロファイル、または MFA 付きロールセッション `yagura creds`)。その後キーを無効化・削除してください。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-workloads-use-roles"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::User(eval),
};

fn eval(cx: &mut Cx<'_>, row: &CredentialReportRow, at: At<'_>) -> Outcome {
    let active = row.access_keys.iter().filter(|k| k.active).count();
    if active == 0 {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "user `{u}` has no active access key",
                "ユーザー `{u}` に有効なアクセスキーはありません",
                u = row.user
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "user `{u}` has {n} active access key(s)",
                "ユーザー `{u}` に有効なアクセスキーが {n} 個あります",
                u = row.user,
                n = active
            ),
        );
    }
    Ok(())
}
