//! The bastion pattern (IAM-04): users live in one identity account and may only get a session
//! token and, with MFA, assume roles in the resource accounts; those roles require MFA in their
//! trust policy, grant at most PowerUserAccess and cannot manage IAM. [`plan`] writes the
//! policies; the `verify_*` functions check existing ones and return findings.

use crate::actions::ActionDb;
use crate::checks;
use crate::eval::{authorize, policy_match, Decision, Known, PolicySet, Request};
use crate::policy::Policy;
use crate::summary::summarize;
use crate::Error;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use yagura_core::{text, Finding, Status};

/// The AWS managed policy PowerUserAccess (version 5), the ceiling for resource-account roles.
pub const POWER_USER_ACCESS: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
    {"Effect": "Allow", "Action": ["account:GetAccountInformation", "account:GetPrimaryEmail",
      "account:ListRegions", "iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole",
      "iam:ListRoles", "organizations:DescribeOrganization"], "Resource": "*"}
  ]
}"#;

pub const POWER_USER_ACCESS_ARN: &str = "arn:aws:iam::aws:policy/PowerUserAccess";

/// What to generate.
#[derive(Debug, Clone)]
pub struct BastionPlan {
    /// The account where the IAM users live.
    pub identity_account: String,
    /// The accounts whose roles the users assume.
    pub resource_accounts: Vec<String>,
    /// The role created in every resource account.
    pub role_name: String,
    /// When set, MFA must be younger than this many seconds (`aws:MultiFactorAuthAge`).
    pub max_mfa_age_seconds: Option<u32>,
}

/// The generated policies, as JSON documents ready for `aws iam create-policy` and friends.
#[derive(Debug, Clone, PartialEq)]
pub struct BastionPolicies {
    /// For the users' group in the identity account.
    pub identity_group_policy: Value,
    /// Resource account → trust policy of its role.
    pub trust_policies: BTreeMap<String, Value>,
    /// Managed policies to attach to each role.
    pub role_managed_policy_arns: Vec<String>,
    /// Inline policy for each role: denies IAM changes beyond what PowerUserAccess keeps.
    pub role_inline_deny_iam: Value,
}

fn mfa_condition(max_age: Option<u32>) -> Value {
    let mut c = json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}});
    if let Some(age) = max_age {
        c["NumericLessThan"] = json!({"aws:MultiFactorAuthAge": age.to_string()});
    }
    c
}

/// Generates the bastion policies.
pub fn plan(p: &BastionPlan) -> BastionPolicies {
    let roles: Vec<String> = p
        .resource_accounts
        .iter()
        .map(|a| format!("arn:aws:iam::{a}:role/{}", p.role_name))
        .collect();
    let identity_group_policy = json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "GetSessionToken", "Effect": "Allow", "Action": "sts:GetSessionToken", "Resource": "*"},
            {"Sid": "AssumeResourceAccountRolesWithMfa", "Effect": "Allow", "Action": "sts:AssumeRole",
             "Resource": roles, "Condition": mfa_condition(p.max_mfa_age_seconds)},
            {"Sid": "ManageOwnPasswordAndMfa", "Effect": "Allow",
             "Action": ["iam:ChangePassword", "iam:GetUser", "iam:ListMFADevices", "iam:CreateVirtualMFADevice",
                        "iam:EnableMFADevice", "iam:ResyncMFADevice"],
             "Resource": [
                format!("arn:aws:iam::{}:user/${{aws:username}}", p.identity_account),
                format!("arn:aws:iam::{}:mfa/${{aws:username}}", p.identity_account)]},
            {"Sid": "DenyEverythingElseWithoutMfa", "Effect": "Deny",
             "NotAction": ["sts:GetSessionToken", "iam:ChangePassword", "iam:GetUser", "iam:ListMFADevices",
                           "iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:ResyncMFADevice"],
             "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}
        ]
    });
    let trust_policies = p
        .resource_accounts
        .iter()
        .map(|a| {
            (
                a.clone(),
                json!({
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Sid": "IdentityAccountUsersWithMfa", "Effect": "Allow",
                        "Principal": {"AWS": format!("arn:aws:iam::{}:root", p.identity_account)},
                        "Action": "sts:AssumeRole",
                        "Condition": mfa_condition(p.max_mfa_age_seconds)
                    }]
                }),
            )
        })
        .collect();
    let role_inline_deny_iam = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "NoIamChanges", "Effect": "Deny",
            "Action": ["iam:Add*", "iam:Attach*", "iam:Create*", "iam:Delete*", "iam:Detach*", "iam:Put*",
                       "iam:Remove*", "iam:Set*", "iam:Update*", "iam:Upload*", "iam:Tag*", "iam:Untag*"],
            "NotResource": "arn:aws:iam::*:role/aws-service-role/*"
        }]
    });
    BastionPolicies {
        identity_group_policy,
        trust_policies,
        role_managed_policy_arns: vec![POWER_USER_ACCESS_ARN.to_string()],
        role_inline_deny_iam,
    }
}

