use crate::checks::prelude::*;

declare_check! {
    pub static META = "elbv2-invalid-headers-kept" {
        severity: Medium,
        service: "elbv2",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["ELB.4"],
        },
        needs: [data::LOAD_BALANCERS.name],
        title: ("Application Load Balancer forwards invalid HTTP headers",
            "Application Load Balancer が不正な HTTP ヘッダーを転送している"),
        what: ("Finds Application Load Balancers whose `routing.http.drop_invalid_header_fields.enabled` is not `true` (AWS's default is false).",
            "`routing.http.drop_invalid_header_fields.enabled` が `true` でない(AWS の既定は false)Application Load Balancer を検出します。"),
        why: ("Header names that are not valid HTTP reach the targets, where servers that parse them differently open the way to request smuggling and header injection.",
            "HTTP として不正なヘッダー名がターゲットに届き、解釈の異なるサーバーでリクエストスマグリングやヘッダーインジェクションの余地が生じます。"),
        fix: ("Set the attribute `routing.http.drop_invalid_header_fields.enabled` to `true`.",
            "属性 `routing.http.drop_invalid_header_fields.enabled` を `true` に設定してください。"),
        references: ["https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#load-balancer-attributes"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("elasticloadbalancing", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    super::each_lb(cx, reg, &["application"], |lb| {
        let value = super::attribute(lb, "routing.http.drop_invalid_header_fields.enabled")?;
        Ok(verdict(
            value == Some("true"),
            || {
                msg!(
                    "load balancer {n} drops invalid HTTP headers",
                    "ロードバランサー {n} は不正な HTTP ヘッダーを破棄します",
                    n = lb.name
                )
            },
            || {
                msg!(
                    "load balancer {n} forwards invalid HTTP headers",
                    "ロードバランサー {n} は不正な HTTP ヘッダーを転送します",
                    n = lb.name
                )
            },
        ))
    })
}
