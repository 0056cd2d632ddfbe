//! Incremental reading of CloudTrail objects from an object store (WATCH-03), exactly once.
//!
//! This module knows no SDK: an [`ObjectSource`] lists keys and fetches objects (the S3
//! implementation lives in `yagura-collect`), and a [`Progress`] commits what each object
//! produced (the yagura store implements it). [`Incremental::poll`] decides which objects to
//! read, reads them through the same reader as files ([`crate::read_stream`]: `.json`,
//! `.json.gz`, …), feeds a [`Scanner`] and, after every object, commits in one step the
//! object's event counts, its single-event detections, the stream's [`Checkpoint`] and (when
//! it changed) the scanner's multi-event state. A run killed at any point therefore restarts
//! at the first object whose commit did not happen: no event is skipped or counted twice, and
//! a multi-event sequence that spans the kill still fires once.
//!
//! Which objects are read: the streams (`AWSLogs/[org/]<account>/CloudTrail/<region>/`) are
//! found by listing "directories" (`/`-delimited) down to the stream level; each stream is then
//! listed from the start of the day of its checkpoint (`StartAfter`), and every log object
//! there that the progress store does not know yet is read, in key order. Re-listing the
//! checkpoint's day catches objects that CloudTrail delivers late with a key sorting before
//! the checkpoint. Objects outside the layout are found by the directory walk.

use crate::detection::Detection;
use crate::read::{Checkpoint, Checkpoints, KeyInfo};
use crate::scan::{sort_detections, Scanner};
use std::collections::{BTreeMap, BTreeSet};
use yagura_core::Text;

/// Why an object store call failed. The `message` is what the service (or the transport) said,
/// with yagura's words about it (the hint for the code), in English and in Japanese (where the
/// service's own words are quoted in 「」).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// The credentials may not list or read this (HTTP 403).
    #[error("access denied to `{what}`: {}", .message.en)]
    AccessDenied { what: String, message: Text },
    /// The bucket or object does not exist (any more).
    #[error("`{what}` does not exist: {}", .message.en)]
    NotFound { what: String, message: Text },
    /// Anything else (throttling after retries, the network, a server error).
    #[error("`{what}`: {code}: {}", .message.en)]
    Other {
        what: String,
        code: String,
        message: Text,
    },
}

/// Text of the service's or the transport's that yagura does not translate: as it is in
/// English, quoted in 「」 in Japanese.
pub fn said(message: &str) -> Text {
    Text::owned(message.to_string(), format!("「{message}」"))
}

/// One level of a `/`-delimited listing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirListing {
    /// Keys directly below the prefix.
    pub keys: Vec<String>,
    /// Common prefixes one level down (each ends with `/`).
    pub dirs: Vec<String>,
}

/// An object store, seen as keys and bytes.
pub trait ObjectSource {
    /// Every key starting with `prefix` that sorts after `start_after` (all when `None`), in
    /// key order (the implementation follows continuation tokens).
    fn list(&self, prefix: &str, start_after: Option<&str>) -> Result<Vec<String>, SourceError>;
    /// One `/`-delimited level below `prefix`.
    fn list_dir(&self, prefix: &str) -> Result<DirListing, SourceError>;
    /// The bytes of one object.
    fn fetch(&self, key: &str) -> Result<Vec<u8>, SourceError>;
    /// The bytes of each of `keys`, in that order (an implementation may fetch them
    /// concurrently; by default one after the other).
    fn fetch_many(&self, keys: &[String]) -> Vec<Result<Vec<u8>, SourceError>> {
        keys.iter().map(|k| self.fetch(k)).collect()
    }
}

