//! A minimal SMTP client (RFC 5321): EHLO, STARTTLS (rustls, required when configured, never
//! downgraded), AUTH PLAIN or LOGIN, MAIL / RCPT / DATA with dot-stuffing, QUIT. Enough to hand
//! a notification to a relay or a mail provider; nothing here parses mail.

use crate::config::{Security, Smtp};
use crate::render::base64;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// A failed delivery. Transient: a 4xx answer or a lost connection, worth retrying.
/// Permanent: a 5xx answer (bad credentials, unknown recipient) or a missing capability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmtpError {
    Transient(String),
    Permanent(String),
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

struct Conn {
    stream: BufReader<Box<dyn Io>>,
}

/// One reply: the code and its text lines.
#[derive(Debug)]
struct Reply {
    code: u16,
    lines: Vec<String>,
}

impl Reply {
    fn text(&self) -> String {
        let t: String = self.lines.join(" ").chars().take(200).collect();
        yagura_core::escape::one_line(&t)
    }
}

fn io_err(what: &str, e: &std::io::Error) -> SmtpError {
    SmtpError::Transient(format!("{what}: {e}"))
}

impl Conn {
    async fn read_reply(&mut self) -> Result<Reply, SmtpError> {
        let mut lines = Vec::new();
        loop {
            let mut line = Vec::new();
            let n = (&mut self.stream)
                .take(4096)
                .read_until(b'\n', &mut line)
                .await
                .map_err(|e| io_err("the connection failed", &e))?;
            if n == 0 {
                return Err(SmtpError::Transient(
                    "the server closed the connection".to_string(),
                ));
            }
            let line = String::from_utf8_lossy(&line).trim_end().to_string();
            let code = line
                .get(..3)
                .and_then(|c| c.parse::<u16>().ok())
                .ok_or_else(|| {
                    SmtpError::Transient("the server's answer is not SMTP".to_string())
                })?;
            let more = line.as_bytes().get(3) == Some(&b'-');
            lines.push(line.get(4..).unwrap_or_default().to_string());
            if !more {
                return Ok(Reply { code, lines });
            }
            if lines.len() > 100 {
                return Err(SmtpError::Transient(
                    "the server's answer is too long".to_string(),
                ));
            }
        }
    }

    async fn send_line(&mut self, line: &str) -> Result<(), SmtpError> {
        let w = self.stream.get_mut();
        w.write_all(line.as_bytes())
            .await
            .map_err(|e| io_err("the connection failed", &e))?;
        w.write_all(b"\r\n")
            .await
            .map_err(|e| io_err("the connection failed", &e))?;
        w.flush()
            .await
            .map_err(|e| io_err("the connection failed", &e))
    }

    /// Sends a command and expects one of `ok`; `what` names the step in errors (never the
    /// command itself, which may carry a credential).
    async fn command(&mut self, line: &str, ok: &[u16], what: &str) -> Result<Reply, SmtpError> {
        self.send_line(line).await?;
        self.expect(ok, what).await
    }

    async fn expect(&mut self, ok: &[u16], what: &str) -> Result<Reply, SmtpError> {
        let r = self.read_reply().await?;
        if ok.contains(&r.code) {
            Ok(r)
        } else {
            Err(classify(&r, what))
        }
    }
}

fn classify(r: &Reply, what: &str) -> SmtpError {
    let msg = format!("{what}: the server answered {} {}", r.code, r.text());
    if (400..500).contains(&r.code) {
        SmtpError::Transient(msg)
    } else {
        SmtpError::Permanent(msg)
    }
}

/// The EHLO extensions, upper-cased keywords with their parameters.
fn extensions(r: &Reply) -> Vec<String> {
    r.lines
        .iter()
        .skip(1)
        .map(|l| l.to_ascii_uppercase())
        .collect()
}

/// Sends one message. `message` is the full RFC 5322 text; it is dot-stuffed here.
pub(crate) async fn send(
    s: &Smtp,
    tls: Arc<rustls::ClientConfig>,
    message: &[u8],
    timeout: Duration,
) -> Result<(), SmtpError> {
    match tokio::time::timeout(timeout, send_inner(s, tls, message)).await {
        Ok(r) => r,
        Err(_) => Err(SmtpError::Transient(format!(
            "no answer within {} s",
            timeout.as_secs()
        ))),
    }
}

async fn tls_wrap(
    io: Box<dyn Io>,
    host: &str,
    tls: Arc<rustls::ClientConfig>,
) -> Result<Box<dyn Io>, SmtpError> {
    let name = rustls::pki_types::ServerName::try_from(host.to_string())
        .map_err(|_| SmtpError::Permanent(format!("`{host}` is not a valid TLS server name")))?;
    let stream = tokio_rustls::TlsConnector::from(tls)
        .connect(name, io)
        .await
        .map_err(|e| SmtpError::Transient(format!("TLS handshake failed: {e}")))?;
    Ok(Box::new(stream))
}

