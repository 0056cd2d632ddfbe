//! Attack sequences (WATCH-05): events sorted into stages, linked by who did them, and one
//! critical alert when a linked chain covers initial access and at least two later stages
//! within the window.
//!
//! The stages are data: [`BY_DETECTION`] gives the stage of each native detection,
//! [`BY_EVENT`] the stage of events that have no detection of their own (a root sign-in, a
//! policy version set as default, a launch, a secret read). A long-term access key (`AKIA…`)
//! is initial access on the first stage event it signs from a source address. Launches and
//! secret reads count for impact together: large or many instances, or many secrets, over the
//! chain's window.
//!
//! Events are linked when they share the principal, the access key, a source address (not an
//! AWS service's), or an identity that one of them created: a user (its name), an access key
//! (its id, from `CreateAccessKey`'s response), a role (its sessions) or federation
//! credentials. Linking is transitive, so a chain can start with a leaked key, continue as the
//! user it created and end from that user's own key.

use super::{Kind, NativeState, SigRef, Strings, Sym, TAKEOVER};
use crate::detection::{Detection, EventRef, FnvMap};
use crate::event::{format_time_ms, Event};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use yagura_core::Text;

/// Initial access: the way in.
pub const INITIAL: u8 = 1;
/// Persistence: identities, keys, passwords, trusts and providers made to keep access.
pub const PERSISTENCE: u8 = 2;
/// Privilege escalation: administrator rights granted.
pub const ESCALATION: u8 = 4;
/// Defence evasion: logging and detection stopped, owners removed or locked out.
pub const EVASION: u8 = 8;
/// Impact and exfiltration: instances launched, data shared, made public, deleted or read.
pub const IMPACT: u8 = 16;

/// The stages in order, with their names.
pub const STAGES: [(u8, &str, &str); 5] = [
    (INITIAL, "initial access", "初期アクセス"),
    (PERSISTENCE, "persistence", "永続化"),
    (ESCALATION, "privilege escalation", "権限昇格"),
    (EVASION, "defence evasion", "防御回避"),
    (IMPACT, "impact/exfiltration", "影響・持ち出し"),
];

/// The stage of each native detection (by check id).
pub static BY_DETECTION: &[(&str, u8)] = &[
    ("console-login-without-mfa", INITIAL),
    ("sts-federation-token-issued", INITIAL),
    ("iam-user-created", PERSISTENCE),
    ("iam-access-key-created", PERSISTENCE),
    ("iam-login-profile-created", PERSISTENCE),
    ("iam-role-trust-opened", PERSISTENCE),
    ("rolesanywhere-trust-anchor-created", PERSISTENCE),
    ("lambda-permission-granted-outside", PERSISTENCE),
    ("iam-admin-policy-attached", ESCALATION),
    ("cloudtrail-logging-tampered", EVASION),
    ("config-recorder-stopped", EVASION),
    ("guardduty-detector-disabled", EVASION),
    ("vpc-flow-logs-deleted", EVASION),
    ("route53-query-logging-deleted", EVASION),
    ("iam-user-or-login-profile-deleted", EVASION),
    ("iam-user-locked-out", EVASION),
    ("organization-leave-attempted", EVASION),
    ("ec2-image-or-snapshot-shared", IMPACT),
    ("rds-snapshot-shared", IMPACT),
    ("s3-bucket-policy-made-public", IMPACT),
    ("s3-bucket-deleted", IMPACT),
];

/// What else an event of [`BY_EVENT`] needs to be in its stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// It succeeded.
    Success,
    /// The caller is the root user.
    Root,
    /// `requestParameters.setAsDefault` is true (and it succeeded).
    SetAsDefault,
    /// A launch that was attempted (succeeded, or refused for limits or permissions): impact
    /// when the chain's launches are large or many.
    Launch,
    /// A secret read (succeeded; SSM parameters with decryption): impact when the chain reads
    /// many.
    SecretRead,
}

