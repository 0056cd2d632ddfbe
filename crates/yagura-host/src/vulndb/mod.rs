//! The offline vulnerability database (HOST-02): feeds imported by the user into a SQLite file
//! in the data directory, matched per distribution release on the package names and versions
//! with the distribution's own version ordering.
//!
//! Every feed is normalised into [`Advisory`] rows: one per (advisory, distro release, package,
//! affected range), each either fixed in a version, unfixed, or not to be fixed (won't fix).

mod feeds;
pub mod update;

pub use feeds::{
    osv_ecosystem, parse_debian_tracker, parse_json, parse_osv, parse_oval, parse_updateinfo,
};

use crate::packages::Package;
use crate::version::VersionScheme;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The file name of the database inside the data directory.
pub const DB_FILE: &str = "vulndb.sqlite";

/// Whether and how an advisory is fixed in a distribution release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixState {
    /// A fixed version exists.
    Fixed,
    /// No fix yet.
    Unfixed,
    /// The distribution decided not to fix it (Debian `ignored`/`no-dsa`, end of life).
    WontFix,
}

impl FixState {
    pub fn as_str(self) -> &'static str {
        match self {
            FixState::Fixed => "fixed",
            FixState::Unfixed => "unfixed",
            FixState::WontFix => "wont-fix",
        }
    }
    fn parse(s: &str) -> FixState {
        match s {
            "fixed" => FixState::Fixed,
            "wont-fix" => FixState::WontFix,
            _ => FixState::Unfixed,
        }
    }
}

/// One normalised advisory row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advisory {
    /// The advisory id (`CVE-2024-2961`, `DSA-5673-1`, `ALAS2023-2023-001`).
    pub id: String,
    /// Other ids of the same issue (CVE ids of an ALAS, …).
    pub aliases: Vec<String>,
    /// The distribution key (`debian`, `alpine`, `amzn`, `mariner`, `almalinux`, …).
    pub distro: String,
    /// The release key (`12`, `v3.20`, `2023`, `2.0`); empty when the feed covers every release.
    pub release: String,
    /// The package name the feed uses (a source package for Debian and Alpine, a binary package
    /// for the rpm family's OVAL and updateinfo).
    pub package: String,
    pub state: FixState,
    pub introduced: Option<String>,
    /// The first version not affected: the fix when `state` is `Fixed`, else only a bound (an
    /// OVAL definition not yet patchable).
    pub fixed: Option<String>,
    pub last_affected: Option<String>,
    /// Severity as the feed words it (`High`, `important`, `unimportant`).
    pub severity: Option<String>,
    pub summary: String,
}

/// An error of the vulnerability database.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VulnDbError {
    #[error("cannot use the vulnerability database `{path}`: {source}")]
    Sqlite {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("cannot read `{path}`: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("`{path}`: {reason}")]
    Format { path: String, reason: String },
}

/// The result of one import.
#[derive(Debug, Default, Clone, Serialize)]
pub struct ImportStats {
    /// The source name the rows were stored under (re-importing it replaces them).
    pub source: String,
    /// Feed kinds met (`osv`, `debian-tracker`, `oval`, `updateinfo`).
    pub kinds: Vec<String>,
    /// Documents (files, zip entries) read.
    pub documents: usize,
    /// Advisory rows stored.
    pub advisories: usize,
    /// Rows that the source did not hold before this import (empty on a source's first
    /// import: everything would be new).
    #[serde(skip)]
    pub new_rows: Vec<Advisory>,
}

/// A feed read whole and valid, ready to replace a source.
#[derive(Debug, Default, Clone)]
pub struct ParsedFeed {
    /// Feed kinds met (`osv`, `debian-tracker`, `oval`, `updateinfo`).
    pub kinds: Vec<String>,
    /// Documents (files, zip entries) read.
    pub documents: usize,
    pub rows: Vec<Advisory>,
}

/// One imported source, for `db status`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SourceStatus {
    pub name: String,
    pub kinds: String,
    /// Unix seconds of the import.
    pub imported_at: i64,
    pub advisories: i64,
    /// Advisory rows per `distro:release`.
    pub releases: Vec<(String, i64)>,
    /// Unix seconds of the last successful `db update` check (a feed found unchanged is
    /// current as of then); `None` for a source imported by hand.
    pub checked_at: Option<i64>,
    /// The URL `db update` fetched it from.
    pub url: Option<String>,
}

