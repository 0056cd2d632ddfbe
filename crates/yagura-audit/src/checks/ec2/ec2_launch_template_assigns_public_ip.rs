use crate::checks::prelude::*;
use yagura_inventory::LaunchTemplateVersion;

declare_check! {
    pub static META = "ec2-launch-template-assigns-public-ip" {
        severity: High,
        service: "ec2",
        spec: ["AUD-03"],
        compliance: {
            "aws-fsbp": ["EC2.25"],
        },
        needs: [data::LAUNCH_TEMPLATES.name],
        title: ("Launch template gives instances a public IP address",
            "起動テンプレートがインスタンスにパブリック IP アドレスを割り当てる"),
        what: ("Finds launch templates whose `$Default` or `$Latest` version has a network interface with `AssociatePublicIpAddress` on, or attaches an existing network interface that has a public IP address.",
            "`$Default` または `$Latest` バージョンのネットワークインターフェイスで `AssociatePublicIpAddress` が有効な起動テンプレート、またはパブリック IP アドレスを持つ既存のネットワークインターフェイスをアタッチする起動テンプレートを検出します。"),
        why: ("Every instance launched from the template (by Auto Scaling, by hand) is reachable from the internet as soon as it starts, whatever the subnet's own setting.",
            "テンプレートから(Auto Scaling や手作業で)起動するインスタンスはすべて、サブネットの設定にかかわらず、起動した時点でインターネットから到達可能になります。"),
        fix: ("Create a template version whose network interfaces set `AssociatePublicIpAddress` to false, make it the default (`aws ec2 modify-launch-template --default-version N`), and reach the instances through a load balancer or Session Manager.",
            "ネットワークインターフェイスの `AssociatePublicIpAddress` を false にしたバージョンを作成してデフォルトにし(`aws ec2 modify-launch-template --default-version N`)、インスタンスにはロードバランサーや Session Manager 経由で接続してください。"),
        references: ["https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-25"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("ec2", eval),
};

/// Whether the version gives an instance a public address: `None` when it does not, else the
/// existing interfaces with a public address it attaches (empty when it asks for a new address).
fn public_interfaces(v: &LaunchTemplateVersion) -> Option<Vec<String>> {
    let mut public = false;
    let mut existing = Vec::new();
    for i in &v.interfaces {
        public |= i.associate_public_ip_address;
        if let (Some(id), Some(ip)) = (&i.network_interface_id, &i.existing_public_ip) {
            existing.push(format!("{id} {ip}"));
        }
    }
    (public || !existing.is_empty()).then_some(existing)
}

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    let templates = cx.need_in(&data::LAUNCH_TEMPLATES, reg.region)?;
    let (partition, account) = (cx.partition(), cx.account.account_id.as_str());
    let region = reg.name();
    for t in templates {
        let arn = format!(
            "arn:{partition}:ec2:{region}:{account}:launch-template/{}",
            t.id
        );
        let at = At {
            resource: &arn,
            region,
        };
        let versions = match t.versions.as_ref() {
            Ok(v) => v,
            Err(e) => {
                cx.unknown_on(at, e.clone());
                continue;
            }
        };
        // The versions that do, by number (with the existing interfaces they attach): the same
        // text in both languages.
        let public: Vec<String> = versions
            .iter()
            .filter_map(|v| {
                let existing = public_interfaces(v)?;
                Some(if existing.is_empty() {
                    v.number.to_string()
                } else {
                    format!("{} ({})", v.number, existing.join(", "))
                })
            })
            .collect();
        if public.is_empty() {
            cx.emit(
                at,
                Status::Pass,
                text!(
                    "launch template {t} assigns no public IP address in its default and latest versions",
                    "起動テンプレート {t} はデフォルトと最新のバージョンでパブリック IP アドレスを割り当てません",
                    t = t.id
                ),
            );
        } else {
            cx.emit(
                at,
                Status::Fail,
                text!(
                    "launch template {t} gives instances a public IP address in version {w}",
                    "起動テンプレート {t} はバージョン {w} でインスタンスにパブリック IP アドレスを割り当てます",
                    t = t.id,
                    w = public.join(", ")
                ),
            );
        }
    }
    Ok(())
}
