//! The folder walker of the rules and trail folders: hostile trees cannot make it hang, loop,
//! leave its root or lose the rest of a scan.
//!
//! - Symbolic links are followed only to a place inside the root (resolved), and each directory
//!   and file is visited once, however many links lead to it: a link loop or a rule reached
//!   through dozens of links is read once.
//! - Only regular files are listed. FIFOs, sockets and devices (a link to `/dev/zero`, a FIFO
//!   named `x.json`) are reported, never opened; [`open_regular`] re-checks the file it opened,
//!   without blocking, so that a file swapped for a FIFO between listing and opening is refused
//!   as well.
//! - An entry that cannot be read (a folder without permission) is reported, and the walk goes
//!   on with the rest.
//! - Budgets: at most [`Limits::max_depth`] levels and [`Limits::max_entries`] entries.

use std::collections::HashSet;
use std::fs::{File, Metadata};
use std::io;
use std::path::{Path, PathBuf};

/// Budgets of a walk.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_depth: usize,
    pub max_entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 64,
            max_entries: 10_000_000,
        }
    }
}

/// An entry that was not listed, and why.
#[derive(Debug, thiserror::Error)]
#[error("`{}`: {}", path.display(), self.reason())]
pub struct WalkError {
    pub path: PathBuf,
    pub why: Why,
    /// The I/O error behind it, when there is one.
    #[source]
    pub io: Option<io::Error>,
}

/// Why an entry was not listed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Why {
    #[error("cannot read")]
    CannotRead,
    #[error("cannot resolve")]
    CannotResolve,
    #[error("cannot read the folder")]
    CannotReadFolder,
    #[error("a link that cannot be followed")]
    BrokenLink,
    #[error("{0}, not read")]
    Special(FileKind),
    #[error("more than {0} entries: the rest is not listed")]
    TooMany(usize),
    #[error("a link out of the folder (to `{}`), not followed", .0.display())]
    LinkOut(PathBuf),
    #[error("deeper than {0} levels below the root, not read")]
    TooDeep(usize),
}

impl Why {
    /// The reason in Japanese (paths as they are).
    pub fn ja(&self) -> String {
        match self {
            Why::CannotRead => "読み取れません".to_string(),
            Why::CannotResolve => "実際のパスを解決できません".to_string(),
            Why::CannotReadFolder => "フォルダーを読み取れません".to_string(),
            Why::BrokenLink => "たどれないリンクです".to_string(),
            Why::Special(k) => format!("読み取りません({})", k.ja()),
            Why::TooMany(n) => {
                format!("エントリが {n} 個を超えたため、残りは一覧にしていません")
            }
            Why::LinkOut(to) => format!(
                "フォルダーの外 (`{}`) へのリンクのため、たどりません",
                to.display()
            ),
            Why::TooDeep(n) => format!("ルートから {n} 階層より深いため読み取りません"),
        }
    }
}

/// What a file system entry is, when it is not what the walk lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FileKind {
    #[error("a FIFO")]
    Fifo,
    #[error("a socket")]
    Socket,
    #[error("a device")]
    Device,
    #[error("a directory")]
    Directory,
    #[error("a regular file")]
    Regular,
    #[error("not a regular file")]
    Other,
}

impl FileKind {
    /// The kind in Japanese.
    pub fn ja(&self) -> &'static str {
        match self {
            FileKind::Fifo => "FIFO",
            FileKind::Socket => "ソケット",
            FileKind::Device => "デバイス",
            FileKind::Directory => "ディレクトリ",
            FileKind::Regular => "通常のファイル",
            FileKind::Other => "通常のファイルではない",
        }
    }
}

impl WalkError {
    fn new(path: &Path, why: Why) -> WalkError {
        WalkError {
            path: path.to_path_buf(),
            why,
            io: None,
        }
    }

    fn io(path: &Path, why: Why, e: io::Error) -> WalkError {
        WalkError {
            path: path.to_path_buf(),
            why,
            io: Some(e),
        }
    }

