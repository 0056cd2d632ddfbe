//! Least-privilege analysis (IAM-03) over a GetAccountAuthorizationDetails document: principals
//! that are admin or can make themselves admin, write actions on `Resource: *`, the documented
//! privilege-escalation paths, and actions that expose credentials.

use crate::actions::ActionDb;
use crate::checks;
use crate::eval::{policy_match, Known, Request};
use crate::json::{self, Json, Value};
use crate::policy::Policy;
use crate::summary::{summarize, PolicySummary};
use crate::Error;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use yagura_core::{text, Finding, Status};

static PATHS: &str = include_str!("../data/privesc-paths.json");

/// A documented privilege-escalation path.
#[derive(Debug, Clone, Deserialize)]
pub struct EscalationPath {
    pub id: String,
    pub name: String,
    pub category: String,
    pub required: Vec<String>,
}

#[derive(Deserialize)]
struct PathFile {
    paths: Vec<EscalationPath>,
}

/// The embedded privilege-escalation paths (pathfinding.cloud, Apache-2.0).
pub fn escalation_paths() -> Result<Vec<EscalationPath>, Error> {
    serde_json::from_str::<PathFile>(PATHS)
        .map(|f| f.paths)
        .map_err(|e| Error::Database(format!("privesc-paths.json: {e}")))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    User,
    Role,
    Group,
}

impl PrincipalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::User => "user",
            PrincipalKind::Role => "role",
            PrincipalKind::Group => "group",
        }
    }
}

/// A principal with every policy that applies to it.
#[derive(Debug, Clone)]
pub struct Principal {
    pub kind: PrincipalKind,
    pub name: String,
    pub arn: String,
    /// (label, policy): inline policies, attached managed policies, group policies.
    pub policies: Vec<(String, Policy)>,
    /// Names of the groups a user is in; ARNs of attached customer-managed policies.
    pub groups: Vec<String>,
    pub attached_policy_arns: Vec<String>,
    pub permission_boundary: Option<Policy>,
    /// The trust policy of a role.
    pub trust_policy: Option<Policy>,
}

/// The principals of an account, read from GetAccountAuthorizationDetails, and the problems met
/// while reading (a policy that does not parse is reported, never silently dropped).
#[derive(Debug, Clone, Default)]
pub struct AccountAuthorization {
    pub principals: Vec<Principal>,
    pub errors: Vec<String>,
}

/// Decodes a URL-encoded policy document (`%7B%22Version%22…`); plain text passes through.
pub fn url_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn get<'a>(j: &'a Json, key: &str) -> Option<&'a Json> {
    match &j.value {
        Value::Object(m) => m.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v),
        _ => None,
    }
}

fn get_str<'a>(j: &'a Json, key: &str) -> Option<&'a str> {
    match get(j, key).map(|v| &v.value) {
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
}

fn items<'a>(j: &'a Json, key: &str) -> &'a [Json] {
    match get(j, key).map(|v| &v.value) {
        Some(Value::Array(a)) => a,
        _ => &[],
    }
}

/// A policy document that is either an object or a (URL-encoded) JSON string.
fn document(source: &str, j: &Json) -> Result<Policy, Error> {
    match &j.value {
        Value::String(s) => Policy::parse(source, &url_decode(s)),
        _ => Policy::from_json(source, j),
    }
}

