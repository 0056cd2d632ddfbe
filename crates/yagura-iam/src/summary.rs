//! What a policy grants: the wildcard-expanded allowed actions with access level and classes,
//! and the policy-level flags (privilege escalation, resource exposure, credentials exposure,
//! data access).

use crate::actions::{AccessLevel, ActionDb};
use crate::policy::{Effect, Policy};
use std::collections::{BTreeMap, BTreeSet};

/// One allowed action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Granted {
    /// `service:Name` as the database spells it.
    pub action: String,
    pub access_level: AccessLevel,
    /// Granted only under a condition.
    pub conditional: bool,
    /// Granted on `Resource: *` (or through `NotResource`).
    pub all_resources: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicySummary {
    /// Lowercase `service:action` → what is granted.
    pub actions: BTreeMap<String, Granted>,
    /// Allowed action patterns that match no known action.
    pub unknown_actions: BTreeSet<String>,
    pub privesc: bool,
    pub resource_exposure: bool,
    pub credentials_exposure: bool,
    pub data_access: bool,
    /// Grants `*` on `*` without condition.
    pub full_admin: bool,
}

/// Expands the `Allow` statements of a policy against the action database.
pub fn summarize(db: &ActionDb, policy: &Policy) -> PolicySummary {
    let mut out = PolicySummary::default();
    for s in &policy.statements {
        if s.effect != Effect::Allow {
            continue;
        }
        let Some(m) = &s.action else {
            continue;
        };
        let conditional = !s.conditions.is_empty();
        let all_resources = match &s.resource {
            None => true,
            Some(r) => r.not || r.patterns.iter().any(|p| p.raw == "*"),
        };
        let actions = if m.not {
            let pats: Vec<&str> = m.patterns.iter().map(|p| p.raw.as_str()).collect();
            db.expand_not(&pats)
        } else {
            let mut v = Vec::new();
            for p in &m.patterns {
                let found = db.expand(&p.raw);
                if found.is_empty() {
                    out.unknown_actions.insert(p.raw.clone());
                }
                if p.raw == "*" && all_resources && !conditional {
                    out.full_admin = true;
                }
                v.extend(found);
            }
            v
        };
        for a in actions {
            let e = out
                .actions
                .entry(a.key().to_string())
                .or_insert_with(|| Granted {
                    action: a.full_name(),
                    access_level: a.access_level,
                    conditional,
                    all_resources,
                });
            e.conditional &= conditional;
            e.all_resources |= all_resources;
        }
    }
    let c = &db.classes;
    for k in out.actions.keys() {
        out.privesc |= c.privilege_escalation.contains(k);
        out.resource_exposure |= c.resource_exposure.contains(k);
        out.credentials_exposure |= c.credentials_exposure.contains(k);
        out.data_access |= c.data_access.contains(k);
    }
    out
}