async fn send_inner(
    s: &Smtp,
    tls: Arc<rustls::ClientConfig>,
    message: &[u8],
) -> Result<(), SmtpError> {
    let tcp = TcpStream::connect((s.host.as_str(), s.port))
        .await
        .map_err(|e| io_err("cannot connect", &e))?;
    let mut io: Box<dyn Io> = Box::new(tcp);
    if s.security == Security::Tls {
        io = tls_wrap(io, &s.host, tls.clone()).await?;
    }
    let mut c = Conn {
        stream: BufReader::new(io),
    };
    c.expect(&[220], "greeting").await?;
    let mut ehlo = c.command("EHLO yagura.localdomain", &[250], "EHLO").await?;
    if s.security == Security::Starttls {
        if !extensions(&ehlo).iter().any(|e| e == "STARTTLS") {
            return Err(SmtpError::Permanent(
                "the server does not offer STARTTLS (set `security: tls` for port 465, or `none` only for a local relay)".to_string(),
            ));
        }
        c.command("STARTTLS", &[220], "STARTTLS").await?;
        if !c.stream.buffer().is_empty() {
            return Err(SmtpError::Permanent(
                "the server sent data before the TLS handshake".to_string(),
            ));
        }
        let inner = c.stream.into_inner();
        c = Conn {
            stream: BufReader::new(tls_wrap(inner, &s.host, tls).await?),
        };
        ehlo = c.command("EHLO yagura.localdomain", &[250], "EHLO").await?;
    }
    if let (Some(user), Some(pass)) = (&s.username, &s.password) {
        let ext = extensions(&ehlo);
        let mechs: Vec<&str> = ext
            .iter()
            .filter_map(|e| {
                e.strip_prefix("AUTH")
                    .map(|m| m.trim_start_matches(['=', ' ']))
            })
            .flat_map(|m| m.split_whitespace())
            .collect();
        if mechs.contains(&"PLAIN") {
            let token = base64(format!("\0{user}\0{}", pass.expose()).as_bytes());
            c.command(&format!("AUTH PLAIN {token}"), &[235], "AUTH PLAIN")
                .await?;
        } else if mechs.contains(&"LOGIN") {
            c.command("AUTH LOGIN", &[334], "AUTH LOGIN").await?;
            c.command(&base64(user.as_bytes()), &[334], "AUTH LOGIN user")
                .await?;
            c.command(
                &base64(pass.expose().as_bytes()),
                &[235],
                "AUTH LOGIN password",
            )
            .await?;
        } else {
            return Err(SmtpError::Permanent(
                "the server offers neither AUTH PLAIN nor AUTH LOGIN".to_string(),
            ));
        }
    }
    c.command(&format!("MAIL FROM:<{}>", s.from), &[250], "MAIL FROM")
        .await?;
    for to in &s.to {
        c.command(&format!("RCPT TO:<{to}>"), &[250, 251], "RCPT TO")
            .await?;
    }
    c.command("DATA", &[354], "DATA").await?;
    let w = c.stream.get_mut();
    w.write_all(&dot_stuff(message))
        .await
        .map_err(|e| io_err("the connection failed", &e))?;
    w.write_all(b".\r\n")
        .await
        .map_err(|e| io_err("the connection failed", &e))?;
    w.flush()
        .await
        .map_err(|e| io_err("the connection failed", &e))?;
    c.expect(&[250], "end of DATA").await?;
    // The message is accepted; a failed QUIT changes nothing.
    let _ = c.command("QUIT", &[221], "QUIT").await;
    Ok(())
}

