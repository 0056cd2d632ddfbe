use crate::checks::prelude::*;

declare_check! {
    pub static META = "elbv2-deletion-protection-off" {
        severity: Medium,
        service: "elbv2",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["ELB.6"],
        },
        needs: [data::LOAD_BALANCERS.name],
        title: ("Load balancer without deletion protection",
            "削除保護が無効なロードバランサー"),
        what: ("Finds Application, Network and Gateway Load Balancers whose deletion protection is off.",
            "削除保護が無効な Application・Network・Gateway Load Balancer を検出します。"),
        why: ("One API call or console click by a mistaken or malicious user deletes the load balancer and takes the service off the internet.",
            "誤操作や悪意あるユーザーの API 呼び出しやコンソール操作一つでロードバランサーが削除され、サービスがインターネットから消えます。"),
        fix: ("Set the attribute `deletion_protection.enabled` to `true`.",
            "属性 `deletion_protection.enabled` を `true` に設定してください。"),
        references: ["https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#deletion-protection"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("elasticloadbalancing", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    super::each_lb(cx, reg, &["application", "network", "gateway"], |lb| {
        let value = super::attribute(lb, "deletion_protection.enabled")?;
        Ok(verdict(
            value == Some("true"),
            || {
                msg!(
                    "load balancer {n} is protected from deletion",
                    "ロードバランサー {n} は削除保護が有効です",
                    n = lb.name
                )
            },
            || {
                msg!(
                    "load balancer {n} has no deletion protection",
                    "ロードバランサー {n} は削除保護が無効です",
                    n = lb.name
                )
            },
        ))
    })
}
