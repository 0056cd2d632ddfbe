//! How much a change matters, so that a notification threshold keeps noise from burying the real
//! alarm (WATCH-02). The rules follow seeds 001 and 004: what opens the estate to the world or
//! grants power is high; new identities are medium; routine state changes are informational.

use crate::diff::{Change, ChangeType};
use crate::item::types;
use serde_json::Value;
use yagura_core::Severity;

/// The severity of one change and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rating {
    pub severity: Severity,
    /// A short English reason (`security group opened to 0.0.0.0/0`).
    pub reason: &'static str,
}

const ADMIN_POLICIES: &[&str] = &[
    "arn:aws:iam::aws:policy/AdministratorAccess",
    "arn:aws:iam::aws:policy/IAMFullAccess",
    "arn:aws:iam::aws:policy/PowerUserAccess",
];

fn world(v: &Value) -> bool {
    let has = |k: &str, field: &str, cidr: &str| {
        v.get(k).and_then(Value::as_array).is_some_and(|rs| {
            rs.iter()
                .any(|r| r.get(field).and_then(Value::as_str) == Some(cidr))
        })
    };
    has("ipv4Ranges", "cidrIp", "0.0.0.0/0") || has("ipv6Ranges", "cidrIpv6", "::/0")
}

fn added<'a>(c: &'a Change, prefix: &str) -> impl Iterator<Item = &'a Value> + 'a {
    let prefix = prefix.to_string();
    c.configuration_item_diff
        .changed_properties
        .iter()
        .filter(move |(k, p)| k.starts_with(&prefix) && p.change_type != ChangeType::Delete)
        .map(|(_, p)| &p.updated_value)
}

fn updated<'a>(c: &'a Change, path: &str) -> Option<&'a Value> {
    c.configuration_item_diff
        .changed_properties
        .get(path)
        .map(|p| &p.updated_value)
}

/// Rates a change; the highest matching rule wins.
pub fn rate(c: &Change) -> Rating {
    let mut best = Rating {
        severity: Severity::Info,
        reason: "configuration changed",
    };
    let mut bump = |severity: Severity, reason: &'static str| {
        if severity > best.severity {
            best = Rating { severity, reason };
        }
    };
    let item = &c.configuration_item;
    let kind = c.configuration_item_diff.change_type;
    let config = &item.configuration;
    match item.resource_type.as_str() {
        types::EC2_SECURITY_GROUP => {
            let rules: Vec<&Value> = if kind == ChangeType::Create {
                config
                    .get("ipPermissions")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().collect())
                    .unwrap_or_default()
            } else {
                added(c, "Configuration.IpPermissions.").collect()
            };
            if rules.iter().any(|r| world(r)) {
                bump(Severity::High, "security group opened to 0.0.0.0/0 or ::/0");
            } else if !rules.is_empty() {
                bump(Severity::Low, "security group rule added");
            }
            if kind == ChangeType::Delete {
                bump(Severity::Low, "security group deleted");
            }
        }
        types::IAM_USER | types::IAM_ROLE => {
            let policies: Vec<&Value> = if kind == ChangeType::Create {
                config
                    .get("attachedManagedPolicies")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().collect())
                    .unwrap_or_default()
            } else {
                added(c, "Configuration.AttachedManagedPolicies.").collect()
            };
            if policies.iter().any(|p| {
                p.get("policyArn")
                    .and_then(Value::as_str)
                    .is_some_and(|a| ADMIN_POLICIES.contains(&a))
            }) {
                bump(Severity::Critical, "administrator policy attached");
            }
            let inline_added = if kind == ChangeType::Create {
                config
                    .get("userPolicyList")
                    .or_else(|| config.get("rolePolicyList"))
                    .and_then(Value::as_array)
                    .is_some_and(|a| !a.is_empty())
            } else {
                added(c, "Configuration.UserPolicyList.")
                    .chain(added(c, "Configuration.RolePolicyList."))
                    .next()
                    .is_some()
            };
            if inline_added {
                bump(Severity::Medium, "inline policy added");
            }
            if item.resource_type == types::IAM_ROLE
                && c.configuration_item_diff
                    .changed_properties
                    .keys()
                    .any(|k| k.starts_with("Configuration.AssumeRolePolicyDocument"))
                && kind == ChangeType::Update
            {
                bump(Severity::High, "role trust policy changed");
            }
            match (item.resource_type.as_str(), kind) {
                (types::IAM_USER, ChangeType::Create) => bump(Severity::Medium, "IAM user created"),
                (types::IAM_USER, ChangeType::Delete) => bump(Severity::Medium, "IAM user deleted"),
                (_, ChangeType::Create) => bump(Severity::Low, "IAM role created"),
                _ => {}
            }
        }
        types::ELBV2_LOAD_BALANCER => {
            let scheme = if kind == ChangeType::Create {
                config.get("scheme")
            } else {
                updated(c, "Configuration.Scheme")
            };
            if scheme.and_then(Value::as_str) == Some("internet-facing") {
                bump(Severity::High, "load balancer is internet-facing");
            }
        }
        types::EC2_SUBNET
            if updated(c, "Configuration.MapPublicIpOnLaunch") == Some(&Value::Bool(true)) =>
        {
            bump(Severity::Medium, "subnet gives instances public addresses");
        }
        types::EC2_INSTANCE => {
            let public = if kind == ChangeType::Create {
                config.get("publicIpAddress")
            } else {
                updated(c, "Configuration.PublicIpAddress")
            };
            if public.is_some_and(|v| !v.is_null()) {
                bump(Severity::Low, "instance has a public address");
            }
            if kind == ChangeType::Create {
                bump(Severity::Low, "instance launched");
            }
        }
        types::S3_BUCKET => {
            let pab = updated(c, "Configuration.PublicAccessBlockConfiguration").or_else(|| {
                c.configuration_item_diff
                    .changed_properties
                    .iter()
                    .find(|(k, _)| k.starts_with("Configuration.PublicAccessBlockConfiguration."))
                    .map(|(_, p)| &p.updated_value)
            });
            if pab.is_some_and(|v| v.is_null() || *v == Value::Bool(false))
                && kind == ChangeType::Update
            {
                bump(Severity::High, "bucket public access block weakened");
            }
            if c.configuration_item_diff
                .changed_properties
                .keys()
                .any(|k| k.starts_with("Configuration.BucketPolicy"))
                && kind == ChangeType::Update
            {
                bump(Severity::Medium, "bucket policy changed");
            }
        }
        _ => {}
    }
    if kind == ChangeType::Delete {
        // Only raises an informational rating: a rule above already said more.
        bump(Severity::Low, "resource deleted");
    }
    best
}
