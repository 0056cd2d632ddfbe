//! Private files: written to a temporary file created 0600 from the start, synced, then
//! renamed over the target, so a reader sees the old or the new content and never a secret
//! readable by others.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::Path;

/// Replaces `path` with `bytes`, mode 0600, atomically.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let nanos = jiff::Timestamp::now().as_nanosecond();
    let tmp = dir.join(format!(".{name}.{}.{nanos}.tmp", std::process::id()));
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let result = (|| {
        let mut f = o.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Creates `dir` (and its parents) with mode 0700 where it is created.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// Whether a file is readable or writable by others than its owner.
pub fn insecure_mode(path: &Path) -> std::io::Result<Option<u32>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path)?.permissions().mode() & 0o777;
        Ok((mode & 0o077 != 0).then_some(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(None)
    }
}

/// Why a private JSON file could not be read.
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    /// Readable or writable by others (the mode).
    InsecureMode(u32),
    /// Not valid (a message without any value from the file).
    Corrupt(String),
}

/// Reads a private JSON file: `None` when it does not exist; refused when others may read it;
/// errors never quote its content.
pub fn read_private_json<T: serde::de::DeserializeOwned>(
    path: &Path,
) -> Result<Option<T>, ReadError> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(ReadError::Io(e)),
    };
    if let Some(mode) = insecure_mode(path).map_err(ReadError::Io)? {
        return Err(ReadError::InsecureMode(mode));
    }
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| ReadError::Corrupt(crate::fsutil::json_error_text(&e)))
}

/// A JSON error of a document that may hold secrets, without any value from it: serde's own
/// message quotes values (`invalid type: string "…"`), so only a missing field (its name is
/// ours) or the kind of problem and its position are kept.
pub fn json_error_text(e: &serde_json::Error) -> String {
    let m = e.to_string();
    if m.starts_with("missing field `") || m.starts_with("unknown field `") {
        // `missing field `X` at line 1 column 2`: the names are the format's, not values
        if let Some(name) = m.split('`').nth(1) {
            let what = if m.starts_with("missing") {
                "missing"
            } else {
                "unknown"
            };
            return format!(
                "{what} field `{name}` at line {} column {}",
                e.line(),
                e.column()
            );
        }
    }
    let kind = match e.classify() {
        serde_json::error::Category::Syntax => "not valid JSON",
        serde_json::error::Category::Eof => "the JSON ends early",
        serde_json::error::Category::Data => "a value has the wrong type",
        serde_json::error::Category::Io => "cannot be read",
    };
    format!("{kind} at line {} column {}", e.line(), e.column())
}
