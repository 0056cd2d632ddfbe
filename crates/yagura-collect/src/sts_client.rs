//! STS (and Organizations, for switch-role profiles) with explicit credentials: the SDK side of
//! [`yagura_creds::Sts`].
//!
//! Clients are built per call from the credentials the flow hands over (never from the
//! default chain), on a small current-thread runtime created only when a call is made, so a
//! fully cached `yagura creds process` pays nothing for it. Errors carry STS's error code and
//! message (for [`yagura_creds::classify`]) and never a secret.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::BehaviorVersion;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use yagura_creds::{AssumeRoleRequest, Credentials, MfaCode, Secret, StsProblem};

/// A failed STS or Organizations call: the service's error code (or the kind of transport
/// failure) and its message. Its `Display` is the classified advice with the code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.problem())]
pub struct StsCallError {
    pub code: String,
    pub message: String,
}

impl StsCallError {
    /// The classified problem (wrong code, expired session, throttling …).
    pub fn problem(&self) -> StsProblem {
        yagura_creds::classify(&self.code, &self.message)
    }
}

fn call_error<E, R>(err: SdkError<E, R>) -> StsCallError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
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
    // SDK error messages never contain the signing credentials or the request body.
    let message = match err.message() {
        Some(m) => m.to_string(),
        None => crate::error::one_line(&err),
    };
    StsCallError { code, message }
}

fn provider(with: &Credentials) -> aws_credential_types::Credentials {
    aws_credential_types::Credentials::new(
        with.access_key_id.clone(),
        with.secret_access_key.expose().to_string(),
        with.session_token.as_ref().map(|t| t.expose().to_string()),
        None,
        "yagura",
    )
}

fn local_error(code: &str, message: impl Into<String>) -> StsCallError {
    StsCallError {
        code: code.to_string(),
        message: message.into(),
    }
}

/// Where STS is: a region and an optional endpoint override (`AWS_ENDPOINT_URL`,
/// `AWS_ENDPOINT_URL_STS`).
#[derive(Debug, Clone)]
pub struct SdkSts {
    pub region: String,
    pub endpoint_url: Option<String>,
    /// Attempts per call, including the first (throttling and transient errors only).
    pub max_attempts: u32,
    /// A client whose transport and interceptors every STS call goes through instead of a
    /// fresh HTTPS client (recorded responses in tests). Signing credentials, retries and
    /// timeouts are still set per call, as in production.
    over: Option<aws_sdk_sts::Client>,
    /// The same for the SSO portal and SSO OIDC calls.
    over_sso: Option<(aws_sdk_sso::Client, aws_sdk_ssooidc::Client)>,
    /// Endpoint overrides of the SSO portal and SSO OIDC (`AWS_ENDPOINT_URL_SSO`,
    /// `AWS_ENDPOINT_URL_SSO_OIDC`, else `AWS_ENDPOINT_URL`).
    pub sso_endpoint_url: Option<String>,
    pub oidc_endpoint_url: Option<String>,
}

impl SdkSts {
    pub fn new(region: impl Into<String>, endpoint_url: Option<String>) -> SdkSts {
        SdkSts {
            region: region.into(),
            endpoint_url,
            max_attempts: 3,
            over: None,
            over_sso: None,
            sso_endpoint_url: None,
            oidc_endpoint_url: None,
        }
    }

    /// STS calls through `client`'s transport and interceptors (aws-smithy-mocks in
    /// `tests/sts_recorded.rs`); everything else as [`SdkSts::new`].
    #[doc(hidden)]
    pub fn over_client(client: aws_sdk_sts::Client) -> SdkSts {
        let region = client
            .config()
            .region()
            .map_or_else(|| "us-east-1".to_string(), |r| r.to_string());
        SdkSts {
            over: Some(client),
            ..SdkSts::new(region, None)
        }
    }

    /// SSO portal and OIDC calls through these clients' transports (aws-smithy-mocks in
    /// `tests/sso_recorded.rs`); the region and retries of each call as in production.
    #[doc(hidden)]
    pub fn with_sso_clients(
        mut self,
        sso: aws_sdk_sso::Client,
        oidc: aws_sdk_ssooidc::Client,
    ) -> SdkSts {
        self.over_sso = Some((sso, oidc));
        self
    }

