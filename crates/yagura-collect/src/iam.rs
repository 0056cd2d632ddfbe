//! IAM: one paginated GetAccountAuthorizationDetails for users, groups, roles and customer
//! managed policies, the AWS managed policies in use (their documents cached per run), the
//! credential report for credentials and their use, and a few account-wide calls.

use crate::error::{collect_error, is_code};
use crate::ok;
use aws_sdk_iam::types::{EntityType, ReportStateType, SummaryKeyType};
use aws_smithy_types::date_time::Format;
use futures::{stream, StreamExt, TryStreamExt};
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use yagura_inventory::{
    AccountSummary, AttachedPolicy, CollectError, Collected, CredentialReportRow, Group, Iam,
    InlinePolicy, ManagedPolicy, PasswordPolicy, ReportAccessKey, Role, ServerCertificate, Tags,
    User, VirtualMfaDevice,
};

pub(crate) fn fmt_time(t: &aws_smithy_types::DateTime) -> String {
    t.fmt(Format::DateTime).unwrap_or_default()
}

/// IAM returns policy documents URL-encoded (RFC 3986).
pub(crate) fn decode_document(doc: &str) -> String {
    if doc.trim_start().starts_with('{') {
        return doc.to_string();
    }
    percent_encoding::percent_decode_str(doc)
        .decode_utf8_lossy()
        .into_owned()
}

fn attached(list: &[aws_sdk_iam::types::AttachedPolicy]) -> Vec<AttachedPolicy> {
    list.iter()
        .map(|p| AttachedPolicy {
            name: p.policy_name().unwrap_or_default().to_string(),
            arn: p.policy_arn().unwrap_or_default().to_string(),
        })
        .collect()
}

fn inline(list: &[aws_sdk_iam::types::PolicyDetail]) -> Vec<InlinePolicy> {
    list.iter()
        .map(|p| InlinePolicy {
            name: p.policy_name().unwrap_or_default().to_string(),
            document: decode_document(p.policy_document().unwrap_or_default()),
        })
        .collect()
}

fn tags(list: &[aws_sdk_iam::types::Tag]) -> Tags {
    list.iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect()
}

/// The documents of AWS managed policies by (ARN, version id). An AWS managed policy version
/// is the same in every account and never changes, so one cache serves a whole run: an
/// Organization audit reads each document once, not once per account.
#[derive(Clone, Default)]
pub struct AwsPolicyCache(Arc<Mutex<HashMap<(String, String), String>>>);

impl AwsPolicyCache {
    fn get(&self, arn: &str, version: &str) -> Option<String> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&(arn.to_string(), version.to_string())).cloned()
    }

    fn put(&self, arn: &str, version: &str, document: &str) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.insert((arn.to_string(), version.to_string()), document.to_string());
    }

    /// How many documents the cache holds.
    pub fn len(&self) -> usize {
        self.0
            .lock()
            .map(|m| m.len())
            .unwrap_or_else(|e| e.into_inner().len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl std::fmt::Debug for AwsPolicyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AwsPolicyCache({} documents)", self.len())
    }
}

pub(crate) async fn collect(client: &aws_sdk_iam::Client, cache: &AwsPolicyCache) -> Iam {
    let (
        details,
        attached,
        password_policy,
        summary,
        credential_report,
        virtual_mfa_devices,
        server_certificates,
    ) = futures::join!(
        authorization_details(client),
        aws_policies_attached(client, cache),
        password_policy(client),
        summary(client),
        credential_report(client),
        virtual_mfa(client),
        server_certificates(client),
    );
    let (users, groups, roles, policies) = match details {
        Ok((users, groups, roles, mut policies)) => {
            let policies =
                match aws_policies_in_use(client, cache, attached, &users, &groups, &roles).await {
                    Ok(aws) => {
                        policies.extend(aws);
                        ok(policies)
                    }
                    Err(e) => Collected::Error(e),
                };
            (ok(users), ok(groups), ok(roles), policies)
        }
        Err(e) => (
            Collected::Error(e.clone()),
            Collected::Error(e.clone()),
            Collected::Error(e.clone()),
            Collected::Error(e),
        ),
    };
    Iam {
        users,
        roles,
        groups,
        policies,
        password_policy,
        summary,
        credential_report,
        virtual_mfa_devices,
        server_certificates,
    }
}

