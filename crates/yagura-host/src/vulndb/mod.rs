//! The offline vulnerability database (HOST-02): feeds imported by the user into a SQLite file
//! in the data directory, matched per distribution release on the package names and versions
//! with the distribution's own version ordering.
//!
//! Every feed is normalised into [`Advisory`] rows: one per (advisory, distro release, package,
//! affected range), each either fixed in a version, unfixed, or not to be fixed (won't fix).

mod feeds;

pub use feeds::{parse_debian_tracker, parse_osv, parse_oval, parse_updateinfo};

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
    /// Documents or records that could not be read, with the reason; the rest was imported.
    pub errors: Vec<String>,
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
}

impl SourceStatus {
    /// Whole days since the import at `now` (Unix seconds).
    pub fn age_days(&self, now: i64) -> i64 {
        (now - self.imported_at).max(0) / 86_400
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
        let conn = Connection::open(&path).map_err(sq)?;
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
    /// replaces its rows. A document that cannot be read is reported in the stats, not fatal.
    pub fn import(&mut self, path: &Path) -> Result<ImportStats, VulnDbError> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        let mut stats = ImportStats {
            source: name.clone(),
            ..ImportStats::default()
        };
        let mut rows = Vec::new();
        collect_path(path, &mut rows, &mut stats)?;
        if stats.documents == 0 {
            return Err(VulnDbError::Format {
                path: path.display().to_string(),
                reason: "no feed documents found".to_string(),
            });
        }
        stats.kinds.sort();
        stats.kinds.dedup();
        self.store(&name, &stats.kinds.join(","), &rows)?;
        stats.advisories = rows.len();
        Ok(stats)
    }

    /// Stores rows under a source, replacing the source's earlier rows.
    pub fn store(
        &mut self,
        source: &str,
        kinds: &str,
        rows: &[Advisory],
    ) -> Result<(), VulnDbError> {
        let path = self.path.display().to_string();
        let sq = |source| VulnDbError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(sq)?;
        tx.execute("DELETE FROM advisory WHERE source = ?1", [source])
            .map_err(sq)?;
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
            }
        }
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        tx.execute(
            "INSERT OR REPLACE INTO source (name, kinds, imported_at, advisories) VALUES (?1, ?2, ?3, ?4)",
            params![source, kinds, now, rows.len() as i64],
        )
        .map_err(sq)?;
        tx.commit().map_err(sq)
    }

    /// Sources, counts and import times.
    pub fn status(&self) -> Result<DbStatus, VulnDbError> {
        let sq = self.sq();
        let mut stmt = self
            .conn
            .prepare("SELECT name, kinds, imported_at, advisories FROM source ORDER BY name")
            .map_err(&sq)?;
        let mut sources = stmt
            .query_map([], |r| {
                Ok(SourceStatus {
                    name: r.get(0)?,
                    kinds: r.get(1)?,
                    imported_at: r.get(2)?,
                    advisories: r.get(3)?,
                    releases: Vec::new(),
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

/// Documents at most this large are read (a feed file, a zip entry).
const MAX_DOC: u64 = 512 << 20;

fn collect_path(
    path: &Path,
    rows: &mut Vec<Advisory>,
    stats: &mut ImportStats,
) -> Result<(), VulnDbError> {
    let io = |source| VulnDbError::Io {
        path: path.display().to_string(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
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
            if e.is_dir() || is_feed {
                if let Err(err) = collect_path(&e, rows, stats) {
                    stats.errors.push(err.to_string());
                }
            }
        }
        return Ok(());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(io)?
        .take(MAX_DOC)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    let label = path.display().to_string();
    if bytes.starts_with(b"PK\x03\x04") {
        return collect_zip(&label, &bytes, rows, stats);
    }
    collect_document(&label, &bytes, rows, stats);
    Ok(())
}

fn collect_zip(
    label: &str,
    bytes: &[u8],
    rows: &mut Vec<Advisory>,
    stats: &mut ImportStats,
) -> Result<(), VulnDbError> {
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| VulnDbError::Format {
            path: label.to_string(),
            reason: format!("not a readable zip: {e}"),
        })?;
    for i in 0..zip.len() {
        let mut f = match zip.by_index(i) {
            Ok(f) => f,
            Err(e) => {
                stats.errors.push(format!("`{label}`: entry {i}: {e}"));
                continue;
            }
        };
        if f.is_dir() {
            continue;
        }
        let name = format!("{label}!{}", f.name());
        let mut buf = Vec::new();
        if let Err(e) = (&mut f).take(MAX_DOC).read_to_end(&mut buf) {
            stats.errors.push(format!("`{name}`: {e}"));
            continue;
        }
        collect_document(&name, &buf, rows, stats);
    }
    Ok(())
}

/// Sniffs one document (gzip, then JSON or XML) and parses it into rows.
fn collect_document(label: &str, bytes: &[u8], rows: &mut Vec<Advisory>, stats: &mut ImportStats) {
    let mut owned;
    let mut bytes = bytes;
    if bytes.starts_with(&[0x1f, 0x8b]) {
        owned = Vec::new();
        if let Err(e) = flate2::read::GzDecoder::new(bytes)
            .take(MAX_DOC)
            .read_to_end(&mut owned)
        {
            stats.errors.push(format!("`{label}`: bad gzip: {e}"));
            return;
        }
        bytes = &owned;
    }
    let text = String::from_utf8_lossy(bytes);
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    stats.documents += 1;
    let result = if trimmed.starts_with('<') {
        if trimmed.contains("<oval_definitions") {
            stats.kinds.push("oval".into());
            parse_oval(trimmed, label)
        } else if trimmed.contains("<updates") {
            stats.kinds.push("updateinfo".into());
            parse_updateinfo(trimmed)
        } else {
            Err("an XML document that is neither OVAL nor updateinfo".to_string())
        }
    } else {
        match serde_json::from_str::<serde_json::Value>(trimmed) {
            Err(e) => Err(format!("not JSON: {e}")),
            Ok(v) => {
                if v.get("affected").is_some() || v.get("schema_version").is_some() {
                    stats.kinds.push("osv".into());
                    parse_osv(&v)
                } else if let Some(arr) = v.as_array() {
                    stats.kinds.push("osv".into());
                    let mut all = Vec::new();
                    for item in arr {
                        match parse_osv(item) {
                            Ok(mut r) => all.append(&mut r),
                            Err(e) => stats.errors.push(format!("`{label}`: {e}")),
                        }
                    }
                    Ok(all)
                } else {
                    stats.kinds.push("debian-tracker".into());
                    parse_debian_tracker(&v)
                }
            }
        }
    };
    match result {
        Ok(mut r) => rows.append(&mut r),
        Err(e) => stats.errors.push(format!("`{label}`: {e}")),
    }
}
