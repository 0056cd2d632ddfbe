//! Long-term keys out of `~/.aws/credentials`: the OS keyring (Secret Service on Linux, the
//! Keychain on macOS, Credential Manager on Windows, through the `keyring` crate), or — asked
//! for explicitly — a 0600 file in yagura's data directory.
//!
//! `keys.json` (0600) in the data directory indexes the stored profiles: per profile the
//! backend, the access key id (not a secret; shown masked) and when it was added; for the
//! file backend, the secret key too. The keyring entry of a profile is service `yagura`,
//! user `aws:PROFILE`, and holds the secret access key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::fsutil::ReadError;
use yagura_core::Secret;

const INDEX: &str = "keys.json";
const VERSION: u32 = 1;
/// The keyring service name of yagura's entries.
pub const SERVICE: &str = "yagura";

/// Where a key is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// The OS keyring.
    Keyring,
    /// The 0600 file (the explicit fallback where no keyring is reachable).
    File,
}

impl Backend {
    pub fn parse(s: &str) -> Option<Backend> {
        match s {
            "keyring" => Some(Backend::Keyring),
            "file" => Some(Backend::File),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Keyring => "keyring",
            Backend::File => "file",
        }
    }
}

/// A stored key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredKey {
    pub access_key_id: String,
    pub secret_access_key: Secret,
}

/// A profile's line in the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexEntry {
    pub backend: Backend,
    pub access_key_id: String,
    pub added_at: Timestamp,
    /// Only for [`Backend::File`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    secret_access_key: Option<Secret>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Index {
    version: u32,
    #[serde(default)]
    profiles: BTreeMap<String, IndexEntry>,
}

/// Why the key store failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyStoreError {
    #[error("key store `{path}`: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("key store `{path}` is not valid: {message}")]
    Corrupt { path: String, message: String },
    #[error("key store `{path}` has mode {mode:o}, readable by others; it must be 0600")]
    InsecureMode { path: String, mode: u32 },
    #[error("the OS keyring is not reachable ({0}); keep the key in a 0600 file instead with `--backend file`")]
    KeyringUnavailable(String),
    #[error("the OS keyring has no key for profile `{0}` (it was removed outside yagura): add it again with `yagura creds add {0}`")]
    KeyringMissing(String),
    #[error("the OS keyring: {0}")]
    Keyring(String),
    #[error("`{0}` is not an access key id (AKIA… and 16 to 128 letters and digits)")]
    BadKeyId(String),
    #[error("the secret access key is empty")]
    EmptySecret,
}

/// Reads stored keys (the credential flow's view of the store).
pub trait KeyStore {
    fn get(&self, profile: &str) -> Result<Option<StoredKey>, KeyStoreError>;
}

