//! Test vectors written from the IAM User Guide pages in `shared/testdata/iam/aws-docs/` (MIT-0).
//! Each test names the page (and section) its policy and expected decision come from.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};
use yagura_iam::simulate_json;

const USER: &str = "arn:aws:iam::111122223333:user/David";

fn decide(case: Value) -> String {
    let out = simulate_json(&case.to_string()).unwrap();
    let v: Value = serde_json::from_str(&out).unwrap();
    v["decision"].as_str().unwrap().to_string()
}

fn req(principal: &str, action: &str, resource: &str, context: Value) -> Value {
    json!({"principal": principal, "action": action, "resource": resource, "context": context})
}

fn identity(policy: Value, request: Value) -> String {
    decide(json!({"request": request, "identity_policies": [policy]}))
}

// reference_policies_multi-value-conditions.md, "Examples of using multiple values with condition
// set operators": ForAllValues:StringEquals on dynamodb:Attributes.
#[test]
fn multi_value_for_all_values_subset_allows_extra_denies() {
    let p = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dynamodb:GetItem",
        "Resource": "arn:aws:dynamodb:*:*:table/Thread",
        "Condition": {"ForAllValues:StringEquals": {"dynamodb:Attributes": ["ID", "Message", "Tags"]}}}]});
    let table = "arn:aws:dynamodb:us-east-1:111122223333:table/Thread";
    let ok = req(
        USER,
        "dynamodb:GetItem",
        table,
        json!({"dynamodb:Attributes": ["ID", "Message", "Tags"]}),
    );
    assert_eq!(identity(p.clone(), ok), "Allow");
    let bad = req(
        USER,
        "dynamodb:GetItem",
        table,
        json!({"dynamodb:Attributes": ["ID", "UserName"]}),
    );
    assert_eq!(identity(p.clone(), bad), "ImplicitDeny");
    // "It also returns true if there are no keys in the request, or if the key values resolve to
    // a null data set, such as an empty string" (Warning in the same section).
    let none = req(USER, "dynamodb:GetItem", table, json!({}));
    assert_eq!(identity(p.clone(), none), "Allow");
    let empty = req(
        USER,
        "dynamodb:GetItem",
        table,
        json!({"dynamodb:Attributes": [""]}),
    );
    assert_eq!(identity(p, empty), "Allow");
}

// Same page: ForAnyValue:StringEquals with Deny on PutItem (PostDateTime + Message → denied;
// UserName only → not denied by this policy).
#[test]
fn multi_value_for_any_value_deny() {
    let deny = json!({"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "dynamodb:PutItem",
        "Resource": "arn:aws:dynamodb:*:*:table/Thread",
        "Condition": {"ForAnyValue:StringEquals": {"dynamodb:Attributes": ["ID", "PostDateTime"]}}}});
    let allow = json!({"Statement": {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}});
    let table = "arn:aws:dynamodb:us-east-1:111122223333:table/Thread";
    let case = |attrs: Value| {
        decide(
            json!({"request": req(USER, "dynamodb:PutItem", table, json!({"dynamodb:Attributes": attrs})),
            "identity_policies": [deny.clone(), allow.clone()]}),
        )
    };
    assert_eq!(case(json!(["PostDateTime", "Message"])), "ExplicitDeny");
    assert_eq!(case(json!(["UserName"])), "Allow");
    // "For no matching key or a null dataset, the condition returns false."
    let no_key = decide(
        json!({"request": req(USER, "dynamodb:PutItem", table, json!({})),
        "identity_policies": [deny.clone(), allow.clone()]}),
    );
    assert_eq!(no_key, "Allow");
}