    /// Configuration of an unsigned call (the SSO portal and OIDC take a bearer token or a
    /// client secret in the request, not SigV4).
    fn anonymous_config(&self, region: &str, endpoint: Option<&String>) -> aws_config::SdkConfig {
        let mut b = aws_config::SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(aws_config::Region::new(region.to_string()))
            .retry_config(self.retry_config())
            .timeout_config(Self::timeout_config());
        if let Some(e) = endpoint {
            b = b.endpoint_url(e.clone());
        }
        b.build()
    }

    fn sso_client(&self, region: &str) -> aws_sdk_sso::Client {
        match &self.over_sso {
            Some((c, _)) => aws_sdk_sso::Client::from_conf(
                c.config()
                    .to_builder()
                    .region(aws_config::Region::new(region.to_string()))
                    .retry_config(self.retry_config())
                    .build(),
            ),
            None => aws_sdk_sso::Client::new(
                &self.anonymous_config(region, self.sso_endpoint_url.as_ref()),
            ),
        }
    }

    fn oidc_client(&self, region: &str) -> aws_sdk_ssooidc::Client {
        match &self.over_sso {
            Some((_, c)) => aws_sdk_ssooidc::Client::from_conf(
                c.config()
                    .to_builder()
                    .region(aws_config::Region::new(region.to_string()))
                    .retry_config(self.retry_config())
                    .build(),
            ),
            None => aws_sdk_ssooidc::Client::new(
                &self.anonymous_config(region, self.oidc_endpoint_url.as_ref()),
            ),
        }
    }

    /// `sts:GetCallerIdentity` signed with `with`: (account, ARN).
    pub fn caller_identity(&self, with: &Credentials) -> Result<(String, String), StsCallError> {
        Self::block_on(async {
            let out = self
                .sts(with)
                .get_caller_identity()
                .send()
                .await
                .map_err(call_error)?;
            Ok((
                out.account().unwrap_or_default().to_string(),
                out.arn().unwrap_or_default().to_string(),
            ))
        })?
    }

    /// `iam:CreateAccessKey` for the caller's own user, signed with `with`: the new key.
    pub fn create_access_key(&self, with: &Credentials) -> Result<Credentials, StsCallError> {
        let iam = aws_sdk_iam::Client::new(&self.sdk_config(with));
        Self::block_on(async move {
            let out = iam.create_access_key().send().await.map_err(call_error)?;
            let k = out
                .access_key()
                .ok_or_else(|| local_error("MissingAccessKey", "the response has no access key"))?;
            Ok(Credentials {
                access_key_id: k.access_key_id().to_string(),
                secret_access_key: Secret::new(k.secret_access_key()),
                session_token: None,
                expiration: None,
            })
        })?
    }

    /// `iam:DeleteAccessKey` of the caller's own key `access_key_id`, signed with `with`.
    pub fn delete_access_key(
        &self,
        with: &Credentials,
        access_key_id: &str,
    ) -> Result<(), StsCallError> {
        let iam = aws_sdk_iam::Client::new(&self.sdk_config(with));
        let id = access_key_id.to_string();
        Self::block_on(async move {
            iam.delete_access_key()
                .access_key_id(id)
                .send()
                .await
                .map(|_| ())
                .map_err(call_error)
        })?
    }

    fn retry_config(&self) -> RetryConfig {
        RetryConfig::standard()
            .with_max_attempts(self.max_attempts.max(1))
            .with_initial_backoff(Duration::from_millis(200))
    }

