//! IAM Identity Center (SSO) as a source: the AWS CLI's token cache (`aws sso login` writes
//! it), refreshed with its refresh token when it has expired, and the role credentials the SSO
//! portal gives for an account and a role.
//!
//! The cache file is `~/.aws/sso/cache/<sha1>.json`, the SHA-1 (hex) of the `[sso-session]`
//! name, or of the start URL for a legacy profile, as the AWS CLI and the SDKs name it. Its
//! fields (camelCase): `accessToken`, `expiresAt` (RFC 3339; older CLIs wrote `…UTC`),
//! `refreshToken`, `clientId`, `clientSecret`, `registrationExpiresAt`, `region`, `startUrl`.

use std::path::{Path, PathBuf};

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};

use crate::credentials::Credentials;
use crate::profile::SsoSource;
use yagura_core::Secret;

/// Largest token cache file read.
const MAX_FILE: u64 = 64 * 1024;

/// The SSO portal and OIDC calls (the collector implements them with the SDK).
pub trait SsoApi {
    /// `sso:GetRoleCredentials` with the access token.
    fn role_credentials(
        &self,
        region: &str,
        access_token: &Secret,
        account_id: &str,
        role_name: &str,
    ) -> Result<Credentials, String>;
    /// `sso-oidc:CreateToken` with `grant_type=refresh_token`: a new access token (and maybe
    /// a new refresh token) and its lifetime.
    fn refresh_token(
        &self,
        region: &str,
        client_id: &str,
        client_secret: &Secret,
        refresh_token: &Secret,
    ) -> Result<RefreshedToken, String>;
}

/// What `CreateToken` returned.
#[derive(Debug, Clone)]
pub struct RefreshedToken {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    pub expires_in_seconds: i64,
}

/// Why no SSO credentials could be had.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SsoError {
    #[error("no SSO token for `{what}` in `{path}`: run `aws sso login{login}` first")]
    NotLoggedIn {
        what: String,
        path: String,
        login: String,
    },
    #[error(
        "the SSO token for `{what}` expired at {expired}{refresh}: run `aws sso login{login}`"
    )]
    Expired {
        what: String,
        expired: String,
        refresh: String,
        login: String,
    },
    #[error("SSO token cache `{path}` is not valid: {message}")]
    Corrupt { path: String, message: String },
    #[error("SSO token cache `{path}`: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("sso GetRoleCredentials for account `{account}` role `{role}`: {message}")]
    Portal {
        account: String,
        role: String,
        message: String,
    },
}

/// The token cache file's contents.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CachedToken {
    pub access_token: Secret,
    pub expires_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_expires_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_url: Option<String>,
    /// Fields of newer CLIs, kept as they were when the file is written back.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// An `expiresAt` value: RFC 3339, or the `2019-11-14T04:05:45UTC` form of older CLIs.
pub fn parse_expiry(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    s.parse::<Timestamp>().ok().or_else(|| {
        let bare = s.strip_suffix("UTC")?;
        format!("{bare}Z").parse::<Timestamp>().ok()
    })
}

/// Reads a token cache file's text.
pub fn parse_token(text: &str) -> Result<CachedToken, String> {
    serde_json::from_str(text).map_err(|e| crate::fsutil::json_error_text(&e))
}

