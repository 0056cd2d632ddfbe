use crate::checks::prelude::*;

/// The AWS managed policy of the support role (its name in every partition).
const SUPPORT_POLICY: &str = ":policy/AWSSupportAccess";

declare_check! {
    pub static META = "iam-support-role-missing" {
        severity: Low,
        service: "iam",
        spec: ["AUD-20"],
        compliance: {
            "cis-aws-foundations-3.0": ["1.17"],
            "cis-aws-foundations-7.0": ["2.15"],
        },
        needs: [data::ROLES.name],
        title: ("No role to manage incidents with AWS Support",
            "AWS サポートでインシデントを扱うロールがない"),
        what: ("Finds accounts where no IAM role has the AWS managed policy AWSSupportAccess attached.",
            "AWS 管理ポリシー AWSSupportAccess がアタッチされた IAM ロールがないアカウントを検出します。"),
        why: ("During an incident the people on call must open and follow support cases; without a role for it they borrow broader credentials or wait for someone who has them.",
            "インシデント時には当番がサポートケースを起票・確認する必要があります。専用のロールがないと、より強い権限を借りるか、持っている人を待つことになります。"),
        fix: ("Create a role that the incident responders may assume and attach AWSSupportAccess to it.",
            "インシデント対応者が引き受けられるロールを作成し、AWSSupportAccess をアタッチしてください。"),
        references: ["https://docs.aws.amazon.com/awssupport/latest/user/accessing-support.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, at: At<'_>) -> Outcome {
    let roles = cx.need(&data::ROLES)?;
    let support = roles.iter().find(|r| {
        r.attached_policies
            .iter()
            .any(|p| p.arn.ends_with(SUPPORT_POLICY) && p.arn.contains(":iam::aws:"))
    });
    match support {
        Some(r) => {
            cx.emit(
                at,
                Status::Pass,
                msg!(
                    "role `{r}` has AWSSupportAccess",
                    "ロール `{r}` に AWSSupportAccess があります",
                    r = r.name
                ),
            );
            cx.evidence("role", r.arn.clone());
        }
        None => cx.emit(
            at,
            Status::Fail,
            msg!(
                "no role has AWSSupportAccess attached",
                "AWSSupportAccess がアタッチされたロールがありません"
            ),
        ),
    }
    Ok(())
}
