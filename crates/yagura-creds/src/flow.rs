//! The whole credential flow for a profile, with the STS calls behind the [`Sts`] trait:
//! resolve the profile → the cached MFA session (GetSessionToken, one prompt) → each role of
//! the chain (AssumeRole, cached) → credentials.
//!
//! When the first role asks for more than the hour a role session from a session may last,
//! the role is assumed directly with the long-term keys and a fresh MFA code instead.

use jiff::{SignedDuration, Timestamp};

use std::path::PathBuf;

use crate::cache::{CacheError, CacheKey, FetchError, MfaCode, Provenance, SessionCache};
use crate::credentials::Credentials;
use crate::duration::{plan_role_session, DurationError, Strategy};
use crate::keystore::{KeyStore, KeyStoreError};
use crate::process::ProcessError;
use crate::profile::{AwsFiles, ProfileError, ResolvedProfile, Source};
use crate::sso::{SsoApi, SsoError};
use yagura_core::Secret;

/// One AssumeRole call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRoleRequest {
    pub role_arn: String,
    pub role_session_name: String,
    pub external_id: Option<String>,
    pub duration_seconds: u32,
    /// Set for a direct AssumeRole with MFA (`SerialNumber`, `TokenCode`).
    pub mfa: Option<MfaCode>,
}

/// The STS calls, implemented by the collector with the SDK (or by a fake in tests).
pub trait Sts {
    type Error: std::fmt::Display;
    /// `GetSessionToken` signed with `source`, with `SerialNumber`/`TokenCode` when `mfa` is set.
    fn get_session_token(
        &self,
        source: &Credentials,
        mfa: Option<&MfaCode>,
        duration_seconds: u32,
    ) -> Result<Credentials, Self::Error>;
    /// `AssumeRole` signed with `with`.
    fn assume_role(
        &self,
        with: &Credentials,
        request: &AssumeRoleRequest,
    ) -> Result<Credentials, Self::Error>;
    /// The ARN `GetCallerIdentity` gives for `with`, for role session names; `None` when it
    /// cannot be had (the role session is then named after
    /// [`FlowOptions::default_role_session_name`]).
    fn caller_arn(&self, with: &Credentials) -> Option<String> {
        let _ = with;
        None
    }
}

/// What the flow reads besides the AWS files: the key store, the SSO portal and the AWS
/// CLI's SSO token cache.
#[derive(Default)]
pub struct FlowEnv<'a> {
    pub keys: Option<&'a dyn KeyStore>,
    pub sso: Option<&'a dyn SsoApi>,
    /// `~/.aws/sso/cache`.
    pub sso_cache_dir: Option<PathBuf>,
}

/// Settings of one flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowOptions {
    /// GetSessionToken duration (900–129600 s; AWS's default is 43200).
    pub session_duration_seconds: u32,
    /// Overrides the profile's `duration_seconds` for the roles.
    pub role_duration_seconds: Option<u32>,
    /// Used when the profile has no `role_session_name` and the caller's identity cannot be
    /// had (or `session_name_from_identity` is off).
    pub default_role_session_name: String,
    /// Name role sessions after the caller (`user/alice` → `alice`), as CloudTrail then shows
    /// who assumed the role.
    pub session_name_from_identity: bool,
    /// Cached credentials are used only with at least this much time left.
    pub min_remaining: SignedDuration,
}

impl Default for FlowOptions {
    fn default() -> Self {
        FlowOptions {
            session_duration_seconds: 43_200,
            role_duration_seconds: None,
            default_role_session_name: "yagura".to_string(),
            session_name_from_identity: true,
            min_remaining: SignedDuration::from_mins(5),
        }
    }
}