/// The stage of events that have no detection of their own: (event source, event names,
/// stage, what else it needs).
pub static BY_EVENT: &[(&str, &[&str], u8, Need)] = &[
    (
        "signin.amazonaws.com",
        &["ConsoleLogin"],
        INITIAL,
        Need::Root,
    ),
    (
        "iam.amazonaws.com",
        &[
            "CreateRole",
            "UpdateAssumeRolePolicy",
            "CreateSAMLProvider",
            "UpdateSAMLProvider",
            "CreateOpenIDConnectProvider",
            "UpdateOpenIDConnectProviderThumbprint",
            "AddClientIDToOpenIDConnectProvider",
            "CreateVirtualMFADevice",
            "EnableMFADevice",
        ],
        PERSISTENCE,
        Need::Success,
    ),
    (
        "iam.amazonaws.com",
        &["SetDefaultPolicyVersion"],
        ESCALATION,
        Need::Success,
    ),
    (
        "iam.amazonaws.com",
        &["CreatePolicyVersion"],
        ESCALATION,
        Need::SetAsDefault,
    ),
    ("ec2.amazonaws.com", &["RunInstances"], IMPACT, Need::Launch),
    (
        "secretsmanager.amazonaws.com",
        &["GetSecretValue", "BatchGetSecretValue"],
        IMPACT,
        Need::SecretRead,
    ),
    (
        "ssm.amazonaws.com",
        &["GetParameter", "GetParameters"],
        IMPACT,
        Need::SecretRead,
    ),
];

/// What a stage signal carries besides its event.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct StageInfo {
    /// Stage bits decided on the event alone.
    pub stages: u8,
    /// Identities the event created, as link tokens (see [`Tokens`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub created: Vec<String>,
    /// Instances asked for (launches) and whether of a large type.
    #[serde(default)]
    pub instances: u64,
    #[serde(default)]
    pub large: bool,
    /// Secrets read.
    #[serde(default)]
    pub secrets: u64,
}

fn by_event_index() -> &'static FnvMap<&'static str, Vec<usize>> {
    static INDEX: std::sync::OnceLock<FnvMap<&'static str, Vec<usize>>> =
        std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let mut m: FnvMap<&'static str, Vec<usize>> = FnvMap::default();
        for (i, (_, names, _, _)) in BY_EVENT.iter().enumerate() {
            for n in names.iter() {
                m.entry(*n).or_default().push(i);
            }
        }
        m
    })
}

/// The secrets one read asks for: the names of `GetParameters`, the ids of
/// `BatchGetSecretValue`, and for a batch read by filter (every matching secret) as many as
/// make a burst on their own.
pub(crate) fn secrets_read(ev: &Event, burst: u64) -> u64 {
    let req = ev.get("requestParameters");
    let len = |k: &str| {
        req.and_then(|r| r.get(k))
            .and_then(Value::as_array)
            .map(|a| a.len() as u64)
    };
    match ev.event_name() {
        "GetParameters" => len("names").unwrap_or(1).max(1),
        "BatchGetSecretValue" => match len("secretIdList") {
            Some(n) if n > 0 => n,
            _ => burst,
        },
        _ => 1,
    }
}

/// One element of a chain: a stage signal, a launch or a minute of secret reads.
struct Item<'s> {
    ev: &'s SigRef,
    stages: u8,
    created: &'s [String],
    instances: u64,
    large: bool,
    secrets: u64,
    /// Events behind it besides `ev` (the other secret reads of the minute).
    more: &'s [SigRef],
}

impl NativeState {
    /// Keeps `ev` as a stage signal when it belongs to a stage: through the native detections
    /// just decided on it (`decided`) or through [`BY_EVENT`]. Launches and secret reads are
    /// not kept again: the chains take them from the burst state.
    pub(super) fn classify(&mut self, ev: &Event, decided: &[Detection]) {
        let mut stages = 0u8;
        for d in decided {
            if let Some((_, s)) = BY_DETECTION.iter().find(|(id, _)| *id == d.id) {
                stages |= s;
            }
        }
        if let Some(rules) = by_event_index().get(ev.event_name()) {
            let source = ev.event_source();
            for &i in rules {
                let Some((src, _, stage, need)) = BY_EVENT.get(i) else {
                    continue;
                };
                if *src != source {
                    continue;
                }
                let met = match need {
                    Need::Success => super::ok(ev),
                    Need::Root => {
                        ev.lookup_raw(&["userIdentity", "type"])
                            == crate::event::RawLookup::Str("Root")
                    }
                    Need::SetAsDefault => {
                        super::ok(ev)
                            && super::req(ev, "setAsDefault")
                                .is_some_and(|v| v == &Value::Bool(true))
                    }
                    // counted by the launch and secret-read bursts
                    Need::Launch | Need::SecretRead => false,
                };
                if met {
                    stages |= stage;
                }
            }
        }
        if stages == 0 {
            return;
        }
        let info = StageInfo {
            stages,
            created: created_tokens(ev),
            instances: 0,
            large: false,
            secrets: 0,
        };
        self.signal(Kind::Stage(info), ev);
    }

