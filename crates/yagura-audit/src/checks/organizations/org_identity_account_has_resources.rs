use crate::checks::prelude::*;
use yagura_inventory::AccountKind;

declare_check! {
    pub static META = "org-identity-account-has-resources" {
        severity: Medium,
        service: "organizations",
        spec: ["AUD-19"],
        compliance: {
            "cis-aws-foundations-3.0": [],
            "yagura-guideline": ["003"],
        },
        needs: [data::ROLES.name, data::INSTANCES.name],
        title: ("Identity account holds more than users",
            "ID アカウントにユーザー以外のものがある"),
        what: ("Finds EC2 instances and non-service roles in the identity (bastion) account.",
            "ID(踏み台)アカウントにある EC2 インスタンスやサービスロール以外のロールを検出します。"),
        why: ("The identity account should hold only users and groups, so that its blast radius stays small.",
            "ID アカウントはユーザーとグループだけを置き、影響範囲を小さく保つべきです。"),
        fix: ("Move workloads and their roles to resource accounts.",
            "ワークロードとそのロールをリソースアカウントに移してください。"),
        references: ["https://docs.aws.amazon.com/prescriptive-guidance/latest/security-reference-architecture/architecture.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, at: At<'_>) -> Outcome {
    if cx.account.org.as_ref().map(|o| &o.kind) != Some(&AccountKind::Identity) {
        return Ok(());
    }
    let ignored = &cx.cfg.ignored_roles;
    let mut extra: Vec<String> = cx
        .need(&data::ROLES)?
        .iter()
        .filter(|r| !r.path.starts_with("/aws-service-role/") && !ignored.contains(&r.name))
        .map(|r| format!("role {}", r.name))
        .collect();
    for r in &cx.account.regions {
        extra.extend(
            cx.need_in(&data::INSTANCES, r)?
                .iter()
                .filter(|i| i.state != "terminated")
                .map(|i| format!("instance {}", i.id)),
        );
    }
    if extra.is_empty() {
        let msg = msg!(
            "the identity account holds only users and groups",
            "ID アカウントにはユーザーとグループだけがあります"
        );
        cx.emit(at, Status::Pass, msg);
    } else {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "the identity account holds {n} other resource(s)",
                "ID アカウントに他のリソースが {n} 個あります",
                n = extra.len()
            ),
        );
        cx.evidence("resources", extra.join(", "));
    }
    Ok(())
}
