//! The questions the account audit (AUD-05, AUD-09, AUD-19) asks of single policy documents,
//! answered by the evaluator. Each answer depends on the document alone, so the audit computes
//! it once per distinct document and combines the answers of a principal's policies with bit
//! operations.
//!
//! Conventions, shared with [`crate::analyze`]'s "may" questions:
//! - A policy *may* allow an action on every resource when some request for it on `*` is
//!   allowed: conditions are assumed to hold in `Allow` statements and not to hold in `Deny`
//!   statements ([`Known::Only`] with no key), because a principal that is admin whenever it
//!   has MFA, or from the office network, is admin.
//! - `Deny` statements count: a policy that allows `*` and denies `iam:*` is not admin.

use crate::condition::{Base, SetOp};
use crate::eval::{policy_match, Known, Request};
use crate::policy::{Condition, Effect, Policy, Principal};
use std::collections::BTreeSet;

/// The probe requests (action on `*`), one bit each.
pub const PROBES: [&str; 11] = [
    "iam:CreateUser",
    "ec2:RunInstances",
    // An action of no service: only `*`, `NotAction` and wildcards over services match it.
    "zzz:AnyAction",
    "iam:AttachUserPolicy",
    "iam:PutUserPolicy",
    "iam:AttachRolePolicy",
    "iam:PutRolePolicy",
    "iam:CreatePolicyVersion",
    "iam:CreateAccessKey",
    "iam:CreateRole",
    "iam:UpdateAssumeRolePolicy",
];

/// `*` on `*`: IAM, an ordinary service and any other service.
const FULL_ADMIN: u32 = 0b111;
/// Actions that let a principal give itself any permission.
const SELF_GRANT: u32 = 0b1111_1000;
/// IAM writes that manage identities and their permissions.
const IAM_WRITES: u32 = 0b111_1110_1001;

/// What one policy may allow and denies among [`PROBES`] (bit `i` is `PROBES[i]`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PolicyFacts {
    pub allow: u32,
    pub deny: u32,
}

impl PolicyFacts {
    /// Evaluates the probes against one identity policy.
    pub fn of(policy: &Policy) -> PolicyFacts {
        let mut out = PolicyFacts::default();
        for (i, action) in PROBES.iter().enumerate() {
            let req = Request {
                action: (*action).to_string(),
                resource: "*".to_string(),
                ..Request::default()
            };
            let m = policy_match(&req, policy, false, Known::Only(&[]));
            if m.allows {
                out.allow |= 1 << i;
            }
            if m.denies {
                out.deny |= 1 << i;
            }
        }
        out
    }

    /// The probes allowed when these facts are all a principal has: allowed and not denied.
    pub fn granted(self) -> u32 {
        self.allow & !self.deny
    }

    /// Combines the facts of several policies of one principal.
    pub fn union(self, other: PolicyFacts) -> PolicyFacts {
        PolicyFacts {
            allow: self.allow | other.allow,
            deny: self.deny | other.deny,
        }
    }
}

/// Whether the granted probes make a principal admin-equivalent: `*` on `*`, or an action that
/// lets it grant itself anything.
pub fn is_admin(granted: u32) -> bool {
    granted & FULL_ADMIN == FULL_ADMIN || granted & SELF_GRANT != 0
}

/// Whether the granted probes are `*` on `*` (not only a self-grant).
pub fn is_full_admin(granted: u32) -> bool {
    granted & FULL_ADMIN == FULL_ADMIN
}

/// Whether the granted probes include an IAM write on every resource.
pub fn manages_iam(granted: u32) -> bool {
    granted & IAM_WRITES != 0
}

/// Whether a resource policy is public as Amazon S3's Block Public Access judges it ("The
/// meaning of public"): some `Allow` statement names anyone — `Principal` `*` (of any type) or
/// `NotPrincipal`, which allows everyone but the principals it names — and none of its
/// conditions pins who calls or from where. A condition that does not (`aws:SecureTransport`,
/// `s3:prefix`, a date …) leaves the statement public; see [`restricts_caller`].
pub fn allows_anyone(policy: &Policy) -> bool {
    policy.statements.iter().any(|s| {
        s.effect == Effect::Allow
            && s.principal.as_ref().is_some_and(|p| {
                p.not
                    || match &p.principal {
                        Principal::Any => true,
                        Principal::Map(m) => m.iter().any(|(_, v, _)| v.iter().any(|x| x == "*")),
                    }
            })
            && !s.conditions.iter().any(restricts_caller)
    })
}

