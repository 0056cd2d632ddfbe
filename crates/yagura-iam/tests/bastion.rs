//! IAM-04: the generated bastion policies pass their own verifiers, and known-bad policies fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use yagura_core::Status;
use yagura_iam::actions::db;
use yagura_iam::bastion::{
    plan, verify_identity_policies, verify_role_permissions, verify_trust_policy, BastionPlan,
    POWER_USER_ACCESS,
};
use yagura_iam::validate::{validate, PolicyKind};
use yagura_iam::{simulate_json, Policy};

fn p(v: &serde_json::Value) -> Policy {
    Policy::parse("p", &v.to_string()).unwrap()
}

#[test]
fn generated_policies_verify_and_validate() {
    let out = plan(&BastionPlan {
        identity_account: "111111111111".into(),
        resource_accounts: vec!["222222222222".into(), "333333333333".into()],
        role_name: "Operator".into(),
        max_mfa_age_seconds: Some(3600),
    });
    let group = p(&out.identity_group_policy);
    let f = verify_identity_policies(
        "arn:aws:iam::111111111111:user/alice",
        std::slice::from_ref(&group),
    );
    assert_eq!(f.status, Status::Pass, "{:?}", f.message);
    for (acct, trust) in &out.trust_policies {
        let role = format!("arn:aws:iam::{acct}:role/Operator");
        let f = verify_trust_policy(&role, &p(trust), "111111111111");
        assert_eq!(f.status, Status::Pass, "{:?}", f.message);
        let f = verify_role_permissions(
            db().unwrap(),
            &role,
            &[
                Policy::parse("pu", POWER_USER_ACCESS).unwrap(),
                p(&out.role_inline_deny_iam),
            ],
        )
        .unwrap();
        assert_eq!(f.status, Status::Pass, "{:?}", f.message);
        let diags = validate(db().unwrap(), &p(trust), PolicyKind::Trust);
        assert!(diags.is_empty(), "{diags:?}");
    }
    let diags = validate(db().unwrap(), &group, PolicyKind::Identity);
    assert!(
        diags
            .iter()
            .all(|d| d.code == "allow-with-not-action"
                || d.level != yagura_iam::validate::Level::Error),
        "{diags:?}"
    );
    // End to end with the simulator: MFA within the hour allows, without MFA it does not.
    let case = |ctx: serde_json::Value| {
        let input = serde_json::json!({"request": {"principal": "arn:aws:iam::111111111111:user/alice", "action": "sts:AssumeRole",
            "resource": "arn:aws:iam::222222222222:role/Operator", "context": ctx},
            "identity_policies": [out.identity_group_policy.clone()], "resource_policy": out.trust_policies["222222222222"].clone()});
        let v: serde_json::Value =
            serde_json::from_str(&simulate_json(&input.to_string()).unwrap()).unwrap();
        v["decision"].as_str().unwrap().to_string()
    };
    assert_eq!(
        case(
            serde_json::json!({"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "60"})
        ),
        "Allow"
    );
    assert_eq!(
        case(
            serde_json::json!({"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "7200"})
        ),
        "ImplicitDeny"
    );
    assert_eq!(case(serde_json::json!({})), "ExplicitDeny");
}

#[test]
fn weak_policies_fail() {
    let trust = serde_json::json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "sts:AssumeRole"}});
    let f = verify_trust_policy(
        "arn:aws:iam::222222222222:role/Operator",
        &p(&trust),
        "111111111111",
    );
    assert_eq!(f.status, Status::Fail);
    // BoolIfExists true lets long-term keys through (the key is absent).
    let if_exists = serde_json::json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole",
        "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}}});
    let f = verify_identity_policies("arn:aws:iam::111111111111:user/bob", &[p(&if_exists)]);
    assert_eq!(f.status, Status::Fail);
    assert_eq!(f.evidence["allowed_without_mfa"], "sts:AssumeRole");
    let admin =
        serde_json::json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}});
    let f = verify_role_permissions(
        db().unwrap(),
        "arn:aws:iam::222222222222:role/Admin",
        &[p(&admin)],
    )
    .unwrap();
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.evidence["iam_writes"].contains("iam:"),
        "{:?}",
        f.evidence
    );
}