/// Data older than this many days makes a host scan warn.
pub const STALE_DAYS: i64 = 7;

impl SourceStatus {
    /// Whole days since the data was last known current (imported, or checked unchanged) at
    /// `now` (Unix seconds).
    pub fn age_days(&self, now: i64) -> i64 {
        let at = self.imported_at.max(self.checked_at.unwrap_or(0));
        (now - at).max(0) / 86_400
    }
}

/// What `db status` shows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DbStatus {
    pub path: String,
    pub sources: Vec<SourceStatus>,
    pub advisories: i64,
}

/// A package matched by an advisory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VulnMatch {
    pub advisory: Advisory,
    /// The installed (binary) package.
    pub package: String,
    pub installed: String,
    /// The source package, when the match was on it.
    pub source: Option<String>,
    pub source_version: Option<String>,
}

/// How the packages of a distribution are matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchOn {
    /// On the source package and its version (Debian, Ubuntu, Alpine).
    Source,
    /// On the binary package and its version (the rpm family: OVAL and updateinfo name binary
    /// packages).
    Binary,
}

/// The distribution key, version ordering and matching rule of an os-release `ID`.
pub fn distro_rules(id: &str) -> (VersionScheme, MatchOn) {
    match id {
        "debian" | "ubuntu" => (VersionScheme::Dpkg, MatchOn::Source),
        "alpine" => (VersionScheme::Apk, MatchOn::Source),
        _ => (VersionScheme::Rpm, MatchOn::Binary),
    }
}

/// The distribution key of an OSV ecosystem name or a feed's product name.
pub fn distro_key(name: &str) -> String {
    let k: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    match k.as_str() {
        "redhat" | "rhel" => "rhel".into(),
        "rockylinux" | "rocky" => "rocky".into(),
        "amazonlinux" | "amazon" | "amzn" => "amzn".into(),
        "cblmariner" | "mariner" => "mariner".into(),
        "azurelinux" => "azurelinux".into(),
        _ => k,
    }
}