/// Condition keys whose fixed values pin the principal or the source of a request (lowercase):
/// S3's list of what makes a `*` policy non-public, with the organization and principal keys
/// that name the caller as narrowly (and KMS's `kms:CallerAccount`, which key policies use
/// for the same).
const CALLER_KEYS: [&str; 19] = [
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourceip",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalservicename",
    "aws:userid",
    "aws:username",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
    "s3:dataaccesspointarn",
    "s3:dataaccesspointaccount",
    "kms:calleraccount",
];

/// Whether one condition limits a statement to fixed callers or sources: a positive equality,
/// `Like` or `IpAddress` test (alone or `ForAnyValue:`) on one of [`CALLER_KEYS`] whose every
/// value is fixed — no wildcard, no policy variable — and, for `aws:SourceIp`, not the whole
/// internet. Negated operators, `…IfExists` (true when the key is absent), `ForAllValues:`
/// (true for an empty set) and `Null` restrict nothing.
pub fn restricts_caller(c: &Condition) -> bool {
    let Some(op) = c.op else {
        return false;
    };
    if op.negated || op.if_exists || op.set == Some(SetOp::ForAllValues) {
        return false;
    }
    let key = c.key.to_ascii_lowercase();
    if !CALLER_KEYS.contains(&key.as_str()) || c.values.is_empty() {
        return false;
    }
    let fixed = |v: &str| !v.is_empty() && !v.contains(['*', '?']) && !v.contains("${");
    match op.base {
        Base::IpAddress => {
            key == "aws:sourceip" && c.values.iter().all(|v| not_everywhere(v.as_str()))
        }
        Base::StringEquals | Base::StringEqualsIgnoreCase | Base::StringLike => {
            key != "aws:sourceip" && c.values.iter().all(|v| fixed(v.as_str()))
        }
        Base::ArnEquals | Base::ArnLike => c.values.iter().all(|v| fixed(v.as_str())),
        _ => false,
    }
}

/// An address range of `aws:SourceIp` that is not the whole internet (`/0`); a value that
/// does not parse restricts nothing.
fn not_everywhere(cidr: &str) -> bool {
    let (addr, len) = cidr.split_once('/').unwrap_or((cidr, "128"));
    addr.parse::<std::net::IpAddr>().is_ok() && len.parse::<u8>().is_ok_and(|l| l > 0)
}

/// Whether the facts deny every probe of [`FULL_ADMIN`]: `*` on `*` is denied (a deny-all
/// policy such as `AWSDenyAll`).
pub fn denies_all(facts: PolicyFacts) -> bool {
    facts.deny & FULL_ADMIN == FULL_ADMIN
}

/// The principals of a trust policy's `Allow` statements that belong to another account than
/// `own_account`, or are `*` (anyone): who outside the account may assume the role, with or
/// without conditions.
pub fn foreign_principals(trust: &Policy, own_account: &str) -> Vec<String> {
    let mut out = BTreeSet::new();
    for s in &trust.statements {
        if s.effect != Effect::Allow {
            continue;
        }
        let Some(pe) = &s.principal else {
            continue;
        };
        match &pe.principal {
            Principal::Any => {
                out.insert("*".to_string());
            }
            Principal::Map(m) => {
                for (t, vs, _) in m {
                    for v in vs {
                        let foreign = v == "*"
                            || (t == "AWS"
                                && principal_account(v).is_some_and(|a| a != own_account));
                        if foreign {
                            out.insert(v.clone());
                        }
                    }
                }
            }
        }
    }
    out.into_iter().collect()
}