// reference_policies_multi-value-conditions.md, "Evaluation logic for conditions with multiple
// keys or values": keys AND, values OR; negated operators with several values act like AND.
#[test]
fn condition_block_and_or_logic() {
    let p = json!({"Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*", "Condition": {
        "StringEqualsIgnoreCase": {"aws:PrincipalTag/department": ["finance", "hr", "legal"],
                                   "aws:PrincipalTag/role": ["audit", "security"]},
        "StringEquals": {"aws:PrincipalAccount": "123456789012"}}}});
    let r = |dept: &str, role: &str, acct: &str| {
        req(
            USER,
            "s3:ListBucket",
            "arn:aws:s3:::b",
            json!({"aws:PrincipalTag/department": dept,
            "aws:PrincipalTag/role": role, "aws:PrincipalAccount": acct}),
        )
    };
    assert_eq!(
        identity(p.clone(), r("HR", "Audit", "123456789012")),
        "Allow"
    );
    assert_eq!(
        identity(p.clone(), r("it", "audit", "123456789012")),
        "ImplicitDeny"
    );
    assert_eq!(
        identity(p.clone(), r("hr", "audit", "999999999999")),
        "ImplicitDeny"
    );
    let not = json!({"Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:PrincipalAccount": ["111111111111", "222222222222"]}}}});
    let r2 = |acct: &str| {
        req(
            USER,
            "s3:ListBucket",
            "arn:aws:s3:::b",
            json!({"aws:PrincipalAccount": acct}),
        )
    };
    assert_eq!(identity(not.clone(), r2("222222222222")), "ImplicitDeny");
    assert_eq!(identity(not, r2("333333333333")), "Allow");
}

// reference_policies_elements_condition_operators.md, first section: a missing key makes a
// positive operator false and a negated operator (StringNotLike, ArnNotLike) true; "IfExists"
// section: a missing key makes the condition true.
#[test]
fn missing_keys_and_if_exists() {
    let pol = |op: &str| {
        json!({"Statement": {"Effect": "Allow", "Action": "ec2:*", "Resource": "*",
            "Condition": {op: {"aws:PrincipalTag/job-category": "iamuser-admin"}}}})
    };
    let r = req(USER, "ec2:RunInstances", "*", json!({}));
    assert_eq!(identity(pol("StringEquals"), r.clone()), "ImplicitDeny");
    assert_eq!(identity(pol("StringNotLike"), r.clone()), "Allow");
    assert_eq!(identity(pol("StringEqualsIfExists"), r.clone()), "Allow");
    let present = req(
        USER,
        "ec2:RunInstances",
        "*",
        json!({"aws:PrincipalTag/job-category": "dev"}),
    );
    assert_eq!(
        identity(pol("StringEqualsIfExists"), present),
        "ImplicitDeny"
    );
}

