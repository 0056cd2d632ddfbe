//! Checks that depend on how old things are (AUD-04, AUD-06, AUD-08). moto stamps every
//! credential with the current time, so these use a credential report written here, evaluated
//! at a fixed time: each misconfiguration beside its compliant twin.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use yagura_audit::{evaluate, AuditConfig};
use yagura_core::Status;
use yagura_inventory::{
    Account, Collected, CredentialReportRow, Iam, Inventory, ReportAccessKey, SCHEMA_VERSION,
};

fn key(slot: u8, rotated: &str, used: Option<&str>) -> ReportAccessKey {
    ReportAccessKey {
        slot,
        active: true,
        last_rotated: Some(rotated.to_string()),
        last_used: used.map(str::to_string),
    }
}

fn row(
    user: &str,
    created: &str,
    pw_used: Option<&str>,
    keys: Vec<ReportAccessKey>,
) -> CredentialReportRow {
    CredentialReportRow {
        user: user.to_string(),
        arn: format!("arn:aws:iam::123456789012:user/{user}"),
        user_creation_time: Some(created.to_string()),
        password_enabled: pw_used.is_some(),
        password_last_used: pw_used.map(str::to_string),
        mfa_active: true,
        access_keys: keys,
    }
}

fn status(findings: &[yagura_core::Finding], check: &str, resource_part: &str) -> Vec<Status> {
    findings
        .iter()
        .filter(|f| f.check_id == check && f.resource.contains(resource_part))
        .map(|f| f.status)
        .collect()
}

#[test]
fn old_and_unused_credentials_fail_and_fresh_ones_do_not() {
    let report = vec![
        CredentialReportRow {
            user: "<root_account>".into(),
            arn: "arn:aws:iam::123456789012:root".into(),
            password_enabled: true,
            password_last_used: Some("2026-11-20T00:00:00Z".into()),
            ..Default::default()
        },
        // a key created 200 days ago and never used; a user idle for 200 days
        row(
            "stale",
            "2026-01-01T00:00:00Z",
            Some("2026-05-01T00:00:00Z"),
            vec![key(1, "2026-05-01T00:00:00Z", None)],
        ),
        // a key rotated 10 days ago and used yesterday
        row(
            "fresh",
            "2026-01-01T00:00:00Z",
            Some("2026-11-20T00:00:00Z"),
            vec![key(1, "2026-11-11T00:00:00Z", Some("2026-11-20T00:00:00Z"))],
        ),
    ];
    let account = Account {
        account_id: "123456789012".into(),
        partition: "aws".into(),
        iam: Iam {
            credential_report: Collected::Ok(report),
            ..Default::default()
        },
        ..Default::default()
    };
    let inv = Inventory {
        schema_version: SCHEMA_VERSION,
        collected_at: "2026-11-21T00:00:00Z".into(),
        accounts: vec![account],
    };
    let cfg = AuditConfig {
        now: OffsetDateTime::parse("2026-11-21T00:00:00Z", &Rfc3339).unwrap(),
        ..AuditConfig::default()
    };
    let f = evaluate(&inv, &cfg);
    assert_eq!(
        status(&f, "iam-access-key-unused", "user/stale#"),
        [Status::Fail]
    );
    assert_eq!(
        status(&f, "iam-access-key-unused", "user/fresh#"),
        [Status::Pass]
    );
    assert_eq!(
        status(&f, "iam-access-key-not-rotated", "user/stale#"),
        [Status::Fail]
    );
    assert_eq!(
        status(&f, "iam-access-key-not-rotated", "user/fresh#"),
        [Status::Pass]
    );
    assert_eq!(status(&f, "iam-user-unused", "user/stale"), [Status::Fail]);
    assert_eq!(status(&f, "iam-user-unused", "user/fresh"), [Status::Pass]);
    // the root row: used a day ago
    assert_eq!(status(&f, "root-used-recently", ":root"), [Status::Fail]);
    // data the report does not hold is UNKNOWN, never PASS: no summary was collected
    assert_eq!(status(&f, "root-mfa-disabled", ":root"), [Status::Unknown]);
}
