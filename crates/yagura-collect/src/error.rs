use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use yagura_inventory::CollectError;

/// Failures that stop the collection of an account (not of one piece of it).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CollectorError {
    #[error("cannot tell which account the credentials belong to: {0}")]
    Identity(CollectError),
    #[error("cannot list the enabled regions: {0}")]
    Regions(CollectError),
    #[error("cannot list the accounts of the organization: {0}")]
    Organization(CollectError),
}

/// Turns an SDK error into the inventory's error record: the operation, the service's error
/// code (or the kind of transport failure) and its message. Credentials never appear in SDK
/// error messages; request bodies are not included.
pub fn collect_error<E>(operation: &str, err: SdkError<E, HttpResponse>) -> CollectError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let status = match &err {
        SdkError::ServiceError(e) => Some(e.raw().status().as_u16()),
        SdkError::ResponseError(e) => Some(e.raw().status().as_u16()),
        _ => None,
    };
    let code = match (err.code(), status) {
        (Some(c), _) => c.to_string(),
        // A 403 whose body could not be read is still a refusal.
        (None, Some(403)) => "AccessDenied".to_string(),
        (None, Some(s)) => format!("HTTP{s}"),
        (None, None) => match &err {
            SdkError::DispatchFailure(_) => "DispatchFailure".to_string(),
            SdkError::TimeoutError(_) => "Timeout".to_string(),
            SdkError::ConstructionFailure(_) => "ConstructionFailure".to_string(),
            _ => "Error".to_string(),
        },
    };
    let message = match (err.message(), status) {
        (Some(m), _) => m.to_string(),
        (None, Some(s)) => {
            format!("the service answered HTTP {s} with a body that is not a valid response")
        }
        (None, None) => one_line(&err),
    };
    let message = match hint(&code) {
        Some(h) => format!("{message} ({h})"),
        None => message,
    };
    CollectError::new(operation, &code, &message)
}

/// An SDK error as one line: the `Display` of each error of its chain, joined by `: ` (a text
/// that repeats the previous one is left out), at most 300 characters — never the `Debug` dump
/// that `DisplayErrorContext` appends (`ServiceError(ServiceError { source: Unhandled(…`).
pub(crate) fn one_line(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        let text = e.to_string();
        let text = text.trim();
        if !text.is_empty() && !parts.last().is_some_and(|p| p.contains(text)) {
            parts.push(text.to_string());
        }
        next = e.source();
    }
    short(&yagura_core::escape::one_line(&parts.join(": ")))
}

/// What usually causes an error with this code, and what to do (issue 19: errors a person can
/// read).
fn hint(code: &str) -> Option<&'static str> {
    Some(match code {
        "AccessDenied" | "AccessDeniedException" | "UnauthorizedOperation" | "AuthorizationError"
        | "AuthorizationErrorException" => {
            "the credentials' policies do not allow this call: attach the AWS managed policies SecurityAudit and ViewOnlyAccess to the audit role"
        }
        "UnrecognizedClientException" | "InvalidClientTokenId" | "AuthFailure" => {
            "the credentials are not valid here: the region may be disabled for the account (an opt-in region) or the keys revoked"
        }
        "ExpiredToken" | "ExpiredTokenException" | "RequestExpired" => {
            "the session expired: get new credentials (`yagura creds`)"
        }
        "DispatchFailure" => {
            "the endpoint could not be reached: check the network, the proxy (HTTPS_PROXY) and the region name"
        }
        "Timeout" => "the service did not answer in time: try again, or with fewer regions at once",
        "Throttling" | "ThrottlingException" | "TooManyRequestsException" | "RequestLimitExceeded" => {
            "the service throttled the calls after retries: run again later or with fewer regions at once"
        }
        _ => return None,
    })
}

/// Whether the error is the service's way to say "this thing is not configured".
pub(crate) fn is_code<E, R>(err: &SdkError<E, R>, codes: &[&str]) -> bool
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    err.code().is_some_and(|c| codes.contains(&c))
}

/// Keeps the first 300 characters of a long error chain.
fn short(s: &str) -> String {
    match s.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityError;
    use aws_smithy_runtime_api::client::result::ConnectorError;

    #[test]
    fn a_transport_failure_is_one_line_with_its_cause_and_a_hint_never_a_debug_dump() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused");
        let err: SdkError<GetCallerIdentityError, HttpResponse> =
            SdkError::dispatch_failure(ConnectorError::io(Box::new(io)));
        let e = collect_error("sts:GetCallerIdentity", err);
        assert_eq!(e.code, "DispatchFailure");
        assert!(e.message.contains("connection refused"), "{}", e.message);
        assert!(e.message.contains("HTTPS_PROXY"), "{}", e.message);
        for debug in ["DispatchFailure(", "ConnectorError {", "Custom {", "kind:"] {
            assert!(!e.message.contains(debug), "{}", e.message);
        }
        assert!(!e.message.contains('\n'));
    }

    #[test]
    fn a_chain_repeating_itself_is_said_once() {
        #[derive(Debug)]
        struct Inner;
        impl std::fmt::Display for Inner {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("unexpected token '<'\nat offset 0")
            }
        }
        impl std::error::Error for Inner {}
        #[derive(Debug)]
        struct Outer(Inner);
        impl std::fmt::Display for Outer {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("unhandled error")
            }
        }
        impl std::error::Error for Outer {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        assert_eq!(
            one_line(&Outer(Inner)),
            "unhandled error: unexpected token '<' at offset 0"
        );
    }
}
