use super::each_function;
use crate::checks::prelude::*;
use std::collections::BTreeSet;
use yagura_inventory::CollectError;

declare_check! {
    pub static META = "lambda-vpc-function-single-az" {
        severity: Medium,
        service: "lambda",
        spec: ["AUD-03"],
        compliance: {
            "aws-fsbp": ["Lambda.5"],
        },
        needs: [data::LAMBDA_FUNCTIONS.name, data::SUBNETS.name],
        title: ("VPC Lambda function runs in a single Availability Zone",
            "VPC の Lambda 関数が一つのアベイラビリティーゾーンでしか動かない"),
        what: ("Finds Lambda functions connected to a VPC whose subnets are in fewer than two Availability Zones; functions outside a VPC are not judged.",
            "VPC に接続され、サブネットが二つ未満のアベイラビリティーゾーンにしかない Lambda 関数を検出します。VPC の外の関数は対象外です。"),
        why: ("When that zone fails the function cannot run at all.",
            "そのゾーンに障害が起きると関数はまったく実行できません。"),
        fix: ("Add subnets of another Availability Zone to the function's VPC configuration.",
            "関数の VPC 設定に別のアベイラビリティーゾーンのサブネットを追加してください。"),
        references: ["https://docs.aws.amazon.com/lambda/latest/dg/security-resilience.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("lambda", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    let subnets = cx.need_in(&data::SUBNETS, reg.region)?;
    each_function(cx, reg, |cx, f, at| {
        if !f.in_vpc() {
            return Ok(());
        }
        let mut zones = BTreeSet::new();
        for s in &f.subnets {
            let subnet = subnets.iter().find(|x| &x.id == s).ok_or_else(|| {
                Missing::new(CollectError::new(
                    "ec2:DescribeSubnets",
                    "SubnetNotFound",
                    &format!("subnet {s} of the function was not listed"),
                ))
            })?;
            zones.insert(subnet.availability_zone.as_str());
        }
        let z: Vec<&str> = zones.into_iter().collect();
        let status = if z.len() >= 2 {
            Status::Pass
        } else {
            Status::Fail
        };
        cx.emit(
            at,
            status,
            msg!(
                "function `{f}` runs in {n} Availability Zone(s) ({z})",
                "Lambda 関数 `{f}` は {n} 個のアベイラビリティーゾーン({z})で動きます",
                f = f.name,
                n = z.len(),
                z = z.join(", ")
            ),
        );
        Ok(())
    })
}