impl AccountAuthorization {
    /// Reads a GetAccountAuthorizationDetails JSON document (`UserDetailList`,
    /// `GroupDetailList`, `RoleDetailList`, `Policies`). `source` names it in errors.
    pub fn from_json(source: &str, text: &str) -> Result<AccountAuthorization, Error> {
        let doc = json::parse(text).map_err(|e| Error::Syntax {
            input: source.to_string(),
            line: e.pos.line,
            column: e.pos.column,
            message: e.message,
        })?;
        if !matches!(doc.value, Value::Object(_)) {
            return Err(Error::Input {
                input: source.to_string(),
                line: doc.pos.line,
                column: doc.pos.column,
                message: format!(
                    "expected a GetAccountAuthorizationDetails object, found {}",
                    doc.value.kind()
                ),
            });
        }
        let mut out = AccountAuthorization::default();
        // Managed policies: ARN → default version document.
        let mut managed: BTreeMap<String, Policy> = BTreeMap::new();
        for p in items(&doc, "Policies") {
            let arn = get_str(p, "Arn").unwrap_or_default().to_string();
            let default = get_str(p, "DefaultVersionId").unwrap_or_default();
            let version = items(p, "PolicyVersionList").iter().find(|v| {
                get_str(v, "VersionId") == Some(default)
                    || matches!(
                        get(v, "IsDefaultVersion").map(|b| &b.value),
                        Some(Value::Bool(true))
                    )
            });
            match version.and_then(|v| get(v, "Document")) {
                Some(d) => match document(&arn, d) {
                    Ok(pol) => {
                        managed.insert(arn, pol);
                    }
                    Err(e) => out.errors.push(e.to_string()),
                },
                None => out.errors.push(format!(
                    "{source}: managed policy `{arn}` has no default version document"
                )),
            }
        }
        let mut errors = Vec::new();
        let inline = |j: &Json,
                      list: &str,
                      owner: &str,
                      into: &mut Vec<(String, Policy)>,
                      errors: &mut Vec<String>| {
            for p in items(j, list) {
                let name = get_str(p, "PolicyName").unwrap_or("?");
                let label = format!("{owner} inline {name}");
                match get(p, "PolicyDocument").map(|d| document(&label, d)) {
                    Some(Ok(pol)) => into.push((label, pol)),
                    Some(Err(e)) => errors.push(e.to_string()),
                    None => errors.push(format!("{source}: `{label}` has no PolicyDocument")),
                }
            }
        };
        let attached = |j: &Json,
                        into: &mut Vec<(String, Policy)>,
                        arns: &mut Vec<String>,
                        errors: &mut Vec<String>| {
            for a in items(j, "AttachedManagedPolicies") {
                let arn = get_str(a, "PolicyArn").unwrap_or_default();
                arns.push(arn.to_string());
                match managed.get(arn) {
                    Some(p) => into.push((format!("managed {arn}"), p.clone())),
                    None => errors.push(format!(
                        "{source}: attached policy `{arn}` is not in `Policies`; its permissions are unknown"
                    )),
                }
            }
        };
        let boundary = |j: &Json| {
            get(j, "PermissionsBoundary")
                .and_then(|b| get_str(b, "PermissionsBoundaryArn"))
                .and_then(|arn| managed.get(arn).cloned())
        };
        // Groups first: users inherit their policies.
        let mut groups: BTreeMap<String, GroupPolicies> = BTreeMap::new();
        for g in items(&doc, "GroupDetailList") {
            let name = get_str(g, "GroupName").unwrap_or_default().to_string();
            let mut pols = Vec::new();
            let mut arns = Vec::new();
            inline(
                g,
                "GroupPolicyList",
                &format!("group {name}"),
                &mut pols,
                &mut errors,
            );
            attached(g, &mut pols, &mut arns, &mut errors);
            out.principals.push(Principal {
                kind: PrincipalKind::Group,
                name: name.clone(),
                arn: get_str(g, "Arn").unwrap_or_default().to_string(),
                policies: pols.clone(),
                groups: Vec::new(),
                attached_policy_arns: arns.clone(),
                permission_boundary: None,
                trust_policy: None,
            });
            groups.insert(name, (pols, arns));
        }
        for u in items(&doc, "UserDetailList") {
            let name = get_str(u, "UserName").unwrap_or_default().to_string();
            let mut pols = Vec::new();
            let mut arns = Vec::new();
            inline(
                u,
                "UserPolicyList",
                &format!("user {name}"),
                &mut pols,
                &mut errors,
            );
            attached(u, &mut pols, &mut arns, &mut errors);
            let mut member_of = Vec::new();
            for g in items(u, "GroupList") {
                if let Value::String(gname) = &g.value {
                    member_of.push(gname.clone());
                    if let Some((gp, ga)) = groups.get(gname) {
                        pols.extend(gp.iter().cloned());
                        arns.extend(ga.iter().cloned());
                    }
                }
            }
            out.principals.push(Principal {
                kind: PrincipalKind::User,
                name,
                arn: get_str(u, "Arn").unwrap_or_default().to_string(),
                policies: pols,
                groups: member_of,
                attached_policy_arns: arns,
                permission_boundary: boundary(u),
                trust_policy: None,
            });
        }
        for r in items(&doc, "RoleDetailList") {
            let name = get_str(r, "RoleName").unwrap_or_default().to_string();
            let mut pols = Vec::new();
            let mut arns = Vec::new();
            inline(
                r,
                "RolePolicyList",
                &format!("role {name}"),
                &mut pols,
                &mut errors,
            );
            attached(r, &mut pols, &mut arns, &mut errors);
            let trust = match get(r, "AssumeRolePolicyDocument") {
                Some(d) => match document(&format!("role {name} trust policy"), d) {
                    Ok(p) => Some(p),
                    Err(e) => {
                        errors.push(e.to_string());
                        None
                    }
                },
                None => None,
            };
            out.principals.push(Principal {
                kind: PrincipalKind::Role,
                name,
                arn: get_str(r, "Arn").unwrap_or_default().to_string(),
                policies: pols,
                groups: Vec::new(),
                attached_policy_arns: arns,
                permission_boundary: boundary(r),
                trust_policy: trust,
            });
        }
        out.errors.extend(errors);
        Ok(out)
    }
}