/// The account id a principal string belongs to (`arn:aws:iam::123:root`, `123`), if any.
pub fn principal_account(p: &str) -> Option<&str> {
    if p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit()) {
        return Some(p);
    }
    let rest = p.strip_prefix("arn:")?;
    let acct = rest.split(':').nth(3)?;
    (!acct.is_empty()).then_some(acct)
}

/// What a role's trust policy says about callers from other accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustVerdict {
    /// No `Allow` statement names `*` or a principal of another account.
    NotCrossAccount,
    /// Every caller from another account needs MFA.
    MfaRequired,
    /// Some caller from another account may assume the role without MFA.
    WithoutMfa {
        /// The principals of the cross-account `Allow` statements.
        trusted: Vec<String>,
        /// `long-term access keys` or `a session without MFA`.
        how: &'static str,
    },
}

/// The condition keys that say whether and when the caller signed in with MFA.
pub(crate) const MFA_KEYS: [&str; 2] = ["aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge"];

/// The principals of a resource policy's `Allow` statements that name another account than
/// `own_account` or anyone (as written), and one caller to probe the evaluator with for each:
/// a user of that account (an account or its root), the principal itself (a user or role
/// ARN), a user of an unrelated account for `*`.
fn foreign_callers(policy: &Policy, own_account: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let foreign = if own_account == "999999999999" {
        "999999999998"
    } else {
        "999999999999"
    };
    let mut trusted = BTreeSet::new();
    let mut probes = BTreeSet::new();
    for s in &policy.statements {
        if s.effect != Effect::Allow {
            continue;
        }
        let Some(pe) = &s.principal else {
            continue;
        };
        let values: Vec<(&str, &str)> = match &pe.principal {
            Principal::Any => vec![("AWS", "*")],
            Principal::Map(m) => m
                .iter()
                .flat_map(|(t, vs, _)| vs.iter().map(move |v| (t.as_str(), v.as_str())))
                .collect(),
        };
        let cross = values
            .iter()
            .any(|(_, v)| *v == "*" || principal_account(v).is_some_and(|a| a != own_account));
        if !cross {
            continue;
        }
        for (t, v) in values {
            trusted.insert(v.to_string());
            if v == "*" {
                probes.insert(format!("arn:aws:iam::{foreign}:user/yagura-probe"));
            } else if t == "AWS" {
                match principal_account(v) {
                    Some(a) if a == own_account => {}
                    Some(a) if v.len() == 12 || v.ends_with(":root") => {
                        probes.insert(format!("arn:aws:iam::{a}:user/yagura-probe"));
                    }
                    Some(_) => {
                        probes.insert(v.to_string());
                    }
                    None => {}
                }
            }
        }
    }
    (trusted, probes)
}

/// S3's actions that FSBP S3.6 forbids to other accounts in a bucket policy: bucket-level ones
/// on the bucket, `s3:PutObjectAcl` on its objects.
pub const S3_FOREIGN_DENIED: [&str; 5] = [
    "s3:DeleteBucketPolicy",
    "s3:PutBucketAcl",
    "s3:PutBucketPolicy",
    "s3:PutEncryptionConfiguration",
    "s3:PutObjectAcl",
];

/// The actions of [`S3_FOREIGN_DENIED`] that bucket policy `policy` of bucket `bucket` (in
/// `own_account`) allows some principal of another account, or anyone, to call; conditions are assumed to hold in `Allow` statements and not in `Deny`
/// ones, as in [`cross_account_trust`].
pub fn s3_foreign_grants(
    policy: &Policy,
    own_account: &str,
    partition: &str,
    bucket: &str,
) -> Vec<&'static str> {
    let (_, probes) = foreign_callers(policy, own_account);
    let mut out = Vec::new();
    for action in S3_FOREIGN_DENIED {
        let resource = if action == "s3:PutObjectAcl" {
            format!("arn:{partition}:s3:::{bucket}/yagura-probe")
        } else {
            format!("arn:{partition}:s3:::{bucket}")
        };
        for principal in &probes {
            let req = Request {
                principal: principal.clone(),
                action: action.to_string(),
                resource: resource.clone(),
                resource_account: Some(own_account.to_string()),
                ..Request::default()
            };
            let m = policy_match(&req, policy, true, Known::Only(&[]));
            if m.allows && !m.denies {
                out.push(action);
                break;
            }
        }
    }
    out
}

