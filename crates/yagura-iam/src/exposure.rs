//! Exposure meets privilege (IAM-03, seed 000's web server): the internet-reachable resources of
//! an inventory whose role can reach admin on the escalation graph, each with the whole path —
//! entry (port, load balancer), instance, role, every hop, the administrator.
//!
//! Reachable from the internet: an EC2 instance with a public address and a security group that
//! lets `0.0.0.0/0` or `::/0` in, or an instance registered behind an internet-facing load
//! balancer (whose own security groups, when it has any, let the world in).

use crate::analyze::{grant_text, AccountAuthorization};
use crate::checks;
use crate::graph::{Extra, Graph, InstanceInfo};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use yagura_core::{text, Finding, Status, Text};
use yagura_inventory::{Collected, IngressRule, Inventory, SecurityGroup};

/// One internet-reachable (or not) instance with a role, as judged.
#[derive(Debug, Clone, Serialize)]
pub struct Exposed {
    pub account: String,
    pub region: String,
    pub instance: String,
    /// How the internet reaches it (`tcp/22 from 0.0.0.0/0 (sg-1)`, `load balancer web
    /// (internet-facing)`); empty when it is not reachable. In both languages; data in JSON
    /// carries the English.
    #[serde(serialize_with = "english_list")]
    pub entries: Vec<Text>,
    pub role: String,
    /// `internet → tcp/22 → instance i-… → role/web → … → role/Admin (admin)` when the role can
    /// reach admin and the instance is reachable.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "english_option"
    )]
    pub path: Option<Text>,
}

/// The graph's view of an inventory's EC2 instances: every instance with an instance profile.
/// `None` when the inventory holds no region (instances were not collected).
pub fn instances(inv: &Inventory) -> Option<Vec<InstanceInfo>> {
    let mut any_region = false;
    let mut out = Vec::new();
    for a in &inv.accounts {
        let partition = if a.partition.is_empty() {
            "aws"
        } else {
            a.partition.as_str()
        };
        for r in &a.regions {
            any_region = true;
            let Collected::Ok(list) = &r.ec2.instances else {
                continue;
            };
            for i in list {
                let Some(profile) = &i.instance_profile_arn else {
                    continue;
                };
                if i.state == "terminated" || i.state == "shutting-down" {
                    continue;
                }
                out.push(InstanceInfo {
                    id: i.id.clone(),
                    arn: format!(
                        "arn:{partition}:ec2:{}:{}:instance/{}",
                        r.name, a.account_id, i.id
                    ),
                    account: a.account_id.clone(),
                    region: r.name.clone(),
                    profile_arn: profile.clone(),
                });
            }
        }
    }
    any_region.then_some(out)
}

/// What the graph needs from an inventory beyond IAM.
pub fn extra(inv: &Inventory) -> Extra {
    Extra {
        instances: instances(inv),
        ..Extra::default()
    }
}

fn world(r: &IngressRule) -> bool {
    r.ipv4_ranges.iter().any(|c| c == "0.0.0.0/0") || r.ipv6_ranges.iter().any(|c| c == "::/0")
}

fn ports(r: &IngressRule) -> String {
    let proto = if r.protocol == "-1" {
        "all"
    } else {
        r.protocol.as_str()
    };
    match (r.from_port, r.to_port) {
        _ if r.protocol == "-1" => "all traffic".to_string(),
        (Some(a), Some(b)) if a == b => format!("{proto}/{a}"),
        (Some(a), Some(b)) => format!("{proto}/{a}-{b}"),
        _ => proto.to_string(),
    }
}

fn english_list<S: serde::Serializer>(v: &[Text], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|t| t.en.as_ref()))
}

fn english_option<S: serde::Serializer>(v: &Option<Text>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(t) => s.serialize_str(&t.en),
        None => s.serialize_none(),
    }
}

/// The texts of `list` in one language, joined by `, `.
fn joined(list: &[Text], lang: yagura_core::Lang) -> String {
    list.iter()
        .map(|t| t.get(lang))
        .collect::<Vec<_>>()
        .join(", ")
}

fn open_to_world(groups: &[String], by_id: &HashMap<&str, &SecurityGroup>) -> Vec<Text> {
    let mut out = Vec::new();
    for g in groups {
        if let Some(sg) = by_id.get(g.as_str()) {
            for r in sg.ingress.iter().filter(|r| world(r)) {
                let from = if r.ipv4_ranges.iter().any(|c| c == "0.0.0.0/0") {
                    "0.0.0.0/0"
                } else {
                    "::/0"
                };
                let (ports, sg) = (ports(r), &sg.id);
                out.push(text!(
                    "{ports} from {from} ({sg})",
                    "{from} から {ports} ({sg})"
                ));
            }
        }
    }
    out
}

