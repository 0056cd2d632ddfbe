use crate::checks::prelude::*;

declare_check! {
    pub static META = "elb-desync-mitigation-weak" {
        severity: Medium,
        service: "elb",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["ELB.14"],
        },
        needs: [data::CLASSIC_LOAD_BALANCERS.name],
        title: ("Classic Load Balancer desync mitigation is not defensive or strictest",
            "Classic Load Balancer の非同期緩和モードが `defensive` または `strictest` ではない"),
        what: ("Finds Classic Load Balancers whose `elb.http.desyncmitigationmode` is `monitor` (absent means AWS's default, `defensive`).",
            "`elb.http.desyncmitigationmode` が `monitor` の Classic Load Balancer を検出します(属性がなければ AWS の既定の `defensive`)。"),
        why: ("In monitor mode ambiguous requests that enable HTTP desync (request smuggling) are passed to the instances.",
            "`monitor` モードでは、HTTP 非同期(リクエストスマグリング)を招く曖昧なリクエストがインスタンスに渡されます。"),
        fix: ("Set the attribute `elb.http.desyncmitigationmode` to `defensive` or `strictest`.",
            "属性 `elb.http.desyncmitigationmode` を `defensive` または `strictest` に設定してください。"),
        references: ["https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/config-desync-mitigation-mode.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("elasticloadbalancing", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    super::each_classic(cx, reg, |lb| {
        let a = super::attributes(lb)?;
        let mode = a.desync_mitigation_mode.as_deref().unwrap_or("defensive");
        Ok(Some(verdict(
            crate::checks::elbv2::desync_safe(mode),
            || {
                msg!(
                    "classic load balancer {n} mitigates desync in {m} mode",
                    "Classic Load Balancer {n} は `{m}` モードで非同期を緩和しています",
                    n = lb.name,
                    m = mode
                )
            },
            || {
                msg!(
                    "classic load balancer {n} mitigates desync in {m} mode only",
                    "Classic Load Balancer {n} の非同期緩和は `{m}` モードのみです",
                    n = lb.name,
                    m = mode
                )
            },
        )))
    })
}