/// What one object produced, committed as one unit.
#[derive(Debug)]
pub struct ObjectCommit<'a> {
    pub key: &'a str,
    /// The stream the key belongs to (`""` outside the CloudTrail layout).
    pub stream: &'a str,
    /// The stream's new checkpoint (none when objects are read as notified, not listed).
    pub checkpoint: Option<&'a Checkpoint>,
    /// Records read (events and records that could not be used).
    pub records: u64,
    pub events: u64,
    /// Read errors in the object (a truncated gzip, a broken record), as messages.
    pub errors: &'a [String],
    /// Single-event detections found in the object.
    pub detections: &'a [Detection],
    /// The scanner's multi-event state ([`Scanner::save_state`]) when it changed.
    pub state: Option<&'a str>,
}

/// Where an incremental scan keeps its progress (implemented over the yagura store).
pub trait Progress {
    type Error: std::fmt::Display;
    /// Which of `keys` were already committed.
    fn processed(&mut self, keys: &[String]) -> Result<BTreeSet<String>, Self::Error>;
    /// Commits one object, all or nothing; returns the detections that were not stored
    /// before (by [`Detection::fingerprint`]).
    fn commit_object(&mut self, c: &ObjectCommit<'_>) -> Result<Vec<Detection>, Self::Error>;
    /// Stores multi-event detections; returns those not stored before.
    fn commit_detections(&mut self, d: Vec<Detection>) -> Result<Vec<Detection>, Self::Error>;
}

/// The result of one poll.
#[derive(Debug, Default)]
pub struct PollReport {
    /// Objects read and committed.
    pub objects: u64,
    pub events: u64,
    /// Read errors inside objects and objects that could not be fetched (all counted; at most
    /// `max_errors` kept as messages).
    pub error_count: u64,
    pub errors: Vec<String>,
    /// Detections not reported before, sorted like a scan's.
    pub detections: Vec<Detection>,
    /// True when the poll stopped early because it was asked to (Ctrl-C).
    pub interrupted: bool,
}

/// A poll that could not run at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PollError {
    #[error("cannot list `{prefix}`")]
    List {
        prefix: String,
        #[source]
        source: SourceError,
    },
    #[error("cannot record progress: {0}")]
    Progress(String),
    #[error(transparent)]
    State(#[from] crate::scan::StateError),
}

/// Hooks of a poll: whether to stop (checked between objects) and what to do after each
/// committed object.
pub struct Hooks<'h> {
    pub stop: &'h dyn Fn() -> bool,
    pub after_object: &'h mut dyn FnMut(&str),
}

/// An incremental scan of one source (bucket and prefix).
pub struct Incremental<'r, S> {
    source: S,
    prefix: String,
    scanner: Scanner<'r>,
    checkpoints: Checkpoints,
    saved_len: (u64, u64),
    max_errors: usize,
    parallel: usize,
    /// `YYYY/MM/DD/` of `--since`: streams are listed from that day on.
    since_day: Option<String>,
}

/// Objects fetched at a time unless told otherwise.
pub const DEFAULT_PARALLEL: usize = 8;

/// Deepest directory walk below the prefix (a bucket with other data in it).
const MAX_WALK_DEPTH: usize = 12;

/// How late an event may arrive after later ones and still join a multi-event detection of a
/// long-running watch: CloudTrail delivers within about 15 minutes; files of other regions or
/// accounts are read in key order, not time order.
pub(crate) const PRUNE_SLACK_MS: i64 = 6 * 3_600_000;

impl<'r, S: ObjectSource> Incremental<'r, S> {
    /// Starts from saved checkpoints and state (none for a first run). The scanner should be
    /// fresh; the saved state is restored into it.
    pub fn new(
        source: S,
        prefix: &str,
        mut scanner: Scanner<'r>,
        checkpoints: Checkpoints,
        state: Option<&str>,
    ) -> Result<(Self, Option<crate::scan::Restored>), PollError> {
        let restored = match state {
            Some(s) => Some(scanner.restore_state(s)?),
            None => None,
        };
        let saved_len = scanner.state_len();
        Ok((
            Incremental {
                source,
                prefix: prefix.to_string(),
                scanner,
                checkpoints,
                saved_len,
                max_errors: 1000,
                parallel: DEFAULT_PARALLEL,
                since_day: None,
            },
            restored,
        ))
    }

