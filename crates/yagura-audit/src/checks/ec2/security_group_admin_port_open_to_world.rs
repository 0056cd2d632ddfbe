use crate::checks::prelude::*;
use crate::net::exposures;
use std::collections::BTreeSet;
use yagura_inventory::SecurityGroup;

declare_check! {
    pub static META = "security-group-admin-port-open-to-world" {
        severity: High,
        service: "ec2",
        spec: ["AUD-01"],
        compliance: {
            "cis-aws-foundations-3.0": ["5.2", "5.3"],
            "cis-aws-foundations-7.0": ["6.1.2", "6.3", "6.4"],
            "aws-fsbp": ["EC2.13", "EC2.14", "EC2.19"],
            "yagura-guideline": ["000"],
        },
        needs: [data::SECURITY_GROUPS.name, data::GROUPS_IN_USE.name],
        title: ("Security group opens an administration port to the internet",
            "セキュリティグループが管理用ポートをインターネットに公開している"),
        what: ("Finds security groups whose ingress rules together admit the whole internet (0.0.0.0/0 or ::/0, also when split into smaller ranges) to the TCP port of SSH, RDP, VNC, a database or another remote-administration service.",
            "インバウンドルールを合わせるとインターネット全体(0.0.0.0/0 または ::/0。小さな範囲に分けた場合も含む)から SSH・RDP・VNC・データベースなどの管理用 TCP ポートへの通信を許可するセキュリティグループを検出します。"),
        why: ("Administration ports open to the world are scanned and brute-forced within minutes; one weak password or unpatched service gives an attacker the host.",
            "全世界に開いた管理用ポートは数分でスキャンされ総当たり攻撃を受けます。弱いパスワードや未修正のサービスが一つあればホストを奪われます。"),
        fix: ("Remove the 0.0.0.0/0 and ::/0 rules; reach instances through Systems Manager Session Manager, or allow only your office or VPN address ranges.",
            "0.0.0.0/0 と ::/0 のルールを削除し、Systems Manager セッションマネージャー経由で接続するか、社内や VPN のアドレス範囲だけを許可してください。"),
        references: ["https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::SecurityGroup(eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, g: &SecurityGroup, at: At<'_>) -> Outcome {
    let used = reg.in_use(cx, &g.id)?;
    let (usage_en, usage_ja) = match used {
        Some(true) => ("in use", "使用中"),
        Some(false) => ("unused", "未使用"),
        None => ("usage unknown", "使用状況不明"),
    };
    // Administration protocols run over TCP: UDP 22 is not SSH. The world is the union of the
    // group's ranges, so two halves of it are the world too.
    let open = exposures(g);
    let admin: BTreeSet<u16> = cx
        .cfg
        .admin_ports
        .iter()
        .copied()
        .filter(|p| open.iter().any(|e| e.tcp_port(*p)))
        .collect();
    if admin.is_empty() {
        let msg = msg!(
            "security group {g} ({usage_en}) opens no administration port to the world",
            "セキュリティグループ {g}({usage_ja})は管理用ポートを公開していません",
            g = g.id,
            usage_en = usage_en,
            usage_ja = usage_ja
        );
        cx.emit(at, Status::Pass, msg);
    } else {
        let ports = admin
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let msg = Text::owned(
            format!(
                "security group {} ({usage_en}) opens TCP port(s) {ports} to the internet",
                g.id
            ),
            format!(
                "セキュリティグループ {}({usage_ja})が TCP ポート {ports} をインターネットに公開しています",
                g.id
            ),
        );
        cx.emit(at, Status::Fail, msg);
        cx.evidence("ports", ports);
    }
    if let Some(u) = used {
        cx.evidence("in_use", u.to_string());
    }
    Ok(())
}
