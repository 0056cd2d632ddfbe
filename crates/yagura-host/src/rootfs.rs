//! Reading files under a root directory without ever leaving it.
//!
//! `--root DIR` points at a mounted snapshot or an unpacked image: its symlinks are meant for
//! that system, so an absolute link `/etc/os-release -> /usr/lib/os-release` must resolve to
//! `DIR/usr/lib/os-release`, and `..` must stop at `DIR`. [`Root::resolve`] walks every path
//! component itself, interpreting links as if `DIR` were `/` (like `chroot`), so no path it
//! returns is outside the root.

use std::ffi::OsString;
use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Links followed in one resolution before giving up (the kernel's limit is 40).
const MAX_LINKS: usize = 40;

/// An error reading a file under the root.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RootError {
    #[error("cannot read `{path}`: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("too many levels of symbolic links resolving `{path}`")]
    TooManyLinks { path: String },
    #[error("`{path}` is larger than {limit} bytes")]
    TooLarge { path: String, limit: u64 },
    #[error("`{path}` is not a regular file ({kind}): not read")]
    NotRegular { path: String, kind: &'static str },
}

impl RootError {
    /// True when the file does not exist (callers often treat that as "not this distro").
    pub fn is_not_found(&self) -> bool {
        matches!(self, RootError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound)
    }
}

/// A root filesystem: `/` for the live host, or a directory.
#[derive(Debug, Clone)]
pub struct Root {
    dir: PathBuf,
}

impl Root {
    pub fn new(dir: impl Into<PathBuf>) -> Root {
        Root { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// True for the live system (`/`).
    pub fn is_live(&self) -> bool {
        self.dir == Path::new("/")
    }

    /// Resolves `path` (absolute inside the root, like `/etc/passwd`) to a real path inside the
    /// root, following symlinks as the system inside the root would see them. The last
    /// component is followed too when it is a link. A missing component ends the walk: the
    /// returned path then does not exist.
    pub fn resolve(&self, path: &str) -> Result<PathBuf, RootError> {
        let mut pending: Vec<OsString> = components(Path::new(path));
        pending.reverse();
        let mut stack: Vec<OsString> = Vec::new();
        let mut links = 0usize;
        while let Some(c) = pending.pop() {
            if c == ".." {
                stack.pop();
                continue;
            }
            if c == "." || c.is_empty() {
                continue;
            }
            let mut candidate = self.dir.clone();
            candidate.extend(stack.iter());
            candidate.push(&c);
            match fs::symlink_metadata(&candidate) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    links += 1;
                    if links > MAX_LINKS {
                        return Err(RootError::TooManyLinks {
                            path: path.to_string(),
                        });
                    }
                    let target = fs::read_link(&candidate).map_err(|source| RootError::Io {
                        path: path.to_string(),
                        source,
                    })?;
                    if target.is_absolute() {
                        stack.clear();
                    }
                    let mut t = components(&target);
                    t.reverse();
                    pending.extend(t);
                }
                Ok(_) => stack.push(c),
                Err(_) => {
                    // missing: keep the rest literally (it cannot exist either)
                    stack.push(c);
                    while let Some(rest) = pending.pop() {
                        if rest == ".." {
                            stack.pop();
                        } else if rest != "." && !rest.is_empty() {
                            stack.push(rest);
                        }
                    }
                }
            }
        }
        let mut out = self.dir.clone();
        out.extend(stack.iter());
        Ok(out)
    }

    /// Resolves a path inside the root like [`Root::resolve`], except that a last component
    /// that is a link is not followed (walkers look at links without entering them).
    pub fn resolve_no_follow(&self, path: &str) -> Result<PathBuf, RootError> {
        let p = Path::new(path);
        match (p.parent(), p.file_name()) {
            (Some(parent), Some(name)) if name != ".." => {
                let mut dir = self.resolve(&parent.to_string_lossy())?;
                dir.push(name);
                Ok(dir)
            }
            _ => self.resolve(path),
        }
    }

    /// Opens a regular file for reading. Anything else (a FIFO, a device such as `/dev/zero`,
    /// a socket, a directory) is refused without blocking: the file is opened non-blocking and
    /// without following a last link (the resolution already followed links inside the root),
    /// and its type is checked on the open descriptor.
    pub fn open_file(&self, path: &str) -> Result<fs::File, RootError> {
        use std::os::unix::fs::OpenOptionsExt;
        let real = self.resolve(path)?;
        let io = |source| RootError::Io {
            path: path.to_string(),
            source,
        };
        let meta = fs::symlink_metadata(&real).map_err(io)?;
        check_regular(path, &meta.file_type())?;
        let file = fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW | libc::O_NOCTTY)
            .open(&real)
            .map_err(io)?;
        let meta = file.metadata().map_err(io)?;
        check_regular(path, &meta.file_type())?;
        Ok(file)
    }

    /// Reads a whole regular file, at most `limit` bytes.
    pub fn read_limited(&self, path: &str, limit: u64) -> Result<Vec<u8>, RootError> {
        let io = |source| RootError::Io {
            path: path.to_string(),
            source,
        };
        let file = self.open_file(path)?;
        let mut buf = Vec::new();
        file.take(limit + 1).read_to_end(&mut buf).map_err(io)?;
        if buf.len() as u64 > limit {
            return Err(RootError::TooLarge {
                path: path.to_string(),
                limit,
            });
        }
        Ok(buf)
    }

    /// Reads a file (up to 256 MiB).
    pub fn read(&self, path: &str) -> Result<Vec<u8>, RootError> {
        self.read_limited(path, 256 << 20)
    }

    /// Reads a text file (invalid UTF-8 replaced).
    pub fn read_to_string(&self, path: &str) -> Result<String, RootError> {
        let bytes = self.read_limited(path, 64 << 20)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Metadata of a path (symlinks followed inside the root).
    pub fn metadata(&self, path: &str) -> Result<fs::Metadata, RootError> {
        let real = self.resolve(path)?;
        fs::metadata(&real).map_err(|source| RootError::Io {
            path: path.to_string(),
            source,
        })
    }

    /// True when the path exists inside the root.
    pub fn exists(&self, path: &str) -> bool {
        self.metadata(path).is_ok()
    }

    /// The names in a directory, sorted.
    pub fn list_dir(&self, path: &str) -> Result<Vec<String>, RootError> {
        let real = self.resolve(path)?;
        let io = |source| RootError::Io {
            path: path.to_string(),
            source,
        };
        let mut names = Vec::new();
        for entry in fs::read_dir(&real).map_err(io)? {
            let entry = entry.map_err(io)?;
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
        names.sort();
        Ok(names)
    }
}

fn check_regular(path: &str, t: &fs::FileType) -> Result<(), RootError> {
    use std::os::unix::fs::FileTypeExt;
    let kind = if t.is_file() {
        return Ok(());
    } else if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_symlink() {
        "a symbolic link"
    } else {
        "a special file"
    };
    Err(RootError::NotRegular {
        path: path.to_string(),
        kind,
    })
}

fn components(p: &Path) -> Vec<OsString> {
    p.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_os_string()),
            Component::ParentDir => Some(OsString::from("..")),
            _ => None,
        })
        .collect()
}

