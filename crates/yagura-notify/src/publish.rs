//! The seam to Amazon SNS: this crate formats the message, `yagura-collect` publishes it with
//! the AWS SDK (`yagura_collect::sns::SnsPublisher`), so this crate stays free of the SDK.

use futures::future::BoxFuture;

/// One message for an SNS topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnsMessage {
    pub topic_arn: String,
    /// The topic's region.
    pub region: String,
    /// At most 99 printable ASCII characters, one line (SNS's rule for e-mail subjects).
    pub subject: String,
    /// The plain-text body.
    pub message: String,
    /// `yagura.severity`, `yagura.kind` … as string message attributes, for subscription
    /// filter policies.
    pub attributes: Vec<(String, String)>,
}

/// Why a publish failed. `transient` errors (throttling, a connection that failed) are retried
/// by the dispatcher; the rest (no such topic, access denied) are not.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PublishError {
    pub message: String,
    pub transient: bool,
}

/// Publishes to SNS. Implemented over the AWS SDK in `yagura-collect`, and by fakes in tests.
pub trait Publisher: Send + Sync {
    /// Publishes one message and returns SNS's message id.
    fn publish<'a>(&'a self, msg: &'a SnsMessage) -> BoxFuture<'a, Result<String, PublishError>>;
}
