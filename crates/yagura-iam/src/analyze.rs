//! Least-privilege analysis (IAM-03) over a GetAccountAuthorizationDetails document or an
//! inventory: principals that are admin or can make themselves admin, their shortest paths to
//! an admin-equivalent principal on the escalation graph ([`crate::graph`]), principals that can
//! make others admin, potential paths, write actions on `Resource: *`, and actions that expose
//! credentials.

use crate::actions::ActionDb;
use crate::checks;
use crate::graph::{Extra, Grant, Graph};
use crate::json::{self, Json, Value};
use crate::policy::Policy;
use crate::summary::{summarize, PolicySummary};
use crate::Error;
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use yagura_core::Lang;
use yagura_core::{text, Finding, Status, Text};

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

    /// [`Self::as_str`] in Japanese (the IAM console's words).
    pub fn ja(self) -> &'static str {
        match self {
            PrincipalKind::User => "ユーザー",
            PrincipalKind::Role => "ロール",
            PrincipalKind::Group => "グループ",
        }
    }
}

/// A principal with every policy that applies to it. Its strings are borrowed from the input
/// they were read from (an inventory) or owned (a GetAccountAuthorizationDetails document).
#[derive(Debug, Clone)]
pub struct Principal<'a> {
    pub kind: PrincipalKind,
    pub name: Cow<'a, str>,
    pub arn: Cow<'a, str>,
    /// (label, policy): inline policies, attached managed policies, group policies. A managed
    /// policy is parsed once and shared by every principal it is attached to.
    pub policies: Vec<Labelled>,
    /// Names of the groups a user is in; ARNs of attached customer-managed policies.
    pub groups: Cow<'a, [String]>,
    pub attached_policy_arns: Vec<Cow<'a, str>>,
    pub permission_boundary: Option<Arc<Policy>>,
    /// The ARN of the permissions boundary, when there is one (its document may be unknown).
    pub permission_boundary_arn: Option<Cow<'a, str>>,
    /// The trust policy of a role.
    pub trust_policy: Option<Arc<Policy>>,
    /// The principal's tags (`aws:PrincipalTag/…`, `aws:ResourceTag/…`).
    pub tags: Cow<'a, BTreeMap<String, String>>,
    /// The ARNs of a role's instance profiles.
    pub instance_profiles: Cow<'a, [String]>,
}

/// The principals of an account, read from GetAccountAuthorizationDetails, and the problems met
/// while reading (a policy that does not parse is reported, never silently dropped).
#[derive(Debug, Clone, Default)]
pub struct AccountAuthorization<'a> {
    pub principals: Vec<Principal<'a>>,
    /// The managed policies read (customer managed and AWS managed in use): ARN → document.
    pub managed: BTreeMap<String, Arc<Policy>>,
    pub errors: Vec<String>,
}

impl Principal<'_> {
    /// The principal with its own copies of every string (to outlive the input it was read
    /// from).
    pub fn into_owned(self) -> Principal<'static> {
        Principal {
            kind: self.kind,
            name: Cow::Owned(self.name.into_owned()),
            arn: Cow::Owned(self.arn.into_owned()),
            policies: self.policies,
            groups: Cow::Owned(self.groups.into_owned()),
            attached_policy_arns: self
                .attached_policy_arns
                .into_iter()
                .map(|a| Cow::Owned(a.into_owned()))
                .collect(),
            permission_boundary: self.permission_boundary,
            permission_boundary_arn: self
                .permission_boundary_arn
                .map(|a| Cow::Owned(a.into_owned())),
            trust_policy: self.trust_policy,
            tags: Cow::Owned(self.tags.into_owned()),
            instance_profiles: Cow::Owned(self.instance_profiles.into_owned()),
        }
    }
}

impl AccountAuthorization<'_> {
    /// The account's principals with their own copies of every string.
    pub fn into_owned(self) -> AccountAuthorization<'static> {
        AccountAuthorization {
            principals: self
                .principals
                .into_iter()
                .map(Principal::into_owned)
                .collect(),
            managed: self.managed,
            errors: self.errors,
        }
    }

    /// The account id, from the principals' ARNs (empty when there is none).
    pub fn account_id(&self) -> &str {
        self.principals
            .iter()
            .find_map(|p| p.arn.split(':').nth(4).filter(|a| !a.is_empty()))
            .unwrap_or_default()
    }
}