// reference_policies_elements_condition_operators.md: one example for each operator family.
#[test]
fn every_operator_family() {
    let check = |op: &str, key: &str, pv: Value, rv: Value| {
        let p = json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {op: {key: pv}}}});
        identity(
            p,
            req(USER, "s3:GetObject", "arn:aws:s3:::b/k", json!({key: rv})),
        )
    };
    // Numeric: s3:max-keys NumericLessThanEquals 10.
    assert_eq!(
        check(
            "NumericLessThanEquals",
            "s3:max-keys",
            json!("10"),
            json!("10")
        ),
        "Allow"
    );
    assert_eq!(
        check(
            "NumericLessThanEquals",
            "s3:max-keys",
            json!("10"),
            json!("11")
        ),
        "ImplicitDeny"
    );
    assert_eq!(
        check("NumericNotEquals", "s3:max-keys", json!(10), json!("11")),
        "Allow"
    );
    // Date: aws:TokenIssueTime DateGreaterThan 2020-01-01T00:00:01Z.
    assert_eq!(
        check(
            "DateGreaterThan",
            "aws:TokenIssueTime",
            json!("2020-01-01T00:00:01Z"),
            json!("2020-06-30T00:00:00Z")
        ),
        "Allow"
    );
    assert_eq!(
        check(
            "DateGreaterThan",
            "aws:TokenIssueTime",
            json!("2020-01-01T00:00:01Z"),
            json!("2019-06-30T00:00:00Z")
        ),
        "ImplicitDeny"
    );
    assert_eq!(
        check(
            "DateLessThan",
            "aws:CurrentTime",
            json!("2020-04-01T00:00:00Z"),
            json!("1577836800")
        ),
        "Allow"
    );
    // Bool: aws:SecureTransport true.
    assert_eq!(
        check("Bool", "aws:SecureTransport", json!("true"), json!("true")),
        "Allow"
    );
    assert_eq!(
        check("Bool", "aws:SecureTransport", json!(true), json!("TRUE")),
        "Allow"
    );
    assert_eq!(
        check("Bool", "aws:SecureTransport", json!("true"), json!("false")),
        "ImplicitDeny"
    );
    // Binary: key BinaryEquals base64.
    assert_eq!(
        check(
            "BinaryEquals",
            "key",
            json!("QmluYXJ5VmFsdWVJbkJhc2U2NA=="),
            json!("QmluYXJ5VmFsdWVJbkJhc2U2NA==")
        ),
        "Allow"
    );
    // IP: aws:SourceIp 203.0.113.0/24, 2001:DB8:1234:5678::/64.
    assert_eq!(
        check(
            "IpAddress",
            "aws:SourceIp",
            json!(["203.0.113.0/24", "2001:DB8:1234:5678::/64"]),
            json!("2001:db8:1234:5678::9")
        ),
        "Allow"
    );
    assert_eq!(
        check(
            "IpAddress",
            "aws:SourceIp",
            json!("203.0.113.0/24"),
            json!("198.51.100.1")
        ),
        "ImplicitDeny"
    );
    assert_eq!(
        check(
            "NotIpAddress",
            "aws:SourceIp",
            json!("203.0.113.0/24"),
            json!("198.51.100.1")
        ),
        "Allow"
    );
    // ARN: aws:SourceArn ArnEquals arn:aws:cloudtrail:*:111122223333:trail/*.
    assert_eq!(
        check(
            "ArnLike",
            "aws:SourceArn",
            json!("arn:aws:cloudtrail:*:111122223333:trail/*"),
            json!("arn:aws:cloudtrail:us-east-1:111122223333:trail/t")
        ),
        "Allow"
    );
    assert_eq!(
        check(
            "ArnNotEquals",
            "aws:SourceArn",
            json!("arn:aws:cloudtrail:*:111122223333:trail/*"),
            json!("arn:aws:cloudtrail:us-east-1:444455556666:trail/t")
        ),
        "Allow"
    );
    // String: StringLike with wildcards, IgnoreCase.
    assert_eq!(
        check(
            "StringLike",
            "s3:prefix",
            json!("home/*"),
            json!("home/x/y")
        ),
        "Allow"
    );
    assert_eq!(
        check(
            "StringEqualsIgnoreCase",
            "aws:PrincipalTag/job",
            json!("Admin"),
            json!("ADMIN")
        ),
        "Allow"
    );
    assert_eq!(
        check(
            "StringEquals",
            "aws:PrincipalTag/job",
            json!("Admin"),
            json!("ADMIN")
        ),
        "ImplicitDeny"
    );
}

// reference_policies_elements_condition_operators.md, "Condition operator to check existence of
// condition keys": Null true = key absent, false = key present.
#[test]
fn null_operator() {
    let p = json!({"Statement": {"Effect": "Allow", "Action": "ec2:*", "Resource": "*",
        "Condition": {"Null": {"aws:TokenIssueTime": "true"}}}});
    assert_eq!(
        identity(p.clone(), req(USER, "ec2:RunInstances", "*", json!({}))),
        "Allow"
    );
    assert_eq!(
        identity(
            p,
            req(
                USER,
                "ec2:RunInstances",
                "*",
                json!({"aws:TokenIssueTime": "2020-01-01T00:00:00Z"})
            )
        ),
        "ImplicitDeny"
    );
    // Regression (found by the differential test): several values are ORed, so `["true",
    // "false"]` matches whether the key is present or not.
    let both = json!({"Statement": {"Effect": "Allow", "Action": "ec2:*", "Resource": "*",
        "Condition": {"Null": {"aws:TokenIssueTime": ["true", "false"]}}}});
    let present = json!({"aws:TokenIssueTime": "2020-01-01T00:00:00Z"});
    assert_eq!(
        identity(both.clone(), req(USER, "ec2:RunInstances", "*", json!({}))),
        "Allow"
    );
    assert_eq!(
        identity(both, req(USER, "ec2:RunInstances", "*", present)),
        "Allow"
    );
}