/// KMS's decryption actions that FSBP KMS.1 and KMS.2 forbid on every key.
pub const KMS_DECRYPT: [&str; 2] = ["kms:Decrypt", "kms:ReEncryptFrom"];

/// The actions of [`KMS_DECRYPT`] that identity policy `policy` may allow on every KMS key of
/// `own_account`: on a key of a region no statement can name (so only `*` and wildcards over
/// regions and key ids match), conditions assumed to hold in `Allow` statements and not in
/// `Deny` ones.
pub fn kms_decrypt_on_all_keys(
    policy: &Policy,
    own_account: &str,
    partition: &str,
) -> Vec<&'static str> {
    let resource = format!("arn:{partition}:kms:yagura-probe-1:{own_account}:key/yagura-probe");
    KMS_DECRYPT
        .into_iter()
        .filter(|action| {
            let req = Request {
                action: (*action).to_string(),
                resource: resource.clone(),
                ..Request::default()
            };
            let m = policy_match(&req, policy, false, Known::Only(&[]));
            m.allows && !m.denies
        })
        .collect()
}

/// The `service:*` actions (every action of one service) of an identity policy's `Allow`
/// statements, as written (FSBP IAM.21). `*` alone (every service) is IAM.1's question.
pub fn service_wildcard_actions(policy: &Policy) -> Vec<String> {
    let mut out = BTreeSet::new();
    for s in policy
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Allow)
    {
        let Some(m) = s.action.as_ref().filter(|m| !m.not) else {
            continue;
        };
        for p in &m.patterns {
            if p.raw.split_once(':').is_some_and(|(svc, rest)| {
                rest == "*" && !svc.is_empty() && !svc.contains(['*', '?'])
            }) {
                out.insert(p.raw.clone());
            }
        }
    }
    out.into_iter().collect()
}

