//! The FSBP RDS and ELB checks never PASS on data that was not read: a snapshot whose
//! `restore` attribute was denied, a Classic Load Balancer whose attributes were denied, a v2
//! load balancer or an RDS instance from an older snapshot without the new fields, a parameter
//! group that gives `rds.force_ssl` no value. Each is UNKNOWN on that resource with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use yagura_audit::{evaluate, AuditConfig};
use yagura_core::Status;
use yagura_inventory::{
    Account, ClassicLoadBalancer, CollectError, Collected, DbInstance, DbParameterGroup,
    DbSettings, DbSnapshot, Inventory, LoadBalancer, Region, SCHEMA_VERSION,
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
    let pg = |id: &str, settings: Option<DbSettings>| DbInstance {
        id: id.into(),
        arn: format!("arn:aws:rds:us-east-1:{ACCOUNT}:db:{id}"),
        engine: "postgres".into(),
        settings,
        ..DbInstance::default()
    };
    let region = Region {
        name: "us-east-1".into(),
        rds: Collected::Ok(vec![
            pg("db-old", None),
            pg(
                "db-default-group",
                Some(DbSettings {
                    parameter_groups: vec!["default.postgres14".into()],
                    ..DbSettings::default()
                }),
            ),
        ]),
        rds_parameter_groups: Collected::Ok(vec![DbParameterGroup {
            name: "default.postgres14".into(),
            parameters: Collected::Ok(BTreeMap::new()),
        }]),
        rds_snapshots: Collected::Ok(vec![DbSnapshot {
            id: "snap-denied".into(),
            arn: format!("arn:aws:rds:us-east-1:{ACCOUNT}:snapshot:snap-denied"),
            kind: "manual".into(),
            encrypted: true,
            public: Collected::Error(denied("rds:DescribeDBSnapshotAttributes")),
            ..DbSnapshot::default()
        }]),
        classic_load_balancers: Collected::Ok(vec![ClassicLoadBalancer {
            name: "legacy".into(),
            arn: format!("arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:loadbalancer/legacy"),
            zones: vec!["us-east-1a".into(), "us-east-1b".into()],
            attributes: Collected::Error(denied(
                "elasticloadbalancing:DescribeLoadBalancerAttributes",
            )),
            ..ClassicLoadBalancer::default()
        }]),
        load_balancers: Collected::Ok(vec![LoadBalancer {
            arn: format!("arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:loadbalancer/app/old/1"),
            name: "old".into(),
            kind: "application".into(),
            ..LoadBalancer::default()
        }]),
        ..Region::default()
    };
    Inventory {
        schema_version: SCHEMA_VERSION,
        accounts: vec![Account {
            account_id: ACCOUNT.into(),
            partition: "aws".into(),
            regions: vec![region],
            ..Account::default()
        }],
        collected_at: "2026-11-01T00:00:00Z".into(),
    }
}

/// The status and English message of `check` on the resource whose name ends with `suffix`.
fn result(check: &str, suffix: &str) -> (Status, String) {
    let found: Vec<_> = evaluate(&inventory(), &AuditConfig::default())
        .into_iter()
        .filter(|f| f.check_id == check && f.resource.ends_with(suffix))
        .map(|f| (f.status, f.message.en().to_string()))
        .collect();
    assert_eq!(found.len(), 1, "{check} on {suffix}: {found:?}");
    found.into_iter().next().unwrap()
}

#[test]
fn unread_data_is_unknown_with_its_reason() {
    for (check, suffix, reason) in [
        (
            "rds-snapshot-public",
            ":snapshot:snap-denied",
            "DescribeDBSnapshotAttributes",
        ),
        (
            "elb-access-logging-off",
            "loadbalancer/legacy",
            "DescribeLoadBalancerAttributes",
        ),
        (
            "elb-desync-mitigation-weak",
            "loadbalancer/legacy",
            "AccessDenied",
        ),
        (
            "elbv2-deletion-protection-off",
            "loadbalancer/app/old/1",
            "not collected",
        ),
        (
            "elbv2-http-not-redirected-to-https",
            "loadbalancer/app/old/1",
            "not collected",
        ),
        ("elbv2-single-az", "loadbalancer/app/old/1", "not collected"),
        (
            "rds-instance-deletion-protection-off",
            ":db:db-old",
            "not collected",
        ),
        (
            "rds-postgres-not-encrypted-in-transit",
            ":db:db-old",
            "not collected",
        ),
        (
            "rds-postgres-not-encrypted-in-transit",
            ":db:db-default-group",
            "engine default",
        ),
    ] {
        let (status, message) = result(check, suffix);
        assert_eq!(status, Status::Unknown, "{check} on {suffix}: {message}");
        assert!(message.contains(reason), "{check} on {suffix}: {message}");
    }
    // What was read is still judged: the snapshot's encryption, the balancer's zones.
    assert_eq!(
        result("rds-snapshot-not-encrypted", ":snapshot:snap-denied").0,
        Status::Pass
    );
    assert_eq!(
        result("elb-single-az", "loadbalancer/legacy").0,
        Status::Pass
    );
}
