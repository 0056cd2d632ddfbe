//! Long-lived AWS access keys on disk (HOST-06), where they are really left: the AWS files of
//! every user, `.env` and other environment files, shell histories, `.s3cfg`, `passwd-s3fs`,
//! crontabs, systemd units and drop-ins, container and tool configurations and application
//! configuration files. Only the key id is reported, masked; the secret is never read into a
//! finding.
//!
//! The search is a bounded walk of a few well-known trees (`/etc`, the home directories,
//! `/opt`, `/srv`, `/var/www`, the cron spools, Docker's container configurations): depth, file
//! size, file count and total bytes are limited, links to directories are never entered, links
//! to files are followed inside the root only, and special files (FIFOs, devices, sockets) are
//! never opened.

use crate::rootfs::{self, Root};
use std::collections::BTreeSet;

/// A long-lived access key id found in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyHit {
    pub path: String,
    pub line: usize,
    /// The key id, masked (`AKIA************WXYZ`).
    pub masked_id: String,
}

/// Finds long-lived key ids (`AKIA` + 16 of `[A-Z0-9]`, not inside a longer word) in text.
pub fn find_key_ids(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let b = line.as_bytes();
        let mut k = 0;
        while let Some(pos) = line.get(k..).and_then(|s| s.find("AKIA")) {
            let start = k + pos;
            let end = start + 20;
            let before_ok = start == 0 || !b.get(start - 1).is_some_and(u8::is_ascii_alphanumeric);
            let body_ok = b.get(start + 4..end).is_some_and(|s| {
                s.iter()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            });
            let after_ok = !b.get(end).is_some_and(u8::is_ascii_alphanumeric);
            if before_ok && body_ok && after_ok {
                if let Some(id) = line.get(start..end) {
                    out.push((i + 1, yagura_core::mask_key_id(id)));
                }
                k = end;
            } else {
                k = start + 4;
            }
        }
    }
    out
}

/// The limits of one key search.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Directory levels below each walked tree.
    pub depth: usize,
    /// Files larger than this are not read (a history or a config file is small).
    pub file_size: u64,
    /// Files read at most.
    pub files: usize,
    /// Bytes read at most, all files together.
    pub bytes: u64,
    /// Directory entries looked at, at most.
    pub entries: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            depth: 8,
            file_size: 4 << 20,
            files: 20_000,
            bytes: 256 << 20,
            entries: 200_000,
        }
    }
}

/// Files named like this are read wherever the walk meets them (a home directory, an
/// application's folder): AWS, environment, history, S3 tool and container files.
const KEY_FILE_NAMES: &[&str] = &[
    "credentials",
    "config",
    ".env",
    "environment",
    ".bash_history",
    ".zsh_history",
    ".sh_history",
    ".ash_history",
    ".history",
    "fish_history",
    ".python_history",
    ".mysql_history",
    ".psql_history",
    ".bashrc",
    ".bash_profile",
    ".bash_login",
    ".bash_aliases",
    ".profile",
    ".zshrc",
    ".zshenv",
    ".zprofile",
    ".s3cfg",
    "s3cfg",
    ".passwd-s3fs",
    "passwd-s3fs",
    ".boto",
    "boto.cfg",
    "rclone.conf",
    "config.json",
    "config.v2.json",
    "daemon.json",
    "docker-compose.yml",
    "docker-compose.yaml",
    "compose.yml",
    "compose.yaml",
    "Dockerfile",
    ".netrc",
    ".npmrc",
    ".pgpass",
    "crontab",
    "terraform.tfvars",
    ".terraformrc",
    "wp-config.php",
    "settings.py",
    "local_settings.py",
];

/// File name endings of environment, unit and configuration files.
const KEY_FILE_SUFFIXES: &[&str] = &[
    ".env",
    ".envrc",
    ".conf",
    ".cfg",
    ".cnf",
    ".ini",
    ".config",
    ".json",
    ".yml",
    ".yaml",
    ".toml",
    ".properties",
    ".xml",
    ".sh",
    ".service",
    ".timer",
    ".socket",
    ".tfvars",
    ".tfstate",
    ".php",
    ".rb",
    ".py",
    ".js",
    ".ts",
    "_history",
    "rc",
];

/// Directories never entered: caches, dependencies, version control, virtual filesystems.
const SKIP_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    ".cache",
    ".npm",
    ".cargo",
    ".rustup",
    ".m2",
    ".gradle",
    "site-packages",
    "dist-packages",
    "__pycache__",
    ".venv",
    "venv",
    ".local/lib",
    "proc",
    "sys",
    "dev",
    "overlay2",
    "image",
];

/// True for a file the search reads when a walk meets it.
pub fn is_candidate(name: &str, in_system_dir: bool) -> bool {
    if in_system_dir {
        // `/etc`, cron spools, systemd: every file is configuration
        return true;
    }
    let lower = name.to_ascii_lowercase();
    KEY_FILE_NAMES.contains(&name)
        || lower.starts_with(".env")
        || lower.ends_with(".env")
        || KEY_FILE_SUFFIXES.iter().any(|s| lower.ends_with(s))
}