    /// Why, in English, with the I/O error's message when there is one.
    pub fn reason(&self) -> String {
        match &self.io {
            Some(e) => format!("{}: {e}", self.why),
            None => self.why.to_string(),
        }
    }

    /// Why, in Japanese, the system's message quoted.
    pub fn reason_ja(&self) -> String {
        match &self.io {
            Some(e) => format!("{}:「{e}」", self.why.ja()),
            None => self.why.ja(),
        }
    }
}

/// What a walk found: the regular files accepted by the name filter (sorted by path) and every
/// entry it could not list.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<PathBuf>,
    pub errors: Vec<WalkError>,
}

#[cfg(unix)]
fn identity(m: &Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

#[cfg(not(unix))]
fn identity(_m: &Metadata) -> (u64, u64) {
    (0, 0)
}

fn kind_name(m: &Metadata) -> FileKind {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = m.file_type();
        if t.is_fifo() {
            return FileKind::Fifo;
        }
        if t.is_socket() {
            return FileKind::Socket;
        }
        if t.is_char_device() || t.is_block_device() {
            return FileKind::Device;
        }
    }
    if m.is_dir() {
        FileKind::Directory
    } else if m.is_file() {
        FileKind::Regular
    } else {
        FileKind::Other
    }
}

/// Lists the regular files below `root` whose name `accept` takes (or `root` itself when it is
/// a file). `accept` also sees directory names (with `is_dir` true) and can leave them out.
pub fn walk(root: &Path, limits: &Limits, accept: &dyn Fn(&str, bool) -> bool) -> Walk {
    let mut out = Walk::default();
    let meta = match std::fs::metadata(root) {
        Ok(m) => m,
        Err(e) => {
            out.errors.push(WalkError::io(root, Why::CannotRead, e));
            return out;
        }
    };
    if !meta.is_dir() {
        if meta.is_file() {
            out.files.push(root.to_path_buf());
        } else {
            out.errors
                .push(WalkError::new(root, Why::Special(kind_name(&meta))));
        }
        return out;
    }
    let real_root = match std::fs::canonicalize(root) {
        Ok(r) => r,
        Err(e) => {
            out.errors.push(WalkError::io(root, Why::CannotResolve, e));
            return out;
        }
    };
    let mut seen_dirs: HashSet<(u64, u64)> = HashSet::new();
    let mut seen_files: HashSet<(u64, u64)> = HashSet::new();
    seen_dirs.insert(identity(&meta));
    let mut entries = 0usize;
    // (shown path, depth)
    let mut stack: Vec<(PathBuf, usize)> = vec![(root.to_path_buf(), 0)];
    while let Some((dir, depth)) = stack.pop() {
        let rd = match std::fs::read_dir(&dir) {
            Ok(rd) => rd,
            Err(e) => {
                out.errors
                    .push(WalkError::io(&dir, Why::CannotReadFolder, e));
                continue;
            }
        };
        for entry in rd {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    out.errors
                        .push(WalkError::io(&dir, Why::CannotReadFolder, e));
                    break;
                }
            };
            entries += 1;
            if entries > limits.max_entries {
                out.errors
                    .push(WalkError::new(root, Why::TooMany(limits.max_entries)));
                out.files.sort_by(|a, b| path_order(a, b));
                return out;
            }
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let lmeta = match std::fs::symlink_metadata(&path) {
                Ok(m) => m,
                Err(e) => {
                    out.errors.push(WalkError::io(&path, Why::CannotRead, e));
                    continue;
                }
            };
            let meta = if lmeta.file_type().is_symlink() {
                // follow only to a place inside the root
                let target = match std::fs::canonicalize(&path) {
                    Ok(t) => t,
                    Err(e) => {
                        out.errors.push(WalkError::io(&path, Why::BrokenLink, e));
                        continue;
                    }
                };
                if !target.starts_with(&real_root) {
                    out.errors.push(WalkError::new(&path, Why::LinkOut(target)));
                    continue;
                }
                match std::fs::metadata(&target) {
                    Ok(m) => m,
                    Err(e) => {
                        out.errors.push(WalkError::io(&path, Why::CannotRead, e));
                        continue;
                    }
                }
            } else {
                lmeta
            };
            if meta.is_dir() {
                if !accept(&name, true) {
                    continue;
                }
                if !seen_dirs.insert(identity(&meta)) {
                    continue; // a loop, or a folder reached twice
                }
                if depth + 1 > limits.max_depth {
                    out.errors
                        .push(WalkError::new(&path, Why::TooDeep(limits.max_depth)));
                    continue;
                }
                stack.push((path, depth + 1));
            } else if meta.is_file() {
                if accept(&name, false) && seen_files.insert(identity(&meta)) {
                    out.files.push(path);
                }
            } else if accept(&name, false) {
                out.errors
                    .push(WalkError::new(&path, Why::Special(kind_name(&meta))));
            }
        }
    }
    out.files.sort_by(|a, b| path_order(a, b));
    out
}

