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

/// Verifies accounts against the bastion pattern (IAM-04), one finding per deviation checked:
/// every user of the identity account (its policies and its groups': no action but the session
/// token and self-service without MFA, sts:AssumeRole only with MFA), and every role of the
/// other accounts that the identity account may assume (its trust requires MFA; its
/// permissions stay within PowerUserAccess without IAM writes). Roles only services assume are
/// not part of the pattern and are left out.
pub fn verify_accounts(
    db: &ActionDb,
    accounts: &[crate::analyze::AccountAuthorization],
    identity_account: &str,
) -> Result<Vec<Finding>, Error> {
    use crate::analyze::PrincipalKind;
    let mut out = Vec::new();
    for a in accounts {
        let own = a.account_id();
        for p in &a.principals {
            let policies: Vec<Policy> = p.policies.iter().map(|(_, x)| (**x).clone()).collect();
            match p.kind {
                PrincipalKind::User if own == identity_account => {
                    out.push(verify_identity_policies(&p.arn, &policies));
                }
                PrincipalKind::Role if own != identity_account => {
                    let Some(trust) = &p.trust_policy else {
                        continue;
                    };
                    if p.arn.contains(":role/aws-service-role/") {
                        continue;
                    }
                    if crate::facts::cross_account_trust(trust, own, &p.arn)
                        == crate::facts::TrustVerdict::NotCrossAccount
                    {
                        continue;
                    }
                    out.push(verify_trust_policy(&p.arn, trust, identity_account));
                    out.push(verify_role_permissions(db, &p.arn, &policies)?);
                }
                _ => {}
            }
        }
    }
    Ok(out)
}

/// The plan as CloudFormation: one template for the identity account (the users' group and
/// its policy) and one for every resource account (the role, its trust, PowerUserAccess and the
/// inline deny of IAM changes), to deploy with a StackSet.
pub fn cloudformation(p: &BastionPlan, policies: &BastionPolicies) -> Value {
    let identity = json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": format!("yagura bastion pattern: the users' group of identity account {}", p.identity_account),
        "Resources": {
            "BastionUsers": {
                "Type": "AWS::IAM::Group",
                "Properties": {
                    "GroupName": "bastion-users",
                    "Policies": [{"PolicyName": "assume-roles-with-mfa", "PolicyDocument": policies.identity_group_policy}]
                }
            }
        }
    });
    let resources: serde_json::Map<String, Value> = policies
        .trust_policies
        .iter()
        .map(|(acct, trust)| {
            (
                acct.clone(),
                json!({
                    "AWSTemplateFormatVersion": "2010-09-09",
                    "Description": format!("yagura bastion pattern: role {} of resource account {acct}, assumed from {} with MFA", p.role_name, p.identity_account),
                    "Resources": {
                        "BastionRole": {
                            "Type": "AWS::IAM::Role",
                            "Properties": {
                                "RoleName": p.role_name,
                                "AssumeRolePolicyDocument": trust,
                                "ManagedPolicyArns": policies.role_managed_policy_arns,
                                "Policies": [{"PolicyName": "no-iam-changes", "PolicyDocument": policies.role_inline_deny_iam}]
                            }
                        }
                    }
                }),
            )
        })
        .collect();
    json!({"identity_account": {p.identity_account.clone(): identity}, "resource_accounts": resources})
}

/// A policy as a Terraform heredoc (`${` escaped, which Terraform would interpolate).
fn heredoc(v: &Value) -> String {
    let text = serde_json::to_string_pretty(v)
        .unwrap_or_default()
        .replace("${", "$${");
    format!("<<-POLICY\n{text}\nPOLICY")
}

/// The plan as Terraform (HCL): a provider per account (assuming `assume_role_name` there), the
/// group and its policy in the identity account, the role in each resource account.
pub fn terraform(p: &BastionPlan, policies: &BastionPolicies, assume_role_name: &str) -> String {
    let mut s =
        String::from("# Generated by `yagura iam bastion plan --format terraform` (IAM-04).\n");
    let provider = |alias: &str, acct: &str| {
        format!(
            "provider \"aws\" {{\n  alias = \"{alias}\"\n  assume_role {{\n    role_arn = \"arn:aws:iam::{acct}:role/{assume_role_name}\"\n  }}\n}}\n\n"
        )
    };
    s.push_str(&provider("identity", &p.identity_account));
    s.push_str(&format!(
        "resource \"aws_iam_group\" \"bastion_users\" {{\n  provider = aws.identity\n  name     = \"bastion-users\"\n}}\n\n\
         resource \"aws_iam_group_policy\" \"assume_roles_with_mfa\" {{\n  provider = aws.identity\n  name     = \"assume-roles-with-mfa\"\n  group    = aws_iam_group.bastion_users.name\n  policy   = {}\n}}\n\n",
        heredoc(&policies.identity_group_policy)
    ));
    for (acct, trust) in &policies.trust_policies {
        let alias = format!("account_{acct}");
        s.push_str(&provider(&alias, acct));
        s.push_str(&format!(
            "resource \"aws_iam_role\" \"bastion_{acct}\" {{\n  provider           = aws.{alias}\n  name               = \"{}\"\n  assume_role_policy = {}\n}}\n\n",
            p.role_name,
            heredoc(trust)
        ));
        for (i, arn) in policies.role_managed_policy_arns.iter().enumerate() {
            s.push_str(&format!(
                "resource \"aws_iam_role_policy_attachment\" \"bastion_{acct}_{i}\" {{\n  provider   = aws.{alias}\n  role       = aws_iam_role.bastion_{acct}.name\n  policy_arn = \"{arn}\"\n}}\n\n"
            ));
        }
        s.push_str(&format!(
            "resource \"aws_iam_role_policy\" \"bastion_{acct}_no_iam_changes\" {{\n  provider = aws.{alias}\n  name     = \"no-iam-changes\"\n  role     = aws_iam_role.bastion_{acct}.id\n  policy   = {}\n}}\n\n",
            heredoc(&policies.role_inline_deny_iam)
        ));
    }
    s
}
