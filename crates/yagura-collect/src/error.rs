use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
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
        (None, None) => short(&DisplayErrorContext(&err).to_string()),
    };
    CollectError::new(operation, &code, &message)
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