/// Regression: a trust policy whose only condition is an ExternalId (or another condition than
/// MFA) was reported as requiring MFA, because the probe request did not carry that key and AWS
/// evaluation treats a missing key as not matching.
#[test]
fn only_mfa_counts_as_mfa() {
    let role = "arn:aws:iam::222222222222:role/Operator";
    let trust = |cond: serde_json::Value| {
        p(
            &serde_json::json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "sts:AssumeRole",
            "Condition": cond}}),
        )
    };
    for cond in [
        serde_json::json!({"StringEquals": {"sts:ExternalId": "shared-secret-123"}}),
        serde_json::json!({"StringLike": {"sts:RoleSessionName": "ops-*"}}),
        serde_json::json!({"StringEquals": {"aws:RequestTag/team": ["ops", "sre"]}}),
        serde_json::json!({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}),
        // an MFA age alone is absent for long-term keys: NumericLessThan fails, but
        // IfExists lets them through
        serde_json::json!({"NumericLessThanIfExists": {"aws:MultiFactorAuthAge": "3600"}}),
    ] {
        let f = verify_trust_policy(role, &trust(cond.clone()), "111111111111");
        assert_eq!(f.status, Status::Fail, "{cond}: {:?}", f.message);
    }
    for cond in [
        serde_json::json!({"StringEquals": {"sts:ExternalId": "shared-secret-123"},
            "Bool": {"aws:MultiFactorAuthPresent": "true"}}),
        serde_json::json!({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}),
    ] {
        let f = verify_trust_policy(role, &trust(cond.clone()), "111111111111");
        assert_eq!(f.status, Status::Pass, "{cond}: {:?}", f.message);
    }
}