type Details = (Vec<User>, Vec<Group>, Vec<Role>, Vec<ManagedPolicy>);

async fn authorization_details(client: &aws_sdk_iam::Client) -> Result<Details, CollectError> {
    const OP: &str = "iam:GetAccountAuthorizationDetails";
    let mut pages = client
        .get_account_authorization_details()
        .filter(EntityType::User)
        .filter(EntityType::Group)
        .filter(EntityType::Role)
        .filter(EntityType::LocalManagedPolicy)
        .into_paginator()
        .send();
    let (mut users, mut groups, mut roles, mut policies) = (vec![], vec![], vec![], vec![]);
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| collect_error(OP, e))?;
        for u in page.user_detail_list() {
            users.push(User {
                name: u.user_name().unwrap_or_default().to_string(),
                arn: u.arn().unwrap_or_default().to_string(),
                created: u.create_date().map(fmt_time).unwrap_or_default(),
                tags: tags(u.tags()),
                attached_policies: attached(u.attached_managed_policies()),
                inline_policies: inline(u.user_policy_list()),
                groups: u.group_list().to_vec(),
                path: u.path().unwrap_or_default().to_string(),
                permissions_boundary: u
                    .permissions_boundary()
                    .and_then(|b| b.permissions_boundary_arn())
                    .map(str::to_string),
            });
        }
        for g in page.group_detail_list() {
            groups.push(Group {
                name: g.group_name().unwrap_or_default().to_string(),
                arn: g.arn().unwrap_or_default().to_string(),
                attached_policies: attached(g.attached_managed_policies()),
                inline_policies: inline(g.group_policy_list()),
            });
        }
        for r in page.role_detail_list() {
            roles.push(Role {
                name: r.role_name().unwrap_or_default().to_string(),
                arn: r.arn().unwrap_or_default().to_string(),
                path: r.path().unwrap_or_default().to_string(),
                trust_policy: decode_document(r.assume_role_policy_document().unwrap_or_default()),
                attached_policies: attached(r.attached_managed_policies()),
                inline_policies: inline(r.role_policy_list()),
                last_used: r
                    .role_last_used()
                    .and_then(|l| l.last_used_date())
                    .map(fmt_time),
                tags: tags(r.tags()),
                permissions_boundary: r
                    .permissions_boundary()
                    .and_then(|b| b.permissions_boundary_arn())
                    .map(str::to_string),
                instance_profiles: r
                    .instance_profile_list()
                    .iter()
                    .map(|ip| ip.arn().to_string())
                    .collect(),
            });
        }
        for p in page.policies() {
            let doc = p
                .policy_version_list()
                .iter()
                .find(|v| v.is_default_version())
                .and_then(|v| v.document())
                .map(decode_document)
                .unwrap_or_default();
            let arn = p.arn().unwrap_or_default();
            // The name is the ARN's last segment when the answer leaves it out (moto does).
            let name = p
                .policy_name()
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or_default());
            policies.push(ManagedPolicy {
                name: name.to_string(),
                arn: arn.to_string(),
                document: doc,
            });
        }
    }
    Ok((users, groups, roles, policies))
}

/// Whether an ARN names an AWS managed policy (`arn:<partition>:iam::aws:policy/...`).
fn is_aws_managed(arn: &str) -> bool {
    arn.contains(":iam::aws:policy/")
}

/// The AWS managed policies the users, groups and roles refer to, attached or as boundary.
fn referenced_aws_policies(users: &[User], groups: &[Group], roles: &[Role]) -> BTreeSet<String> {
    let attached = users
        .iter()
        .flat_map(|u| &u.attached_policies)
        .chain(groups.iter().flat_map(|g| &g.attached_policies))
        .chain(roles.iter().flat_map(|r| &r.attached_policies))
        .map(|p| p.arn.as_str());
    let boundaries = users
        .iter()
        .filter_map(|u| u.permissions_boundary.as_deref())
        .chain(
            roles
                .iter()
                .filter_map(|r| r.permissions_boundary.as_deref()),
        );
    attached
        .chain(boundaries)
        .filter(|arn| is_aws_managed(arn))
        .map(str::to_string)
        .collect()
}

