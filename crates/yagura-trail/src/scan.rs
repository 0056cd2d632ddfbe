//! A scan: events in, detections out.
//!
//! Per event, stateless work (Sigma rules, the single-event native detections) runs at once;
//! what needs several events (Sigma correlation rules, bursts, the takeover sequence) is kept as
//! small matches and evaluated in [`Scanner::finish`], in time order. Scanners can run on
//! several threads over different files and be [`Scanner::merge`]d.

use crate::detection::{Detection, DetectionKind, EventRef};
use crate::event::Event;
use crate::native::{NativeOptions, NativeState};
use crate::read::ReadError;
use crate::sigma::{correlate, stale_matches, CorrHit, CorrelationKind, RuleSet};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use yagura_core::{text, Severity, Text};

/// What a scan runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Run the built-in detections (WATCH-04, WATCH-05).
    pub native: bool,
    pub native_options: NativeOptions,
    /// Keep at most this many read errors in the report (all are counted).
    pub max_errors: usize,
    /// Only events at or after this time (milliseconds since the epoch) are judged.
    pub since_ms: Option<i64>,
    /// Only events before this time are judged.
    pub until_ms: Option<i64>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            native: true,
            native_options: NativeOptions::default(),
            max_errors: 1000,
            since_ms: None,
            until_ms: None,
        }
    }
}

/// Counts of a scan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ScanStats {
    /// Events judged.
    pub events: u64,
    pub errors: u64,
    /// Events read but outside `--since`/`--until`.
    #[serde(skip_serializing_if = "is_zero")]
    pub outside_time: u64,
    /// Matches per Sigma rule (by rule id, or title when it has none).
    pub sigma_matches: BTreeMap<String, u64>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The result of a scan.
#[derive(Debug, Serialize)]
pub struct ScanReport {
    /// Sorted by time of the first event, then id.
    pub detections: Vec<Detection>,
    /// Read errors (at most `max_errors`; `stats.errors` counts all), as messages in English
    /// and Japanese.
    pub errors: Vec<Text>,
    pub stats: ScanStats,
    /// Matches per Sigma rule, indexed like [`RuleSet::rules`].
    #[serde(skip)]
    pub sigma_counts: Vec<u64>,
}

/// Scans events; see the module documentation.
pub struct Scanner<'a> {
    rules: Option<&'a RuleSet>,
    opts: Options,
    native: NativeState,
    detections: Vec<Detection>,
    corr_hits: Vec<CorrHit<EventRef>>,
    /// Changes whenever `corr_hits` does (a match added, merged, pruned or restored).
    corr_generation: u64,
    errors: Vec<Text>,
    stats: ScanStats,
    sigma_counts: Vec<u64>,
    scratch: Vec<usize>,
    seq: u64,
    /// The time of the latest event pushed (`i64::MIN` before any).
    latest_ms: i64,
    /// Where single-event detections go as they are found, instead of `detections`.
    sink: Option<&'a Sink<'a>>,
}

/// Receives single-event detections as a streaming scan finds them (from the scanning threads).
pub type Sink<'s> = dyn Fn(Detection) + Sync + 's;

impl<'a> Scanner<'a> {
    pub fn new(rules: Option<&'a RuleSet>, opts: &Options) -> Self {
        Scanner {
            rules,
            opts: opts.clone(),
            native: NativeState::new(opts.native_options.clone()),
            detections: Vec::new(),
            corr_hits: Vec::new(),
            corr_generation: 0,
            errors: Vec::new(),
            stats: ScanStats::default(),
            sigma_counts: vec![0; rules.map_or(0, |r| r.rules.len())],
            scratch: Vec::new(),
            seq: 0,
            latest_ms: i64::MIN,
            sink: None,
        }
    }

    /// A scanner that hands each single-event detection to `sink` as soon as it is found instead
    /// of keeping it: its memory is then the multi-event state only.
    pub fn streaming(rules: Option<&'a RuleSet>, opts: &Options, sink: &'a Sink<'a>) -> Self {
        Scanner {
            sink: Some(sink),
            ..Scanner::new(rules, opts)
        }
    }

