//! Workflow attributes per finding key (REP-02): status, assignee and note, kept across runs,
//! each change recorded in an audit trail.

use crate::{Store, StoreError};
use rusqlite::{params, OptionalExtension};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;
use time::OffsetDateTime;

/// Where a finding stands in the team's work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum WorkflowStatus {
    #[default]
    Open,
    Acknowledged,
    InProgress,
    Resolved,
    RiskAccepted,
}

impl WorkflowStatus {
    pub const ALL: [WorkflowStatus; 5] = [
        WorkflowStatus::Open,
        WorkflowStatus::Acknowledged,
        WorkflowStatus::InProgress,
        WorkflowStatus::Resolved,
        WorkflowStatus::RiskAccepted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WorkflowStatus::Open => "open",
            WorkflowStatus::Acknowledged => "acknowledged",
            WorkflowStatus::InProgress => "in_progress",
            WorkflowStatus::Resolved => "resolved",
            WorkflowStatus::RiskAccepted => "risk_accepted",
        }
    }
}

impl fmt::Display for WorkflowStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown workflow status name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown workflow status `{0}` (expected open, acknowledged, in_progress, resolved or risk_accepted)")]
pub struct ParseWorkflowStatusError(pub String);

impl FromStr for WorkflowStatus {
    type Err = ParseWorkflowStatusError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        WorkflowStatus::ALL
            .into_iter()
            .find(|w| w.as_str() == norm)
            .ok_or_else(|| ParseWorkflowStatusError(s.to_string()))
    }
}

/// A change to a key's workflow attributes. `None` keeps the current value; an empty assignee
/// or note clears it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowUpdate {
    pub status: Option<WorkflowStatus>,
    pub assignee: Option<String>,
    pub note: Option<String>,
    /// Who made the change (user name, `$USER`, a CI job).
    pub by: String,
    /// When, given by the caller.
    pub at: OffsetDateTime,
}

/// The workflow attributes of one finding key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workflow {
    pub key: String,
    pub status: WorkflowStatus,
    pub assignee: Option<String>,
    pub note: Option<String>,
    pub updated_at: OffsetDateTime,
    pub updated_by: String,
}

/// One entry of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowChange {
    pub key: String,
    pub at: OffsetDateTime,
    pub who: String,
    /// `None` for the first change of a key.
    pub old_status: Option<WorkflowStatus>,
    pub new_status: WorkflowStatus,
    pub old_assignee: Option<String>,
    pub new_assignee: Option<String>,
    pub old_note: Option<String>,
    pub new_note: Option<String>,
}

fn cleared(v: Option<&String>, old: Option<String>) -> Option<String> {
    match v {
        None => old,
        Some(s) if s.trim().is_empty() => None,
        Some(s) => Some(s.clone()),
    }
}