/// The cache file of an SSO source in `dir` (`~/.aws/sso/cache`).
pub fn token_path(dir: &Path, s: &SsoSource) -> PathBuf {
    let key = s.session_name.as_deref().unwrap_or(&s.start_url);
    let digest = Sha1::digest(key.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    dir.join(format!("{hex}.json"))
}

fn login_hint(s: &SsoSource) -> String {
    match &s.session_name {
        Some(n) => format!(" --sso-session {n}"),
        None => String::new(),
    }
}

fn what(s: &SsoSource) -> String {
    s.session_name
        .clone()
        .unwrap_or_else(|| s.start_url.clone())
}

/// Reads the token; refreshes it through `api` when it has expired (or expires within
/// `margin`) and the cache holds a refresh token with a valid client registration, writing
/// the new token back (0600, atomically) as the CLI would.
pub fn access_token(
    dir: &Path,
    s: &SsoSource,
    api: &dyn SsoApi,
    now: Timestamp,
    margin: SignedDuration,
) -> Result<Secret, SsoError> {
    let path = token_path(dir, s);
    let p = path.display().to_string();
    let read = std::fs::File::open(&path).and_then(|f| {
        use std::io::Read;
        let mut text = String::new();
        f.take(MAX_FILE).read_to_string(&mut text)?;
        Ok(text)
    });
    let text = match read {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(SsoError::NotLoggedIn {
                what: what(s),
                path: p,
                login: login_hint(s),
            })
        }
        Err(source) => return Err(SsoError::Io { path: p, source }),
    };
    let mut token = parse_token(&text).map_err(|message| SsoError::Corrupt {
        path: p.clone(),
        message,
    })?;
    let expires = parse_expiry(&token.expires_at).ok_or_else(|| SsoError::Corrupt {
        path: p.clone(),
        message: "`expiresAt` is not a time".to_string(),
    })?;
    let usable = now.checked_add(margin).is_ok_and(|t| t < expires);
    if usable {
        return Ok(token.access_token);
    }
    let registration_valid = token
        .registration_expires_at
        .as_deref()
        .and_then(parse_expiry)
        .is_none_or(|t| t > now);
    let refresh = match (&token.refresh_token, &token.client_id, &token.client_secret) {
        (Some(r), Some(id), Some(secret)) if registration_valid => Some((r, id, secret)),
        _ => None,
    };
    let Some((refresh, client_id, client_secret)) = refresh else {
        return Err(SsoError::Expired {
            what: what(s),
            expired: expires.to_string(),
            refresh: String::new(),
            login: login_hint(s),
        });
    };
    let fresh = api
        .refresh_token(&s.region, client_id, client_secret, refresh)
        .map_err(|m| SsoError::Expired {
            what: what(s),
            expired: expires.to_string(),
            refresh: format!(" and could not be refreshed ({m})"),
            login: login_hint(s),
        })?;
    token.access_token = fresh.access_token;
    if let Some(r) = fresh.refresh_token {
        token.refresh_token = Some(r);
    }
    token.expires_at = now
        .checked_add(SignedDuration::from_secs(fresh.expires_in_seconds.max(0)))
        .unwrap_or(now)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let json = serde_json::to_vec(&token).map_err(|e| SsoError::Corrupt {
        path: p.clone(),
        message: e.to_string(),
    })?;
    crate::fsutil::write_private(&path, &json)
        .map_err(|source| SsoError::Io { path: p, source })?;
    Ok(token.access_token)
}

/// Role credentials for an SSO source.
pub fn role_credentials(
    dir: &Path,
    s: &SsoSource,
    api: &dyn SsoApi,
    now: Timestamp,
) -> Result<Credentials, SsoError> {
    let token = access_token(dir, s, api, now, SignedDuration::from_mins(1))?;
    api.role_credentials(&s.region, &token, &s.account_id, &s.role_name)
        .map_err(|message| SsoError::Portal {
            account: s.account_id.clone(),
            role: s.role_name.clone(),
            message,
        })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn cache_file_names_match_the_cli() {
        // The AWS CLI's documented example: sha1("my-sso") and sha1 of a start URL.
        let s = SsoSource {
            start_url: "https://my-sso-portal.awsapps.com/start".to_string(),
            region: "us-east-1".to_string(),
            account_id: "123456789012".to_string(),
            role_name: "Dev".to_string(),
            session_name: None,
        };
        let legacy = token_path(Path::new("/c"), &s);
        let hex = |k: &str| -> String {
            Sha1::digest(k.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        };
        assert_eq!(
            legacy,
            PathBuf::from(format!("/c/{}.json", hex(&s.start_url)))
        );
        // sha1("") is the well-known da39a3ee…: the digest is hex of SHA-1
        assert_eq!(hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    }

    #[test]
    fn expiry_forms() {
        let want: Timestamp = "2019-11-14T04:05:45Z".parse().unwrap();
        assert_eq!(parse_expiry("2019-11-14T04:05:45Z"), Some(want));
        assert_eq!(parse_expiry("2019-11-14T04:05:45UTC"), Some(want));
        assert_eq!(parse_expiry("2019-11-14T13:05:45+09:00"), Some(want));
        assert_eq!(parse_expiry("soon"), None);
    }
}