/// Reads the `Tags` list of a GetAccountAuthorizationDetails entry.
fn gaad_tags(j: &Json) -> BTreeMap<String, String> {
    items(j, "Tags")
        .iter()
        .filter_map(|t| {
            Some((
                get_str(t, "Key")?.to_string(),
                get_str(t, "Value").unwrap_or_default().to_string(),
            ))
        })
        .collect()
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

impl AccountAuthorization<'static> {
    /// Reads a GetAccountAuthorizationDetails JSON document (`UserDetailList`,
    /// `GroupDetailList`, `RoleDetailList`, `Policies`). `source` names it in errors.
    pub fn from_json(source: &str, text: &str) -> Result<AccountAuthorization<'static>, Error> {
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
        let mut managed: BTreeMap<String, Arc<Policy>> = BTreeMap::new();
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
                        managed.insert(arn, Arc::new(pol));
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
                      into: &mut Vec<Labelled>,
                      errors: &mut Vec<String>| {
            for p in items(j, list) {
                let name = get_str(p, "PolicyName").unwrap_or("?");
                let label = format!("{owner} inline {name}");
                match get(p, "PolicyDocument").map(|d| document(&label, d)) {
                    Some(Ok(pol)) => into.push((label.into(), Arc::new(pol))),
                    Some(Err(e)) => errors.push(e.to_string()),
                    None => errors.push(format!("{source}: `{label}` has no PolicyDocument")),
                }
            }
        };
        let attached = |j: &Json,
                        into: &mut Vec<Labelled>,
                        arns: &mut Vec<String>,
                        errors: &mut Vec<String>| {
            for a in items(j, "AttachedManagedPolicies") {
                let arn = get_str(a, "PolicyArn").unwrap_or_default();
                arns.push(arn.to_string());
                match managed.get(arn) {
                    Some(p) => into.push((format!("managed {arn}").into(), p.clone())),
                    None => errors.push(format!(
                        "{source}: attached policy `{arn}` is not in `Policies`; its permissions are unknown"
                    )),
                }
            }
        };
        let boundary_arn = |j: &Json| {
            get(j, "PermissionsBoundary")
                .and_then(|b| get_str(b, "PermissionsBoundaryArn"))
                .map(str::to_string)
        };
        let boundary = |j: &Json| boundary_arn(j).and_then(|arn| managed.get(&arn).cloned());
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
                name: name.clone().into(),
                arn: get_str(g, "Arn").unwrap_or_default().to_string().into(),
                policies: pols.clone(),
                groups: Cow::Owned(Vec::new()),
                attached_policy_arns: owned(&arns),
                permission_boundary: None,
                permission_boundary_arn: None,
                trust_policy: None,
                tags: Cow::Owned(BTreeMap::new()),
                instance_profiles: Cow::Owned(Vec::new()),
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
                name: name.into(),
                arn: get_str(u, "Arn").unwrap_or_default().to_string().into(),
                policies: pols,
                groups: member_of.into(),
                attached_policy_arns: owned(&arns),
                permission_boundary: boundary(u),
                permission_boundary_arn: boundary_arn(u).map(Cow::Owned),
                trust_policy: None,
                tags: Cow::Owned(gaad_tags(u)),
                instance_profiles: Cow::Owned(Vec::new()),
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
                    Ok(p) => Some(Arc::new(p)),
                    Err(e) => {
                        errors.push(e.to_string());
                        None
                    }
                },
                None => None,
            };
            out.principals.push(Principal {
                kind: PrincipalKind::Role,
                name: name.into(),
                arn: get_str(r, "Arn").unwrap_or_default().to_string().into(),
                policies: pols,
                groups: Cow::Owned(Vec::new()),
                attached_policy_arns: owned(&arns),
                permission_boundary: boundary(r),
                permission_boundary_arn: boundary_arn(r).map(Cow::Owned),
                trust_policy: trust,
                tags: Cow::Owned(gaad_tags(r)),
                instance_profiles: items(r, "InstanceProfileList")
                    .iter()
                    .filter_map(|ip| get_str(ip, "Arn").map(str::to_string))
                    .collect::<Vec<_>>()
                    .into(),
            });
        }
        out.errors.extend(errors);
        out.managed = managed;
        Ok(out)
    }
}

