use crate::checks::prelude::*;
use yagura_inventory::CollectError;

declare_check! {
    pub static META = "iam-principal-can-become-admin" {
        severity: High,
        service: "iam",
        spec: ["AUD-05", "IAM-03"],
        compliance: {
            "yagura-guideline": ["000", "003"],
        },
        needs: [data::USERS.name, data::GROUPS.name, data::ROLES.name, data::POLICIES.name],
        title: ("IAM principal can become administrator",
            "IAM プリンシパルが管理者になれる"),
        what: ("On the escalation graph of the inventory (yagura-iam, the same as `yagura iam analyze`), finds users, groups and roles that are not administrators but can become one: assume an admin role, pass it to a service they can run, create the keys of an admin user, join an admin group, grant themselves a policy, or a chain of these. The evidence is the shortest path, each hop with the statement that allows it.",
            "インベントリの権限昇格グラフ (yagura-iam、`yagura iam analyze` と同じ) で、管理者ではないが管理者になれるユーザー・グループ・ロールを検出します: 管理者ロールの引き受け、実行できるサービスへの受け渡し、管理者ユーザーのキー作成、管理者グループへの参加、自身へのポリシー付与、またはそれらの連鎖です。証拠は最短パスで、各ホップを許可するステートメントを示します。"),
        why: ("A principal that can become administrator is an administrator to whoever steals its credentials, whatever its policies look like.",
            "管理者になれるプリンシパルは、ポリシーの見た目にかかわらず、その認証情報を盗んだ者にとって管理者です。"),
        fix: ("Break the first hop: scope the permission the path names to the resources it is meant for (iam:PassRole to named roles with iam:PassedToService, sts:AssumeRole to named roles), or remove it.",
            "最初のホップを断ってください: パスが示す権限を本来の対象に限定する (iam:PassRole は iam:PassedToService 付きで特定のロールに、sts:AssumeRole は特定のロールに) か、削除してください。"),
        references: ["https://pathfinding.cloud", "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege"],
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
    let reach = cx.escalation.reach(p.arn);
    match (reach, &f.unreadable) {
        (Ok(r), _) if r.full_admin => cx.emit(
            at,
            Status::Pass,
            msg!(
                "{kind} `{name}` is an administrator (reported by iam-admin-permissions-attached)",
                "{kind_ja} `{name}` は管理者です (iam-admin-permissions-attached で報告)",
                kind = kind,
                kind_ja = p.kind_name_ja(),
                name = name
            ),
        ),
        (Ok(r), _) if !r.path.is_empty() => {
            let path = r.path_text.clone().unwrap_or_else(|| Text::new("", ""));
            cx.emit(
                at,
                Status::Fail,
                yagura_core::Text::owned(
                    format!(
                        "{kind} `{name}` can become admin: {path}",
                        kind = kind,
                        name = name,
                        path = path.en
                    ),
                    format!(
                        "{kind} `{name}` は管理者になれます: {path}",
                        kind = p.kind_name_ja(),
                        name = name,
                        path = path.ja
                    ),
                ),
            );
            for (k, v) in r.path {
                cx.evidence(k, v);
            }
        }
        // a policy that could not be judged may hold the first hop
        (_, Some(e)) => return Err(Missing::new(e.clone())),
        // another principal's unreadable policy may hold a later hop
        (Ok(r), None) if r.unreadable.is_some() => {
            return Err(Missing::new(CollectError::new(
                "yagura-iam",
                "EscalationGraph",
                r.unreadable.as_deref().unwrap_or_default(),
            )))
        }
        (Ok(_), None) => cx.emit(
            at,
            Status::Pass,
            msg!(
                "{kind} `{name}` has no path to an administrator",
                "{kind_ja} `{name}` から管理者へのパスはありません",
                kind = kind,
                kind_ja = p.kind_name_ja(),
                name = name
            ),
        ),
        (Err(why), None) => {
            return Err(Missing::new(CollectError::new(
                "yagura-iam",
                "EscalationGraph",
                &why,
            )))
        }
    }
    Ok(())
}
