//! Installed OS packages (HOST-01) and the OS release.

pub mod apk;
pub mod bdb;
pub mod dpkg;
pub mod os;
pub mod rpm;

use crate::rootfs::{Root, RootError};
use crate::version::VersionScheme;
use serde::{Deserialize, Serialize};

pub use os::OsRelease;

/// One installed package, with its source package as its distribution defines it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Package {
    pub name: String,
    /// The full version as the package manager orders it (`1:2.3-4`, `2.36-9+deb12u4`).
    pub version: String,
    pub arch: String,
    /// The source package (Debian `Source`, rpm `SOURCERPM` name, apk origin).
    pub source_name: String,
    /// The source package's version (Debian's own `Source: x (v)`, the rpm epoch with the
    /// source rpm's version-release).
    pub source_version: String,
}

/// Which database the packages came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DbKind {
    Dpkg,
    RpmSqlite,
    RpmBdb,
    Apk,
}

impl DbKind {
    pub fn scheme(self) -> VersionScheme {
        match self {
            DbKind::Dpkg => VersionScheme::Dpkg,
            DbKind::RpmSqlite | DbKind::RpmBdb => VersionScheme::Rpm,
            DbKind::Apk => VersionScheme::Apk,
        }
    }
}

/// An error reading a package database. Entries that could not be read are reported one by
/// one; the rest of the database is still returned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PackageError {
    #[error(transparent)]
    Root(#[from] RootError),
    #[error("`{path}`: entry {entry}: {reason}")]
    Entry {
        path: String,
        entry: usize,
        reason: String,
    },
    #[error("`{path}` is not a readable package database: {reason}")]
    Corrupt { path: String, reason: String },
}

/// The packages found under a root, the database read, and the problems met.
#[derive(Debug, Default, Serialize)]
pub struct PackageSet {
    pub db: Option<DbKind>,
    pub packages: Vec<Package>,
    #[serde(skip)]
    pub errors: Vec<PackageError>,
}

pub const DPKG_STATUS: &str = "/var/lib/dpkg/status";
pub const RPM_SQLITE: &str = "/var/lib/rpm/rpmdb.sqlite";
pub const RPM_SQLITE_USR: &str = "/usr/lib/sysimage/rpm/rpmdb.sqlite";
pub const RPM_BDB: &str = "/var/lib/rpm/Packages";
pub const APK_INSTALLED: &str = "/lib/apk/db/installed";

/// Reads the first package database found under the root (dpkg, rpm sqlite, rpm BerkeleyDB,
/// apk, in that order).
pub fn read_installed(root: &Root) -> PackageSet {
    type Reader = fn(&Root, &str) -> Result<(Vec<Package>, Vec<PackageError>), PackageError>;
    let candidates: [(&str, DbKind, Reader); 5] = [
        (DPKG_STATUS, DbKind::Dpkg, dpkg::read),
        (RPM_SQLITE, DbKind::RpmSqlite, rpm::read_sqlite),
        (RPM_SQLITE_USR, DbKind::RpmSqlite, rpm::read_sqlite),
        (RPM_BDB, DbKind::RpmBdb, rpm::read_bdb),
        (APK_INSTALLED, DbKind::Apk, apk::read),
    ];
    let mut set = PackageSet::default();
    for (path, kind, read) in candidates {
        if !root.exists(path) {
            continue;
        }
        match read(root, path) {
            Ok((mut packages, errs)) => {
                packages.sort();
                set.packages = packages;
                set.db = Some(kind);
                set.errors.extend(errs);
                break;
            }
            Err(e) => set.errors.push(e),
        }
    }
    set
}

/// Splits RFC 822-like stanzas (`Key: value` lines, continuation lines starting with a space,
/// stanzas separated by blank lines) as used by dpkg; yields (first line number, fields).
pub(crate) fn stanzas(text: &str) -> Vec<(usize, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let mut cur: Vec<(String, String)> = Vec::new();
    let mut start = 1;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            if !cur.is_empty() {
                out.push((start, std::mem::take(&mut cur)));
            }
            start = i + 2;
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(last) = cur.last_mut() {
                last.1.push('\n');
                last.1.push_str(line.trim());
            }
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            cur.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    if !cur.is_empty() {
        out.push((start, cur));
    }
    out
}