    /// Fetches up to `n` objects at a time (at least one); they are still read and committed
    /// one by one in key order, so the results do not change.
    pub fn with_parallel(mut self, n: usize) -> Self {
        self.parallel = n.max(1);
        self
    }

    /// Lists each stream from the day of `since_ms` (milliseconds since the epoch) on, not
    /// from its beginning: CloudTrail delivers an event in an object under its delivery day,
    /// never an earlier one, so no event at or after `since_ms` is missed. Events before it
    /// in the objects read are the scanner's to drop ([`crate::Options::since_ms`]).
    pub fn with_since(mut self, since_ms: i64) -> Self {
        let day = crate::event::format_time_ms(since_ms);
        self.since_day = day.get(..10).map(|d| format!("{}/", d.replace('-', "/")));
        self
    }

    /// The checkpoints after the last commit.
    pub fn checkpoints(&self) -> &Checkpoints {
        &self.checkpoints
    }

    /// Lists what is new and reads it; see the module documentation.
    pub fn poll<P: Progress>(
        &mut self,
        progress: &mut P,
        hooks: &mut Hooks<'_>,
    ) -> Result<PollReport, PollError> {
        let mut report = PollReport::default();
        let todo = self.pending(progress)?;
        let mut blocked: BTreeSet<String> = BTreeSet::new();
        'chunks: for chunk in todo.chunks(self.parallel) {
            // fetched together (bounded), read and committed one by one in key order
            let wanted: Vec<String> = chunk
                .iter()
                .filter(|k| !blocked.contains(&Checkpoints::stream_of(k)))
                .cloned()
                .collect();
            let fetched = self.source.fetch_many(&wanted);
            for (key, got) in wanted.iter().zip(fetched) {
                if (hooks.stop)() {
                    report.interrupted = true;
                    break 'chunks;
                }
                let stream = Checkpoints::stream_of(key);
                if blocked.contains(&stream) {
                    continue;
                }
                let bytes = match got {
                    Ok(b) => b,
                    Err(e) => {
                        // Later objects of the stream wait for this one: the checkpoint never
                        // passes an object that was not read.
                        self.error(&mut report, e.to_string());
                        blocked.insert(stream);
                        continue;
                    }
                };
                self.read_object(key, &stream, bytes, progress, &mut report)?;
                (hooks.after_object)(key);
            }
        }
        if !report.interrupted {
            let multi = self.scanner.evaluate();
            let mut new = progress
                .commit_detections(multi)
                .map_err(|e| PollError::Progress(e.to_string()))?;
            report.detections.append(&mut new);
            // what was just reported and can no longer change goes; the smaller state is
            // saved with the next object
            self.scanner.prune(PRUNE_SLACK_MS);
        }
        sort_detections(&mut report.detections);
        Ok(report)
    }

    fn error(&self, report: &mut PollReport, msg: String) {
        report.error_count += 1;
        if report.errors.len() < self.max_errors {
            report.errors.push(msg);
        }
    }

    fn read_object<P: Progress>(
        &mut self,
        key: &str,
        stream: &str,
        bytes: Vec<u8>,
        progress: &mut P,
        report: &mut PollReport,
    ) -> Result<(), PollError> {
        let items = crate::read::read_stream(key.to_string(), std::io::Cursor::new(bytes));
        let got = ingest(&mut self.scanner, self.saved_len, items)?;
        let checkpoint = Checkpoint {
            key: key.to_string(),
            records: got.records,
            complete: true,
        };
        let mut new = commit(progress, key, stream, Some(&checkpoint), &got)?;
        self.saved_len = got.state_len;
        // the checkpoint only moves forward (a late object sorting before it is read without
        // moving it back)
        let ahead = self
            .checkpoints
            .streams
            .get(stream)
            .is_none_or(|cp| cp.key.as_str() <= key);
        if ahead {
            self.checkpoints
                .streams
                .insert(stream.to_string(), checkpoint);
        }
        report.objects += 1;
        report.events += got.events;
        for e in got.errors {
            self.error(report, e);
        }
        report.detections.append(&mut new);
        Ok(())
    }

    /// The keys to read, in key order.
    fn pending<P: Progress>(&mut self, progress: &mut P) -> Result<Vec<String>, PollError> {
        let list_err = |prefix: &str, source| PollError::List {
            prefix: prefix.to_string(),
            source,
        };
        // (list prefix, start after) per unit to list
        let mut units: BTreeMap<String, Option<String>> = BTreeMap::new();
        let mut loose: Vec<String> = Vec::new();
        if let Some(info) = KeyInfo::parse(&self.prefix) {
            // the prefix is inside one stream
            let start = self.start_of(&info.stream);
            units.insert(self.prefix.clone(), start);
        } else {
            let mut queue = vec![(self.prefix.clone(), 0usize)];
            while let Some((p, depth)) = queue.pop() {
                let listing = self.source.list_dir(&p).map_err(|e| list_err(&p, e))?;
                loose.extend(listing.keys.into_iter().filter(|k| is_log_key(k)));
                for d in listing.dirs {
                    if is_stream_prefix(&d) {
                        let start = self.start_of(&d);
                        units.insert(d, start);
                    } else if depth < MAX_WALK_DEPTH && !is_other_log_kind(&d) {
                        queue.push((d, depth + 1));
                    }
                }
            }
        }
        let mut candidates: Vec<String> = loose;
        for (prefix, start) in &units {
            let keys = self
                .source
                .list(prefix, start.as_deref())
                .map_err(|e| list_err(prefix, e))?;
            candidates.extend(keys.into_iter().filter(|k| is_log_key(k)));
        }
        candidates.sort();
        candidates.dedup();
        let mut todo = Vec::with_capacity(candidates.len());
        for chunk in candidates.chunks(500) {
            let done = progress
                .processed(chunk)
                .map_err(|e| PollError::Progress(e.to_string()))?;
            todo.extend(chunk.iter().filter(|k| !done.contains(*k)).cloned());
        }
        Ok(todo)
    }

    /// Where to start listing a stream: the later of its checkpoint's day
    /// ([`Self::lookback`]) and the `--since` day.
    fn start_of(&self, stream: &str) -> Option<String> {
        let since = self.since_day.as_ref().map(|d| format!("{stream}{d}"));
        match (self.lookback(stream), since) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }

    /// Where to start listing a stream: the beginning of its checkpoint's day (so that late
    /// deliveries of that day are seen), or the beginning.
    fn lookback(&self, stream: &str) -> Option<String> {
        let cp = self.checkpoints.streams.get(stream)?;
        let rest = cp.key.strip_prefix(stream)?;
        // YYYY/MM/DD/
        let parts: Vec<&str> = rest.splitn(4, '/').collect();
        match parts.as_slice() {
            [y, m, d, _] => Some(format!("{stream}{y}/{m}/{d}/")),
            _ => None,
        }
    }
}

