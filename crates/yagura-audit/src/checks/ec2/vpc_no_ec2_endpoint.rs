use crate::checks::prelude::*;
use std::collections::BTreeSet;

declare_check! {
    pub static META = "vpc-no-ec2-endpoint" {
        severity: Medium,
        service: "ec2",
        spec: ["AUD-03"],
        compliance: {
            "aws-fsbp": ["EC2.10"],
        },
        needs: [data::VPCS.name, data::VPC_ENDPOINTS.name],
        title: ("VPC has no endpoint for the EC2 API",
            "VPC に EC2 API のエンドポイントがない"),
        what: ("Finds VPCs without an interface endpoint for the EC2 service (`com.amazonaws.REGION.ec2`, not being deleted).",
            "EC2 サービスのインターフェースエンドポイント(`com.amazonaws.REGION.ec2`、削除中でないもの)のない VPC を検出します。"),
        why: ("Without an endpoint, calls to the EC2 API from the VPC leave through an internet or NAT gateway: the instances need a route out, and the calls cannot be limited to the VPC with an endpoint policy or `aws:SourceVpce`.",
            "エンドポイントがないと、VPC からの EC2 API の呼び出しはインターネットゲートウェイや NAT ゲートウェイを経由して外に出ます。インスタンスに外への経路が必要になり、エンドポイントポリシーや `aws:SourceVpce` で VPC 内に限定することもできません。"),
        fix: ("Create an interface VPC endpoint for `com.amazonaws.REGION.ec2` in the VPC's private subnets, with private DNS enabled.",
            "VPC のプライベートサブネットに `com.amazonaws.REGION.ec2` のインターフェース VPC エンドポイントを、プライベート DNS を有効にして作成してください。"),
        references: ["https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("ec2", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    let vpcs = cx.need_in(&data::VPCS, reg.region)?;
    let endpoints = cx.need_in(&data::VPC_ENDPOINTS, reg.region)?;
    let region = reg.name();
    let service = format!("com.amazonaws.{region}.ec2");
    let served: BTreeSet<&str> = endpoints
        .iter()
        .filter(|e| {
            e.service_name == service
                && !matches!(
                    e.state.as_str(),
                    "deleting" | "deleted" | "failed" | "rejected"
                )
        })
        .map(|e| e.vpc_id.as_str())
        .collect();
    let (partition, account) = (cx.partition(), cx.account.account_id.as_str());
    for v in vpcs {
        let arn = format!("arn:{partition}:ec2:{region}:{account}:vpc/{}", v.id);
        let at = At {
            resource: &arn,
            region,
        };
        if served.contains(v.id.as_str()) {
            cx.emit(
                at,
                Status::Pass,
                msg!(
                    "VPC {v} has an endpoint for the EC2 API",
                    "VPC {v} には EC2 API のエンドポイントがあります",
                    v = v.id
                ),
            );
        } else {
            cx.emit(
                at,
                Status::Fail,
                msg!(
                    "VPC {v} has no endpoint for the EC2 API",
                    "VPC {v} には EC2 API のエンドポイントがありません",
                    v = v.id
                ),
            );
        }
    }
    Ok(())
}