    /// Feeds one event.
    pub fn push(&mut self, ev: &Event) {
        if self.opts.since_ms.is_some_and(|t| ev.time_ms < t)
            || self.opts.until_ms.is_some_and(|t| ev.time_ms >= t)
        {
            self.stats.outside_time += 1;
            return;
        }
        self.stats.events += 1;
        self.seq += 1;
        self.latest_ms = self.latest_ms.max(ev.time_ms);
        if let Some(rules) = self.rules {
            rules.matches(ev, &mut self.scratch);
            for &i in &self.scratch {
                if let Some(c) = self.sigma_counts.get_mut(i) {
                    *c += 1;
                }
                let Some(rule) = rules.rules.get(i) else {
                    continue;
                };
                if rules.correlated(i) {
                    self.corr_generation += 1;
                    self.corr_hits.push(CorrHit {
                        rule: i,
                        time_ms: ev.time_ms,
                        keys: rules.corr_keys(i, ev),
                        data: EventRef::of(ev),
                    });
                }
                if rule.report {
                    self.detections
                        .push(sigma_detection(rule, vec![EventRef::of(ev)]));
                }
            }
        }
        if self.opts.native {
            self.native.observe(ev, &mut self.detections);
        }
        if ev.lossy() {
            // judged on what could be read; never silently
            self.stats.errors += 1;
            if self.errors.len() < self.opts.max_errors {
                let (at, at_ja) = match ev.origin.as_ref() {
                    Some(o) => (
                        format!("`{}` record {}", o.key, o.index),
                        format!("`{}` レコード {}", o.key, o.index),
                    ),
                    None => (
                        format!("event `{}`", ev.event_id()),
                        format!("イベント `{}`", ev.event_id()),
                    ),
                };
                self.errors.push(Text::owned(
                    format!("{at}: some values cannot be read exactly (NaN, a number out of range, a lone surrogate or nesting deeper than 128 levels); the event was judged on what could be read"),
                    format!("{at_ja}: 正確に読み取れない値があります(NaN、範囲外の数値、対になっていないサロゲート、128 階層より深い入れ子のいずれか)。イベントは読み取れた値で判定しました"),
                ));
            }
        }
        if let Some(sink) = self.sink {
            for d in self.detections.drain(..) {
                sink(d);
            }
        }
    }

    /// Takes the single-event detections found so far (for a long-running watch that alerts as
    /// it goes); multi-event detections still come from [`Scanner::finish`].
    pub fn take_detections(&mut self) -> Vec<Detection> {
        std::mem::take(&mut self.detections)
    }

    /// Events and errors counted so far.
    pub fn stats(&self) -> &ScanStats {
        &self.stats
    }

    /// Records a read error (the scan goes on).
    pub fn push_error(&mut self, e: &ReadError) {
        self.stats.errors += 1;
        if self.errors.len() < self.opts.max_errors {
            self.errors.push(e.text());
        }
    }

    /// Feeds one item of a reader.
    pub fn push_item(&mut self, item: &Result<Event, ReadError>) {
        match item {
            Ok(ev) => self.push(ev),
            Err(e) => self.push_error(e),
        }
    }

    /// Adds what another scanner (over other files) saw.
    pub fn merge(&mut self, other: Scanner<'_>) {
        self.stats.events += other.stats.events;
        self.stats.errors += other.stats.errors;
        self.stats.outside_time += other.stats.outside_time;
        for (a, b) in self.sigma_counts.iter_mut().zip(&other.sigma_counts) {
            *a += b;
        }
        self.detections.extend(other.detections);
        self.corr_generation += other.corr_hits.len() as u64;
        self.corr_hits.extend(other.corr_hits);
        self.latest_ms = self.latest_ms.max(other.latest_ms);
        let room = self.opts.max_errors.saturating_sub(self.errors.len());
        self.errors.extend(other.errors.into_iter().take(room));
        self.native.merge(other.native);
    }