/// Concurrent IAM reads of policy documents.
const POLICY_READS: usize = 8;

/// The AWS managed policies the principals use: those ListPolicies reported attached
/// (`attached`), plus the ones referred to but not listed — a policy used only as a
/// permissions boundary is not "attached", and one attached between the two reads is not
/// listed yet — read by ARN.
async fn aws_policies_in_use(
    client: &aws_sdk_iam::Client,
    cache: &AwsPolicyCache,
    attached: Result<Vec<ManagedPolicy>, CollectError>,
    users: &[User],
    groups: &[Group],
    roles: &[Role],
) -> Result<Vec<ManagedPolicy>, CollectError> {
    let mut aws = attached?;
    let listed: BTreeSet<&str> = aws.iter().map(|p| p.arn.as_str()).collect();
    let missing: Vec<String> = referenced_aws_policies(users, groups, roles)
        .into_iter()
        .filter(|arn| !listed.contains(arn.as_str()))
        .collect();
    aws.extend(aws_policies_by_arn(client, cache, missing).await?);
    Ok(aws)
}

/// A managed policy's name, ARN and default version id, as ListPolicies and GetPolicy give it.
type PolicyRef = (String, String, String);

fn policy_ref(p: &aws_sdk_iam::types::Policy) -> PolicyRef {
    (
        p.policy_name().unwrap_or_default().to_string(),
        p.arn().unwrap_or_default().to_string(),
        p.default_version_id().unwrap_or_default().to_string(),
    )
}

/// The AWS managed policies attached to something in the account, with their default
/// documents: ListPolicies (Scope=AWS, OnlyAttached) and one GetPolicyVersion per policy the
/// cache does not hold. GetAccountAuthorizationDetails could return them too, but it repeats
/// every document in every account of an Organization (and some endpoints list all ~1,300
/// AWS managed policies there, attached or not).
async fn aws_policies_attached(
    client: &aws_sdk_iam::Client,
    cache: &AwsPolicyCache,
) -> Result<Vec<ManagedPolicy>, CollectError> {
    let mut pages = client
        .list_policies()
        .scope(aws_sdk_iam::types::PolicyScopeType::Aws)
        .only_attached(true)
        .into_paginator()
        .send();
    let mut listed = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| collect_error("iam:ListPolicies", e))?;
        listed.extend(page.policies().iter().map(policy_ref));
    }
    with_documents(client, cache, listed).await
}

/// AWS managed policies by ARN: GetPolicy for the default version, then its document. An ARN
/// IAM does not know (NoSuchEntity) is left out: the principals referring to it get UNKNOWN for
/// that policy alone, the rest of the account is judged.
async fn aws_policies_by_arn(
    client: &aws_sdk_iam::Client,
    cache: &AwsPolicyCache,
    arns: Vec<String>,
) -> Result<Vec<ManagedPolicy>, CollectError> {
    let found: Vec<Option<PolicyRef>> = stream::iter(arns)
        .map(|arn| async move {
            match client.get_policy().policy_arn(&arn).send().await {
                Ok(out) => Ok(out.policy().map(policy_ref)),
                Err(e) if is_code(&e, &["NoSuchEntity"]) => Ok(None),
                Err(e) => Err(collect_error("iam:GetPolicy", e)),
            }
        })
        .buffer_unordered(POLICY_READS)
        .try_collect()
        .await?;
    with_documents(client, cache, found.into_iter().flatten().collect()).await
}

/// The policies with their documents, read concurrently.
async fn with_documents(
    client: &aws_sdk_iam::Client,
    cache: &AwsPolicyCache,
    refs: Vec<PolicyRef>,
) -> Result<Vec<ManagedPolicy>, CollectError> {
    stream::iter(refs)
        .map(|(name, arn, version)| async move {
            let document = policy_document(client, cache, &arn, &version).await?;
            Ok(ManagedPolicy {
                name,
                arn,
                document,
            })
        })
        .buffer_unordered(POLICY_READS)
        .try_collect()
        .await
}

