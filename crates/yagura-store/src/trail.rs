//! Incremental CloudTrail sources (WATCH-03): per source (an `s3://bucket/prefix` URL), the
//! objects already read with their event counts, the detections found, the multi-event state
//! and the per-stream checkpoints (in the `checkpoints` table, namespace
//! [`trail_namespace`]). One object's results and the checkpoint that passes it are written in
//! one transaction, which is what makes a restarted scan read every event exactly once.
//!
//! The store does not know the detection type: detections come as JSON with their
//! fingerprint.

use crate::runs::to_i64;
use crate::{Store, StoreError};
use rusqlite::{params, OptionalExtension};
use std::collections::BTreeSet;
use time::OffsetDateTime;

/// The checkpoint namespace of a trail source.
pub fn trail_namespace(source: &str) -> String {
    format!("trail:{source}")
}

/// A detection to store: its identity across runs and its JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrailDetectionRow {
    pub fingerprint: String,
    pub detection_id: String,
    pub json: String,
}

/// One object's results, committed whole.
#[derive(Debug, Clone)]
pub struct TrailObjectCommit<'a> {
    pub source: &'a str,
    pub key: &'a str,
    pub records: u64,
    pub events: u64,
    pub errors: u64,
    /// The stream's checkpoint (key in the namespace, JSON value).
    pub checkpoint: Option<(&'a str, &'a str)>,
    /// The source's multi-event state, when it changed.
    pub state: Option<&'a str>,
    pub detections: &'a [TrailDetectionRow],
    pub at: OffsetDateTime,
}

/// An object read from a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrailObject {
    pub key: String,
    pub records: u64,
    pub events: u64,
    pub errors: u64,
}

