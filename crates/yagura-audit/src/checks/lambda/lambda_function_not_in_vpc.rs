use super::each_function;
use crate::checks::prelude::*;

declare_check! {
    pub static META = "lambda-function-not-in-vpc" {
        severity: Low,
        service: "lambda",
        spec: ["AUD-03"],
        compliance: {
            "aws-fsbp": ["Lambda.3"],
        },
        needs: [data::LAMBDA_FUNCTIONS.name],
        title: ("Lambda function is not connected to a VPC",
            "Lambda 関数が VPC に接続されていない"),
        what: ("Finds Lambda functions that are not attached to a VPC.",
            "VPC にアタッチされていない Lambda 関数を検出します。"),
        why: ("Outside a VPC the function reaches the internet directly: security groups, network ACLs, flow logs and VPC endpoint policies do not apply to its traffic.",
            "VPC の外では関数はインターネットに直接つながり、その通信にセキュリティグループ・ネットワーク ACL・フローログ・VPC エンドポイントポリシーが適用されません。"),
        fix: ("Attach the function to private subnets of a VPC in two or more Availability Zones, with VPC endpoints or a NAT gateway for what it calls.",
            "関数を二つ以上のアベイラビリティーゾーンにある VPC のプライベートサブネットにアタッチし、呼び出す先には VPC エンドポイントか NAT ゲートウェイを用意してください。"),
        references: ["https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("lambda", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    each_function(cx, reg, |cx, f, at| {
        if f.in_vpc() {
            let v = f.vpc_id.clone().unwrap_or_else(|| f.subnets.join(", "));
            cx.emit(
                at,
                Status::Pass,
                msg!(
                    "function `{f}` is connected to a VPC ({v})",
                    "関数 `{f}` は VPC({v})に接続されています",
                    f = f.name,
                    v = v
                ),
            );
        } else {
            cx.emit(
                at,
                Status::Fail,
                msg!(
                    "function `{f}` is not connected to a VPC",
                    "関数 `{f}` は VPC に接続されていません",
                    f = f.name
                ),
            );
        }
        Ok(())
    })
}