/// `iam bastion verify`: the generated policies deployed as planned pass; each deviation is
/// one FAIL naming the principal.
#[test]
fn verify_accounts_lists_each_deviation() {
    use yagura_iam::analyze::AccountAuthorization;
    let out = plan(&BastionPlan {
        identity_account: "111111111111".into(),
        resource_accounts: vec!["222222222222".into()],
        role_name: "Operator".into(),
        max_mfa_age_seconds: None,
    });
    let identity = serde_json::json!({
        "UserDetailList": [
            {"UserName": "alice", "Arn": "arn:aws:iam::111111111111:user/alice", "GroupList": ["bastion-users"],
             "AttachedManagedPolicies": [], "UserPolicyList": []},
            {"UserName": "mallory", "Arn": "arn:aws:iam::111111111111:user/mallory", "GroupList": [],
             "AttachedManagedPolicies": [], "UserPolicyList": [{"PolicyName": "all", "PolicyDocument":
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}}]}
        ],
        "GroupDetailList": [{"GroupName": "bastion-users", "Arn": "arn:aws:iam::111111111111:group/bastion-users",
            "AttachedManagedPolicies": [], "GroupPolicyList": [{"PolicyName": "p", "PolicyDocument": out.identity_group_policy}]}],
        "RoleDetailList": [], "Policies": []
    });
    let trust = &out.trust_policies["222222222222"];
    let resource = serde_json::json!({
        "UserDetailList": [], "GroupDetailList": [],
        "RoleDetailList": [
            {"RoleName": "Operator", "Arn": "arn:aws:iam::222222222222:role/Operator", "AssumeRolePolicyDocument": trust,
             "AttachedManagedPolicies": [], "RolePolicyList": [
                {"PolicyName": "pu", "PolicyDocument": serde_json::from_str::<serde_json::Value>(POWER_USER_ACCESS).unwrap()},
                {"PolicyName": "deny", "PolicyDocument": out.role_inline_deny_iam}]},
            {"RoleName": "NoMfa", "Arn": "arn:aws:iam::222222222222:role/NoMfa", "AssumeRolePolicyDocument":
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "sts:AssumeRole"}]},
             "AttachedManagedPolicies": [], "RolePolicyList": [{"PolicyName": "iam", "PolicyDocument":
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]}}]},
            {"RoleName": "lambda", "Arn": "arn:aws:iam::222222222222:role/lambda", "AssumeRolePolicyDocument":
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
             "AttachedManagedPolicies": [], "RolePolicyList": []}
        ],
        "Policies": []
    });
    let accounts = [
        AccountAuthorization::from_json("identity", &identity.to_string()).unwrap(),
        AccountAuthorization::from_json("resource", &resource.to_string()).unwrap(),
    ];
    let findings =
        yagura_iam::bastion::verify_accounts(db().unwrap(), &accounts, "111111111111").unwrap();
    let got: Vec<(String, String, Status)> = findings
        .iter()
        .map(|f| (f.check_id.to_string(), f.resource.to_string(), f.status))
        .collect();
    let want = |c: &str, r: &str, s: Status| (c.to_string(), r.to_string(), s);
    assert_eq!(
        got,
        vec![
            want(
                "iam-bastion-assume-role-without-mfa",
                "arn:aws:iam::111111111111:user/alice",
                Status::Pass
            ),
            want(
                "iam-bastion-assume-role-without-mfa",
                "arn:aws:iam::111111111111:user/mallory",
                Status::Fail
            ),
            want(
                "iam-bastion-assume-role-without-mfa",
                "arn:aws:iam::222222222222:role/Operator",
                Status::Pass
            ),
            want(
                "iam-bastion-role-above-poweruser",
                "arn:aws:iam::222222222222:role/Operator",
                Status::Pass
            ),
            want(
                "iam-bastion-assume-role-without-mfa",
                "arn:aws:iam::222222222222:role/NoMfa",
                Status::Fail
            ),
            want(
                "iam-bastion-role-above-poweruser",
                "arn:aws:iam::222222222222:role/NoMfa",
                Status::Fail
            ),
        ]
    );
}

/// `bastion plan --format cloudformation|terraform` carry the same policies.
#[test]
fn plan_as_cloudformation_and_terraform() {
    let req = BastionPlan {
        identity_account: "111111111111".into(),
        resource_accounts: vec!["222222222222".into(), "333333333333".into()],
        role_name: "Operator".into(),
        max_mfa_age_seconds: Some(3600),
    };
    let out = plan(&req);
    let cfn = yagura_iam::bastion::cloudformation(&req, &out);
    let group = &cfn["identity_account"]["111111111111"]["Resources"]["BastionUsers"];
    assert_eq!(group["Type"], "AWS::IAM::Group");
    assert_eq!(
        group["Properties"]["Policies"][0]["PolicyDocument"],
        out.identity_group_policy
    );
    for acct in ["222222222222", "333333333333"] {
        let role = &cfn["resource_accounts"][acct]["Resources"]["BastionRole"];
        assert_eq!(role["Type"], "AWS::IAM::Role");
        assert_eq!(
            role["Properties"]["AssumeRolePolicyDocument"],
            out.trust_policies[acct]
        );
        assert_eq!(
            role["Properties"]["ManagedPolicyArns"][0],
            "arn:aws:iam::aws:policy/PowerUserAccess"
        );
    }
    let tf = yagura_iam::bastion::terraform(&req, &out, "OrganizationAccountAccessRole");
    assert!(tf.contains("resource \"aws_iam_role\" \"bastion_333333333333\""));
    assert!(
        tf.contains("role_arn = \"arn:aws:iam::222222222222:role/OrganizationAccountAccessRole\"")
    );
    // Terraform would interpolate `${aws:username}`: it is escaped.
    assert!(tf.contains("$${aws:username}") && !tf.contains(" ${aws:username}"));
    assert_eq!(tf.matches("<<-POLICY").count(), 1 + 2 * 2);
}
