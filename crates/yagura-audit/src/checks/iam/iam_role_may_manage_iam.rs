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
        what: ("In resource accounts of an Organization, finds roles whose effective permissions go beyond PowerUserAccess: IAM changes on every resource, or, on the escalation graph, a path to an administrator or the power to make another principal one.",
            "Organization のリソースアカウントで、実効権限が PowerUserAccess を超えるロールを検出します: すべてのリソースへの IAM の変更、または権限昇格グラフ上で管理者へのパスや他のプリンシパルを管理者にする権限です。"),
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
            msg!(
                "role `{name}` may manage IAM in a resource account",
                "ロール `{name}` はリソースアカウントで IAM を管理できます",
                name = name
            ),
        );
        return Ok(());
    }
    // A path to admin, or the power to make another principal admin, counts like IAM writes
    // on `*` (an unbuilt graph leaves the question to the policies' facts alone).
    let reach = cx.escalation.reach(p.arn).ok();
    if let Some(r) = reach.filter(|r| !r.path.is_empty() || r.empowers) {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "role `{name}` goes beyond PowerUserAccess in a resource account: it can become admin or make another principal admin",
                "ロール `{name}` はリソースアカウントで PowerUserAccess を超えています: 管理者になる、または他のプリンシパルを管理者にできます",
                name = name
            ),
        );
        for (k, v) in r.path {
            cx.evidence(k, v);
        }
    } else if let Some(e) = &f.unreadable {
        return Err(Missing::new(e.clone()));
    } else {
        cx.emit(
            at,
            Status::Pass,
            msg!(
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
