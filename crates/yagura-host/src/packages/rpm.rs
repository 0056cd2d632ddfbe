//! rpm databases: the sqlite backend (`rpmdb.sqlite`) and BerkeleyDB (`Packages`), both holding
//! rpm header blobs, parsed here directly (no librpm).

use super::{bdb, Package, PackageError};
use crate::rootfs::Root;

const TAG_NAME: u32 = 1000;
const TAG_VERSION: u32 = 1001;
const TAG_RELEASE: u32 = 1002;
const TAG_EPOCH: u32 = 1003;
const TAG_ARCH: u32 = 1022;
const TAG_SOURCERPM: u32 = 1044;

const TYPE_INT32: u32 = 4;
const TYPE_STRING: u32 = 6;
const TYPE_STRING_ARRAY: u32 = 8;
const TYPE_I18NSTRING: u32 = 9;

/// The fields of an rpm header that yagura uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RpmHeader {
    pub name: String,
    pub version: String,
    pub release: String,
    pub epoch: Option<u32>,
    pub arch: String,
    pub source_rpm: String,
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// Parses an rpm header blob as stored in the rpm databases: `il` and `dl` (big-endian), `il`
/// index entries of 16 bytes (tag, type, offset, count), then `dl` bytes of data. A blob that
/// starts with the header magic (`8e ad e8 01`) is accepted too.
pub fn parse_header(blob: &[u8]) -> Result<RpmHeader, String> {
    let blob = if blob.starts_with(&[0x8e, 0xad, 0xe8, 0x01]) {
        blob.get(8..).unwrap_or_default()
    } else {
        blob
    };
    let il = be32(blob, 0).ok_or("header shorter than 8 bytes")? as usize;
    let dl = be32(blob, 4).ok_or("header shorter than 8 bytes")? as usize;
    let index_end = il
        .checked_mul(16)
        .and_then(|n| n.checked_add(8))
        .ok_or("index count overflows")?;
    let data_end = index_end.checked_add(dl).ok_or("data length overflows")?;
    if il > 0x1_0000 || data_end > blob.len() {
        return Err(format!(
            "header declares {il} entries and {dl} data bytes but holds {} bytes",
            blob.len()
        ));
    }
    let data = blob.get(index_end..data_end).ok_or("data out of range")?;
    let mut h = RpmHeader::default();
    for i in 0..il {
        let at = 8 + i * 16;
        let (Some(tag), Some(ty), Some(off), Some(count)) = (
            be32(blob, at),
            be32(blob, at + 4),
            be32(blob, at + 8),
            be32(blob, at + 12),
        ) else {
            return Err(format!("index entry {i} truncated"));
        };
        let off = off as usize;
        let string = || -> Result<String, String> {
            if !matches!(ty, TYPE_STRING | TYPE_STRING_ARRAY | TYPE_I18NSTRING) {
                return Err(format!("tag {tag} has type {ty}, not a string"));
            }
            let rest = data
                .get(off..)
                .ok_or_else(|| format!("tag {tag} offset {off} out of range"))?;
            let end = rest
                .iter()
                .position(|c| *c == 0)
                .ok_or_else(|| format!("tag {tag} string not terminated"))?;
            Ok(String::from_utf8_lossy(rest.get(..end).unwrap_or_default()).into_owned())
        };
        match tag {
            TAG_NAME => h.name = string()?,
            TAG_VERSION => h.version = string()?,
            TAG_RELEASE => h.release = string()?,
            TAG_ARCH => h.arch = string()?,
            TAG_SOURCERPM => h.source_rpm = string()?,
            TAG_EPOCH => {
                if ty != TYPE_INT32 || count < 1 {
                    return Err(format!("epoch has type {ty}, not int32"));
                }
                h.epoch = Some(be32(data, off).ok_or("epoch offset out of range")?);
            }
            _ => {}
        }
    }
    if h.name.is_empty() || h.version.is_empty() {
        return Err("header without a name or version".to_string());
    }
    Ok(h)
}

/// Splits a source rpm file name `name-version-release.src.rpm` into (name, version-release).
pub fn split_source_rpm(srpm: &str) -> Option<(&str, &str)> {
    let base = srpm
        .strip_suffix(".src.rpm")
        .or_else(|| srpm.strip_suffix(".nosrc.rpm"))?;
    let (nv, _release) = base.rsplit_once('-')?;
    let (name, _version) = nv.rsplit_once('-')?;
    let vr = base.get(name.len() + 1..)?;
    Some((name, vr))
}

