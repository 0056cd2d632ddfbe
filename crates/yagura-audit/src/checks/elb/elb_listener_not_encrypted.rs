use crate::checks::prelude::*;

declare_check! {
    pub static META = "elb-listener-not-encrypted" {
        severity: Medium,
        service: "elb",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["ELB.3"],
        },
        needs: [data::CLASSIC_LOAD_BALANCERS.name],
        title: ("Classic Load Balancer listener without HTTPS or TLS",
            "HTTPS または TLS でない Classic Load Balancer のリスナー"),
        what: ("Finds Classic Load Balancers with an HTTP or TCP listener (no HTTPS or SSL termination).",
            "HTTP または TCP のリスナー(HTTPS・SSL 終端なし)を持つ Classic Load Balancer を検出します。"),
        why: ("Traffic to an HTTP or TCP listener crosses the network in clear text, readable and changeable on the path.",
            "HTTP・TCP リスナーへの通信は平文でネットワークを流れ、経路上で読み取りや改ざんができます。"),
        fix: ("Replace the HTTP or TCP listeners with HTTPS or SSL listeners and an ACM certificate (or move to an Application Load Balancer that redirects HTTP).",
            "HTTP・TCP リスナーを ACM 証明書付きの HTTPS・SSL リスナーに置き換えてください(または HTTP をリダイレクトする Application Load Balancer に移行してください)。"),
        references: ["https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-listener-config.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("elasticloadbalancing", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    super::each_classic(cx, reg, |lb| {
        let plain: Vec<String> = lb
            .listeners
            .iter()
            .filter(|l| !matches!(l.protocol.as_str(), "HTTPS" | "SSL"))
            .map(|l| format!("{}/{}", l.protocol, l.port))
            .collect();
        Ok(Some(verdict(
            plain.is_empty(),
            || {
                msg!("classic load balancer {n} terminates HTTPS or TLS on every listener", "Classic Load Balancer {n} はすべてのリスナーで HTTPS または TLS を終端しています", n = lb.name)
            },
            || {
                msg!(
                    "classic load balancer {n} has unencrypted listener(s) {p}",
                    "Classic Load Balancer {n} には暗号化されていないリスナー {p} があります",
                    n = lb.name,
                    p = plain.join(", ")
                )
            },
        )))
    })
}