/// Owned copies of strings, as a principal's field.
fn owned(v: &[String]) -> Vec<Cow<'static, str>> {
    v.iter().map(|s| Cow::Owned(s.clone())).collect()
}

/// A policy with the label that names it in answers (`user ci inline p0`, `managed ARN`): one
/// allocation shared by every principal it applies to.
pub type Labelled = (Arc<str>, Arc<Policy>);

/// A group's policies (label, policy) and attached policy ARNs.
pub type GroupPolicies = (Vec<Labelled>, Vec<String>);

fn account_of(arn: &str) -> String {
    arn.split(':').nth(4).unwrap_or_default().to_string()
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

/// The analysis of one or several accounts: the findings and the graph they were read from.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub findings: Vec<Finding>,
    pub graph: Graph,
}

/// Runs the IAM-03 checks over one account (see [`analyze_accounts`]).
pub fn analyze(db: &ActionDb, auth: &AccountAuthorization) -> Result<Vec<Finding>, Error> {
    Ok(analyze_accounts(db, std::slice::from_ref(auth), &Extra::default())?.findings)
}

/// The first shortest path of a node to an administrator, as the messages of the IAM analysis
/// and the audit (AUD-05) show it ([`Graph::describe_text`]; a self-grant is a path of one step
/// onto itself); `None` when there is none.
pub fn path_text(g: &Graph, i: usize) -> Option<Text> {
    if let Some(a) = g.nodes.get(i).and_then(|n| n.admin.as_ref()) {
        if a.kind != "self-grant" {
            return None;
        }
        let me = g.label(i);
        let actions = self_grant_actions(a).join(" + ");
        return Some(text!(
            "{me} → {actions} → {me} (made admin)",
            "{me} → {actions} → {me}(管理者化)"
        ));
    }
    g.paths(i).first().map(|p| g.describe_text(p))
}

/// The actions of a self-grant, each once.
fn self_grant_actions(a: &crate::graph::AdminReason) -> Vec<&str> {
    let mut v: Vec<&str> = Vec::new();
    for x in &a.grants {
        if !v.contains(&x.action.as_str()) {
            v.push(&x.action);
        }
    }
    v
}

/// The path finding of a node, as the IAM analysis and the audit (AUD-05) report it: the
/// evidence `path` is [`Graph::describe`] of the first shortest path.
pub fn path_evidence(g: &Graph, i: usize) -> Vec<(&'static str, String)> {
    let paths = g.paths(i);
    let mut ev = Vec::new();
    // A self-grant is a path of one step onto itself.
    if let Some(a) = g.nodes.get(i).and_then(|n| n.admin.as_ref()) {
        if a.kind == "self-grant" {
            let me = g.label(i);
            ev.push((
                "path",
                format!(
                    "{me} → {} → {me} (made admin)",
                    self_grant_actions(a).join(" + ")
                ),
            ));
            ev.push(("hops", "1".to_string()));
            ev.push(("target", g.nodes[i].arn.clone()));
            if !a.paths.is_empty() {
                ev.push(("pathfinding", a.paths.join(", ")));
            }
            let st: Vec<String> = a.grants.iter().map(grant_text).collect();
            ev.push(("statements", st.join("; ")));
        }
        return ev;
    }
    let Some(first) = paths.first() else {
        return ev;
    };
    ev.push(("path", g.describe(first)));
    let hops = first.len();
    ev.push(("hops", hops.to_string()));
    if let Some(target) = first
        .last()
        .and_then(|e| g.edges.get(*e))
        .and_then(|e| g.nodes.get(e.to))
    {
        ev.push(("target", target.arn.clone()));
    }
    let ids: BTreeSet<&str> = first
        .iter()
        .filter_map(|e| g.edges.get(*e))
        .flat_map(|e| e.paths.iter().map(String::as_str))
        .collect();
    if !ids.is_empty() {
        ev.push((
            "pathfinding",
            ids.into_iter().collect::<Vec<_>>().join(", "),
        ));
    }
    let statements: Vec<String> = first
        .iter()
        .filter_map(|e| g.edges.get(*e))
        .flat_map(|e| e.grants.iter())
        .map(grant_text)
        .collect();
    ev.push(("statements", statements.join("; ")));
    if paths.len() > 1 {
        let also: Vec<String> = paths.iter().skip(1).map(|p| g.describe(p)).collect();
        ev.push(("also", also.join(" | ")));
    }
    ev
}

