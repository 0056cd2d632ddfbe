//! Resource control policies (IAM-01, IAM-02): test vectors written from the AWS Organizations
//! User Guide pages "Resource control policies (RCPs)", "RCP evaluation" and "RCP syntax", and
//! the validator's RCP grammar. Each test names the statement of the page it checks.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};
use yagura_iam::actions::db;
use yagura_iam::simulate_json;
use yagura_iam::validate::{validate_text, PolicyKind};

const MEMBER: &str = "111122223333";
const OUTSIDER: &str = "arn:aws:iam::444455556666:user/Mallory";
const INSIDER: &str = "arn:aws:iam::111122223333:user/Alice";
const BUCKET_OBJECT: &str = "arn:aws:s3:::member-bucket/report.csv";

fn full_access() -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]})
}

/// The data-perimeter RCP of the examples page: deny S3 to principals outside the organization.
fn deny_outside_org() -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Sid": "EnforceOrgIdentities", "Effect": "Deny",
        "Principal": "*", "Action": "s3:*", "Resource": "*",
        "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-example"},
                      "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}]})
}

/// A bucket policy that lets anyone read, and an identity policy that allows S3 to the insider.
fn case(principal: &str, action: &str, context: Value, rcps: Value) -> Value {
    json!({
        "request": {"principal": principal, "action": action, "resource": BUCKET_OBJECT,
                    "resource_account": MEMBER, "context": context},
        "identity_policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}],
        "resource_policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::member-bucket/*"}]},
        "rcps": rcps,
    })
}

fn decide(c: Value) -> (String, Value) {
    let out: Value = serde_json::from_str(&simulate_json(&c.to_string()).unwrap()).unwrap();
    (
        out["decision"].as_str().unwrap().to_string(),
        out["matched"].clone(),
    )
}

// "RCPs impact the effective permissions of principals trying to access resources in a member
// account with an applicable RCP, regardless of whether the principals belong to the same
// organizations or not": the outsider, allowed by the public bucket policy, is denied.
#[test]
fn a_deny_stops_outsiders_even_with_a_public_bucket_policy() {
    let rcps = json!([[full_access(), deny_outside_org()]]);
    let outsider = case(OUTSIDER, "s3:GetObject", json!({}), rcps.clone());
    let (d, matched) = decide(outsider);
    assert_eq!(d, "ExplicitDeny");
    assert_eq!(matched[0]["policy"], "rcps[0][1]");
    assert_eq!(matched[0]["sid"], "EnforceOrgIdentities");
    let insider = case(
        INSIDER,
        "s3:GetObject",
        json!({"aws:PrincipalOrgID": "o-example"}),
        rcps,
    );
    assert_eq!(decide(insider).0, "Allow");
}

// "Any resource in an account has only those permissions permitted by every parent above it":
// a level (root, OU or account) without an Allow denies implicitly, even a same-account request
// that the identity policy allows.
#[test]
fn every_level_must_allow() {
    let c = |rcps: Value| decide(case(INSIDER, "s3:PutObject", json!({}), rcps)).0;
    assert_eq!(c(json!([[full_access()], [full_access()]])), "Allow");
    // The account level holds only a deny that does not apply: no Allow there.
    let deny_sqs = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": "*"}]});
    assert_eq!(c(json!([[full_access()], [deny_sqs]])), "ImplicitDeny");
    assert_eq!(c(json!([])), "Allow");
    // "RCPs alone are not sufficient in granting permissions": no identity or resource grant,
    // no access.
    let mut none = case(INSIDER, "s3:PutObject", json!({}), json!([[full_access()]]));
    none["identity_policies"] = json!([]);
    assert_eq!(decide(none).0, "ImplicitDeny");
}

