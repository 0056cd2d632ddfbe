use crate::checks::prelude::*;
use yagura_inventory::Instance;

declare_check! {
    pub static META = "ec2-instance-public-ip" {
        severity: High,
        service: "ec2",
        spec: ["AUD-03"],
        compliance: {
            "aws-fsbp": ["EC2.9"],
        },
        needs: [data::INSTANCES.name],
        title: ("Instance has a public IPv4 address",
            "インスタンスにパブリック IPv4 アドレスがある"),
        what: ("Finds instances that have a public IPv4 address (assigned at launch or an Elastic IP).",
            "パブリック IPv4 アドレス(起動時の割り当てまたは Elastic IP)を持つインスタンスを検出します。"),
        why: ("An instance with a public address can be reached from the internet whenever a security group or network ACL lets traffic in; one wrong rule exposes it.",
            "パブリックアドレスを持つインスタンスは、セキュリティグループやネットワーク ACL が通信を許可すればインターネットから到達できます。ルールを一つ誤るだけで公開されます。"),
        fix: ("Put the instance in a private subnet behind a load balancer or NAT gateway and reach it with Session Manager; release or disassociate its public address.",
            "インスタンスをロードバランサーや NAT ゲートウェイの背後のプライベートサブネットに置き、Session Manager で接続してください。パブリックアドレスは解放または関連付けを解除してください。"),
        references: ["https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html#concepts-public-addresses"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Instance(eval),
};

fn eval(cx: &mut Cx<'_>, _reg: &Reg<'_>, i: &Instance, at: At<'_>) -> Outcome {
    match &i.public_ip {
        Some(ip) => {
            cx.emit(
                at,
                Status::Fail,
                msg!(
                    "instance {i} has public IPv4 address {ip}",
                    "インスタンス {i} にはパブリック IPv4 アドレス {ip} があります",
                    i = i.id,
                    ip = ip
                ),
            );
            cx.evidence("public_ip", ip.clone());
        }
        None => cx.emit(
            at,
            Status::Pass,
            msg!(
                "instance {i} has no public IPv4 address",
                "インスタンス {i} にはパブリック IPv4 アドレスがありません",
                i = i.id
            ),
        ),
    }
    Ok(())
}
