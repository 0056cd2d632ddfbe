//! The FSBP launch template, access point, Site-to-Site VPN and Client VPN checks never PASS on
//! data that was not read: a template whose versions were not returned, an access point whose
//! GetAccessPoint was denied, a VPN connection that reports no tunnel, and lists that could not
//! be read are each UNKNOWN, on the resource or once on the region. (The reasons in the
//! messages are asserted by the moto and recorded-response tests.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use yagura_audit::{evaluate, AuditConfig};
use yagura_core::Status;
use yagura_inventory::{
    AccessPoint, Account, CollectError, Collected, Ec2, Inventory, LaunchTemplate, Region,
    VpnConnection, VpnTunnel, SCHEMA_VERSION,
};

const ACCOUNT: &str = "111122223333";

fn denied(op: &str) -> CollectError {
    CollectError::new(
        op,
        "AccessDenied",
        "not authorized to perform this operation",
    )
}

fn inventory() -> Inventory {
    let read = Region {
        name: "us-east-1".into(),
        ec2: Ec2 {
            launch_templates: Collected::Ok(vec![LaunchTemplate {
                id: "lt-0unreturned".into(),
                name: "gone".into(),
                versions: Collected::Error(CollectError::new(
                    "ec2:DescribeLaunchTemplateVersions",
                    "NotReturned",
                    "neither the $Default nor the $Latest version of the template was returned",
                )),
            }]),
            vpn_connections: Collected::Ok(vec![
                VpnConnection {
                    id: "vpn-0silent".into(),
                    state: "available".into(),
                    tunnels: vec![],
                },
                VpnConnection {
                    id: "vpn-0half".into(),
                    state: "available".into(),
                    tunnels: vec![VpnTunnel {
                        outside_ip: "198.51.100.1".into(),
                        status: "UP".into(),
                        status_message: String::new(),
                    }],
                },
            ]),
            client_vpn_endpoints: Collected::Error(denied("ec2:DescribeClientVpnEndpoints")),
            ..Ec2::default()
        },
        s3_access_points: Collected::Ok(vec![AccessPoint {
            name: "ap-denied".into(),
            arn: format!("arn:aws:s3:us-east-1:{ACCOUNT}:accesspoint/ap-denied"),
            bucket: "data".into(),
            network_origin: "Internet".into(),
            public_access_block: Collected::Error(denied("s3control:GetAccessPoint")),
        }]),
        ..Region::default()
    };
    // Nothing of the four read: the default of every piece is "not collected".
    let unread = Region {
        name: "us-west-2".into(),
        ..Region::default()
    };
    Inventory {
        schema_version: SCHEMA_VERSION,
        accounts: vec![Account {
            account_id: ACCOUNT.into(),
            partition: "aws".into(),
            regions: vec![read, unread],
            ..Account::default()
        }],
        collected_at: "2026-11-01T00:00:00Z".into(),
    }
}

#[test]
fn unread_network_data_is_unknown_never_pass() {
    let findings = evaluate(&inventory(), &AuditConfig::default());
    let of = |check: &str, region: &str| -> Vec<(String, Status)> {
        findings
            .iter()
            .filter(|f| f.check_id == check && f.region == region)
            .map(|f| (f.resource.to_string(), f.status))
            .collect()
    };
    let one_unknown = |check: &str, region: &str, suffix: &str| {
        let got = of(check, region);
        assert_eq!(got.len(), 1, "{check} in {region}: {got:?}");
        assert!(got[0].0.ends_with(suffix), "{check} in {region}: {got:?}");
        assert_eq!(got[0].1, Status::Unknown, "{check} in {region}: {got:?}");
    };
    one_unknown(
        "ec2-launch-template-assigns-public-ip",
        "us-east-1",
        ":launch-template/lt-0unreturned",
    );
    one_unknown(
        "s3-access-point-public-access-block-off",
        "us-east-1",
        ":accesspoint/ap-denied",
    );
    one_unknown("ec2-client-vpn-connection-logging-off", "us-east-1", "");
    let vpn = of("ec2-vpn-tunnel-down", "us-east-1");
    assert_eq!(vpn.len(), 2, "{vpn:?}");
    assert!(vpn.iter().all(|(_, s)| *s == Status::Unknown), "{vpn:?}");
    for check in [
        "ec2-launch-template-assigns-public-ip",
        "s3-access-point-public-access-block-off",
        "ec2-vpn-tunnel-down",
        "ec2-client-vpn-connection-logging-off",
    ] {
        one_unknown(check, "us-west-2", "");
    }
}
