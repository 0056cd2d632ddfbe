//! Adjustments for local AWS-compatible endpoints (moto, LocalStack) that real AWS does not need.

use aws_config::SdkConfig;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeDeserializationInterceptorContextMut, BeforeTransmitInterceptorContextMut,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
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

/// moto (5.2.6) answers s3control's ListAccessPoints and GetAccessPoint under the root element
/// `<ListAccessPointsResponse>` / `<GetAccessPointResponse>`, where AWS has `…Result`; the SDK
/// checks the root and rejects moto's (boto3 does not). On a loopback endpoint the root of a
/// successful s3control answer named `…Response` is renamed `…Result` before deserialization.
#[derive(Debug)]
pub(crate) struct S3ControlResultRoot;

impl Intercept for S3ControlResultRoot {
    fn name(&self) -> &'static str {
        "S3ControlResultRoot"
    }

    fn modify_before_deserialization(
        &self,
        ctx: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let resp = ctx.response_mut();
        if !resp.status().is_success() {
            return Ok(());
        }
        let body = std::mem::replace(resp.body_mut(), SdkBody::taken());
        let renamed = futures::stream::once(async move {
            let xml = http_body_util::BodyExt::collect(body).await?.to_bytes();
            Ok::<_, aws_smithy_types::body::Error>(http_body::Frame::data(bytes::Bytes::from(
                result_root(&xml),
            )))
        });
        *resp.body_mut() = SdkBody::from_body_1_x(http_body_util::StreamBody::new(renamed));
        Ok(())
    }
}

/// `xml` with its root element renamed from `…Response` to `…Result` (unchanged otherwise).
fn result_root(xml: &[u8]) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(xml) else {
        return xml.to_vec();
    };
    let Some(open) = text
        .match_indices('<')
        .map(|(i, _)| i + 1)
        .find(|&i| text[i..].starts_with(|c: char| c.is_ascii_alphabetic()))
    else {
        return xml.to_vec();
    };
    let len = text[open..]
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(text.len() - open);
    let name = &text[open..open + len];
    let (Some(op), Some(close)) = (
        name.strip_suffix("Response"),
        text.rfind(&format!("</{name}>")).filter(|&c| c > open),
    ) else {
        return xml.to_vec();
    };
    let renamed = format!("{op}Result");
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..open]);
    out.push_str(&renamed);
    out.push_str(&text[open + len..close + 2]);
    out.push_str(&renamed);
    out.push_str(&text[close + 2 + len..]);
    out.into_bytes()
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
    use super::{qualified_cloudtrail_target, result_root, strip_account_label};

    #[test]
    fn only_a_response_root_is_renamed_result() {
        let moto = concat!(
            r#"<?xml version="1.0" encoding="utf-8"?>"#,
            "\n",
            r#"<ListAccessPointsResponse xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/">"#,
            "<AccessPointList><AccessPoint><Name>ap</Name></AccessPoint></AccessPointList>",
            "</ListAccessPointsResponse>"
        );
        let aws = moto.replace("ListAccessPointsResponse", "ListAccessPointsResult");
        assert_eq!(result_root(moto.as_bytes()), aws.as_bytes());
        assert_eq!(result_root(aws.as_bytes()), aws.as_bytes());
        let pab = "<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls></PublicAccessBlockConfiguration>";
        assert_eq!(result_root(pab.as_bytes()), pab.as_bytes());
        assert_eq!(
            result_root(b"<GetAccessPointResponse>"),
            b"<GetAccessPointResponse>"
        );
        assert_eq!(result_root(b""), b"");
        let reversed = "</AResponse><AResponse>";
        assert_eq!(result_root(reversed.as_bytes()), reversed.as_bytes());
        assert_eq!(result_root(b"\xff<a"), b"\xff<a");
    }

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