// reference_policies_variables.md, "Using variables in policies": ${aws:username} in Resource and
// in a StringLike condition.
#[test]
fn variables_in_resource_and_condition() {
    let p = json!({"Version": "2012-10-17", "Statement": [
        {"Action": ["s3:ListBucket"], "Effect": "Allow", "Resource": ["arn:aws:s3:::mybucket"],
         "Condition": {"StringLike": {"s3:prefix": ["${aws:username}/*"]}}},
        {"Action": ["s3:GetObject", "s3:PutObject"], "Effect": "Allow", "Resource": ["arn:aws:s3:::mybucket/${aws:username}/*"]}]});
    let ctx = json!({"aws:username": "David"});
    assert_eq!(
        identity(
            p.clone(),
            req(
                USER,
                "s3:GetObject",
                "arn:aws:s3:::mybucket/David/a.txt",
                ctx.clone()
            )
        ),
        "Allow"
    );
    assert_eq!(
        identity(
            p.clone(),
            req(
                USER,
                "s3:GetObject",
                "arn:aws:s3:::mybucket/Maria/a.txt",
                ctx.clone()
            )
        ),
        "ImplicitDeny"
    );
    assert_eq!(
        identity(
            p.clone(),
            req(
                USER,
                "s3:ListBucket",
                "arn:aws:s3:::mybucket",
                json!({"aws:username": "David", "s3:prefix": "David/x"})
            )
        ),
        "Allow"
    );
    assert_eq!(
        identity(
            p.clone(),
            req(
                USER,
                "s3:ListBucket",
                "arn:aws:s3:::mybucket",
                json!({"aws:username": "David", "s3:prefix": "Maria/x"})
            )
        ),
        "ImplicitDeny"
    );
    // aws:username is derived from an IAM user principal when the context does not carry it.
    assert_eq!(
        identity(
            p,
            req(
                USER,
                "s3:PutObject",
                "arn:aws:s3:::mybucket/David/b",
                json!({})
            )
        ),
        "Allow"
    );
}

