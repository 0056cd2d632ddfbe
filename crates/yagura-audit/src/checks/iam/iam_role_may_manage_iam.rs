use crate::checks::prelude::*;
use yagura_iam::facts;
use yagura_inventory::{Account, AccountKind};

declare_check! {
    pub static META = "iam-role-may-manage-iam" {
        severity: High,
        service: "iam",
        spec: ["AUD-05", "AUD-19"],
        compliance: {
            "cis-aws-foundations-3.0": [],
            "yagura-guideline": ["003"],
        },
        needs: [data::ROLES.name, data::POLICIES.name],
        title: ("Role in a resource account may manage IAM",
            "リソースアカウントのロールが IAM を管理できる"),
        what: ("In resource accounts of an Organization, finds roles whose permissions go beyond PowerUserAccess by allowing IAM changes.",
            "Organization のリソースアカウントで、IAM の変更を許可し PowerUserAccess を超える権限を持つロールを検出します。"),
        why: ("The bastion pattern keeps identities in one account; a role that may manage IAM can create users and keys outside it.",
            "踏み台アカウント方式では ID を一つのアカウントに集約します。IAM を管理できるロールはその外でユーザーやキーを作れてしまいます。"),
        fix: ("Limit roles in resource accounts to PowerUserAccess or less; manage IAM through infrastructure as code from a pipeline role.",
            "リソースアカウントのロールは PowerUserAccess 以下にし、IAM はパイプラインのロールから IaC で管理してください。"),
        references: ["https://docs.aws.amazon.com/aws-managed-policy/latest/reference/PowerUserAccess.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Principal {
        kinds: &[Kind::Role],
        applies: in_resource_account,
        eval,
    },
};

fn eval<'a>(cx: &mut Cx<'a>, p: &Principal<'a>, at: At<'_>) -> Outcome {
    let name = p.name;
    if cx.cfg.ignored_roles.iter().any(|r| r == name) {
        return Ok(());
    }
    let f = p.facts(cx)?;
    if f.admin_by.is_some() || facts::manages_iam(f.all.granted()) {
        cx.emit(
            at,
            Status::Fail,
            text!(
                "role `{name}` may manage IAM in a resource account",
                "ロール `{name}` はリソースアカウントで IAM を管理できます",
                name = name
            ),
        );
    } else if let Some(e) = &f.unreadable {
        return Err(Missing::new(e.clone()));
    } else {
        cx.emit(
            at,
            Status::Pass,
            text!(
                "role `{name}` may not manage IAM",
                "ロール `{name}` は IAM を管理できません",
                name = name
            ),
        );
    }
    Ok(())
}

/// The question matters in the resource accounts of an Organization only.
fn in_resource_account(a: &Account) -> bool {
    matches!(a.org.as_ref().map(|o| &o.kind), Some(AccountKind::Resource))
}
