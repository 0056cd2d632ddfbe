use crate::checks::prelude::*;

declare_check! {
    pub static META = "elb-connection-draining-off" {
        severity: Medium,
        service: "elb",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["ELB.7"],
        },
        needs: [data::CLASSIC_LOAD_BALANCERS.name],
        title: ("Classic Load Balancer without connection draining",
            "接続のドレイン が無効な Classic Load Balancer"),
        what: ("Finds Classic Load Balancers whose connection draining is off.",
            "接続のドレイン が無効な Classic Load Balancer を検出します。"),
        why: ("Without draining, requests in flight are cut when an instance is deregistered or fails its health check, which deployments and scaling do all the time.",
            "接続のドレイン がないと、インスタンスの登録解除やヘルスチェック失敗のたびに処理中のリクエストが切断されます。デプロイやスケーリングでは常に起きることです。"),
        fix: ("Enable connection draining with a timeout (for example 300 seconds).",
            "タイムアウト(例: 300 秒)を指定して 接続のドレイン を有効にしてください。"),
        references: ["https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/config-conn-drain.html"],
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
            a.connection_draining,
            || {
                msg!(
                    "classic load balancer {n} drains connections",
                    "Classic Load Balancer {n} は 接続のドレイン が有効です",
                    n = lb.name
                )
            },
            || {
                msg!(
                    "classic load balancer {n} does not drain connections",
                    "Classic Load Balancer {n} は 接続のドレイン が無効です",
                    n = lb.name
                )
            },
        )))
    })
}