// reference_policies_variables.md, "Specifying default values" and "Policy variables with no
// value"; "Special characters": ${*}, ${?}, ${$}.
#[test]
fn variable_defaults_missing_values_and_special_characters() {
    let p = json!({"Statement": {"Effect": "Allow", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::DOC-EXAMPLE-BUCKET-${aws:PrincipalTag/team, 'company-wide'}"}});
    let r = |ctx: Value, res: &str| req(USER, "s3:GetObject", res, ctx);
    assert_eq!(
        identity(
            p.clone(),
            r(json!({}), "arn:aws:s3:::DOC-EXAMPLE-BUCKET-company-wide")
        ),
        "Allow"
    );
    assert_eq!(
        identity(
            p.clone(),
            r(
                json!({"aws:PrincipalTag/team": "red"}),
                "arn:aws:s3:::DOC-EXAMPLE-BUCKET-red"
            )
        ),
        "Allow"
    );
    assert_eq!(
        identity(
            p,
            r(
                json!({"aws:PrincipalTag/team": "red"}),
                "arn:aws:s3:::DOC-EXAMPLE-BUCKET-company-wide"
            )
        ),
        "ImplicitDeny"
    );
    let nodefault = json!({"Statement": {"Effect": "Allow", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::bucket/${aws:PrincipalTag/department}"}});
    assert_eq!(
        identity(nodefault, r(json!({}), "arn:aws:s3:::bucket/")),
        "ImplicitDeny"
    );
    let special = json!({"Statement": {"Effect": "Allow", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::bucket/${*}${?}${$}"}});
    assert_eq!(
        identity(special.clone(), r(json!({}), "arn:aws:s3:::bucket/*?$")),
        "Allow"
    );
    assert_eq!(
        identity(special, r(json!({}), "arn:aws:s3:::bucket/ab$")),
        "ImplicitDeny"
    );
}

// reference_policies_elements_notaction.md: Allow NotAction s3:DeleteBucket on arn:aws:s3:::*,
// and Allow NotAction iam:* on *.
#[test]
fn not_action() {
    let p = json!({"Statement": {"Effect": "Allow", "NotAction": "s3:DeleteBucket", "Resource": "arn:aws:s3:::*"}});
    assert_eq!(
        identity(
            p.clone(),
            req(USER, "s3:PutObject", "arn:aws:s3:::b/k", json!({}))
        ),
        "Allow"
    );
    assert_eq!(
        identity(
            p.clone(),
            req(USER, "s3:DeleteBucket", "arn:aws:s3:::b", json!({}))
        ),
        "ImplicitDeny"
    );
    // "it does not grant ... access to any other service's actions on that resource": resource
    // does not match the EC2 resource.
    assert_eq!(
        identity(
            p,
            req(
                USER,
                "ec2:RunInstances",
                "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
                json!({})
            )
        ),
        "ImplicitDeny"
    );
    let p2 = json!({"Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}});
    assert_eq!(
        identity(p2.clone(), req(USER, "iam:CreateUser", "*", json!({}))),
        "ImplicitDeny"
    );
    assert_eq!(
        identity(p2, req(USER, "EC2:RunInstances", "*", json!({}))),
        "Allow"
    );
}

// reference_policies_elements_notaction.md: DenyAllUsersNotUsingMFA with BoolIfExists
// aws:MultiFactorAuthPresent false, beside an allow of everything.
#[test]
fn not_action_mfa_deny() {
    let deny = json!({"Version": "2012-10-17", "Statement": [{"Sid": "DenyAllUsersNotUsingMFA", "Effect": "Deny",
        "NotAction": "iam:*", "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]});
    let allow = json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}});
    let case = |action: &str, ctx: Value| {
        decide(
            json!({"request": req(USER, action, "*", ctx), "identity_policies": [allow.clone(), deny.clone()]}),
        )
    };
    // Long-term keys: the key is absent, IfExists makes the deny apply.
    assert_eq!(case("ec2:StopInstances", json!({})), "ExplicitDeny");
    assert_eq!(
        case(
            "ec2:StopInstances",
            json!({"aws:MultiFactorAuthPresent": "false"})
        ),
        "ExplicitDeny"
    );
    assert_eq!(
        case(
            "ec2:StopInstances",
            json!({"aws:MultiFactorAuthPresent": "true"})
        ),
        "Allow"
    );
    assert_eq!(case("iam:ListUsers", json!({})), "Allow");
    let out = simulate_json(
        &json!({"request": req(USER, "ec2:StopInstances", "*", json!({})),
        "identity_policies": [allow, deny]})
        .to_string(),
    )
    .unwrap();
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["matched"][0]["sid"], "DenyAllUsersNotUsingMFA");
    assert_eq!(v["matched"][0]["policy"], "identity_policies[1]");
}

// reference_policies_elements_notresource.md: Deny s3:* NotResource HRBucket/Payroll.
#[test]
fn not_resource() {
    let deny = json!({"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:*",
        "NotResource": ["arn:aws:s3:::HRBucket/Payroll", "arn:aws:s3:::HRBucket/Payroll/*"]}});
    let allow = json!({"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}});
    let case = |res: &str| {
        decide(
            json!({"request": req(USER, "s3:GetObject", res, json!({})), "identity_policies": [allow.clone(), deny.clone()]}),
        )
    };
    assert_eq!(case("arn:aws:s3:::HRBucket/Payroll/2020.csv"), "Allow");
    assert_eq!(case("arn:aws:s3:::HRBucket/Other"), "ExplicitDeny");
    // Resource matching is case-sensitive.
    assert_eq!(
        case("arn:aws:s3:::hrbucket/payroll/2020.csv"),
        "ExplicitDeny"
    );
}

// reference_policies_elements_notprincipal.md, "NotPrincipal With Deny": every principal except
// the listed assumed-role session, role and account is denied.
#[test]
fn not_principal_deny() {
    let bucket = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "NotPrincipal": {"AWS": [
            "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app",
            "arn:aws:iam::444455556666:role/cross-account-read-only-role",
            "arn:aws:iam::444455556666:root"]},
         "Action": "s3:*", "Resource": ["arn:aws:s3:::Bucket_AccountAudit", "arn:aws:s3:::Bucket_AccountAudit/*"]},
        {"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::Bucket_AccountAudit/*"}]});
    let allow =
        json!({"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}});
    let case = |principal: &str| {
        decide(json!({
        "request": {"principal": principal, "action": "s3:GetObject", "resource": "arn:aws:s3:::Bucket_AccountAudit/r.csv",
                    "resource_account": "111122223333", "context": {}},
        "identity_policies": [allow.clone()], "resource_policy": bucket.clone()}))
    };
    assert_eq!(case("arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app"), "Allow");
    assert_eq!(
        case("arn:aws:sts::444455556666:assumed-role/other-role/s"),
        "ExplicitDeny"
    );
}

// reference_policies_evaluation-logic-cross-account.md: cross-account access needs both the
// identity policy in the trusted account and the resource policy in the trusting account.
#[test]
fn cross_account_needs_both_sides() {
    let rp = json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*"}});
    let id = json!({"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*"}});
    let r = json!({"principal": "arn:aws:iam::444455556666:user/Bob", "action": "s3:GetObject",
        "resource": "arn:aws:s3:::shared/x", "resource_account": "111122223333"});
    assert_eq!(
        decide(
            json!({"request": r, "identity_policies": [id.clone()], "resource_policy": rp.clone()})
        ),
        "Allow"
    );
    assert_eq!(
        decide(json!({"request": r, "identity_policies": [], "resource_policy": rp})),
        "ImplicitDeny"
    );
    assert_eq!(
        decide(json!({"request": r, "identity_policies": [id], "resource_policy": null})),
        "ImplicitDeny"
    );
}

// reference_policies_evaluation-logic.md, "Resource-based policies" (same account): a grant to
// the user ARN or to the session ARN is not limited by implicit denies; a grant to the role ARN
// is limited by the boundary and the session policy; a grant to the account needs identity allow.
#[test]
fn same_account_resource_policy_rules() {
    let rp = |principal: &str| {
        json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": principal},
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}})
    };
    let nothing = json!({"Statement": {"Effect": "Allow", "Action": "ec2:DescribeInstances", "Resource": "*"}});
    let session = "arn:aws:sts::111122223333:assumed-role/examplerole/s1";
    let case = |principal: &str, granted: &str, boundary: Value, session_policy: Value| {
        decide(json!({
        "request": {"principal": principal, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "resource_account": "111122223333"},
        "identity_policies": [nothing.clone()], "resource_policy": rp(granted),
        "permission_boundary": boundary, "session_policy": session_policy}))
    };
    assert_eq!(case(USER, USER, nothing.clone(), Value::Null), "Allow");
    assert_eq!(
        case(session, session, nothing.clone(), nothing.clone()),
        "Allow"
    );
    assert_eq!(
        case(
            session,
            "arn:aws:iam::111122223333:role/examplerole",
            Value::Null,
            Value::Null
        ),
        "Allow"
    );
    assert_eq!(
        case(
            session,
            "arn:aws:iam::111122223333:role/examplerole",
            nothing.clone(),
            Value::Null
        ),
        "ImplicitDeny"
    );
    assert_eq!(
        case(
            session,
            "arn:aws:iam::111122223333:role/examplerole",
            Value::Null,
            nothing.clone()
        ),
        "ImplicitDeny"
    );
    assert_eq!(
        case(USER, "111122223333", Value::Null, Value::Null),
        "ImplicitDeny"
    );
}

// access_policies_boundaries.md: effective permissions are the intersection of identity policy
// and boundary; reference_policies_evaluation-logic.md: every SCP level must allow, explicit
// deny anywhere wins.
#[test]
fn boundaries_scps_and_explicit_deny() {
    let all = json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}});
    let s3 = json!({"Statement": {"Effect": "Allow", "Action": ["s3:*", "cloudwatch:*", "ec2:*"], "Resource": "*"}});
    let deny_ec2 = json!({"Statement": {"Effect": "Deny", "Action": "ec2:*", "Resource": "*"}});
    let r = |a: &str| req(USER, a, "*", json!({}));
    let case = |a: &str, scps: Value, boundary: Value| {
        decide(
            json!({"request": r(a), "identity_policies": [all.clone()], "scps": scps, "permission_boundary": boundary}),
        )
    };
    assert_eq!(case("s3:GetObject", json!([]), s3.clone()), "Allow");
    assert_eq!(
        case("iam:CreateUser", json!([]), s3.clone()),
        "ImplicitDeny"
    );
    assert_eq!(
        case(
            "s3:GetObject",
            json!([[all.clone()], [s3.clone()]]),
            Value::Null
        ),
        "Allow"
    );
    assert_eq!(
        case(
            "iam:CreateUser",
            json!([[all.clone()], [s3.clone()]]),
            Value::Null
        ),
        "ImplicitDeny"
    );
    assert_eq!(
        case(
            "ec2:RunInstances",
            json!([[all.clone(), deny_ec2.clone()], [s3.clone()]]),
            Value::Null
        ),
        "ExplicitDeny"
    );
    // Action names are case-insensitive.
    assert_eq!(case("S3:getobject", json!([]), s3), "Allow");
}

// id_credentials_mfa_configure-api-require.md, "MFA protection for cross-account delegation":
// a trust policy allowing sts:AssumeRole only with Bool aws:MultiFactorAuthPresent true.
#[test]
fn mfa_trust_policy() {
    let trust = json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "444455556666"},
        "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}});
    let id = json!({"Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole"], "Resource": ["arn:aws:iam::111122223333:role/CrossAccountRole"]}]});
    let case = |ctx: Value| {
        decide(
            json!({"request": {"principal": "arn:aws:iam::444455556666:user/Bob", "action": "sts:AssumeRole",
        "resource": "arn:aws:iam::111122223333:role/CrossAccountRole", "context": ctx}, "identity_policies": [id.clone()], "resource_policy": trust.clone()}),
        )
    };
    assert_eq!(case(json!({"aws:MultiFactorAuthPresent": "true"})), "Allow");
    assert_eq!(case(json!({})), "ImplicitDeny");
    assert_eq!(
        case(json!({"aws:MultiFactorAuthPresent": "false"})),
        "ImplicitDeny"
    );
}

