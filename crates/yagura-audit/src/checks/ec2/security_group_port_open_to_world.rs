use crate::checks::prelude::*;
use crate::net::{exposures, Proto};
use yagura_inventory::SecurityGroup;

declare_check! {
    pub static META = "security-group-port-open-to-world" {
        severity: Medium,
        service: "ec2",
        spec: ["AUD-01"],
        compliance: {
            "cis-aws-foundations-3.0": [],
            "aws-fsbp": ["EC2.18"],
            "yagura-guideline": ["000"],
        },
        needs: [data::SECURITY_GROUPS.name],
        title: ("Security group opens a port other than 80/443 to the internet",
            "セキュリティグループが 80/443 以外のポートをインターネットに公開している"),
        what: ("Finds security groups whose ingress rules together admit the whole internet (0.0.0.0/0 or ::/0, also when split into smaller ranges) to anything other than HTTP (80) and HTTPS (443): other ports, ICMP, other protocols or all traffic.",
            "インバウンドルールを合わせるとインターネット全体(0.0.0.0/0 または ::/0。小さな範囲に分けた場合も含む)から HTTP(80)・HTTPS(443) 以外(他のポート、ICMP、他のプロトコル、全トラフィック)への通信を許可するセキュリティグループを検出します。"),
        why: ("Every port open to the world is attack surface; services other than web front ends rarely need to be reachable by everyone.",
            "全世界に開いたポートはすべて攻撃対象になります。ウェブのフロントエンド以外のサービスを誰からでも到達可能にする必要はほとんどありません。"),
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
    // Web ports may be open (over TCP or UDP, as HTTP/3 is); the administration ports over TCP
    // are `security-group-admin-port-open-to-world`'s.
    let allowed = |proto: Proto, p: i32| {
        u16::try_from(p).is_ok_and(|p| {
            cfg.public_ports.contains(&p) || (proto == Proto::Tcp && cfg.admin_ports.contains(&p))
        })
    };
    let (en, ja): (Vec<String>, Vec<String>) = exposures(g)
        .into_iter()
        .filter(|e| {
            !matches!(e.proto, Proto::Tcp | Proto::Udp)
                || !(e.from..=e.to).all(|p| allowed(e.proto, p))
        })
        .map(|e| e.describe())
        .unzip();
    if en.is_empty() {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "security group {g} opens only web ports to the world, if any",
                "セキュリティグループ {g} が公開しているのは Web 用ポートのみです",
                g = g.id
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Fail,
            Text::owned(
                format!(
                    "security group {} opens {} to the internet",
                    g.id,
                    en.join(", ")
                ),
                format!(
                    "セキュリティグループ {} が {} をインターネットに公開しています",
                    g.id,
                    ja.join(", ")
                ),
            ),
        );
    }
    Ok(())
}
