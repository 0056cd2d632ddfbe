//! A validator in the spirit of Access Analyzer's ValidatePolicy (IAM-01): grammar problems the
//! parser accepts, unknown actions, resources that fit none of the action's resource types,
//! condition keys the actions do not support, value types that do not fit the operator,
//! `Allow` with `NotAction`/`NotResource`, MFA anti-patterns, and the narrower grammar of
//! resource control policies (RCPs).

use crate::actions::ActionDb;
use crate::condition::{self, Base, SetOp};
use crate::policy::{Effect, Policy, Principal, Statement};
use crate::Error;
use serde::Serialize;

/// What kind of policy is validated: the elements each kind requires differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    Identity,
    Resource,
    Trust,
    ServiceControl,
    ResourceControl,
    Boundary,
    Session,
}

impl PolicyKind {
    fn needs_principal(self) -> bool {
        matches!(
            self,
            PolicyKind::Resource | PolicyKind::Trust | PolicyKind::ResourceControl
        )
    }
}

/// Access Analyzer's finding types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Level {
    Error,
    SecurityWarning,
    Warning,
    Suggestion,
}

/// One validation problem, positioned at the statement or condition concerned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub level: Level,
    /// A stable kebab-case code (`unknown-action`).
    pub code: &'static str,
    pub message: String,
    /// Index of the statement, when the problem is inside one.
    pub statement: Option<usize>,
    pub line: usize,
    pub column: usize,
}

/// Parses and validates a policy document.
pub fn validate_text(
    db: &ActionDb,
    source: &str,
    text: &str,
    kind: PolicyKind,
) -> Result<Vec<Diagnostic>, Error> {
    let p = Policy::parse(source, text)?;
    Ok(validate(db, &p, kind))
}

/// Validates a parsed policy; diagnostics come sorted by position.
pub fn validate(db: &ActionDb, policy: &Policy, kind: PolicyKind) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if policy.version.is_none() {
        out.push(Diagnostic {
            level: Level::Suggestion,
            code: "missing-version",
            message:
                "add `\"Version\": \"2012-10-17\"`; without it policy variables are not substituted"
                    .into(),
            statement: None,
            line: 1,
            column: 1,
        });
    }
    if kind == PolicyKind::ResourceControl && policy.version.as_deref() != Some("2012-10-17") {
        out.push(Diagnostic {
            level: Level::Error,
            code: "rcp-version",
            message: "an RCP must have `\"Version\": \"2012-10-17\"`".into(),
            statement: None,
            line: 1,
            column: 1,
        });
    }
    let mut sids: Vec<&str> = Vec::new();
    for (i, s) in policy.statements.iter().enumerate() {
        if let Some(sid) = s.sid.as_deref() {
            if sids.contains(&sid) {
                out.push(Diagnostic {
                    level: Level::Error,
                    code: "duplicate-sid",
                    message: format!("`Sid` `{sid}` is used by more than one statement"),
                    statement: Some(i),
                    line: s.pos.line,
                    column: s.pos.column,
                });
            }
            sids.push(sid);
        }
        statement(db, policy, kind, i, s, &mut out);
    }
    out.sort_by_key(|d| (d.line, d.column, d.level));
    out
}