/// The vulnerability database in a data directory.
pub struct VulnDb {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for VulnDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VulnDb").field("path", &self.path).finish()
    }
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS advisory (
  source TEXT NOT NULL,
  distro TEXT NOT NULL,
  release TEXT NOT NULL,
  package TEXT NOT NULL,
  id TEXT NOT NULL,
  aliases TEXT NOT NULL,
  state TEXT NOT NULL,
  introduced TEXT,
  fixed TEXT,
  last_affected TEXT,
  severity TEXT,
  summary TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS advisory_pkg ON advisory(distro, package, release);
CREATE INDEX IF NOT EXISTS advisory_source ON advisory(source);
CREATE TABLE IF NOT EXISTS source (
  name TEXT PRIMARY KEY,
  kinds TEXT NOT NULL,
  imported_at INTEGER NOT NULL,
  advisories INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS host (
  id TEXT PRIMARY KEY,
  os_id TEXT NOT NULL,
  release TEXT NOT NULL,
  packages TEXT NOT NULL,
  scanned_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS feed (
  name TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  etag TEXT,
  last_modified TEXT,
  sha256 TEXT,
  checked_at INTEGER NOT NULL,
  changed_at INTEGER NOT NULL
);
";

impl VulnDb {
    /// Opens (creating when missing) the database in `dir`.
    pub fn open(dir: &Path) -> Result<VulnDb, VulnDbError> {
        std::fs::create_dir_all(dir).map_err(|source| VulnDbError::Io {
            path: dir.display().to_string(),
            source,
        })?;
        let path = dir.join(DB_FILE);
        let sq = |source| VulnDbError::Sqlite {
            path: path.display().to_string(),
            source,
        };
        // by path only (no URI interpretation of the data directory's name)
        let conn = Connection::open_with_flags(
            &path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE
                | rusqlite::OpenFlags::SQLITE_OPEN_CREATE
                | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(sq)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(sq)?;
        conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
            .map_err(sq)?;
        conn.execute_batch(SCHEMA).map_err(sq)?;
        Ok(VulnDb { conn, path })
    }

    fn sq(&self) -> impl Fn(rusqlite::Error) -> VulnDbError + '_ {
        move |source| VulnDbError::Sqlite {
            path: self.path.display().to_string(),
            source,
        }
    }

    /// Imports a feed: a file (OSV JSON, Debian tracker JSON, OVAL XML, updateinfo XML, each
    /// optionally gzipped), a zip of OSV JSON files, or a directory of any of these. The rows
    /// are stored under a source named after the path's file name; importing a source again
    /// replaces its rows. The import is atomic: a feed with any document that cannot be read
    /// (a truncated zip or gzip, a corrupt document) is refused and the source keeps its rows.
    pub fn import(&mut self, path: &Path) -> Result<ImportStats, VulnDbError> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        let feed = parse_path(path)?;
        self.replace_source(&name, feed)
    }

    /// Replaces a source's rows with a feed read whole (see [`parse_path`], [`parse_bytes`]).
    pub fn replace_source(
        &mut self,
        name: &str,
        feed: ParsedFeed,
    ) -> Result<ImportStats, VulnDbError> {
        let new_rows = self.store(name, &feed.kinds.join(","), &feed.rows)?;
        Ok(ImportStats {
            source: name.to_string(),
            kinds: feed.kinds,
            documents: feed.documents,
            advisories: feed.rows.len(),
            new_rows,
        })
    }

    /// Stores rows under a source, replacing the source's earlier rows, in one transaction.
    /// Returns the rows the source did not hold before (none on its first import).
    pub fn store(
        &mut self,
        source: &str,
        kinds: &str,
        rows: &[Advisory],
    ) -> Result<Vec<Advisory>, VulnDbError> {
        let path = self.path.display().to_string();
        let sq = |source| VulnDbError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(sq)?;
        let existed: bool = tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM source WHERE name = ?1)",
                [source],
                |r| r.get(0),
            )
            .map_err(sq)?;
        let mut before = std::collections::HashSet::new();
        if existed {
            let mut q = tx
                .prepare(
                    "SELECT id, distro, release, package, ifnull(fixed, ''), state FROM advisory \
                     WHERE source = ?1",
                )
                .map_err(sq)?;
            let keys = q
                .query_map([source], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                    ))
                })
                .map_err(sq)?;
            for k in keys {
                before.insert(k.map_err(sq)?);
            }
        }
        tx.execute("DELETE FROM advisory WHERE source = ?1", [source])
            .map_err(sq)?;
        let mut new_rows = Vec::new();
        {
            let mut ins = tx
                .prepare(
                    "INSERT INTO advisory (source, distro, release, package, id, aliases, state, \
                     introduced, fixed, last_affected, severity, summary) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                )
                .map_err(sq)?;
            for a in rows {
                ins.execute(params![
                    source,
                    a.distro,
                    a.release,
                    a.package,
                    a.id,
                    a.aliases.join(" "),
                    a.state.as_str(),
                    a.introduced,
                    a.fixed,
                    a.last_affected,
                    a.severity,
                    a.summary,
                ])
                .map_err(sq)?;
                if existed {
                    let key = (
                        a.id.clone(),
                        a.distro.clone(),
                        a.release.clone(),
                        a.package.clone(),
                        a.fixed.clone().unwrap_or_default(),
                        a.state.as_str().to_string(),
                    );
                    if !before.contains(&key) {
                        new_rows.push(a.clone());
                    }
                }
            }
        }
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        tx.execute(
            "INSERT OR REPLACE INTO source (name, kinds, imported_at, advisories) VALUES (?1, ?2, ?3, ?4)",
            params![source, kinds, now, rows.len() as i64],
        )
        .map_err(sq)?;
        tx.commit().map_err(sq)?;
        Ok(new_rows)
    }

    /// Writes the whole database to `file` (for `db import` on an offline host): a consistent
    /// copy made by SQLite (`VACUUM INTO`), written beside the target and renamed over it.
    pub fn export(&self, file: &Path) -> Result<(), VulnDbError> {
        let io = |source| VulnDbError::Io {
            path: file.display().to_string(),
            source,
        };
        let abs = std::path::absolute(file).map_err(io)?;
        let dir = abs.parent().unwrap_or(Path::new("/")).to_path_buf();
        let name = abs
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "vulndb".to_string());
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let _ = std::fs::remove_file(&tmp);
        let sq = self.sq();
        self.conn
            .execute("VACUUM INTO ?1", [tmp.to_string_lossy().as_ref()])
            .map_err(sq)?;
        std::fs::rename(&tmp, &abs).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            io(e)
        })
    }

    /// Replaces the whole database with one written by [`VulnDb::export`], in one transaction:
    /// the file is checked first (SQLite's `quick_check`, yagura's tables), and a file that is
    /// not a complete export changes nothing.
    pub fn import_database(&mut self, file: &Path) -> Result<DbStatus, VulnDbError> {
        let label = file.display().to_string();
        let fmt = |reason: String| VulnDbError::Format {
            path: label.clone(),
            reason,
        };
        let abs = std::path::absolute(file).map_err(|source| VulnDbError::Io {
            path: label.clone(),
            source,
        })?;
        let meta = std::fs::metadata(&abs).map_err(|source| VulnDbError::Io {
            path: label.clone(),
            source,
        })?;
        if !meta.is_file() {
            return Err(fmt("not a regular file".to_string()));
        }
        let path = self.path.display().to_string();
        let sq = |source| VulnDbError::Sqlite {
            path: path.clone(),
            source,
        };
        self.conn
            .execute(
                "ATTACH DATABASE ?1 AS imp",
                [abs.to_string_lossy().as_ref()],
            )
            .map_err(|e| fmt(format!("cannot open it as a database: {e}")))?;
        let result = (|| -> Result<(), VulnDbError> {
            let check: String = self
                .conn
                .query_row("PRAGMA imp.quick_check", [], |r| r.get(0))
                .map_err(|e| fmt(format!("not a readable database: {e}")))?;
            if check != "ok" {
                return Err(fmt(format!("the database is damaged: {check}")));
            }
            for table in ["advisory", "source"] {
                let n: i64 = self
                    .conn
                    .query_row(
                        "SELECT COUNT(*) FROM imp.sqlite_master WHERE type = 'table' AND name = ?1",
                        [table],
                        |r| r.get(0),
                    )
                    .map_err(|e| fmt(e.to_string()))?;
                if n == 0 {
                    return Err(fmt(format!(
                        "not a yagura vulnerability database (no `{table}` table)"
                    )));
                }
            }
            let has_feed: i64 = self
                .conn
                .query_row(
                    "SELECT COUNT(*) FROM imp.sqlite_master WHERE type = 'table' AND name = 'feed'",
                    [],
                    |r| r.get(0),
                )
                .map_err(|e| fmt(e.to_string()))?;
            let tx = self.conn.transaction().map_err(sq)?;
            tx.execute_batch(
                "DELETE FROM advisory; DELETE FROM source; DELETE FROM feed;
                 INSERT INTO advisory (source, distro, release, package, id, aliases, state, \
                   introduced, fixed, last_affected, severity, summary) \
                   SELECT source, distro, release, package, id, aliases, state, introduced, fixed, \
                   last_affected, severity, summary FROM imp.advisory;
                 INSERT INTO source (name, kinds, imported_at, advisories) \
                   SELECT name, kinds, imported_at, advisories FROM imp.source;",
            )
            .map_err(|e| fmt(format!("cannot copy its rows: {e}")))?;
            if has_feed > 0 {
                tx.execute_batch(
                    "INSERT INTO feed (name, url, etag, last_modified, sha256, checked_at, changed_at) \
                     SELECT name, url, etag, last_modified, sha256, checked_at, changed_at FROM imp.feed;",
                )
                .map_err(|e| fmt(format!("cannot copy its feed states: {e}")))?;
            }
            tx.commit().map_err(sq)
        })();
        let _ = self.conn.execute("DETACH DATABASE imp", []);
        result?;
        self.status()
    }

    /// Unix seconds of the freshest data covering a distro release: the latest import or
    /// successful check of any source with rows for it (`None`: no source covers it).
    pub fn freshness(&self, os_id: &str, release: &str) -> Result<Option<i64>, VulnDbError> {
        let sq = self.sq();
        self.conn
            .query_row(
                "SELECT MAX(MAX(s.imported_at, ifnull(f.checked_at, 0))) FROM source s \
                 LEFT JOIN feed f ON f.name = s.name \
                 WHERE EXISTS (SELECT 1 FROM advisory a WHERE a.source = s.name \
                   AND a.distro = ?1 AND (a.release = ?2 OR a.release = ''))",
                params![distro_key(os_id), release],
                |r| r.get::<_, Option<i64>>(0),
            )
            .map_err(sq)
    }

    /// Keeps the packages of a scanned host, so that advisories new in a later `db update`
    /// can be matched against it (the antenna of `db update --notify`).
    pub fn remember_host(
        &self,
        id: &str,
        os_id: &str,
        release: &str,
        packages: &[Package],
    ) -> Result<(), VulnDbError> {
        let sq = self.sq();
        let json = serde_json::to_string(packages).unwrap_or_else(|_| "[]".to_string());
        self.conn
            .execute(
                "INSERT OR REPLACE INTO host (id, os_id, release, packages, scanned_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    id,
                    os_id,
                    release,
                    json,
                    time::OffsetDateTime::now_utc().unix_timestamp()
                ],
            )
            .map(|_| ())
            .map_err(sq)
    }

    /// The hosts kept by [`VulnDb::remember_host`]: (id, os-release ID, release, packages).
    #[allow(clippy::type_complexity)]
    pub fn hosts(&self) -> Result<Vec<(String, String, String, Vec<Package>)>, VulnDbError> {
        let sq = self.sq();
        let mut stmt = self
            .conn
            .prepare("SELECT id, os_id, release, packages FROM host ORDER BY id")
            .map_err(&sq)?;
        let rows = stmt
            .query_map([], |r| {
                let json: String = r.get(3)?;
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    serde_json::from_str(&json).unwrap_or_default(),
                ))
            })
            .map_err(&sq)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(&sq)?;
        Ok(rows)
    }

    /// Sources, counts and import times.
    pub fn status(&self) -> Result<DbStatus, VulnDbError> {
        let sq = self.sq();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT s.name, s.kinds, s.imported_at, s.advisories, f.checked_at, f.url \
                 FROM source s LEFT JOIN feed f ON f.name = s.name ORDER BY s.name",
            )
            .map_err(&sq)?;
        let mut sources = stmt
            .query_map([], |r| {
                Ok(SourceStatus {
                    name: r.get(0)?,
                    kinds: r.get(1)?,
                    imported_at: r.get(2)?,
                    advisories: r.get(3)?,
                    releases: Vec::new(),
                    checked_at: r.get(4)?,
                    url: r.get(5)?,
                })
            })
            .map_err(&sq)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(&sq)?;
        let mut per = self
            .conn
            .prepare(
                "SELECT distro || ':' || release, COUNT(*) FROM advisory WHERE source = ?1 \
                 GROUP BY distro, release ORDER BY 1",
            )
            .map_err(&sq)?;
        for s in &mut sources {
            s.releases = per
                .query_map([&s.name], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(&sq)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(&sq)?;
        }
        let advisories = self
            .conn
            .query_row("SELECT COUNT(*) FROM advisory", [], |r| r.get(0))
            .optional()
            .map_err(&sq)?
            .unwrap_or(0);
        Ok(DbStatus {
            path: self.path.display().to_string(),
            sources,
            advisories,
        })
    }

    /// Whether any row covers a distro release (the release-less rows included).
    pub fn has_release(&self, os_id: &str, release: &str) -> Result<bool, VulnDbError> {
        let sq = self.sq();
        self.conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM advisory WHERE distro = ?1 \
                 AND (release = ?2 OR release = ''))",
                params![distro_key(os_id), release],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n != 0)
            .map_err(sq)
    }

    /// The rows for one package name in a distro release (and the release-less rows).
    pub fn advisories_for(
        &self,
        distro: &str,
        release: &str,
        package: &str,
    ) -> Result<Vec<Advisory>, VulnDbError> {
        let sq = self.sq();
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, aliases, distro, release, package, state, introduced, fixed, \
                 last_affected, severity, summary FROM advisory \
                 WHERE distro = ?1 AND package = ?2 AND (release = ?3 OR release = '')",
            )
            .map_err(&sq)?;
        let rows = stmt
            .query_map(params![distro, package, release], |r| {
                let aliases: String = r.get(1)?;
                let state: String = r.get(5)?;
                Ok(Advisory {
                    id: r.get(0)?,
                    aliases: aliases.split_whitespace().map(str::to_string).collect(),
                    distro: r.get(2)?,
                    release: r.get(3)?,
                    package: r.get(4)?,
                    state: FixState::parse(&state),
                    introduced: r.get(6)?,
                    fixed: r.get(7)?,
                    last_affected: r.get(8)?,
                    severity: r.get(9)?,
                    summary: r.get(10)?,
                })
            })
            .map_err(&sq)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(&sq)?;
        Ok(rows)
    }

    /// Matches installed packages of a distro release (os-release `ID` and the release key).
    /// An installed version at or after the fixed one is not vulnerable, whatever its upstream
    /// number (backports). Each (advisory id, package) pair is reported once.
    pub fn match_packages(
        &self,
        os_id: &str,
        release: &str,
        packages: &[Package],
    ) -> Result<Vec<VulnMatch>, VulnDbError> {
        let (scheme, on) = distro_rules(os_id);
        let distro = distro_key(os_id);
        let mut out: Vec<VulnMatch> = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        // one query per package name (many binary packages share a source)
        let mut cache: std::collections::HashMap<String, Vec<Advisory>> =
            std::collections::HashMap::new();
        for p in packages {
            let mut candidates: Vec<(&str, &str, bool)> = Vec::new();
            match on {
                MatchOn::Source => candidates.push((&p.source_name, &p.source_version, true)),
                MatchOn::Binary => candidates.push((&p.name, &p.version, false)),
            }
            for (name, version, is_source) in candidates {
                if !cache.contains_key(name) {
                    let rows = self.advisories_for(&distro, release, name)?;
                    cache.insert(name.to_string(), rows);
                }
                for a in cache.get(name).into_iter().flatten() {
                    if !is_affected(scheme, version, a) {
                        continue;
                    }
                    if !seen.insert((a.id.clone(), p.name.clone())) {
                        continue;
                    }
                    out.push(VulnMatch {
                        package: p.name.clone(),
                        installed: p.version.clone(),
                        source: is_source.then(|| p.source_name.clone()),
                        source_version: is_source.then(|| p.source_version.clone()),
                        advisory: a.clone(),
                    });
                }
            }
        }
        out.sort_by(|a, b| (&a.package, &a.advisory.id).cmp(&(&b.package, &b.advisory.id)));
        Ok(out)
    }
}

