use crate::checks::prelude::*;

declare_check! {
    pub static META = "elbv2-waf-not-associated" {
        severity: Medium,
        service: "elbv2",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["ELB.16"],
        },
        needs: [data::LOAD_BALANCERS.name],
        title: ("Application Load Balancer without an AWS WAF web ACL",
            "AWS WAF のウェブ ACL がない Application Load Balancer"),
        what: ("Finds Application Load Balancers that no AWS WAF web ACL protects (GetWebACLForResource). A load balancer protected only by AWS WAF Classic is not seen and reads FAIL.",
            "AWS WAF のウェブ ACL で保護されていない Application Load Balancer を検出します(GetWebACLForResource)。AWS WAF Classic だけで保護しているロードバランサーは見えないため FAIL になります。"),
        why: ("Without a web ACL every request reaches the application: SQL injection, cross-site scripting, known bad inputs and floods from one address are not filtered before it.",
            "ウェブ ACL がないと、すべてのリクエストがアプリケーションに届きます。SQL インジェクション、クロスサイトスクリプティング、既知の不正な入力、一つのアドレスからの大量のリクエストが手前で遮断されません。"),
        fix: ("Create an AWS WAF web ACL in the load balancer's region (start from the AWS managed rule groups: the core rule set and known bad inputs, and a rate-based rule) and associate it with the load balancer.",
            "ロードバランサーのリージョンに AWS WAF のウェブ ACL を作成し(AWS マネージドルールグループのコアルールセットと既知の不正な入力、レートベースのルールから始めます)、ロードバランサーに関連付けてください。"),
        references: ["https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-associating-aws-resource.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("elasticloadbalancing", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    super::each_lb(cx, reg, &["application"], |lb| {
        let acl = super::web_acl(lb)?;
        Ok(match acl {
            Some(name) => (
                Status::Pass,
                msg!(
                    "load balancer {n} is protected by the web ACL `{a}`",
                    "ロードバランサー {n} はウェブ ACL `{a}` で保護されています",
                    n = lb.name,
                    a = name
                ),
            ),
            None => (
                Status::Fail,
                msg!(
                    "load balancer {n} has no AWS WAF web ACL",
                    "ロードバランサー {n} には AWS WAF のウェブ ACL がありません",
                    n = lb.name
                ),
            ),
        })
    })
}