/// The decoded document of one policy version, from the cache or GetPolicyVersion.
async fn policy_document(
    client: &aws_sdk_iam::Client,
    cache: &AwsPolicyCache,
    arn: &str,
    version: &str,
) -> Result<String, CollectError> {
    if let Some(doc) = cache.get(arn, version) {
        return Ok(doc);
    }
    let out = client
        .get_policy_version()
        .policy_arn(arn)
        .version_id(version)
        .send()
        .await
        .map_err(|e| collect_error("iam:GetPolicyVersion", e))?;
    let document = out
        .policy_version()
        .and_then(|v| v.document())
        .map(decode_document)
        .unwrap_or_default();
    cache.put(arn, version, &document);
    Ok(document)
}

async fn password_policy(client: &aws_sdk_iam::Client) -> Collected<Option<PasswordPolicy>> {
    match client.get_account_password_policy().send().await {
        Ok(out) => ok(out.password_policy().map(|p| PasswordPolicy {
            minimum_length: p.minimum_password_length().unwrap_or(0).max(0) as u32,
            require_symbols: p.require_symbols(),
            require_numbers: p.require_numbers(),
            require_uppercase: p.require_uppercase_characters(),
            require_lowercase: p.require_lowercase_characters(),
            max_age_days: p.max_password_age().map(|d| d.max(0) as u32),
            reuse_prevention: p.password_reuse_prevention().map(|d| d.max(0) as u32),
        })),
        Err(e) if is_code(&e, &["NoSuchEntity"]) => ok(None),
        Err(e) => Collected::Error(collect_error("iam:GetAccountPasswordPolicy", e)),
    }
}

async fn summary(client: &aws_sdk_iam::Client) -> Collected<AccountSummary> {
    match client.get_account_summary().send().await {
        Ok(out) => {
            let get = |k: SummaryKeyType| {
                out.summary_map()
                    .and_then(|m| m.get(&k))
                    .copied()
                    .unwrap_or(0)
            };
            ok(AccountSummary {
                account_mfa_enabled: get(SummaryKeyType::AccountMfaEnabled) > 0,
                account_access_keys_present: get(SummaryKeyType::AccountAccessKeysPresent) > 0,
                users: get(SummaryKeyType::Users).max(0) as u64,
            })
        }
        Err(e) => Collected::Error(collect_error("iam:GetAccountSummary", e)),
    }
}

async fn virtual_mfa(client: &aws_sdk_iam::Client) -> Collected<Vec<VirtualMfaDevice>> {
    let mut out = Vec::new();
    let mut pages = client.list_virtual_mfa_devices().into_paginator().send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(p) => out.extend(p.virtual_mfa_devices().iter().map(|d| VirtualMfaDevice {
                serial: d.serial_number().to_string(),
                user_arn: d.user().map(|u| u.arn().to_string()),
            })),
            Err(e) => return Collected::Error(collect_error("iam:ListVirtualMFADevices", e)),
        }
    }
    ok(out)
}

async fn server_certificates(client: &aws_sdk_iam::Client) -> Collected<Vec<ServerCertificate>> {
    let mut out = Vec::new();
    let mut pages = client.list_server_certificates().into_paginator().send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(p) => {
                out.extend(
                    p.server_certificate_metadata_list()
                        .iter()
                        .map(|c| ServerCertificate {
                            name: c.server_certificate_name().to_string(),
                            arn: c.arn().to_string(),
                            expiration: c.expiration().map(fmt_time),
                        }),
                )
            }
            Err(e) => return Collected::Error(collect_error("iam:ListServerCertificates", e)),
        }
    }
    ok(out)
}

