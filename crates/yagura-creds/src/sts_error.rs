//! Turning STS error responses into clear messages and the right reaction (retry, drop the
//! cached session, ask for the next code).

use std::fmt;

/// What went wrong, reduced to what the user can do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StsErrorKind {
    /// The one-time code was wrong.
    WrongMfaCode,
    /// The code was right but not accepted (already used, or the device is out of sync).
    MfaCodeNotAccepted,
    /// The credentials used to sign the call have expired.
    ExpiredToken,
    /// Too many calls.
    Throttled,
    /// The access key id is unknown or deactivated.
    InvalidAccessKey,
    /// The secret access key does not match.
    BadSignature,
    /// Not allowed to assume the role (trust policy, permissions, MFA condition).
    NotAuthorized,
    /// The duration exceeds the role's MaxSessionDuration.
    DurationTooLong,
    /// The duration exceeds the one-hour role-chaining limit.
    ChainLimit,
    /// STS is deactivated in the region for the account.
    RegionDisabled,
    Other,
}

/// A classified STS error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StsProblem {
    pub kind: StsErrorKind,
    /// The error code as sent by STS.
    pub code: String,
    /// STS's own message.
    pub aws_message: String,
    /// Whether retrying later (with back-off) may succeed as is.
    pub retry: bool,
    /// Whether the cached session that signed the call should be dropped.
    pub drop_cached_session: bool,
}

impl StsProblem {
    /// Advice for the user, in one line.
    pub fn advice(&self) -> &'static str {
        match self.kind {
            StsErrorKind::WrongMfaCode => "the MFA code is wrong: check the device and type the current code",
            StsErrorKind::MfaCodeNotAccepted => "the MFA code was not accepted (already used, or the device clock is off): wait for the next code",
            StsErrorKind::ExpiredToken => "the session has expired: it was removed from the cache; log in again",
            StsErrorKind::Throttled => "STS is throttling the calls: retry in a few seconds",
            StsErrorKind::InvalidAccessKey => "the access key id is not valid (deleted or deactivated): check the source profile's keys",
            StsErrorKind::BadSignature => "the secret access key does not match the access key id: check the source profile's keys",
            StsErrorKind::NotAuthorized => "not allowed to assume the role: check the role's trust policy, your permissions and whether MFA is required",
            StsErrorKind::DurationTooLong => "the role's MaxSessionDuration is shorter than asked: lower `duration_seconds` or raise the role's maximum",
            StsErrorKind::ChainLimit => "a role session from temporary credentials lasts at most one hour: ask for 3600 s or assume the role directly with MFA",
            StsErrorKind::RegionDisabled => "STS is not activated in this region: activate it in IAM account settings or use another region",
            StsErrorKind::Other => "STS refused the call",
        }
    }
}

impl fmt::Display for StsProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}: `{}`)",
            self.advice(),
            self.code,
            self.aws_message
        )
    }
}

/// Classifies an STS error by its code and message (from the SDK's error metadata or from
/// [`parse_error_response`]).
pub fn classify(code: &str, message: &str) -> StsProblem {
    let m = message.to_ascii_lowercase();
    let kind = match code {
        "ExpiredToken" | "ExpiredTokenException" => StsErrorKind::ExpiredToken,
        "Throttling"
        | "ThrottlingException"
        | "RequestLimitExceeded"
        | "TooManyRequestsException" => StsErrorKind::Throttled,
        "InvalidClientTokenId" => StsErrorKind::InvalidAccessKey,
        "SignatureDoesNotMatch" => StsErrorKind::BadSignature,
        "RegionDisabledException" => StsErrorKind::RegionDisabled,
        "AccessDenied" | "AccessDeniedException"
            if m.contains("invalid mfa one time pass code") =>
        {
            StsErrorKind::WrongMfaCode
        }
        "AccessDenied" | "AccessDeniedException"
            if m.contains("multifactorauthentication failed")
                || m.contains("unable to validate mfa") =>
        {
            StsErrorKind::MfaCodeNotAccepted
        }
        "AccessDenied" | "AccessDeniedException" => StsErrorKind::NotAuthorized,
        "ValidationError" if m.contains("role chaining") => StsErrorKind::ChainLimit,
        "ValidationError" if m.contains("maxsessionduration") => StsErrorKind::DurationTooLong,
        "ValidationError" if m.contains("tokencode") => StsErrorKind::WrongMfaCode,
        _ => StsErrorKind::Other,
    };
    StsProblem {
        kind,
        code: code.to_string(),
        aws_message: redact_token_code(message.trim()),
        retry: kind == StsErrorKind::Throttled,
        drop_cached_session: kind == StsErrorKind::ExpiredToken,
    }
}

/// STS echoes a malformed code in its validation message (`Value '12ab' at 'tokenCode'`):
/// hide it, as any one-time code.
fn redact_token_code(message: &str) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(i) = rest.find("Value '") {
        let start = i + "Value '".len();
        let Some(tail) = rest.get(start..) else { break };
        match tail.find("' at 'tokenCode'") {
            Some(end) => {
                out.push_str(rest.get(..start).unwrap_or(""));
                out.push_str("***");
                rest = tail.get(end..).unwrap_or("");
            }
            None => break,
        }
    }
    out.push_str(rest);
    out
}

fn tag<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = xml.find(&open)? + open.len();
    let len = xml.get(start..)?.find(&close)?;
    xml.get(start..start + len)
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Reads an STS query-protocol error body (`<ErrorResponse><Error><Code>…</Code><Message>…`)
/// into (code, message).
pub fn parse_error_response(xml: &str) -> Option<(String, String)> {
    let err = tag(xml, "Error")?;
    let code = unescape(tag(err, "Code")?.trim());
    let message = tag(err, "Message")
        .map(|m| unescape(m.trim()))
        .unwrap_or_default();
    Some((code, message))
}