    /// The multi-event detections (Sigma correlations, bursts, the takeover sequence) over
    /// every event seen so far. The state is kept, so an incremental scan can evaluate again
    /// after more events; the single-event detections are not included.
    pub fn evaluate(&mut self) -> Vec<Detection> {
        let mut out = Vec::new();
        if let Some(rules) = self.rules {
            self.corr_hits
                .sort_by(|a, b| crate::detection::order(&a.data, &b.data));
            for f in correlate(rules, &self.corr_hits) {
                let Some(c) = rules.correlations.get(f.correlation) else {
                    continue;
                };
                let what = match c.kind {
                    CorrelationKind::EventCount => format!("{} events", f.value),
                    CorrelationKind::ValueCount => format!("{} distinct values", f.value),
                    CorrelationKind::Temporal | CorrelationKind::TemporalOrdered => {
                        format!("{} rules", f.value)
                    }
                };
                let group = if f.group.is_empty() {
                    String::new()
                } else {
                    format!(" for `{}`", f.group.replace('\u{1f}', ", "))
                };
                out.push(Detection {
                    id: format!(
                        "sigma:{}",
                        c.id.as_deref().or(c.name.as_deref()).unwrap_or(&c.title)
                    ),
                    kind: DetectionKind::SigmaCorrelation,
                    title: Text::owned(c.title.clone(), c.title.clone()),
                    severity: level(&c.level),
                    spec: vec!["WATCH-06".into()],
                    tags: c.tags.clone(),
                    events: f.hits,
                    message: text!(
                        "Sigma correlation `{t}` fired{group}: {what} within {span}s",
                        "Sigma 相関ルール `{t}` が発火しました{group}: {span} 秒以内に {what}",
                        t = c.title,
                        group = group,
                        what = what,
                        span = c.timespan_ms / 1000
                    ),
                    recommendation: sigma_recommendation(&c.description, &[]),
                });
            }
        }
        if self.opts.native {
            self.native.evaluate(&mut out);
        }
        out
    }

    /// Runs the multi-event stages and returns the report.
    pub fn finish(mut self) -> ScanReport {
        let multi = self.evaluate();
        self.detections.extend(multi);
        if let Some(rules) = self.rules {
            for (i, r) in rules.rules.iter().enumerate() {
                let n = self.sigma_counts.get(i).copied().unwrap_or(0);
                if n > 0 {
                    *self
                        .stats
                        .sigma_matches
                        .entry(r.key().to_string())
                        .or_default() += n;
                }
            }
        }
        sort_detections(&mut self.detections);
        ScanReport {
            detections: self.detections,
            errors: self.errors,
            stats: self.stats,
            sigma_counts: self.sigma_counts,
        }
    }
}

/// Sorts detections as reports show them: by the time of the first event, then id, then the
/// first event's place.
pub fn sort_detections(d: &mut [Detection]) {
    // sorted as indexes, each detection's first time found once: comparing moved whole
    // detections and walked every detection's events at each comparison
    let times: Vec<i64> = d.iter().map(Detection::first_time_ms).collect();
    let mut order: Vec<usize> = (0..d.len()).collect();
    order.sort_by(|&i, &j| {
        let (Some(a), Some(b)) = (d.get(i), d.get(j)) else {
            return std::cmp::Ordering::Equal;
        };
        times
            .get(i)
            .cmp(&times.get(j))
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| match (a.events.first(), b.events.first()) {
                (Some(x), Some(y)) => crate::detection::order(x, y),
                _ => std::cmp::Ordering::Equal,
            })
    });
    // put each detection in its place, cycle by cycle (`order[k]`: the one that goes to `k`)
    for start in 0..order.len() {
        let mut at = start;
        while let Some(slot) = order.get_mut(at) {
            let want = std::mem::replace(slot, at);
            if want == start || want == at {
                break;
            }
            d.swap(at, want);
            at = want;
        }
    }
}

