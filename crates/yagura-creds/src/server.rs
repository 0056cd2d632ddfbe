//! `yagura creds server`: a credentials endpoint on loopback for tools that know no
//! `credential_process` (as aws-vault's `--server` / `--ecs-server`), speaking the protocols
//! the AWS SDKs and the AWS CLI already use:
//!
//! - the container credentials provider (`AWS_CONTAINER_CREDENTIALS_FULL_URI` +
//!   `AWS_CONTAINER_AUTHORIZATION_TOKEN`): `GET <path>` with `Authorization: <token>`, a
//!   random token of 256 bits compared in constant time;
//! - with `imds`, the EC2 instance metadata service (IMDSv2 only,
//!   `AWS_EC2_METADATA_SERVICE_ENDPOINT`): `PUT /latest/api/token`, then
//!   `GET /latest/meta-data/iam/security-credentials/[ROLE]` with the session token. A request
//!   with `X-Forwarded-For` is refused, as IMDS does, so a proxy cannot relay to it.
//!
//! Every request must name a loopback `Host` (no DNS rebinding from a browser). Requests are
//! read with budgets (16 KiB of headers, 64 headers, no body, 5 s), one thread per connection,
//! at most 32 at once. Credentials come from a callback (the credential flow, cached), so they
//! are refreshed as they expire.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use serde::Serialize;

use crate::credentials::Credentials;
use yagura_core::Secret;

/// Largest request head read.
pub const MAX_HEAD: usize = 16 * 1024;
const MAX_HEADERS: usize = 64;
const MAX_CONNECTIONS: usize = 32;

/// A parsed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Names lowercased.
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Why a request was refused before routing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    #[error("request head larger than {MAX_HEAD} bytes")]
    TooLarge,
    #[error("more than {MAX_HEADERS} headers")]
    TooManyHeaders,
    #[error("malformed request: {0}")]
    Malformed(&'static str),
    #[error("requests with a body are not accepted")]
    Body,
}

/// Parses a request head. `Ok(None)`: incomplete, read more.
pub fn parse_request(buf: &[u8]) -> Result<Option<Request>, RequestError> {
    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
        return if buf.len() > MAX_HEAD {
            Err(RequestError::TooLarge)
        } else {
            Ok(None)
        };
    };
    if end > MAX_HEAD {
        return Err(RequestError::TooLarge);
    }
    let head = std::str::from_utf8(buf.get(..end).unwrap_or_default())
        .map_err(|_| RequestError::Malformed("not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let first = lines
        .next()
        .ok_or(RequestError::Malformed("no request line"))?;
    let mut parts = first.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(RequestError::Malformed("bad request line"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(RequestError::Malformed("not HTTP/1.x"));
    }
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(RequestError::Malformed("bad method"));
    }
    if !target.starts_with('/') {
        return Err(RequestError::Malformed("bad target"));
    }
    let path = target.split('?').next().unwrap_or(target).to_string();
    let mut headers = Vec::new();
    for line in lines {
        if headers.len() >= MAX_HEADERS {
            return Err(RequestError::TooManyHeaders);
        }
        let (k, v) = line
            .split_once(':')
            .ok_or(RequestError::Malformed("bad header line"))?;
        if k.is_empty() || k.contains([' ', '\t']) {
            return Err(RequestError::Malformed("bad header name"));
        }
        headers.push((k.to_ascii_lowercase(), v.trim().to_string()));
    }
    let req = Request {
        method: method.to_string(),
        path,
        headers,
    };
    let body = req
        .header("content-length")
        .is_some_and(|l| l.trim() != "0")
        || req.header("transfer-encoding").is_some();
    if body {
        return Err(RequestError::Body);
    }
    Ok(Some(req))
}

/// A response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    /// A secret for credential answers and the IMDS token; `Debug` hides it.
    pub body: Secret,
}

