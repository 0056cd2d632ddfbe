//! What a scan's detections become in reports: FAIL findings (one per detection), the JSON
//! `detections` list, and the text report's table.
//!
//! Access key ids are masked in everything produced here (`AKIA************WXYZ`), whatever
//! field they hide in: an event's key, a message quoting a request parameter, a correlation's
//! group. The text table is ordered by time; detections of the same event (native and Sigma)
//! share one row, and repeated rows (the same detections, principal and source address within
//! an hour of each other) are grouped into one with a count and the first and last time.

use crate::detection::{Detection, DetectionKind, EventRef};
use crate::event::format_time_ms;
use std::borrow::Cow;
use std::collections::BTreeMap;
// Outside strings of the text report: control, newline and bidi characters shown escaped.
use yagura_core::escape::terminal_safe as safe;
use yagura_core::{Finding, Lang, Severity, Status, Text};

/// Repeated rows closer than this are grouped.
pub const GROUP_WINDOW_MS: i64 = 3_600_000;

/// Masks every access key id (`AKIA`/`ASIA`/… followed by 16 upper-case letters or digits) in
/// a text.
pub fn mask_keys(s: &str) -> Cow<'_, str> {
    let b = s.as_bytes();
    let is_key_at = |i: usize| -> bool {
        let Some(head) = b.get(i..i + 4) else {
            return false;
        };
        let prefix = matches!(
            head,
            b"AKIA" | b"ASIA" | b"AIDA" | b"AROA" | b"AGPA" | b"ANPA" | b"ABIA" | b"ACCA"
        );
        prefix
            && b.get(i + 4..i + 20).is_some_and(|t| {
                t.iter()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            })
            && !b
                .get(i + 20)
                .is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            && (i == 0
                || !b
                    .get(i - 1)
                    .is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit()))
    };
    let Some(first) = (0..b.len()).find(|&i| is_key_at(i)) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len());
    out.push_str(s.get(..first).unwrap_or_default());
    let mut i = first;
    while i < b.len() {
        if is_key_at(i) {
            out.push_str(&yagura_core::mask_key_id(
                s.get(i..i + 20).unwrap_or_default(),
            ));
            i += 20;
        } else {
            let ch = s
                .get(i..)
                .and_then(|r| r.chars().next())
                .unwrap_or('\u{fffd}');
            out.push(ch);
            i += ch.len_utf8().max(1);
        }
    }
    Cow::Owned(out)
}

fn mask_text(t: &Text) -> Text {
    Text::owned(mask_keys(&t.en).into_owned(), mask_keys(&t.ja).into_owned())
}

fn mask_ref(e: &EventRef) -> EventRef {
    let mut e = e.clone();
    e.access_key_id = e.access_key_id.as_deref().map(yagura_core::mask_key_id);
    for f in [&mut e.principal, &mut e.event_id, &mut e.source_ip] {
        if let Cow::Owned(m) = mask_keys(f) {
            *f = m;
        }
    }
    e
}

/// A detection as reports show it: key ids masked everywhere.
pub fn masked(d: &Detection) -> Detection {
    Detection {
        id: d.id.clone(),
        kind: d.kind,
        title: mask_text(&d.title),
        severity: d.severity,
        spec: d.spec.clone(),
        tags: d.tags.clone(),
        events: d.events.iter().map(mask_ref).collect(),
        message: mask_text(&d.message),
        recommendation: mask_text(&d.recommendation),
    }
}

/// The JSON `detections` list: every detection, masked, with its first and last event time.
pub fn json_detections(detections: &[Detection]) -> serde_json::Value {
    serde_json::Value::Array(
        detections
            .iter()
            .map(|d| {
                let m = masked(d);
                let mut v = serde_json::to_value(&m).unwrap_or(serde_json::Value::Null);
                if let Some(o) = v.as_object_mut() {
                    let (first, last) = span(d);
                    o.insert("time".into(), first.into());
                    o.insert("last_time".into(), last.into());
                }
                v
            })
            .collect(),
    )
}

/// The first and last event times of a detection.
fn span(d: &Detection) -> (String, String) {
    let first = d.events.iter().min_by_key(|e| e.time_ms);
    let last = d.events.iter().max_by_key(|e| e.time_ms);
    let t = |e: Option<&EventRef>| {
        e.map(|e| {
            if e.event_time.is_empty() {
                format_time_ms(e.time_ms)
            } else {
                e.event_time.clone()
            }
        })
        .unwrap_or_default()
    };
    (t(first), t(last))
}

