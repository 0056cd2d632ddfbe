//! The validator (IAM-01): each diagnostic code on a policy that has the problem, and none on a
//! clean policy.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use yagura_iam::actions::db;
use yagura_iam::validate::{validate_text, Level, PolicyKind};

fn codes(text: &str, kind: PolicyKind) -> Vec<(&'static str, usize, usize)> {
    validate_text(db().unwrap(), "p.json", text, kind)
        .unwrap()
        .into_iter()
        .map(|d| (d.code, d.line, d.column))
        .collect()
}

fn only_codes(text: &str, kind: PolicyKind) -> Vec<&'static str> {
    codes(text, kind).into_iter().map(|c| c.0).collect()
}

#[test]
fn clean_policy_has_no_diagnostics() {
    let p = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::bucket/*",
         "Condition": {"Bool": {"aws:SecureTransport": "true"}, "StringEquals": {"s3:x-amz-acl": "private"}}},
        {"Effect": "Deny", "NotAction": "iam:*", "Resource": "*",
         "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]}"#;
    assert_eq!(codes(p, PolicyKind::Identity), vec![]);
}

#[test]
fn each_problem_is_reported_with_its_position() {
    let p = "{\"Statement\": [\n  {\"Effect\": \"Allow\", \"Action\": [\"s3:GetObjekt\", \"nosuch:Thing\", \"s3:GetObject\"],\n   \"Resource\": \"arn:aws:ec2:*:*:instance/*\"}]}";
    let c = codes(p, PolicyKind::Identity);
    assert!(c.contains(&("missing-version", 1, 1)), "{c:?}");
    assert!(c.contains(&("unknown-action", 2, 3)), "{c:?}");
    assert!(c.contains(&("unknown-service", 2, 3)), "{c:?}");
    assert!(c.contains(&("resource-mismatch", 2, 3)), "{c:?}");
}

#[test]
fn negations_and_principals() {
    let allow_not = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::x"}}"#;
    assert_eq!(
        only_codes(allow_not, PolicyKind::Identity),
        vec!["allow-with-not-action", "allow-with-not-resource"]
    );
    let any = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#;
    assert_eq!(
        only_codes(any, PolicyKind::Resource),
        vec!["allow-any-principal"]
    );
    // A condition on how (TLS) is not one on who; a fixed VPC endpoint is (issue 18).
    let tls = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}}"#;
    assert_eq!(
        only_codes(tls, PolicyKind::Resource),
        vec!["allow-any-principal"]
    );
    let vpce = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}}"#;
    assert!(only_codes(vpce, PolicyKind::Resource).is_empty());
    assert_eq!(
        only_codes(any, PolicyKind::Identity),
        vec!["unsupported-principal"]
    );
    let no_principal = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole"}}"#;
    assert_eq!(
        only_codes(no_principal, PolicyKind::Trust),
        vec!["missing-principal"]
    );
}

#[test]
fn conditions_types_keys_and_mfa() {
    let p = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": "ec2:TerminateInstances", "Resource": "*",
         "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
         "Condition": {"NumericLessThan": {"s3:max-keys": "ten"}, "StringEquals": {"ec2:InstanceType": "t3.micro"},
                       "StringEqualz": {"aws:SourceIp": "x"}, "StringEquals ": {}}},
        {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*",
         "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}, "StringEquals": {"aws:SourceIp": "10.0.0.1"},
                       "BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}}]}"#;
    let got = only_codes(p, PolicyKind::Identity);
    for want in [
        "mfa-deny-bool-false",
        "type-mismatch",
        "unsupported-condition-key",
        "unknown-operator",
        "for-all-values-with-allow",
        "operator-type-mismatch",
        "mfa-allow-if-exists",
    ] {
        assert!(got.contains(&want), "{want} missing from {got:?}");
    }
    let levels: Vec<Level> = validate_text(db().unwrap(), "p", p, PolicyKind::Identity)
        .unwrap()
        .into_iter()
        .map(|d| d.level)
        .collect();
    assert!(levels.contains(&Level::SecurityWarning));
    let tags = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "ec2:CreateTags", "Resource": "*",
        "Condition": {"StringEquals": {"aws:TagKeys": "x"}}}}"#;
    assert_eq!(
        only_codes(tags, PolicyKind::Identity),
        vec!["multivalued-key-without-set-operator"]
    );
}

#[test]
fn duplicate_sids() {
    let p = r#"{"Version": "2012-10-17", "Statement": [
        {"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        {"Sid": "A", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}"#;
    assert_eq!(
        codes(p, PolicyKind::Identity),
        vec![("duplicate-sid", 3, 9)]
    );
}
