use crate::checks::prelude::*;

declare_check! {
    pub static META = "iam-password-policy-below-fsbp" {
        severity: Medium,
        service: "iam",
        spec: ["AUD-20"],
        compliance: {
            "aws-fsbp": ["IAM.7"],
        },
        needs: [data::PASSWORD_POLICY.name],
        title: ("IAM password policy is below AWS Foundational Security Best Practices",
            "IAM パスワードポリシーが AWS 基礎セキュリティのベストプラクティスの基準に達していない"),
        what: ("Checks the account password policy against Security Hub's defaults for control IAM.7: at least 8 characters, uppercase and lowercase letters, numbers and symbols required, passwords expire within 90 days, the last 12 cannot be reused.",
            "アカウントのパスワードポリシーを Security Hub のコントロール IAM.7 の既定値と比べます: 8 文字以上、大文字・小文字・数字・記号を必須、90 日以内に有効期限、過去 12 世代の再利用防止。"),
        why: ("Short or simple passwords and passwords kept for years are guessed, stuffed from other breaches and shared; Security Hub fails the account on this control.",
            "短い・単純なパスワードや何年も使い続けるパスワードは、推測や他サービスからの流出リストで破られ、共有されがちです。Security Hub はこのコントロールでアカウントを不合格にします。"),
        fix: ("In the IAM console (Account settings) or with `aws iam update-account-password-policy`, require 8 or more characters, all four character classes, a maximum age of 90 days or less and reuse prevention of 12 or more.",
            "IAM コンソールの「アカウント設定」または `aws iam update-account-password-policy` で、8 文字以上、4 種類の文字すべてを必須、最長有効期間 90 日以内、再利用防止 12 世代以上にしてください。"),
        references: ["https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-7", "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, at: At<'_>) -> Outcome {
    super::password::judge(cx, at, &super::password::FSBP_IAM_7)
}