async fn credential_report(client: &aws_sdk_iam::Client) -> Collected<Vec<CredentialReportRow>> {
    for attempt in 0..20u64 {
        match client.generate_credential_report().send().await {
            Ok(out) if out.state() == Some(&ReportStateType::Complete) => break,
            Ok(_) => tokio::time::sleep(Duration::from_millis(250 * (attempt + 1).min(8))).await,
            Err(e) if is_code(&e, &["LimitExceeded"]) => {
                tokio::time::sleep(Duration::from_secs(1)).await
            }
            Err(e) => return Collected::Error(collect_error("iam:GenerateCredentialReport", e)),
        }
    }
    match client.get_credential_report().send().await {
        Ok(out) => {
            let bytes = out
                .content()
                .map(|b| b.as_ref().to_vec())
                .unwrap_or_default();
            match parse_credential_report(&String::from_utf8_lossy(&bytes)) {
                Ok(rows) => ok(rows),
                Err(msg) => Collected::Error(CollectError::new(
                    "iam:GetCredentialReport",
                    "MalformedReport",
                    &msg,
                )),
            }
        }
        Err(e) => Collected::Error(collect_error("iam:GetCredentialReport", e)),
    }
}

fn date(v: &str) -> Option<String> {
    match v {
        "" | "N/A" | "not_supported" | "no_information" => None,
        v => Some(v.to_string()),
    }
}

/// Parses the credential report CSV (its fields are never quoted).
pub fn parse_credential_report(text: &str) -> Result<Vec<CredentialReportRow>, String> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines
        .next()
        .ok_or("the credential report is empty")?
        .split(',')
        .collect();
    let col = |name: &str| header.iter().position(|h| *h == name);
    let need = |name: &str| {
        col(name).ok_or_else(|| format!("the credential report has no `{name}` column"))
    };
    let (user, arn) = (need("user")?, need("arn")?);
    let mut rows = Vec::new();
    for (n, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split(',').collect();
        let get = |i: Option<usize>| i.and_then(|i| f.get(i)).copied().unwrap_or("");
        if f.len() < header.len() {
            return Err(format!(
                "line {} of the credential report has {} fields, expected {}",
                n + 2,
                f.len(),
                header.len()
            ));
        }
        let mut keys = Vec::new();
        for slot in [1u8, 2] {
            let active = get(col(&format!("access_key_{slot}_active"))) == "true";
            keys.push(ReportAccessKey {
                slot,
                active,
                last_rotated: date(get(col(&format!("access_key_{slot}_last_rotated")))),
                last_used: date(get(col(&format!("access_key_{slot}_last_used_date")))),
            });
        }
        rows.push(CredentialReportRow {
            user: get(Some(user)).to_string(),
            arn: get(Some(arn)).to_string(),
            user_creation_time: date(get(col("user_creation_time"))),
            password_enabled: get(col("password_enabled")) == "true",
            password_last_used: date(get(col("password_last_used"))),
            mfa_active: get(col("mfa_active")) == "true",
            access_keys: keys,
        });
    }
    Ok(rows)
}

pub(crate) async fn alias(client: &aws_sdk_iam::Client) -> Collected<Option<String>> {
    match client.list_account_aliases().send().await {
        Ok(out) => ok(out.account_aliases().first().cloned()),
        Err(e) => Collected::Error(collect_error("iam:ListAccountAliases", e)),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn report_parses_and_rejects_short_lines() {
        let text = "user,arn,user_creation_time,password_enabled,password_last_used,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date\n\
alice,arn:aws:iam::123456789012:user/alice,2024-01-01T00:00:00+00:00,true,N/A,false,true,2024-01-01T00:00:00+00:00,N/A,false,N/A,N/A\n";
        let rows = parse_credential_report(text).unwrap();
        assert_eq!(rows[0].user, "alice");
        assert!(rows[0].password_enabled && !rows[0].mfa_active);
        assert!(rows[0].access_keys[0].active && rows[0].access_keys[0].last_used.is_none());
        assert!(parse_credential_report("user,arn,x\nbob\n").is_err());
        assert!(parse_credential_report("").is_err());
    }

    #[test]
    fn documents_are_decoded() {
        assert_eq!(decode_document("%7B%22a%22%3A1%7D"), "{\"a\":1}");
        assert_eq!(decode_document("{\"a\":\"100%\"}"), "{\"a\":\"100%\"}");
    }
}
