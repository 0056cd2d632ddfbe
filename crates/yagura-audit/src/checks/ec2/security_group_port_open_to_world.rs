use crate::checks::prelude::*;
use crate::net::{is_world, port_range};
use yagura_inventory::SecurityGroup;

declare_check! {
    pub static META = "security-group-port-open-to-world" {
        severity: Medium,
        service: "ec2",
        spec: ["AUD-01"],
        compliance: {
            "cis-aws-foundations-3.0": [],
            "yagura-guideline": ["000"],
        },
        needs: [data::SECURITY_GROUPS.name],
        title: ("Security group opens a port other than 80/443 to the internet",
            "セキュリティグループが 80/443 以外のポートをインターネットに公開している"),
        what: ("Finds security groups with ingress from 0.0.0.0/0 or ::/0 to any port other than HTTP (80) and HTTPS (443).",
            "0.0.0.0/0 または ::/0 から HTTP(80)・HTTPS(443) 以外のポートへのインバウンドを許可するセキュリティグループを検出します。"),
        why: ("Every port open to the world is attack surface; services other than web front ends rarely need to be reachable by everyone.",
            "全世界に開いたポートはすべて攻撃対象になります。Web の入口以外のサービスを誰からでも到達可能にする必要はほとんどありません。"),
        fix: ("Restrict the source to the address ranges or security groups that need the port, or put the service behind a load balancer.",
            "送信元を必要なアドレス範囲やセキュリティグループに限定するか、サービスをロードバランサーの背後に置いてください。"),
        references: ["https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::SecurityGroup(eval),
};

fn eval(cx: &mut Cx<'_>, _reg: &Reg<'_>, g: &SecurityGroup, at: At<'_>) -> Outcome {
    let cfg = cx.cfg;
    let other: Vec<String> = g
        .ingress
        .iter()
        .filter(|r| is_world(r))
        .filter_map(|r| {
            let (from, to) = port_range(r);
            let only_public = (from..=to).all(|p| {
                u16::try_from(p)
                    .is_ok_and(|p| cfg.public_ports.contains(&p) || cfg.admin_ports.contains(&p))
            });
            (!only_public).then(|| {
                if from == to {
                    format!("{}/{from}", r.protocol)
                } else {
                    format!("{}/{from}-{to}", r.protocol)
                }
            })
        })
        .collect();
    if other.is_empty() {
        cx.emit(
            at,
            Status::Pass,
            text!(
                "security group {g} opens only web ports to the world, if any",
                "セキュリティグループ {g} が公開しているのは Web 用ポートのみです",
                g = g.id
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Fail,
            text!(
                "security group {g} opens {p} to the internet",
                "セキュリティグループ {g} が {p} をインターネットに公開しています",
                g = g.id,
                p = other.join(", ")
            ),
        );
    }
    Ok(())
}
