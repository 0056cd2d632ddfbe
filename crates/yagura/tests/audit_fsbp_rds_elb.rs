//! The FSBP RDS and ELB checks against moto_server, seeded by `scripts/seed_fsbp_rds_elb.py`
//! with each misconfiguration and a compliant twin: one `yagura audit` over us-east-1 (where
//! everything is seeded) and us-west-2 (one database, no event subscription, so the
//! region-level event subscription controls fail there), each (check, resource) pair asserted.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use yagura_testkit::{moto_available, Moto};

/// The checks this file runs (moto serves every call they read: no recorded responses), each with the resource (a part of its name) that must FAIL and
/// the compliant twin that must PASS.
const PAIRS: &[(&str, &str, &str)] = &[
    (
        "rds-enhanced-monitoring-off",
        ":db:db-fsbp-bad",
        ":db:db-fsbp-good",
    ),
    (
        "rds-instance-deletion-protection-off",
        ":db:db-fsbp-bad",
        ":db:db-fsbp-good",
    ),
    (
        "rds-instance-logs-not-exported",
        ":db:db-fsbp-bad",
        ":db:db-fsbp-good",
    ),
    (
        "rds-instance-iam-auth-off",
        ":db:db-fsbp-bad",
        ":db:db-fsbp-good",
    ),
    (
        "rds-instance-backups-short",
        ":db:db-fsbp-bad",
        ":db:db-fsbp-good",
    ),
    (
        "rds-instance-copy-tags-off",
        ":db:db-fsbp-bad",
        ":db:db-fsbp-good",
    ),
    (
        "rds-instance-not-in-vpc",
        ":db:db-fsbp-bad",
        ":db:db-fsbp-good",
    ),
    ("rds-default-port", ":db:db-fsbp-bad", ":db:db-fsbp-good"),
    (
        "rds-instance-default-admin-username",
        ":db:db-fsbp-bad",
        ":db:db-fsbp-good",
    ),
    (
        "rds-postgres-logs-not-exported",
        ":db:db-fsbp-bad",
        ":db:db-fsbp-good",
    ),
    (
        "rds-cluster-deletion-protection-off",
        ":cluster:cl-fsbp-bad",
        ":cluster:cl-fsbp-good",
    ),
    (
        "rds-cluster-iam-auth-off",
        ":cluster:cl-fsbp-bad",
        ":cluster:cl-fsbp-good",
    ),
    (
        "rds-aurora-backtracking-off",
        ":cluster:cl-fsbp-bad",
        ":cluster:cl-fsbp-good",
    ),
    (
        "rds-cluster-single-az",
        ":cluster:cl-fsbp-bad",
        ":cluster:cl-fsbp-good",
    ),
    (
        "rds-cluster-copy-tags-off",
        ":cluster:cl-fsbp-bad",
        ":cluster:cl-fsbp-good",
    ),
    (
        "rds-cluster-default-admin-username",
        ":cluster:cl-fsbp-bad",
        ":cluster:cl-fsbp-good",
    ),
    (
        "rds-cluster-storage-not-encrypted",
        ":cluster:cl-fsbp-bad",
        ":cluster:cl-fsbp-good",
    ),
    (
        "rds-cluster-auto-minor-upgrade-off",
        ":cluster:maz-fsbp-bad",
        ":cluster:maz-fsbp-good",
    ),
    (
        "rds-aurora-mysql-audit-logs-not-exported",
        ":cluster:cl-fsbp-bad",
        ":cluster:cl-fsbp-good",
    ),
    (
        "rds-aurora-postgres-logs-not-exported",
        ":cluster:clpg-fsbp-bad",
        ":cluster:clpg-fsbp-good",
    ),
    (
        "rds-snapshot-public",
        ":snapshot:snap-fsbp-public",
        ":snapshot:snap-fsbp-private",
    ),
    (
        "rds-snapshot-not-encrypted",
        ":snapshot:snap-fsbp-public",
        ":snapshot:snap-fsbp-private",
    ),
    (
        "rds-no-cluster-event-subscription",
        ":us-west-2:",
        ":us-east-1:",
    ),
    (
        "rds-no-instance-event-subscription",
        ":us-west-2:",
        ":us-east-1:",
    ),
    (
        "rds-no-parameter-group-event-subscription",
        ":us-west-2:",
        ":us-east-1:",
    ),
    (
        "rds-no-security-group-event-subscription",
        ":us-west-2:",
        ":us-east-1:",
    ),
    (
        "elbv2-http-not-redirected-to-https",
        "loadbalancer/app/alb-fsbp-bad/",
        "loadbalancer/app/alb-fsbp-good/",
    ),
    (
        "elbv2-invalid-headers-kept",
        "loadbalancer/app/alb-fsbp-bad/",
        "loadbalancer/app/alb-fsbp-good/",
    ),
    (
        "elbv2-access-logging-off",
        "loadbalancer/app/alb-fsbp-bad/",
        "loadbalancer/app/alb-fsbp-good/",
    ),
    (
        "elbv2-deletion-protection-off",
        "loadbalancer/app/alb-fsbp-bad/",
        "loadbalancer/app/alb-fsbp-good/",
    ),
    (
        "elbv2-desync-mitigation-weak",
        "loadbalancer/app/alb-fsbp-bad/",
        "loadbalancer/app/alb-fsbp-good/",
    ),
    (
        "elbv2-single-az",
        "loadbalancer/app/alb-fsbp-bad/",
        "loadbalancer/app/alb-fsbp-good/",
    ),
    (
        "elbv2-waf-not-associated",
        "loadbalancer/app/alb-fsbp-bad/",
        "loadbalancer/app/alb-fsbp-good/",
    ),
    (
        "elb-certificate-not-from-acm",
        "loadbalancer/clb-fsbp-bad",
        "loadbalancer/clb-fsbp-good",
    ),
    (
        "elb-listener-not-encrypted",
        "loadbalancer/clb-fsbp-bad",
        "loadbalancer/clb-fsbp-good",
    ),
    (
        "elb-access-logging-off",
        "loadbalancer/clb-fsbp-bad",
        "loadbalancer/clb-fsbp-good",
    ),
    (
        "elb-connection-draining-off",
        "loadbalancer/clb-fsbp-bad",
        "loadbalancer/clb-fsbp-good",
    ),
    (
        "elb-cross-zone-off",
        "loadbalancer/clb-fsbp-bad",
        "loadbalancer/clb-fsbp-good",
    ),
    (
        "elb-single-az",
        "loadbalancer/clb-fsbp-bad",
        "loadbalancer/clb-fsbp-good",
    ),
    (
        "elb-desync-mitigation-weak",
        "loadbalancer/clb-fsbp-bad",
        "loadbalancer/clb-fsbp-good",
    ),
];