/// What reading one object into a scanner gave, before it is committed.
pub(crate) struct Ingested {
    pub records: u64,
    pub events: u64,
    pub errors: Vec<String>,
    pub detections: Vec<Detection>,
    /// The scanner's multi-event state when it changed since `saved_len`.
    pub state: Option<String>,
    pub state_len: (u64, u64),
}

/// Feeds one object's items to `scanner` and takes what they produced.
pub(crate) fn ingest(
    scanner: &mut Scanner<'_>,
    saved_len: (u64, u64),
    items: impl IntoIterator<Item = Result<crate::Event, crate::ReadError>>,
) -> Result<Ingested, crate::scan::StateError> {
    let before = scanner.stats().events;
    let mut records = 0u64;
    let mut errors = Vec::new();
    for item in items {
        match &item {
            Ok(_) => records += 1,
            Err(e) => {
                if !e.is_fatal() {
                    records += 1;
                }
                errors.push(e.to_string());
            }
        }
        scanner.push_item(&item);
    }
    let state_len = scanner.state_len();
    let state = if state_len != saved_len {
        Some(scanner.save_state()?)
    } else {
        None
    };
    Ok(Ingested {
        records,
        events: scanner.stats().events - before,
        errors,
        detections: scanner.take_detections(),
        state,
        state_len,
    })
}

