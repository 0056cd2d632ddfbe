use crate::checks::prelude::*;

declare_check! {
    pub static META = "elbv2-access-logging-off" {
        severity: Medium,
        service: "elbv2",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["ELB.5"],
        },
        needs: [data::LOAD_BALANCERS.name],
        title: ("Application Load Balancer without access logs",
            "アクセスログが無効な Application Load Balancer"),
        what: ("Finds Application Load Balancers whose access logs to S3 are off (Classic Load Balancers: `elb-access-logging-off`).",
            "S3 へのアクセスログが無効な Application Load Balancer を検出します(Classic Load Balancer は `elb-access-logging-off`)。"),
        why: ("Without access logs there is no record of who sent which request, from where, with what answer: an attack through the load balancer cannot be traced.",
            "アクセスログがないと、誰がどこからどのリクエストを送りどんな応答を得たかの記録がなく、ロードバランサー経由の攻撃を追跡できません。"),
        fix: ("Set `access_logs.s3.enabled` to `true` with a bucket whose policy lets Elastic Load Balancing write.",
            "Elastic Load Balancing が書き込めるバケットポリシーのバケットを指定し、`access_logs.s3.enabled` を `true` にしてください。"),
        references: ["https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("elasticloadbalancing", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    super::each_lb(cx, reg, &["application"], |lb| {
        let value = super::attribute(lb, "access_logs.s3.enabled")?;
        Ok(verdict(
            value == Some("true"),
            || {
                msg!(
                    "load balancer {n} writes access logs",
                    "ロードバランサー {n} はアクセスログを出力しています",
                    n = lb.name
                )
            },
            || {
                msg!(
                    "load balancer {n} writes no access logs",
                    "ロードバランサー {n} はアクセスログを出力していません",
                    n = lb.name
                )
            },
        ))
    })
}