    fn timeout_config() -> TimeoutConfig {
        TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(5))
            .operation_attempt_timeout(Duration::from_secs(20))
            .build()
    }

    /// The STS client for one call signed with `with`.
    fn sts(&self, with: &Credentials) -> aws_sdk_sts::Client {
        match &self.over {
            Some(c) => aws_sdk_sts::Client::from_conf(
                c.config()
                    .to_builder()
                    .credentials_provider(provider(with))
                    .retry_config(self.retry_config())
                    .timeout_config(Self::timeout_config())
                    .build(),
            ),
            None => aws_sdk_sts::Client::new(&self.sdk_config(with)),
        }
    }

    /// Region and endpoint from the environment the way the AWS CLI reads them, with
    /// `profile_region` (the profile's `region`) before the `us-east-1` fallback.
    pub fn from_env(profile_region: Option<&str>) -> SdkSts {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let region = var("AWS_REGION")
            .or_else(|| var("AWS_DEFAULT_REGION"))
            .or_else(|| profile_region.map(str::to_string))
            .unwrap_or_else(|| "us-east-1".to_string());
        let endpoint = var("AWS_ENDPOINT_URL_STS").or_else(|| var("AWS_ENDPOINT_URL"));
        SdkSts {
            sso_endpoint_url: var("AWS_ENDPOINT_URL_SSO").or_else(|| var("AWS_ENDPOINT_URL")),
            oidc_endpoint_url: var("AWS_ENDPOINT_URL_SSO_OIDC").or_else(|| var("AWS_ENDPOINT_URL")),
            ..SdkSts::new(region, endpoint)
        }
    }

    fn sdk_config(&self, with: &Credentials) -> aws_config::SdkConfig {
        let mut b = aws_config::SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(aws_config::Region::new(self.region.clone()))
            .credentials_provider(
                aws_credential_types::provider::SharedCredentialsProvider::new(provider(with)),
            )
            .retry_config(self.retry_config())
            .timeout_config(Self::timeout_config());
        if let Some(e) = &self.endpoint_url {
            b = b.endpoint_url(e.clone());
        }
        b.build()
    }

    fn block_on<F: std::future::Future>(fut: F) -> Result<F::Output, StsCallError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| local_error("Runtime", format!("cannot start the async runtime: {e}")))?;
        Ok(rt.block_on(fut))
    }

    /// The organization's active accounts with their Organizations names and IAM aliases,
    /// read with credentials of the management or a delegated administrator account.
    ///
    /// The alias of each account is read with `iam:ListAccountAliases` through `role_name`
    /// assumed in that account (the caller's own account directly), eight accounts at a time;
    /// an alias that cannot be read is that account's error, not the whole listing's.
    pub fn list_org_accounts(
        &self,
        with: &Credentials,
        role_name: &str,
        partition: &str,
    ) -> Result<Vec<OrgAccount>, StsCallError> {
        use futures::StreamExt;
        let client = aws_sdk_organizations::Client::new(&self.sdk_config(with));
        Self::block_on(async move {
            let mut accounts = Vec::new();
            let mut pages = client.list_accounts().into_paginator().send();
            while let Some(page) = pages.next().await {
                let page = page.map_err(call_error)?;
                for a in page.accounts() {
                    let status = a.status().map(|s| s.as_str().to_string());
                    if status.as_deref().is_some_and(|s| s != "ACTIVE") {
                        continue;
                    }
                    if let Some(id) = a.id() {
                        accounts.push((id.to_string(), a.name().map(str::to_string)));
                    }
                }
            }
            let caller = self
                .sts(with)
                .get_caller_identity()
                .send()
                .await
                .ok()
                .and_then(|o| o.account().map(str::to_string));
            let out = futures::stream::iter(accounts)
                .map(|(id, name)| {
                    let own = caller.as_deref() == Some(id.as_str());
                    async move {
                        let alias = self
                            .account_alias(with, &id, own, role_name, partition)
                            .await;
                        OrgAccount { id, name, alias }
                    }
                })
                .buffered(8)
                .collect::<Vec<_>>()
                .await;
            Ok(out)
        })?
    }

    /// The IAM alias of account `id`: with `with` itself when it is the caller's account
    /// (`own`), else through `role_name` assumed there.
    async fn account_alias(
        &self,
        with: &Credentials,
        id: &str,
        own: bool,
        role_name: &str,
        partition: &str,
    ) -> Result<Option<String>, StsCallError> {
        let creds = if own {
            with.clone()
        } else {
            let req = AssumeRoleRequest {
                role_arn: format!("arn:{partition}:iam::{id}:role/{role_name}"),
                role_session_name: "yagura-profiles".to_string(),
                external_id: None,
                duration_seconds: 900,
                mfa: None,
            };
            self.assume(with, &req).await?
        };
        let iam = aws_sdk_iam::Client::new(&self.sdk_config(&creds));
        let out = iam
            .list_account_aliases()
            .send()
            .await
            .map_err(call_error)?;
        Ok(out.account_aliases().first().cloned())
    }

    async fn assume(
        &self,
        with: &Credentials,
        request: &AssumeRoleRequest,
    ) -> Result<Credentials, StsCallError> {
        let client = self.sts(with);
        let mut req = client
            .assume_role()
            .role_arn(request.role_arn.clone())
            .role_session_name(request.role_session_name.clone())
            .duration_seconds(seconds(request.duration_seconds));
        if let Some(x) = &request.external_id {
            req = req.external_id(x.clone());
        }
        if let Some(m) = &request.mfa {
            req = req
                .serial_number(m.serial.clone())
                .token_code(m.code.expose().to_string());
        }
        let out = req.send().await.map_err(call_error)?;
        to_creds(out.credentials())
    }
}

