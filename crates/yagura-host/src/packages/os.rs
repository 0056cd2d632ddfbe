//! `os-release` (`/etc/os-release`, else `/usr/lib/os-release`).

use crate::rootfs::{Root, RootError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The fields of os-release that yagura uses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsRelease {
    /// `ID`: `debian`, `ubuntu`, `amzn`, `rhel`, `alpine`, `mariner`, …
    pub id: String,
    /// `ID_LIKE`, split.
    pub id_like: Vec<String>,
    /// `VERSION_ID`: `12`, `2023`, `3.20.1`.
    pub version_id: String,
    pub version_codename: String,
    pub pretty_name: String,
}

impl OsRelease {
    /// Parses os-release text (shell-like `KEY=value`, quotes optional).
    pub fn parse(text: &str) -> OsRelease {
        let mut map = BTreeMap::new();
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('#') {
                continue;
            }
            let Some((k, v)) = line.split_once('=') else {
                continue;
            };
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .or_else(|| v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                .unwrap_or(v);
            map.insert(
                k.trim().to_string(),
                v.replace("\\\"", "\"").replace("\\\\", "\\"),
            );
        }
        let get = |k: &str| map.get(k).cloned().unwrap_or_default();
        OsRelease {
            id: get("ID").to_ascii_lowercase(),
            id_like: get("ID_LIKE")
                .split_whitespace()
                .map(str::to_ascii_lowercase)
                .collect(),
            version_id: get("VERSION_ID"),
            version_codename: get("VERSION_CODENAME"),
            pretty_name: get("PRETTY_NAME"),
        }
    }

    /// Reads `/etc/os-release`, falling back to `/usr/lib/os-release` when it is missing or
    /// names no `ID` (a copy that flattened the usual symlink into a file holding its target).
    pub fn read(root: &Root) -> Result<OsRelease, RootError> {
        match root.read_to_string("/etc/os-release") {
            Ok(t) => {
                let os = OsRelease::parse(&t);
                if !os.id.is_empty() {
                    return Ok(os);
                }
                match root.read_to_string("/usr/lib/os-release") {
                    Ok(t) => Ok(OsRelease::parse(&t)),
                    Err(_) => Ok(os),
                }
            }
            Err(e) if e.is_not_found() => Ok(OsRelease::parse(
                &root.read_to_string("/usr/lib/os-release")?,
            )),
            Err(e) => Err(e),
        }
    }

    /// The release as vulnerability feeds name it: `12` for Debian, `v3.20` for Alpine, `2023`
    /// for Amazon Linux, the major version for the RHEL family.
    pub fn release_key(&self) -> String {
        match self.id.as_str() {
            "alpine" => {
                let mut parts = self.version_id.split('.');
                match (parts.next(), parts.next()) {
                    (Some(a), Some(b)) => format!("v{a}.{b}"),
                    _ => format!("v{}", self.version_id),
                }
            }
            "debian" | "amzn" | "mariner" | "azurelinux" => self.version_id.clone(),
            "ubuntu" => self.version_id.clone(),
            _ => self
                .version_id
                .split('.')
                .next()
                .unwrap_or_default()
                .to_string(),
        }
    }
}
