//! `~/.aws/config` and `~/.aws/credentials`: parsing and resolving a profile chain.
//!
//! In the config file a profile is `[profile NAME]` (or `[default]`); in the credentials file
//! it is `[NAME]`. Keys of the same profile from both files merge; the credentials file wins
//! for keys in both (as in the AWS CLI). Sections such as `[sso-session x]` and
//! `[services x]` are kept out of the profile table. Indented lines under a key with an empty
//! value (`s3 =` followed by `  max_concurrent_requests = 10`) are nested settings: skipped.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use yagura_core::Secret;

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: usize,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// Why a file could not be parsed or a profile not resolved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    #[error("cannot read `{file}`: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error("{origin}: {message}")]
    Syntax { origin: Origin, message: String },
    #[error("profile `{0}` is not defined in the config or credentials file")]
    NotFound(String),
    #[error(
        "{origin}: profile `{profile}` refers to source profile `{missing}`, which is not defined"
    )]
    MissingSource {
        profile: String,
        missing: String,
        origin: Origin,
    },
    #[error("profile chain has a cycle: {}", chain.join(" -> "))]
    Cycle { chain: Vec<String> },
    #[error("profile `{0}` has no credentials: no `aws_access_key_id`/`aws_secret_access_key`, no `credential_process`, no `role_arn` with `source_profile`")]
    NoCredentials(String),
    #[error(
        "{origin}: profile `{profile}` sets `aws_access_key_id` without `aws_secret_access_key`"
    )]
    HalfKeys { profile: String, origin: Origin },
    #[error("{origin}: profile `{profile}` has `role_arn` but neither `source_profile` nor `credential_source`")]
    RoleWithoutSource { profile: String, origin: Origin },
    #[error("{origin}: `{key}` value `{value}` is not valid: {reason}")]
    BadValue {
        key: String,
        value: String,
        reason: String,
        origin: Origin,
    },
}

/// One key's value with its origin.
#[derive(Clone, PartialEq, Eq)]
pub struct Value {
    pub value: String,
    pub origin: Origin,
}

/// A profile's raw settings, merged from both files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawProfile {
    pub name: String,
    pub origin: Option<Origin>,
    keys: BTreeMap<String, Value>,
}

impl RawProfile {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.keys.get(key)
    }
    fn str(&self, key: &str) -> Option<String> {
        self.keys
            .get(key)
            .map(|v| v.value.clone())
            .filter(|s| !s.is_empty())
    }
}

// Secret values are never printed, even by the raw table's Debug.
impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Value(***, {})", self.origin)
    }
}

/// The profiles of both files.
#[derive(Debug, Clone, Default)]
pub struct AwsFiles {
    pub profiles: BTreeMap<String, RawProfile>,
    /// The `[sso-session NAME]` sections of the config file.
    pub sso_sessions: BTreeMap<String, RawProfile>,
    /// The profiles whose long-term keys are in yagura's key store (OS keyring or 0600 file):
    /// they take the place of keys in the credentials file.
    pub stored: std::collections::BTreeSet<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Config,
    Credentials,
}