/// `iam:PassRole on arn:… by user ci inline deploy#0 (Sid)`.
pub fn grant_text(g: &Grant) -> String {
    grant_line(g, Lang::En)
}

/// [`grant_text`] in Japanese: `iam:PassRole を arn:… に許可: ユーザー `ci` のインラインポリシー
/// `deploy`#0 (`Sid`)`; actions, ARNs, names and the Sid as they are.
pub fn grant_text_ja(g: &Grant) -> String {
    grant_line(g, Lang::Ja)
}

fn grant_line(g: &Grant, lang: Lang) -> String {
    let sid = g.sid.as_ref().map(|s| match lang {
        Lang::En => format!(" ({s})"),
        Lang::Ja => format!(" (`{s}`)"),
    });
    let by = match (g.policy.is_empty(), lang) {
        (true, _) => String::new(),
        (false, Lang::En) => format!(" by {}", g.policy),
        (false, Lang::Ja) => format!(": {}", policy_label_ja(&g.policy)),
    };
    let by = if by.is_empty() {
        by
    } else {
        format!("{by}#{}{}", g.statement, sid.unwrap_or_default())
    };
    match lang {
        Lang::En => format!("{} on {}{by}", g.action, g.resource),
        Lang::Ja => format!("{} を {} に許可{by}", g.action, g.resource),
    }
}

/// A policy's label (made where the policies are read: `managed ARN`, `KIND NAME inline
/// POLICY`, `role NAME trust policy`; IAM names have no spaces) in Japanese; a label of another
/// shape is quoted as it is.
pub fn policy_label_ja(label: &str) -> String {
    let kind_ja = |kind: &str| match kind {
        "user" => Some("ユーザー"),
        "group" => Some("グループ"),
        "role" => Some("ロール"),
        _ => None,
    };
    if let Some(arn) = label.strip_prefix("managed ") {
        return format!("管理ポリシー {arn}");
    }
    if let Some(name) = label
        .strip_prefix("role ")
        .and_then(|r| r.strip_suffix(" trust policy"))
    {
        return format!("ロール `{name}` の信頼ポリシー");
    }
    let words: Vec<&str> = label.split(' ').collect();
    if let [kind, name, "inline", policy] = words[..] {
        if let Some(k) = kind_ja(kind) {
            return format!("{k} `{name}` のインラインポリシー `{policy}`");
        }
    }
    format!("`{label}`")
}

/// Runs the IAM-03 checks over every user, group and role of the accounts (one escalation
/// graph across them all). Principals the analysis could not read completely (an attached
/// policy missing from the document) still get findings for what was read; the read errors
/// stay in each account's `errors`.
pub fn analyze_accounts(
    db: &ActionDb,
    accounts: &[AccountAuthorization],
    extra: &Extra,
) -> Result<Analysis, Error> {
    let g = Graph::build(accounts, extra)?;
    let mut out = Vec::new();
    let mut checks_cache = ChecksCache::default();
    let mut i = 0usize;
    for auth in accounts {
        for p in &auth.principals {
            principal_findings(db, &g, i, p, &mut checks_cache, &mut out);
            i += 1;
        }
    }
    Ok(Analysis {
        findings: out,
        graph: g,
    })
}

/// What one policy contributes to the per-principal action checks, computed once per policy
/// (a managed policy is shared by thousands of principals).
#[derive(Debug, Default)]
struct PolicyChecks {
    /// Scopable state-changing actions allowed on every resource without a condition.
    writes: Vec<String>,
    /// Credential-exposing actions allowed without a condition.
    creds: Vec<String>,
}

fn policy_checks(db: &ActionDb, pol: &Policy) -> PolicyChecks {
    let s = summarize(db, pol);
    let writes = s
        .actions
        .values()
        .filter(|g| g.all_resources && !g.conditional)
        .filter(|g| {
            db.lookup(&g.action)
                .is_some_and(|a| !a.resource_types.is_empty() && db.changes_state(a))
        })
        .map(|g| g.action.clone())
        .collect();
    let creds = s
        .actions
        .iter()
        .filter(|(k, g)| db.classes.credentials_exposure.contains(*k) && !g.conditional)
        .filter(|(k, _)| !matches!(k.as_str(), "sts:assumerole" | "sts:getsessiontoken"))
        .map(|(_, g)| g.action.clone())
        .collect();
    PolicyChecks { writes, creds }
}