/// The statuses of `check` on the resources whose name contains `part`.
fn statuses<'a>(report: &'a Value, check: &str, part: &str) -> Vec<&'a str> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["check_id"] == check && r["resource"].as_str().unwrap().contains(part))
        .map(|r| r["status"].as_str().unwrap())
        .collect()
}

#[test]
fn fsbp_rds_and_elb_misconfigurations_fail_and_twins_pass() {
    if !moto_available() {
        return;
    }
    let moto = Moto::start();
    let script = yagura_testkit::repo_root().join("scripts/seed_fsbp_rds_elb.py");
    moto.python(&std::fs::read_to_string(script).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let report_file = dir.path().join("report.json");
    let checks: Vec<&str> = PAIRS.iter().map(|p| p.0).collect();
    let out = yagura_testkit::yagura_against(
        &moto.endpoint(),
        dir.path(),
        &[
            "--quiet",
            "audit",
            "--regions",
            "us-east-1,us-west-2",
            "--checks",
            &checks.join(","),
            "-f",
            "json",
            "-o",
            report_file.to_str().unwrap(),
        ],
        &[],
    )
    .output()
    .unwrap();
    let report: Value =
        serde_json::from_slice(&std::fs::read(&report_file).unwrap_or_else(|e| {
            panic!("no report ({e}): {}", String::from_utf8_lossy(&out.stderr))
        }))
        .unwrap();
    let mut problems = Vec::new();
    for (check, bad, good) in PAIRS {
        let (b, g) = (
            statuses(&report, check, bad),
            statuses(&report, check, good),
        );
        if b != ["FAIL"] {
            problems.push(format!("{check} on {bad}: {b:?}, wanted FAIL"));
        }
        if g != ["PASS"] {
            problems.push(format!("{check} on {good}: {g:?}, wanted PASS"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
