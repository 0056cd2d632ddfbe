//! The FSBP checks of EC2, S3, CloudTrail, KMS and IAM against moto_server: each
//! misconfiguration seeded by `scripts/seed_fsbp_ec2_s3.py` must FAIL and its compliant twin
//! must PASS, on one `yagura audit` run. CloudTrail.3 (no logging trail) is account-wide and
//! cannot have its twin in the same account: its FAIL is a second run on a second moto that
//! holds only a stopped trail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::process::Command;
use yagura_testkit::{moto_available, repo_root, venv, Moto};

/// The checks of this file.
const CHECKS: &[&str] = &[
    "ec2-instance-public-ip",
    "ec2-subnet-assigns-public-ip",
    "network-acl-unused",
    "vpc-no-ec2-endpoint",
    "ec2-transit-gateway-auto-accepts",
    "ec2-volume-not-encrypted",
    "ec2-ebs-snapshot-public",
    "ec2-elastic-ip-unused",
    "ec2-instance-multiple-enis",
    "ec2-instance-paravirtual",
    "ec2-instance-stopped-too-long",
    "cloudtrail-no-logging-trail",
    "cloudtrail-no-cloudwatch-logs",
    "cloudtrail-bucket-public",
    "kms-key-pending-deletion",
    "kms-key-policy-public",
    "s3-bucket-access-logging-off",
    "s3-bucket-policy-grants-other-accounts",
    "s3-bucket-versioning-off",
    "s3-bucket-no-lifecycle-rules",
    "s3-bucket-versioned-without-lifecycle",
    "s3-bucket-no-event-notifications",
    "s3-bucket-not-kms-encrypted",
    "s3-bucket-acls-enabled",
    "s3-bucket-object-lock-off",
    "s3-bucket-no-cross-region-replication",
    "iam-policy-allows-service-wildcard",
    "iam-policy-allows-kms-decrypt-all-keys",
    "iam-inline-policy-allows-kms-decrypt-all-keys",
    "lambda-function-policy-public",
    "lambda-runtime-deprecated",
    "lambda-function-not-in-vpc",
    "lambda-vpc-function-single-az",
    "ssm-document-public",
];

/// Seeds `moto` with the script; what it made, by name.
fn seed(moto: &Moto, extra: &[&str]) -> Value {
    let out = Command::new(venv().join("bin/python"))
        .arg(repo_root().join("scripts/seed_fsbp_ec2_s3.py"))
        .arg(moto.endpoint())
        .args(extra)
        .output()
        .expect("run seed_fsbp_ec2_s3.py");
    assert!(
        out.status.success(),
        "seed_fsbp_ec2_s3.py: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// One audit of us-east-1 with `checks`, as its JSON report.
fn audit(moto: &Moto, checks: &str) -> Vec<Value> {
    audit_with(moto, checks, &[])
}

/// [`audit`] with more arguments.
fn audit_with(moto: &Moto, checks: &str, more: &[&str]) -> Vec<Value> {
    audit_in(moto, "us-east-1", checks, more)
}

/// [`audit_with`] in `regions`.
fn audit_in(moto: &Moto, regions: &str, checks: &str, more: &[&str]) -> Vec<Value> {
    let report = yagura_testkit::audit_json_with(&moto.endpoint(), regions, checks, more);
    report["results"].as_array().unwrap().clone()
}

/// The statuses of `check` on the resources whose name ends with `resource`.
fn statuses<'a>(results: &'a [Value], check: &str, resource: &str) -> Vec<&'a str> {
    results
        .iter()
        .filter(|r| r["check_id"] == check)
        .filter(|r| r["resource"].as_str().unwrap().ends_with(resource))
        .map(|r| r["status"].as_str().unwrap())
        .collect()
}

