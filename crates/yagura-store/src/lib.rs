//! The yagura store: one SQLite file in the data directory (REP-02).
//!
//! It keeps every run with all its findings, tells what is new, fixed or still open between two
//! runs, keeps workflow attributes (status, assignee, note) per finding key across runs with an
//! audit trail, and offers small tables to other capabilities: checkpoints (the CloudTrail
//! reader's positions), incremental CloudTrail sources (objects read exactly once, their
//! detections and multi-event state), scheduled stop/start actions, and inventory snapshots with
//! the configuration items of the watch timeline.
//!
//! Architecture invariants:
//! - No clock: every timestamp is given by the caller.
//! - Nothing stored is lost: each write is one transaction that commits whole or not at all; a
//!   file that is not a yagura store is reported by path and never written, deleted or replaced.
//! - The schema version is `PRAGMA user_version`; migrations run in order on open.
// Only the binary prints (ARCHITECTURE.md): a library returns data and typed errors.
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod misc;
mod runs;
mod schema;
mod timeline;
mod trail;
mod workflow;

pub use misc::{ActionRecord, SnapshotId, SnapshotInfo, StoredAction};
pub use runs::{Diff, DiffEntry, FindingsView, RunCounts, RunId, RunMeta, RunSummary};
pub use schema::{APPLICATION_ID, MIGRATIONS};
pub use timeline::{ConfigItemRecord, StoredConfigItem};
pub use trail::{
    trail_namespace, StoredTrailDetection, TrailDetectionRow, TrailObject, TrailObjectCommit,
};
pub use workflow::{Workflow, WorkflowChange, WorkflowStatus, WorkflowUpdate};

use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// The file name of the store inside the data directory.
pub const FILE_NAME: &str = "yagura.sqlite3";

/// How long a write waits for another process holding the lock, by default.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A store operation failed. Every variant names the store's path.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("cannot create `{path}`: {source}")]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read `{path}`: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file exists but is not a yagura store (another file, another SQLite database, or
    /// damaged). It is left untouched.
    #[error("`{path}` is not a yagura store: {reason}; it was left untouched")]
    NotAStore { path: PathBuf, reason: String },
    /// The store was written by a newer yagura.
    #[error("the store `{path}` has schema version {found}, newer than this yagura knows ({supported}); upgrade yagura")]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    /// Another process held the store's lock longer than the busy timeout.
    #[error(
        "the store `{path}` is locked by another yagura process (waited {waited:?}); try again"
    )]
    Busy { path: PathBuf, waited: Duration },
    /// A stored row cannot be read back.
    #[error("the store `{path}` holds an unreadable {what}: {reason}")]
    Corrupt {
        path: PathBuf,
        what: String,
        reason: String,
    },
    /// A value given to the store is not acceptable (nothing was written).
    #[error("the store `{path}` refused the write: {reason}")]
    Invalid { path: PathBuf, reason: String },
    #[error("the store `{path}` has no run {id}")]
    NoSuchRun { path: PathBuf, id: i64 },
    #[error("store `{path}`: {source}")]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
}

/// Options for [`Store::open_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenOptions {
    /// How long a write waits for another process's lock before failing with
    /// [`StoreError::Busy`].
    pub busy_timeout: Duration,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            busy_timeout: DEFAULT_BUSY_TIMEOUT,
        }
    }
}

/// An open store.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    busy_timeout: Duration,
}

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

impl Store {
    /// The store file inside a data directory.
    pub fn path_in(data_dir: &Path) -> PathBuf {
        data_dir.join(FILE_NAME)
    }