/// Judges a role's trust policy (AUD-19, IAM-04): may a principal of another account (or
/// anyone, for `*`) assume the role without MFA? The MFA keys are fixed to a request without
/// MFA (absent: long-term access keys; `false`: a session without MFA); other conditions
/// (`sts:ExternalId`, `aws:PrincipalOrgID`, …) are assumed satisfiable by the caller, so a
/// role guarded only by an external id still needs MFA to pass.
pub fn cross_account_trust(trust: &Policy, own_account: &str, role_arn: &str) -> TrustVerdict {
    let (trusted, probes) = foreign_callers(trust, own_account);
    if trusted.is_empty() {
        return TrustVerdict::NotCrossAccount;
    }
    let no_mfa: [(&'static str, Option<&str>); 2] = [
        ("long-term access keys", None),
        ("a session without MFA", Some("false")),
    ];
    for (how, present) in no_mfa {
        for principal in &probes {
            let mut req = Request {
                principal: principal.clone(),
                action: "sts:AssumeRole".to_string(),
                resource: role_arn.to_string(),
                resource_account: Some(own_account.to_string()),
                ..Request::default()
            };
            if let Some(v) = present {
                req.context
                    .insert(MFA_KEYS[0].to_string(), vec![v.to_string()]);
            }
            let m = policy_match(&req, trust, true, Known::Only(&MFA_KEYS));
            if m.allows && !m.denies {
                return TrustVerdict::WithoutMfa {
                    trusted: trusted.into_iter().collect(),
                    how,
                };
            }
        }
    }
    TrustVerdict::MfaRequired
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn p(s: &str) -> Policy {
        Policy::parse("t", s).unwrap()
    }

    #[test]
    fn s3_foreign_grants_name_the_accounts_that_may_rewrite_the_policy() {
        let named = p(
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},
            "Action":["s3:PutBucketPolicy","s3:GetObject"],"Resource":"arn:aws:s3:::b"}]}"#,
        );
        let got = s3_foreign_grants(&named, "111122223333", "aws", "b");
        assert_eq!(got, vec!["s3:PutBucketPolicy"]);
        // The same grant to the bucket's own account, or reads only, are fine.
        let own = p(
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},
            "Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}]}"#,
        );
        assert!(s3_foreign_grants(&own, "111122223333", "aws", "b").is_empty());
        let reads = p(r#"{"Statement":[{"Effect":"Allow","Principal":"*",
            "Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#);
        assert!(s3_foreign_grants(&reads, "111122223333", "aws", "b").is_empty());
        // Object ACLs are judged on the objects; a deny for everyone wins.
        let acl = p(
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:Put*","Resource":"arn:aws:s3:::b/*"},
            {"Effect":"Deny","Principal":"*","Action":"s3:PutObjectAcl","Resource":"*"}]}"#,
        );
        assert!(s3_foreign_grants(&acl, "111122223333", "aws", "b").is_empty());
    }

    #[test]
    fn kms_decrypt_on_all_keys_is_any_key_of_any_region() {
        let acct = "111122223333";
        for (doc, want) in [
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}"#,
                vec!["kms:Decrypt"],
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"arn:aws:kms:*:111122223333:key/*"}]}"#,
                vec!["kms:Decrypt", "kms:ReEncryptFrom"],
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:111122223333:key/k1"}]}"#,
                vec![],
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*"}]}"#,
                vec![],
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"kms:*","Resource":"*"}]}"#,
                vec![],
            ),
        ] {
            assert_eq!(kms_decrypt_on_all_keys(&p(doc), acct, "aws"), want, "{doc}");
        }
    }

    #[test]
    fn service_wildcards_are_allowed_actions_over_one_whole_service() {
        let doc = p(
            r#"{"Statement":[{"Effect":"Allow","Action":["s3:*","EC2:*","iam:Get*","*"],"Resource":"*"},
            {"Effect":"Deny","Action":"kms:*","Resource":"*"},{"Effect":"Allow","NotAction":"sqs:*","Resource":"*"}]}"#,
        );
        assert_eq!(service_wildcard_actions(&doc), vec!["EC2:*", "s3:*"]);
    }

    fn granted(s: &str) -> u32 {
        PolicyFacts::of(&p(s)).granted()
    }

    #[test]
    fn admin_forms() {
        assert!(is_admin(granted(
            r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#
        )));
        assert!(is_admin(granted(
            r#"{"Statement":[{"Effect":"Allow","Action":["iam:Put*"],"Resource":"*"}]}"#
        )));
        let power = granted(
            r#"{"Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"}]}"#,
        );
        assert!(!is_admin(power));
        assert!(!manages_iam(power));
        assert!(!is_admin(granted(
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}"#
        )));
        // A deny in the same policy is honoured.
        assert!(!is_admin(granted(
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#
        )));
        // Admin under a condition is admin; a conditional deny may not apply.
        assert!(is_admin(granted(
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}},
                {"Effect":"Deny","NotAction":"iam:*MFA*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}"#
        )));
        // Scoped to some resources only: not on every resource.
        assert!(!is_admin(granted(
            r#"{"Statement":{"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam::*:user/${aws:username}"}}"#
        )));
    }

    #[test]
    fn a_deny_elsewhere_removes_admin() {
        let admin = PolicyFacts::of(&p(
            r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
        ));
        let deny_all = PolicyFacts::of(&p(
            r#"{"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}"#,
        ));
        assert!(is_admin(admin.granted()));
        assert!(!is_admin(admin.union(deny_all).granted()));
    }

    #[test]
    fn trust_needs_mfa_from_other_accounts() {
        let role = "arn:aws:iam::111111111111:role/r";
        let t = |s: &str| cross_account_trust(&p(s), "111111111111", role);
        assert_eq!(
            t(
                r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}"#
            ),
            TrustVerdict::NotCrossAccount
        );
        assert_eq!(
            t(
                r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"sts:AssumeRole",
                "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}}"#
            ),
            TrustVerdict::MfaRequired
        );
        // An external id alone does not stand for MFA.
        assert!(matches!(
            t(
                r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"sts:AssumeRole",
                "Condition":{"StringEquals":{"sts:ExternalId":"x"}}}}"#
            ),
            TrustVerdict::WithoutMfa {
                how: "long-term access keys",
                ..
            }
        ));
        // BoolIfExists lets long-term keys through.
        assert!(matches!(
            t(
                r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:user/u"},"Action":"sts:AssumeRole",
                "Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}}}"#
            ),
            TrustVerdict::WithoutMfa { .. }
        ));
        // NumericLessThanIfExists on the MFA age lets long-term keys through too.
        assert!(matches!(
            t(
                r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole",
                "Condition":{"NumericLessThanIfExists":{"aws:MultiFactorAuthAge":"3600"}}}}"#
            ),
            TrustVerdict::WithoutMfa { .. }
        ));
        assert_eq!(
            t(
                r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole",
                "Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}}}"#
            ),
            TrustVerdict::MfaRequired
        );
        // A deny without MFA makes an unconditional allow safe.
        assert_eq!(
            t(
                r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"sts:AssumeRole"},
                {"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}"#
            ),
            TrustVerdict::MfaRequired
        );
    }

    #[test]
    fn public_resource_policies() {
        assert!(allows_anyone(&p(
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}}"#
        )));
        assert!(allows_anyone(&p(
            r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":"s3:GetObject","Resource":"*"}}"#
        )));
        assert!(allows_anyone(&p(
            r#"{"Statement":{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::1:root"},"Action":"s3:GetObject","Resource":"*"}}"#
        )));
        assert!(!allows_anyone(&p(
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}}"#
        )));
    }

    /// Issue 18: a condition that does not say who calls or from where leaves `*` public.
    #[test]
    fn only_conditions_on_the_caller_make_anyone_non_public() {
        let with = |cond: &str| {
            allows_anyone(&p(&format!(
                r#"{{"Statement":{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{cond}}}}}"#
            )))
        };
        // Public: the condition does not restrict who.
        for cond in [
            r#"{"Bool":{"aws:SecureTransport":"true"}}"#,
            r#"{"StringLike":{"s3:prefix":"home/"}}"#,
            r#"{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}"#,
            r#"{"NumericLessThan":{"s3:TlsVersion":"1.2"}}"#,
            // Wildcards, variables, negations, absent keys and the whole internet.
            r#"{"StringLike":{"aws:PrincipalOrgID":"*"}}"#,
            r#"{"StringEquals":{"aws:SourceAccount":"${aws:PrincipalAccount}"}}"#,
            r#"{"ArnLike":{"aws:SourceArn":"arn:aws:cloudtrail:*:*:trail/*"}}"#,
            r#"{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}"#,
            r#"{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1a2b3c4d"}}"#,
            r#"{"ForAllValues:StringEquals":{"aws:PrincipalOrgPaths":["o-1/r-1/ou-1/"]}}"#,
            r#"{"Null":{"aws:SourceArn":"false"}}"#,
            r#"{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","0.0.0.0/0"]}}"#,
            r#"{"IpAddress":{"aws:SourceIp":"::/0"}}"#,
            r#"{"StringEquals":{"aws:SourceVpce":["vpce-1a2b3c4d","*"]}}"#,
        ] {
            assert!(with(cond), "{cond} must stay public");
        }
        // Not public: fixed callers or sources (keys are case-insensitive).
        for cond in [
            r#"{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}"#,
            r#"{"StringEquals":{"AWS:SOURCEACCOUNT":"111122223333"}}"#,
            r#"{"ArnEquals":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:111122223333:trail/main"}}"#,
            r#"{"ForAnyValue:StringEquals":{"aws:PrincipalOrgPaths":["o-1/r-1/ou-1/"]}}"#,
            r#"{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]}}"#,
            r#"{"StringEquals":{"aws:PrincipalServiceName":"cloudfront.amazonaws.com"}}"#,
            // One restricting condition among others is enough.
            r#"{"Bool":{"aws:SecureTransport":"true"},"StringEquals":{"aws:PrincipalOrgID":"o-1"}}"#,
        ] {
            assert!(!with(cond), "{cond} must not be public");
        }
        assert_eq!(
            principal_account("arn:aws:iam::111122223333:root"),
            Some("111122223333")
        );
        assert_eq!(principal_account("ec2.amazonaws.com"), None);
    }
}