/// A stored detection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTrailDetection {
    pub fingerprint: String,
    pub detection_id: String,
    /// The object whose commit stored it; `None` for multi-event detections.
    pub object_key: Option<String>,
    pub json: String,
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Store {
    /// Commits one object: its counts, its detections (those already stored under the same
    /// fingerprint are left alone), the checkpoint and the state, in one transaction. An object
    /// committed twice is refused ([`StoreError::Invalid`]) and nothing is written. Returns the
    /// indexes (into `c.detections`) of the detections that were new.
    pub fn trail_commit_object(
        &mut self,
        c: &TrailObjectCommit<'_>,
    ) -> Result<Vec<usize>, StoreError> {
        let at = self.ts(c.at)?;
        let (path, busy) = (self.path.clone(), self.busy_timeout);
        let sql = |e| crate::map_sql(&path, busy, e);
        let tx = self.write_tx()?;
        let inserted = tx
            .execute(
                "INSERT INTO trail_objects (source, key, records, events, errors, processed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
                params![
                    c.source,
                    c.key,
                    to_i64(c.records),
                    to_i64(c.events),
                    to_i64(c.errors),
                    at
                ],
            )
            .map_err(sql)?;
        if inserted == 0 {
            return Err(StoreError::Invalid {
                path: path.clone(),
                reason: format!("object `{}` of `{}` was already processed", c.key, c.source),
            });
        }
        let new = insert_detections(&tx, c.source, Some(c.key), c.detections, &at).map_err(sql)?;
        if let Some((stream, value)) = c.checkpoint {
            tx.execute(
                "INSERT INTO checkpoints (namespace, key, value) VALUES (?1, ?2, ?3)
                 ON CONFLICT (namespace, key) DO UPDATE SET value = ?3",
                params![trail_namespace(c.source), stream_key(stream), value],
            )
            .map_err(sql)?;
        }
        if let Some(state) = c.state {
            put_state(&tx, c.source, state, &at).map_err(sql)?;
        }
        tx.commit().map_err(sql)?;
        Ok(new)
    }

    /// Stores detections found over several objects (multi-event ones); returns the indexes
    /// of those that were new.
    pub fn trail_commit_detections(
        &mut self,
        source: &str,
        detections: &[TrailDetectionRow],
        at: OffsetDateTime,
    ) -> Result<Vec<usize>, StoreError> {
        let at = self.ts(at)?;
        let (path, busy) = (self.path.clone(), self.busy_timeout);
        let sql = |e| crate::map_sql(&path, busy, e);
        let tx = self.write_tx()?;
        let new = insert_detections(&tx, source, None, detections, &at).map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(new)
    }

    /// Which of `keys` were already committed for `source`.
    pub fn trail_processed(
        &self,
        source: &str,
        keys: &[String],
    ) -> Result<BTreeSet<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT 1 FROM trail_objects WHERE source = ?1 AND key = ?2")
            .map_err(|e| self.err(e))?;
        let mut out = BTreeSet::new();
        for k in keys {
            let found: Option<i64> = stmt
                .query_row(params![source, k], |r| r.get(0))
                .optional()
                .map_err(|e| self.err(e))?;
            if found.is_some() {
                out.insert(k.clone());
            }
        }
        Ok(out)
    }

    /// Every object committed for `source`, by key.
    pub fn trail_objects(&self, source: &str) -> Result<Vec<TrailObject>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT key, records, events, errors FROM trail_objects WHERE source = ?1
                 ORDER BY key",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([source], |r| {
                Ok(TrailObject {
                    key: r.get(0)?,
                    records: to_u64(r.get(1)?),
                    events: to_u64(r.get(2)?),
                    errors: to_u64(r.get(3)?),
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// Every detection stored for `source`, in the order they were found.
    pub fn trail_detections(&self, source: &str) -> Result<Vec<StoredTrailDetection>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT fingerprint, detection_id, object_key, json FROM trail_detections
                 WHERE source = ?1 ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([source], |r| {
                Ok(StoredTrailDetection {
                    fingerprint: r.get(0)?,
                    detection_id: r.get(1)?,
                    object_key: r.get(2)?,
                    json: r.get(3)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// The saved multi-event state of `source`.
    pub fn trail_state(&self, source: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row(
                "SELECT state FROM trail_state WHERE source = ?1",
                [source],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// The per-stream checkpoints of `source` (stream, JSON value).
    pub fn trail_checkpoints(&self, source: &str) -> Result<Vec<(String, String)>, StoreError> {
        Ok(self
            .checkpoints(&trail_namespace(source))?
            .into_iter()
            .map(|(k, v)| (unstream_key(&k), v))
            .collect())
    }

    /// Forgets everything about `source` (objects, detections, state, checkpoints) in one
    /// transaction: the next scan starts from the beginning.
    pub fn trail_reset(&mut self, source: &str) -> Result<(), StoreError> {
        let (path, busy) = (self.path.clone(), self.busy_timeout);
        let sql = |e| crate::map_sql(&path, busy, e);
        let tx = self.write_tx()?;
        for table in ["trail_objects", "trail_detections", "trail_state"] {
            tx.execute(&format!("DELETE FROM {table} WHERE source = ?1"), [source])
                .map_err(sql)?;
        }
        tx.execute(
            "DELETE FROM checkpoints WHERE namespace = ?1",
            [trail_namespace(source)],
        )
        .map_err(sql)?;
        tx.commit().map_err(sql)
    }
}

/// The checkpoints table refuses an empty key; the stream of keys outside the layout is `""`.
fn stream_key(stream: &str) -> String {
    format!("stream:{stream}")
}

fn unstream_key(k: &str) -> String {
    k.strip_prefix("stream:").unwrap_or(k).to_string()
}

fn put_state(
    tx: &rusqlite::Transaction<'_>,
    source: &str,
    state: &str,
    at: &str,
) -> rusqlite::Result<usize> {
    tx.execute(
        "INSERT INTO trail_state (source, state, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (source) DO UPDATE SET state = ?2, updated_at = ?3",
        params![source, state, at],
    )
}

fn insert_detections(
    tx: &rusqlite::Transaction<'_>,
    source: &str,
    object: Option<&str>,
    detections: &[TrailDetectionRow],
    at: &str,
) -> rusqlite::Result<Vec<usize>> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO trail_detections (source, fingerprint, detection_id, object_key, json, found_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (source, fingerprint) DO NOTHING",
    )?;
    let mut new = Vec::new();
    for (i, d) in detections.iter().enumerate() {
        if stmt.execute(params![
            source,
            d.fingerprint,
            d.detection_id,
            object,
            d.json,
            at
        ])? > 0
        {
            new.push(i);
        }
    }
    Ok(new)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn row(fp: &str) -> TrailDetectionRow {
        TrailDetectionRow {
            fingerprint: fp.to_string(),
            detection_id: "d".to_string(),
            json: "{}".to_string(),
        }
    }

    #[test]
    fn an_object_commits_once_with_its_checkpoint_state_and_new_detections() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&Store::path_in(dir.path())).unwrap();
        let dets = [row("a"), row("b")];
        let c = TrailObjectCommit {
            source: "s3://b/p",
            key: "k1",
            records: 3,
            events: 2,
            errors: 1,
            checkpoint: Some(("AWSLogs/1/CloudTrail/r/", "{\"key\":\"k1\"}")),
            state: Some("{\"version\":1}"),
            detections: &dets,
            at: OffsetDateTime::UNIX_EPOCH,
        };
        assert_eq!(s.trail_commit_object(&c).unwrap(), vec![0, 1]);
        // the same object again is refused and changes nothing
        let again = TrailObjectCommit {
            detections: &[row("c")],
            ..c.clone()
        };
        assert!(matches!(
            s.trail_commit_object(&again),
            Err(StoreError::Invalid { .. })
        ));
        assert_eq!(s.trail_detections("s3://b/p").unwrap().len(), 2);
        // a detection found again (by fingerprint) is not new
        let more = [row("b"), row("d")];
        let c2 = TrailObjectCommit {
            key: "k2",
            detections: &more,
            state: None,
            ..c.clone()
        };
        assert_eq!(s.trail_commit_object(&c2).unwrap(), vec![1]);
        assert_eq!(
            s.trail_commit_detections(
                "s3://b/p",
                &[row("a"), row("e")],
                OffsetDateTime::UNIX_EPOCH
            )
            .unwrap(),
            vec![1]
        );
        let keys = vec!["k1".to_string(), "k2".to_string(), "k3".to_string()];
        assert_eq!(
            s.trail_processed("s3://b/p", &keys).unwrap(),
            BTreeSet::from(["k1".to_string(), "k2".to_string()])
        );
        assert_eq!(
            s.trail_checkpoints("s3://b/p").unwrap(),
            vec![(
                "AWSLogs/1/CloudTrail/r/".to_string(),
                "{\"key\":\"k1\"}".to_string()
            )]
        );
        assert_eq!(
            s.trail_state("s3://b/p").unwrap().as_deref(),
            Some("{\"version\":1}")
        );
        let objs = s.trail_objects("s3://b/p").unwrap();
        assert_eq!(objs.len(), 2);
        assert_eq!((objs[0].records, objs[0].events, objs[0].errors), (3, 2, 1));
        // another source is separate; a reset forgets one source only
        assert!(s.trail_objects("s3://other/").unwrap().is_empty());
        s.trail_reset("s3://b/p").unwrap();
        assert!(s.trail_objects("s3://b/p").unwrap().is_empty());
        assert!(s.trail_detections("s3://b/p").unwrap().is_empty());
        assert!(s.trail_state("s3://b/p").unwrap().is_none());
        assert!(s.trail_checkpoints("s3://b/p").unwrap().is_empty());
    }
}
