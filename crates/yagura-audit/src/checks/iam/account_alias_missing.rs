use crate::checks::prelude::*;

declare_check! {
    pub static META = "account-alias-missing" {
        severity: Low,
        service: "iam",
        spec: ["AUD-15"],
        compliance: {
            "cis-aws-foundations-3.0": [],
            "yagura-guideline": ["001"],
        },
        needs: [data::ALIAS.name],
        title: ("Account has no alias",
            "アカウントエイリアスが設定されていない"),
        what: ("Checks that the account has an alias.",
            "アカウントにエイリアスがあるか確認します。"),
        why: ("Aliases make sign-in URLs, switch-role menus and reports readable, so people act on the right account.",
            "エイリアスによりサインイン URL・ロール切替・レポートが読みやすくなり、正しいアカウントで作業できます。"),
        fix: ("Set an alias: `aws iam create-account-alias --account-alias NAME`.",
            "`aws iam create-account-alias --account-alias NAME` でエイリアスを設定してください。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/console_account-alias.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, at: At<'_>) -> Outcome {
    match cx.need(&data::ALIAS)? {
        Some(a) => cx.emit(
            at,
            Status::Pass,
            msg!(
                "the account alias is `{a}`",
                "アカウントエイリアスは `{a}` です",
                a = a
            ),
        ),
        None => cx.emit(
            at,
            Status::Fail,
            msg!(
                "the account has no alias",
                "アカウントにエイリアスがありません"
            ),
        ),
    }
    Ok(())
}