/// Matches some advisory rows (new ones, after an update) against a host's packages, with the
/// same rules as [`VulnDb::match_packages`].
pub fn match_rows(
    os_id: &str,
    release: &str,
    packages: &[Package],
    rows: &[Advisory],
) -> Vec<VulnMatch> {
    let (scheme, on) = distro_rules(os_id);
    let distro = distro_key(os_id);
    let mut by_pkg: std::collections::HashMap<&str, Vec<&Advisory>> =
        std::collections::HashMap::new();
    for a in rows {
        if a.distro == distro && (a.release == release || a.release.is_empty()) {
            by_pkg.entry(a.package.as_str()).or_default().push(a);
        }
    }
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for p in packages {
        let (name, version, is_source) = match on {
            MatchOn::Source => (&p.source_name, &p.source_version, true),
            MatchOn::Binary => (&p.name, &p.version, false),
        };
        for a in by_pkg.get(name.as_str()).into_iter().flatten() {
            if is_affected(scheme, version, a) && seen.insert((a.id.clone(), p.name.clone())) {
                out.push(VulnMatch {
                    package: p.name.clone(),
                    installed: p.version.clone(),
                    source: is_source.then(|| p.source_name.clone()),
                    source_version: is_source.then(|| p.source_version.clone()),
                    advisory: (*a).clone(),
                });
            }
        }
    }
    out
}

