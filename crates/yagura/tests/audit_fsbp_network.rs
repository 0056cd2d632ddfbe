//! The FSBP launch template, S3 access point, Site-to-Site VPN and Client VPN checks (EC2.25,
//! S3.19, EC2.20, EC2.51) against moto_server, seeded by `scripts/seed_fsbp_network.py`: one
//! `yagura audit` of us-east-1, each (check, resource) pair asserted.
//!
//! moto 5.2.6 serves launch templates (all `$Default`/`$Latest` versions in one call) and access
//! points (their answers' root element renamed as AWS names it by `local.rs`), so those two are
//! FAIL/PASS pairs here. It reports no tunnel status for a VPN connection and has no Client VPN
//! API (HTTP 500, "not implemented"): here those two checks must be UNKNOWN with the reason,
//! never PASS; their FAIL/PASS pairs are RECORDED RESPONSES in
//! `crates/yagura-collect/tests/recorded.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use yagura_testkit::{moto_available, Moto};

const CHECKS: &[&str] = &[
    "ec2-launch-template-assigns-public-ip",
    "s3-access-point-public-access-block-off",
    "ec2-vpn-tunnel-down",
    "ec2-client-vpn-connection-logging-off",
];

/// The results of `check` on the resources whose name ends with `end`: (status, message).
fn results<'a>(report: &'a Value, check: &str, end: &str) -> Vec<(&'a str, &'a str)> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["check_id"] == check && r["resource"].as_str().unwrap().ends_with(end))
        .map(|r| {
            (
                r["status"].as_str().unwrap(),
                r["message"].as_str().unwrap_or_default(),
            )
        })
        .collect()
}

fn statuses<'a>(report: &'a Value, check: &str, end: &str) -> Vec<&'a str> {
    results(report, check, end)
        .into_iter()
        .map(|r| r.0)
        .collect()
}

#[test]
fn fsbp_network_misconfigurations_fail_twins_pass_and_what_moto_lacks_is_unknown() {
    if !moto_available() {
        return;
    }
    let moto = Moto::start();
    let script = yagura_testkit::repo_root().join("scripts/seed_fsbp_network.py");
    let s = moto.python(&std::fs::read_to_string(script).unwrap());
    let name = |k: &str| s[k].as_str().unwrap().to_string();
    let report = yagura_testkit::audit_json(&moto.endpoint(), "us-east-1", &CHECKS.join(","));
    let lt = "ec2-launch-template-assigns-public-ip";
    let template = |k: &str| format!(":launch-template/{}", name(k));
    // Public in its default version (private only in its latest), and attaching an existing
    // interface that holds an Elastic IP: both FAIL; the twin, public only in an old version
    // that is neither default nor latest, PASSes.
    assert_eq!(
        statuses(&report, lt, &template("template_public_default")),
        ["FAIL"]
    );
    let eni = results(&report, lt, &template("template_existing_public_eni"));
    assert_eq!(eni.len(), 1, "{eni:?}");
    assert_eq!(eni[0].0, "FAIL");
    assert!(eni[0].1.contains("eni-"), "{}", eni[0].1);
    assert_eq!(
        statuses(&report, lt, &template("template_private")),
        ["PASS"]
    );
    // Block Public Access partly off, and all on (the default of a new access point).
    let ap = "s3-access-point-public-access-block-off";
    let point = |k: &str| format!(":accesspoint/{}", name(k));
    assert_eq!(statuses(&report, ap, &point("open_access_point")), ["FAIL"]);
    assert_eq!(
        statuses(&report, ap, &point("closed_access_point")),
        ["PASS"]
    );
    // moto reports no tunnel: the connection is UNKNOWN, saying so.
    let vpn = results(
        &report,
        "ec2-vpn-tunnel-down",
        &format!(":vpn-connection/{}", name("vpn_connection")),
    );
    assert_eq!(vpn.len(), 1, "{vpn:?}");
    assert_eq!(vpn[0].0, "UNKNOWN");
    assert!(vpn[0].1.contains("0 of its two tunnels"), "{}", vpn[0].1);
    // moto has no Client VPN API: UNKNOWN with the operation that failed.
    let cvpn = results(&report, "ec2-client-vpn-connection-logging-off", "");
    assert!(!cvpn.is_empty());
    for (status, message) in cvpn {
        assert_eq!(status, "UNKNOWN");
        assert!(message.contains("DescribeClientVpnEndpoints"), "{message}");
    }
}
