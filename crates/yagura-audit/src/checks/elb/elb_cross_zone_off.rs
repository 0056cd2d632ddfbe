use crate::checks::prelude::*;

declare_check! {
    pub static META = "elb-cross-zone-off" {
        severity: Medium,
        service: "elb",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["ELB.9"],
        },
        needs: [data::CLASSIC_LOAD_BALANCERS.name],
        title: ("Classic Load Balancer without cross-zone load balancing",
            "クロスゾーン負荷分散が無効な Classic Load Balancer"),
        what: ("Finds Classic Load Balancers whose cross-zone load balancing is off.",
            "クロスゾーン負荷分散が無効な Classic Load Balancer を検出します。"),
        why: ("Without cross-zone balancing each zone's node sends only to its own zone's instances: uneven zones overload some instances, and a zone without healthy instances drops its share of traffic.",
            "クロスゾーン負荷分散がないと各ゾーンのノードは自ゾーンのインスタンスにしか送りません。ゾーンの偏りで一部のインスタンスが過負荷になり、正常なインスタンスのないゾーンはその分の通信を落とします。"),
        fix: ("Enable cross-zone load balancing on the load balancer.",
            "ロードバランサーでクロスゾーン負荷分散を有効にしてください。"),
        references: ["https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/enable-disable-crosszone-lb.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("elasticloadbalancing", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    super::each_classic(cx, reg, |lb| {
        let a = super::attributes(lb)?;
        Ok(Some(verdict(
            a.cross_zone,
            || {
                msg!(
                    "classic load balancer {n} balances across zones",
                    "Classic Load Balancer {n} はクロスゾーン負荷分散が有効です",
                    n = lb.name
                )
            },
            || {
                msg!(
                    "classic load balancer {n} does not balance across zones",
                    "Classic Load Balancer {n} はクロスゾーン負荷分散が無効です",
                    n = lb.name
                )
            },
        )))
    })
}
