use crate::checks::prelude::*;
use std::collections::BTreeSet;

declare_check! {
    pub static META = "vpc-flow-logs-off" {
        severity: Medium,
        service: "ec2",
        spec: ["AUD-20"],
        compliance: {
            "cis-aws-foundations-3.0": ["3.7"],
            "cis-aws-foundations-7.0": ["4.7"],
            "aws-fsbp": ["EC2.6"],
        },
        needs: [data::VPCS.name, data::FLOW_LOGS.name],
        title: ("VPC without flow logs",
            "フローログのない VPC"),
        what: ("Finds VPCs that have no flow log of their own (a flow log on a subnet or a network interface covers only that part).",
            "VPC 自体のフローログがない VPC を検出します(サブネットやネットワークインターフェースのフローログはその部分しか記録しません)。"),
        why: ("Without flow logs there is no record of which addresses talked to what: an intrusion, data theft or a scan cannot be traced afterwards.",
            "フローログがないと、どのアドレスがどこと通信したかの記録が残らず、侵入・データ持ち出し・スキャンを後から追跡できません。"),
        fix: ("Create a flow log on every VPC (at least rejected traffic) to CloudWatch Logs or S3.",
            "すべての VPC に CloudWatch Logs または S3 へのフローログを作成してください(少なくとも拒否されたトラフィック)。"),
        references: ["https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("ec2", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    let vpcs = cx.need_in(&data::VPCS, reg.region)?;
    let logs = cx.need_in(&data::FLOW_LOGS, reg.region)?;
    let logged: BTreeSet<&str> = logs.iter().map(|f| f.resource_id.as_str()).collect();
    let (partition, account) = (cx.partition(), cx.account.account_id.as_str());
    let region = reg.name();
    for v in vpcs {
        let arn = format!("arn:{partition}:ec2:{region}:{account}:vpc/{}", v.id);
        let at = At {
            resource: &arn,
            region,
        };
        if logged.contains(v.id.as_str()) {
            cx.emit(
                at,
                Status::Pass,
                msg!(
                    "VPC {v} has a flow log",
                    "VPC {v} にはフローログがあります",
                    v = v.id
                ),
            );
        } else {
            cx.emit(
                at,
                Status::Fail,
                msg!(
                    "VPC {v} has no flow log",
                    "VPC {v} にフローログがありません",
                    v = v.id
                ),
            );
        }
    }
    Ok(())
}