#[test]
fn each_misconfiguration_fails_and_its_twin_passes() {
    if !moto_available() {
        return;
    }
    let moto = Moto::start();
    let s = seed(&moto, &[]);
    let name = |k: &str| s[k].as_str().unwrap().to_string();
    let results = audit(&moto, &CHECKS.join(","));
    // (check, failing resource, passing twin), resources by the end of their names.
    let mut pairs: Vec<(&str, String, String)> = vec![
        (
            "ec2-instance-public-ip",
            format!("instance/{}", name("instance_with_public_ip")),
            format!("instance/{}", name("instance_without_public_ip")),
        ),
        (
            "ec2-subnet-assigns-public-ip",
            format!("subnet/{}", name("public_subnet")),
            format!("subnet/{}", name("private_subnet")),
        ),
        (
            "network-acl-unused",
            format!("network-acl/{}", name("unused_acl")),
            format!("network-acl/{}", name("used_acl")),
        ),
        (
            "vpc-no-ec2-endpoint",
            format!("vpc/{}", name("vpc_without_ec2_endpoint")),
            format!("vpc/{}", name("vpc_with_ec2_endpoint")),
        ),
        (
            "ec2-transit-gateway-auto-accepts",
            format!("transit-gateway/{}", name("open_tgw")),
            format!("transit-gateway/{}", name("reviewed_tgw")),
        ),
        (
            "ec2-volume-not-encrypted",
            format!("volume/{}", name("plain_volume")),
            format!("volume/{}", name("sealed_volume")),
        ),
        (
            "ec2-ebs-snapshot-public",
            format!("snapshot/{}", name("plain_snapshot")),
            format!("snapshot/{}", name("sealed_snapshot")),
        ),
        (
            "ec2-elastic-ip-unused",
            format!("elastic-ip/{}", name("idle_eip")),
            format!("elastic-ip/{}", name("used_eip")),
        ),
        (
            "ec2-instance-multiple-enis",
            format!("instance/{}", name("instance_with_public_ip")),
            format!("instance/{}", name("instance_without_public_ip")),
        ),
        (
            "ec2-instance-paravirtual",
            format!("instance/{}", name("stopped_paravirtual_instance")),
            format!("instance/{}", name("instance_without_public_ip")),
        ),
        (
            "cloudtrail-no-cloudwatch-logs",
            format!("trail/{}", name("exposed_trail")),
            format!("trail/{}", name("watched_trail")),
        ),
        (
            "cloudtrail-bucket-public",
            format!("trail/{}", name("exposed_trail")),
            format!("trail/{}", name("watched_trail")),
        ),
        (
            "kms-key-pending-deletion",
            format!("key/{}", name("key_pending_deletion")),
            format!("key/{}", name("key_kept")),
        ),
        (
            "kms-key-policy-public",
            format!("key/{}", name("key_public")),
            format!("key/{}", name("key_kept")),
        ),
        (
            "s3-bucket-access-logging-off",
            format!(":::{}", name("bucket_unlogged")),
            format!(":::{}", name("bucket_logged")),
        ),
        (
            "s3-bucket-policy-grants-other-accounts",
            format!(":::{}", name("bucket_foreign_admin")),
            format!(":::{}", name("bucket_foreign_reader")),
        ),
        (
            "s3-bucket-versioned-without-lifecycle",
            format!(":::{}", name("bucket_versions_piling")),
            format!(":::{}", name("bucket_protected")),
        ),
        (
            "ssm-document-public",
            format!("document/{}", name("public_document")),
            format!("document/{}", name("shared_document")),
        ),
        (
            "iam-policy-allows-service-wildcard",
            "policy/fsbp-s3-everything".into(),
            "policy/fsbp-s3-read".into(),
        ),
        (
            "iam-policy-allows-kms-decrypt-all-keys",
            "policy/fsbp-decrypt-any".into(),
            "policy/fsbp-decrypt-one".into(),
        ),
        (
            "iam-inline-policy-allows-kms-decrypt-all-keys",
            format!("user/{}", name("user_decrypt_anything")),
            format!("user/{}", name("user_decrypt_one_key")),
        ),
    ];
    // Lambda: the open, old function outside a VPC and its twin in two zones of a VPC.
    let (open, closed, one_zone) = (
        format!("function:{}", name("function_open_old")),
        format!("function:{}", name("function_closed_new")),
        format!("function:{}", name("function_one_zone")),
    );
    for check in [
        "lambda-function-policy-public",
        "lambda-runtime-deprecated",
        "lambda-function-not-in-vpc",
    ] {
        pairs.push((check, open.clone(), closed.clone()));
    }
    pairs.push(("lambda-vpc-function-single-az", one_zone, closed));
    // The bucket with every data protection setting, and its bare twin.
    let (protected, bare) = (
        format!(":::{}", name("bucket_protected")),
        format!(":::{}", name("bucket_bare")),
    );
    for check in [
        "s3-bucket-versioning-off",
        "s3-bucket-no-lifecycle-rules",
        "s3-bucket-no-event-notifications",
        "s3-bucket-not-kms-encrypted",
        "s3-bucket-acls-enabled",
        "s3-bucket-object-lock-off",
        "s3-bucket-no-cross-region-replication",
    ] {
        pairs.push((check, bare.clone(), protected.clone()));
    }
    for (check, bad, good) in &pairs {
        assert_eq!(statuses(&results, check, bad), ["FAIL"], "{check} on {bad}");
        assert_eq!(
            statuses(&results, check, good),
            ["PASS"],
            "{check} on {good}"
        );
    }
    // The account has logging trails: CloudTrail.3 passes on the account.
    assert_eq!(
        statuses(&results, "cloudtrail-no-logging-trail", ":root"),
        ["PASS"]
    );
    // EC2.4: the instance stopped today passes; the running ones are not judged.
    let stopped = format!("instance/{}", name("stopped_paravirtual_instance"));
    let running = format!("instance/{}", name("instance_without_public_ip"));
    let check = "ec2-instance-stopped-too-long";
    assert_eq!(statuses(&results, check, &stopped), ["PASS"]);
    assert!(statuses(&results, check, &running).is_empty());
    // Nothing was unreadable in moto: no check of this file is UNKNOWN.
    let unknown: Vec<&Value> = results
        .iter()
        .filter(|r| r["status"] == "UNKNOWN")
        .collect();
    assert!(unknown.is_empty(), "{unknown:#?}");
}