/// The scopable write actions on `*` and the credential-exposing actions of a principal: the
/// union over its policies; a permissions boundary keeps only what it allows too.
fn action_checks(
    db: &ActionDb,
    p: &Principal,
    cache: &mut ChecksCache,
) -> (BTreeSet<String>, BTreeSet<String>) {
    if p.permission_boundary.is_some() {
        let s = merged_summary(db, p);
        let c = policy_checks_of_summary(db, &s);
        return (
            c.writes.into_iter().collect(),
            c.creds.into_iter().collect(),
        );
    }
    let mut parts: Vec<Arc<PolicyChecks>> = Vec::with_capacity(p.policies.len());
    for (_, pol) in &p.policies {
        // Managed policies by address; inline policies (one per principal) by their text,
        // since the same inline document is often repeated.
        let c = if Arc::strong_count(pol) > 1 {
            cache
                .by_address
                .entry(Arc::as_ptr(pol) as usize)
                .or_insert_with(|| Arc::new(policy_checks(db, pol)))
                .clone()
        } else {
            cache
                .by_text
                .entry(pol.to_canonical_string())
                .or_insert_with(|| Arc::new(policy_checks(db, pol)))
                .clone()
        };
        parts.push(c);
    }
    let writes = parts
        .iter()
        .flat_map(|c| c.writes.iter().cloned())
        .collect();
    let creds = parts.iter().flat_map(|c| c.creds.iter().cloned()).collect();
    (writes, creds)
}

/// [`PolicyChecks`] computed so far.
#[derive(Default)]
struct ChecksCache {
    by_address: HashMap<usize, Arc<PolicyChecks>>,
    by_text: HashMap<String, Arc<PolicyChecks>>,
}

fn policy_checks_of_summary(db: &ActionDb, s: &PolicySummary) -> PolicyChecks {
    PolicyChecks {
        writes: s
            .actions
            .values()
            .filter(|g| g.all_resources && !g.conditional)
            .filter(|g| {
                db.lookup(&g.action)
                    .is_some_and(|a| !a.resource_types.is_empty() && db.changes_state(a))
            })
            .map(|g| g.action.clone())
            .collect(),
        creds: s
            .actions
            .iter()
            .filter(|(k, g)| db.classes.credentials_exposure.contains(*k) && !g.conditional)
            .filter(|(k, _)| !matches!(k.as_str(), "sts:assumerole" | "sts:getsessiontoken"))
            .map(|(_, g)| g.action.clone())
            .collect(),
    }
}

