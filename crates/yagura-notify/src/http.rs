//! Webhook posts (through `yagura-http`): POST a JSON body, read the status, `Retry-After` and
//! the start of the answer. Errors never carry the URL.

use std::time::Duration;
use yagura_core::{Secret, Text};

/// An HTTP error in English and Japanese.
fn error_text(e: &yagura_http::HttpError) -> Text {
    Text::owned(e.to_string(), e.ja())
}

/// What the server answered.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub status: u16,
    pub retry_after: Option<Duration>,
    /// The first 200 characters of the body, one line.
    pub body: String,
}

/// Webhooks go through the workspace's HTTP client (`yagura-http`: the proxies of the
/// environment, `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`, honoured), following no redirect.
pub(crate) struct HttpClient {
    client: yagura_http::Client,
}

impl HttpClient {
    pub(crate) fn new() -> Result<HttpClient, Text> {
        // Each post has its own timeout; this bound only backs it up.
        yagura_http::Client::without_redirects(Duration::from_secs(3600))
            .map(|client| HttpClient { client })
            .map_err(|e| error_text(&e))
    }

    /// POSTs `body` as JSON. `Err` is a transport failure (connection refused, TLS, proxy,
    /// timeout), described without the URL.
    pub(crate) async fn post_json(
        &self,
        url: &Secret,
        headers: &[(String, &Secret)],
        body: Vec<u8>,
        timeout: Duration,
    ) -> Result<Answer, Text> {
        let headers: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.expose()))
            .collect();
        let a = self
            .client
            .post(
                url.expose(),
                "application/json; charset=utf-8",
                &headers,
                body,
                64 * 1024,
                timeout,
            )
            .await
            .map_err(|e| error_text(&e))?;
        let body: String = String::from_utf8_lossy(&a.body).chars().take(200).collect();
        Ok(Answer {
            status: a.status,
            retry_after: a.retry_after.as_deref().and_then(parse_retry_after),
            body: yagura_core::escape::one_line(&body).trim().to_string(),
        })
    }
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
