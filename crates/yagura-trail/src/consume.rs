//! Reading CloudTrail objects as their notifications arrive (`trail consume --sqs`), exactly
//! once, without listing the bucket.
//!
//! This module knows no SDK: a [`Queue`] receives and deletes messages (SQS in
//! `yagura-collect`), a [`Fetcher`] fetches the objects they name (S3), and the same
//! [`Progress`] as the incremental scan commits each object. [`Consumer::batch`] takes one
//! receive's messages, parses them ([`crate::notice`]), fetches the objects not committed
//! before (up to `parallel` at a time), reads each through the same reader and scanner as a
//! scan and commits, per object and in one step, its counts, its single-event detections and
//! the scanner's multi-event state. Only then are the messages whose objects are all committed
//! deleted. A process killed at any point leaves the messages of uncommitted objects on the
//! queue; they come back after their visibility timeout, and an object already committed is
//! recognised by its key and its message deleted without reading it again.
//!
//! A poison object — one whose reading stops early (a truncated gzip, a document that is not
//! JSON) — is not committed and its message is not deleted: it is reported with its key, and
//! the queue's redrive policy moves the message to its dead-letter queue after
//! `maxReceiveCount` receives. The same goes for a message that is not a notification. A
//! readable object with a broken record is committed with its read errors, as a scan would.

use crate::notice::{parse_notice, Notice, ObjectNotice};
use crate::scan::{sort_detections, Restored, Scanner};
use crate::source::{commit, ingest, is_log_key, PollError, Progress};
use crate::{Detection, SourceError};
use std::collections::{BTreeMap, BTreeSet};

/// One received message.
#[derive(Debug, Clone)]
pub struct Message {
    pub id: String,
    /// The handle that deletes this receipt of the message.
    pub receipt: String,
    pub body: String,
}

/// A queue of notifications.
pub trait Queue {
    /// The next messages (a long poll; none when the queue stayed empty).
    fn receive(&self) -> Result<Vec<Message>, SourceError>;
    /// Deletes received messages (at most 10, those of one receive) in one request; a
    /// result per receipt, in order.
    fn delete(&self, receipts: &[String]) -> Vec<Result<(), SourceError>>;
}

/// Fetches notified objects.
pub trait Fetcher {
    /// The bytes of each object, in the order given (fetched concurrently).
    fn fetch_all(&self, objects: &[ObjectNotice]) -> Vec<Result<Vec<u8>, SourceError>>;
}

/// The key under which an object's progress is stored (bucket and key).
pub fn store_key(o: &ObjectNotice) -> String {
    format!("s3://{}/{}", o.bucket, o.key)
}

/// What one batch did.
#[derive(Debug, Default)]
pub struct BatchReport {
    pub messages: u64,
    pub deleted: u64,
    /// Messages with nothing to read (S3's test event, other events).
    pub ignored: u64,
    /// Objects notified again after their commit (their messages deleted without a read).
    pub duplicates: u64,
    /// Objects read and committed.
    pub objects: u64,
    pub events: u64,
    /// Read errors, poison objects, unreadable messages, failed fetches and deletes (all
    /// counted; at most `max_errors` kept).
    pub error_count: u64,
    pub errors: Vec<String>,
    /// The keys (`s3://bucket/key`) of objects left unread, their messages kept.
    pub poisoned: Vec<String>,
    /// Detections not reported before, sorted like a scan's.
    pub detections: Vec<Detection>,
    pub interrupted: bool,
}

/// Hooks of a batch: whether to stop (checked between objects) and a pause at each step of an
/// object (after its fetch, after its commit), for tests that kill a run midway.
pub struct ConsumeHooks<'h> {
    pub stop: &'h dyn Fn() -> bool,
    pub pause: &'h mut dyn FnMut(&str),
}

/// Reads notified objects into one scanner; see the module documentation.
pub struct Consumer<'r> {
    scanner: Scanner<'r>,
    saved_len: (u64, u64),
    max_errors: usize,
    parallel: usize,
}

