//! E-mail through an SMTP server, on `lettre` (rustls with aws-lc-rs and the system's roots, the
//! TLS stack of the rest of yagura): STARTTLS (required when configured, never downgraded),
//! implicit TLS (SMTPS) or, for a relay on this machine, none; AUTH PLAIN or LOGIN (whichever the
//! server offers) or XOAUTH2 (an OAuth 2.0 access token as the secret, for Gmail and Microsoft
//! 365). The message is the RFC 5322 text `render` made, handed over raw: lettre dot-stuffs it.

use crate::config::{Security, Smtp, SmtpAuth};
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::time::Duration;
use yagura_core::{text, Text};

/// A failed delivery. Transient: a 4xx answer, a lost connection or a timeout, worth retrying.
/// Permanent: a 5xx answer (bad credentials, unknown recipient), a TLS or address problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmtpError {
    Transient(Text),
    Permanent(Text),
}

/// The name yagura gives itself in EHLO.
const HELLO: &str = "yagura.localdomain";

/// Sends one message (the full RFC 5322 text) to every recipient of `s`.
pub(crate) async fn send(s: &Smtp, message: &[u8], timeout: Duration) -> Result<(), SmtpError> {
    let transport = transport(s, timeout)?;
    let envelope = envelope(s)?;
    let body = crlf(message);
    match tokio::time::timeout(timeout, transport.send_raw(&envelope, &body)).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(classify(&e)),
        Err(_) => {
            let s = timeout.as_secs();
            Err(SmtpError::Transient(text!(
                "no answer within {s} s",
                "{s} 秒以内に応答がありません"
            )))
        }
    }
}

fn transport(s: &Smtp, timeout: Duration) -> Result<AsyncSmtpTransport<Tokio1Executor>, SmtpError> {
    let tls = match s.security {
        Security::None => Tls::None,
        Security::Starttls => Tls::Required(tls_parameters(s)?),
        Security::Tls => Tls::Wrapper(tls_parameters(s)?),
    };
    let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(s.host.as_str())
        .port(s.port)
        .tls(tls)
        .timeout(Some(timeout))
        .hello_name(ClientId::Domain(HELLO.to_string()));
    if let (Some(user), Some(secret)) = (&s.username, &s.password) {
        b = b
            .credentials(Credentials::new(user.clone(), secret.expose().to_string()))
            .authentication(match s.auth {
                Some(SmtpAuth::Plain) => vec![Mechanism::Plain],
                Some(SmtpAuth::Login) => vec![Mechanism::Login],
                Some(SmtpAuth::Xoauth2) => vec![Mechanism::Xoauth2],
                None => vec![Mechanism::Plain, Mechanism::Login],
            });
    }
    Ok(b.build())
}

/// TLS towards `s.host`: the system's roots, and the destination's own CA when it names one.
fn tls_parameters(s: &Smtp) -> Result<TlsParameters, SmtpError> {
    let mut b = TlsParameters::builder(s.host.clone());
    if let Some(pem) = &s.ca_pem {
        let cert = Certificate::from_pem(pem).map_err(|e| {
            SmtpError::Permanent(text!(
                "the `ca_file` certificate is not usable: {e}",
                "`ca_file` の証明書を使えません:「{e}」"
            ))
        })?;
        b = b.add_root_certificate(cert);
    }
    b.build_rustls().map_err(|e| {
        SmtpError::Permanent(text!(
            "cannot set up TLS: {e}",
            "TLS を準備できません:「{e}」"
        ))
    })
}

fn envelope(s: &Smtp) -> Result<Envelope, SmtpError> {
    let addr = |a: &str| {
        a.parse::<Address>().map_err(|e| {
            SmtpError::Permanent(text!(
                "`{a}` is not an e-mail address: {e}",
                "`{a}` はメールアドレスではありません:「{e}」"
            ))
        })
    };
    let to =
        s.to.iter()
            .map(|a| addr(a))
            .collect::<Result<Vec<_>, _>>()?;
    Envelope::new(Some(addr(&s.from)?), to).map_err(|e| {
        SmtpError::Permanent(text!(
            "no envelope: {e}",
            "エンベロープを作れません:「{e}」"
        ))
    })
}

/// A failure as a person reads it, one line, never with the secret (lettre's errors carry the
/// server's answer, not the credentials).
fn classify(e: &lettre::transport::smtp::Error) -> SmtpError {
    let text: String = e.to_string().chars().take(300).collect();
    let text = yagura_core::escape::one_line(&text);
    // lettre's words and the server's answer, quoted as they were written
    let said = Text::owned(text.clone(), format!("SMTP:「{text}」"));
    if e.is_permanent() || e.is_tls() || e.is_client() {
        SmtpError::Permanent(said)
    } else {
        // 4xx answers, timeouts and lost connections.
        SmtpError::Transient(said)
    }
}

/// CRLF line endings (a bare LF or CR becomes CRLF), without the final line break: the end of
/// DATA (`CRLF . CRLF`) supplies it.
pub fn crlf(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + message.len() / 64 + 2);
    let mut i = 0;
    while let Some(&b) = message.get(i) {
        match b {
            b'\r' => {
                out.extend_from_slice(b"\r\n");
                if message.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            }
            b'\n' => out.extend_from_slice(b"\r\n"),
            _ => out.push(b),
        }
        i += 1;
    }
    if out.ends_with(b"\r\n") {
        out.truncate(out.len() - 2);
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use yagura_core::Secret;

    #[test]
    fn line_endings_become_crlf_without_the_last() {
        assert_eq!(crlf(b"a\n.b\r\n..c\rd"), b"a\r\n.b\r\n..c\r\nd");
        assert_eq!(crlf(b".\r\n"), b".");
        assert_eq!(crlf(b""), b"");
        assert_eq!(crlf(b"a\r\n\r\n"), b"a\r\n");
    }

    fn target(security: Security) -> Smtp {
        Smtp {
            host: "127.0.0.1".into(),
            port: 1,
            security,
            username: Some("alerts".into()),
            password: Some(Secret::new("hunter2-secret")),
            auth: None,
            ca_pem: None,
            from: "yagura@example.com".into(),
            to: vec!["sre@example.com".into()],
        }
    }

    #[tokio::test]
    async fn a_refused_connection_is_transient_and_never_shows_the_secret() {
        let mut s = target(Security::None);
        s.port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let e = send(&s, b"Subject: x\r\n\r\nbody\r\n", Duration::from_secs(5))
            .await
            .unwrap_err();
        assert!(matches!(e, SmtpError::Transient(_)), "{e:?}");
        assert!(!format!("{e:?}").contains("hunter2"), "{e:?}");
    }

    #[test]
    fn a_bad_ca_file_or_address_is_permanent() {
        let mut s = target(Security::Starttls);
        s.ca_pem = Some(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".to_vec());
        assert!(matches!(tls_parameters(&s), Err(SmtpError::Permanent(_))));
        let mut s = target(Security::None);
        s.to = vec!["not an address".into()];
        assert!(matches!(envelope(&s), Err(SmtpError::Permanent(_))));
    }
}