/// True when `installed` lies in the affected range of the row.
pub fn is_affected(scheme: VersionScheme, installed: &str, a: &Advisory) -> bool {
    if let Some(intro) = a.introduced.as_deref() {
        if intro != "0" && !intro.is_empty() && scheme.compare(installed, intro) == Ordering::Less {
            return false;
        }
    }
    match (a.fixed.as_deref(), a.last_affected.as_deref()) {
        (Some(f), _) => scheme.compare(installed, f) == Ordering::Less,
        (None, Some(la)) => scheme.compare(installed, la) != Ordering::Greater,
        (None, None) => a.state != FixState::Fixed,
    }
}

/// Reads a feed at a path whole: a file, a zip of OSV records or a directory of feed files.
/// Any document that cannot be read makes the whole feed an error naming it (the first few
/// are listed), so that a source is only ever replaced by a complete, valid feed.
pub fn parse_path(path: &Path) -> Result<ParsedFeed, VulnDbError> {
    let mut feed = ParsedFeed::default();
    let mut errors = Vec::new();
    collect_path(path, &mut feed, &mut errors)?;
    finish(&path.display().to_string(), feed, errors)
}

/// Reads a feed held in memory (a download): a zip, or one document, optionally gzipped.
pub fn parse_bytes(label: &str, bytes: &[u8]) -> Result<ParsedFeed, VulnDbError> {
    let mut feed = ParsedFeed::default();
    let mut errors = Vec::new();
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        collect_zip(label, bytes, &mut feed, &mut errors)?;
    } else {
        collect_document(label, bytes, &mut feed, &mut errors);
    }
    finish(label, feed, errors)
}