fn statement(
    db: &ActionDb,
    policy: &Policy,
    kind: PolicyKind,
    i: usize,
    s: &Statement,
    out: &mut Vec<Diagnostic>,
) {
    let mut push = |level, code, message: String, pos: crate::json::Pos| {
        out.push(Diagnostic {
            level,
            code,
            message,
            statement: Some(i),
            line: pos.line,
            column: pos.column,
        })
    };
    let sid = s
        .sid
        .as_deref()
        .map(|x| format!(" `{x}`"))
        .unwrap_or_default();
    // Required and forbidden elements.
    if s.action.is_none() {
        push(
            Level::Error,
            "missing-action",
            format!("statement{sid} has no `Action` or `NotAction`"),
            s.pos,
        );
    }
    if s.resource.is_none() && !matches!(kind, PolicyKind::Trust | PolicyKind::Resource) {
        push(
            Level::Error,
            "missing-resource",
            format!("statement{sid} has no `Resource` or `NotResource`"),
            s.pos,
        );
    }
    if kind.needs_principal() && s.principal.is_none() {
        push(
            Level::Error,
            "missing-principal",
            format!("statement{sid} of a resource or trust policy has no `Principal`"),
            s.pos,
        );
    }
    if !kind.needs_principal() && s.principal.is_some() {
        push(
            Level::Error,
            "unsupported-principal",
            format!("statement{sid}: `Principal` is not allowed in this kind of policy"),
            s.pos,
        );
    }
    // Allow with negations.
    if s.effect == Effect::Allow {
        if s.action.as_ref().is_some_and(|m| m.not) {
            push(Level::SecurityWarning, "allow-with-not-action", format!("statement{sid} allows every action except the listed ones (`Allow` with `NotAction`), including actions added in the future"), s.pos);
        }
        if s.resource.as_ref().is_some_and(|m| m.not) {
            push(Level::SecurityWarning, "allow-with-not-resource", format!("statement{sid} allows every resource except the listed ones (`Allow` with `NotResource`)"), s.pos);
        }
        if s.principal.as_ref().is_some_and(|p| p.not) {
            push(Level::SecurityWarning, "allow-with-not-principal", format!("statement{sid} allows every principal except the listed ones (`Allow` with `NotPrincipal`)"), s.pos);
        }
        if kind.needs_principal()
            && kind != PolicyKind::ResourceControl
            && !s.conditions.iter().any(crate::facts::restricts_caller)
            && s.principal.as_ref().is_some_and(|p| {
                !p.not
                    && match &p.principal {
                        Principal::Any => true,
                        Principal::Map(m) => m
                            .iter()
                            .any(|(t, v, _)| t == "AWS" && v.iter().any(|x| x == "*")),
                    }
            })
        {
            push(
                Level::SecurityWarning,
                "allow-any-principal",
                format!("statement{sid} allows any principal (`*`) without a condition that pins the caller or the source (as S3 judges public policies)"),
                s.pos,
            );
        }
    }
    if kind == PolicyKind::ResourceControl {
        rcp_statement(s, &sid, &mut push);
    }
    // Actions.
    let mut explicit = Vec::new();
    if let Some(m) = &s.action {
        for p in &m.patterns {
            let raw = p.raw.as_str();
            if raw == "*" {
                continue;
            }
            let Some((svc, name)) = raw.split_once(':') else {
                push(
                    Level::Error,
                    "invalid-action",
                    format!("action `{raw}` is not `service:action`"),
                    s.pos,
                );
                continue;
            };
            if !svc.contains(['*', '?']) && db.service(svc).is_none() {
                push(
                    Level::Error,
                    "unknown-service",
                    format!("unknown service prefix `{svc}` in action `{raw}`"),
                    s.pos,
                );
                continue;
            }
            let found = db.expand(raw);
            if found.is_empty() {
                push(
                    Level::Error,
                    "unknown-action",
                    format!("action `{raw}` matches no known action"),
                    s.pos,
                );
            } else if !name.contains(['*', '?']) && !m.not {
                explicit.extend(found);
            }
        }
    }
    // Resources that fit none of the actions' resource types.
    if let Some(r) = &s.resource {
        if !r.not && !explicit.is_empty() {
            for p in &r.patterns {
                if p.raw == "*" || p.has_vars() {
                    continue;
                }
                if !explicit.iter().any(|a| db.resource_fits(a, &p.raw)) {
                    let names: Vec<String> =
                        explicit.iter().take(3).map(|a| a.full_name()).collect();
                    push(
                        Level::Error,
                        "resource-mismatch",
                        format!(
                            "resource `{}` fits no resource type of {}",
                            p.raw,
                            names.join(", ")
                        ),
                        s.pos,
                    );
                }
            }
        }
    }
    // Conditions.
    for c in &s.conditions {
        let Some(op) = c.op else {
            push(
                Level::Error,
                "unknown-operator",
                format!("unknown condition operator `{}`", c.operator),
                c.pos,
            );
            continue;
        };
        for v in &c.values {
            if !condition::value_fits(op.base, v) {
                push(
                    Level::Error,
                    "type-mismatch",
                    format!(
                        "value `{}` of `{}` does not fit operator `{}`",
                        v.as_str(),
                        c.key,
                        c.operator
                    ),
                    c.pos,
                );
            }
        }
        if policy.version.as_deref() != Some("2012-10-17")
            && c.values.iter().any(|v| v.as_str().contains("${"))
        {
            push(
                Level::Warning,
                "variable-without-version",
                format!(
                    "`{}` uses a policy variable, which needs `Version` `2012-10-17`",
                    c.key
                ),
                c.pos,
            );
        }
        let key_l = c.key.to_ascii_lowercase();
        // Key types from the database (service keys; global keys are in the `aws` entry).
        let svc = key_l.split(':').next().unwrap_or("");
        let key_type = if svc == "aws" {
            global_key_type(&key_l).map(str::to_string)
        } else {
            db.service(svc).and_then(|sv| {
                sv.conditions
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(&c.key))
                    .map(|(_, t)| t.clone())
            })
        };
        if let Some(t) = &key_type {
            let multi = t.starts_with("ArrayOf");
            if multi && op.set.is_none() && op.base != Base::Null {
                push(
                    Level::Warning,
                    "multivalued-key-without-set-operator",
                    format!(
                        "`{}` is multivalued ({t}); use `ForAnyValue:` or `ForAllValues:`",
                        c.key
                    ),
                    c.pos,
                );
            }
            if !multi && op.set.is_some() {
                push(
                    Level::Warning,
                    "set-operator-on-single-valued-key",
                    format!(
                        "`{}` is single-valued ({t}); drop `{}`",
                        c.key,
                        c.operator.split(':').next().unwrap_or("")
                    ),
                    c.pos,
                );
            }
            let base_t = t.trim_start_matches("ArrayOf");
            let fits = match op.base.value_type() {
                condition::ValueType::String => matches!(base_t, "String" | "ARN" | "Arn"),
                condition::ValueType::Numeric => base_t == "Numeric",
                condition::ValueType::Date => base_t == "Date",
                condition::ValueType::Bool => base_t == "Bool",
                condition::ValueType::Ip => base_t == "IPAddress",
                condition::ValueType::Arn => matches!(base_t, "ARN" | "Arn" | "String"),
                condition::ValueType::Binary | condition::ValueType::Null => true,
            };
            if !fits {
                push(
                    Level::Warning,
                    "operator-type-mismatch",
                    format!(
                        "`{}` is of type {t}, which operator `{}` does not compare",
                        c.key, c.operator
                    ),
                    c.pos,
                );
            }
        }
        if op.set == Some(SetOp::ForAllValues) && s.effect == Effect::Allow && !op.negated {
            push(
                Level::SecurityWarning,
                "for-all-values-with-allow",
                format!(
                    "`ForAllValues` with `Allow` also matches when `{}` is absent or empty",
                    c.key
                ),
                c.pos,
            );
        }
        if !explicit.is_empty()
            && !key_l.starts_with("aws:")
            && !explicit
                .iter()
                .any(|a| db.supports_condition_key(a, &c.key))
        {
            push(
                Level::Warning,
                "unsupported-condition-key",
                format!(
                    "no action of the statement supports condition key `{}`",
                    c.key
                ),
                c.pos,
            );
        }
        // MFA anti-patterns.
        if key_l == "aws:multifactorauthpresent" && op.base == Base::Bool {
            let says_false = c
                .values
                .iter()
                .any(|v| v.as_str().eq_ignore_ascii_case("false"));
            if says_false && s.effect == Effect::Deny && !op.if_exists {
                push(Level::SecurityWarning, "mfa-deny-bool-false", "`Bool` `aws:MultiFactorAuthPresent` `false` never matches requests made with long-term access keys (the key is absent); use `BoolIfExists`".to_string(), c.pos);
            }
            if says_false && s.effect == Effect::Allow {
                push(Level::SecurityWarning, "mfa-allow-without-mfa", "the statement allows requests made without MFA (`aws:MultiFactorAuthPresent` `false`)".to_string(), c.pos);
            }
            if !says_false && s.effect == Effect::Allow && op.if_exists {
                push(Level::SecurityWarning, "mfa-allow-if-exists", "`BoolIfExists` `aws:MultiFactorAuthPresent` `true` also allows long-term access keys, which carry no MFA key".to_string(), c.pos);
            }
        }
    }
}