impl Response {
    fn text(status: u16, body: &str) -> Response {
        Response {
            status,
            content_type: "text/plain",
            body: Secret::new(body),
        }
    }

    /// The bytes on the wire (HTTP/1.1, `Connection: close`).
    pub fn to_bytes(&self) -> Vec<u8> {
        let reason = match self.status {
            200 => "OK",
            400 => "Bad Request",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            405 => "Method Not Allowed",
            _ => "Internal Server Error",
        };
        let mut out = format!(
            "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n",
            self.status,
            self.content_type,
            self.body.expose().len()
        )
        .into_bytes();
        out.extend_from_slice(self.body.expose().as_bytes());
        out
    }
}

/// The server's settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The container endpoint's path (`/creds`).
    pub container_path: String,
    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
    pub token: Secret,
    /// Answer the IMDS paths too.
    pub imds: bool,
    /// The IMDSv2 session token handed out on `PUT /latest/api/token`.
    pub imds_token: Secret,
    /// The "role" name IMDS lists (the profile's).
    pub role_name: String,
    /// The port, for the `Host` check.
    pub port: u16,
}

/// A fresh random token (256 bits, hex).
pub fn random_token() -> Result<Secret, std::io::Error> {
    let mut b = [0u8; 32];
    getrandom::getrandom(&mut b).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(Secret::new(
        b.iter().map(|x| format!("{x:02x}")).collect::<String>(),
    ))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn loopback_host(host: Option<&str>, port: u16) -> bool {
    let Some(h) = host else { return false };
    // `name`, `name:port`, `[v6]`, `[v6]:port`
    let (name, p) = match h.rsplit_once(':') {
        Some((n, p)) if !h.ends_with(']') => (n, Some(p)),
        _ => (h, None),
    };
    let port_ok = match p {
        None => true,
        Some(p) => p.parse::<u16>().is_ok_and(|p| p == port),
    };
    matches!(name, "127.0.0.1" | "localhost" | "[::1]") && port_ok
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ContainerCreds<'a> {
    access_key_id: &'a str,
    secret_access_key: &'a Secret,
    token: Option<&'a Secret>,
    expiration: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ImdsCreds<'a> {
    code: &'static str,
    last_updated: String,
    #[serde(rename = "Type")]
    kind: &'static str,
    access_key_id: &'a str,
    secret_access_key: &'a Secret,
    token: Option<&'a Secret>,
    expiration: Option<String>,
}

fn json(v: &impl Serialize) -> Response {
    match serde_json::to_string(v) {
        Ok(s) => Response {
            status: 200,
            content_type: "application/json",
            body: Secret::new(s),
        },
        Err(_) => Response::text(500, "cannot serialize the credentials"),
    }
}

/// Answers one request; `creds` is called only for an authorized credentials request.
pub fn respond(
    req: &Request,
    s: &Settings,
    creds: &dyn Fn() -> Result<Credentials, String>,
    now: Timestamp,
) -> Response {
    if !loopback_host(req.header("host"), s.port) {
        return Response::text(403, "the Host header must name the loopback address");
    }
    let fetch = |f: &dyn Fn(&Credentials) -> Response| match creds() {
        Ok(c) => f(&c),
        // the flow's error names the profile and the cause, never a secret
        Err(e) => Response::text(500, &e),
    };
    if req.path == s.container_path {
        if req.method != "GET" {
            return Response::text(405, "GET only");
        }
        let ok = req
            .header("authorization")
            .is_some_and(|t| constant_time_eq(t.as_bytes(), s.token.expose().as_bytes()));
        if !ok {
            return Response::text(401, "missing or wrong Authorization token");
        }
        return fetch(&|c| {
            json(&ContainerCreds {
                access_key_id: &c.access_key_id,
                secret_access_key: &c.secret_access_key,
                token: c.session_token.as_ref(),
                expiration: c.expiration.map(|e| e.to_string()),
            })
        });
    }
    if !s.imds || !req.path.starts_with("/latest/") {
        return Response::text(404, "not found");
    }
    if req.header("x-forwarded-for").is_some() {
        return Response::text(403, "forwarded requests are refused");
    }
    if req.path == "/latest/api/token" {
        if req.method != "PUT" {
            return Response::text(405, "PUT only");
        }
        let ttl = req
            .header("x-aws-ec2-metadata-token-ttl-seconds")
            .and_then(|v| v.parse::<u32>().ok());
        if !ttl.is_some_and(|t| (1..=21_600).contains(&t)) {
            return Response::text(
                400,
                "X-aws-ec2-metadata-token-ttl-seconds must be 1 to 21600",
            );
        }
        return Response {
            status: 200,
            content_type: "text/plain",
            body: s.imds_token.clone(),
        };
    }
    let authorized = req
        .header("x-aws-ec2-metadata-token")
        .is_some_and(|t| constant_time_eq(t.as_bytes(), s.imds_token.expose().as_bytes()));
    if !authorized {
        return Response::text(401, "IMDSv2 only: PUT /latest/api/token first");
    }
    if req.method != "GET" {
        return Response::text(405, "GET only");
    }
    let base = "/latest/meta-data/iam/security-credentials";
    match req.path.strip_prefix(base) {
        Some("" | "/") => Response::text(200, &s.role_name),
        Some(rest) if rest.strip_prefix('/') == Some(s.role_name.as_str()) => fetch(&|c| {
            json(&ImdsCreds {
                code: "Success",
                last_updated: now.to_string(),
                kind: "AWS-HMAC",
                access_key_id: &c.access_key_id,
                secret_access_key: &c.secret_access_key,
                token: c.session_token.as_ref(),
                expiration: c.expiration.map(|e| e.to_string()),
            })
        }),
        _ => Response::text(404, "not found"),
    }
}

fn read_request(conn: &mut TcpStream) -> Result<Request, RequestError> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    loop {
        if let Some(r) = parse_request(&buf)? {
            return Ok(r);
        }
        match conn.read(&mut chunk) {
            Ok(0) | Err(_) => return Err(RequestError::Malformed("connection closed")),
            Ok(n) => buf.extend_from_slice(chunk.get(..n).unwrap_or_default()),
        }
    }
}

