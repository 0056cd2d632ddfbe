//! How long a role session can be, and how to get it.
//!
//! A role session obtained with temporary credentials — a GetSessionToken (MFA) session or
//! another role — is capped at one hour by STS ("role chaining"). For longer role sessions
//! the role must be assumed directly with the long-term keys, passing the MFA device and a
//! fresh code to AssumeRole.

/// STS's cap for a role session obtained with temporary credentials.
pub const CHAIN_LIMIT_SECONDS: u32 = 3_600;
/// AssumeRole's minimum.
pub const MIN_SECONDS: u32 = 900;
/// AssumeRole's maximum (the role's MaxSessionDuration may be lower).
pub const MAX_SECONDS: u32 = 43_200;
/// The default when nothing is asked.
pub const DEFAULT_SECONDS: u32 = 3_600;

/// How the role is assumed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// AssumeRole with the cached MFA session (no prompt while the session lasts).
    FromMfaSession,
    /// AssumeRole with the long-term keys plus `SerialNumber` and a fresh `TokenCode`.
    DirectWithMfa,
    /// AssumeRole with the long-term keys, no MFA configured.
    Direct,
    /// AssumeRole with temporary credentials that are not ours to replace (a session token in
    /// the profile, or a previous role): capped.
    Chained,
}

/// The plan for one AssumeRole call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolePlan {
    pub strategy: Strategy,
    pub duration_seconds: u32,
    /// Why the plan differs from what was asked, for the user.
    pub note: Option<String>,
}

/// Why a duration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("role session duration `{0}` must be {MIN_SECONDS} to {MAX_SECONDS} seconds")]
    OutOfRange(u32),
}

/// Plans one AssumeRole call.
///
/// - `requested`: `--duration` or the profile's `duration_seconds`;
/// - `source_is_temporary`: the source credentials are themselves a session (a profile with
///   `aws_session_token`, or a previous role of the chain);
/// - `mfa_serial`: the MFA device, if the profile has one.
pub fn plan_role_session(
    requested: Option<u32>,
    source_is_temporary: bool,
    mfa_serial: Option<&str>,
) -> Result<RolePlan, DurationError> {
    let want = requested.unwrap_or(DEFAULT_SECONDS);
    if !(MIN_SECONDS..=MAX_SECONDS).contains(&want) {
        return Err(DurationError::OutOfRange(want));
    }
    if source_is_temporary {
        let capped = want.min(CHAIN_LIMIT_SECONDS);
        return Ok(RolePlan {
            strategy: Strategy::Chained,
            duration_seconds: capped,
            note: (capped < want).then(|| {
                format!("role sessions from temporary credentials last at most {CHAIN_LIMIT_SECONDS} s; `{want}` s was capped")
            }),
        });
    }
    match mfa_serial {
        Some(_) if want <= CHAIN_LIMIT_SECONDS => Ok(RolePlan {
            strategy: Strategy::FromMfaSession,
            duration_seconds: want,
            note: None,
        }),
        Some(serial) => Ok(RolePlan {
            strategy: Strategy::DirectWithMfa,
            duration_seconds: want,
            note: Some(format!(
                "`{want}` s is longer than the {CHAIN_LIMIT_SECONDS} s a role session from an MFA session may last: assuming the role directly with MFA device `{serial}` (asks for a code; the role's MaxSessionDuration must allow it)"
            )),
        }),
        None => Ok(RolePlan {
            strategy: Strategy::Direct,
            duration_seconds: want,
            note: None,
        }),
    }
}
