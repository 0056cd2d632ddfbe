use crate::checks::prelude::*;

declare_check! {
    pub static META = "elbv2-single-az" {
        severity: Medium,
        service: "elbv2",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["ELB.13"],
        },
        needs: [data::LOAD_BALANCERS.name],
        title: ("Load balancer spans fewer than two Availability Zones",
            "ロードバランサーが 2 つ未満のアベイラビリティーゾーンにしかない"),
        what: ("Finds Application, Network and Gateway Load Balancers in fewer than 2 Availability Zones (FSBP's default minimum).",
            "2 つ(FSBP の既定の最小値)未満のアベイラビリティーゾーンにある Application・Network・Gateway Load Balancer を検出します。"),
        why: ("A load balancer in one zone goes down with it, however many targets run elsewhere.",
            "1 つのゾーンにあるロードバランサーは、他にいくつターゲットがあってもそのゾーンと共に停止します。"),
        fix: ("Add subnets in another Availability Zone to the load balancer.",
            "別のアベイラビリティーゾーンのサブネットをロードバランサーに追加してください。"),
        references: ["https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-subnets.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("elasticloadbalancing", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    super::each_lb(cx, reg, &["application", "network", "gateway"], |lb| {
        let zones = super::zones(lb)?;
        Ok(verdict(
            zones.len() >= super::MIN_ZONES,
            || {
                msg!(
                    "load balancer {n} spans {z} Availability Zones",
                    "ロードバランサー {n} は {z} つのアベイラビリティーゾーンにあります",
                    n = lb.name,
                    z = zones.len()
                )
            },
            || {
                msg!(
                    "load balancer {n} spans {z} Availability Zone(s)",
                    "ロードバランサー {n} は {z} つのアベイラビリティーゾーンにしかありません",
                    n = lb.name,
                    z = zones.len()
                )
            },
        ))
    })
}
