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

/// CloudTrail's JSON protocol names the operation in `X-Amz-Target`. The AWS SDK for Rust sends
/// the Smithy service shape name (`CloudTrail_20131101.DescribeTrails`), botocore the
/// namespace-qualified one (`com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.…`); AWS
/// accepts both. moto 5.2.6 and later route JSON requests only by botocore's form and answer the
/// SDK's with 404 (moto 5.2.5 took the last dot-separated part), so on a loopback endpoint the
/// target is rewritten to botocore's form before signing.
#[derive(Debug)]
pub(crate) struct QualifyCloudTrailTarget;

const CLOUDTRAIL_SHAPE: &str = "CloudTrail_20131101.";
const CLOUDTRAIL_QUALIFIED: &str = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.";

/// botocore's `X-Amz-Target` for the SDK's, if it is a bare CloudTrail target.
fn qualified_cloudtrail_target(target: &str) -> Option<String> {
    let op = target.strip_prefix(CLOUDTRAIL_SHAPE)?;
    Some(format!("{CLOUDTRAIL_QUALIFIED}{op}"))
}

impl Intercept for QualifyCloudTrailTarget {
    fn name(&self) -> &'static str {
        "QualifyCloudTrailTarget"
    }

    fn modify_before_signing(
        &self,
        ctx: &mut BeforeTransmitInterceptorContextMut<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let headers = ctx.request_mut().headers_mut();
        if let Some(fixed) = headers
            .get("x-amz-target")
            .and_then(qualified_cloudtrail_target)
        {
            headers.insert("x-amz-target", fixed);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{qualified_cloudtrail_target, strip_account_label};

    #[test]
    fn only_a_bare_cloudtrail_target_is_qualified() {
        assert_eq!(
            qualified_cloudtrail_target("CloudTrail_20131101.DescribeTrails").as_deref(),
            Some("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails")
        );
        assert_eq!(
            qualified_cloudtrail_target(
                "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails"
            ),
            None
        );
        assert_eq!(
            qualified_cloudtrail_target("AmazonSSM.DescribeParameters"),
            None
        );
    }

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