/// An account of the Organization, for switch-role profiles.
#[derive(Debug, Clone)]
pub struct OrgAccount {
    pub id: String,
    /// The account's name in AWS Organizations.
    pub name: Option<String>,
    /// The account's IAM alias (`None`: it has none), or why it could not be read.
    pub alias: Result<Option<String>, StsCallError>,
}

fn to_creds(c: Option<&aws_sdk_sts::types::Credentials>) -> Result<Credentials, StsCallError> {
    let c =
        c.ok_or_else(|| local_error("MissingCredentials", "the response has no credentials"))?;
    let exp = c.expiration();
    let expiration = jiff::Timestamp::new(exp.secs(), exp.subsec_nanos() as i32).map_err(|e| {
        local_error(
            "BadExpiration",
            format!("the expiration is out of range: {e}"),
        )
    })?;
    Ok(Credentials {
        access_key_id: c.access_key_id().to_string(),
        secret_access_key: Secret::new(c.secret_access_key()),
        session_token: Some(Secret::new(c.session_token())),
        expiration: Some(expiration),
    })
}

fn seconds(d: u32) -> i32 {
    i32::try_from(d).unwrap_or(i32::MAX)
}

impl yagura_creds::Sts for SdkSts {
    type Error = StsCallError;

    fn get_session_token(
        &self,
        source: &Credentials,
        mfa: Option<&MfaCode>,
        duration_seconds: u32,
    ) -> Result<Credentials, StsCallError> {
        let client = self.sts(source);
        let mut req = client
            .get_session_token()
            .duration_seconds(seconds(duration_seconds));
        if let Some(m) = mfa {
            req = req
                .serial_number(m.serial.clone())
                .token_code(m.code.expose().to_string());
        }
        Self::block_on(async move {
            let out = req.send().await.map_err(call_error)?;
            to_creds(out.credentials())
        })?
    }

    fn assume_role(
        &self,
        with: &Credentials,
        request: &AssumeRoleRequest,
    ) -> Result<Credentials, StsCallError> {
        Self::block_on(self.assume(with, request))?
    }

    fn caller_arn(&self, with: &Credentials) -> Option<String> {
        self.caller_identity(with)
            .ok()
            .map(|(_, arn)| arn)
            .filter(|a| !a.is_empty())
    }
}

impl yagura_creds::SsoApi for SdkSts {
    fn role_credentials(
        &self,
        region: &str,
        access_token: &Secret,
        account_id: &str,
        role_name: &str,
    ) -> Result<Credentials, String> {
        let client = self.sso_client(region);
        let req = client
            .get_role_credentials()
            .access_token(access_token.expose())
            .account_id(account_id)
            .role_name(role_name);
        Self::block_on(async move {
            let out = req.send().await.map_err(call_error)?;
            let c = out.role_credentials().ok_or_else(|| {
                local_error("MissingCredentials", "the response has no role credentials")
            })?;
            let (Some(id), Some(secret)) = (c.access_key_id(), c.secret_access_key()) else {
                return Err(local_error(
                    "MissingCredentials",
                    "the response lacks the access key id or the secret key",
                ));
            };
            let expiration = jiff::Timestamp::from_millisecond(c.expiration()).map_err(|e| {
                local_error(
                    "BadExpiration",
                    format!("the expiration is out of range: {e}"),
                )
            })?;
            Ok(Credentials {
                access_key_id: id.to_string(),
                secret_access_key: Secret::new(secret),
                session_token: c.session_token().map(Secret::new),
                expiration: Some(expiration),
            })
        })
        .and_then(|r| r)
        .map_err(|e| format!("{}: {}", e.code, e.message))
    }

