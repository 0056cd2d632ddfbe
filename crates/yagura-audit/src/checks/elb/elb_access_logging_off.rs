use crate::checks::prelude::*;

declare_check! {
    pub static META = "elb-access-logging-off" {
        severity: Medium,
        service: "elb",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["ELB.5"],
        },
        needs: [data::CLASSIC_LOAD_BALANCERS.name],
        title: ("Classic Load Balancer without access logs",
            "アクセスログが無効な Classic Load Balancer"),
        what: ("Finds Classic Load Balancers whose access logs to S3 are off (Application Load Balancers: `elbv2-access-logging-off`).",
            "S3 へのアクセスログが無効な Classic Load Balancer を検出します(Application Load Balancer は `elbv2-access-logging-off`)。"),
        why: ("Without access logs there is no record of who sent which request, from where, with what answer: an attack through the load balancer cannot be traced.",
            "アクセスログがないと、誰がどこからどのリクエストを送りどんな応答を得たかの記録がなく、ロードバランサー経由の攻撃を追跡できません。"),
        fix: ("Enable access logs to an S3 bucket whose policy lets Elastic Load Balancing write (`aws elb modify-load-balancer-attributes`).",
            "Elastic Load Balancing が書き込めるバケットポリシーの S3 バケットへのアクセスログを有効にしてください(`aws elb modify-load-balancer-attributes`)。"),
        references: ["https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/enable-access-logs.html"],
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
            a.access_log,
            || {
                msg!(
                    "classic load balancer {n} writes access logs",
                    "Classic Load Balancer {n} はアクセスログを出力しています",
                    n = lb.name
                )
            },
            || {
                msg!(
                    "classic load balancer {n} writes no access logs",
                    "Classic Load Balancer {n} はアクセスログを出力していません",
                    n = lb.name
                )
            },
        )))
    })
}