    /// The elements of the chains in time order: stage signals, launches and minutes of secret
    /// reads.
    fn chain_items(&self) -> Vec<Item<'_>> {
        let st = &self.strings;
        let mut items: Vec<Item<'_>> = Vec::new();
        for s in &self.signals {
            match &s.kind {
                Kind::Stage(info) => items.push(Item {
                    ev: &s.ev,
                    stages: info.stages,
                    created: &info.created,
                    instances: info.instances,
                    large: info.large,
                    secrets: info.secrets,
                    more: &[],
                }),
                Kind::Launch { instances, large } => items.push(Item {
                    ev: &s.ev,
                    stages: 0,
                    created: &[],
                    instances: *instances,
                    large: *large,
                    secrets: 0,
                    more: &[],
                }),
                _ => {}
            }
        }
        for ((kind, _, _), m) in &self.minutes {
            if *kind != super::Counted::Secret {
                continue;
            }
            if let Some((first, more)) = m.first.split_first() {
                items.push(Item {
                    ev: first,
                    stages: 0,
                    created: &[],
                    instances: 0,
                    large: false,
                    secrets: m.count,
                    more,
                });
            }
        }
        items.sort_by(|a, b| a.ev.order(b.ev, st));
        items
    }

    /// The attack-sequence alerts.
    pub(super) fn chains(&self, out: &mut Vec<Detection>) {
        let st = &self.strings;
        let items = self.chain_items();
        if !items.iter().any(|i| i.stages != 0) {
            return;
        }
        // initial access by a long-term key: the first element it signs from an address (a
        // stage event, a launch or a minute of secret reads)
        let mut seen_from: BTreeSet<(Sym, Sym)> = BTreeSet::new();
        let mut initial: Vec<bool> = Vec::with_capacity(items.len());
        for it in &items {
            let mut ia = it.stages & INITIAL != 0;
            if let Some(k) = it.ev.access_key_id {
                if st.str(k).starts_with("AKIA") && seen_from.insert((k, it.ev.source_ip)) {
                    ia = true;
                }
            }
            initial.push(ia);
        }
        // link: union the items that share a token
        let mut uf = UnionFind::new(items.len());
        let mut owner: HashMap<(u8, u32), usize> = HashMap::new();
        let mut links = Links::default();
        for (n, it) in items.iter().enumerate() {
            let tokens = links.of(it, st);
            for t in tokens {
                match owner.get(&t) {
                    Some(&m) => uf.union(n, m),
                    None => {
                        owner.insert(t, n);
                    }
                }
            }
        }
        let mut components: HashMap<usize, Vec<usize>> = HashMap::new();
        for n in 0..items.len() {
            components.entry(uf.find(n)).or_default().push(n);
        }
        let mut roots: Vec<usize> = components.keys().copied().collect();
        roots.sort_unstable();
        let win = self.opts.takeover_window_ms;
        for root in roots {
            let Some(members) = components.get(&root) else {
                continue;
            };
            // members are in time order (the items are)
            let mut covered_until = i64::MIN;
            for (pos, &n) in members.iter().enumerate() {
                let Some(start) = items.get(n) else {
                    continue;
                };
                if !initial.get(n).copied().unwrap_or(false) || start.ev.time_ms <= covered_until {
                    continue;
                }
                let t0 = start.ev.time_ms;
                let mut stages = 0u8;
                let (mut instances, mut large, mut secrets) = (0u64, false, 0u64);
                let mut chain: Vec<usize> = Vec::new();
                for &m in members.get(pos..).unwrap_or_default() {
                    let Some(it) = items.get(m) else {
                        continue;
                    };
                    if it.ev.time_ms > t0 + win {
                        break;
                    }
                    stages |= it.stages;
                    if initial.get(m).copied().unwrap_or(false) {
                        stages |= INITIAL;
                    }
                    instances += it.instances;
                    large |= it.large;
                    secrets += it.secrets;
                    chain.push(m);
                }
                if large
                    || instances >= self.opts.launch_many
                    || secrets >= self.opts.secrets_threshold as u64
                {
                    stages |= IMPACT;
                }
                if (stages & !INITIAL).count_ones() < 2 {
                    continue;
                }
                // the events of the chain: those that carry a stage, or count towards impact
                let counts_impact = stages & IMPACT != 0;
                let mut events: Vec<(&SigRef, u8)> = Vec::new();
                for &m in &chain {
                    let Some(it) = items.get(m) else {
                        continue;
                    };
                    let mut bits = it.stages;
                    if initial.get(m).copied().unwrap_or(false) {
                        bits |= INITIAL;
                    }
                    let weighs = it.instances > 0 || it.secrets > 0;
                    if counts_impact && weighs {
                        bits |= IMPACT;
                    }
                    if bits != 0 {
                        events.push((it.ev, bits));
                        if weighs {
                            events.extend(it.more.iter().map(|e| (e, bits)));
                        }
                    }
                }
                events.sort_by(|a, b| a.0.order(b.0, st));
                covered_until = events.iter().map(|(e, _)| e.time_ms).max().unwrap_or(t0);
                out.push(alert(&events, stages, st));
            }
        }
    }
}