/// Joins a directory (inside the root) and a name.
pub fn join(dir: &str, name: &str) -> String {
    format!("{}/{}", dir.trim_end_matches('/'), name)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn symlinks_stay_inside_the_root() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("root");
        fs::create_dir_all(root.join("etc")).unwrap();
        fs::create_dir_all(root.join("usr/lib")).unwrap();
        fs::write(root.join("usr/lib/os-release"), "ID=inside\n").unwrap();
        fs::write(tmp.path().join("secret"), "outside").unwrap();
        std::os::unix::fs::symlink("/usr/lib/os-release", root.join("etc/os-release")).unwrap();
        std::os::unix::fs::symlink("../../../../../secret", root.join("etc/escape")).unwrap();
        std::os::unix::fs::symlink(tmp.path().join("secret"), root.join("etc/abs")).unwrap();
        std::os::unix::fs::symlink("loop", root.join("etc/loop")).unwrap();
        let r = Root::new(&root);
        assert_eq!(r.read_to_string("/etc/os-release").unwrap(), "ID=inside\n");
        assert!(r.read_to_string("/etc/escape").unwrap_err().is_not_found());
        assert!(r.resolve("/etc/escape").unwrap().starts_with(&root));
        assert!(r.read_to_string("/etc/abs").unwrap_err().is_not_found());
        assert!(r.resolve("/../../secret").unwrap().starts_with(&root));
        assert!(matches!(
            r.read("/etc/loop"),
            Err(RootError::TooManyLinks { .. })
        ));
    }
}