impl<'r> Consumer<'r> {
    /// Starts from the saved multi-event state (none for a first run).
    pub fn new(
        mut scanner: Scanner<'r>,
        state: Option<&str>,
    ) -> Result<(Self, Option<Restored>), PollError> {
        let restored = match state {
            Some(s) => Some(scanner.restore_state(s)?),
            None => None,
        };
        let saved_len = scanner.state_len();
        Ok((
            Consumer {
                scanner,
                saved_len,
                max_errors: 1000,
                parallel: crate::source::DEFAULT_PARALLEL,
            },
            restored,
        ))
    }

    /// Fetches up to `n` objects at a time (at least one).
    pub fn with_parallel(mut self, n: usize) -> Self {
        self.parallel = n.max(1);
        self
    }

    fn error(&self, report: &mut BatchReport, msg: String) {
        report.error_count += 1;
        if report.errors.len() < self.max_errors {
            report.errors.push(msg);
        }
    }

    /// Receives once and handles what came; see the module documentation.
    pub fn batch<Q: Queue, F: Fetcher, P: Progress>(
        &mut self,
        queue: &Q,
        fetcher: &F,
        progress: &mut P,
        hooks: &mut ConsumeHooks<'_>,
    ) -> Result<BatchReport, ConsumeError> {
        let mut report = BatchReport::default();
        let messages = queue.receive().map_err(ConsumeError::Receive)?;
        report.messages = messages.len() as u64;
        // per message: the store keys of its objects (None: keep the message)
        let mut wanted: Vec<Option<Vec<String>>> = Vec::with_capacity(messages.len());
        let mut objects: BTreeMap<String, ObjectNotice> = BTreeMap::new();
        let mut order: Vec<String> = Vec::new();
        for m in &messages {
            match parse_notice(&m.body) {
                Ok(Notice::Objects(objs)) => {
                    let mut keys = Vec::with_capacity(objs.len());
                    // digests, Insights files and other objects of the bucket: nothing to read
                    for o in objs.into_iter().filter(|o| is_log_key(&o.key)) {
                        let k = store_key(&o);
                        if !objects.contains_key(&k) {
                            order.push(k.clone());
                            objects.insert(k.clone(), o);
                        }
                        keys.push(k);
                    }
                    wanted.push(Some(keys));
                }
                Ok(Notice::Ignored(_)) => {
                    report.ignored += 1;
                    wanted.push(Some(Vec::new()));
                }
                Err(e) => {
                    self.error(&mut report, format!("message `{}`: {e}", m.id));
                    wanted.push(None);
                }
            }
        }
        let before = progress
            .processed(&order)
            .map_err(|e| ConsumeError::Progress(e.to_string()))?;
        report.duplicates = before.len() as u64;
        let mut done: BTreeSet<String> = before;
        let todo: Vec<&String> = order.iter().filter(|k| !done.contains(*k)).collect();
        'chunks: for chunk in todo.chunks(self.parallel) {
            let notices: Vec<ObjectNotice> = chunk
                .iter()
                .filter_map(|k| objects.get(*k).cloned())
                .collect();
            let fetched = fetcher.fetch_all(&notices);
            for (o, got) in notices.iter().zip(fetched) {
                if (hooks.stop)() {
                    report.interrupted = true;
                    break 'chunks;
                }
                let key = store_key(o);
                match got {
                    Ok(bytes) => {
                        (hooks.pause)(&key);
                        if self.read(o, &key, bytes, progress, &mut report)? {
                            (hooks.pause)(&key);
                            done.insert(key);
                        }
                    }
                    Err(e) => {
                        self.error(&mut report, e.to_string());
                        report.poisoned.push(key);
                    }
                }
            }
        }
        if report.objects > 0 {
            let multi = self.scanner.evaluate();
            let mut new = progress
                .commit_detections(multi)
                .map_err(|e| ConsumeError::Progress(e.to_string()))?;
            report.detections.append(&mut new);
            self.scanner.prune(crate::source::PRUNE_SLACK_MS);
        }
        // only now: the messages whose objects are all committed
        let ready: Vec<&Message> = messages
            .iter()
            .zip(&wanted)
            .filter(|(_, keys)| {
                keys.as_ref()
                    .is_some_and(|k| k.iter().all(|k| done.contains(k)))
            })
            .map(|(m, _)| m)
            .collect();
        if !ready.is_empty() {
            let receipts: Vec<String> = ready.iter().map(|m| m.receipt.clone()).collect();
            for (m, r) in ready.iter().zip(queue.delete(&receipts)) {
                match r {
                    Ok(()) => report.deleted += 1,
                    // the message comes back and is recognised as a duplicate
                    Err(e) => self.error(&mut report, format!("message `{}`: {e}", m.id)),
                }
            }
        }
        sort_detections(&mut report.detections);
        Ok(report)
    }

    /// Reads one object and commits it; false (nothing pushed to the scanner, nothing
    /// committed) for a poison object.
    fn read<P: Progress>(
        &mut self,
        o: &ObjectNotice,
        key: &str,
        bytes: Vec<u8>,
        progress: &mut P,
        report: &mut BatchReport,
    ) -> Result<bool, ConsumeError> {
        // the object's own key, as a scan of the bucket names it
        let items: Vec<_> =
            crate::read::read_stream(o.key.clone(), std::io::Cursor::new(bytes)).collect();
        let records = items.iter().filter(|i| i.is_ok()).count();
        let fatal = items.iter().find_map(|i| match i {
            Err(e) if e.is_fatal() || records == 0 => Some(e.to_string()),
            _ => None,
        });
        if let Some(e) = fatal {
            self.error(report, format!("{e} (`{key}` left on the queue)"));
            report.poisoned.push(key.to_string());
            return Ok(false);
        }
        let got = ingest(&mut self.scanner, self.saved_len, items).map_err(PollError::from)?;
        let mut new = commit(progress, key, "", None, &got)?;
        self.saved_len = got.state_len;
        report.objects += 1;
        report.events += got.events;
        for e in got.errors {
            self.error(report, e);
        }
        report.detections.append(&mut new);
        Ok(true)
    }
}