/// The tokens chain elements link by, as numbers: `(0, principal)`, `(1, user, role or
/// federated user)`, `(2, access key)`, `(3, source address)` (unless an AWS service's).
/// Strings are interned once per distinct principal or created identity, not per element.
#[derive(Default)]
struct Links {
    identities: HashMap<String, u32>,
    of_principal: HashMap<Sym, Option<u32>>,
}

impl Links {
    fn identity(&mut self, t: String) -> u32 {
        let next = u32::try_from(self.identities.len()).unwrap_or(u32::MAX);
        *self.identities.entry(t).or_insert(next)
    }

    fn of(&mut self, it: &Item<'_>, st: &Strings) -> Vec<(u8, u32)> {
        let ev = it.ev;
        let mut out = Vec::with_capacity(4 + it.created.len());
        if !st.str(ev.principal).is_empty() {
            out.push((0, ev.principal.0));
            let id = match self.of_principal.get(&ev.principal) {
                Some(id) => *id,
                None => {
                    let id = identity_token(st.str(ev.principal)).map(|t| self.identity(t));
                    self.of_principal.insert(ev.principal, id);
                    id
                }
            };
            if let Some(id) = id {
                out.push((1, id));
            }
        }
        if let Some(k) = ev.access_key_id.filter(|k| !st.str(*k).is_empty()) {
            out.push((2, k.0));
        }
        if routable(st.str(ev.source_ip)) {
            out.push((3, ev.source_ip.0));
        }
        for c in it.created {
            match c.strip_prefix("k:") {
                // a key created here links to the events it signs (if any were seen)
                Some(key) => {
                    if let Some(&k) = st.index.get(key) {
                        out.push((2, k));
                    }
                }
                None => out.push((1, self.identity(c.clone()))),
            }
        }
        out
    }
}

/// True for a source address that identifies a caller (not an AWS service acting for it).
pub(super) fn routable(ip: &str) -> bool {
    !ip.is_empty()
        && ip != "AWS Internal"
        && !ip.ends_with(".amazonaws.com")
        && crate::sigma::parse_ip(ip).is_some()
}

