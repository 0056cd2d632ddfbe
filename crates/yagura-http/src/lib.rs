//! The workspace's one HTTP client: reqwest over the AWS SDK's own stack (hyper 1 + rustls 0.23
//! on aws-lc-rs, the platform's root certificates), with the proxies of the environment
//! (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`, upper or lower case) honoured.
//!
//! [`Client::get`] downloads a bounded body with conditional requests (`If-None-Match`,
//! `If-Modified-Since`), reports progress through a callback and refuses a body cut short.
//! [`Client::post`] sends a body (a notification) and keeps the status, `Retry-After` and the
//! start of the answer; a client for posts follows no redirect (a webhook that redirects would
//! hand its payload to another host).
//! Errors never carry the URL (a webhook URL is a secret): callers say what they fetched.
// Only the binary prints (ARCHITECTURE.md): a library returns data and typed errors.
#![deny(clippy::print_stdout, clippy::print_stderr)]

use std::time::Duration;

/// The validators of a cached copy, sent as a conditional request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What a GET returned.
#[derive(Debug, Clone, Default)]
pub struct Download {
    pub status: u16,
    /// `304 Not Modified`: the cached copy is current; `body` is empty.
    pub not_modified: bool,
    pub body: Vec<u8>,
    /// The validators to send next time.
    pub validators: Validators,
    /// Every response header, names lower-cased (values that are not text are left out).
    pub headers: Vec<(String, String)>,
}

impl Download {
    /// The first value of a header (name in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What a POST was answered.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    pub status: u16,
    /// The `Retry-After` header as sent.
    pub retry_after: Option<String>,
    /// The start of the body (at most the limit given to [`Client::post`]).
    pub body: Vec<u8>,
}

/// An HTTP error, described without the URL.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HttpError {
    #[error("cannot set up the HTTP client: {0}")]
    Setup(String),
    #[error("the URL is not valid")]
    BadUrl,
    #[error("{0}")]
    Transport(String),
    /// The connection could not be made (refused, no route, TLS, proxy): the innermost cause.
    #[error("cannot connect: {0}")]
    Connect(String),
    #[error("the server did not answer in time")]
    NoAnswer,
    #[error("the server answered HTTP {0}")]
    Status(u16),
    #[error("the answer is larger than {0} bytes")]
    TooLarge(u64),
    #[error("the answer was cut short: {got} of {expected} bytes")]
    Truncated { got: u64, expected: u64 },
    #[error("no answer within {0} s")]
    Timeout(u64),
}

impl HttpError {
    /// The error in a Japanese sentence (the operating system's or the TLS library's words
    /// quoted in 「」 as they were written).
    pub fn ja(&self) -> String {
        match self {
            HttpError::Setup(why) => format!("HTTP クライアントを準備できません:「{why}」"),
            HttpError::BadUrl => "URL が有効ではありません".to_string(),
            HttpError::Transport(why) => format!("通信に失敗しました:「{why}」"),
            HttpError::Connect(why) => format!("接続できません:「{why}」"),
            HttpError::NoAnswer => "サーバーが時間内に応答しませんでした".to_string(),
            HttpError::Status(s) => format!("サーバーが HTTP {s} で応答しました"),
            HttpError::TooLarge(n) => format!("応答が {n} バイトを超えています"),
            HttpError::Truncated { got, expected } => {
                format!("応答が途中で切れました({expected} バイトのうち {got} バイト)")
            }
            HttpError::Timeout(s) => format!("{s} 秒以内に応答がありません"),
        }
    }
}

/// The HTTP client (cheap to clone: connections are pooled and shared).
#[derive(Debug, Clone)]
pub struct Client {
    inner: reqwest::Client,
    timeout: Duration,
}

impl Client {
    /// A client with yagura's user agent, a 15 s connect timeout, a 60 s read timeout between
    /// two pieces of an answer, and `total` as the bound of a whole request.
    pub fn new(total: Duration) -> Result<Client, HttpError> {
        Client::build(total, reqwest::redirect::Policy::limited(5))
    }

    /// Like [`Client::new`], following no redirect: for [`Client::post`].
    pub fn without_redirects(total: Duration) -> Result<Client, HttpError> {
        Client::build(total, reqwest::redirect::Policy::none())
    }

