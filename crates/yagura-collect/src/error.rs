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
pub fn collect_error<E, R>(operation: &str, err: SdkError<E, R>) -> CollectError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let code = match err.code() {
        Some(c) => c.to_string(),
        None => match &err {
            SdkError::DispatchFailure(_) => "DispatchFailure".to_string(),
            SdkError::TimeoutError(_) => "Timeout".to_string(),
            SdkError::ResponseError(_) => "ResponseError".to_string(),
            SdkError::ConstructionFailure(_) => "ConstructionFailure".to_string(),
            _ => "Error".to_string(),
        },
    };
    let message = match err.message() {
        Some(m) => m.to_string(),
        None => DisplayErrorContext(&err).to_string(),
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