// "RCPs apply to resources for a subset of AWS services": an EC2 action is not restricted, even
// by a level that would deny everything.
#[test]
fn only_services_that_support_rcps() {
    let mut c = case(
        INSIDER,
        "ec2:RunInstances",
        json!({}),
        json!([[deny_outside_org()]]),
    );
    c["identity_policies"] =
        json!([{"Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}]);
    c["resource_policy"] = Value::Null;
    c["request"]["resource"] = json!("arn:aws:ec2:us-east-1:111122223333:instance/*");
    assert_eq!(decide(c).0, "Allow");
    // "RCPs do not impact the kms:RetireGrant permission".
    let mut k = case(
        INSIDER,
        "kms:RetireGrant",
        json!({}),
        json!([[{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*"}]}]]),
    );
    k["identity_policies"] =
        json!([{"Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}]);
    k["resource_policy"] = Value::Null;
    k["request"]["resource"] = json!("arn:aws:kms:us-east-1:111122223333:key/1");
    assert_eq!(decide(k.clone()).0, "Allow");
    k["request"]["action"] = json!("kms:Decrypt");
    assert_eq!(decide(k).0, "ExplicitDeny");
}

// "RCPs don't affect resources in the management account"; SCPs likewise do not restrict the
// management account's principals.
#[test]
fn not_the_management_accounts_resources() {
    let deny = json!([[full_access(), deny_outside_org()]]);
    let mut c = case(OUTSIDER, "s3:GetObject", json!({}), deny);
    assert_eq!(decide(c.clone()).0, "ExplicitDeny");
    c["management_account"] = json!(MEMBER);
    assert_eq!(decide(c).0, "Allow");
    let scp_deny_all =
        json!([[{"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}]]);
    let mut s = case(INSIDER, "s3:GetObject", json!({}), json!([]));
    s["scps"] = scp_deny_all;
    assert_eq!(decide(s.clone()).0, "ExplicitDeny");
    s["management_account"] = json!(MEMBER);
    assert_eq!(decide(s).0, "Allow");
}

// "RCPs do not apply to calls made by service-linked roles" (the role's path is
// /aws-service-role/; for a session, aws:PrincipalArn carries it).
#[test]
fn not_service_linked_roles() {
    let deny = json!([[full_access(), deny_outside_org()]]);
    let slr = "arn:aws:iam::444455556666:role/aws-service-role/replication.s3.amazonaws.com/AWSServiceRoleForS3Replication";
    assert_eq!(
        decide(case(slr, "s3:GetObject", json!({}), deny.clone())).0,
        "Allow"
    );
    let session = "arn:aws:sts::444455556666:assumed-role/AWSServiceRoleForS3Replication/s";
    assert_eq!(
        decide(case(session, "s3:GetObject", json!({}), deny.clone())).0,
        "ExplicitDeny"
    );
    assert_eq!(
        decide(case(
            session,
            "s3:GetObject",
            json!({"aws:PrincipalArn": slr}),
            deny
        ))
        .0,
        "Allow"
    );
}

fn codes(text: &str) -> Vec<&'static str> {
    validate_text(db().unwrap(), "rcp.json", text, PolicyKind::ResourceControl)
        .unwrap()
        .into_iter()
        .map(|d| d.code)
        .collect()
}

// "RCP syntax": Allow only in RCPFullAWSAccess, Principal only "*", no NotPrincipal or
// NotAction, no "*" action in an RCP you write, Version required, supported services only.
#[test]
fn the_rcp_grammar() {
    assert_eq!(codes(&full_access().to_string()), Vec::<&str>::new());
    assert_eq!(codes(&deny_outside_org().to_string()), Vec::<&str>::new());
    let allow_s3 = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}"#;
    assert_eq!(codes(allow_s3), ["rcp-allow"]);
    let principal = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:*","Resource":"*"}]}"#;
    assert_eq!(codes(principal), ["rcp-principal"]);
    let not_principal = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:*","Resource":"*"}]}"#;
    assert!(codes(not_principal).contains(&"rcp-unsupported-element"));
    let not_action = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","NotAction":"s3:GetObject","Resource":"*"}]}"#;
    assert!(codes(not_action).contains(&"rcp-unsupported-element"));
    let star = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}"#;
    assert_eq!(codes(star), ["rcp-action-star"]);
    let ec2 = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":["ec2:RunInstances","sqs:SendMessage"],"Resource":"*"}]}"#;
    assert_eq!(codes(ec2), ["rcp-unsupported-service"]);
    let no_version =
        r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}"#;
    assert!(codes(no_version).contains(&"rcp-version"));
    let no_principal = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#;
    assert_eq!(codes(no_principal), ["missing-principal"]);
}

#[test]
fn rcps_must_be_levels_of_policies() {
    let bad = json!({"request": {"principal": INSIDER, "action": "s3:GetObject", "resource": BUCKET_OBJECT},
        "rcps": {"Statement": []}});
    let e = simulate_json(&bad.to_string()).unwrap_err().to_string();
    assert!(
        e.contains("`rcps` must be an array of arrays of policies"),
        "{e}"
    );
}