/// The user, role or federated user a principal ARN stands for, as a token:
/// `u:<account>:<name>`, `r:<account>:<role>`, `f:<account>:<name>`.
fn identity_token(arn: &str) -> Option<String> {
    let mut parts = arn.splitn(6, ':');
    let (_, _, _, _, account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if let Some(rest) = resource.strip_prefix("user/") {
        return Some(format!("u:{account}:{}", rest.rsplit('/').next()?));
    }
    if let Some(rest) = resource.strip_prefix("assumed-role/") {
        return Some(format!("r:{account}:{}", rest.split('/').next()?));
    }
    if let Some(rest) = resource.strip_prefix("federated-user/") {
        return Some(format!("f:{account}:{rest}"));
    }
    None
}

/// The identities an event created, as the tokens their later use carries.
fn created_tokens(ev: &Event) -> Vec<String> {
    if !super::ok(ev) {
        return Vec::new();
    }
    let account = super::techniques::own_account(ev);
    let rp = |k: &str| super::req_str(ev, k);
    let resp = ev.get("responseElements");
    let mut out = Vec::new();
    match ev.event_name() {
        "CreateUser" | "CreateLoginProfile" | "UpdateLoginProfile" => {
            if let Some(u) = rp("userName") {
                out.push(format!("u:{account}:{u}"));
            }
        }
        "CreateAccessKey" => {
            if let Some(u) = rp("userName") {
                out.push(format!("u:{account}:{u}"));
            }
            if let Some(k) = resp
                .and_then(|r| r.get("accessKey"))
                .and_then(|k| k.get("accessKeyId"))
                .and_then(Value::as_str)
            {
                out.push(format!("k:{k}"));
            }
        }
        "CreateRole" | "UpdateAssumeRolePolicy" => {
            if let Some(r) = rp("roleName") {
                out.push(format!("r:{account}:{r}"));
            }
        }
        "GetFederationToken" => {
            if let Some(n) = rp("name") {
                out.push(format!("f:{account}:{n}"));
            }
            if let Some(k) = resp
                .and_then(|r| r.get("credentials"))
                .and_then(|c| c.get("accessKeyId"))
                .and_then(Value::as_str)
            {
                out.push(format!("k:{k}"));
            }
        }
        _ => {}
    }
    out
}

fn alert(events: &[(&SigRef, u8)], stages: u8, st: &Strings) -> Detection {
    let mut refs: Vec<EventRef> = events.iter().map(|(e, _)| e.to_ref(st)).collect();
    refs.dedup_by(|a, b| a.event_id == b.event_id && !a.event_id.is_empty());
    let first = refs.first().cloned();
    let last_ms = refs.iter().map(|e| e.time_ms).max().unwrap_or(0);
    let principals: BTreeSet<&str> = events
        .iter()
        .map(|(e, _)| st.str(e.principal))
        .filter(|p| !p.is_empty())
        .collect();
    let mut en = Vec::new();
    let mut ja = Vec::new();
    for (bit, name_en, name_ja) in STAGES {
        if stages & bit == 0 {
            continue;
        }
        let mut names: Vec<&str> = events
            .iter()
            .filter(|(_, b)| b & bit != 0)
            .map(|(e, _)| st.str(e.event_name))
            .collect();
        names.dedup();
        let mut uniq: Vec<&str> = Vec::new();
        for n in names {
            if !uniq.contains(&n) {
                uniq.push(n);
            }
        }
        en.push(format!("{name_en} ({})", uniq.join(", ")));
        ja.push(format!("{name_ja} ({})", uniq.join(", ")));
    }
    let (who, ip, key) = first
        .as_ref()
        .map(|e| {
            (
                e.principal.clone(),
                e.source_ip.clone(),
                e.access_key_id
                    .as_deref()
                    .map(|k| format!(", access key `{}`", yagura_core::mask_key_id(k)))
                    .unwrap_or_default(),
            )
        })
        .unwrap_or_default();
    let others = principals.len().saturating_sub(1);
    let linked = if others > 0 {
        format!(
            " and {others} linked identit{}",
            if others == 1 { "y" } else { "ies" }
        )
    } else {
        String::new()
    };
    let linked_ja = if others > 0 {
        format!(" と関連する {others} 個の ID")
    } else {
        String::new()
    };
    let t0 = first.as_ref().map_or(0, |e| e.time_ms);
    let (a, b) = (format_time_ms(t0), format_time_ms(last_ms));
    super::detection(
        &TAKEOVER,
        refs,
        Text::owned(
            format!(
                "attack sequence by `{who}`{linked} (from `{ip}`{key}) between {a} and {b}: {}",
                en.join(" → ")
            ),
            format!(
                "`{who}`{linked_ja} による一連の攻撃 (送信元 `{ip}`{key}、{a} から {b}): {}",
                ja.join(" → ")
            ),
        ),
    )
}

struct UnionFind(Vec<usize>);

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind((0..n).collect())
    }

    fn find(&mut self, mut x: usize) -> usize {
        while let Some(&p) = self.0.get(x) {
            if p == x {
                break;
            }
            let gp = self.0.get(p).copied().unwrap_or(p);
            if let Some(slot) = self.0.get_mut(x) {
                *slot = gp;
            }
            x = p;
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            // the smaller index stays the root: the same components whatever the order
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            if let Some(slot) = self.0.get_mut(hi) {
                *slot = lo;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn identities_of_principals() {
        assert_eq!(
            identity_token("arn:aws:iam::1:user/path/bob").as_deref(),
            Some("u:1:bob")
        );
        assert_eq!(
            identity_token("arn:aws:sts::1:assumed-role/admin/alice").as_deref(),
            Some("r:1:admin")
        );
        assert_eq!(identity_token("AWS Internal"), None);
        assert!(routable("075.050.255.67"));
        assert!(!routable("AWS Internal"));
        assert!(!routable("ec2.amazonaws.com"));
    }

    #[test]
    fn every_detection_of_the_table_exists() {
        for (id, _) in BY_DETECTION {
            assert!(
                crate::CHECKS.iter().any(|c| c.id == *id),
                "{id} is not a native check"
            );
        }
    }
}
