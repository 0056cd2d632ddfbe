//! Sending: each notification goes to every destination whose threshold (and kinds) it meets;
//! each message is retried with bounded exponential backoff (a server's `Retry-After` is
//! honoured up to a cap); above `max_per_run` a destination gets one digest instead of a flood.
//! A destination that fails is reported, never fatal: the others are still served.

use crate::config::{Config, Destination, Target};
use crate::http::HttpClient;
use crate::model::Notification;
use crate::publish::{Publisher, SnsMessage};
use crate::render::{self, Digest, Email, Message};
use crate::smtp::{self, SmtpError};
use hmac::{KeyInit, Mac};
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use yagura_core::{text, Lang, Severity, Text};

/// What happened at one destination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DestinationReport {
    /// The configured name (never the URL).
    pub name: String,
    pub kind: &'static str,
    pub min_severity: Severity,
    /// Notifications at or above the threshold, of the kinds it takes.
    pub matched: usize,
    /// Messages to send: one per notification, or one digest.
    pub messages: usize,
    pub delivered: usize,
    /// True when the notifications went as one digest.
    pub digest: bool,
    /// Attempts made, retries included.
    pub attempts: u32,
    /// Why the last message failed (the rest of this destination's messages were not tried).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The outcome at one destination, for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing reached the threshold.
    Nothing,
    Delivered,
    /// Some messages went, then one failed.
    Partial,
    Failed,
}

impl DestinationReport {
    pub fn outcome(&self) -> Outcome {
        if self.messages == 0 {
            Outcome::Nothing
        } else if self.error.is_none() {
            Outcome::Delivered
        } else if self.delivered > 0 {
            Outcome::Partial
        } else {
            Outcome::Failed
        }
    }
}

/// Every destination's result, in the order of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub destinations: Vec<DestinationReport>,
}

impl Report {
    /// Destinations where something was not delivered.
    pub fn failed(&self) -> usize {
        self.destinations
            .iter()
            .filter(|d| matches!(d.outcome(), Outcome::Failed | Outcome::Partial))
            .count()
    }
}

/// One failed attempt.
struct Failure {
    message: Text,
    transient: bool,
    retry_after: Option<Duration>,
}

impl Failure {
    fn transient(message: Text) -> Failure {
        Failure {
            message,
            transient: true,
            retry_after: None,
        }
    }
    fn permanent(message: Text) -> Failure {
        Failure {
            message,
            transient: false,
            retry_after: None,
        }
    }
}

/// Sends notifications to the configured destinations.
pub struct Dispatcher {
    config: Config,
    lang: Lang,
    publisher: Option<Arc<dyn Publisher>>,
    http: Result<HttpClient, Text>,
    counter: AtomicU64,
}