/// A batch that could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConsumeError {
    #[error("cannot receive messages")]
    Receive(#[source] SourceError),
    #[error("cannot record progress: {0}")]
    Progress(String),
    #[error(transparent)]
    Poll(#[from] PollError),
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::source::ObjectCommit;
    use serde_json::json;
    use std::cell::RefCell;
    use std::collections::BTreeMap;

    #[derive(Default)]
    struct Mem {
        queue: RefCell<Vec<Message>>,
        deleted: RefCell<Vec<String>>,
        objects: BTreeMap<String, Vec<u8>>,
        fetched: RefCell<Vec<String>>,
    }

    impl Queue for Mem {
        fn receive(&self) -> Result<Vec<Message>, SourceError> {
            Ok(self.queue.borrow().clone())
        }
        fn delete(&self, receipts: &[String]) -> Vec<Result<(), SourceError>> {
            self.deleted.borrow_mut().extend(receipts.iter().cloned());
            self.queue
                .borrow_mut()
                .retain(|m| !receipts.contains(&m.receipt));
            receipts.iter().map(|_| Ok(())).collect()
        }
    }

    impl Fetcher for Mem {
        fn fetch_all(&self, objs: &[ObjectNotice]) -> Vec<Result<Vec<u8>, SourceError>> {
            objs.iter()
                .map(|o| {
                    self.fetched.borrow_mut().push(o.key.clone());
                    self.objects
                        .get(&o.key)
                        .cloned()
                        .ok_or_else(|| SourceError::NotFound {
                            what: o.key.clone(),
                            message: crate::source::said("gone"),
                        })
                })
                .collect()
        }
    }

    #[derive(Default)]
    struct Log {
        committed: BTreeMap<String, u64>,
    }

    impl Progress for Log {
        type Error = String;
        fn processed(&mut self, keys: &[String]) -> Result<BTreeSet<String>, String> {
            Ok(keys
                .iter()
                .filter(|k| self.committed.contains_key(*k))
                .cloned()
                .collect())
        }
        fn commit_object(&mut self, c: &ObjectCommit<'_>) -> Result<Vec<Detection>, String> {
            assert!(self.committed.insert(c.key.to_string(), c.events).is_none());
            Ok(c.detections.to_vec())
        }
        fn commit_detections(&mut self, d: Vec<Detection>) -> Result<Vec<Detection>, String> {
            Ok(d)
        }
    }

    fn msg(id: &str, key: &str) -> Message {
        let body = json!({"Records": [{"eventName": "ObjectCreated:Put", "s3": {
            "bucket": {"name": "trail"}, "object": {"key": key, "eTag": "e"}}}]});
        Message {
            id: id.into(),
            receipt: format!("r-{id}"),
            body: body.to_string(),
        }
    }

    fn record(id: &str) -> serde_json::Value {
        json!({"eventVersion": "1.08", "eventTime": "2024-08-01T00:00:00Z",
               "eventSource": "iam.amazonaws.com", "eventName": "ListUsers",
               "awsRegion": "us-east-1", "eventID": id,
               "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::1:user/a"}})
    }

    #[test]
    fn commits_then_deletes_skips_duplicates_and_keeps_poison() {
        let good = serde_json::to_vec(&json!({"Records": [record("a"), record("b")]})).unwrap();
        let mut mem = Mem::default();
        mem.objects.insert("k/good.json".into(), good.clone());
        mem.objects
            .insert("k/bad.json".into(), b"{\"Records\": [".to_vec());
        *mem.queue.borrow_mut() = vec![
            msg("1", "k/good.json"),
            msg("2", "k/good.json"),
            msg("3", "k/bad.json"),
            msg("4", "k/missing.json"),
            Message {
                id: "5".into(),
                receipt: "r-5".into(),
                body: "{".into(),
            },
            Message {
                id: "6".into(),
                receipt: "r-6".into(),
                body: json!({"Event": "s3:TestEvent"}).to_string(),
            },
        ];
        let (mut c, _) =
            Consumer::new(Scanner::new(None, &crate::Options::default()), None).unwrap();
        let mut log = Log::default();
        let stop = || false;
        let mut pause = |_: &str| {};
        let mut hooks = ConsumeHooks {
            stop: &stop,
            pause: &mut pause,
        };
        let r = c.batch(&mem, &mem, &mut log, &mut hooks).unwrap();
        assert_eq!((r.messages, r.objects, r.events), (6, 1, 2));
        assert_eq!(r.ignored, 1);
        assert_eq!(
            r.poisoned,
            vec!["s3://trail/k/bad.json", "s3://trail/k/missing.json"]
        );
        assert!(
            r.errors.iter().any(|e| e.contains("k/bad.json")),
            "{:?}",
            r.errors
        );
        // the good object's two messages and the test event are deleted; the rest stay
        assert_eq!(*mem.deleted.borrow(), vec!["r-1", "r-2", "r-6"]);
        assert_eq!(log.committed["s3://trail/k/good.json"], 2);
        // redelivered: the committed object is not fetched again
        mem.queue.borrow_mut().push(msg("7", "k/good.json"));
        mem.fetched.borrow_mut().clear();
        let r = c.batch(&mem, &mem, &mut log, &mut hooks).unwrap();
        assert_eq!((r.duplicates, r.objects), (1, 0));
        assert!(!mem.fetched.borrow().contains(&"k/good.json".to_string()));
        assert!(mem.deleted.borrow().contains(&"r-7".to_string()));
    }
}