/// The order of [`Path`]'s `Ord` (component by component) for the paths of one walk, from
/// their bytes: they share the root's text and go on with names joined by single `/`, so a
/// separator only has to sort before every other byte. `Path`'s own comparison splits both
/// paths into components each time, which made sorting thousands of files cost as much as
/// reading a hundred of them.
#[cfg(unix)]
fn path_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    let (x, y) = (
        a.as_os_str().as_encoded_bytes(),
        b.as_os_str().as_encoded_bytes(),
    );
    let same = x
        .chunks(8)
        .zip(y.chunks(8))
        .take_while(|(p, q)| p == q)
        .count()
        * 8;
    let diff = same
        + x.get(same..)
            .unwrap_or_default()
            .iter()
            .zip(y.get(same..).unwrap_or_default())
            .take_while(|(p, q)| p == q)
            .count();
    // the end before a separator before any other byte
    let key = |s: &[u8]| {
        s.get(diff)
            .map(|&c| if c == b'/' { 0 } else { u16::from(c) + 1 })
    };
    key(x).cmp(&key(y))
}

#[cfg(not(unix))]
fn path_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    a.cmp(b)
}

/// Opens a file for reading only when it is a regular file, checked on the opened file and
/// without blocking on a FIFO (a file swapped for one since it was listed is refused too).
pub fn open_regular(path: &Path) -> io::Result<File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let f = opts.open(path)?;
    let m = f.metadata()?;
    if !m.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{}, not read", kind_name(&m)),
        ));
    }
    Ok(f)
}

/// Reads a whole regular file of at most `max` bytes as text.
pub fn read_text(path: &Path, max: usize) -> io::Result<String> {
    use std::io::Read;
    let f = open_regular(path)?;
    let mut buf = Vec::new();
    f.take(max as u64 + 1).read_to_end(&mut buf)?;
    if buf.len() > max {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("larger than {max} bytes, not read"),
        ));
    }
    String::from_utf8(buf).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Paths made as the walk makes them (a root, then names joined by `/`) sort as
        /// `Path`'s own order sorts them.
        #[test]
        fn path_order_is_paths_order(
            root in prop::sample::select(vec!["r", "r/", "./r", "/t/r", "r//s/"]),
            names in prop::collection::vec(
                prop::collection::vec(
                    "[ab._ -]{1,4}|a|a.json|a-b|.a".prop_filter("a name", |n| n != "." && n != ".."),
                    1..4,
                ),
                2..12,
            ),
        ) {
            let paths: Vec<PathBuf> = names
                .iter()
                .map(|n| n.iter().fold(PathBuf::from(root), |p, c| p.join(c)))
                .collect();
            for a in &paths {
                for b in &paths {
                    prop_assert_eq!(path_order(a, b), a.cmp(b), "{:?} {:?}", a, b);
                }
            }
        }
    }
}
