//! Pending security updates from the host's own package-manager metadata (HOST-02 with no
//! database imported, like lynis): apt's lists of the `*-security` suites and the `updateinfo`
//! that dnf and yum keep in their caches. Each result names the file it came from.

use crate::packages::{stanzas, Package};
use crate::rootfs::{self, Root};
use crate::version::VersionScheme;
use crate::vulndb::parse_updateinfo;
use std::collections::HashMap;
use std::io::Read;

/// apt's downloaded package lists.
pub const APT_LISTS: &str = "/var/lib/apt/lists";
/// dnf's and yum's caches (repository metadata, `updateinfo` among it).
pub const RPM_CACHES: &[&str] = &["/var/cache/dnf", "/var/cache/yum"];

/// A metadata file larger than this is not read (bookworm-security's `Packages` is 2.5 MB, a
/// distribution's whole `updateinfo` a few tens of MB).
const MAX_FILE: u64 = 256 << 20;
/// Directory levels searched under a cache directory (`/var/cache/yum/x86_64/2/amzn2-core/`).
const MAX_DEPTH: usize = 5;
/// Entries looked at in one cache walk.
const MAX_ENTRIES: usize = 20_000;

/// A security update the package manager knows of and the host has not installed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PendingUpdate {
    /// The installed package.
    pub package: String,
    pub installed: String,
    /// The newest version the security metadata offers.
    pub candidate: String,
    /// The metadata file it came from (inside the root).
    pub source: String,
    /// Advisory ids, when the metadata names them (updateinfo does, apt's lists do not).
    pub advisories: Vec<String>,
    /// Severity as the metadata words it, if it does.
    pub severity: Option<String>,
}

/// One metadata file read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MetadataSource {
    pub path: String,
    /// Unix seconds of the file's modification (when the package manager last refreshed it).
    pub modified: Option<i64>,
    /// Packages (apt) or security advisories (updateinfo) it lists.
    pub entries: usize,
}

/// What the metadata says.
#[derive(Debug, Default, Clone)]
pub struct Pending {
    pub sources: Vec<MetadataSource>,
    pub updates: Vec<PendingUpdate>,
    /// Metadata files that exist and could not be read: (path, reason).
    pub errors: Vec<(String, String)>,
}

/// Reads a metadata file, decompressing gzip; other compressions are reported, not guessed.
fn read_maybe_gz(root: &Root, path: &str) -> Result<Vec<u8>, String> {
    let lower = path.to_ascii_lowercase();
    for ext in [".xz", ".bz2", ".zst", ".lz4"] {
        if lower.ends_with(ext) {
            return Err(format!(
                "{ext} compression is not read (only plain and gzip)"
            ));
        }
    }
    let bytes = root
        .read_limited(path, MAX_FILE)
        .map_err(|e| e.to_string())?;
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        let n = flate2::read::GzDecoder::new(bytes.as_slice())
            .take(MAX_FILE + 1)
            .read_to_end(&mut out)
            .map_err(|e| format!("bad gzip: {e}"))?;
        if n as u64 > MAX_FILE {
            return Err(format!("expands to more than {MAX_FILE} bytes"));
        }
        return Ok(out);
    }
    Ok(bytes)
}

fn modified(root: &Root, path: &str) -> Option<i64> {
    let m = root.metadata(path).ok()?.modified().ok()?;
    let d = m.duration_since(std::time::UNIX_EPOCH).ok()?;
    i64::try_from(d.as_secs()).ok()
}

/// True for an apt list of a security suite's binary packages
/// (`…_dists_bookworm-security_main_binary-amd64_Packages`, `…_dists_buster_updates_…` of
/// `security.debian.org`, `security.ubuntu.com_…_dists_jammy-security_…`).
pub fn is_security_list(name: &str) -> bool {
    let base = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".xz"))
        .or_else(|| name.strip_suffix(".lz4"))
        .unwrap_or(name);
    base.ends_with("_Packages") && name.contains("_dists_") && name.contains("security")
}

/// Newest version of each binary package in a `Packages` index, per architecture.
pub fn parse_packages_index(text: &str) -> HashMap<(String, String), String> {
    let mut out: HashMap<(String, String), String> = HashMap::new();
    for (_, fields) in stanzas(text) {
        let get = |k: &str| {
            fields
                .iter()
                .find(|(f, _)| f.eq_ignore_ascii_case(k))
                .map(|(_, v)| v.as_str())
        };
        let (Some(name), Some(version)) = (get("Package"), get("Version")) else {
            continue;
        };
        let arch = get("Architecture").unwrap_or("all").to_string();
        let key = (name.to_string(), arch);
        match out.get(&key) {
            Some(v) if VersionScheme::Dpkg.compare(v, version).is_ge() => {}
            _ => {
                out.insert(key, version.to_string());
            }
        }
    }
    out
}

