//! Where the files are: the AWS config and credentials files as the AWS CLI finds them, and
//! the session cache in yagura's data directory.

use std::ffi::OsString;
use std::path::PathBuf;

/// The files the credential commands use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config: PathBuf,
    pub credentials: PathBuf,
    pub cache_dir: PathBuf,
    /// yagura's data directory (the key store's index lives there).
    pub data_dir: PathBuf,
    /// The AWS CLI's SSO token cache (`~/.aws/sso/cache`).
    pub sso_cache_dir: PathBuf,
}

/// Finds the paths from the environment (`env` is `std::env::var_os` in the binary):
/// `AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/…`; the cache in
/// `YAGURA_DATA_DIR`, else `$XDG_DATA_HOME/yagura`, else `~/.local/share/yagura`, under
/// `sessions/`; the SSO token cache in `~/.aws/sso/cache`. `None` when no home directory is known and a path depends on it.
pub fn default_paths(env: &dyn Fn(&str) -> Option<OsString>) -> Option<Paths> {
    let nonempty = |k: &str| env(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    let home = nonempty("HOME");
    let aws = |var: &str, file: &str| {
        nonempty(var).or_else(|| home.as_ref().map(|h| h.join(".aws").join(file)))
    };
    let data = nonempty("YAGURA_DATA_DIR")
        .or_else(|| nonempty("XDG_DATA_HOME").map(|d| d.join("yagura")))
        .or_else(|| home.as_ref().map(|h| h.join(".local/share/yagura")))?;
    Some(Paths {
        config: aws("AWS_CONFIG_FILE", "config")?,
        credentials: aws("AWS_SHARED_CREDENTIALS_FILE", "credentials")?,
        cache_dir: data.join("sessions"),
        sso_cache_dir: home.as_ref()?.join(".aws/sso/cache"),
        data_dir: data,
    })
}