/// A group's policies (label, policy) and attached policy ARNs.
pub type GroupPolicies = (Vec<(String, Policy)>, Vec<String>);

fn account_of(arn: &str) -> String {
    arn.split(':').nth(4).unwrap_or_default().to_string()
}

/// Whether the principal's own policies (and boundary) allow `action` on `resource`, with an
/// empty request context (so conditions that need a key do not match).
/// Whether some request of the principal for `action` on `resource` may be allowed by its
/// identity policies within its boundary: conditions are assumed to hold in `Allow` statements
/// and not to hold in `Deny` statements, the convention of the audit's policy facts
/// ([`crate::facts`]): a principal that is admin whenever it has MFA is admin.
fn allowed(p: &Principal, action: &str, resource: &str) -> bool {
    let req = Request {
        principal: p.arn.clone(),
        action: action.to_string(),
        resource: resource.to_string(),
        ..Request::default()
    };
    let m = |pol: &Policy| policy_match(&req, pol, false, Known::Only(&[]));
    let (mut allows, mut denies) = (false, false);
    for (_, pol) in &p.policies {
        let r = m(pol);
        allows |= r.allows;
        denies |= r.denies;
    }
    let within_boundary = p.permission_boundary.as_ref().is_none_or(|b| {
        let r = m(b);
        r.allows && !r.denies
    });
    allows && !denies && within_boundary
}

/// Why a principal is admin-equivalent, if it is.
pub fn admin_equivalence(p: &Principal, summary: &PolicySummary) -> Option<String> {
    // `*` on `*`: an action of no service is allowed only through `*`, `NotAction` or a
    // wildcard over services (as in the audit's facts)
    if (summary.full_admin || allowed(p, "zzz:AnyAction", "*"))
        && allowed(p, "iam:CreateUser", "*")
        && allowed(p, "ec2:RunInstances", "*")
    {
        return Some("allows `*` on `*`".to_string());
    }
    let acct = account_of(&p.arn);
    let mut self_grants: Vec<(&str, String)> = Vec::new();
    match p.kind {
        PrincipalKind::User => {
            self_grants.push(("iam:PutUserPolicy", p.arn.clone()));
            self_grants.push(("iam:AttachUserPolicy", p.arn.clone()));
            self_grants.push(("iam:AddUserToGroup", format!("arn:aws:iam::{acct}:group/*")));
            for g in &p.groups {
                self_grants.push((
                    "iam:PutGroupPolicy",
                    format!("arn:aws:iam::{acct}:group/{g}"),
                ));
                self_grants.push((
                    "iam:AttachGroupPolicy",
                    format!("arn:aws:iam::{acct}:group/{g}"),
                ));
            }
        }
        PrincipalKind::Role => {
            self_grants.push(("iam:PutRolePolicy", p.arn.clone()));
            self_grants.push(("iam:AttachRolePolicy", p.arn.clone()));
        }
        PrincipalKind::Group => {
            self_grants.push(("iam:PutGroupPolicy", p.arn.clone()));
            self_grants.push(("iam:AttachGroupPolicy", p.arn.clone()));
        }
    }
    for arn in &p.attached_policy_arns {
        if !arn.starts_with("arn:aws:iam::aws:") {
            self_grants.push(("iam:CreatePolicyVersion", arn.clone()));
        }
    }
    for (action, resource) in self_grants {
        // `AddUserToGroup` is checked against the wildcard group ARN, which matches a statement
        // whose Resource is `*` or covers every group.
        if allowed(p, action, &resource) {
            return Some(format!(
                "may call `{action}` on `{resource}` and so grant itself anything"
            ));
        }
    }
    None
}

