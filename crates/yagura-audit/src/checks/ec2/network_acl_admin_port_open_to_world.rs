use crate::checks::prelude::*;
use crate::net::acl::{world_all, world_tcp};

declare_check! {
    pub static META = "network-acl-admin-port-open-to-world" {
        severity: Medium,
        service: "ec2",
        spec: ["AUD-01"],
        compliance: {
            "cis-aws-foundations-3.0": ["5.1"],
            "cis-aws-foundations-7.0": ["6.2"],
            "aws-fsbp": ["EC2.21"],
        },
        needs: [data::NETWORK_ACLS.name],
        title: ("Network ACL admits the internet to an administration port",
            "ネットワーク ACL がインターネットから管理用ポートへの通信を許可している"),
        what: ("Finds network ACLs whose inbound rules, in rule-number order, let traffic from 0.0.0.0/0 or ::/0 reach SSH, RDP, CIFS or another administration port over TCP, or every port.",
            "インバウンドルールをルール番号順に評価すると、0.0.0.0/0 または ::/0 からの TCP 通信が SSH・RDP・CIFS などの管理用ポート、または全ポートに届くネットワーク ACL を検出します。"),
        why: ("The network ACL is the subnet's second fence: when it admits the world to administration ports, one security group opened by mistake exposes the hosts behind it.",
            "ネットワーク ACL はサブネットの二つ目の柵です。全世界から管理用ポートへの通信を許可していると、誤って開いたセキュリティグループ一つで背後のホストが露出します。"),
        fix: ("Add deny rules for the administration ports from 0.0.0.0/0 and ::/0 before the allow rules, or allow only the address ranges that need them.",
            "許可ルールより前に 0.0.0.0/0 と ::/0 から管理用ポートへの拒否ルールを追加するか、必要なアドレス範囲だけを許可してください。"),
        references: ["https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("ec2", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    let acls = cx.need_in(&data::NETWORK_ACLS, reg.region)?;
    let (partition, account) = (cx.partition(), cx.account.account_id.as_str());
    let region = reg.name();
    for a in acls {
        let arn = format!(
            "arn:{partition}:ec2:{region}:{account}:network-acl/{}",
            a.id
        );
        let at = At {
            resource: &arn,
            region,
        };
        let open: Vec<String> = cx
            .cfg
            .admin_ports
            .iter()
            .filter(|p| world_tcp(a, **p))
            .map(u16::to_string)
            .collect();
        if world_all(a) {
            cx.emit(
                at,
                Status::Fail,
                msg!(
                    "network ACL {n} of {v} admits all traffic from the internet",
                    "{v} のネットワーク ACL {n} がインターネットからの全トラフィックを許可しています",
                    n = a.id,
                    v = a.vpc_id
                ),
            );
            cx.evidence("ports", "all");
        } else if !open.is_empty() {
            let ports = open.join(", ");
            cx.emit(
                at,
                Status::Fail,
                msg!(
                    "network ACL {n} of {v} admits the internet to TCP port(s) {ports}",
                    "{v} のネットワーク ACL {n} がインターネットから TCP ポート {ports} への通信を許可しています",
                    n = a.id,
                    v = a.vpc_id,
                    ports = ports
                ),
            );
            cx.evidence("ports", ports);
        } else {
            cx.emit(
                at,
                Status::Pass,
                msg!(
                    "network ACL {n} of {v} admits the internet to no administration port",
                    "{v} のネットワーク ACL {n} はインターネットから管理用ポートへの通信を許可していません",
                    n = a.id,
                    v = a.vpc_id
                ),
            );
        }
        if !a.subnets.is_empty() {
            cx.evidence("subnets", a.subnets.join(", "));
        }
    }
    Ok(())
}
