use crate::checks::prelude::*;

declare_check! {
    pub static META = "elbv2-http-not-redirected-to-https" {
        severity: Medium,
        service: "elbv2",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["ELB.1"],
        },
        needs: [data::LOAD_BALANCERS.name],
        title: ("Application Load Balancer serves HTTP without redirecting to HTTPS",
            "Application Load Balancer が HTTPS へリダイレクトせずに HTTP を提供している"),
        what: ("Finds Application Load Balancers with an HTTP listener whose default action does not redirect to HTTPS.",
            "デフォルトアクションが HTTPS へリダイレクトしない HTTP リスナーを持つ Application Load Balancer を検出します。"),
        why: ("Plain HTTP carries sessions, credentials and data readable and changeable by anyone on the path.",
            "平文の HTTP は、経路上の誰もが読み書きできる状態でセッション・認証情報・データを運びます。"),
        fix: ("Change the HTTP listener's default action to a redirect to HTTPS (port 443, HTTP_301).",
            "HTTP リスナーのデフォルトアクションを HTTPS(ポート 443、HTTP_301)へのリダイレクトに変更してください。"),
        references: ["https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html#redirect-actions"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("elasticloadbalancing", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    super::each_lb(cx, reg, &["application"], |lb| {
        let plain: Vec<String> = super::listeners(lb)?
            .iter()
            .filter(|l| l.protocol == "HTTP" && !l.redirects_to_https)
            .map(|l| l.port.to_string())
            .collect();
        Ok(verdict(
            plain.is_empty(),
            || {
                msg!(
                    "load balancer {n} serves no plain HTTP (every HTTP listener redirects to HTTPS)",
                    "ロードバランサー {n} は平文の HTTP を提供していません(HTTP リスナーはすべて HTTPS へリダイレクトします)",
                    n = lb.name
                )
            },
            || {
                msg!("load balancer {n} serves HTTP without a redirect to HTTPS on port(s) {p}", "ロードバランサー {n} はポート {p} で HTTPS へリダイレクトせずに HTTP を提供しています", n = lb.name, p = plain.join(", "))
            },
        ))
    })
}
