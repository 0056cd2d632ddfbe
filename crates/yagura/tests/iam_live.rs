//! `yagura iam analyze` over a live account (moto_server, seeded by `scripts/seed_moto.py`), over
//! the inventory `yagura audit --save-inventory` keeps of it, and over the
//! GetAccountAuthorizationDetails document the AWS CLI reads from the same endpoint: the three
//! paths find the admin-equivalent principals and the escalation paths, and agree.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};
use yagura_testkit::{moto_available, venv, Moto};

fn env<'a>(c: &'a mut Command, endpoint: &str) -> &'a mut Command {
    yagura_testkit::aws_env(c, endpoint, ("testing", "testing"))
}

fn yagura(endpoint: &str, dir: &Path, args: &[&str]) -> Output {
    env(&mut yagura_testkit::yagura_cmd(), endpoint)
        .args(["--data-dir", dir.to_str().unwrap(), "--quiet"])
        .args(args)
        .output()
        .expect("run yagura")
}

/// (check, resource, status, evidence) of every result of a JSON report.
fn results(path: &Path) -> BTreeSet<(String, String, String, String)> {
    let report: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["check_id"].as_str().unwrap().to_string(),
                r["resource"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
                r["evidence"].to_string(),
            )
        })
        .collect()
}

fn status(
    res: &BTreeSet<(String, String, String, String)>,
    check: &str,
    resource: &str,
) -> Vec<String> {
    res.iter()
        .filter(|(c, r, _, _)| c == check && r == resource)
        .map(|(_, _, s, _)| s.clone())
        .collect()
}

#[test]
fn live_inventory_and_authorization_details_agree() {
    if !moto_available() {
        return;
    }
    let moto = Moto::start();
    let seed = moto.seed(&[]);
    let acct = seed["bad_account"].as_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let arn = |kind: &str, name: &str| format!("arn:aws:iam::{acct}:{kind}/{name}");

    // Live.
    let live = dir.path().join("live.json");
    let out = yagura(
        &moto.endpoint(),
        dir.path(),
        &["iam", "analyze", "-f", "json", "-o", live.to_str().unwrap()],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let live = results(&live);

    // The document the AWS CLI reads from the same endpoint.
    let gaad = dir.path().join("auth.json");
    let cli = env(&mut Command::new(venv().join("bin/aws")), &moto.endpoint())
        .args([
            "iam",
            "get-account-authorization-details",
            "--output",
            "json",
        ])
        .output()
        .expect("run the AWS CLI");
    assert!(
        cli.status.success(),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    std::fs::write(&gaad, &cli.stdout).unwrap();
    let from_file = dir.path().join("file.json");
    let out = yagura(
        &moto.endpoint(),
        dir.path(),
        &[
            "iam",
            "analyze",
            gaad.to_str().unwrap(),
            "-f",
            "json",
            "-o",
            from_file.to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let from_file = results(&from_file);

    // The inventory `yagura audit` keeps.
    let inv = dir.path().join("inventory.json");
    let out = yagura(
        &moto.endpoint(),
        dir.path(),
        &[
            "audit",
            "--regions",
            "us-east-1",
            "--no-store",
            "--save-inventory",
            inv.to_str().unwrap(),
            "-o",
            dir.path().join("audit.txt").to_str().unwrap(),
        ],
    );
    assert!(inv.exists(), "{}", String::from_utf8_lossy(&out.stderr));
    let from_inv = dir.path().join("inv.json");
    let out = yagura(
        &moto.endpoint(),
        dir.path(),
        &[
            "iam",
            "analyze",
            "--from-inventory",
            inv.to_str().unwrap(),
            "-f",
            "json",
            "-o",
            from_inv.to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let from_inv = results(&from_inv);

    // What the seed made admin, and its twins.
    for (kind, name) in [("user", "erin-admin"), ("group", "admins-inline")] {
        assert_eq!(
            status(&live, "iam-principal-admin-equivalent", &arn(kind, name)),
            ["FAIL"],
            "{kind} {name}"
        );
    }
    for (kind, name) in [
        ("user", "frank-readonly"),
        ("user", "bob-no-key"),
        ("group", "readers"),
        ("role", "app-role"),
        ("role", "cross-with-mfa"),
    ] {
        assert_eq!(
            status(&live, "iam-principal-admin-equivalent", &arn(kind, name)),
            ["PASS"],
            "{kind} {name}"
        );
    }
    // IAMFullAccess lets the role grant itself anything: admin-equivalent, with escalation paths.
    assert_eq!(
        status(
            &live,
            "iam-principal-admin-equivalent",
            &arn("role", "cross-iam-admin")
        ),
        ["FAIL"]
    );
    assert_eq!(
        status(
            &live,
            "iam-privilege-escalation-path",
            &arn("role", "cross-iam-admin")
        ),
        ["FAIL"]
    );
    assert_eq!(
        status(
            &live,
            "iam-privilege-escalation-path",
            &arn("user", "frank-readonly")
        ),
        ["PASS"]
    );

    // The three paths agree, finding for finding.
    assert!(!live.is_empty());
    let diff =
        |a: &BTreeSet<_>, b: &BTreeSet<_>| a.symmetric_difference(b).cloned().collect::<Vec<_>>();
    assert!(
        diff(&live, &from_file).is_empty(),
        "live vs file: {:#?}",
        diff(&live, &from_file)
    );
    assert!(
        diff(&live, &from_inv).is_empty(),
        "live vs inventory: {:#?}",
        diff(&live, &from_inv)
    );
}

/// The audit reads the AWS managed policies the account uses — attached, or only a permissions
/// boundary — with their documents, and not the ~1,100 others moto loads.
#[test]
fn aws_managed_policies_in_use_are_read_boundaries_too() {
    if !moto_available() {
        return;
    }
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let aws = |args: &[&str]| {
        let o = env(&mut Command::new(venv().join("bin/aws")), &moto.endpoint())
            .args(["iam"])
            .args(args)
            .output()
            .expect("run the AWS CLI");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    const ATTACHED: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    const BOUNDARY: &str = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
    aws(&[
        "create-role",
        "--role-name",
        "bounded",
        "--assume-role-policy-document",
        r#"{"Version":"2012-10-17","Statement":[]}"#,
        "--permissions-boundary",
        BOUNDARY,
    ]);
    aws(&[
        "attach-role-policy",
        "--role-name",
        "bounded",
        "--policy-arn",
        ATTACHED,
    ]);
    let inv = dir.path().join("inventory.json");
    let out = yagura(
        &moto.endpoint(),
        dir.path(),
        &[
            "audit",
            "--regions",
            "us-east-1",
            "--no-store",
            "--save-inventory",
            inv.to_str().unwrap(),
            "-o",
            dir.path().join("audit.txt").to_str().unwrap(),
        ],
    );
    assert!(inv.exists(), "{}", String::from_utf8_lossy(&out.stderr));
    let inv: Value = serde_json::from_slice(&std::fs::read(&inv).unwrap()).unwrap();
    let policies = inv["accounts"][0]["iam"]["policies"]["ok"]
        .as_array()
        .unwrap_or_else(|| {
            panic!(
                "policies not read: {}",
                inv["accounts"][0]["iam"]["policies"]
            )
        });
    let arns: BTreeSet<&str> = policies
        .iter()
        .map(|p| p["arn"].as_str().unwrap())
        .collect();
    assert_eq!(arns, BTreeSet::from([ATTACHED, BOUNDARY]));
    for p in policies {
        assert!(
            p["document"].as_str().unwrap().contains("\"Statement\""),
            "{p}"
        );
    }
}