fn parse_into(
    files: &mut AwsFiles,
    text: &str,
    file: &str,
    kind: Kind,
) -> Result<(), ProfileError> {
    let mut current: Option<String> = None;
    // an `[sso-session NAME]` section of the config file
    let mut session: Option<String> = None;
    let mut nested = false;
    for (i, raw_line) in text.lines().enumerate() {
        let origin = Origin {
            file: file.to_string(),
            line: i + 1,
        };
        let line = raw_line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if raw_line.starts_with([' ', '\t']) && nested {
            continue;
        }
        nested = false;
        if let Some(rest) = line.strip_prefix('[') {
            let Some(inner) = rest.strip_suffix(']') else {
                return Err(ProfileError::Syntax {
                    origin,
                    message: format!("section header `{line}` has no closing `]`"),
                });
            };
            let inner = inner.trim();
            session = match kind {
                Kind::Config => inner
                    .strip_prefix("sso-session ")
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty()),
                Kind::Credentials => None,
            };
            if let Some(s) = &session {
                files
                    .sso_sessions
                    .entry(s.clone())
                    .or_insert_with(|| RawProfile {
                        name: s.clone(),
                        origin: Some(origin.clone()),
                        ..RawProfile::default()
                    });
            }
            let name = match kind {
                Kind::Credentials => Some(inner.to_string()),
                Kind::Config => {
                    if inner == "default" {
                        Some("default".to_string())
                    } else {
                        // [sso-session x], [services x], or a bare [x] the CLI ignores.
                        inner.strip_prefix("profile ").map(|n| n.trim().to_string())
                    }
                }
            };
            if let Some(n) = &name {
                if n.is_empty() {
                    return Err(ProfileError::Syntax {
                        origin,
                        message: "empty profile name".to_string(),
                    });
                }
                let p = files
                    .profiles
                    .entry(n.clone())
                    .or_insert_with(|| RawProfile {
                        name: n.clone(),
                        ..RawProfile::default()
                    });
                if p.origin.is_none() || kind == Kind::Config {
                    p.origin = Some(origin);
                }
            }
            current = name;
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            return Err(ProfileError::Syntax {
                origin,
                // The line is not quoted: in a credentials file it may be a pasted secret.
                message: "expected `key = value` or `[section]` (the line is not shown, it may hold a secret)".to_string(),
            });
        };
        let key = k.trim().to_ascii_lowercase();
        let value = strip_inline_comment(v.trim()).to_string();
        if value.is_empty() {
            nested = true;
        }
        if let Some(s) = session.as_ref().and_then(|s| files.sso_sessions.get_mut(s)) {
            s.keys.insert(key, Value { value, origin });
            continue;
        }
        let Some(profile) = current.as_ref().and_then(|c| files.profiles.get_mut(c)) else {
            continue;
        };
        let replace = match profile.keys.get(&key) {
            // the credentials file wins over the config file
            Some(old) => kind == Kind::Credentials || old.origin.file == file,
            None => true,
        };
        if replace {
            profile.keys.insert(key, Value { value, origin });
        }
    }
    Ok(())
}

fn strip_inline_comment(v: &str) -> &str {
    // The AWS CLI treats ` #` / ` ;` after whitespace as a comment start.
    for (i, c) in v.char_indices() {
        if (c == '#' || c == ';') && v[..i].ends_with([' ', '\t']) {
            return v[..i].trim_end();
        }
    }
    v
}

impl AwsFiles {
    /// Parses the two files' texts; `config_name`/`credentials_name` name them in errors.
    pub fn parse(
        config: Option<(&str, &str)>,
        credentials: Option<(&str, &str)>,
    ) -> Result<AwsFiles, ProfileError> {
        let mut files = AwsFiles::default();
        if let Some((text, name)) = config {
            parse_into(&mut files, text, name, Kind::Config)?;
        }
        if let Some((text, name)) = credentials {
            parse_into(&mut files, text, name, Kind::Credentials)?;
        }
        Ok(files)
    }

