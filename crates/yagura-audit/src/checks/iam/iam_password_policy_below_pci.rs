use crate::checks::prelude::*;

declare_check! {
    pub static META = "iam-password-policy-below-pci" {
        severity: Medium,
        service: "iam",
        spec: ["AUD-20"],
        compliance: {
            "aws-fsbp": ["IAM.10"],
        },
        needs: [data::PASSWORD_POLICY.name],
        title: ("IAM password policy is below the PCI DSS minimum",
            "IAM パスワードポリシーが PCI DSS の最低基準に達していない"),
        what: ("Checks the account password policy against control IAM.10 (PCI DSS): at least 7 characters, uppercase and lowercase letters and numbers required, passwords expire within 90 days, the last 4 cannot be reused.",
            "アカウントのパスワードポリシーをコントロール IAM.10(PCI DSS)と比べます: 7 文字以上、大文字・小文字・数字を必須、90 日以内に有効期限、過去 4 世代の再利用防止。"),
        why: ("An account that stores or processes card data must meet PCI DSS password rules; below them an assessor fails the account.",
            "カード情報を保存・処理するアカウントは PCI DSS のパスワード要件を満たす必要があり、満たさなければ審査で不合格になります。"),
        fix: ("In the IAM console (Account settings) or with `aws iam update-account-password-policy`, require 7 or more characters, uppercase, lowercase and numbers, a maximum age of 90 days or less and reuse prevention of 4 or more.",
            "IAM コンソールの「アカウント設定」または `aws iam update-account-password-policy` で、7 文字以上、大文字・小文字・数字を必須、最長有効期間 90 日以内、再利用防止 4 世代以上にしてください。"),
        references: ["https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-10", "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, at: At<'_>) -> Outcome {
    super::password::judge(cx, at, &super::password::FSBP_IAM_10)
}