impl Dispatcher {
    /// `publisher` is needed only when an `sns` destination is configured. Must be called
    /// within a tokio runtime.
    pub fn new(config: Config, lang: Lang, publisher: Option<Arc<dyn Publisher>>) -> Dispatcher {
        let http = HttpClient::new();
        Dispatcher {
            config,
            lang,
            publisher,
            http,
            counter: AtomicU64::new(0),
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Sends `notes` everywhere they belong, all destinations at once, and reports each.
    pub async fn dispatch(&self, notes: &[Notification]) -> Report {
        let runs = self
            .config
            .destinations
            .iter()
            .map(|d| self.run_destination(d, notes));
        Report {
            destinations: futures::future::join_all(runs).await,
        }
    }

    async fn run_destination(&self, d: &Destination, notes: &[Notification]) -> DestinationReport {
        let matched: Vec<&Notification> = notes
            .iter()
            .filter(|n| d.wants(n.severity, n.kind))
            .collect();
        let limit = d.max_per_run.unwrap_or(self.config.settings.max_per_run);
        let mut report = DestinationReport {
            name: d.name.clone(),
            kind: d.target.kind(),
            min_severity: d.min_severity,
            matched: matched.len(),
            messages: 0,
            delivered: 0,
            digest: false,
            attempts: 0,
            error: None,
        };
        if matched.is_empty() {
            return report;
        }
        if matched.len() > limit {
            let digest = Digest::new(&matched, d.min_severity, limit.clamp(1, 50));
            report.digest = true;
            report.messages = 1;
            let (attempts, r) = self.deliver(d, Message::Digest(&digest)).await;
            report.attempts = attempts;
            match r {
                Ok(()) => report.delivered = 1,
                Err(e) => report.error = Some(e),
            }
            return report;
        }
        report.messages = matched.len();
        for n in matched {
            let (attempts, r) = self.deliver(d, Message::One(n)).await;
            report.attempts += attempts;
            match r {
                Ok(()) => report.delivered += 1,
                Err(e) => {
                    // A destination that stays down after every retry is not hammered with the
                    // rest of the run's messages.
                    report.error = Some(e);
                    break;
                }
            }
        }
        report
    }

    /// Sends one message with retries; returns the attempts made and the final result, its
    /// error text (in the dispatcher's language) free of this destination's secrets.
    async fn deliver(&self, d: &Destination, m: Message<'_>) -> (u32, Result<(), String>) {
        let s = &self.config.settings;
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.attempt(d, m).await {
                Ok(()) => return (attempt, Ok(())),
                Err(f) => {
                    if !f.transient || attempt >= s.attempts {
                        let why = f.message.get(self.lang);
                        let mut msg = match self.lang {
                            Lang::En => format!("{why} (after {attempt} attempt(s))"),
                            Lang::Ja => format!("{why}(試行 {attempt} 回)"),
                        };
                        for secret in d.target.secrets() {
                            msg = secret.redact(&msg);
                        }
                        return (attempt, Err(render::one_line(&msg)));
                    }
                    let delay = match f.retry_after {
                        Some(r) => r.min(s.max_retry_after),
                        None => backoff(s.initial_backoff, s.max_backoff, attempt),
                    };
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    async fn attempt(&self, d: &Destination, m: Message<'_>) -> Result<(), Failure> {
        let timeout = self.config.settings.timeout;
        match &d.target {
            Target::Slack { url } => {
                let body =
                    serde_json::to_vec(&render::slack(m, self.lang)).map_err(encode_failure)?;
                self.post(url, &[], body, timeout).await
            }
            Target::Teams { url } => {
                let body =
                    serde_json::to_vec(&render::teams(m, self.lang)).map_err(encode_failure)?;
                self.post(url, &[], body, timeout).await
            }
            Target::Webhook {
                url,
                headers,
                signing,
            } => {
                let body =
                    serde_json::to_vec(&render::webhook(m, self.lang)).map_err(encode_failure)?;
                let mut hs: Vec<(String, &crate::Secret)> =
                    headers.iter().map(|(k, v)| (k.clone(), v)).collect();
                let signature;
                if let Some(sig) = signing {
                    signature = crate::Secret::new(sign(sig.key.expose().as_bytes(), &body));
                    hs.push((sig.header.clone(), &signature));
                }
                self.post(url, &hs, body, timeout).await
            }
            Target::Sns { topic_arn, region } => {
                let Some(p) = &self.publisher else {
                    return Err(Failure::permanent(Text::new(
                        "SNS is not available here (no AWS connection)",
                        "ここでは SNS を使えません(AWS に接続していません)",
                    )));
                };
                let msg = SnsMessage {
                    topic_arn: topic_arn.clone(),
                    region: region.clone(),
                    subject: render::sns_subject(m),
                    message: render::text(m, self.lang),
                    attributes: sns_attributes(m),
                };
                match tokio::time::timeout(timeout * 3, p.publish(&msg)).await {
                    Ok(Ok(_id)) => Ok(()),
                    Ok(Err(e)) => Err(Failure {
                        message: text!(
                            "SNS publish failed: {}",
                            "SNS への発行に失敗しました:「{}」",
                            e.message
                        ),
                        transient: e.transient,
                        retry_after: None,
                    }),
                    Err(_) => {
                        let s = (timeout * 3).as_secs();
                        Err(Failure::transient(text!(
                            "SNS gave no answer within {s} s",
                            "SNS から {s} 秒以内に応答がありません"
                        )))
                    }
                }
            }
            Target::Smtp(s) => {
                let n = self.counter.fetch_add(1, Ordering::Relaxed);
                let now = time::OffsetDateTime::now_utc();
                let unique = format!("{}.{}.{n}", now.unix_timestamp_nanos(), std::process::id());
                let date = now
                    .format(&time::format_description::well_known::Rfc2822)
                    .unwrap_or_default();
                let subject = render::subject(m, self.lang);
                let text = render::text(m, self.lang);
                let html = render::html_body(m, self.lang);
                let severity = match m {
                    Message::One(n) => n.severity,
                    Message::Digest(d) => d
                        .by_severity
                        .first()
                        .map(|(s, _)| *s)
                        .unwrap_or(Severity::Info),
                };
                let email = Email {
                    from: &s.from,
                    to: &s.to,
                    subject: &subject,
                    text: &text,
                    html: &html,
                    date: &date,
                    unique: &unique,
                    severity,
                }
                .to_bytes();
                smtp::send(s, &email, timeout).await.map_err(|e| match e {
                    SmtpError::Transient(m) => Failure::transient(m),
                    SmtpError::Permanent(m) => Failure::permanent(m),
                })
            }
        }
    }

    async fn post(
        &self,
        url: &crate::Secret,
        headers: &[(String, &crate::Secret)],
        body: Vec<u8>,
        timeout: Duration,
    ) -> Result<(), Failure> {
        let http = self
            .http
            .as_ref()
            .map_err(|e| Failure::permanent(e.clone()))?;
        let a = http
            .post_json(url, headers, body, timeout)
            .await
            .map_err(Failure::transient)?;
        if (200..300).contains(&a.status) {
            return Ok(());
        }
        let (status, body) = (a.status, &a.body);
        let message = if body.is_empty() {
            text!(
                "the server answered HTTP {status}",
                "サーバーが HTTP {status} で応答しました"
            )
        } else {
            text!(
                "the server answered HTTP {status}: {body}",
                "サーバーが HTTP {status} で応答しました:「{body}」"
            )
        };
        let transient = a.status == 429 || a.status == 408 || a.status >= 500;
        Err(Failure {
            message,
            transient,
            retry_after: a.retry_after,
        })
    }
}

/// A message that could not be encoded as JSON.
fn encode_failure(e: serde_json::Error) -> Failure {
    Failure::permanent(text!(
        "cannot encode the message: {e}",
        "メッセージを符号化できません:「{e}」"
    ))
}

/// `sha256=<hex>` of the HMAC-SHA256 of `body` under `key`.
pub fn sign(key: &[u8], body: &[u8]) -> String {
    let mut out = String::from("sha256=");
    if let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(key) {
        mac.update(body);
        for b in mac.finalize().into_bytes() {
            out.push_str(&format!("{b:02x}"));
        }
    }
    out
}

/// The wait before attempt `attempt + 1`: `initial × 2^(attempt-1)`, at most `max`.
pub fn backoff(initial: Duration, max: Duration, attempt: u32) -> Duration {
    let factor = 2u32.saturating_pow(attempt.saturating_sub(1).min(20));
    initial.saturating_mul(factor).min(max)
}

fn sns_attributes(m: Message<'_>) -> Vec<(String, String)> {
    match m {
        Message::One(n) => vec![
            (
                "yagura.severity".to_string(),
                n.severity.as_str().to_string(),
            ),
            ("yagura.kind".to_string(), n.kind.as_str().to_string()),
        ],
        Message::Digest(d) => vec![
            (
                "yagura.severity".to_string(),
                d.by_severity
                    .first()
                    .map(|(s, _)| s.as_str())
                    .unwrap_or("info")
                    .to_string(),
            ),
            ("yagura.kind".to_string(), "digest".to_string()),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_bounded() {
        let ms = Duration::from_millis;
        assert_eq!(backoff(ms(500), ms(30_000), 1), ms(500));
        assert_eq!(backoff(ms(500), ms(30_000), 2), ms(1000));
        assert_eq!(backoff(ms(500), ms(30_000), 3), ms(2000));
        assert_eq!(backoff(ms(500), ms(30_000), 30), ms(30_000));
    }

    #[test]
    fn hmac_sha256_matches_rfc_4231() {
        // RFC 4231 test case 2.
        assert_eq!(
            sign(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
