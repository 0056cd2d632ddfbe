//! Amazon SNS: the SDK side of [`yagura_notify::Publisher`]. One client per region (a topic
//! lives in one region), built from the shared SDK configuration on first use, with the
//! configuration's standard retries. Errors carry SNS's code and message, never a credential.

use std::collections::BTreeMap;
use std::sync::Mutex;

use aws_config::SdkConfig;
use aws_sdk_sns::types::MessageAttributeValue;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use futures::future::BoxFuture;
use yagura_notify::{PublishError, Publisher, SnsMessage};

/// Publishes notifications to SNS topics through the AWS SDK.
pub struct SnsPublisher {
    sdk: SdkConfig,
    clients: Mutex<BTreeMap<String, aws_sdk_sns::Client>>,
}

impl SnsPublisher {
    pub fn new(sdk: SdkConfig) -> SnsPublisher {
        SnsPublisher {
            sdk,
            clients: Mutex::new(BTreeMap::new()),
        }
    }

    fn client(&self, region: &str) -> aws_sdk_sns::Client {
        let mut clients = match self.clients.lock() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        clients
            .entry(region.to_string())
            .or_insert_with(|| {
                let conf = aws_sdk_sns::config::Builder::from(&self.sdk)
                    .region(aws_config::Region::new(region.to_string()))
                    .build();
                aws_sdk_sns::Client::from_conf(conf)
            })
            .clone()
    }
}

/// Throttling and transport failures are worth another try later; a missing topic or a denied
/// call is not.
fn publish_error<E, R>(err: SdkError<E, R>) -> PublishError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    let transient = matches!(
        err,
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) | SdkError::ResponseError(_)
    ) || matches!(
        err.code(),
        Some("Throttling" | "ThrottlingException" | "InternalError" | "KMSThrottling")
    );
    let message = match (err.code(), err.message()) {
        (Some(c), Some(m)) => format!("{c}: {m}"),
        (Some(c), None) => c.to_string(),
        _ => crate::error::one_line(&err),
    };
    PublishError { message, transient }
}

impl Publisher for SnsPublisher {
    fn publish<'a>(&'a self, msg: &'a SnsMessage) -> BoxFuture<'a, Result<String, PublishError>> {
        Box::pin(async move {
            let client = self.client(&msg.region);
            let mut req = client
                .publish()
                .topic_arn(&msg.topic_arn)
                .subject(&msg.subject)
                .message(&msg.message);
            for (k, v) in &msg.attributes {
                let value = MessageAttributeValue::builder()
                    .data_type("String")
                    .string_value(v)
                    .build()
                    .map_err(|e| PublishError {
                        message: format!("bad message attribute `{k}`: {e}"),
                        transient: false,
                    })?;
                req = req.message_attributes(k, value);
            }
            let out = req.send().await.map_err(publish_error)?;
            Ok(out.message_id().unwrap_or_default().to_string())
        })
    }
}