/// The key store in a data directory.
#[derive(Debug, Clone)]
pub struct Keystore {
    dir: PathBuf,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> KeyStoreError + '_ {
    move |source| KeyStoreError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn keyring_err(e: keyring::Error) -> KeyStoreError {
    match e {
        keyring::Error::PlatformFailure(_) | keyring::Error::NoStorageAccess(_) => {
            KeyStoreError::KeyringUnavailable(e.to_string())
        }
        other => KeyStoreError::Keyring(other.to_string()),
    }
}

fn entry(profile: &str) -> Result<keyring::Entry, KeyStoreError> {
    keyring::Entry::new(SERVICE, &format!("aws:{profile}")).map_err(keyring_err)
}

/// Whether `id` looks like a long-term access key id (`AKIA` …).
pub fn valid_key_id(id: &str) -> bool {
    (16..=128).contains(&id.len())
        && id.starts_with("AKIA")
        && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// An access key id for display: the first four and last four characters.
pub fn mask_key_id(id: &str) -> String {
    let n = id.chars().count();
    if n <= 8 {
        return "*".repeat(n);
    }
    let head: String = id.chars().take(4).collect();
    let tail: String = id.chars().skip(n - 4).collect();
    format!("{head}{}{tail}", "*".repeat(n - 8))
}

impl Keystore {
    /// The store in `data_dir` (created 0700 when a key is added).
    pub fn new(data_dir: impl Into<PathBuf>) -> Keystore {
        Keystore {
            dir: data_dir.into(),
        }
    }

    pub fn index_path(&self) -> PathBuf {
        self.dir.join(INDEX)
    }

    fn read(&self) -> Result<Index, KeyStoreError> {
        let path = self.index_path();
        let p = || path.display().to_string();
        let index: Index = match crate::fsutil::read_private_json(&path) {
            Ok(Some(i)) => i,
            Ok(None) => {
                return Ok(Index {
                    version: VERSION,
                    ..Index::default()
                })
            }
            Err(ReadError::Io(e)) => return Err(io(&path)(e)),
            Err(ReadError::InsecureMode(mode)) => {
                return Err(KeyStoreError::InsecureMode { path: p(), mode })
            }
            Err(ReadError::Corrupt(message)) => {
                return Err(KeyStoreError::Corrupt { path: p(), message })
            }
        };
        if index.version != VERSION {
            return Err(KeyStoreError::Corrupt {
                path: path.display().to_string(),
                message: format!("version {} is not supported", index.version),
            });
        }
        Ok(index)
    }

    fn write(&self, index: &Index) -> Result<(), KeyStoreError> {
        let path = self.index_path();
        crate::fsutil::private_dir(&self.dir).map_err(io(&self.dir))?;
        let json = serde_json::to_vec_pretty(index).map_err(|e| KeyStoreError::Corrupt {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        crate::fsutil::write_private(&path, &json).map_err(io(&path))
    }

    /// The stored profiles with their index entries (no secret is read).
    pub fn list(&self) -> Result<Vec<(String, IndexEntry)>, KeyStoreError> {
        Ok(self
            .read()?
            .profiles
            .into_iter()
            .map(|(k, mut v)| {
                v.secret_access_key = None;
                (k, v)
            })
            .collect())
    }

    /// The names of the stored profiles.
    pub fn names(&self) -> Result<std::collections::BTreeSet<String>, KeyStoreError> {
        Ok(self.read()?.profiles.into_keys().collect())
    }

    /// Stores a key for `profile` in `backend`, replacing any earlier one (in either backend).
    pub fn add(
        &self,
        profile: &str,
        key: &StoredKey,
        backend: Backend,
        now: Timestamp,
    ) -> Result<(), KeyStoreError> {
        if !valid_key_id(&key.access_key_id) {
            return Err(KeyStoreError::BadKeyId(mask_key_id(&key.access_key_id)));
        }
        if key.secret_access_key.is_empty() {
            return Err(KeyStoreError::EmptySecret);
        }
        let mut index = self.read()?;
        let secret = match backend {
            Backend::Keyring => {
                entry(profile)?
                    .set_password(key.secret_access_key.expose())
                    .map_err(keyring_err)?;
                None
            }
            Backend::File => Some(key.secret_access_key.clone()),
        };
        let old = index.profiles.insert(
            profile.to_string(),
            IndexEntry {
                backend,
                access_key_id: key.access_key_id.clone(),
                added_at: now,
                secret_access_key: secret,
            },
        );
        self.write(&index)?;
        if old.is_some_and(|o| o.backend == Backend::Keyring) && backend == Backend::File {
            let _ = entry(profile).and_then(|e| e.delete_credential().map_err(keyring_err));
        }
        Ok(())
    }

    /// Removes `profile`'s key; whether there was one.
    pub fn remove(&self, profile: &str) -> Result<Option<IndexEntry>, KeyStoreError> {
        let mut index = self.read()?;
        let Some(old) = index.profiles.remove(profile) else {
            return Ok(None);
        };
        if old.backend == Backend::Keyring {
            match entry(profile)?.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => {}
                Err(e) => return Err(keyring_err(e)),
            }
        }
        self.write(&index)?;
        Ok(Some(IndexEntry {
            secret_access_key: None,
            ..old
        }))
    }
}

impl KeyStore for Keystore {
    fn get(&self, profile: &str) -> Result<Option<StoredKey>, KeyStoreError> {
        let index = self.read()?;
        let Some(e) = index.profiles.get(profile) else {
            return Ok(None);
        };
        let secret = match e.backend {
            Backend::File => e.secret_access_key.clone().unwrap_or_default(),
            Backend::Keyring => match entry(profile)?.get_password() {
                Ok(s) => Secret::new(s),
                Err(keyring::Error::NoEntry) => {
                    return Err(KeyStoreError::KeyringMissing(profile.to_string()))
                }
                Err(e) => return Err(keyring_err(e)),
            },
        };
        Ok(Some(StoredKey {
            access_key_id: e.access_key_id.clone(),
            secret_access_key: secret,
        }))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn masks_and_validates_key_ids() {
        let id = concat!("AKIA", "IOSFODNN7EXAMPLE");
        assert_eq!(mask_key_id(id), "AKIA************MPLE");
        assert!(valid_key_id(id));
        assert!(!valid_key_id("ASIAIOSFODNN7EXAMPLE"));
        assert!(!valid_key_id("AKIA short"));
    }

    /// The file backend end to end; the keyring backend with the `keyring` crate's mock
    /// (in-memory, one entry per `Entry` value, so only the calls are exercised here: the real
    /// Secret Service is tested by `crates/yagura/tests/cli_creds_keyring.rs` against
    /// gnome-keyring-daemon).
    #[test]
    fn file_backend_round_trip_and_mode() {
        let dir = tempfile::tempdir().unwrap();
        let ks = Keystore::new(dir.path().join("data"));
        let key = StoredKey {
            access_key_id: concat!("AKIA", "IOSFODNN7EXAMPLE").to_string(),
            secret_access_key: Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        };
        ks.add("dev", &key, Backend::File, Timestamp::UNIX_EPOCH)
            .unwrap();
        assert_eq!(ks.get("dev").unwrap(), Some(key.clone()));
        assert_eq!(ks.names().unwrap().len(), 1);
        let listed = ks.list().unwrap();
        assert!(listed[0].1.secret_access_key.is_none());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let m = std::fs::metadata(ks.index_path())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(m & 0o777, 0o600);
            std::fs::set_permissions(ks.index_path(), std::fs::Permissions::from_mode(0o644))
                .unwrap();
            assert!(matches!(
                ks.get("dev"),
                Err(KeyStoreError::InsecureMode { .. })
            ));
            std::fs::set_permissions(ks.index_path(), std::fs::Permissions::from_mode(0o600))
                .unwrap();
        }
        assert!(ks.remove("dev").unwrap().is_some());
        assert_eq!(ks.get("dev").unwrap(), None);
        assert!(matches!(
            ks.add(
                "x",
                &StoredKey {
                    access_key_id: "nope".into(),
                    secret_access_key: Secret::new("s")
                },
                Backend::File,
                Timestamp::UNIX_EPOCH
            ),
            Err(KeyStoreError::BadKeyId(_))
        ));
    }

    #[test]
    fn keyring_backend_through_the_crates_mock() {
        keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
        let dir = tempfile::tempdir().unwrap();
        let ks = Keystore::new(dir.path());
        let key = StoredKey {
            access_key_id: concat!("AKIA", "IOSFODNN7EXAMPLE").to_string(),
            secret_access_key: Secret::new("mock-secret"),
        };
        ks.add("dev", &key, Backend::Keyring, Timestamp::UNIX_EPOCH)
            .unwrap();
        // the secret is not in the index file
        let text = std::fs::read_to_string(ks.index_path()).unwrap();
        assert!(!text.contains("mock-secret"), "{text}");
        assert!(text.contains("\"keyring\""), "{text}");
        // the mock keeps nothing between `Entry` values: a read finds no entry, which the
        // store reports as a key removed outside yagura
        assert!(matches!(
            ks.get("dev"),
            Err(KeyStoreError::KeyringMissing(_))
        ));
        assert!(ks.remove("dev").unwrap().is_some());
    }
}