#[test]
fn simulate_keeps_shape_and_order() {
    let allow = json!({"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}});
    let one = json!({"request": req(USER, "s3:GetObject", "*", json!({})), "identity_policies": [allow.clone()]});
    let two = json!({"request": req(USER, "ec2:RunInstances", "*", json!({})), "identity_policies": [allow]});
    let out: Value =
        serde_json::from_str(&simulate_json(&json!([one, two]).to_string()).unwrap()).unwrap();
    assert_eq!(out[0]["decision"], "Allow");
    assert_eq!(out[1]["decision"], "ImplicitDeny");
    assert_eq!(out[1]["matched"], json!([]));
    let e = simulate_json("{\"request\": {\"principal\": 3}}").unwrap_err();
    assert_eq!(
        e.to_string(),
        "input:1:27: `principal` must be a string, found a number"
    );
    let e = simulate_json("{\"request\": {\"principal\": \"p\", \"action\": \"a\", \"resource\": \"r\"},\n \"identity_policies\": [{\"Statement\": {\"Effect\": \"Allow\", \"Acton\": \"*\"}}]}").unwrap_err();
    assert!(
        e.to_string().starts_with("input (identity_policies[0]):2:"),
        "{e}"
    );
}

// reference_policies_evaluation-logic.md, "Resource-based policies": "IAM role trust policies
// and KMS key policies are exceptions to this logic, because they must explicitly allow access
// for principals" — an identity policy alone does not let a principal of the same account assume
// a role whose trust policy does not name it.
#[test]
fn trust_policies_must_name_the_principal() {
    let id = json!({"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}});
    let trust = |p: Value| json!({"Statement": {"Effect": "Allow", "Principal": p, "Action": "sts:AssumeRole"}});
    let case = |t: Value, ids: Value| {
        decide(
            json!({"request": {"principal": USER, "action": "sts:AssumeRole",
        "resource": "arn:aws:iam::111122223333:role/R"}, "identity_policies": ids, "resource_policy": t}),
        )
    };
    assert_eq!(
        case(
            trust(json!({"Service": "ec2.amazonaws.com"})),
            json!([id.clone()])
        ),
        "ImplicitDeny"
    );
    assert_eq!(
        case(trust(json!({"AWS": "111122223333"})), json!([id.clone()])),
        "Allow"
    );
    assert_eq!(
        case(trust(json!({"AWS": "111122223333"})), json!([])),
        "ImplicitDeny"
    );
    assert_eq!(case(trust(json!({"AWS": USER})), json!([])), "Allow");
}

// reference_policies_multi-value-conditions.md, "Using multiple keys and values": "Multivalued
// condition keys require a set operator" — a plain operator does not match a key with several
// values in the request.
#[test]
fn multivalued_key_without_set_operator_does_not_match() {
    let p = json!({"Statement": {"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
        "Condition": {"StringEquals": {"aws:TagKeys": ["team", "env"]}}}});
    let r = |keys: Value| req(USER, "ec2:CreateTags", "*", json!({"aws:TagKeys": keys}));
    assert_eq!(identity(p.clone(), r(json!(["team"]))), "Allow");
    assert_eq!(identity(p, r(json!(["team", "env"]))), "ImplicitDeny");
}

/// The output format of `yagura iam simulate`, locked by a snapshot.
#[test]
fn simulate_output_format() {
    let deny = json!({"Version": "2012-10-17", "Statement": [{"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}]});
    let allow = json!({"Version": "2012-10-17", "Statement": [{"Sid": "ReadWrite", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}]});
    let scp = json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}});
    let cases = json!([
        {"request": req(USER, "s3:GetObject", "arn:aws:s3:::b/k", json!({})), "identity_policies": [allow.clone(), deny.clone()], "scps": [[scp.clone()]]},
        {"request": req(USER, "s3:DeleteObject", "arn:aws:s3:::b/k", json!({})), "identity_policies": [allow.clone(), deny], "scps": [[scp]]},
        {"request": req(USER, "ec2:RunInstances", "*", json!({})), "identity_policies": [allow]}
    ]);
    insta::assert_snapshot!(simulate_json(&cases.to_string()).unwrap());
}

// reference_policies_condition-keys.md, aws:PrincipalArn: "For IAM roles, the request context
// returns the ARN of the role, not the ARN of the user that assumed the role."
#[test]
fn principal_arn_of_a_role_session_is_the_role() {
    let p = json!({"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
        "Condition": {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/Ops"}}}});
    let session = "arn:aws:sts::111122223333:assumed-role/Ops/s1";
    assert_eq!(
        identity(
            p.clone(),
            req(session, "s3:GetObject", "arn:aws:s3:::b/k", json!({}))
        ),
        "Allow"
    );
    assert_eq!(
        identity(p, req(USER, "s3:GetObject", "arn:aws:s3:::b/k", json!({}))),
        "ImplicitDeny"
    );
}
