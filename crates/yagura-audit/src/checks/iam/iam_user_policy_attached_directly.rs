use crate::checks::prelude::*;

declare_check! {
    pub static META = "iam-user-policy-attached-directly" {
        severity: Low,
        service: "iam",
        spec: ["AUD-05"],
        compliance: {
            "cis-aws-foundations-3.0": ["1.15"],
            "cis-aws-foundations-7.0": ["2.13"],
            "aws-fsbp": ["IAM.2"],
        },
        needs: [data::USERS.name],
        title: ("IAM user has policies of its own",
            "IAM ユーザーに直接ポリシーが付与されている"),
        what: ("Finds IAM users with attached managed policies or inline policies: permissions that do not come through a group.",
            "管理ポリシーのアタッチやインラインポリシーを持つ IAM ユーザー、つまりグループを経由しない権限を検出します。"),
        why: ("Permissions given user by user drift apart and are forgotten when people change jobs; granted through groups they are reviewed and revoked in one place.",
            "ユーザーごとに与えた権限はばらばらになり、異動の際に忘れられます。グループ経由なら一か所で見直し・取り消しができます。"),
        fix: ("Move the policies to groups that describe the job, add the user to them and detach the user's own policies.",
            "ポリシーを職務を表すグループに移し、ユーザーをそのグループに追加してから、ユーザー自身のポリシーを外してください。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups_manage_attach-policy.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Principal {
        kinds: &[Kind::User],
        applies: |_| true,
        eval,
    },
};

fn eval<'a>(cx: &mut Cx<'a>, p: &Principal<'a>, at: At<'_>) -> Outcome {
    cx.declared(&data::USERS)?;
    let names: Vec<&str> = p
        .attached
        .iter()
        .map(|a| a.name.as_str())
        .chain(p.inline.iter().map(|i| i.name.as_str()))
        .collect();
    if names.is_empty() {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "user `{u}` has no policy of its own",
                "ユーザー `{u}` には直接のポリシーがありません",
                u = p.name
            ),
        );
    } else {
        let list = names.join("`, `");
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "user `{u}` has policies of its own: `{list}`",
                "ユーザー `{u}` に直接のポリシーがあります: `{list}`",
                u = p.name,
                list = list
            ),
        );
    }
    Ok(())
}
