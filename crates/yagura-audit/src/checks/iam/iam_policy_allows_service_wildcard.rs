use super::customer_policies;
use crate::checks::prelude::*;
use crate::policy::policy_error;
use yagura_iam::{facts, Policy};

declare_check! {
    pub static META = "iam-policy-allows-service-wildcard" {
        severity: Low,
        service: "iam",
        spec: ["AUD-05"],
        compliance: {
            "aws-fsbp": ["IAM.21"],
        },
        needs: [data::POLICIES.name],
        title: ("Customer managed policy allows every action of a service",
            "カスタマー管理ポリシーがサービスのすべてのアクションを許可している"),
        what: ("Finds customer managed policies with an `Allow` statement whose `Action` holds `service:*` (every action of one service, such as `s3:*`).",
            "`Action` に `service:*`(`s3:*` のように一つのサービスのすべてのアクション)を含む `Allow` ステートメントを持つカスタマー管理ポリシーを検出します。"),
        why: ("`service:*` grants the service's administrative and destructive actions too, including those added later: far beyond what a workload needs.",
            "`service:*` はそのサービスの管理・破壊的なアクションも、後から追加されるものも含めて許可し、ワークロードに必要な範囲を大きく超えます。"),
        fix: ("List the actions the workload calls (IAM Access Analyzer can generate a policy from CloudTrail activity) instead of `service:*`.",
            "`service:*` の代わりにワークロードが呼ぶアクションを列挙してください(IAM Access Analyzer は CloudTrail のアクティビティからポリシーを生成できます)。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, _at: At<'_>) -> Outcome {
    for p in customer_policies(cx)? {
        let at = At {
            resource: &p.arn,
            region: GLOBAL,
        };
        let wildcards = match Policy::parse(&p.arn, &p.document) {
            Ok(doc) => facts::service_wildcard_actions(&doc),
            Err(e) => {
                cx.unknown_on(at, policy_error(&e));
                continue;
            }
        };
        if wildcards.is_empty() {
            cx.emit(
                at,
                Status::Pass,
                msg!(
                    "policy `{n}` allows no `service:*` action",
                    "ポリシー `{n}` は `service:*` のアクションを許可していません",
                    n = p.name
                ),
            );
        } else {
            cx.emit(
                at,
                Status::Fail,
                msg!(
                    "policy `{n}` allows every action of a service: {a}",
                    "ポリシー `{n}` はサービスのすべてのアクションを許可しています: {a}",
                    n = p.name,
                    a = wildcards.join(", ")
                ),
            );
        }
    }
    Ok(())
}