/// The saved multi-event state of a [`Scanner`] (see [`Scanner::save_state`]).
#[derive(Debug, Serialize, Deserialize)]
struct SavedState {
    version: u32,
    /// [`rules_digest`] of the rule set the correlation matches refer to (by index).
    rules: String,
    native: Vec<crate::native::SavedSignal>,
    corr: Vec<SavedHit>,
    /// Denied calls and secret reads counted per principal and minute (absent in states saved
    /// before they were counted so: those hold them as `native` signals).
    #[serde(default)]
    minutes: Vec<crate::native::SavedMinute>,
    /// Addresses IAM users called from (absent in states saved before they were kept).
    #[serde(default)]
    user_ips: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct SavedHit {
    rule: usize,
    keys: Vec<(usize, String, Option<String>)>,
    #[serde(with = "crate::detection::timed")]
    data: EventRef,
}

const STATE_VERSION: u32 = 1;

/// A digest of the rule set's shape (rule keys, correlations and the rules they refer to):
/// saved correlation matches refer to rules by index, so they are only reused by the same set.
fn rules_digest(rules: Option<&RuleSet>) -> String {
    let Some(rules) = rules else {
        return String::new();
    };
    let mut text = String::new();
    for r in &rules.rules {
        text.push_str(r.key());
        text.push('\u{1f}');
    }
    for c in &rules.correlations {
        text.push_str(c.id.as_deref().or(c.name.as_deref()).unwrap_or(&c.title));
        text.push_str(&format!("{:?}{}", c.rules, c.timespan_ms));
        text.push('\u{1e}');
    }
    format!(
        "{}:{:016x}",
        rules.rules.len(),
        crate::detection::fnv1a(text.as_bytes())
    )
}

/// A saved state that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("the saved trail scan state cannot be read: {0}")]
pub struct StateError(String);

/// What [`Scanner::restore_state`] could reuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Restored {
    pub signals: usize,
    pub correlation_matches: usize,
    /// Correlation matches dropped because the Sigma rules changed since they were saved.
    pub dropped_matches: usize,
}