/// The documented paths whose required permissions the summary grants.
pub fn matching_paths<'a>(
    summary: &PolicySummary,
    paths: &'a [EscalationPath],
) -> Vec<&'a EscalationPath> {
    paths
        .iter()
        .filter(|path| {
            !path.required.is_empty()
                && path
                    .required
                    .iter()
                    .all(|perm| summary.actions.contains_key(&perm.to_ascii_lowercase()))
        })
        .collect()
}

fn merged_summary(db: &ActionDb, p: &Principal) -> PolicySummary {
    let mut all = PolicySummary::default();
    for (_, pol) in &p.policies {
        let s = summarize(db, pol);
        for (k, g) in s.actions {
            let e = all.actions.entry(k).or_insert_with(|| g.clone());
            e.conditional &= g.conditional;
            e.all_resources |= g.all_resources;
        }
        all.unknown_actions.extend(s.unknown_actions);
        all.full_admin |= s.full_admin;
        all.privesc |= s.privesc;
        all.resource_exposure |= s.resource_exposure;
        all.credentials_exposure |= s.credentials_exposure;
        all.data_access |= s.data_access;
    }
    // A permissions boundary caps what the identity policies grant.
    if let Some(b) = &p.permission_boundary {
        let bs = summarize(db, b);
        all.actions.retain(|k, _| bs.actions.contains_key(k));
        all.full_admin &= bs.full_admin;
    }
    all
}

fn sample(list: &BTreeSet<String>) -> String {
    let mut v: Vec<&str> = list.iter().map(String::as_str).take(10).collect();
    if list.len() > 10 {
        v.push("…");
    }
    v.join(", ")
}