/// Judges every instance with a role: reachable from the internet, and its role's path to
/// admin. `accounts` are the analysis input the graph was built from (same order).
pub fn exposures(inv: &Inventory, accounts: &[AccountAuthorization], g: &Graph) -> Vec<Exposed> {
    // Instance profile → role node.
    let mut by_profile: HashMap<&str, usize> = HashMap::new();
    let mut i = 0usize;
    for auth in accounts {
        for p in &auth.principals {
            for ip in p.instance_profiles.iter() {
                by_profile.insert(ip.as_str(), i);
            }
            i += 1;
        }
    }
    let mut out = Vec::new();
    for a in &inv.accounts {
        for r in &a.regions {
            let Collected::Ok(list) = &r.ec2.instances else {
                continue;
            };
            let sgs: Vec<SecurityGroup> = match &r.ec2.security_groups {
                Collected::Ok(v) => v.clone(),
                Collected::Error(_) => Vec::new(),
            };
            let by_id: HashMap<&str, &SecurityGroup> =
                sgs.iter().map(|s| (s.id.as_str(), s)).collect();
            // Internet-facing load balancers in front of instances.
            let mut behind: BTreeMap<&str, Vec<Text>> = BTreeMap::new();
            if let Collected::Ok(lbs) = &r.load_balancers {
                for lb in lbs.iter().filter(|lb| lb.scheme == "internet-facing") {
                    let open = lb.security_groups.is_empty()
                        || !open_to_world(&lb.security_groups, &by_id).is_empty();
                    if !open {
                        continue;
                    }
                    let listeners: BTreeSet<&str> =
                        lb.listener_protocols.iter().map(String::as_str).collect();
                    let listeners = listeners.into_iter().collect::<Vec<_>>().join("/");
                    for t in &lb.targets {
                        let name = &lb.name;
                        behind.entry(t.as_str()).or_default().push(text!(
                            "load balancer {name} (internet-facing, {listeners})",
                            "ロードバランサー `{name}` (インターネット向け、{listeners})"
                        ));
                    }
                }
            }
            for inst in list {
                let Some(profile) = &inst.instance_profile_arn else {
                    continue;
                };
                if inst.state == "terminated" || inst.state == "shutting-down" {
                    continue;
                }
                let Some(&role) = by_profile.get(profile.as_str()) else {
                    continue;
                };
                let mut entries = Vec::new();
                if inst.public_ip.is_some() {
                    entries.extend(open_to_world(&inst.security_groups, &by_id));
                }
                if let Some(lb) = behind.get(inst.id.as_str()) {
                    entries.extend(lb.iter().cloned());
                }
                let role_label = g.label(role);
                let id = &inst.id;
                let path = match entries.first() {
                    None => None,
                    Some(entry) if g.nodes.get(role).is_some_and(|n| n.admin.is_some()) => {
                        let (en, ja) = (&entry.en, &entry.ja);
                        Some(text!(
                            "internet → {en} → instance {id} → {role_label} (admin)",
                            "インターネット → {ja} → インスタンス {id} → {role_label}(管理者)"
                        ))
                    }
                    Some(entry) => g.paths(role).first().map(|p| {
                        let (en, ja) = (&entry.en, &entry.ja);
                        let hops = g.describe_text(p);
                        let (hops, hops_ja) = (&hops.en, &hops.ja);
                        text!(
                            "internet → {en} → instance {id} → {hops}",
                            "インターネット → {ja} → インスタンス {id} → {hops_ja}"
                        )
                    }),
                };
                out.push(Exposed {
                    account: a.account_id.clone(),
                    region: r.name.clone(),
                    instance: inst.id.clone(),
                    entries,
                    role: g.nodes.get(role).map(|n| n.arn.clone()).unwrap_or_default(),
                    path,
                });
            }
        }
    }
    out
}

/// The findings of [`exposures`]: FAIL (critical) where both halves meet, PASS otherwise with
/// the half that is missing.
pub fn findings(list: &[Exposed], g: &Graph) -> Vec<Finding> {
    let meta = &checks::EXPOSED_ESCALATION_PATH;
    let role_node: HashMap<&str, usize> = g
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.arn.as_str(), i))
        .collect();
    list.iter()
        .map(|e| {
            let id = &e.instance;
            let role = e.role.rsplit('/').next().unwrap_or_default();
            let f = |status, message| {
                Finding::new(
                    meta.id,
                    status,
                    meta.severity,
                    format!("{}:{}:instance/{id}", e.account, e.region),
                    e.account.clone(),
                    e.region.clone(),
                    message,
                )
                .with_evidence("instance", id.clone())
                .with_evidence("role", e.role.clone())
            };
            match &e.path {
                Some(path) => {
                    let entry = joined(&e.entries, yagura_core::Lang::En);
                    let entry_ja = joined(&e.entries, yagura_core::Lang::Ja);
                    let path_ja = &path.ja;
                    let path = &path.en;
                    let mut x = f(
                        Status::Fail,
                        text!(
                            "instance `{id}` is reachable from the internet ({entry}) and runs as role `{role}`, which can reach admin: {path}",
                            "インスタンス `{id}` はインターネットから到達可能 ({entry_ja}) で、管理者に到達できるロール `{role}` で動いています: {path_ja}"
                        ),
                    )
                    .with_evidence("entry", entry.clone())
                    .with_evidence("path", path.to_string());
                    if let Some(&r) = role_node.get(e.role.as_str()) {
                        let st: Vec<String> = g
                            .paths(r)
                            .first()
                            .into_iter()
                            .flatten()
                            .filter_map(|i| g.edges.get(*i))
                            .flat_map(|x| x.grants.iter().map(grant_text))
                            .collect();
                        if !st.is_empty() {
                            x = x.with_evidence("statements", st.join("; "));
                        }
                    }
                    x
                }
                None if e.entries.is_empty() => f(
                    Status::Pass,
                    text!(
                        "instance `{id}` (role `{role}`) is not reachable from the internet",
                        "インスタンス `{id}` (ロール `{role}`) はインターネットから到達できません"
                    ),
                ),
                None => f(
                    Status::Pass,
                    text!(
                        "instance `{id}` is reachable from the internet but its role `{role}` cannot reach admin",
                        "インスタンス `{id}` はインターネットから到達可能ですが、ロール `{role}` は管理者に到達できません"
                    ),
                )
                .with_evidence("entry", joined(&e.entries, yagura_core::Lang::En)),
            }
        })
        .collect()
}
