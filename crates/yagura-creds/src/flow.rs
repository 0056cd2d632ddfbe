//! The whole credential flow for a profile, with the STS calls behind the [`Sts`] trait:
//! resolve the profile → the cached MFA session (GetSessionToken, one prompt) → each role of
//! the chain (AssumeRole, cached) → credentials.
//!
//! When the first role asks for more than the hour a role session from a session may last,
//! the role is assumed directly with the long-term keys and a fresh MFA code instead.

use jiff::{SignedDuration, Timestamp};

use crate::cache::{CacheError, CacheKey, FetchError, MfaCode, Provenance, SessionCache};
use crate::credentials::Credentials;
use crate::duration::{plan_role_session, DurationError, Strategy};
use crate::profile::{AwsFiles, ProfileError, ResolvedProfile, Source};
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
}

/// Settings of one flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowOptions {
    /// GetSessionToken duration (900–129600 s; AWS's default is 43200).
    pub session_duration_seconds: u32,
    /// Overrides the profile's `duration_seconds` for the roles.
    pub role_duration_seconds: Option<u32>,
    /// Used when the profile has no `role_session_name`.
    pub default_role_session_name: String,
    /// Cached credentials are used only with at least this much time left.
    pub min_remaining: SignedDuration,
}

impl Default for FlowOptions {
    fn default() -> Self {
        FlowOptions {
            session_duration_seconds: 43_200,
            role_duration_seconds: None,
            default_role_session_name: "yagura".to_string(),
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
    #[error("profile `{profile}` gets its source credentials from {what}, which yagura does not support yet")]
    Unsupported { profile: String, what: String },
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

fn source_credentials<E: std::fmt::Display>(
    r: &ResolvedProfile,
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
        Source::Process(_) => Err(FlowError::Unsupported {
            profile: r.source_profile.clone(),
            what: "`credential_process`".to_string(),
        }),
        Source::CredentialSource(s) => Err(FlowError::Unsupported {
            profile: r.source_profile.clone(),
            what: format!("`credential_source = {s}`"),
        }),
    }
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
    let r = files.resolve(profile)?;
    let source = source_credentials::<S::Error>(&r)?;
    let mut notes = Vec::new();
    let mut prompted = false;
    let margin = options.min_remaining;
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