fn no_mfa_contexts() -> [(&'static str, BTreeMap<String, Vec<String>>); 2] {
    let mut f = BTreeMap::new();
    f.insert(
        "aws:MultiFactorAuthPresent".to_string(),
        vec!["false".to_string()],
    );
    [
        ("long-term access keys", BTreeMap::new()),
        ("a session without MFA", f),
    ]
}

/// Verifies a role's trust policy: a principal of the identity account must not be able to
/// assume it without MFA. Only the MFA keys are taken as known: any other condition (an
/// `sts:ExternalId`, which the caller chooses and which guards against the confused deputy,
/// not a stolen key; a source network) may hold, as in the audit's trust verdict
/// ([`crate::facts`]).
pub fn verify_trust_policy(role_arn: &str, trust: &Policy, identity_account: &str) -> Finding {
    let meta = &checks::BASTION_ASSUME_WITHOUT_MFA;
    let account = role_arn.split(':').nth(4).unwrap_or_default().to_string();
    for (how, ctx) in no_mfa_contexts() {
        let req = Request {
            principal: format!("arn:aws:iam::{identity_account}:user/bastion-probe"),
            action: "sts:AssumeRole".into(),
            resource: role_arn.to_string(),
            resource_account: Some(account.clone()),
            context: ctx,
        };
        let m = policy_match(&req, trust, true, Known::Only(&crate::facts::MFA_KEYS));
        if m.allows && !m.denies {
            return Finding::new(meta.id, Status::Fail, meta.severity, role_arn, account, "global",
                text!("role `{role_arn}` can be assumed from account {identity_account} with {how}",
                      "ロール `{role_arn}` はアカウント {identity_account} から {how} で引き受けられます"))
                .with_evidence("without_mfa", how);
        }
    }
    Finding::new(
        meta.id,
        Status::Pass,
        meta.severity,
        role_arn,
        account,
        "global",
        text!(
            "role `{role_arn}` requires MFA from account {identity_account}",
            "ロール `{role_arn}` はアカウント {identity_account} からの引き受けに MFA を要求します"
        ),
    )
}

/// Verifies the identity account's group (or user) policies: sts:AssumeRole must not be
/// allowed without MFA, and nothing but the session-token and self-service actions may be
/// allowed without MFA.
pub fn verify_identity_policies(principal_arn: &str, policies: &[Policy]) -> Finding {
    let meta = &checks::BASTION_ASSUME_WITHOUT_MFA;
    let account = principal_arn
        .split(':')
        .nth(4)
        .unwrap_or_default()
        .to_string();
    let probes = [
        ("sts:AssumeRole", "arn:aws:iam::999999999999:role/any"),
        ("ec2:RunInstances", "*"),
        ("s3:GetObject", "arn:aws:s3:::any/object"),
        ("iam:CreateAccessKey", principal_arn),
    ];
    let mut allowed = BTreeSet::new();
    for (action, resource) in probes {
        for (_, ctx) in no_mfa_contexts() {
            let req = Request {
                principal: principal_arn.to_string(),
                action: action.into(),
                resource: resource.to_string(),
                // Only the identity policies are judged here, as if the resource account's
                // side allowed the request.
                resource_account: Some(account.clone()),
                context: ctx,
            };
            let set = PolicySet {
                identity_policies: policies.to_vec(),
                ..PolicySet::default()
            };
            if authorize(&req, &set).decision == Decision::Allow {
                allowed.insert(action);
            }
        }
    }
    if allowed.is_empty() {
        Finding::new(meta.id, Status::Pass, meta.severity, principal_arn, account, "global",
            text!("`{principal_arn}` can only get a session token and assume roles with MFA",
                  "`{principal_arn}` はセッショントークンの取得と MFA 付きのロール引き受けのみ可能です"))
    } else {
        let list = allowed.into_iter().collect::<Vec<_>>().join(", ");
        Finding::new(
            meta.id,
            Status::Fail,
            meta.severity,
            principal_arn,
            account,
            "global",
            text!(
                "`{principal_arn}` may call {list} without MFA",
                "`{principal_arn}` は MFA なしで {list} を実行できます"
            ),
        )
        .with_evidence("allowed_without_mfa", list)
    }
}

/// Verifies a resource-account role's permissions: at most PowerUserAccess, no IAM write.
pub fn verify_role_permissions(
    db: &ActionDb,
    role_arn: &str,
    policies: &[Policy],
) -> Result<Finding, Error> {
    let meta = &checks::BASTION_ROLE_TOO_POWERFUL;
    let account = role_arn.split(':').nth(4).unwrap_or_default().to_string();
    let ceiling = summarize(db, &Policy::parse("PowerUserAccess", POWER_USER_ACCESS)?);
    let mut beyond = BTreeSet::new();
    let mut iam_writes = BTreeSet::new();
    for p in policies {
        let s = summarize(db, p);
        for (k, g) in &s.actions {
            if !ceiling.actions.contains_key(k) {
                beyond.insert(g.action.clone());
            }
            if k.starts_with("iam:") && g.access_level.is_write() && !g.conditional {
                iam_writes.insert(g.action.clone());
            }
        }
    }
    // Actions denied by an explicit deny in the same set are not granted: check with the
    // evaluator before reporting.
    let set = PolicySet {
        identity_policies: policies.to_vec(),
        ..PolicySet::default()
    };
    let granted = |action: &str| {
        let req = Request {
            principal: role_arn.to_string(),
            action: action.to_string(),
            resource: format!("arn:aws:iam::{account}:role/probe"),
            ..Request::default()
        };
        authorize(&req, &set).decision == Decision::Allow
    };
    beyond.retain(|a| granted(a));
    iam_writes.retain(|a| granted(a));
    if beyond.is_empty() && iam_writes.is_empty() {
        return Ok(Finding::new(
            meta.id,
            Status::Pass,
            meta.severity,
            role_arn,
            account,
            "global",
            text!(
                "role `{role_arn}` grants at most PowerUserAccess and no IAM write",
                "ロール `{role_arn}` の権限は PowerUserAccess 以下で IAM の書き込みはありません"
            ),
        ));
    }
    let sample = |s: &BTreeSet<String>| s.iter().take(10).cloned().collect::<Vec<_>>().join(", ");
    let (n, m) = (beyond.len(), iam_writes.len());
    Ok(Finding::new(meta.id, Status::Fail, meta.severity, role_arn, account, "global",
        text!("role `{role_arn}` grants {n} action(s) beyond PowerUserAccess and {m} IAM write action(s)",
              "ロール `{role_arn}` は PowerUserAccess を超える操作 {n} 個と IAM の書き込み操作 {m} 個を許可しています"))
        .with_evidence("beyond_power_user", sample(&beyond))
        .with_evidence("iam_writes", sample(&iam_writes)))
}
