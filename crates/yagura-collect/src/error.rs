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

impl CollectorError {
    /// The error of the call that stopped the collection (its operation says what it was for).
    pub fn into_collect_error(self) -> CollectError {
        match self {
            CollectorError::Identity(e)
            | CollectorError::Regions(e)
            | CollectorError::Organization(e) => e,
        }
    }
}

/// Turns an SDK error into the inventory's error record: the operation, the service's error
/// code (or the kind of transport failure), its message as the service (or the transport) said
/// it, the hint for the code, and the status of an answer whose body was no response (yagura's
/// words are data, rendered in the reader's language). Credentials never appear in SDK error
/// messages; request bodies are not included.
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
    let (message, invalid_response) = match (err.message(), status) {
        (Some(m), _) => (m.to_string(), None),
        (None, Some(s)) => (String::new(), Some(s)),
        (None, None) => (one_line(&err), None),
    };
    CollectError {
        invalid_response,
        ..CollectError::new(operation, &code, &message).with_hint()
    }
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
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;
    use yagura_inventory::Hint;

    #[test]
    fn a_transport_failure_is_one_line_with_its_cause_and_a_hint_never_a_debug_dump() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused");
        let err: SdkError<GetCallerIdentityError, HttpResponse> =
            SdkError::dispatch_failure(ConnectorError::io(Box::new(io)));
        let e = collect_error("sts:GetCallerIdentity", err);
        assert_eq!(e.code, "DispatchFailure");
        assert_eq!(e.hint, Some(Hint::Unreachable));
        assert!(e.message.contains("connection refused"), "{}", e.message);
        assert!(!e.message.contains("HTTPS_PROXY"), "{}", e.message);
        assert!(e.to_string().contains("HTTPS_PROXY"), "{e}");
        for debug in ["DispatchFailure(", "ConnectorError {", "Custom {", "kind:"] {
            assert!(!e.message.contains(debug), "{}", e.message);
        }
        assert!(!e.message.contains('\n'));
    }

    fn answered(status: u16, code: Option<&str>, message: Option<&str>) -> CollectError {
        let mut meta = ErrorMetadata::builder();
        if let Some(c) = code {
            meta = meta.code(c);
        }
        if let Some(m) = message {
            meta = meta.message(m);
        }
        let raw = HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::empty());
        let err: SdkError<GetCallerIdentityError, HttpResponse> =
            SdkError::service_error(GetCallerIdentityError::generic(meta.build()), raw);
        collect_error("sts:GetCallerIdentity", err)
    }

    #[test]
    fn the_message_is_what_aws_said_and_the_hint_is_data() {
        let e = answered(403, Some("AccessDenied"), Some("User is not authorized"));
        assert_eq!(e.message, "User is not authorized");
        assert_eq!(e.hint, Some(Hint::AccessDenied));
        assert_eq!(e.invalid_response, None);
        assert_eq!(
            e.to_string(),
            format!(
                "sts:GetCallerIdentity: AccessDenied: User is not authorized ({})",
                Hint::AccessDenied.text().en
            )
        );
        assert_eq!(
            e.ja(),
            format!(
                "`sts:GetCallerIdentity` が失敗しました(`AccessDenied`): 「User is not authorized」({})",
                Hint::AccessDenied.text().ja
            )
        );
        let e = answered(500, None, None);
        assert_eq!((e.code.as_str(), e.message.as_str()), ("HTTP500", ""));
        assert_eq!((e.invalid_response, e.hint), (Some(500), None));
        assert_eq!(
            e.to_string(),
            "sts:GetCallerIdentity: HTTP500: the service answered HTTP 500 with a body that is not a valid response"
        );
        // a 403 whose body could not be read is still a refusal, with its hint
        let e = answered(403, None, None);
        assert_eq!(
            (e.code.as_str(), e.invalid_response, e.hint),
            ("AccessDenied", Some(403), Some(Hint::AccessDenied))
        );
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