impl Store {
    /// Changes a key's workflow attributes and records the change in the audit trail, in one
    /// transaction. Returns the attributes now in force. A key that was never set starts as
    /// [`WorkflowStatus::Open`] with no assignee and no note.
    pub fn set_workflow(
        &mut self,
        key: &str,
        update: &WorkflowUpdate,
    ) -> Result<Workflow, StoreError> {
        if key.is_empty() {
            return Err(StoreError::Invalid {
                path: self.path.clone(),
                reason: "empty finding key".to_string(),
            });
        }
        let at = self.ts(update.at)?;
        let (path, busy) = (self.path.clone(), self.busy_timeout);
        let sql = |e| crate::map_sql(&path, busy, e);
        let tx = self.write_tx()?;
        // Read under the write lock, so that the audit trail's old values are the real ones.
        let old = read_workflow(&tx, &path, busy, key)?;
        let new = Workflow {
            key: key.to_string(),
            status: update
                .status
                .unwrap_or(old.as_ref().map_or(WorkflowStatus::Open, |w| w.status)),
            assignee: cleared(
                update.assignee.as_ref(),
                old.as_ref().and_then(|w| w.assignee.clone()),
            ),
            note: cleared(
                update.note.as_ref(),
                old.as_ref().and_then(|w| w.note.clone()),
            ),
            updated_at: update.at,
            updated_by: update.by.clone(),
        };
        tx.execute(
            "INSERT INTO workflow (key, status, assignee, note, updated_at, updated_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (key) DO UPDATE SET status = ?2, assignee = ?3, note = ?4,
                 updated_at = ?5, updated_by = ?6",
            params![
                key,
                new.status.as_str(),
                new.assignee,
                new.note,
                at,
                update.by
            ],
        )
        .map_err(sql)?;
        tx.execute(
            "INSERT INTO workflow_audit (key, at, who, old_status, new_status, old_assignee,
                 new_assignee, old_note, new_note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                key,
                at,
                update.by,
                old.as_ref().map(|w| w.status.as_str()),
                new.status.as_str(),
                old.as_ref().and_then(|w| w.assignee.clone()),
                new.assignee,
                old.as_ref().and_then(|w| w.note.clone()),
                new.note
            ],
        )
        .map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(new)
    }

    /// A key's workflow attributes, `None` when never set (that is: open, unassigned).
    pub fn workflow(&self, key: &str) -> Result<Option<Workflow>, StoreError> {
        read_workflow(&self.conn, &self.path, self.busy_timeout, key)
    }

    /// Every key with workflow attributes, by key.
    pub fn workflows(&self) -> Result<BTreeMap<String, Workflow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT key, status, assignee, note, updated_at, updated_by
                 FROM workflow ORDER BY key",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], raw_workflow).map_err(|e| self.err(e))?;
        let mut out = BTreeMap::new();
        for row in rows {
            let w = workflow_from(&self.path, row.map_err(|e| self.err(e))?)?;
            out.insert(w.key.clone(), w);
        }
        Ok(out)
    }

    /// The audit trail of a key, oldest first.
    pub fn workflow_history(&self, key: &str) -> Result<Vec<WorkflowChange>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, key, at, who, old_status, new_status, old_assignee, new_assignee,
                        old_note, new_note
                 FROM workflow_audit WHERE key = ?1 ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        type Row = (
            i64,
            String,
            String,
            String,
            Option<String>,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let rows = stmt
            .query_map([key], |r| -> rusqlite::Result<Row> {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, key, at, who, old_s, new_s, old_a, new_a, old_n, new_n) =
                row.map_err(|e| self.err(e))?;
            let what = format!("workflow change {id}");
            let status = |s: &str| {
                s.parse::<WorkflowStatus>()
                    .map_err(|e| self.corrupt(what.clone(), e))
            };
            out.push(WorkflowChange {
                key,
                at: self.parse_ts(&what, &at)?,
                who,
                old_status: old_s.as_deref().map(status).transpose()?,
                new_status: status(&new_s)?,
                old_assignee: old_a,
                new_assignee: new_a,
                old_note: old_n,
                new_note: new_n,
            });
        }
        Ok(out)
    }
}

fn read_workflow(
    conn: &rusqlite::Connection,
    path: &Path,
    busy: Duration,
    key: &str,
) -> Result<Option<Workflow>, StoreError> {
    let row = conn
        .query_row(
            "SELECT key, status, assignee, note, updated_at, updated_by
             FROM workflow WHERE key = ?1",
            [key],
            raw_workflow,
        )
        .optional()
        .map_err(|e| crate::map_sql(path, busy, e))?;
    row.map(|r| workflow_from(path, r)).transpose()
}

fn workflow_from(path: &Path, r: RawWorkflow) -> Result<Workflow, StoreError> {
    let what = format!("workflow of `{}`", r.key);
    Ok(Workflow {
        status: r
            .status
            .parse()
            .map_err(|e| crate::corrupt_at(path, &what, e))?,
        updated_at: crate::parse_ts_at(path, &what, &r.updated_at)?,
        key: r.key,
        assignee: r.assignee,
        note: r.note,
        updated_by: r.updated_by,
    })
}

struct RawWorkflow {
    key: String,
    status: String,
    assignee: Option<String>,
    note: Option<String>,
    updated_at: String,
    updated_by: String,
}

fn raw_workflow(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawWorkflow> {
    Ok(RawWorkflow {
        key: r.get(0)?,
        status: r.get(1)?,
        assignee: r.get(2)?,
        note: r.get(3)?,
        updated_at: r.get(4)?,
        updated_by: r.get(5)?,
    })
}