/// Commits what one object gave; returns its detections not stored before.
pub(crate) fn commit<P: Progress>(
    progress: &mut P,
    key: &str,
    stream: &str,
    checkpoint: Option<&Checkpoint>,
    got: &Ingested,
) -> Result<Vec<Detection>, PollError> {
    progress
        .commit_object(&ObjectCommit {
            key,
            stream,
            checkpoint,
            records: got.records,
            events: got.events,
            errors: &got.errors,
            detections: &got.detections,
            state: got.state.as_deref(),
        })
        .map_err(|e| PollError::Progress(e.to_string()))
}

/// A CloudTrail log object (not a digest or an Insights file, not a "directory" marker).
pub(crate) fn is_log_key(key: &str) -> bool {
    let name = key.rsplit('/').next().unwrap_or_default();
    !name.is_empty()
        && !name.starts_with('.')
        && !key.contains("CloudTrail-Digest")
        && !key.contains("CloudTrail-Insight")
        && crate::read::is_log_name(name)
}

/// True when `dir` is exactly a stream prefix `AWSLogs/[org/]<account>/CloudTrail/<region>/`.
fn is_stream_prefix(dir: &str) -> bool {
    KeyInfo::parse(&format!("{dir}0000/00/00/x.json")).is_some_and(|k| k.stream == dir)
}

/// True for `AWSLogs/[org/]<account>/<kind>/` directories of another log kind (digests,
/// Insights, Config, ELB…): not CloudTrail events, not worth walking.
fn is_other_log_kind(dir: &str) -> bool {
    let Some(idx) = dir.find("AWSLogs/") else {
        return false;
    };
    let rest = dir.get(idx + "AWSLogs/".len()..).unwrap_or_default();
    let mut parts = rest.split('/').filter(|p| !p.is_empty());
    let mut first = parts.next();
    if first.is_some_and(|f| f.starts_with("o-")) {
        first = parts.next();
    }
    if !first.is_some_and(|a| a.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    parts.next().is_some_and(|kind| kind != "CloudTrail")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn stream_prefixes() {
        assert!(is_stream_prefix(
            "AWSLogs/123456789012/CloudTrail/us-east-1/"
        ));
        assert!(is_stream_prefix(
            "logs/AWSLogs/o-abc/123456789012/CloudTrail/eu-west-1/"
        ));
        assert!(!is_stream_prefix("AWSLogs/123456789012/CloudTrail/"));
        assert!(!is_stream_prefix(
            "AWSLogs/123456789012/CloudTrail/us-east-1/2024/"
        ));
        assert!(is_other_log_kind("AWSLogs/123456789012/CloudTrail-Digest/"));
        assert!(is_other_log_kind("AWSLogs/o-abc/123456789012/Config/"));
        assert!(!is_other_log_kind("AWSLogs/123456789012/CloudTrail/"));
        assert!(!is_other_log_kind("AWSLogs/123456789012/"));
        assert!(is_log_key("a/b/x.json.gz"));
        assert!(!is_log_key("a/b/"));
        assert!(!is_log_key(
            "AWSLogs/1/CloudTrail-Digest/us-east-1/2024/01/01/x.json.gz"
        ));
    }
}