    /// Reads the two files; a missing file counts as empty.
    pub fn load(config: &Path, credentials: &Path) -> Result<AwsFiles, ProfileError> {
        let read = |p: &Path| match std::fs::read_to_string(p) {
            Ok(t) => Ok(Some(t)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(ProfileError::Read {
                file: p.display().to_string(),
                source,
            }),
        };
        let c = read(config)?;
        let k = read(credentials)?;
        let cn = config.display().to_string();
        let kn = credentials.display().to_string();
        AwsFiles::parse(
            c.as_deref().map(|t| (t, cn.as_str())),
            k.as_deref().map(|t| (t, kn.as_str())),
        )
    }

    /// Resolves a profile into its source credentials and the roles to assume in order.
    pub fn resolve(&self, name: &str) -> Result<ResolvedProfile, ProfileError> {
        // a profile only in the key store (`yagura creds add NAME`) has no section
        let stored_only;
        let target = match self.profiles.get(name) {
            Some(p) => p,
            None if self.stored.contains(name) => {
                stored_only = RawProfile {
                    name: name.to_string(),
                    ..RawProfile::default()
                };
                &stored_only
            }
            None => return Err(ProfileError::NotFound(name.to_string())),
        };
        let mut chain = vec![name.to_string()];
        let mut roles = Vec::new();
        let mut current = target;
        let source = loop {
            // `yagura_role_arn`/`yagura_source_profile` (profiles written by `creds profiles
            // --write`, whose `credential_process` calls yagura) before the CLI's own keys
            let role_arn = current
                .str("yagura_role_arn")
                .or_else(|| current.str("role_arn"));
            let has_keys = current.get("aws_access_key_id").is_some();
            let stored = self.stored.contains(&current.name);
            let source_profile = current
                .str("yagura_source_profile")
                .or_else(|| current.str("source_profile"));
            // A profile with its own keys and a role whose source is itself: keys, then role.
            let self_source = source_profile.as_deref() == Some(current.name.as_str());
            if let Some(arn) = role_arn {
                roles.push(role_step(current, arn)?);
                if self_source && stored {
                    break Source::Stored {
                        profile: current.name.clone(),
                    };
                }
                if self_source && has_keys {
                    break static_keys(current)?;
                }
                if let Some(cs) = current.str("credential_source") {
                    break Source::CredentialSource(cs);
                }
                let Some(next) = source_profile else {
                    return Err(ProfileError::RoleWithoutSource {
                        profile: current.name.clone(),
                        origin: origin_of(current, "role_arn"),
                    });
                };
                if chain.contains(&next) {
                    chain.push(next);
                    return Err(ProfileError::Cycle { chain });
                }
                let Some(p) = self.profiles.get(&next) else {
                    if self.stored.contains(&next) {
                        chain.push(next.clone());
                        break Source::Stored { profile: next };
                    }
                    return Err(ProfileError::MissingSource {
                        profile: current.name.clone(),
                        missing: next,
                        origin: origin_of(current, "source_profile"),
                    });
                };
                chain.push(next);
                current = p;
                continue;
            }
            if let Some(sso) = self.sso_source(current)? {
                break sso;
            }
            if stored {
                break Source::Stored {
                    profile: current.name.clone(),
                };
            }
            if has_keys {
                break static_keys(current)?;
            }
            if let Some(cmd) = current.str("credential_process") {
                break Source::Process(cmd);
            }
            return Err(ProfileError::NoCredentials(current.name.clone()));
        };
        roles.reverse();
        let source_profile = chain.last().cloned().unwrap_or_default();
        let source_mfa = self
            .profiles
            .get(&source_profile)
            .and_then(|p| p.str("yagura_mfa_serial").or_else(|| p.str("mfa_serial")));
        let mfa_command = target
            .str("yagura_mfa_command")
            .or_else(|| target.str("mfa_process"))
            .or_else(|| {
                self.profiles
                    .get(&source_profile)
                    .and_then(|p| p.str("yagura_mfa_command").or_else(|| p.str("mfa_process")))
            });
        let region = chain
            .iter()
            .find_map(|n| self.profiles.get(n).and_then(|p| p.str("region")));
        Ok(ResolvedProfile {
            name: name.to_string(),
            chain,
            source,
            source_profile,
            mfa_serial: target
                .str("yagura_mfa_serial")
                .or_else(|| target.str("mfa_serial"))
                .or(source_mfa),
            mfa_command,
            roles,
            region,
        })
    }
}

impl AwsFiles {
    /// The SSO source of a profile: `sso_session` naming an `[sso-session]` section (the
    /// start URL and region there), or the legacy `sso_start_url`/`sso_region` in the profile;
    /// with `sso_account_id` and `sso_role_name`.
    fn sso_source(&self, p: &RawProfile) -> Result<Option<Source>, ProfileError> {
        let session_name = p.str("sso_session");
        let legacy_url = p.str("sso_start_url");
        if session_name.is_none() && legacy_url.is_none() {
            return Ok(None);
        }
        let missing = |key: &str| ProfileError::BadValue {
            key: key.to_string(),
            value: String::new(),
            reason: format!("profile `{}` uses SSO and needs `{key}`", p.name),
            origin: origin_of(p, "sso_session"),
        };
        let (start_url, region) = match &session_name {
            Some(s) => {
                let Some(sec) = self.sso_sessions.get(s) else {
                    return Err(ProfileError::BadValue {
                        key: "sso_session".to_string(),
                        value: s.clone(),
                        reason: "no `[sso-session NAME]` section of that name".to_string(),
                        origin: origin_of(p, "sso_session"),
                    });
                };
                (
                    sec.str("sso_start_url")
                        .ok_or_else(|| missing("sso_start_url"))?,
                    sec.str("sso_region").ok_or_else(|| missing("sso_region"))?,
                )
            }
            None => (
                legacy_url.unwrap_or_default(),
                p.str("sso_region").ok_or_else(|| missing("sso_region"))?,
            ),
        };
        Ok(Some(Source::Sso(SsoSource {
            start_url,
            region,
            account_id: p
                .str("sso_account_id")
                .ok_or_else(|| missing("sso_account_id"))?,
            role_name: p
                .str("sso_role_name")
                .ok_or_else(|| missing("sso_role_name"))?,
            session_name,
        })))
    }
}

fn origin_of(p: &RawProfile, key: &str) -> Origin {
    p.get(key)
        .map(|v| v.origin.clone())
        .or_else(|| p.origin.clone())
        .unwrap_or(Origin {
            file: String::new(),
            line: 0,
        })
}

fn static_keys(p: &RawProfile) -> Result<Source, ProfileError> {
    let Some(id) = p.str("aws_access_key_id") else {
        return Err(ProfileError::NoCredentials(p.name.clone()));
    };
    let Some(secret) = p.str("aws_secret_access_key") else {
        return Err(ProfileError::HalfKeys {
            profile: p.name.clone(),
            origin: origin_of(p, "aws_access_key_id"),
        });
    };
    Ok(Source::StaticKeys {
        access_key_id: id,
        secret_access_key: Secret::new(secret),
        session_token: p.str("aws_session_token").map(Secret::new),
    })
}

fn role_step(p: &RawProfile, role_arn: String) -> Result<RoleStep, ProfileError> {
    let duration_seconds = match p.get("duration_seconds") {
        None => None,
        Some(v) => match v.value.parse::<u32>() {
            Ok(d) if (900..=43_200).contains(&d) => Some(d),
            _ => {
                return Err(ProfileError::BadValue {
                    key: "duration_seconds".to_string(),
                    value: v.value.clone(),
                    reason: "expected seconds from 900 to 43200".to_string(),
                    origin: v.origin.clone(),
                })
            }
        },
    };
    if !role_arn.starts_with("arn:") || !role_arn.contains(":role/") {
        return Err(ProfileError::BadValue {
            key: "role_arn".to_string(),
            value: role_arn,
            reason: "expected `arn:PARTITION:iam::ACCOUNT:role/NAME`".to_string(),
            origin: origin_of(p, "role_arn"),
        });
    }
    Ok(RoleStep {
        profile: p.name.clone(),
        role_arn,
        mfa_serial: p.str("mfa_serial"),
        external_id: p.str("external_id"),
        role_session_name: p.str("role_session_name"),
        duration_seconds,
    })
}

/// Where the first credentials of a chain come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    StaticKeys {
        access_key_id: String,
        secret_access_key: Secret,
        session_token: Option<Secret>,
    },
    /// A `credential_process` command line.
    Process(String),
    /// IAM Identity Center (SSO): role credentials with the AWS CLI's cached token.
    Sso(SsoSource),
    /// Long-term keys in yagura's key store (`yagura creds add PROFILE`).
    Stored { profile: String },
    /// `credential_source = Environment | Ec2InstanceMetadata | EcsContainer`.
    CredentialSource(String),
}

/// An SSO profile's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoSource {
    pub start_url: String,
    pub region: String,
    pub account_id: String,
    pub role_name: String,
    /// The `[sso-session]` name; `None` for the legacy form (token cached by start URL).
    pub session_name: Option<String>,
}

/// One AssumeRole call of a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleStep {
    /// The profile that declares the role.
    pub profile: String,
    pub role_arn: String,
    pub mfa_serial: Option<String>,
    pub external_id: Option<String>,
    pub role_session_name: Option<String>,
    pub duration_seconds: Option<u32>,
}

/// A profile resolved to its source and its roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedProfile {
    pub name: String,
    /// The profile names from the target to the source.
    pub chain: Vec<String>,
    pub source: Source,
    /// The profile that holds the source credentials.
    pub source_profile: String,
    /// The MFA device: the target's `mfa_serial`, else the source profile's.
    pub mfa_serial: Option<String>,
    /// `yagura_mfa_command` (or `mfa_process`): a command that prints the code.
    pub mfa_command: Option<String>,
    /// The roles to assume, source side first.
    pub roles: Vec<RoleStep>,
    /// The first `region` along the chain from the target.
    pub region: Option<String>,
}