/// Serves until `stop` is set (checked between connections; the listener should be
/// non-blocking or get a last connection to wake it). One request per connection.
pub fn serve(
    listener: TcpListener,
    settings: Arc<Settings>,
    creds: Arc<dyn Fn() -> Result<Credentials, String> + Send + Sync>,
    stop: Arc<AtomicBool>,
) -> std::io::Result<()> {
    let active = Arc::new(AtomicUsize::new(0));
    for conn in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(mut conn) = conn else { continue };
        if active.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            let _ = conn.write_all(&Response::text(503, "busy").to_bytes());
            continue;
        }
        active.fetch_add(1, Ordering::SeqCst);
        let (settings, creds, active) = (settings.clone(), creds.clone(), active.clone());
        std::thread::spawn(move || {
            let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
            let _ = conn.set_write_timeout(Some(Duration::from_secs(5)));
            let resp = match read_request(&mut conn) {
                Ok(req) => respond(&req, &settings, &*creds, Timestamp::now()),
                Err(e) => Response::text(400, &e.to_string()),
            };
            let _ = conn.write_all(&resp.to_bytes());
            active.fetch_sub(1, Ordering::SeqCst);
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn settings() -> Settings {
        Settings {
            container_path: "/creds".into(),
            token: Secret::new("t0ken"),
            imds: true,
            imds_token: Secret::new("imds-session"),
            role_name: "dev".into(),
            port: 8080,
        }
    }

    fn req(text: &str) -> Request {
        parse_request(text.as_bytes()).unwrap().unwrap()
    }

    fn creds() -> Result<Credentials, String> {
        Ok(Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: Secret::new("sec"),
            session_token: Some(Secret::new("tok")),
            expiration: Some("2026-11-24T12:00:00Z".parse().unwrap()),
        })
    }

    #[test]
    fn routes() {
        let s = settings();
        let now = Timestamp::UNIX_EPOCH;
        let cases = [
            ("GET /creds HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAuthorization: t0ken\r\n\r\n", 200),
            ("GET /creds HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAuthorization: t0kem\r\n\r\n", 401),
            ("GET /creds HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n", 401),
            ("GET /creds HTTP/1.1\r\nHost: evil.example:8080\r\nAuthorization: t0ken\r\n\r\n", 403),
            ("GET /creds HTTP/1.1\r\nHost: 127.0.0.1:9999\r\nAuthorization: t0ken\r\n\r\n", 403),
            ("PUT /latest/api/token HTTP/1.1\r\nHost: localhost:8080\r\nX-aws-ec2-metadata-token-ttl-seconds: 21600\r\n\r\n", 200),
            ("PUT /latest/api/token HTTP/1.1\r\nHost: localhost:8080\r\nX-aws-ec2-metadata-token-ttl-seconds: 21600\r\nX-Forwarded-For: 1.2.3.4\r\n\r\n", 403),
            ("GET /latest/meta-data/iam/security-credentials/ HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", 401),
            ("GET /latest/meta-data/iam/security-credentials/ HTTP/1.1\r\nHost: [::1]:8080\r\nX-aws-ec2-metadata-token: imds-session\r\n\r\n", 200),
            ("GET /latest/meta-data/iam/security-credentials/dev HTTP/1.1\r\nHost: 127.0.0.1\r\nX-aws-ec2-metadata-token: imds-session\r\n\r\n", 200),
            ("GET /latest/meta-data/iam/security-credentials/other HTTP/1.1\r\nHost: 127.0.0.1\r\nX-aws-ec2-metadata-token: imds-session\r\n\r\n", 404),
            ("GET /elsewhere HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n", 404),
            ("GET /latest/meta-data/iam/security-credentials/ HTTP/1.1\r\nHost: [::1]\r\nX-aws-ec2-metadata-token: imds-session\r\n\r\n", 200),
            ("GET /creds HTTP/1.1\r\nHost: 127.0.0.1:x\r\nAuthorization: t0ken\r\n\r\n", 403),
        ];
        for (text, want) in cases {
            let r = respond(&req(text), &s, &creds, now);
            assert_eq!(r.status, want, "{text}: {}", r.body.expose());
        }
        let r = respond(&req(cases[0].0), &s, &creds, now);
        let v: serde_json::Value = serde_json::from_str(r.body.expose()).unwrap();
        assert_eq!(v["AccessKeyId"], "ASIAEXAMPLE");
        assert_eq!(v["Token"], "tok");
        assert_eq!(v["Expiration"], "2026-11-24T12:00:00Z");
        assert!(!format!("{r:?}").contains("sec"));
    }

    #[test]
    fn budgets() {
        assert_eq!(parse_request(b"GET / HTTP/1.1\r\n").unwrap(), None);
        let big = vec![b'a'; MAX_HEAD + 10];
        assert_eq!(parse_request(&big), Err(RequestError::TooLarge));
        let many: String = (0..70).map(|i| format!("X-{i}: v\r\n")).collect();
        let text = format!("GET / HTTP/1.1\r\n{many}\r\n");
        assert_eq!(
            parse_request(text.as_bytes()),
            Err(RequestError::TooManyHeaders)
        );
        assert_eq!(
            parse_request(b"POST /creds HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"),
            Err(RequestError::Body)
        );
        assert!(parse_request(b"GET creds HTTP/1.1\r\n\r\n").is_err());
        assert!(parse_request(b"get / HTTP/1.1\r\n\r\n").is_err());
    }
}
