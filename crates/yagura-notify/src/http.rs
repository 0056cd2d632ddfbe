//! A small HTTPS client over the workspace's one HTTP/TLS stack (hyper 1, hyper-util,
//! hyper-rustls, rustls on aws-lc-rs with the system's roots): POST a JSON body, read the
//! status, `Retry-After` and the start of the answer. Errors never carry the URL.

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use std::sync::Arc;
use std::time::Duration;
use yagura_core::Secret;

/// The TLS configuration shared by HTTPS and SMTP: the system's root certificates, aws-lc-rs.
pub(crate) fn tls_config() -> Result<Arc<rustls::ClientConfig>, String> {
    let mut roots = rustls::RootCertStore::empty();
    let loaded = rustls_native_certs::load_native_certs();
    for cert in loaded.certs {
        // A certificate the store cannot parse is skipped, as browsers do.
        let _ = roots.add(cert);
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let cfg = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot set up TLS: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(cfg))
}

/// What the server answered.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub status: u16,
    pub retry_after: Option<Duration>,
    /// The first 200 characters of the body, one line.
    pub body: String,
}

pub(crate) struct HttpClient {
    client: Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>,
}

impl HttpClient {
    pub(crate) fn new(tls: Arc<rustls::ClientConfig>) -> HttpClient {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(Duration::from_secs(10)));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config((*tls).clone())
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let client = Client::builder(hyper_util::rt::TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build(https);
        HttpClient { client }
    }

    /// POSTs `body` as JSON. `Err` is a transport failure (connection refused, TLS, timeout),
    /// described without the URL.
    pub(crate) async fn post_json(
        &self,
        url: &Secret,
        headers: &[(String, &Secret)],
        body: Vec<u8>,
        timeout: Duration,
    ) -> Result<Answer, String> {
        let uri: hyper::Uri = url
            .expose()
            .parse()
            .map_err(|_| "the URL is not valid".to_string())?;
        let mut req = hyper::Request::post(uri)
            .header(
                hyper::header::CONTENT_TYPE,
                "application/json; charset=utf-8",
            )
            .header(
                hyper::header::USER_AGENT,
                concat!("yagura/", env!("CARGO_PKG_VERSION")),
            );
        for (k, v) in headers {
            req = req.header(k.as_str(), v.expose());
        }
        let req = req.body(Full::new(Bytes::from(body))).map_err(|_| {
            "cannot build the request (a header name or value is invalid)".to_string()
        })?;
        let fut = async {
            let resp = self.client.request(req).await.map_err(describe)?;
            let status = resp.status().as_u16();
            let retry_after = resp
                .headers()
                .get(hyper::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_retry_after);
            let bytes = Limited::new(resp.into_body(), 64 * 1024)
                .collect()
                .await
                .map(|b| b.to_bytes())
                .unwrap_or_default();
            let body: String = String::from_utf8_lossy(&bytes).chars().take(200).collect();
            let body = yagura_core::escape::one_line(&body);
            Ok(Answer {
                status,
                retry_after,
                body: body.trim().to_string(),
            })
        };
        match tokio::time::timeout(timeout, fut).await {
            Ok(r) => r,
            Err(_) => Err(format!("no answer within {} s", timeout.as_secs())),
        }
    }
}

/// A transport error as a short cause: the innermost error's text (connection refused, a
/// certificate problem), never the request.
fn describe(e: hyper_util::client::legacy::Error) -> String {
    let mut cause: &dyn std::error::Error = &e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    let what = if e.is_connect() {
        "cannot connect"
    } else {
        "the request failed"
    };
    format!("{what}: {cause}")
}

/// `Retry-After`: seconds, or an HTTP date.
pub(crate) fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when =
        time::OffsetDateTime::parse(v, &time::format_description::well_known::Rfc2822).ok()?;
    let now = time::OffsetDateTime::now_utc();
    let secs = (when - now).whole_seconds();
    Some(Duration::from_secs(u64::try_from(secs).unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }
}
