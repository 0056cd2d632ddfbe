//! The session cache: one JSON file, mode 0600, replaced atomically, guarded by a
//! cross-process lock so that parallel callers prompt for an MFA code once.
//!
//! Layout in the cache directory (created 0700):
//! - `sessions.json`: cached credentials by [`CacheKey`], and the hashes of the one-time codes
//!   already used, each remembered until the session it opened expires;
//! - `sessions.lock`: the lock file (`File::lock`, an OS advisory lock released when the
//!   process dies, so a crashed caller never leaves the cache locked).
//!
//! Readers need no lock (the file is only ever replaced by `rename`); a miss takes the lock,
//! reads again (another caller may have just filled it), and only then asks for a code and
//! calls the closure.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::credentials::Credentials;
use crate::fsutil::ReadError;
use yagura_core::Secret;

const FILE: &str = "sessions.json";
const LOCK: &str = "sessions.lock";
const VERSION: u32 = 1;

/// A cache key: a SHA-256 over its parts, so that the file never holds an access key id or
/// an MFA serial in the clear.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CacheKey(String);

fn digest(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

impl CacheKey {
    /// A GetSessionToken session: identified by the source credentials' access key id and the
    /// MFA device, so every profile with the same source and device shares it.
    pub fn session(source_access_key_id: &str, mfa_serial: Option<&str>) -> CacheKey {
        CacheKey(digest(&[
            "session",
            source_access_key_id,
            mfa_serial.unwrap_or(""),
        ]))
    }

    /// Long-term source credentials themselves (the parent of a role assumed directly).
    pub fn source(source_access_key_id: &str) -> CacheKey {
        CacheKey(digest(&["source", source_access_key_id]))
    }

    /// Role credentials obtained from `parent`'s credentials.
    pub fn role(
        parent: &CacheKey,
        role_arn: &str,
        external_id: Option<&str>,
        session_name: Option<&str>,
    ) -> CacheKey {
        CacheKey(digest(&[
            "role",
            &parent.0,
            role_arn,
            external_id.unwrap_or(""),
            session_name.unwrap_or(""),
        ]))
    }

    /// The credentials a `credential_process` command printed (kept until they expire).
    pub fn process(command: &str) -> CacheKey {
        CacheKey(digest(&["process", command]))
    }

    /// SSO role credentials of an account and role, through a start URL.
    pub fn sso(start_url: &str, account_id: &str, role_name: &str) -> CacheKey {
        CacheKey(digest(&["sso", start_url, account_id, role_name]))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An MFA device and the one-time code typed for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MfaCode {
    pub serial: String,
    pub code: Secret,
}

/// Why the cache failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CacheError {
    #[error("session cache `{path}`: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("session cache `{path}` is not valid (remove it to start afresh): {message}")]
    Corrupt { path: String, message: String },
    #[error("session cache `{path}` has mode {mode:o}, readable by others; it must be 0600")]
    InsecureMode { path: String, mode: u32 },
}

/// Why [`SessionCache::get_or_fetch`] failed: the cache, a reused code, or the caller's error.
#[derive(Debug, thiserror::Error)]
pub enum FetchError<E> {
    #[error(transparent)]
    Cache(#[from] CacheError),
    #[error("this one-time code for MFA device `{serial}` was already used for a session; wait for the next code")]
    CodeReused { serial: String },
    #[error(transparent)]
    Source(E),
}

/// Whether the credentials came from the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance {
    Cached,
    Fetched,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    version: u32,
    #[serde(default)]
    entries: BTreeMap<CacheKey, Entry>,
    /// hash(serial, code) → remembered until
    #[serde(default)]
    used_codes: BTreeMap<String, Timestamp>,
    /// The caller's ARN per source (`sts:GetCallerIdentity`), for role session names.
    #[serde(default)]
    identities: BTreeMap<CacheKey, String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    credentials: Credentials,
    stored_at: Timestamp,
}

/// The cache directory.
#[derive(Debug, Clone)]
pub struct SessionCache {
    dir: PathBuf,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> CacheError + '_ {
    move |source| CacheError::Io {
        path: path.display().to_string(),
        source,
    }
}

impl SessionCache {
    /// Uses `dir`, creating it with mode 0700 if needed.
    pub fn open(dir: impl Into<PathBuf>) -> Result<SessionCache, CacheError> {
        let dir = dir.into();
        crate::fsutil::private_dir(&dir).map_err(io(&dir))?;
        Ok(SessionCache { dir })
    }

    pub fn file_path(&self) -> PathBuf {
        self.dir.join(FILE)
    }

    fn read(&self) -> Result<CacheFile, CacheError> {
        let path = self.file_path();
        let p = || path.display().to_string();
        let file: CacheFile = match crate::fsutil::read_private_json(&path) {
            Ok(Some(f)) => f,
            Ok(None) => {
                return Ok(CacheFile {
                    version: VERSION,
                    ..CacheFile::default()
                })
            }
            Err(ReadError::Io(e)) => return Err(io(&path)(e)),
            Err(ReadError::InsecureMode(mode)) => {
                return Err(CacheError::InsecureMode { path: p(), mode })
            }
            Err(ReadError::Corrupt(message)) => {
                return Err(CacheError::Corrupt { path: p(), message })
            }
        };
        if file.version != VERSION {
            return Err(CacheError::Corrupt {
                path: path.display().to_string(),
                message: format!(
                    "version {} is not supported (expected {VERSION})",
                    file.version
                ),
            });
        }
        Ok(file)
    }

    /// Replaces the cache file (0600, atomically).
    fn write(&self, file: &CacheFile) -> Result<(), CacheError> {
        let path = self.file_path();
        let json = serde_json::to_vec(file).map_err(|e| CacheError::Corrupt {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        crate::fsutil::write_private(&path, &json).map_err(io(&path))
    }

    fn lock(&self) -> Result<File, CacheError> {
        let path = self.dir.join(LOCK);
        let mut o = OpenOptions::new();
        o.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(0o600);
        }
        let f = o.open(&path).map_err(io(&path))?;
        f.lock().map_err(io(&path))?;
        Ok(f)
    }

    /// Cached credentials valid at `now` for at least `margin` more, without taking the lock.
    pub fn get(
        &self,
        key: &CacheKey,
        now: Timestamp,
        margin: SignedDuration,
    ) -> Result<Option<Credentials>, CacheError> {
        let file = self.read()?;
        Ok(file
            .entries
            .get(key)
            .filter(|e| e.credentials.valid_at(now, margin))
            .map(|e| e.credentials.clone()))
    }

    /// Cached credentials, or else — under the cross-process lock — a code from `code` (called
    /// at most once, and only on a miss), refused if already used, then `fetch`, whose result
    /// is stored. Ten parallel callers on a miss: one prompt, one fetch.
    pub fn get_or_fetch<E>(
        &self,
        key: &CacheKey,
        now: Timestamp,
        margin: SignedDuration,
        code: impl FnOnce() -> Result<Option<MfaCode>, E>,
        fetch: impl FnOnce(Option<&MfaCode>) -> Result<Credentials, E>,
    ) -> Result<(Credentials, Provenance), FetchError<E>> {
        if let Some(c) = self.get(key, now, margin)? {
            return Ok((c, Provenance::Cached));
        }
        let lock = self.lock()?;
        let mut file = self.read()?;
        if let Some(e) = file.entries.get(key) {
            if e.credentials.valid_at(now, margin) {
                return Ok((e.credentials.clone(), Provenance::Cached));
            }
        }
        let mfa = code().map_err(FetchError::Source)?;
        let code_hash = mfa
            .as_ref()
            .map(|m| digest(&["code", &m.serial, m.code.expose()]));
        if let Some(h) = &code_hash {
            if file.used_codes.get(h).is_some_and(|until| *until > now) {
                return Err(FetchError::CodeReused {
                    serial: mfa.map(|m| m.serial).unwrap_or_default(),
                });
            }
        }
        let creds = fetch(mfa.as_ref()).map_err(FetchError::Source)?;
        file.entries
            .retain(|_, e| e.credentials.valid_at(now, SignedDuration::ZERO));
        file.used_codes.retain(|_, until| *until > now);
        if let Some(h) = code_hash {
            let until = creds.expiration.unwrap_or_else(|| {
                now.checked_add(SignedDuration::from_hours(1))
                    .unwrap_or(now)
            });
            // at least the TOTP window, even for a session that expires sooner
            let floor = now.checked_add(SignedDuration::from_mins(5)).unwrap_or(now);
            file.used_codes.insert(h, until.max(floor));
        }
        file.entries.insert(
            key.clone(),
            Entry {
                credentials: creds.clone(),
                stored_at: now,
            },
        );
        self.write(&file)?;
        drop(lock);
        Ok((creds, Provenance::Fetched))
    }

    /// The caller's ARN remembered for `key` (a source).
    pub fn identity(&self, key: &CacheKey) -> Result<Option<String>, CacheError> {
        Ok(self.read()?.identities.get(key).cloned())
    }

    /// Remembers the caller's ARN for `key`.
    pub fn put_identity(&self, key: &CacheKey, arn: &str) -> Result<(), CacheError> {
        let _lock = self.lock()?;
        let mut file = self.read()?;
        file.identities.insert(key.clone(), arn.to_string());
        self.write(&file)
    }

    /// The cached entries with their expiry (`None`: long-term), for `creds list`.
    pub fn entries(&self) -> Result<Vec<(CacheKey, Option<Timestamp>)>, CacheError> {
        Ok(self
            .read()?
            .entries
            .iter()
            .map(|(k, e)| (k.clone(), e.credentials.expiration))
            .collect())
    }

    /// Removes one entry (`logout`).
    pub fn remove(&self, key: &CacheKey) -> Result<bool, CacheError> {
        let _lock = self.lock()?;
        let mut file = self.read()?;
        let had = file.entries.remove(key).is_some();
        if had {
            self.write(&file)?;
        }
        Ok(had)
    }

    /// Removes every cached credential (`logout --all`); the used-code memory is kept, so a
    /// code cannot be replayed after a logout.
    pub fn clear(&self) -> Result<usize, CacheError> {
        let _lock = self.lock()?;
        let mut file = self.read()?;
        let n = file.entries.len();
        file.entries.clear();
        self.write(&file)?;
        Ok(n)
    }

    /// Whether `code` was already used for a session with `serial` (and is still remembered).
    pub fn code_used(
        &self,
        serial: &str,
        code: &Secret,
        now: Timestamp,
    ) -> Result<bool, CacheError> {
        let file = self.read()?;
        let h = digest(&["code", serial, code.expose()]);
        Ok(file.used_codes.get(&h).is_some_and(|until| *until > now))
    }
}