/// Whether a statement is RCPFullAWSAccess's: allow `*` to `*` on `*`, no condition.
fn is_rcp_full_access(s: &Statement) -> bool {
    let star = |m: &Option<crate::policy::Matcher>| {
        m.as_ref()
            .is_some_and(|m| !m.not && m.patterns.len() == 1 && m.patterns[0].raw == "*")
    };
    s.effect == Effect::Allow
        && star(&s.action)
        && star(&s.resource)
        && s.conditions.is_empty()
        && s.principal
            .as_ref()
            .is_some_and(|p| !p.not && p.principal == Principal::Any)
}

/// The RCP grammar (AWS Organizations User Guide, "RCP syntax"): `Allow` only in
/// RCPFullAWSAccess, `Principal` only `*`, no `NotPrincipal` or `NotAction`, no `*` as the action
/// of a policy you write, and only actions of the services that support RCPs.
fn rcp_statement(
    s: &Statement,
    sid: &str,
    push: &mut impl FnMut(Level, &'static str, String, crate::json::Pos),
) {
    if s.effect == Effect::Allow && !is_rcp_full_access(s) {
        push(
            Level::Error,
            "rcp-allow",
            format!("statement{sid}: the RCPs you write may only `Deny`; `Allow` is reserved for RCPFullAWSAccess (`*` to `*` on `*`, no condition)"),
            s.pos,
        );
    }
    match &s.principal {
        Some(p) if p.not => push(
            Level::Error,
            "rcp-unsupported-element",
            format!("statement{sid}: RCPs do not support `NotPrincipal`"),
            s.pos,
        ),
        Some(p) if p.principal != Principal::Any => push(
            Level::Error,
            "rcp-principal",
            format!("statement{sid}: the `Principal` of an RCP can only be `\"*\"`; restrict principals with conditions"),
            s.pos,
        ),
        _ => {}
    }
    let Some(m) = &s.action else {
        return;
    };
    if m.not {
        push(
            Level::Error,
            "rcp-unsupported-element",
            format!("statement{sid}: RCPs do not support `NotAction`"),
            s.pos,
        );
    }
    if s.effect == Effect::Deny {
        for p in &m.patterns {
            let raw = p.raw.as_str();
            if raw == "*" {
                push(
                    Level::Error,
                    "rcp-action-star",
                    format!("statement{sid}: an RCP you write cannot use `*` as an action; name the service (`s3:*`)"),
                    s.pos,
                );
                continue;
            }
            let svc = raw.split(':').next().unwrap_or("").to_ascii_lowercase();
            let supported = if svc.contains(['*', '?']) {
                crate::eval::RCP_SERVICES
                    .iter()
                    .any(|x| crate::pattern::glob_str(&svc, x))
            } else {
                crate::eval::RCP_SERVICES.contains(&svc.as_str())
            };
            if !supported {
                push(
                    Level::Error,
                    "rcp-unsupported-service",
                    format!("statement{sid}: RCPs do not apply to `{raw}`: service `{svc}` does not support RCPs"),
                    s.pos,
                );
            }
        }
    }
}

/// Types of the global condition keys (IAM User Guide, "AWS global condition context keys").
fn global_key_type(key_l: &str) -> Option<&'static str> {
    Some(match key_l {
        "aws:multifactorauthpresent"
        | "aws:securetransport"
        | "aws:viaawsservice"
        | "aws:principalisawsservice" => "Bool",
        "aws:multifactorauthage" => "Numeric",
        "aws:sourceip" => "IPAddress",
        "aws:currenttime" | "aws:epochtime" | "aws:tokenissuetime" => "Date",
        "aws:principalarn" | "aws:sourcearn" => "ARN",
        "aws:tagkeys"
        | "aws:calledvia"
        | "aws:principalservicenameslist"
        | "aws:principalorgpaths"
        | "aws:resourceorgpaths" => "ArrayOfString",
        "aws:username"
        | "aws:userid"
        | "aws:principalaccount"
        | "aws:principalorgid"
        | "aws:principaltype"
        | "aws:sourceaccount"
        | "aws:sourcevpc"
        | "aws:sourcevpce"
        | "aws:requestedregion"
        | "aws:resourceaccount"
        | "aws:resourceorgid"
        | "aws:calledviafirst"
        | "aws:calledvialast"
        | "aws:useragent"
        | "aws:referer" => "String",
        _ => return None,
    })
}