/// Runs the IAM-03 checks over every user, group and role. Principals of a kind the analysis
/// could not read completely (an attached policy missing from the document) still get findings
/// for what was read; the read errors come back beside the findings.
pub fn analyze(db: &ActionDb, auth: &AccountAuthorization) -> Result<Vec<Finding>, Error> {
    let paths = escalation_paths()?;
    let mut out = Vec::new();
    for p in &auth.principals {
        let s = merged_summary(db, p);
        let admin = admin_equivalence(p, &s);
        let account = account_of(&p.arn);
        let kind = p.kind.as_str();
        let name = &p.name;
        let finding = |meta: &'static yagura_core::CheckMeta, status: Status, message| {
            Finding::new(
                meta.id,
                status,
                meta.severity,
                p.arn.clone(),
                account.clone(),
                "global",
                message,
            )
            .with_evidence("principal_type", kind)
        };
        // Admin-equivalent.
        out.push(match admin.clone() {
            Some(why) => finding(
                &checks::ADMIN_EQUIVALENT,
                Status::Fail,
                text!(
                    "{kind} `{name}` is admin-equivalent: it {why}",
                    "{kind} `{name}` は管理者相当です: {why}"
                ),
            )
            .with_evidence("reason", why),
            None => finding(
                &checks::ADMIN_EQUIVALENT,
                Status::Pass,
                text!(
                    "{kind} `{name}` is not admin-equivalent",
                    "{kind} `{name}` は管理者相当ではありません"
                ),
            ),
        });
        // Write on all resources (only actions that could be scoped to a resource type).
        let writes: BTreeSet<String> = s
            .actions
            .values()
            .filter(|g| g.all_resources && !g.conditional && g.access_level.is_write())
            .filter(|g| {
                db.lookup(&g.action)
                    .is_some_and(|a| !a.resource_types.is_empty())
            })
            .map(|g| g.action.clone())
            .collect();
        out.push(if writes.is_empty() || admin.is_some() {
            finding(
                &checks::WRITE_ON_ALL_RESOURCES,
                Status::Pass,
                if admin.is_some() {
                    text!("{kind} `{name}` is reported as admin-equivalent instead", "{kind} `{name}` は管理者相当として報告済みです")
                } else {
                    text!("{kind} `{name}` has no unconditional write action on `*`", "{kind} `{name}` に `*` への無条件の書き込み操作はありません")
                },
            )
        } else {
            let n = writes.len();
            finding(
                &checks::WRITE_ON_ALL_RESOURCES,
                Status::Fail,
                text!(
                    "{kind} `{name}` may perform {n} write action(s) on every resource (`Resource: *`)",
                    "{kind} `{name}` は {n} 個の書き込み操作をすべてのリソース (`Resource: *`) に実行できます"
                ),
            )
            .with_evidence("actions", sample(&writes))
            .with_evidence("count", n.to_string())
        });
        // Escalation paths.
        let matched = matching_paths(&s, &paths);
        out.push(if matched.is_empty() {
            finding(
                &checks::PRIVILEGE_ESCALATION_PATH,
                Status::Pass,
                text!("{kind} `{name}` has none of the documented privilege-escalation paths", "{kind} `{name}` に既知の権限昇格パスはありません"),
            )
        } else {
            let n = matched.len();
            let mut ids: Vec<String> = matched.iter().take(10).map(|m| format!("{} ({})", m.id, m.name)).collect();
            if n > 10 {
                ids.push(format!("and {} more", n - 10));
            }
            finding(
                &checks::PRIVILEGE_ESCALATION_PATH,
                Status::Fail,
                text!(
                    "{kind} `{name}` has the permissions of {n} documented privilege-escalation path(s)",
                    "{kind} `{name}` は既知の権限昇格パス {n} 件の権限を持っています"
                ),
            )
            .with_evidence("paths", ids.join("; "))
        });
        // Credentials exposure.
        let creds: BTreeSet<String> = s
            .actions
            .iter()
            .filter(|(k, g)| db.classes.credentials_exposure.contains(*k) && !g.conditional)
            .filter(|(k, _)| !matches!(k.as_str(), "sts:assumerole" | "sts:getsessiontoken"))
            .map(|(_, g)| g.action.clone())
            .collect();
        out.push(if creds.is_empty() {
            finding(
                &checks::CREDENTIALS_EXPOSURE,
                Status::Pass,
                text!(
                    "{kind} `{name}` has no action that exposes credentials",
                    "{kind} `{name}` に認証情報を露出する操作はありません"
                ),
            )
        } else {
            let n = creds.len();
            finding(
                &checks::CREDENTIALS_EXPOSURE,
                Status::Fail,
                text!(
                    "{kind} `{name}` may call {n} action(s) that return or create credentials",
                    "{kind} `{name}` は認証情報を返す・作成する操作 {n} 個を実行できます"
                ),
            )
            .with_evidence("actions", sample(&creds))
        });
    }
    Ok(out)
}

/// The whole `yagura iam analyze FILE` step: reads a GetAccountAuthorizationDetails document and
/// returns the findings and the parts that could not be read (one message each).
pub fn analyze_authorization_details(
    source: &str,
    text: &str,
) -> Result<(Vec<Finding>, Vec<String>), Error> {
    let auth = AccountAuthorization::from_json(source, text)?;
    let findings = analyze(crate::actions::db()?, &auth)?;
    Ok((findings, auth.errors))
}