/// A detection as a FAIL finding on the principal that acted.
pub fn finding(d: &Detection) -> Finding {
    let d = masked(d);
    let first = d.events.first();
    let pick = |f: fn(&EventRef) -> &str| first.map(f).unwrap_or_default();
    let principal = pick(|e| &e.principal);
    let resource = if principal.is_empty() {
        format!("event:{}", pick(|e| &e.event_id))
    } else {
        principal.to_string()
    };
    let mut f = Finding::new(
        "",
        Status::Fail,
        d.severity,
        resource,
        pick(|e| &e.account),
        pick(|e| &e.region),
        d.message.clone(),
    )
    .with_recommendation(d.recommendation.clone())
    .with_evidence("kind", kind_name(d.kind))
    .with_evidence("title", d.title.en.to_string())
    .with_evidence("events", d.events.len().to_string());
    f.check_id = Cow::Owned(d.id.clone());
    if !d.tags.is_empty() {
        f = f.with_evidence("tags", d.tags.join(" "));
    }
    if let Some(e) = first {
        f = f
            .with_evidence("first_event_id", e.event_id.clone())
            .with_evidence("first_event_time", e.event_time.clone())
            .with_evidence(
                "first_event",
                format!("{}:{}", e.event_source, e.event_name),
            )
            .with_evidence("source_ip", e.source_ip.clone());
        if let Some(k) = &e.key {
            f = f.with_evidence("file", k.clone());
        }
    }
    if let Some(last) = d.events.last().filter(|_| d.events.len() > 1) {
        f = f.with_evidence("last_event_time", last.event_time.clone());
    }
    f
}

/// Every detection as a finding.
pub fn findings(detections: &[Detection]) -> Vec<Finding> {
    detections.iter().map(finding).collect()
}

fn kind_name(k: DetectionKind) -> &'static str {
    match k {
        DetectionKind::Native => "native",
        DetectionKind::Sigma => "sigma",
        DetectionKind::SigmaCorrelation => "sigma_correlation",
        DetectionKind::Correlation => "correlation",
    }
}

/// One row of the text report.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub first_ms: i64,
    pub last_ms: i64,
    /// Events (single-event rows grouped) or events behind the detection.
    pub count: usize,
    pub severity: Severity,
    /// The detections' titles (`id` for native ones, the rule title for Sigma), most severe
    /// first.
    pub detections: Vec<String>,
    pub principal: String,
    pub source_ip: String,
    /// `service:EventName` of the (first) event.
    pub event: String,
    /// The most severe detection's message (of the first event).
    pub message: Text,
}

/// What identifies an event: time, id, file and record.
type EventKey = (i64, String, Option<String>, Option<u64>);

/// The rows of the text report, in time order: the single-event detections of one event
/// together, repeated rows grouped, multi-event detections one row each.
pub fn rows(detections: &[Detection]) -> Vec<Row> {
    // single-event detections by event
    let mut by_event: BTreeMap<EventKey, Vec<&Detection>> = BTreeMap::new();
    let mut out: Vec<Row> = Vec::new();
    for d in detections {
        let single =
            matches!(d.kind, DetectionKind::Native | DetectionKind::Sigma) && d.events.len() == 1;
        match (single, d.events.first()) {
            (true, Some(e)) => by_event
                .entry((e.time_ms, e.event_id.clone(), e.key.clone(), e.index))
                .or_default()
                .push(d),
            _ => out.push(row_of(&[d], d.events.len())),
        }
    }
    let mut singles: Vec<Row> = by_event
        .into_values()
        .map(|mut ds| {
            ds.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)));
            row_of(&ds, 1)
        })
        .collect();
    // group repeats: the same detections, principal and address, each within the window of
    // the group's last
    singles.sort_by_key(|r| r.first_ms);
    let mut open: BTreeMap<(Vec<String>, String, String), usize> = BTreeMap::new();
    let mut grouped: Vec<Row> = Vec::new();
    for r in singles {
        let key = (
            r.detections.clone(),
            r.principal.clone(),
            r.source_ip.clone(),
        );
        match open.get(&key).and_then(|&i| grouped.get_mut(i)) {
            Some(g) if r.first_ms - g.last_ms <= GROUP_WINDOW_MS => {
                g.count += 1;
                g.last_ms = g.last_ms.max(r.last_ms);
            }
            _ => {
                open.insert(key, grouped.len());
                grouped.push(r);
            }
        }
    }
    out.extend(grouped);
    out.sort_by(|a, b| {
        a.first_ms
            .cmp(&b.first_ms)
            .then_with(|| b.severity.cmp(&a.severity))
            .then_with(|| a.detections.cmp(&b.detections))
    });
    out
}

