use crate::checks::prelude::*;

declare_check! {
    pub static META = "elb-single-az" {
        severity: Medium,
        service: "elb",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["ELB.10"],
        },
        needs: [data::CLASSIC_LOAD_BALANCERS.name],
        title: ("Classic Load Balancer spans fewer than two Availability Zones",
            "Classic Load Balancer が 2 つ未満のアベイラビリティーゾーンにしかない"),
        what: ("Finds Classic Load Balancers in fewer than 2 Availability Zones (FSBP's default minimum).",
            "2 つ(FSBP の既定の最小値)未満のアベイラビリティーゾーンにある Classic Load Balancer を検出します。"),
        why: ("A load balancer in one zone goes down with it, however many instances run elsewhere.",
            "1 つのゾーンにあるロードバランサーは、他にいくつインスタンスがあってもそのゾーンと共に停止します。"),
        fix: ("Enable another Availability Zone (or a subnet in one) for the load balancer.",
            "ロードバランサーで別のアベイラビリティーゾーン(またはそのサブネット)を有効にしてください。"),
        references: ["https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/enable-disable-az.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("elasticloadbalancing", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    super::each_classic(cx, reg, |lb| {
        let n = lb.zones.len();
        Ok(Some(verdict(
            n >= crate::checks::elbv2::MIN_ZONES,
            || {
                msg!(
                    "classic load balancer {l} spans {n} Availability Zones",
                    "Classic Load Balancer {l} は {n} つのアベイラビリティーゾーンにあります",
                    l = lb.name,
                    n = n
                )
            },
            || {
                msg!(
                    "classic load balancer {l} spans {n} Availability Zone(s)",
                    "Classic Load Balancer {l} は {n} つのアベイラビリティーゾーンにしかありません",
                    l = lb.name,
                    n = n
                )
            },
        )))
    })
}