fn finish(
    label: &str,
    mut feed: ParsedFeed,
    errors: Vec<String>,
) -> Result<ParsedFeed, VulnDbError> {
    if !errors.is_empty() {
        let shown: Vec<&str> = errors.iter().take(3).map(String::as_str).collect();
        return Err(VulnDbError::Format {
            path: label.to_string(),
            reason: format!(
                "{} of {} document(s) could not be read, so nothing was imported: {}{}",
                errors.len(),
                feed.documents + errors.len(),
                shown.join("; "),
                if errors.len() > 3 { "; …" } else { "" }
            ),
        });
    }
    if feed.documents == 0 {
        return Err(VulnDbError::Format {
            path: label.to_string(),
            reason: "no feed documents found".to_string(),
        });
    }
    feed.kinds.sort();
    feed.kinds.dedup();
    Ok(feed)
}

/// Documents at most this large are read (a feed file, a zip entry).
const MAX_DOC: u64 = 512 << 20;
/// Zip entries at most (the OSV Debian archive holds ~60,000).
const MAX_ENTRIES: usize = 2_000_000;
/// Directory levels followed under an imported directory.
const MAX_DEPTH: usize = 16;

fn collect_path(
    path: &Path,
    feed: &mut ParsedFeed,
    errors: &mut Vec<String>,
) -> Result<(), VulnDbError> {
    collect_path_at(path, feed, errors, 0)
}

