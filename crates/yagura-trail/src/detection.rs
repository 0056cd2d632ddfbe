//! What a scan reports: detections with the events behind them.

use crate::event::{format_time_ms, Event};
use serde::{Deserialize, Serialize};
use yagura_core::{Severity, Text};

/// An event behind a detection: enough to find it again and to see who did what from where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRef {
    #[serde(rename = "eventID")]
    pub event_id: String,
    #[serde(rename = "eventTime")]
    pub event_time: String,
    #[serde(rename = "eventSource")]
    pub event_source: String,
    #[serde(rename = "eventName")]
    pub event_name: String,
    /// `userIdentity.arn` (or principal id / type when there is no ARN).
    pub principal: String,
    #[serde(rename = "sourceIPAddress")]
    pub source_ip: String,
    #[serde(
        rename = "accessKeyId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub access_key_id: Option<String>,
    #[serde(rename = "awsRegion", default)]
    pub region: String,
    #[serde(rename = "recipientAccountId", default)]
    pub account: String,
    #[serde(rename = "errorCode", default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// The file or object key the event was read from, and its record index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u64>,
    /// Milliseconds since the epoch (for ordering; not serialized).
    #[serde(skip)]
    pub time_ms: i64,
}

impl EventRef {
    pub fn of(ev: &Event) -> EventRef {
        EventRef {
            event_id: ev.event_id().to_string(),
            event_time: if ev.event_time().is_empty() {
                format_time_ms(ev.time_ms)
            } else {
                ev.event_time().to_string()
            },
            event_source: ev.event_source().to_string(),
            event_name: ev.event_name().to_string(),
            principal: ev.principal(),
            source_ip: ev.source_ip().to_string(),
            access_key_id: ev.access_key_id().map(str::to_string),
            region: ev.str_field("awsRegion").unwrap_or_default().to_string(),
            account: ev
                .str_field("recipientAccountId")
                .or_else(|| {
                    ev.get("userIdentity")
                        .and_then(|u| u.get("accountId"))
                        .and_then(|v| v.as_str())
                })
                .unwrap_or_default()
                .to_string(),
            error_code: ev.error_code().map(str::to_string),
            key: ev.origin.as_ref().map(|o| o.key.to_string()),
            index: ev.origin.as_ref().map(|o| o.index),
            time_ms: ev.time_ms,
        }
    }
}

/// Where a detection comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DetectionKind {
    /// A built-in detection (a [`yagura_core::CheckMeta`] in [`crate::CHECKS`]).
    Native,
    /// A Sigma rule.
    Sigma,
    /// A Sigma correlation rule.
    SigmaCorrelation,
    /// A built-in correlation of several steps (the takeover sequence).
    Correlation,
}

/// One detection: what was seen, how bad, the events behind it and what to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    /// The check id for native detections, `sigma:<rule id>` for Sigma rules.
    pub id: String,
    pub kind: DetectionKind,
    pub title: Text,
    pub severity: Severity,
    /// SPEC ids served (`WATCH-04`).
    pub spec: Vec<String>,
    /// MITRE ATT&CK tags (`attack.persistence`, `attack.t1098`): the Sigma rule's, or those of
    /// the native check.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    pub events: Vec<EventRef>,
    pub message: Text,
    pub recommendation: Text,
}

impl Detection {
    /// The time of the first event behind the detection.
    pub fn first_time_ms(&self) -> i64 {
        self.events.iter().map(|e| e.time_ms).min().unwrap_or(0)
    }

    /// What makes this detection the same one when it is found again (by a restarted or a
    /// later incremental run): the detection id and its first event, plus, for a single-event
    /// detection, its message. A multi-event detection that grows as later events arrive (a
    /// burst, the takeover sequence) keeps its first event, so it is reported once.
    pub fn fingerprint(&self) -> String {
        let first = self
            .events
            .first()
            .map(|e| {
                if !e.event_id.is_empty() {
                    e.event_id.clone()
                } else {
                    format!(
                        "{}#{}@{}",
                        e.key.as_deref().unwrap_or_default(),
                        e.index.unwrap_or_default(),
                        e.time_ms
                    )
                }
            })
            .unwrap_or_default();
        if self.events.len() == 1 {
            format!(
                "{}|{}|{:016x}",
                self.id,
                first,
                fnv1a(self.message.en.as_bytes())
            )
        } else {
            format!("{}|{}", self.id, first)
        }
    }
}

/// FNV-1a as a [`std::hash::Hasher`]: for the small, trusted keys of per-event lookups (event
/// names in rule indexes), where SipHash's protection against chosen collisions costs more
/// than the lookup (the keys are the rules' own names, not the attacker's).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// A map keyed by short trusted strings, hashed with [`Fnv`].
pub(crate) type FnvMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<Fnv>>;

/// FNV-1a, 64 bits: a stable hash (the standard library's is not stable across releases).
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Serde of an [`EventRef`] together with its time, for saved scan state (reports leave the
/// time in milliseconds out).
pub(crate) mod timed {
    use super::EventRef;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(r: &EventRef, s: S) -> Result<S::Ok, S::Error> {
        (r.time_ms, r).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<EventRef, D::Error> {
        let (t, mut r): (i64, EventRef) = Deserialize::deserialize(d)?;
        r.time_ms = t;
        Ok(r)
    }
}

/// Time order, then the file or key and the record index: a total order over events read from
/// files, independent of which thread read them.
pub fn order(a: &EventRef, b: &EventRef) -> std::cmp::Ordering {
    a.time_ms
        .cmp(&b.time_ms)
        .then_with(|| a.key.cmp(&b.key))
        .then_with(|| a.index.cmp(&b.index))
        .then_with(|| a.event_id.cmp(&b.event_id))
}