/// The trees walked: (directory, every file is configuration, extra depth allowed).
fn trees(root: &Root) -> Vec<(String, bool)> {
    let mut homes: BTreeSet<String> = BTreeSet::new();
    homes.insert("/root".to_string());
    if let Ok(names) = root.list_dir("/home") {
        homes.extend(names.into_iter().map(|n| format!("/home/{n}")));
    }
    // home directories of /etc/passwd (service accounts under /var/lib, /srv, /opt)
    if let Ok(text) = root.read_to_string("/etc/passwd") {
        for line in text.lines().take(10_000) {
            if let Some(home) = line.split(':').nth(5) {
                let home = home.trim();
                if home.starts_with('/')
                    && home != "/"
                    && !home.starts_with("/nonexistent")
                    && !["/bin", "/sbin", "/usr/sbin", "/dev", "/proc", "/run"]
                        .iter()
                        .any(|p| home == *p || home.starts_with(&format!("{p}/")))
                {
                    homes.insert(home.trim_end_matches('/').to_string());
                }
            }
        }
    }
    let mut out: Vec<(String, bool)> = vec![
        ("/etc".to_string(), true),
        ("/var/spool/cron".to_string(), true),
        ("/usr/local/etc".to_string(), true),
        ("/run/systemd/system".to_string(), true),
        ("/opt".to_string(), false),
        ("/srv".to_string(), false),
        ("/var/www".to_string(), false),
        ("/var/lib/docker/containers".to_string(), false),
    ];
    out.extend(homes.into_iter().map(|h| (h, false)));
    out
}

/// What a search met.
#[derive(Debug, Default, Clone)]
pub struct KeySearch {
    pub hits: Vec<KeyHit>,
    /// Files that exist and could not be read, or limits reached: (path, reason).
    pub errors: Vec<(String, String)>,
    /// Files read.
    pub files: usize,
}

struct Walk<'a> {
    root: &'a Root,
    limits: Limits,
    seen: BTreeSet<(u64, u64)>,
    read_bytes: u64,
    entries: usize,
    out: KeySearch,
    stopped: bool,
}

impl Walk<'_> {
    fn stop(&mut self, path: &str, why: String) {
        if !self.stopped {
            self.stopped = true;
            self.out.errors.push((path.to_string(), why));
        }
    }

    fn file(&mut self, path: &str, size: u64, id: (u64, u64)) {
        if !self.seen.insert(id) {
            return;
        }
        if size > self.limits.file_size {
            return; // not a configuration file (logs, archives, databases)
        }
        if self.out.files >= self.limits.files {
            let n = self.limits.files;
            self.stop(path, format!("the key search stopped after {n} files"));
            return;
        }
        if self.read_bytes + size > self.limits.bytes {
            let n = self.limits.bytes;
            self.stop(path, format!("the key search stopped after {n} bytes"));
            return;
        }
        match self.root.read_limited(path, self.limits.file_size) {
            Ok(bytes) => {
                self.out.files += 1;
                self.read_bytes += bytes.len() as u64;
                if !bytes.windows(4).any(|w| w == b"AKIA") {
                    return;
                }
                let text = String::from_utf8_lossy(&bytes);
                for (line, masked_id) in find_key_ids(&text) {
                    self.out.hits.push(KeyHit {
                        path: path.to_string(),
                        line,
                        masked_id,
                    });
                }
            }
            Err(e) if e.is_not_found() => {}
            Err(crate::rootfs::RootError::TooLarge { .. }) => {}
            Err(e) => self.out.errors.push((path.to_string(), e.to_string())),
        }
    }

    fn dir(&mut self, dir: &str, system: bool, depth: usize) {
        if self.stopped || depth > self.limits.depth {
            return;
        }
        let Ok(names) = self.root.list_dir(dir) else {
            return;
        };
        for n in names {
            self.entries += 1;
            if self.entries > self.limits.entries {
                let max = self.limits.entries;
                self.stop(dir, format!("the key search stopped after {max} entries"));
                return;
            }
            let path = rootfs::join(dir, &n);
            let Ok(real) = self.root.resolve_no_follow(&path) else {
                continue;
            };
            let Ok(lmeta) = std::fs::symlink_metadata(&real) else {
                continue;
            };
            use std::os::unix::fs::MetadataExt;
            if lmeta.is_dir() {
                if SKIP_DIRS.contains(&n.as_str()) {
                    continue;
                }
                if self.seen.insert((lmeta.dev(), lmeta.ino())) {
                    self.dir(&path, system, depth + 1);
                }
            } else if lmeta.is_file() || lmeta.file_type().is_symlink() {
                if !is_candidate(&n, system) {
                    continue;
                }
                // a link to a file is followed inside the root; a link to a directory is not
                let Ok(meta) = self.root.metadata(&path) else {
                    continue;
                };
                if meta.is_file() {
                    self.file(&path, meta.len(), (meta.dev(), meta.ino()));
                }
            }
            // FIFOs, sockets, devices: never opened
        }
    }
}

/// Searches the root for long-lived AWS keys within `limits`.
pub fn search(root: &Root, limits: Limits) -> KeySearch {
    let mut w = Walk {
        root,
        limits,
        seen: BTreeSet::new(),
        read_bytes: 0,
        entries: 0,
        out: KeySearch::default(),
        stopped: false,
    };
    for (dir, system) in trees(root) {
        // a home directory inside a tree already walked is walked again only if not seen
        w.dir(&dir, system, 0);
    }
    w.out
        .hits
        .sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    w.out
}

/// Scans the root with the default limits; unreadable files are returned as (path, reason).
pub fn scan(root: &Root) -> (Vec<KeyHit>, Vec<(String, String)>) {
    let s = search(root, Limits::default());
    (s.hits, s.errors)
}
