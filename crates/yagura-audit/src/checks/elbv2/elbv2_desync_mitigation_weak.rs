use crate::checks::prelude::*;

declare_check! {
    pub static META = "elbv2-desync-mitigation-weak" {
        severity: Medium,
        service: "elbv2",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["ELB.12"],
        },
        needs: [data::LOAD_BALANCERS.name],
        title: ("Application Load Balancer desync mitigation is not defensive or strictest",
            "Application Load Balancer の非同期緩和モードが `defensive` または `strictest` ではない"),
        what: ("Finds Application Load Balancers whose `routing.http.desync_mitigation_mode` is `monitor` (absent means AWS's default, `defensive`).",
            "`routing.http.desync_mitigation_mode` が `monitor` の Application Load Balancer を検出します(属性がなければ AWS の既定の `defensive`)。"),
        why: ("In monitor mode ambiguous requests that enable HTTP desync (request smuggling) are passed to the targets.",
            "`monitor` モードでは、HTTP 非同期(リクエストスマグリング)を招く曖昧なリクエストがターゲットに渡されます。"),
        fix: ("Set `routing.http.desync_mitigation_mode` to `defensive` or `strictest`.",
            "`routing.http.desync_mitigation_mode` を `defensive` または `strictest` に設定してください。"),
        references: ["https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#desync-mitigation-mode"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("elasticloadbalancing", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    super::each_lb(cx, reg, &["application"], |lb| {
        let mode =
            super::attribute(lb, "routing.http.desync_mitigation_mode")?.unwrap_or("defensive");
        Ok(verdict(
            super::desync_safe(mode),
            || {
                msg!(
                    "load balancer {n} mitigates desync in {m} mode",
                    "ロードバランサー {n} は `{m}` モードで非同期を緩和しています",
                    n = lb.name,
                    m = mode
                )
            },
            || {
                msg!(
                    "load balancer {n} mitigates desync in {m} mode only",
                    "ロードバランサー {n} の非同期緩和は `{m}` モードのみです",
                    n = lb.name,
                    m = mode
                )
            },
        ))
    })
}
