use crate::checks::prelude::*;

declare_check! {
    pub static META = "ec2-vpn-tunnel-down" {
        severity: Medium,
        service: "ec2",
        spec: ["AUD-03"],
        compliance: {
            "aws-fsbp": ["EC2.20"],
        },
        needs: [data::VPN_CONNECTIONS.name],
        title: ("Site-to-Site VPN tunnel down",
            "Site-to-Site VPN のトンネルがダウンしている"),
        what: ("Finds Site-to-Site VPN connections (not deleted) with a tunnel whose status (`VgwTelemetry`) is not `UP`.",
            "トンネルのステータス(`VgwTelemetry`)が `UP` でない Site-to-Site VPN 接続(削除済みでないもの)を検出します。"),
        why: ("A connection runs two tunnels so that one can fail or be under maintenance; with one down, the next maintenance or failure cuts the network off.",
            "接続には 2 本のトンネルがあり、一方が障害やメンテナンスで止まっても通信が続くようになっています。1 本がダウンしたままだと、次のメンテナンスや障害でネットワークが切断されます。"),
        fix: ("Configure both tunnels on the customer gateway device (`aws ec2 get-vpn-connection-device-sample-configuration`) and check the tunnel's status message and the device's logs until both are `UP`.",
            "カスタマーゲートウェイ機器に両方のトンネルを設定し(`aws ec2 get-vpn-connection-device-sample-configuration`)、トンネルのステータスメッセージと機器のログを確認して、両方が `UP` になるようにしてください。"),
        references: ["https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNTunnels.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("ec2", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    let connections = cx.need_in(&data::VPN_CONNECTIONS, reg.region)?;
    let (partition, account) = (cx.partition(), cx.account.account_id.as_str());
    let region = reg.name();
    for v in connections.iter().filter(|v| !v.state.starts_with("delet")) {
        let arn = format!(
            "arn:{partition}:ec2:{region}:{account}:vpn-connection/{}",
            v.id
        );
        let at = At {
            resource: &arn,
            region,
        };
        let down: Vec<String> = v
            .tunnels
            .iter()
            .filter(|t| t.status != "UP")
            // The tunnel's address with its status and message as AWS gives them: the same text
            // in both languages.
            .map(|t| {
                let quoted = |s: &str| format!("`{}`", s.replace('`', "'"));
                match t.status_message.as_str() {
                    "" => format!("{} {}", t.outside_ip, quoted(&t.status)),
                    m => format!("{} {} {}", t.outside_ip, quoted(&t.status), quoted(m)),
                }
            })
            .collect();
        if !down.is_empty() {
            cx.emit(
                at,
                Status::Fail,
                text!(
                    "VPN connection {v} has a tunnel down ({d})",
                    "VPN 接続 {v} にダウンしているトンネルがあります({d})",
                    v = v.id,
                    d = down.join("; ")
                ),
            );
        } else if v.tunnels.len() < 2 {
            cx.emit(
                at,
                Status::Unknown,
                text!(
                    "VPN connection {v} reports the status of {n} of its two tunnels",
                    "VPN 接続 {v} は 2 本のトンネルのうち {n} 本のステータスしか報告していません",
                    v = v.id,
                    n = v.tunnels.len()
                ),
            );
        } else {
            cx.emit(
                at,
                Status::Pass,
                text!(
                    "both tunnels of VPN connection {v} are up",
                    "VPN 接続 {v} のトンネルは両方とも稼働しています",
                    v = v.id
                ),
            );
        }
    }
    Ok(())
}