    /// Opens (creating it and its directory if needed) and migrates the store at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open_with(path, OpenOptions::default())
    }

    pub fn open_with(path: &Path, options: OpenOptions) -> Result<Store, StoreError> {
        Store::open_with_migrations(path, options, MIGRATIONS)
    }

    /// Opens with a given list of migrations: for tests of the migration machinery only.
    #[doc(hidden)]
    pub fn open_with_migrations(
        path: &Path,
        options: OpenOptions,
        migrations: &[&str],
    ) -> Result<Store, StoreError> {
        let path = path.to_path_buf();
        check_header(&path)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            private_dir(dir).map_err(|source| StoreError::CreateDir {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        create_private_file(&path)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&path, flags).map_err(|e| sql_error(&path, e))?;
        let mut store = Store {
            conn,
            path,
            busy_timeout: options.busy_timeout,
        };
        let latest = i64::try_from(migrations.len()).unwrap_or(i64::MAX);
        // SQLite answers some lock conflicts of a first open at once, without its busy handler
        // (another process switching the new file to WAL, or recovering it): those are retried
        // until the busy timeout, as a write waits for a lock.
        let deadline = std::time::Instant::now() + options.busy_timeout;
        loop {
            match store
                .configure(latest)
                .and_then(|()| store.migrate(migrations))
            {
                Err(StoreError::Busy { .. }) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                done => return done.map(|()| store),
            }
        }
    }

    /// The store's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open store.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    fn configure(&mut self, latest: i64) -> Result<(), StoreError> {
        let path = self.path.clone();
        self.conn
            .busy_timeout(self.busy_timeout)
            .map_err(|e| sql_error(&path, e))?;
        // The first read of the file: a damaged or foreign file fails here, before any write.
        let (app_id, version, tables): (i32, i64, i64) = self
            .conn
            .query_row(
                "SELECT (SELECT application_id FROM pragma_application_id),
                        (SELECT user_version FROM pragma_user_version),
                        (SELECT count(*) FROM sqlite_master)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(|e| self.err(e))?;
        if app_id != 0 && app_id != schema::APPLICATION_ID {
            return Err(StoreError::NotAStore {
                path,
                reason: format!(
                    "it is an SQLite database of another application (application id {app_id:#x})"
                ),
            });
        }
        if app_id == 0 && (version != 0 || tables != 0) {
            return Err(StoreError::NotAStore {
                path,
                reason: "it is an SQLite database that yagura did not create".to_string(),
            });
        }
        if version > latest {
            return Err(StoreError::TooNew {
                path,
                found: version,
                supported: latest,
            });
        }
        let mode: String = self
            .conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .map_err(|e| self.err(e))?;
        if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
            return Err(StoreError::Invalid {
                path,
                reason: format!(
                    "cannot switch to write-ahead logging (journal mode stays `{mode}`)"
                ),
            });
        }
        self.conn
            // WAL makes NORMAL durable against application crashes; a 32 MiB page cache keeps the
            // key and content indexes of a large run in memory while it is written.
            .execute_batch(
                "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768;",
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    fn migrate(&mut self, migrations: &[&str]) -> Result<(), StoreError> {
        loop {
            let path = self.path.clone();
            let busy = self.busy_timeout;
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(|e| map_sql(&path, busy, e))?;
            // Read again under the write lock: another process may have migrated meanwhile.
            let version: i64 = tx
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .map_err(|e| map_sql(&path, busy, e))?;
            let Some(step) = usize::try_from(version)
                .ok()
                .and_then(|v| migrations.get(v))
            else {
                return Ok(());
            };
            tx.execute_batch(step)
                .map_err(|e| map_sql(&path, busy, e))?;
            tx.pragma_update(None, "user_version", version + 1)
                .map_err(|e| map_sql(&path, busy, e))?;
            tx.pragma_update(None, "application_id", schema::APPLICATION_ID)
                .map_err(|e| map_sql(&path, busy, e))?;
            tx.commit().map_err(|e| map_sql(&path, busy, e))?;
        }
    }

    fn err(&self, e: rusqlite::Error) -> StoreError {
        map_sql(&self.path, self.busy_timeout, e)
    }

    fn write_tx(&mut self) -> Result<rusqlite::Transaction<'_>, StoreError> {
        let (path, busy) = (self.path.clone(), self.busy_timeout);
        self.conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| map_sql(&path, busy, e))
    }

    fn corrupt(&self, what: impl Into<String>, reason: impl ToString) -> StoreError {
        corrupt_at(&self.path, what, reason)
    }
}

/// Refuses, before SQLite touches it, a non-empty file that does not start with the SQLite
/// header.
fn check_header(path: &Path) -> Result<(), StoreError> {
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(StoreError::Read {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    let mut head = Vec::with_capacity(16);
    file.by_ref()
        .take(16)
        .read_to_end(&mut head)
        .map_err(|source| StoreError::Read {
            path: path.to_path_buf(),
            source,
        })?;
    if head.is_empty() || head.as_slice() == SQLITE_MAGIC {
        Ok(())
    } else {
        Err(StoreError::NotAStore {
            path: path.to_path_buf(),
            reason: "the file does not start with the SQLite header".to_string(),
        })
    }
}

/// Creates missing directories readable by the owner only (the store holds security findings).
fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Creates the store file, empty and readable by the owner only, when it does not exist yet;
/// SQLite gives its journal and WAL files the same permissions. An existing file is not touched.
fn create_private_file(path: &Path) -> Result<(), StoreError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(source) => Err(StoreError::CreateDir {
            path: path.to_path_buf(),
            source,
        }),
    }
}

fn sql_error(path: &Path, e: rusqlite::Error) -> StoreError {
    map_sql(path, DEFAULT_BUSY_TIMEOUT, e)
}

fn map_sql(path: &Path, waited: Duration, e: rusqlite::Error) -> StoreError {
    let path = path.to_path_buf();
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            StoreError::Busy { path, waited }
        }
        Some(ErrorCode::NotADatabase) => StoreError::NotAStore {
            path,
            reason: "SQLite does not recognise it as a database".to_string(),
        },
        Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt {
            path,
            what: "database page".to_string(),
            reason: e.to_string(),
        },
        Some(ErrorCode::ConstraintViolation) => StoreError::Invalid {
            path,
            reason: e.to_string(),
        },
        _ => StoreError::Sqlite { path, source: e },
    }
}

/// Timestamps are stored as RFC 3339 in UTC, so that text order is time order.
fn ts(t: OffsetDateTime) -> Result<String, time::error::Format> {
    t.to_offset(UtcOffset::UTC).format(&Rfc3339)
}

fn parse_ts(s: &str) -> Result<OffsetDateTime, time::error::Parse> {
    OffsetDateTime::parse(s, &Rfc3339)
}

impl Store {
    fn ts(&self, t: OffsetDateTime) -> Result<String, StoreError> {
        ts(t).map_err(|e| StoreError::Invalid {
            path: self.path.clone(),
            reason: format!("timestamp `{t}` cannot be written as RFC 3339: {e}"),
        })
    }

    fn parse_ts(&self, what: &str, s: &str) -> Result<OffsetDateTime, StoreError> {
        parse_ts_at(&self.path, what, s)
    }
}

fn corrupt_at(path: &Path, what: impl Into<String>, reason: impl ToString) -> StoreError {
    StoreError::Corrupt {
        path: path.to_path_buf(),
        what: what.into(),
        reason: reason.to_string(),
    }
}

fn parse_ts_at(path: &Path, what: &str, s: &str) -> Result<OffsetDateTime, StoreError> {
    parse_ts(s).map_err(|e| corrupt_at(path, what, format!("timestamp `{s}`: {e}")))
}
