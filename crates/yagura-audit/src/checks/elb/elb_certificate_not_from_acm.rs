use crate::checks::prelude::*;

declare_check! {
    pub static META = "elb-certificate-not-from-acm" {
        severity: Medium,
        service: "elb",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["ELB.2"],
        },
        needs: [data::CLASSIC_LOAD_BALANCERS.name],
        title: ("Classic Load Balancer uses a certificate not from ACM",
            "Classic Load Balancer が ACM 以外の証明書を使っている"),
        what: ("Finds Classic Load Balancers with an HTTPS or SSL listener whose certificate is not from AWS Certificate Manager (an IAM server certificate).",
            "証明書が AWS Certificate Manager のものでない(IAM サーバー証明書の)HTTPS または SSL リスナーを持つ Classic Load Balancer を検出します。"),
        why: ("Certificates uploaded to IAM are renewed by hand and expire unnoticed; ACM renews its certificates itself.",
            "IAM にアップロードした証明書は手作業で更新するため、気付かぬうちに期限切れになります。ACM は証明書を自動で更新します。"),
        fix: ("Request or import the certificate in ACM and set it on the listener (`aws elb set-load-balancer-listener-ssl-certificate`).",
            "ACM で証明書をリクエストまたはインポートし、リスナーに設定してください(`aws elb set-load-balancer-listener-ssl-certificate`)。"),
        references: ["https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-update-ssl-cert.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("elasticloadbalancing", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    super::each_classic(cx, reg, |lb| {
        let tls: Vec<_> = lb
            .listeners
            .iter()
            .filter(|l| matches!(l.protocol.as_str(), "HTTPS" | "SSL"))
            .collect();
        if tls.is_empty() {
            return Ok(None);
        }
        let other: Vec<String> = tls
            .iter()
            .filter(|l| !l.certificate.as_deref().is_some_and(super::from_acm))
            .map(|l| l.port.to_string())
            .collect();
        Ok(Some(verdict(
            other.is_empty(),
            || {
                msg!(
                    "classic load balancer {n} uses ACM certificates",
                    "Classic Load Balancer {n} は ACM の証明書を使っています",
                    n = lb.name
                )
            },
            || {
                msg!(
                    "classic load balancer {n} uses a certificate not from ACM on port(s) {p}",
                    "Classic Load Balancer {n} はポート {p} で ACM 以外の証明書を使っています",
                    n = lb.name,
                    p = other.join(", ")
                )
            },
        )))
    })
}
