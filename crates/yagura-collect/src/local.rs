//! Adjustments for local AWS-compatible endpoints (moto, LocalStack) that real AWS does not need.

use aws_config::SdkConfig;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// True when an endpoint override points at this machine.
pub(crate) fn is_local_endpoint(cfg: &SdkConfig) -> bool {
    cfg.endpoint_url().is_some_and(|u| {
        let host = u
            .split("://")
            .nth(1)
            .unwrap_or(u)
            .split(['/', ':'])
            .next()
            .unwrap_or_default();
        host == "localhost" || host.starts_with("127.") || host == "[" || host.starts_with("[::1")
    })
}

/// s3control prefixes the host with `{AccountId}.`; a loopback endpoint cannot resolve that
/// name, so a leading label of 12 digits is removed before signing.
#[derive(Debug)]
pub(crate) struct StripAccountHostPrefix;

/// The host part after a leading `{AccountId}.` label, if there is one.
fn strip_account_label(rest: &str) -> Option<&str> {
    let (label, tail) = rest.split_once('.')?;
    (label.len() == 12 && label.bytes().all(|b| b.is_ascii_digit())).then_some(tail)
}

impl Intercept for StripAccountHostPrefix {
    fn name(&self) -> &'static str {
        "StripAccountHostPrefix"
    }

    fn modify_before_signing(
        &self,
        ctx: &mut BeforeTransmitInterceptorContextMut<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let req = ctx.request_mut();
        let uri = req.uri().to_string();
        if let Some((scheme, rest)) = uri.split_once("://") {
            if let Some(stripped) = strip_account_label(rest) {
                let fixed = format!("{scheme}://{stripped}");
                req.set_uri(fixed.as_str())?;
                if let Some(host) = stripped.split('/').next() {
                    let host = host.to_string();
                    req.headers_mut().insert("host", host);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::strip_account_label;

    #[test]
    fn only_an_account_label_is_stripped() {
        assert_eq!(
            strip_account_label(
                "123456789012.127.0.0.1:5000/v20180820/configuration/publicAccessBlock"
            ),
            Some("127.0.0.1:5000/v20180820/configuration/publicAccessBlock")
        );
        assert_eq!(strip_account_label("127.0.0.1:5000/x"), None);
        assert_eq!(strip_account_label("localhost:5000/x"), None);
    }
}