impl Scanner<'_> {
    /// The multi-event state (native signals and Sigma correlation matches) as JSON, to be
    /// saved with a checkpoint so that a sequence spanning a restart still fires once.
    pub fn save_state(&self) -> Result<String, StateError> {
        #[derive(Serialize)]
        struct Out<'s> {
            version: u32,
            rules: String,
            native: Vec<crate::native::SavedSignal>,
            corr: Vec<SavedHitRef<'s>>,
            minutes: Vec<crate::native::SavedMinute>,
            user_ips: Vec<String>,
        }
        #[derive(Serialize)]
        struct SavedHitRef<'s> {
            rule: usize,
            keys: &'s [(usize, String, Option<String>)],
            #[serde(with = "crate::detection::timed")]
            data: &'s EventRef,
        }
        let out = Out {
            version: STATE_VERSION,
            rules: rules_digest(self.rules),
            native: self.native.saved_signals(),
            corr: self
                .corr_hits
                .iter()
                .map(|h| SavedHitRef {
                    rule: h.rule,
                    keys: &h.keys,
                    data: &h.data,
                })
                .collect(),
            minutes: self.native.saved_minutes(),
            user_ips: self.native.saved_user_ips(),
        };
        serde_json::to_string(&out).map_err(|e| StateError(e.to_string()))
    }

    /// A cheap measure of the multi-event state: it changes whenever the state does (both the
    /// native state and the correlation matches have a generation counter), so a caller saves
    /// it only when this changed.
    pub fn state_len(&self) -> (u64, u64) {
        (self.native.generation(), self.corr_generation)
    }

    /// How many Sigma correlation matches the state holds.
    pub fn correlation_matches(&self) -> usize {
        self.corr_hits.len()
    }

    /// Drops the multi-event state that can no longer change a detection, given that events
    /// more than `slack_ms` older than the latest one seen no longer arrive: burst windows and
    /// takeover sequences that closed before then, and Sigma correlation matches followed by a
    /// quiet gap longer than their correlation's timespan ([`stale_matches`]). Call it after
    /// [`Scanner::evaluate`] reported them; later evaluations find the same detections.
    /// Returns how many events' worth of state went.
    pub fn prune(&mut self, slack_ms: i64) -> usize {
        if self.latest_ms == i64::MIN {
            return 0;
        }
        let horizon = self.latest_ms.saturating_sub(slack_ms);
        let mut gone = self.native.prune(horizon);
        if let Some(rules) = self.rules {
            let stale = stale_matches(rules, &self.corr_hits, horizon);
            let mut flags = stale.iter();
            let before = self.corr_hits.len();
            self.corr_hits
                .retain(|_| !flags.next().copied().unwrap_or(false));
            let dropped = before - self.corr_hits.len();
            if dropped > 0 {
                self.corr_generation += 1;
                gone += dropped;
            }
        }
        gone
    }

    /// Restores a state saved by [`Scanner::save_state`] (replacing the current one).
    /// Correlation matches saved under other Sigma rules are dropped (and counted).
    pub fn restore_state(&mut self, json: &str) -> Result<Restored, StateError> {
        let saved: SavedState =
            serde_json::from_str(json).map_err(|e| StateError(e.to_string()))?;
        if saved.version != STATE_VERSION {
            return Err(StateError(format!(
                "version {} is not {STATE_VERSION}",
                saved.version
            )));
        }
        let same_rules = saved.rules == rules_digest(self.rules);
        self.native.restore_signals(saved.native, saved.minutes);
        self.native.restore_user_ips(saved.user_ips);
        let signals = self.native.signal_count();
        let n = saved.corr.len();
        self.corr_generation += 1;
        self.corr_hits = if same_rules {
            saved
                .corr
                .into_iter()
                .map(|h| CorrHit {
                    rule: h.rule,
                    time_ms: h.data.time_ms,
                    keys: h.keys,
                    data: h.data,
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok(Restored {
            signals,
            correlation_matches: self.corr_hits.len(),
            dropped_matches: n - self.corr_hits.len(),
        })
    }
}

fn level(l: &str) -> Severity {
    l.parse().unwrap_or(Severity::Medium)
}

fn sigma_recommendation(description: &str, falsepositives: &[String]) -> Text {
    let fp = if falsepositives.is_empty() {
        String::new()
    } else {
        format!(" Known false positives: {}.", falsepositives.join("; "))
    };
    let fp_ja = if falsepositives.is_empty() {
        String::new()
    } else {
        format!(" 既知の誤検知: {}。", falsepositives.join("; "))
    };
    Text::owned(
        format!(
            "Check that the caller and source of these events are expected ({}).{fp}",
            description.trim()
        ),
        format!(
            "これらのイベントの呼び出し元と送信元が想定どおりか確認してください ({})。{fp_ja}",
            description.trim()
        ),
    )
}

/// The recommendation of a single Sigma match: static, so that many matches cost little memory
/// (the rule's description and false positives are in [`crate::sigma::Rule`]).
const SIGMA_RECOMMENDATION: Text = Text::new(
    "Check that the caller, source address and time of this event are expected; if not, treat the caller's credentials as compromised. The rule's description and known false positives are in the rule file.",
    "このイベントの呼び出し元・送信元アドレス・時刻が想定どおりか確認してください。想定外なら呼び出し元の認証情報が漏えいしたものとして扱ってください。ルールの説明と既知の誤検知はルールファイルにあります。",
);

pub(crate) fn sigma_detection(rule: &crate::sigma::Rule, events: Vec<EventRef>) -> Detection {
    let who = events
        .first()
        .map(|e| {
            format!(
                "{} by `{}` from `{}`",
                e.event_name, e.principal, e.source_ip
            )
        })
        .unwrap_or_default();
    Detection {
        id: format!("sigma:{}", rule.key()),
        kind: DetectionKind::Sigma,
        title: Text::owned(rule.title.clone(), rule.title.clone()),
        severity: level(&rule.level),
        spec: vec!["WATCH-06".into()],
        tags: rule.tags.clone(),
        message: text!(
            "Sigma rule `{t}` matched {who}",
            "Sigma ルール `{t}` に一致: {who}",
            t = rule.title,
            who = who
        ),
        recommendation: SIGMA_RECOMMENDATION,
        events,
    }
}

/// Scans events from any iterator (errors are counted and kept, the rest is processed).
pub fn scan<I>(items: I, rules: Option<&RuleSet>, opts: &Options) -> ScanReport
where
    I: IntoIterator<Item = Result<Event, ReadError>>,
{
    let mut s = Scanner::new(rules, opts);
    for item in items {
        s.push_item(&item);
    }
    s.finish()
}

/// Scans every file below `paths` on `threads` threads (files are shared out between them).
pub fn scan_paths(
    paths: &[&Path],
    rules: Option<&RuleSet>,
    opts: &Options,
    threads: usize,
) -> ScanReport {
    scan_paths_inner(paths, rules, opts, threads, None)
}

/// Like [`scan_paths`], but every single-event detection goes to `sink` as soon as a scanning
/// thread finds it (in no particular order) instead of into the report, which then holds the
/// multi-event detections only. The scan's memory stays flat in the input size: what it keeps
/// is the multi-event state (correlation matches, burst windows, takeover steps).
pub fn scan_paths_streaming(
    paths: &[&Path],
    rules: Option<&RuleSet>,
    opts: &Options,
    threads: usize,
    sink: &Sink<'_>,
) -> ScanReport {
    scan_paths_inner(paths, rules, opts, threads, Some(sink))
}

fn scan_paths_inner(
    paths: &[&Path],
    rules: Option<&RuleSet>,
    opts: &Options,
    threads: usize,
    sink: Option<&Sink<'_>>,
) -> ScanReport {
    let mut files = Vec::new();
    let mut list_errors = Vec::new();
    for p in paths {
        let (f, errors) = crate::read::list_files(p);
        files.extend(f);
        list_errors.extend(errors);
    }
    let threads = threads.max(1).min(files.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut merged = Scanner::new(rules, opts);
    for e in &list_errors {
        merged.push_error(e);
    }
    let parts: Vec<Scanner<'_>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut sc = match sink {
                        Some(f) => Scanner::streaming(rules, opts, f),
                        None => Scanner::new(rules, opts),
                    };
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(f) = files.get(i) else { break };
                        match crate::read::open_file(f) {
                            Ok(r) => {
                                for item in r {
                                    sc.push_item(&item);
                                }
                            }
                            Err(e) => sc.push_error(&e),
                        }
                    }
                    sc
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    for p in parts {
        merged.merge(p);
    }
    merged.finish()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn detection(id: u8, events: &[(i64, u8, u8)]) -> Detection {
        Detection {
            id: format!("d{id}"),
            kind: crate::detection::DetectionKind::Native,
            title: Text::owned(String::new(), String::new()),
            severity: Severity::Low,
            spec: vec![],
            tags: vec![],
            events: events
                .iter()
                .map(|&(t, key, index)| EventRef {
                    event_id: String::new(),
                    event_time: String::new(),
                    event_source: String::new(),
                    event_name: String::new(),
                    principal: String::new(),
                    source_ip: String::new(),
                    access_key_id: None,
                    region: String::new(),
                    account: String::new(),
                    error_code: None,
                    key: Some(format!("k{key}")),
                    index: Some(u64::from(index)),
                    time_ms: t,
                })
                .collect(),
            message: Text::owned(String::new(), String::new()),
            recommendation: Text::owned(String::new(), String::new()),
        }
    }

    proptest! {
        /// The detections end in the order (and, for ties, the relative order) of a plain
        /// stable sort with the same comparison.
        #[test]
        fn sorted_as_a_stable_sort_sorts(
            ds in prop::collection::vec(
                // every detection has an event (the comparison needs one to be a total order)
                (0u8..4, prop::collection::vec((0i64..5, 0u8..3, 0u8..3), 1..3)), 0..40),
        ) {
            let mut got: Vec<Detection> = ds.iter().map(|(id, ev)| detection(*id, ev)).collect();
            // tag each one so that ties keep visible places
            for (n, d) in got.iter_mut().enumerate() {
                d.message = Text::owned(n.to_string(), String::new());
            }
            let mut want = got.clone();
            want.sort_by(|a, b| {
                a.first_time_ms()
                    .cmp(&b.first_time_ms())
                    .then_with(|| a.id.cmp(&b.id))
                    .then_with(|| match (a.events.first(), b.events.first()) {
                        (Some(x), Some(y)) => crate::detection::order(x, y),
                        _ => std::cmp::Ordering::Equal,
                    })
            });
            sort_detections(&mut got);
            prop_assert_eq!(got, want);
        }
    }
}