impl RpmHeader {
    /// `[epoch:]version-release`.
    pub fn evr(&self) -> String {
        match self.epoch {
            Some(e) if e != 0 => format!("{e}:{}-{}", self.version, self.release),
            _ => format!("{}-{}", self.version, self.release),
        }
    }

    pub fn to_package(&self) -> Package {
        let (source_name, source_vr) = match split_source_rpm(&self.source_rpm) {
            Some((n, vr)) => (n.to_string(), vr.to_string()),
            None => (
                self.name.clone(),
                format!("{}-{}", self.version, self.release),
            ),
        };
        let source_version = match self.epoch {
            Some(e) if e != 0 => format!("{e}:{source_vr}"),
            _ => source_vr,
        };
        Package {
            name: self.name.clone(),
            version: self.evr(),
            arch: self.arch.clone(),
            source_name,
            source_version,
        }
    }
}

fn collect(
    blobs: impl IntoIterator<Item = (usize, Vec<u8>)>,
    path: &str,
) -> (Vec<Package>, Vec<PackageError>) {
    let mut packages = Vec::new();
    let mut errors = Vec::new();
    for (entry, blob) in blobs {
        match parse_header(&blob) {
            Ok(h) if h.name == "gpg-pubkey" => {}
            Ok(h) => packages.push(h.to_package()),
            Err(reason) => errors.push(PackageError::Entry {
                path: path.to_string(),
                entry,
                reason,
            }),
        }
    }
    (packages, errors)
}

/// The largest rpm sqlite database read (a real one holds a few thousand headers, ~100 MB).
const MAX_SQLITE: u64 = 256 << 20;

/// Reads the sqlite rpm database (`Packages` table, `blob` column). The file is read through
/// the root (a regular file, resolved inside the root, bounded) and opened from memory,
/// read-only: no path or URI reaches sqlite, so a root whose path holds `#`, `%` or `?` reads
/// like any other, nothing outside the root can be opened, and a snapshot is never written. A
/// stale `-wal` beside a snapshot is ignored (as with `immutable=1`).
pub fn read_sqlite(
    root: &Root,
    path: &str,
) -> Result<(Vec<Package>, Vec<PackageError>), PackageError> {
    let mut bytes = root.read_limited(path, MAX_SQLITE)?;
    let corrupt = |e: rusqlite::Error| PackageError::Corrupt {
        path: path.to_string(),
        reason: e.to_string(),
    };
    if !bytes.starts_with(b"SQLite format 3\0") || bytes.len() < 100 {
        return Err(PackageError::Corrupt {
            path: path.to_string(),
            reason: "not an SQLite database".to_string(),
        });
    }
    // rpm keeps its database in WAL mode (header bytes 18 and 19 = 2); an in-memory copy must
    // say "rollback journal" (1) or sqlite refuses to read it
    for b in bytes.iter_mut().skip(18).take(2) {
        if *b == 2 {
            *b = 1;
        }
    }
    let mut conn = rusqlite::Connection::open_in_memory().map_err(corrupt)?;
    let len = bytes.len();
    conn.deserialize_read_exact(rusqlite::MAIN_DB, std::io::Cursor::new(bytes), len, true)
        .map_err(corrupt)?;
    let mut stmt = conn
        .prepare("SELECT hnum, blob FROM Packages ORDER BY hnum")
        .map_err(corrupt)?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))
        .map_err(corrupt)?;
    let mut blobs = Vec::new();
    let mut errors = Vec::new();
    for row in rows {
        match row {
            Ok((n, b)) => blobs.push((usize::try_from(n).unwrap_or(0), b)),
            Err(e) => errors.push(PackageError::Entry {
                path: path.to_string(),
                entry: blobs.len() + errors.len(),
                reason: e.to_string(),
            }),
        }
    }
    let (p, mut e) = collect(blobs, path);
    errors.append(&mut e);
    Ok((p, errors))
}

/// Reads the BerkeleyDB rpm database (`Packages`, hash format).
pub fn read_bdb(
    root: &Root,
    path: &str,
) -> Result<(Vec<Package>, Vec<PackageError>), PackageError> {
    let bytes = root.read(path)?;
    let values = bdb::hash_values(&bytes).map_err(|reason| PackageError::Corrupt {
        path: path.to_string(),
        reason,
    })?;
    // a value of 4 bytes or fewer is rpm's bookkeeping record, not a header
    let blobs = values
        .into_iter()
        .enumerate()
        .filter(|(_, v)| v.len() > 8)
        .collect::<Vec<_>>();
    Ok(collect(blobs, path))
}
