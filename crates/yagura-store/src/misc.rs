//! Small tables for other capabilities: checkpoints, scheduled actions, inventory snapshots.

use crate::runs::to_i64;
use crate::{Store, StoreError};
use rusqlite::{params, OptionalExtension};
use time::OffsetDateTime;

/// A scheduled stop/start action and what came of it (OPS-01).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionRecord {
    pub time: OffsetDateTime,
    /// The resource acted on (instance id or ARN).
    pub resource: String,
    /// What was done (`stop`, `start`, `skip`, …).
    pub action: String,
    /// How it went (`ok`, `dry-run`, the error).
    pub result: String,
    /// Why (the schedule, the window, the guard that refused).
    pub reason: String,
}

/// A stored action with its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAction {
    pub id: i64,
    pub record: ActionRecord,
}

/// The id of a stored inventory snapshot.
pub type SnapshotId = i64;

/// A stored inventory snapshot, without its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotInfo {
    pub id: SnapshotId,
    pub taken_at: OffsetDateTime,
    /// The JSON's length in bytes.
    pub size: u64,
}

impl Store {
    /// A checkpoint value, `None` when never written.
    pub fn get_checkpoint(&self, namespace: &str, key: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row(
                "SELECT value FROM checkpoints WHERE namespace = ?1 AND key = ?2",
                [namespace, key],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Every checkpoint of a namespace, sorted by key.
    pub fn checkpoints(&self, namespace: &str) -> Result<Vec<(String, String)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT key, value FROM checkpoints WHERE namespace = ?1 ORDER BY key")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([namespace], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// Writes one checkpoint (replacing the previous value) in its own transaction.
    pub fn put_checkpoint(
        &mut self,
        namespace: &str,
        key: &str,
        value: &str,
    ) -> Result<(), StoreError> {
        self.put_checkpoints(namespace, &[(key, value)])
    }

    /// Writes several checkpoints of a namespace in one transaction: all or none.
    pub fn put_checkpoints(
        &mut self,
        namespace: &str,
        entries: &[(&str, &str)],
    ) -> Result<(), StoreError> {
        let (path, busy) = (self.path.clone(), self.busy_timeout);
        let sql = |e| crate::map_sql(&path, busy, e);
        let tx = self.write_tx()?;
        {
            let mut stmt = tx
                .prepare(
                    "INSERT INTO checkpoints (namespace, key, value) VALUES (?1, ?2, ?3)
                     ON CONFLICT (namespace, key) DO UPDATE SET value = ?3",
                )
                .map_err(sql)?;
            for (key, value) in entries {
                stmt.execute([namespace, key, value]).map_err(sql)?;
            }
        }
        tx.commit().map_err(sql)
    }

    /// Removes a checkpoint; true when there was one.
    pub fn delete_checkpoint(&mut self, namespace: &str, key: &str) -> Result<bool, StoreError> {
        let n = self
            .conn
            .execute(
                "DELETE FROM checkpoints WHERE namespace = ?1 AND key = ?2",
                [namespace, key],
            )
            .map_err(|e| self.err(e))?;
        Ok(n > 0)
    }

    /// Records a scheduled action; returns its id.
    pub fn record_action(&mut self, record: &ActionRecord) -> Result<i64, StoreError> {
        let time = self.ts(record.time)?;
        self.conn
            .execute(
                "INSERT INTO actions (time, resource, action, result, reason)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    time,
                    record.resource,
                    record.action,
                    record.result,
                    record.reason
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The `limit` latest actions, newest first (by time, then by id).
    pub fn actions(&self, limit: usize) -> Result<Vec<StoredAction>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, time, resource, action, result, reason FROM actions
                 ORDER BY time DESC, id DESC LIMIT ?1",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([to_i64(limit as u64)], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, time, resource, action, result, reason) = row.map_err(|e| self.err(e))?;
            out.push(StoredAction {
                id,
                record: ActionRecord {
                    time: self.parse_ts(&format!("action {id}"), &time)?,
                    resource,
                    action,
                    result,
                    reason,
                },
            });
        }
        Ok(out)
    }

    /// Stores an inventory snapshot (a JSON document); returns its id.
    pub fn put_snapshot(
        &mut self,
        taken_at: OffsetDateTime,
        json: &str,
    ) -> Result<SnapshotId, StoreError> {
        let at = self.ts(taken_at)?;
        self.conn
            .execute(
                "INSERT INTO inventory_snapshots (taken_at, json) VALUES (?1, ?2)",
                params![at, json],
            )
            .map_err(|e| match self.err(e) {
                StoreError::Invalid { path, .. } => StoreError::Invalid {
                    path,
                    reason: "the inventory snapshot is not valid JSON".to_string(),
                },
                other => other,
            })?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Every snapshot, oldest first.
    pub fn snapshots(&self) -> Result<Vec<SnapshotInfo>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, taken_at, length(CAST(json AS BLOB)) FROM inventory_snapshots
                 ORDER BY taken_at, id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, at, size) = row.map_err(|e| self.err(e))?;
            out.push(SnapshotInfo {
                id,
                taken_at: self.parse_ts(&format!("inventory snapshot {id}"), &at)?,
                size: u64::try_from(size).unwrap_or(0),
            });
        }
        Ok(out)
    }

    /// A snapshot's JSON, `None` when there is no such snapshot.
    pub fn snapshot(&self, id: SnapshotId) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row(
                "SELECT json FROM inventory_snapshots WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }
}