fn row_of(ds: &[&Detection], count: usize) -> Row {
    let top = ds.first().map(|d| masked(d));
    let e = top.as_ref().and_then(|d| d.events.first().cloned());
    let first_ms = ds
        .iter()
        .flat_map(|d| d.events.iter().map(|e| e.time_ms))
        .min()
        .unwrap_or(0);
    let last_ms = ds
        .iter()
        .flat_map(|d| d.events.iter().map(|e| e.time_ms))
        .max()
        .unwrap_or(0);
    Row {
        first_ms,
        last_ms,
        count,
        severity: ds
            .iter()
            .map(|d| d.severity)
            .max()
            .unwrap_or(Severity::Info),
        detections: ds
            .iter()
            .map(|d| match d.kind {
                DetectionKind::Sigma | DetectionKind::SigmaCorrelation => {
                    format!("Sigma: {}", mask_keys(&d.title.en))
                }
                _ => d.id.clone(),
            })
            .collect(),
        principal: e.as_ref().map(|e| e.principal.clone()).unwrap_or_default(),
        source_ip: e.as_ref().map(|e| e.source_ip.clone()).unwrap_or_default(),
        event: e
            .as_ref()
            .map(|e| {
                format!(
                    "{}:{}",
                    e.event_source.trim_end_matches(".amazonaws.com"),
                    e.event_name
                )
            })
            .unwrap_or_default(),
        message: top.map(|d| d.message).unwrap_or(Text::new("", "")),
    }
}

/// The text report: a header, one line per row (time, last time and count when grouped,
/// severity, detections, who, from where, what) with the message below, and a summary.
pub fn text(rows: &[Row], lang: Lang, events: u64, read_errors: u64) -> String {
    let ja = lang == Lang::Ja;
    let mut out = String::new();
    let head = if ja {
        "時刻 (UTC)            最終 / 件数               重要度    検出 / 主体 / 送信元 / イベント"
    } else {
        "TIME (UTC)            LAST / COUNT              SEVERITY  DETECTIONS / PRINCIPAL / SOURCE / EVENT"
    };
    out.push_str(head);
    out.push('\n');
    for r in rows {
        let first = format_time_ms(r.first_ms);
        let rest = if r.count > 1 {
            format!("{} x{}", format_time_ms(r.last_ms), r.count)
        } else {
            String::new()
        };
        out.push_str(&format!(
            "{first:<21} {rest:<25} {:<9} {}\n{:<21} {:<25} {:<9} {} {} {} {}\n{:<57} {}\n",
            r.severity.as_str(),
            safe(&r.detections.join(", ")),
            "",
            "",
            "",
            safe(&r.principal),
            if ja { "送信元" } else { "from" },
            safe(&r.source_ip),
            safe(&r.event),
            "",
            safe(if ja { &r.message.ja } else { &r.message.en }),
        ));
    }
    let mut by_sev: BTreeMap<std::cmp::Reverse<Severity>, usize> = BTreeMap::new();
    for r in rows {
        *by_sev.entry(std::cmp::Reverse(r.severity)).or_default() += 1;
    }
    let counts: Vec<String> = by_sev
        .iter()
        .map(|(s, n)| format!("{} {n}", s.0.as_str()))
        .collect();
    // the count by severity in parentheses, none when there is no row
    let counts = match counts.is_empty() {
        true => String::new(),
        false => format!(" ({})", counts.join(", ")),
    };
    if ja {
        out.push_str(&format!(
            "\n{events} イベント、{} 行{counts}、読み取りエラー {read_errors}\n",
            rows.len(),
        ));
    } else {
        out.push_str(&format!(
            "\n{events} event(s), {} row(s){counts}, {read_errors} read error(s)\n",
            rows.len(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn keys_are_masked_wherever_they_are() {
        let k = concat!("AKIA", "TFQR7NSC8Q4X20BJ");
        assert_eq!(mask_keys(&format!("key {k}.")), "key AKIA************20BJ.");
        assert_eq!(mask_keys("no key here"), "no key here");
        // part of a longer token: not a key id
        let long = format!("X{k}");
        assert_eq!(mask_keys(&long), long);
        let s = concat!("ASIA", "EXAMPLESESSION01");
        assert_eq!(
            mask_keys(&format!("{s}/{s}")),
            "ASIA************ON01/ASIA************ON01"
        );
        assert_eq!(mask_keys("é AKIA"), "é AKIA");
    }

    #[test]
    fn a_summary_without_rows_has_no_empty_parentheses() {
        let en = text(&[], Lang::En, 12, 0);
        assert!(
            en.ends_with("\n12 event(s), 0 row(s), 0 read error(s)\n"),
            "{en}"
        );
        let ja = text(&[], Lang::Ja, 12, 1);
        assert!(
            ja.ends_with("\n12 イベント、0 行、読み取りエラー 1\n"),
            "{ja}"
        );
    }

    #[test]
    fn terminal_text_is_neutralised() {
        assert_eq!(
            safe("a\nb\u{202e}c\u{1b}[31m"),
            "a\\u{a}b\\u{202e}c\\u{1b}[31m"
        );
    }
}