/// Why the flow failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FlowError<E: std::fmt::Display> {
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    Cache(#[from] CacheError),
    #[error(transparent)]
    Duration(#[from] DurationError),
    #[error("this one-time code for MFA device `{serial}` was already used for a session; wait for the next code")]
    CodeReused { serial: String },
    #[error("MFA code for `{serial}`: {message}")]
    Code { serial: String, message: String },
    #[error("profile `{profile}` gets its source credentials from {what}, which yagura does not support")]
    Unsupported { profile: String, what: String },
    #[error("MFA device `{serial}` is a FIDO security key: STS accepts only one-time codes (GetSessionToken, AssumeRole), which a FIDO key does not give. Register a virtual MFA app or a TOTP hardware token (a YubiKey's OATH applet: `yagura_mfa_command = ykman oath accounts code -s NAME`) for the user and set `mfa_serial` to it; the FIDO key keeps working for the console")]
    FidoDevice { serial: String },
    #[error(transparent)]
    Process(#[from] ProcessError),
    #[error(transparent)]
    Sso(#[from] SsoError),
    #[error(transparent)]
    KeyStore(#[from] KeyStoreError),
    #[error("profile `{0}` keeps its key in yagura's key store, which this command does not read")]
    NoKeyStore(String),
    #[error("profile `{0}` uses SSO, which this command cannot reach")]
    NoSso(String),
    #[error("session duration `{0}` must be 900 to 129600 seconds")]
    SessionDuration(u32),
    #[error("sts {call} for profile `{profile}`: {source}")]
    Sts {
        call: &'static str,
        profile: String,
        source: E,
    },
}

/// What the flow produced.
#[derive(Debug, Clone)]
pub struct FlowResult {
    pub credentials: Credentials,
    pub region: Option<String>,
    /// Whether a code was asked for (false when everything came from the cache).
    pub prompted: bool,
    /// Advice for the user (a capped duration, a direct AssumeRole with MFA).
    pub notes: Vec<String>,
}

enum Inner<E> {
    Sts(&'static str, E),
    Code(String),
}

/// Checks a typed one-time code: six digits.
pub fn validate_mfa_code(code: &str) -> Result<Secret, String> {
    let c = code.trim();
    if c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()) {
        Ok(Secret::new(c))
    } else {
        Err("a one-time code is 6 digits".to_string())
    }
}

/// Whether an MFA serial names a FIDO security key (`arn:aws:iam::ACCOUNT:u2f/…`).
pub fn is_fido_serial(serial: &str) -> bool {
    serial.contains(":u2f/")
}

fn source_credentials<E: std::fmt::Display>(
    r: &ResolvedProfile,
    cache: &SessionCache,
    env: &FlowEnv<'_>,
    now: Timestamp,
    margin: SignedDuration,
) -> Result<Credentials, FlowError<E>> {
    match &r.source {
        Source::StaticKeys {
            access_key_id,
            secret_access_key,
            session_token,
        } => Ok(Credentials {
            access_key_id: access_key_id.clone(),
            secret_access_key: secret_access_key.clone(),
            session_token: session_token.clone(),
            expiration: None,
        }),
        Source::Stored { profile } => {
            let keys = env
                .keys
                .ok_or_else(|| FlowError::NoKeyStore(profile.clone()))?;
            let k = keys
                .get(profile)?
                .ok_or_else(|| ProfileError::NoCredentials(profile.clone()))?;
            Ok(Credentials {
                access_key_id: k.access_key_id,
                secret_access_key: k.secret_access_key,
                session_token: None,
                expiration: None,
            })
        }
        Source::Process(command) => {
            // kept until they expire, so the roles assumed with them are cached too
            let key = CacheKey::process(command);
            if let Some(c) = cache.get(&key, now, margin)? {
                return Ok(c);
            }
            let c = crate::process::run(command)?;
            if c.expiration.is_some() {
                cache
                    .get_or_fetch::<ProcessError>(&key, now, margin, || Ok(None), |_| Ok(c.clone()))
                    .map_err(|e| match e {
                        FetchError::Cache(c) => FlowError::Cache(c),
                        FetchError::Source(p) => FlowError::Process(p),
                        FetchError::CodeReused { serial } => FlowError::CodeReused { serial },
                    })?;
            }
            Ok(c)
        }
        Source::Sso(s) => {
            let (Some(api), Some(dir)) = (env.sso, env.sso_cache_dir.as_deref()) else {
                return Err(FlowError::NoSso(r.source_profile.clone()));
            };
            let key = CacheKey::sso(&s.start_url, &s.account_id, &s.role_name);
            cache
                .get_or_fetch::<SsoError>(&key, now, margin, || Ok(None), |_| {
                    crate::sso::role_credentials(dir, s, api, now)
                })
                .map(|(c, _)| c)
                .map_err(|e| match e {
                    FetchError::Cache(c) => FlowError::Cache(c),
                    FetchError::Source(p) => FlowError::Sso(p),
                    FetchError::CodeReused { serial } => FlowError::CodeReused { serial },
                })
        }
        Source::CredentialSource(s) if s == "Environment" => {
            let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
            match (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
                (Some(id), Some(secret)) => Ok(Credentials {
                    access_key_id: id,
                    secret_access_key: Secret::new(secret),
                    session_token: var("AWS_SESSION_TOKEN").map(Secret::new),
                    expiration: None,
                }),
                _ => Err(FlowError::Unsupported {
                    profile: r.source_profile.clone(),
                    what: "`credential_source = Environment` without AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY set".to_string(),
                }),
            }
        }
        Source::CredentialSource(s) => Err(FlowError::Unsupported {
            profile: r.source_profile.clone(),
            what: format!("`credential_source = {s}` (instance or container credentials: run the tool on that host instead)"),
        }),
    }
}

/// A role session name from a caller's ARN: the user (`user/alice`, `user/path/alice`), the
/// session of an assumed role, the federated user, or `root`; reduced to the characters STS
/// allows (`[\w+=,.@-]`, 2 to 64).
pub fn session_name_from_arn(arn: &str) -> Option<String> {
    let resource = arn.splitn(6, ':').nth(5)?;
    let name = if resource == "root" {
        "root"
    } else if let Some(rest) = resource.strip_prefix("assumed-role/") {
        rest.rsplit('/').next()?
    } else if let Some(rest) = resource
        .strip_prefix("user/")
        .or_else(|| resource.strip_prefix("federated-user/"))
    {
        rest.rsplit('/').next()?
    } else {
        return None;
    };
    let clean: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(*c))
        .take(64)
        .collect();
    (clean.len() >= 2).then_some(clean)
}

/// Removes the cached MFA session of `profile`'s source credentials (after STS answered
/// `ExpiredToken` for it: see [`crate::StsProblem::drop_cached_session`]), so that the next
/// call asks for a new code. Whether an entry was removed.
pub fn forget_session(r: &ResolvedProfile, cache: &SessionCache) -> Result<bool, CacheError> {
    match &r.source {
        Source::StaticKeys { access_key_id, .. } => {
            cache.remove(&CacheKey::session(access_key_id, r.mfa_serial.as_deref()))
        }
        _ => Ok(false),
    }
}

/// Credentials for `profile`: from the cache where possible, else through `sts`, asking
/// `code(serial)` for a one-time code at most once (under the cache lock, so parallel
/// callers share one prompt).
pub fn credentials_for<S: Sts>(
    files: &AwsFiles,
    profile: &str,
    cache: &SessionCache,
    sts: &S,
    code: &mut dyn FnMut(&str) -> Result<Secret, String>,
    now: Timestamp,
    options: &FlowOptions,
) -> Result<FlowResult, FlowError<S::Error>> {
    credentials_for_env(
        files,
        profile,
        cache,
        sts,
        code,
        now,
        options,
        &FlowEnv::default(),
    )
}

/// [`credentials_for`] with the key store and SSO of `env`.
#[allow(clippy::too_many_arguments)]
pub fn credentials_for_env<S: Sts>(
    files: &AwsFiles,
    profile: &str,
    cache: &SessionCache,
    sts: &S,
    code: &mut dyn FnMut(&str) -> Result<Secret, String>,
    now: Timestamp,
    options: &FlowOptions,
    env: &FlowEnv<'_>,
) -> Result<FlowResult, FlowError<S::Error>> {
    let r = files.resolve(profile)?;
    if let Some(serial) = r.mfa_serial.as_deref().filter(|s| is_fido_serial(s)) {
        return Err(FlowError::FidoDevice {
            serial: serial.to_string(),
        });
    }
    let margin = options.min_remaining;
    let source = source_credentials::<S::Error>(&r, cache, env, now, margin)?;
    let mut notes = Vec::new();
    let mut prompted = false;
    if !(900..=129_600).contains(&options.session_duration_seconds) {
        return Err(FlowError::SessionDuration(options.session_duration_seconds));
    }

    let map = |e: FetchError<Inner<S::Error>>, profile: &str| -> FlowError<S::Error> {
        match e {
            FetchError::Cache(c) => FlowError::Cache(c),
            FetchError::CodeReused { serial } => FlowError::CodeReused { serial },
            FetchError::Source(Inner::Sts(call, source)) => FlowError::Sts {
                call,
                profile: profile.to_string(),
                source,
            },
            FetchError::Source(Inner::Code(message)) => FlowError::Code {
                serial: r.mfa_serial.clone().unwrap_or_default(),
                message,
            },
        }
    };
    let mut ask = |serial: &str, prompted: &mut bool| -> Result<Option<MfaCode>, Inner<S::Error>> {
        *prompted = true;
        let c = code(serial).map_err(Inner::Code)?;
        let c = validate_mfa_code(c.expose()).map_err(Inner::Code)?;
        Ok(Some(MfaCode {
            serial: serial.to_string(),
            code: c,
        }))
    };

    let source_is_temporary = source.session_token.is_some();
    let requested = |i: usize| {
        options
            .role_duration_seconds
            .or_else(|| r.roles.get(i).and_then(|s| s.duration_seconds))
    };
    let first_plan = plan_role_session(requested(0), source_is_temporary, r.mfa_serial.as_deref())?;

    // The base credentials the first role is assumed with, and their cache key.
    let (mut base, mut parent) = match (&r.mfa_serial, source_is_temporary) {
        (Some(serial), false)
            if r.roles.is_empty() || first_plan.strategy == Strategy::FromMfaSession =>
        {
            let key = CacheKey::session(&source.access_key_id, Some(serial));
            let (c, p) = cache
                .get_or_fetch(
                    &key,
                    now,
                    margin,
                    || ask(serial, &mut prompted),
                    |mfa| {
                        sts.get_session_token(&source, mfa, options.session_duration_seconds)
                            .map_err(|e| Inner::Sts("GetSessionToken", e))
                    },
                )
                .map_err(|e| map(e, &r.source_profile))?;
            debug_assert!(p == Provenance::Cached || prompted);
            (c, key)
        }
        _ => (source.clone(), CacheKey::source(&source.access_key_id)),
    };

    // Role sessions are named after the caller, remembered per source so that a cached
    // session costs no call.
    let mut identity_name: Option<String> = None;
    if options.session_name_from_identity && r.roles.iter().any(|s| s.role_session_name.is_none()) {
        let key = CacheKey::source(&source.access_key_id);
        let arn = match cache.identity(&key)? {
            Some(a) => Some(a),
            None => {
                let a = sts.caller_arn(&base);
                if let Some(a) = &a {
                    cache.put_identity(&key, a)?;
                }
                a
            }
        };
        identity_name = arn.as_deref().and_then(session_name_from_arn);
    }

    for (i, step) in r.roles.iter().enumerate() {
        let plan = if i == 0 {
            first_plan.clone()
        } else {
            plan_role_session(requested(i), true, r.mfa_serial.as_deref())?
        };
        if let Some(n) = &plan.note {
            notes.push(format!("profile `{}`: {n}", step.profile));
        }
        let session_name = step
            .role_session_name
            .clone()
            .or_else(|| identity_name.clone())
            .unwrap_or_else(|| options.default_role_session_name.clone());
        let direct_mfa = plan.strategy == Strategy::DirectWithMfa;
        let key = CacheKey::role(
            &parent,
            &step.role_arn,
            step.external_id.as_deref(),
            Some(&session_name),
        );
        let serial = r.mfa_serial.clone().unwrap_or_default();
        let with = base.clone();
        let (c, _) = cache
            .get_or_fetch(
                &key,
                now,
                margin,
                || {
                    if direct_mfa {
                        ask(&serial, &mut prompted)
                    } else {
                        Ok(None)
                    }
                },
                |mfa| {
                    let req = AssumeRoleRequest {
                        role_arn: step.role_arn.clone(),
                        role_session_name: session_name.clone(),
                        external_id: step.external_id.clone(),
                        duration_seconds: plan.duration_seconds,
                        mfa: mfa.cloned(),
                    };
                    sts.assume_role(&with, &req)
                        .map_err(|e| Inner::Sts("AssumeRole", e))
                },
            )
            .map_err(|e| map(e, &step.profile))?;
        base = c;
        parent = key;
    }
    Ok(FlowResult {
        credentials: base,
        region: r.region.clone(),
        prompted,
        notes,
    })
}
