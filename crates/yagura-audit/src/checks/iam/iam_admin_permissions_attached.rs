use crate::checks::prelude::*;

declare_check! {
    pub static META = "iam-admin-permissions-attached" {
        severity: High,
        service: "iam",
        spec: ["AUD-05"],
        compliance: {
            "cis-aws-foundations-3.0": ["1.16"],
            "cis-aws-foundations-7.0": ["2.14"],
            "aws-fsbp": ["IAM.1"],
            "yagura-guideline": ["000", "003"],
        },
        needs: [data::USERS.name, data::GROUPS.name, data::ROLES.name, data::POLICIES.name],
        title: ("Administrator permissions attached",
            "管理者権限が付与されている"),
        what: ("Finds users, groups and roles with AdministratorAccess or a policy that allows every action on every resource.",
            "AdministratorAccess、またはすべてのリソースに対するすべての操作を許可するポリシーを持つユーザー・グループ・ロールを検出します。"),
        why: ("Full administrator rights turn any leaked credential into a lost account.",
            "完全な管理者権限があると、漏洩した認証情報一つでアカウントを失います。"),
        fix: ("Grant the actions each job needs; keep administrator rights for a break-glass role that requires MFA.",
            "業務に必要な操作だけを付与し、管理者権限は MFA 必須の緊急用ロールに限ってください。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Principal {
        kinds: &[Kind::User, Kind::Group, Kind::Role],
        applies: |_| true,
        eval,
    },
};

fn eval<'a>(cx: &mut Cx<'a>, p: &Principal<'a>, at: At<'_>) -> Outcome {
    let (kind, name) = (p.kind_name(), p.name);
    let f = p.facts(cx)?;
    match (&f.admin_by, &f.unreadable) {
        (Some(by), _) if f.full_admin => {
            cx.emit(
                at,
                Status::Fail,
                yagura_core::Text::owned(
                    format!(
                        "{kind} `{name}` has administrator permissions through `{p}`",
                        kind = kind,
                        name = name,
                        p = by
                    ),
                    format!(
                        "{kind} `{name}` は `{p}` により管理者権限を持っています",
                        kind = p.kind_name_ja(),
                        name = name,
                        p = by
                    ),
                ),
            );
            cx.evidence("policy", by.clone());
        }
        (Some(by), _) => {
            cx.emit(
                at,
                Status::Fail,
                yagura_core::Text::owned(
 format!("{kind} `{name}` can grant itself any permission through `{p}`: it may change the IAM permissions of principals, itself included", kind = kind,
                    name = name,
                    p = by),
 format!("{kind} `{name}` は `{p}` により自身に任意の権限を付与できます: 自身を含むプリンシパルの IAM 権限を変更できます", kind = p.kind_name_ja(),
                    name = name,
                    p = by),
 ),
            );
            cx.evidence("policy", by.clone());
        }
        (None, Some(e)) => return Err(Missing::new(e.clone())),
        (None, None) => cx.emit(
            at,
            Status::Pass,
            msg!(
                "{kind} `{name}` has no administrator permissions",
                "{kind_ja} `{name}` は管理者権限を持っていません",
                kind = kind,
                kind_ja = p.kind_name_ja(),
                name = name
            ),
        ),
    }
    Ok(())
}
