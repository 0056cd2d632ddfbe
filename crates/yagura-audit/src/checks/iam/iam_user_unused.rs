use crate::checks::prelude::*;
use yagura_inventory::CredentialReportRow;

declare_check! {
    pub static META = "iam-user-unused" {
        severity: Medium,
        service: "iam",
        spec: ["AUD-08"],
        compliance: {
            "cis-aws-foundations-3.0": ["1.12"],
            "cis-aws-foundations-7.0": ["2.11"],
            "aws-fsbp": ["IAM.8", "IAM.22"],
            "yagura-guideline": ["001"],
        },
        needs: [data::CREDENTIAL_REPORT.name],
        title: ("IAM user not used for too long",
            "IAM ユーザーが長期間使われていない"),
        what: ("Finds IAM users whose password and access keys were all unused for the configured number of days (45 by default, as CIS asks).",
            "パスワードもアクセスキーも設定した日数(CIS に合わせて既定 45 日)使われていない IAM ユーザーを検出します。"),
        why: ("Accounts of people who left or of forgotten tools are prime targets: nobody watches them.",
            "退職者や忘れられたツールのユーザーは誰も見ていないため格好の標的です。"),
        fix: ("Remove the console password and keys of the user, or delete the user.",
            "ユーザーのパスワードとキーを削除するか、ユーザー自体を削除してください。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::User(eval),
};

fn eval(cx: &mut Cx<'_>, row: &CredentialReportRow, at: At<'_>) -> Outcome {
    let now = cx.cfg.now;
    let unused = cx.cfg.unused_days;
    let created_days = row
        .user_creation_time
        .as_deref()
        .and_then(|t| days_since(now, t));
    // A credential never used is idle once the user is older than the limit.
    let idle = |t: Option<&str>| {
        t.and_then(|t| days_since(now, t))
            .map_or(created_days.is_some_and(|c| c > unused), |d| d > unused)
    };
    let mut active = row.access_keys.iter().filter(|k| k.active);
    let pw_idle = !row.password_enabled || idle(row.password_last_used.as_deref());
    let keys_idle = active.clone().all(|k| idle(k.last_used.as_deref()));
    let has_creds = row.password_enabled || active.next().is_some();
    if has_creds && pw_idle && keys_idle {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "user `{u}` has credentials that were not used for more than {n} days",
                "ユーザー `{u}` の認証情報は {n} 日以上使われていません",
                u = row.user,
                n = unused
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "user `{u}` is in use or has no credentials",
                "ユーザー `{u}` は使用中か、認証情報を持っていません",
                u = row.user
            ),
        );
    }
    Ok(())
}