#[test]
fn an_account_whose_only_trail_is_stopped_has_no_logging_trail() {
    if !moto_available() {
        return;
    }
    let moto = Moto::start();
    seed(&moto, &["--no-logging-trail"]);
    let results = audit(&moto, "cloudtrail-no-logging-trail");
    assert_eq!(
        statuses(&results, "cloudtrail-no-logging-trail", ":root"),
        ["FAIL"]
    );
}

#[test]
fn an_instance_stopped_longer_than_30_days_fails() {
    if !moto_available() {
        return;
    }
    let moto = Moto::start();
    let s = seed(&moto, &[]);
    // moto cannot backdate a stop: the same account judged 31 days later (`--as-of`).
    let later = time::OffsetDateTime::now_utc() + time::Duration::days(31);
    let as_of = later
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let results = audit_with(&moto, "ec2-instance-stopped-too-long", &["--as-of", &as_of]);
    let stopped = format!(
        "instance/{}",
        s["stopped_paravirtual_instance"].as_str().unwrap()
    );
    assert_eq!(
        statuses(&results, "ec2-instance-stopped-too-long", &stopped),
        ["FAIL"]
    );
}

/// The IAM actions of the bucket and Lambda reads that moto cannot authorize by AWS's names
/// (see audit_moto.rs): each is an action of the action database and in the shipped policy.
#[test]
fn the_read_only_policy_names_the_bucket_reads_as_aws_does() {
    let shipped =
        std::fs::read_to_string(repo_root().join("policy/yagura-audit-readonly.json")).unwrap();
    let db = yagura_iam::actions::db().unwrap();
    for action in [
        "s3:GetLifecycleConfiguration",
        "s3:GetBucketNotification",
        "s3:GetEncryptionConfiguration",
        "s3:GetReplicationConfiguration",
        "s3:GetBucketObjectLockConfiguration",
        "s3:GetBucketOwnershipControls",
        "s3:GetBucketVersioning",
        "lambda:ListFunctions",
        "lambda:GetPolicy",
    ] {
        assert!(db.lookup(action).is_some(), "{action} is not an AWS action");
        assert!(
            shipped.contains(&format!("\"{action}\"")),
            "{action} is not in the policy"
        );
    }
}

#[test]
fn guardduty_protection_plans_are_judged_per_detector() {
    if !moto_available() {
        return;
    }
    let moto = Moto::start();
    let s = seed(&moto, &["--guardduty"]);
    let results = audit_in(
        &moto,
        "us-east-1,us-west-2",
        "guardduty-rds-protection-off,guardduty-s3-protection-off",
        &[],
    );
    let east = format!("detector/{}", s["detector_us-east-1"].as_str().unwrap());
    let west = format!("detector/{}", s["detector_us-west-2"].as_str().unwrap());
    let rds = "guardduty-rds-protection-off";
    let s3 = "guardduty-s3-protection-off";
    assert_eq!(statuses(&results, rds, &east), ["FAIL"]);
    assert_eq!(statuses(&results, rds, &west), ["PASS"]);
    assert_eq!(statuses(&results, s3, &east), ["PASS"]);
    assert_eq!(statuses(&results, s3, &west), ["FAIL"]);
}