    fn build(total: Duration, redirect: reqwest::redirect::Policy) -> Result<Client, HttpError> {
        let inner = reqwest::Client::builder()
            .user_agent(concat!("yagura/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(15))
            .read_timeout(Duration::from_secs(60))
            .redirect(redirect)
            .tls_backend_rustls()
            .build()
            .map_err(|e| HttpError::Setup(innermost(&e)))?;
        Ok(Client {
            inner,
            timeout: total,
        })
    }

    /// GETs `url`, at most `limit` bytes of body, sending `validators` as a conditional
    /// request. `progress(received, expected)` is called as the body arrives. A status other
    /// than 2xx or 304 is an error; so is a body shorter than its `Content-Length`.
    pub async fn get(
        &self,
        url: &str,
        validators: &Validators,
        limit: u64,
        progress: &mut (dyn FnMut(u64, Option<u64>) + Send),
    ) -> Result<Download, HttpError> {
        let url = reqwest::Url::parse(url).map_err(|_| HttpError::BadUrl)?;
        let mut req = self.inner.get(url);
        if let Some(e) = &validators.etag {
            req = req.header(reqwest::header::IF_NONE_MATCH, e.as_str());
        }
        if let Some(m) = &validators.last_modified {
            req = req.header(reqwest::header::IF_MODIFIED_SINCE, m.as_str());
        }
        let fut = async {
            let mut resp = send(req).await?;
            let status = resp.status().as_u16();
            let headers: Vec<(String, String)> = resp
                .headers()
                .iter()
                .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
                .collect();
            let get = |name: &str| {
                headers
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
            };
            let got_validators = Validators {
                etag: get("etag"),
                last_modified: get("last-modified"),
            };
            if status == 304 {
                return Ok(Download {
                    status,
                    not_modified: true,
                    body: Vec::new(),
                    validators: Validators {
                        etag: got_validators.etag.or_else(|| validators.etag.clone()),
                        last_modified: got_validators
                            .last_modified
                            .or_else(|| validators.last_modified.clone()),
                    },
                    headers,
                });
            }
            if !(200..300).contains(&status) {
                return Err(HttpError::Status(status));
            }
            let expected = resp.content_length();
            if expected.is_some_and(|n| n > limit) {
                return Err(HttpError::TooLarge(limit));
            }
            let cap = expected.unwrap_or(0).min(limit).min(64 << 20);
            let mut body = Vec::with_capacity(usize::try_from(cap).unwrap_or(0));
            progress(0, expected);
            loop {
                let chunk = resp.chunk().await.map_err(|e| {
                    if e.is_timeout() {
                        HttpError::Timeout(60)
                    } else {
                        match expected {
                            Some(n) => HttpError::Truncated {
                                got: body.len() as u64,
                                expected: n,
                            },
                            None => transport(&e),
                        }
                    }
                })?;
                let Some(chunk) = chunk else { break };
                if body.len() as u64 + chunk.len() as u64 > limit {
                    return Err(HttpError::TooLarge(limit));
                }
                body.extend_from_slice(&chunk);
                progress(body.len() as u64, expected);
            }
            if let Some(n) = expected {
                if body.len() as u64 != n {
                    return Err(HttpError::Truncated {
                        got: body.len() as u64,
                        expected: n,
                    });
                }
            }
            Ok(Download {
                status,
                not_modified: false,
                body,
                validators: got_validators,
                headers,
            })
        };
        match tokio::time::timeout(self.timeout, fut).await {
            Ok(r) => r,
            Err(_) => Err(HttpError::Timeout(self.timeout.as_secs())),
        }
    }
}

impl Client {
    /// POSTs `body` with `content_type` and `headers`, within `timeout`; keeps at most `limit`
    /// bytes of the answer. Any status is an answer; `Err` is a transport failure (connection
    /// refused, TLS, proxy, timeout), described without the URL.
    pub async fn post(
        &self,
        url: &str,
        content_type: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
        limit: usize,
        timeout: Duration,
    ) -> Result<Answer, HttpError> {
        let url = reqwest::Url::parse(url).map_err(|_| HttpError::BadUrl)?;
        let mut req = self
            .inner
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let fut = async {
            let mut resp = send(req).await?;
            let status = resp.status().as_u16();
            let retry_after = resp
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let mut kept = Vec::new();
            // The start of the answer is enough to say why; a broken body is no error.
            while kept.len() < limit {
                match resp.chunk().await {
                    Ok(Some(c)) => kept.extend_from_slice(&c[..c.len().min(limit - kept.len())]),
                    Ok(None) | Err(_) => break,
                }
            }
            Ok(Answer {
                status,
                retry_after,
                body: kept,
            })
        };
        match tokio::time::timeout(timeout, fut).await {
            Ok(r) => r,
            Err(_) => Err(HttpError::Timeout(timeout.as_secs())),
        }
    }
}

/// Sends `req`; a transport failure is [`transport`]'s error.
async fn send(req: reqwest::RequestBuilder) -> Result<reqwest::Response, HttpError> {
    req.send().await.map_err(|e| transport(&e))
}

/// A transport error by its kind, with the innermost error's text, without the URL.
fn transport(e: &reqwest::Error) -> HttpError {
    if e.is_connect() {
        HttpError::Connect(innermost(e))
    } else if e.is_timeout() {
        HttpError::NoAnswer
    } else {
        HttpError::Transport(innermost(e))
    }
}

/// The innermost error's text (the URL is only in the outer ones).
fn innermost(e: &reqwest::Error) -> String {
    let mut inner: &dyn std::error::Error = e;
    while let Some(next) = inner.source() {
        inner = next;
    }
    inner.to_string()
}
