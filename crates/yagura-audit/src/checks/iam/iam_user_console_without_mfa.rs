use crate::checks::prelude::*;
use yagura_inventory::CredentialReportRow;

declare_check! {
    pub static META = "iam-user-console-without-mfa" {
        severity: High,
        service: "iam",
        spec: ["AUD-07"],
        compliance: {
            "cis-aws-foundations-3.0": ["1.10"],
            "cis-aws-foundations-7.0": ["2.10"],
            "aws-fsbp": ["IAM.5", "IAM.19"],
            "yagura-guideline": ["001", "003"],
        },
        needs: [data::CREDENTIAL_REPORT.name],
        title: ("IAM user with a console password has no MFA",
            "コンソールパスワードを持つ IAM ユーザーに MFA がない"),
        what: ("Finds IAM users that can sign in to the console with a password but have no MFA device.",
            "パスワードでコンソールにサインインできるのに MFA デバイスがない IAM ユーザーを検出します。"),
        why: ("A password alone is phished or guessed; MFA is what stops a stolen password from becoming a stolen account.",
            "パスワードだけではフィッシングや推測で破られます。盗まれたパスワードをアカウント乗っ取りにしないのが MFA です。"),
        fix: ("Enable MFA for the user, and enforce it with a policy that denies everything except MFA setup while `aws:MultiFactorAuthPresent` is false.",
            "ユーザーの MFA を有効にし、`aws:MultiFactorAuthPresent` が false の間は MFA 設定以外を拒否するポリシーで強制してください。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::User(eval),
};

fn eval(cx: &mut Cx<'_>, row: &CredentialReportRow, at: At<'_>) -> Outcome {
    if !row.password_enabled {
        return Ok(());
    }
    if row.mfa_active {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "user `{u}` signs in with a password and MFA",
                "ユーザー `{u}` はパスワードと MFA でサインインします",
                u = row.user
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "user `{u}` has a console password but no MFA",
                "ユーザー `{u}` はコンソールパスワードを持ちますが MFA がありません",
                u = row.user
            ),
        );
    }
    Ok(())
}