fn collect_path_at(
    path: &Path,
    feed: &mut ParsedFeed,
    errors: &mut Vec<String>,
    depth: usize,
) -> Result<(), VulnDbError> {
    use std::os::unix::fs::OpenOptionsExt;
    let io = |source| VulnDbError::Io {
        path: path.display().to_string(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        if depth >= MAX_DEPTH {
            return Err(VulnDbError::Format {
                path: path.display().to_string(),
                reason: format!("more than {MAX_DEPTH} directory levels"),
            });
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for e in entries {
            let name = e
                .file_name()
                .map(|n| n.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            let is_feed = [".json", ".xml", ".gz", ".zip"]
                .iter()
                .any(|s| name.ends_with(s));
            // a link inside an imported directory is not followed (loops, escapes)
            let Ok(m) = std::fs::symlink_metadata(&e) else {
                continue;
            };
            if m.is_dir() || (is_feed && m.is_file()) {
                if let Err(err) = collect_path_at(&e, feed, errors, depth + 1) {
                    errors.push(err.to_string());
                }
            }
        }
        return Ok(());
    }
    if !meta.is_file() {
        return Err(VulnDbError::Format {
            path: path.display().to_string(),
            reason: "not a regular file".to_string(),
        });
    }
    let mut bytes = Vec::new();
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(io)?
        .take(MAX_DOC + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    let label = path.display().to_string();
    if bytes.len() as u64 > MAX_DOC {
        return Err(VulnDbError::Format {
            path: label,
            reason: format!("larger than {MAX_DOC} bytes"),
        });
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return collect_zip(&label, &bytes, feed, errors);
    }
    collect_document(&label, &bytes, feed, errors);
    Ok(())
}

fn collect_zip(
    label: &str,
    bytes: &[u8],
    feed: &mut ParsedFeed,
    errors: &mut Vec<String>,
) -> Result<(), VulnDbError> {
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| VulnDbError::Format {
            path: label.to_string(),
            reason: format!("not a readable zip: {e}"),
        })?;
    if zip.len() > MAX_ENTRIES {
        return Err(VulnDbError::Format {
            path: label.to_string(),
            reason: format!("{} entries (more than {MAX_ENTRIES})", zip.len()),
        });
    }
    for i in 0..zip.len() {
        let mut f = match zip.by_index(i) {
            Ok(f) => f,
            Err(e) => {
                errors.push(format!("`{label}`: entry {i}: {e}"));
                continue;
            }
        };
        if f.is_dir() {
            continue;
        }
        let name = format!("{label}!{}", f.name());
        let mut buf = Vec::new();
        match (&mut f).take(MAX_DOC + 1).read_to_end(&mut buf) {
            Err(e) => {
                errors.push(format!("`{name}`: {e}"));
                continue;
            }
            Ok(n) if n as u64 > MAX_DOC => {
                errors.push(format!("`{name}`: larger than {MAX_DOC} bytes"));
                continue;
            }
            Ok(_) => {}
        }
        collect_document(&name, &buf, feed, errors);
    }
    Ok(())
}

/// Sniffs one document (gzip, then JSON or XML) and parses it into rows.
fn collect_document(label: &str, bytes: &[u8], feed: &mut ParsedFeed, errors: &mut Vec<String>) {
    let mut owned;
    let mut bytes = bytes;
    if bytes.starts_with(&[0x1f, 0x8b]) {
        owned = Vec::new();
        match flate2::read::GzDecoder::new(bytes)
            .take(MAX_DOC + 1)
            .read_to_end(&mut owned)
        {
            Err(e) => {
                errors.push(format!("`{label}`: bad gzip: {e}"));
                return;
            }
            Ok(n) if n as u64 > MAX_DOC => {
                errors.push(format!("`{label}`: expands to more than {MAX_DOC} bytes"));
                return;
            }
            Ok(_) => {}
        }
        bytes = &owned;
    }
    let text = String::from_utf8_lossy(bytes);
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    let result = parse_document(label, trimmed, &mut feed.kinds);
    match result {
        Ok(mut r) => {
            feed.documents += 1;
            feed.rows.append(&mut r);
        }
        Err(e) => errors.push(format!("`{label}`: {e}")),
    }
}

/// Parses one feed document (text already decompressed) into rows, noting its kind.
fn parse_document(
    label: &str,
    text: &str,
    kinds: &mut Vec<String>,
) -> Result<Vec<Advisory>, String> {
    if text.starts_with('<') {
        if text.contains("<oval_definitions") {
            kinds.push("oval".into());
            parse_oval(text, label)
        } else if text.contains("<updates") {
            kinds.push("updateinfo".into());
            parse_updateinfo(text)
        } else {
            Err("an XML document that is neither OVAL nor updateinfo".to_string())
        }
    } else {
        let v = feeds::parse_json(text).map_err(|e| format!("not JSON: {e}"))?;
        if v.get("affected").is_some() || v.get("schema_version").is_some() {
            kinds.push("osv".into());
            parse_osv(&v)
        } else if let Some(arr) = v.as_array() {
            kinds.push("osv".into());
            let mut all = Vec::new();
            for item in arr {
                all.append(&mut parse_osv(item)?);
            }
            Ok(all)
        } else {
            kinds.push("debian-tracker".into());
            parse_debian_tracker(&v)
        }
    }
}
