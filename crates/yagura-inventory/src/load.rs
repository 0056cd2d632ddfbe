use crate::{Inventory, SCHEMA_VERSION};
use std::path::Path;

/// A snapshot that could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    #[error("cannot read inventory `{path}`: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("inventory `{path}` is not valid at line {line}, column {column}: {message}")]
    Syntax {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("inventory `{path}` has schema version {found}; this yagura reads version {expected}")]
    Version {
        path: String,
        found: u64,
        expected: u32,
    },
}

/// Parses a snapshot; `origin` names the input in errors.
pub fn from_json(origin: &str, text: &str) -> Result<Inventory, LoadError> {
    // Check the version before the shape, so an old snapshot says so instead of a field error.
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
        let found = v.get("schema_version").and_then(|s| s.as_u64());
        if let Some(found) = found {
            if found != u64::from(SCHEMA_VERSION) {
                return Err(LoadError::Version {
                    path: origin.to_string(),
                    found,
                    expected: SCHEMA_VERSION,
                });
            }
        }
    }
    serde_json::from_str(text).map_err(|e| LoadError::Syntax {
        path: origin.to_string(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })
}

impl Inventory {
    pub fn empty(collected_at: &str) -> Inventory {
        Inventory {
            schema_version: SCHEMA_VERSION,
            collected_at: collected_at.to_string(),
            accounts: Vec::new(),
        }
    }

    /// Reads a snapshot file.
    pub fn load(path: &Path) -> Result<Inventory, LoadError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
            path: origin.clone(),
            source,
        })?;
        from_json(&origin, &text)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn corrupt_snapshot_names_file_and_position() {
        let err = from_json("inv.json", "{\"schema_version\": 1,\n \"accounts\": [}").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("inv.json"), "{msg}");
        assert!(msg.contains("line 2"), "{msg}");
    }

    #[test]
    fn wrong_version_is_named() {
        let err = from_json("inv.json", "{\"schema_version\": 99, \"accounts\": []}").unwrap_err();
        assert!(err.to_string().contains("schema version 99"));
    }

    #[test]
    fn round_trips() {
        let inv = Inventory::empty("2026-01-01T00:00:00Z");
        let text = serde_json::to_string(&inv).unwrap();
        assert_eq!(from_json("x", &text).unwrap(), inv);
    }
}