fn principal_findings(
    db: &ActionDb,
    g: &Graph,
    i: usize,
    p: &Principal,
    cache: &mut ChecksCache,
    out: &mut Vec<Finding>,
) {
    let (writes, creds) = action_checks(db, p, cache);
    let Some(node) = g.nodes.get(i) else {
        return;
    };
    let admin = node.admin.as_ref();
    let account = account_of(&p.arn);
    let kind = p.kind.as_str();
    let kind_ja = p.kind.ja();
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
    out.push(match admin {
        Some(a) => {
            let (why, why_ja) = (&a.reason.en, &a.reason.ja);
            let mut f = finding(
                &checks::ADMIN_EQUIVALENT,
                Status::Fail,
                text!(
                    "{kind} `{name}` is admin-equivalent: it {why}",
                    "{kind_ja} `{name}` は管理者相当です: {why_ja}"
                ),
            )
            .with_evidence("reason", why.to_string());
            let st: Vec<String> = a.grants.iter().map(grant_text).collect();
            if !st.is_empty() {
                f = f.with_evidence("statements", st.join("; "));
            }
            if !a.paths.is_empty() {
                f = f.with_evidence("pathfinding", a.paths.join(", "));
            }
            f
        }
        None => finding(
            &checks::ADMIN_EQUIVALENT,
            Status::Pass,
            text!(
                "{kind} `{name}` is not admin-equivalent",
                "{kind_ja} `{name}` は管理者相当ではありません"
            ),
        ),
    });
    // Write on all resources (only actions that could be scoped to a resource type).
    out.push(if writes.is_empty() || admin.is_some() {
        finding(
            &checks::WRITE_ON_ALL_RESOURCES,
            Status::Pass,
            if admin.is_some() {
                text!("{kind} `{name}` is reported as admin-equivalent instead", "{kind_ja} `{name}` は管理者相当として報告済みです")
            } else {
                text!("{kind} `{name}` has no unconditional write action on `*`", "{kind_ja} `{name}` に `*` への無条件の書き込み操作はありません")
            },
        )
    } else {
        let n = writes.len();
        finding(
            &checks::WRITE_ON_ALL_RESOURCES,
            Status::Fail,
            text!(
                "{kind} `{name}` may perform {n} write action(s) on every resource (`Resource: *`)",
                "{kind_ja} `{name}` は {n} 個の書き込み操作をすべてのリソース (`Resource: *`) に実行できます"
            ),
        )
        .with_evidence("actions", sample(&writes))
        .with_evidence("count", n.to_string())
    });
    // Escalation paths.
    let hops = g.dist.get(i).copied().flatten();
    let self_grant = admin.is_some_and(|a| a.kind == "self-grant");
    out.push(match (admin, hops) {
        (Some(_), _) if self_grant => {
            let ev = path_evidence(g, i);
            let pt = path_text(g, i).unwrap_or_else(|| Text::new("", ""));
            let (path, path_ja) = (&pt.en, &pt.ja);
            let mut f = finding(
                &checks::PRIVILEGE_ESCALATION_PATH,
                Status::Fail,
                text!(
                    "{kind} `{name}` can make itself admin: {path}",
                    "{kind_ja} `{name}` は自身を管理者にできます: {path_ja}"
                ),
            );
            for (k, v) in ev {
                f = f.with_evidence(k, v);
            }
            f
        }
        (Some(_), _) => finding(
            &checks::PRIVILEGE_ESCALATION_PATH,
            Status::Pass,
            text!("{kind} `{name}` is admin-equivalent itself (reported by iam-principal-admin-equivalent)", "{kind_ja} `{name}` は自身が管理者相当です (iam-principal-admin-equivalent で報告)"),
        ),
        (None, Some(n)) => {
            let ev = path_evidence(g, i);
            let pt = path_text(g, i).unwrap_or_else(|| Text::new("", ""));
            let (path, path_ja) = (&pt.en, &pt.ja);
            let mut f = finding(
                &checks::PRIVILEGE_ESCALATION_PATH,
                Status::Fail,
                text!(
                    "{kind} `{name}` can become admin in {n} step(s): {path}",
                    "{kind_ja} `{name}` は {n} ステップで管理者になれます: {path_ja}"
                ),
            );
            for (k, v) in ev {
                f = f.with_evidence(k, v);
            }
            f
        }
        (None, None) => finding(
            &checks::PRIVILEGE_ESCALATION_PATH,
            Status::Pass,
            text!("{kind} `{name}` has no path to an admin-equivalent principal", "{kind_ja} `{name}` から管理者相当のプリンシパルへのパスはありません"),
        ),
    });
    // Making others admin.
    let empowers = g.empowers.get(i).map(Vec::as_slice).unwrap_or(&[]);
    // A principal that is admin or has a path is reported there, not again as PASS here.
    let pass_unless_reported = |check: &'static yagura_core::CheckMeta,
                                otherwise: yagura_core::Text| {
        let reported = text!(
            "{kind} `{name}` is reported with its path to admin instead",
            "{kind_ja} `{name}` は管理者へのパスとして報告済みです"
        );
        let m = if admin.is_some() || hops.is_some() {
            reported
        } else {
            otherwise
        };
        finding(check, Status::Pass, m)
    };
    out.push(if empowers.is_empty() {
        pass_unless_reported(
            &checks::MAKES_OTHERS_ADMIN,
            text!(
                "{kind} `{name}` cannot make another principal admin",
                "{kind_ja} `{name}` は他のプリンシパルを管理者にできません"
            ),
        )
    } else {
        let n = empowers.len();
        let targets: Vec<String> = empowers
            .iter()
            .take(10)
            .map(|e| format!("{} ({})", g.label(e.target), e.actions.join(" + ")))
            .collect();
        let st: Vec<String> = empowers
            .iter()
            .take(10)
            .flat_map(|e| e.grants.iter().map(grant_text))
            .collect();
        finding(
            &checks::MAKES_OTHERS_ADMIN,
            Status::Fail,
            text!(
                "{kind} `{name}` can make {n} other principal(s) admin without becoming them",
                "{kind_ja} `{name}` は {n} 個の他のプリンシパルを (自身はならずに) 管理者にできます"
            ),
        )
        .with_evidence("targets", targets.join(", "))
        .with_evidence("count", n.to_string())
        .with_evidence("statements", st.join("; "))
    });
    // Potential paths.
    let potential = g.potential.get(i).map(Vec::as_slice).unwrap_or(&[]);
    out.push(if potential.is_empty() {
        pass_unless_reported(
            &checks::POTENTIAL_ESCALATION_PATH,
            text!(
                "{kind} `{name}` holds no escalation path that waits for a resource",
                "{kind_ja} `{name}` にリソースを待つ権限昇格パスはありません"
            ),
        )
    } else {
        let n = potential.len();
        let en: Vec<String> = potential
            .iter()
            .map(|p| format!("{} → waits for {}", p.actions.join(" + "), p.waits_for.en))
            .collect();
        let ids: BTreeSet<&str> = potential
            .iter()
            .flat_map(|p| p.paths.iter().map(String::as_str))
            .collect();
        let first = en.first().cloned().unwrap_or_default();
        let first_ja = potential
            .first()
            .map(|p| {
                format!(
                    "{} → {}を待っています",
                    p.actions.join(" + "),
                    p.waits_for.ja
                )
            })
            .unwrap_or_default();
        let mut f = finding(
            &checks::POTENTIAL_ESCALATION_PATH,
            Status::Fail,
            text!(
                "{kind} `{name}` holds {n} escalation path(s) that wait for a resource: {first}",
                "{kind_ja} `{name}` はリソースを待つ権限昇格パスを {n} 件持っています: {first_ja}"
            ),
        )
        .with_evidence("waits_for", en.join(" | "));
        if !ids.is_empty() {
            f = f.with_evidence(
                "pathfinding",
                ids.into_iter().collect::<Vec<_>>().join(", "),
            );
        }
        let st: Vec<String> = potential
            .iter()
            .take(5)
            .flat_map(|p| p.grants.iter().map(grant_text))
            .collect();
        f.with_evidence("statements", st.join("; "))
    });
    // Credentials exposure.
    out.push(if creds.is_empty() {
        finding(
            &checks::CREDENTIALS_EXPOSURE,
            Status::Pass,
            text!(
                "{kind} `{name}` has no action that exposes credentials",
                "{kind_ja} `{name}` に認証情報を露出する操作はありません"
            ),
        )
    } else {
        let n = creds.len();
        finding(
            &checks::CREDENTIALS_EXPOSURE,
            Status::Fail,
            text!(
                "{kind} `{name}` may call {n} action(s) that return or create credentials",
                "{kind_ja} `{name}` は認証情報を返す・作成する操作 {n} 個を実行できます"
            ),
        )
        .with_evidence("actions", sample(&creds))
    });
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn statement_lines_in_japanese() {
        let grant = |policy: &str, sid: Option<&str>| Grant {
            action: "iam:PassRole".into(),
            resource: "arn:aws:iam::1:role/app".into(),
            policy: policy.into(),
            statement: 2,
            sid: sid.map(str::to_string),
        };
        assert_eq!(
            grant_text_ja(&grant("user ci inline deploy", Some("Pass"))),
            "iam:PassRole を arn:aws:iam::1:role/app に許可: ユーザー `ci` のインラインポリシー `deploy`#2 (`Pass`)"
        );
        assert_eq!(
            grant_text(&grant("user ci inline deploy", Some("Pass"))),
            "iam:PassRole on arn:aws:iam::1:role/app by user ci inline deploy#2 (Pass)"
        );
        assert_eq!(
            policy_label_ja("managed arn:aws:iam::aws:policy/ReadOnlyAccess"),
            "管理ポリシー arn:aws:iam::aws:policy/ReadOnlyAccess"
        );
        assert_eq!(
            policy_label_ja("role app trust policy"),
            "ロール `app` の信頼ポリシー"
        );
        assert_eq!(
            policy_label_ja("group ops inline all"),
            "グループ `ops` のインラインポリシー `all`"
        );
        assert_eq!(policy_label_ja("something else"), "`something else`");
        assert_eq!(
            grant_text_ja(&grant("", None)),
            "iam:PassRole を arn:aws:iam::1:role/app に許可"
        );
    }
}