    fn refresh_token(
        &self,
        region: &str,
        client_id: &str,
        client_secret: &Secret,
        refresh_token: &Secret,
    ) -> Result<yagura_creds::RefreshedToken, String> {
        let client = self.oidc_client(region);
        let req = client
            .create_token()
            .client_id(client_id)
            .client_secret(client_secret.expose())
            .grant_type("refresh_token")
            .refresh_token(refresh_token.expose());
        Self::block_on(async move {
            let out = req.send().await.map_err(call_error)?;
            let token = out
                .access_token()
                .ok_or_else(|| local_error("MissingToken", "the response has no access token"))?;
            Ok(yagura_creds::RefreshedToken {
                access_token: Secret::new(token),
                refresh_token: out.refresh_token().map(Secret::new),
                expires_in_seconds: i64::from(out.expires_in()),
            })
        })
        .and_then(|r| r)
        .map_err(|e| format!("{}: {}", e.code, e.message))
    }
}

/// A failed HTTPS GET (the console federation endpoint). Never contains the URL, which may
/// carry a session.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HttpError {
    #[error("only https URLs are fetched")]
    NotHttps,
    #[error("bad URL: {0}")]
    Url(String),
    #[error("cannot load the system's root certificates: {0}")]
    Roots(std::io::Error),
    #[error("request failed: {0}")]
    Request(String),
    #[error("the server answered HTTP {0}")]
    Status(u16),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
}

/// GETs an HTTPS URL (system roots, HTTP/1.1, 20 s timeout) and returns the body as text, at
/// most 1 MiB.
pub fn https_get(url: &str) -> Result<String, HttpError> {
    get(url, false)
}

/// [`https_get`], which also accepts plain `http://` to a loopback address (`127.0.0.1`,
/// `[::1]`, `localhost`): a local stand-in for the federation endpoint in tests.
pub fn https_or_loopback_get(url: &str) -> Result<String, HttpError> {
    get(url, true)
}

fn get(url: &str, loopback_http: bool) -> Result<String, HttpError> {
    use http_body_util::{BodyExt, Empty, Limited};
    let uri: hyper::Uri = url
        .parse()
        .map_err(|e: hyper::http::uri::InvalidUri| HttpError::Url(e.to_string()))?;
    let loopback = matches!(
        uri.host(),
        Some("127.0.0.1" | "[::1]" | "::1" | "localhost")
    );
    let plain = uri.scheme_str() == Some("http") && loopback && loopback_http;
    if uri.scheme_str() != Some("https") && !plain {
        return Err(HttpError::NotHttps);
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(HttpError::Runtime)?;
    rt.block_on(async move {
        let roots = hyper_rustls::HttpsConnectorBuilder::new()
            .with_native_roots()
            .map_err(HttpError::Roots)?;
        let https = if plain {
            roots.https_or_http().enable_http1().build()
        } else {
            roots.https_only().enable_http1().build()
        };
        let client =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build::<_, Empty<hyper::body::Bytes>>(https);
        let fut = async {
            let resp = client
                .get(uri)
                .await
                .map_err(|e| HttpError::Request(e.to_string()))?;
            let status = resp.status().as_u16();
            if status != 200 {
                return Err(HttpError::Status(status));
            }
            let body = Limited::new(resp.into_body(), 1 << 20)
                .collect()
                .await
                .map_err(|e| HttpError::Request(e.to_string()))?
                .to_bytes();
            Ok(String::from_utf8_lossy(&body).into_owned())
        };
        tokio::time::timeout(Duration::from_secs(20), fut)
            .await
            .map_err(|_| HttpError::Request("timed out after 20 s".to_string()))?
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn error_display_is_the_advice_with_the_code() {
        let e = StsCallError {
            code: "AccessDenied".to_string(),
            message: "MultiFactorAuthentication failed with invalid MFA one time pass code."
                .to_string(),
        };
        let s = e.to_string();
        assert!(s.contains("the MFA code is wrong"), "{s}");
        assert!(s.contains("AccessDenied"), "{s}");
    }
}
