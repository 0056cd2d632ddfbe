use crate::checks::prelude::*;

declare_check! {
    pub static META = "root-mfa-disabled" {
        severity: Critical,
        service: "iam",
        spec: ["AUD-06"],
        compliance: {
            "cis-aws-foundations-3.0": ["1.5"],
            "cis-aws-foundations-7.0": ["2.5"],
            "aws-fsbp": ["IAM.9"],
            "yagura-guideline": ["001"],
        },
        needs: [data::SUMMARY.name],
        title: ("Root user has no MFA",
            "ルートユーザーに MFA が設定されていない"),
        what: ("Checks that the root user has an MFA device.",
            "ルートユーザーに MFA デバイスがあることを確認します。"),
        why: ("The root user can do everything, including closing the account; its password alone must never be enough.",
            "ルートユーザーはアカウント閉鎖を含め何でもできます。パスワードだけで使える状態であってはいけません。"),
        fix: ("Sign in as root and assign an MFA device, preferably a hardware security key.",
            "ルートでサインインし、MFA デバイス(できればハードウェアセキュリティキー)を設定してください。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, at: At<'_>) -> Outcome {
    if cx.need(&data::SUMMARY)?.account_mfa_enabled {
        let msg = msg!(
            "the root user has MFA",
            "ルートユーザーに MFA が設定されています"
        );
        cx.emit(at, Status::Pass, msg);
    } else {
        let msg = msg!(
            "the root user has no MFA device",
            "ルートユーザーに MFA デバイスがありません"
        );
        cx.emit(at, Status::Fail, msg);
    }
    Ok(())
}
