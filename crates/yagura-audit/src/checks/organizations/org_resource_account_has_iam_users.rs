use crate::checks::prelude::*;
use yagura_inventory::AccountKind;

declare_check! {
    pub static META = "org-resource-account-has-iam-users" {
        severity: High,
        service: "organizations",
        spec: ["AUD-19"],
        compliance: {
            "cis-aws-foundations-3.0": [],
            "yagura-guideline": ["003"],
        },
        needs: [data::USERS.name],
        title: ("Resource account holds IAM users",
            "リソースアカウントに IAM ユーザーがいる"),
        what: ("In an Organization with an identity account, finds IAM users in other member accounts.",
            "ID(踏み台)アカウントのある Organization で、他のメンバーアカウントにいる IAM ユーザーを検出します。"),
        why: ("Users belong in the identity account only; users elsewhere escape its MFA and offboarding.",
            "ユーザーは ID アカウントだけに置きます。他の場所のユーザーは MFA や退職処理の管理外になります。"),
        fix: ("Move people to the identity account and let them switch roles with MFA; delete the local users.",
            "利用者を ID アカウントに移して MFA 付きでロールを切り替えるようにし、ローカルユーザーを削除してください。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-console.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, at: At<'_>) -> Outcome {
    let org = cx.account.org.as_ref();
    if !org.is_some_and(|o| o.kind == AccountKind::Resource && o.identity_account.is_some()) {
        return Ok(());
    }
    let users = cx.need(&data::USERS)?;
    if users.is_empty() {
        let msg = msg!(
            "the resource account holds no IAM users",
            "リソースアカウントに IAM ユーザーはいません"
        );
        cx.emit(at, Status::Pass, msg);
    }
    for u in users {
        let at = At {
            resource: &u.arn,
            region: GLOBAL,
        };
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "IAM user `{u}` lives in a resource account",
                "IAM ユーザー `{u}` がリソースアカウントにいます",
                u = u.name
            ),
        );
    }
    Ok(())
}
