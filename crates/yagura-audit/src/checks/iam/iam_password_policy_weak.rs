use crate::checks::prelude::*;

declare_check! {
    pub static META = "iam-password-policy-weak" {
        severity: Medium,
        service: "iam",
        spec: ["AUD-20"],
        compliance: {
            "cis-aws-foundations-3.0": ["1.8", "1.9"],
            "cis-aws-foundations-7.0": ["2.8", "2.9"],
            "yagura-guideline": ["001"],
        },
        needs: [data::PASSWORD_POLICY.name],
        title: ("IAM password policy is missing or weak",
            "IAM パスワードポリシーがない、または弱い"),
        what: ("Checks for a password policy with at least 14 characters and reuse prevention of at least 24.",
            "14 文字以上かつ過去 24 世代の再利用防止を求めるパスワードポリシーがあるか確認します。"),
        why: ("Short, reused passwords are guessed and stuffed from other breaches.",
            "短いパスワードや使い回しは推測やリスト型攻撃で破られます。"),
        fix: ("Set a password policy: minimum length 14, prevent reuse of the last 24 passwords.",
            "最小 14 文字、過去 24 世代の再利用防止のパスワードポリシーを設定してください。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, at: At<'_>) -> Outcome {
    super::password::judge(cx, at, &super::password::CIS)
}
