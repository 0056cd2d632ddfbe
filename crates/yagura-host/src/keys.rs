//! Long-lived AWS access keys on disk (HOST-06). Only the key id is reported, masked; the
//! secret is never read into a finding.

use crate::rootfs::Root;

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

/// The files looked at: AWS credential and config files of root and every home directory,
/// and environment files.
pub fn candidate_files(root: &Root) -> Vec<String> {
    let mut homes = vec!["/root".to_string()];
    if let Ok(names) = root.list_dir("/home") {
        homes.extend(names.into_iter().map(|n| format!("/home/{n}")));
    }
    let mut files = Vec::new();
    for h in &homes {
        for f in [
            ".aws/credentials",
            ".aws/config",
            ".bashrc",
            ".bash_profile",
            ".profile",
            ".zshrc",
            ".env",
        ] {
            files.push(format!("{h}/{f}"));
        }
    }
    files.push("/etc/environment".into());
    for dir in ["/etc/profile.d", "/etc/default", "/etc/systemd/system"] {
        if let Ok(names) = root.list_dir(dir) {
            files.extend(names.into_iter().map(|n| format!("{dir}/{n}")));
        }
    }
    files
}

/// Scans the candidate files; unreadable files are returned as (path, reason).
pub fn scan(root: &Root) -> (Vec<KeyHit>, Vec<(String, String)>) {
    let mut hits = Vec::new();
    let mut errors = Vec::new();
    for path in candidate_files(root) {
        match root.read_limited(&path, 4 << 20) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                for (line, masked_id) in find_key_ids(&text) {
                    hits.push(KeyHit {
                        path: path.clone(),
                        line,
                        masked_id,
                    });
                }
            }
            Err(e) if e.is_not_found() => {}
            Err(e) => {
                // directories in /etc/systemd/system and the like are not errors
                if root.metadata(&path).map(|m| m.is_file()).unwrap_or(false) {
                    errors.push((path, e.to_string()));
                }
            }
        }
    }
    (hits, errors)
}