/// Pending security updates of dpkg packages from apt's lists.
fn apt(root: &Root, installed: &[Package], out: &mut Pending) {
    let Ok(names) = root.list_dir(APT_LISTS) else {
        return;
    };
    for name in names.iter().filter(|n| is_security_list(n)) {
        let path = rootfs::join(APT_LISTS, name);
        let text = match read_maybe_gz(root, &path) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                out.errors.push((path, e));
                continue;
            }
        };
        let index = parse_packages_index(&text);
        out.sources.push(MetadataSource {
            path: path.clone(),
            modified: modified(root, &path),
            entries: index.len(),
        });
        for p in installed {
            let candidates = [p.arch.as_str(), "all"];
            let best = candidates
                .iter()
                .filter_map(|a| index.get(&(p.name.clone(), (*a).to_string())))
                .max_by(|a, b| VersionScheme::Dpkg.compare(a, b));
            if let Some(v) = best {
                if VersionScheme::Dpkg.compare(&p.version, v).is_lt() {
                    out.updates.push(PendingUpdate {
                        package: p.name.clone(),
                        installed: p.version.clone(),
                        candidate: v.clone(),
                        source: path.clone(),
                        advisories: Vec::new(),
                        severity: None,
                    });
                }
            }
        }
    }
}

/// `updateinfo` files under a cache directory (bounded walk, links not followed).
fn updateinfo_files(root: &Root, dir: &str, depth: usize, seen: &mut usize, out: &mut Vec<String>) {
    if depth > MAX_DEPTH {
        return;
    }
    let Ok(names) = root.list_dir(dir) else {
        return;
    };
    for n in names {
        *seen += 1;
        if *seen > MAX_ENTRIES {
            return;
        }
        let path = rootfs::join(dir, &n);
        let Ok(real) = root.resolve_no_follow(&path) else {
            continue;
        };
        let Ok(meta) = std::fs::symlink_metadata(&real) else {
            continue;
        };
        if meta.is_dir() {
            updateinfo_files(root, &path, depth + 1, seen, out);
        } else if meta.is_file() && n.contains("updateinfo.xml") {
            out.push(path);
        }
    }
}

/// Pending security updates of rpm packages from dnf's and yum's cached `updateinfo`.
fn rpm(root: &Root, installed: &[Package], out: &mut Pending) {
    let mut files = Vec::new();
    let mut seen = 0;
    for dir in RPM_CACHES {
        updateinfo_files(root, dir, 0, &mut seen, &mut files);
    }
    let by_name: HashMap<&str, &Package> = installed.iter().map(|p| (p.name.as_str(), p)).collect();
    for path in files {
        let text = match read_maybe_gz(root, &path) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                out.errors.push((path, e));
                continue;
            }
        };
        let rows = match parse_updateinfo(&text) {
            Ok(r) => r,
            Err(e) => {
                out.errors.push((path, e));
                continue;
            }
        };
        let advisories: std::collections::BTreeSet<&str> =
            rows.iter().map(|r| r.id.as_str()).collect();
        out.sources.push(MetadataSource {
            path: path.clone(),
            modified: modified(root, &path),
            entries: advisories.len(),
        });
        // per installed package: the advisories whose fix it lacks, and the newest fix
        let mut per: HashMap<&str, PendingUpdate> = HashMap::new();
        for r in &rows {
            let (Some(p), Some(fixed)) = (by_name.get(r.package.as_str()), r.fixed.as_deref())
            else {
                continue;
            };
            if !VersionScheme::Rpm.compare(&p.version, fixed).is_lt() {
                continue;
            }
            let e = per.entry(p.name.as_str()).or_insert_with(|| PendingUpdate {
                package: p.name.clone(),
                installed: p.version.clone(),
                candidate: fixed.to_string(),
                source: path.clone(),
                advisories: Vec::new(),
                severity: None,
            });
            if VersionScheme::Rpm.compare(&e.candidate, fixed).is_lt() {
                e.candidate = fixed.to_string();
            }
            if !e.advisories.contains(&r.id) {
                e.advisories.push(r.id.clone());
            }
            let rank = |s: Option<&str>| crate::severity_of(s);
            if e.severity.is_none() || rank(r.severity.as_deref()) > rank(e.severity.as_deref()) {
                e.severity = r.severity.clone();
            }
        }
        let mut v: Vec<PendingUpdate> = per.into_values().collect();
        for u in &mut v {
            u.advisories.sort();
        }
        out.updates.extend(v);
    }
}

/// Reads the security metadata of the host's package managers and compares the installed
/// packages with it. When several files offer the same package, each is reported: they
/// name their source.
pub fn pending(root: &Root, installed: &[Package]) -> Pending {
    let mut out = Pending::default();
    apt(root, installed, &mut out);
    rpm(root, installed, &mut out);
    out.updates
        .sort_by(|a, b| (&a.package, &a.source).cmp(&(&b.package, &b.source)));
    out
}