/// CRLF line endings (a bare LF or CR becomes CRLF), a dot doubled at the start of every line,
/// and a final CRLF.
pub fn dot_stuff(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + message.len() / 64 + 4);
    let mut at_line_start = true;
    let mut i = 0;
    while let Some(&b) = message.get(i) {
        match b {
            b'\r' => {
                out.extend_from_slice(b"\r\n");
                if message.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                at_line_start = true;
            }
            b'\n' => {
                out.extend_from_slice(b"\r\n");
                at_line_start = true;
            }
            _ => {
                if at_line_start && b == b'.' {
                    out.push(b'.');
                }
                out.push(b);
                at_line_start = false;
            }
        }
        i += 1;
    }
    if !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use tokio::net::TcpListener;
    use yagura_core::Secret;

    #[test]
    fn dot_stuffing_and_line_endings() {
        assert_eq!(dot_stuff(b"a\n.b\r\n..c\rd"), b"a\r\n..b\r\n...c\r\nd\r\n");
        assert_eq!(dot_stuff(b".\r\n"), b"..\r\n");
        assert_eq!(dot_stuff(b""), b"\r\n");
    }

    /// A scripted server: answers each command, records what it received.
    async fn fake_server(
        listener: TcpListener,
        auth: &'static str,
        rcpt_answer: &'static str,
    ) -> Vec<String> {
        let (sock, _) = listener.accept().await.unwrap();
        let mut r = BufReader::new(sock);
        let mut seen = Vec::new();
        r.get_mut().write_all(b"220 fake ESMTP\r\n").await.unwrap();
        let mut in_data = false;
        let mut login = 0u8;
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).await.unwrap() == 0 {
                break;
            }
            seen.push(line.clone());
            let l = line.trim_end();
            let answer: String = if in_data {
                if l == "." {
                    in_data = false;
                    "250 queued\r\n".into()
                } else {
                    continue;
                }
            } else if l.starts_with("EHLO") {
                format!("250-fake\r\n250-8BITMIME\r\n250 AUTH {auth}\r\n")
            } else if l.starts_with("AUTH PLAIN") {
                "235 ok\r\n".into()
            } else if login == 1 {
                login = 2;
                "334 UGFzc3dvcmQ6\r\n".into()
            } else if login == 2 {
                login = 3;
                "235 ok\r\n".into()
            } else if l == "AUTH LOGIN" {
                login = 1;
                "334 VXNlcm5hbWU6\r\n".into()
            } else if l.starts_with("MAIL") {
                "250 ok\r\n".into()
            } else if l.starts_with("RCPT") {
                format!("{rcpt_answer}\r\n")
            } else if l == "DATA" {
                in_data = true;
                "354 go\r\n".into()
            } else if l == "QUIT" {
                r.get_mut().write_all(b"221 bye\r\n").await.unwrap();
                break;
            } else {
                "500 what\r\n".into()
            };
            r.get_mut().write_all(answer.as_bytes()).await.unwrap();
        }
        seen
    }

    fn target(port: u16) -> Smtp {
        Smtp {
            host: "127.0.0.1".into(),
            port,
            security: Security::None,
            username: Some("alerts".into()),
            password: Some(Secret::new("pa55-w0rd")),
            from: "yagura@example.com".into(),
            to: vec!["sre@example.com".into()],
        }
    }

    #[tokio::test]
    async fn plain_auth_and_dot_stuffed_data() {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = l.local_addr().unwrap().port();
        let server = tokio::spawn(fake_server(l, "PLAIN LOGIN", "250 ok"));
        let tls = crate::http::tls_config().unwrap();
        send(
            &target(port),
            tls,
            b"Subject: x\r\n\r\n.hidden\r\n",
            Duration::from_secs(5),
        )
        .await
        .unwrap();
        let seen = server.await.unwrap();
        let plain = base64(b"\0alerts\0pa55-w0rd");
        assert!(
            seen.contains(&format!("AUTH PLAIN {plain}\r\n")),
            "{seen:?}"
        );
        assert!(seen.contains(&"..hidden\r\n".to_string()), "{seen:?}");
        assert!(seen.contains(&"RCPT TO:<sre@example.com>\r\n".to_string()));
    }

    #[tokio::test]
    async fn login_auth() {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = l.local_addr().unwrap().port();
        let server = tokio::spawn(fake_server(l, "LOGIN", "250 ok"));
        let tls = crate::http::tls_config().unwrap();
        send(
            &target(port),
            tls,
            b"Subject: x\r\n\r\nbody\r\n",
            Duration::from_secs(5),
        )
        .await
        .unwrap();
        let seen = server.await.unwrap();
        assert!(
            seen.contains(&format!("{}\r\n", base64(b"alerts"))),
            "{seen:?}"
        );
        assert!(
            seen.contains(&format!("{}\r\n", base64(b"pa55-w0rd"))),
            "{seen:?}"
        );
    }

    #[tokio::test]
    async fn a_4xx_is_transient_and_a_5xx_permanent_without_the_password() {
        for (answer, transient) in [("451 try later", true), ("550 no such user", false)] {
            let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = l.local_addr().unwrap().port();
            let server = tokio::spawn(fake_server(l, "PLAIN", answer));
            let tls = crate::http::tls_config().unwrap();
            let err = send(&target(port), tls, b"x", Duration::from_secs(5))
                .await
                .unwrap_err();
            drop(server);
            let text = format!("{err:?}");
            assert!(!text.contains("pa55-w0rd"), "{text}");
            assert!(text.contains("RCPT TO"), "{text}");
            assert_eq!(matches!(err, SmtpError::Transient(_)), transient, "{text}");
        }
    }

    #[tokio::test]
    async fn starttls_is_required_when_configured() {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = l.local_addr().unwrap().port();
        let _server = tokio::spawn(fake_server(l, "PLAIN", "250 ok"));
        let mut t = target(port);
        t.security = Security::Starttls;
        let tls = crate::http::tls_config().unwrap();
        let err = send(&t, tls, b"x", Duration::from_secs(5))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, SmtpError::Permanent(m) if m.contains("STARTTLS")),
            "{err:?}"
        );
    }
}
