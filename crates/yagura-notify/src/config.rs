//! The destinations file (YAML, under version control like the exceptions file). Secrets are
//! given as `*_env` (the name of an environment variable, read when the file is loaded) or
//! inline; either way they become [`Secret`]s and are never shown. Every error names the file,
//! line and column, and never repeats a secret value.
//!
//! ```yaml
//! version: 1
//! settings:
//!   max_per_run: 20          # above this, a destination gets one digest instead
//! destinations:
//!   - name: sre-slack
//!     kind: slack
//!     url_env: YAGURA_SLACK_WEBHOOK
//!     min_severity: high
//! ```

use crate::model::Kind;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::time::Duration;
use yagura_core::Secret;
use yagura_core::Severity;

/// The only file version this build reads.
pub const VERSION: u64 = 1;

/// A line and column in the file, 1-based.
pub use yagura_core::file::Location;

/// A destinations file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    #[error("cannot read the notification destinations `{origin}`: {source}")]
    Read {
        origin: String,
        source: std::io::Error,
    },
    #[error("{}: {message}", at(origin, *location))]
    Invalid {
        origin: String,
        location: Option<Location>,
        message: String,
    },
}

fn at(origin: &str, location: Option<Location>) -> String {
    match location {
        Some(l) => format!("{origin}:{}:{}", l.line, l.column),
        None => origin.to_string(),
    }
}

/// Run-wide settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Above this many notifications for one destination in one run, that destination gets one
    /// digest (counts by severity and the most severe items) instead of one message each.
    pub max_per_run: usize,
    /// Attempts per message, including the first.
    pub attempts: u32,
    /// The first retry waits this long; each next one twice as long, up to `max_backoff`.
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// The longest `Retry-After` honoured; a server asking for more is waited for this long.
    pub max_retry_after: Duration,
    /// Per attempt: connect, send and answer.
    pub timeout: Duration,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            max_per_run: 20,
            attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(60),
            timeout: Duration::from_secs(15),
        }
    }
}

/// How an SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain connection upgraded with STARTTLS (required: no fallback to plain text).
    Starttls,
    /// TLS from the first byte (SMTPS, port 465).
    Tls,
    /// No TLS: only for a relay on this machine.
    None,
}

/// How yagura logs in to an SMTP server (`auth:`); without it, PLAIN or LOGIN, whichever the
/// server offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpAuth {
    Plain,
    Login,
    /// OAuth 2.0 (Gmail, Microsoft 365): the secret (`password_env`) is an access token.
    Xoauth2,
}

/// The HMAC-SHA256 signature of a generic webhook's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signing {
    /// The header carrying `sha256=<hex>` (default `X-Yagura-Signature-256`).
    pub header: String,
    pub key: Secret,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: Option<String>,
    /// The password, or with `auth: xoauth2` the OAuth 2.0 access token.
    pub password: Option<Secret>,
    pub auth: Option<SmtpAuth>,
    /// A CA certificate (PEM) trusted besides the system's roots, for a relay with a private
    /// CA (`ca_file:`, read when the file is loaded).
    pub ca_pem: Option<Vec<u8>>,
    pub from: String,
    pub to: Vec<String>,
}

/// Where a destination sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A Slack incoming webhook: JSON with `text` and `blocks`.
    Slack { url: Secret },
    /// A Microsoft Teams Workflows (or incoming) webhook: a message with an Adaptive Card.
    Teams { url: Secret },
    /// A generic JSON POST.
    Webhook {
        url: Secret,
        headers: Vec<(String, Secret)>,
        signing: Option<Signing>,
    },
    /// An SNS topic.
    Sns { topic_arn: String, region: String },
    /// E-mail through an SMTP server.
    Smtp(Smtp),
}

impl Target {
    pub fn kind(&self) -> &'static str {
        match self {
            Target::Slack { .. } => "slack",
            Target::Teams { .. } => "teams",
            Target::Webhook { .. } => "webhook",
            Target::Sns { .. } => "sns",
            Target::Smtp(_) => "smtp",
        }
    }

    /// Every secret of this destination, for redaction.
    pub fn secrets(&self) -> Vec<&Secret> {
        match self {
            Target::Slack { url } | Target::Teams { url } => vec![url],
            Target::Webhook {
                url,
                headers,
                signing,
            } => {
                let mut v = vec![url];
                v.extend(headers.iter().map(|(_, s)| s));
                v.extend(signing.iter().map(|s| &s.key));
                v
            }
            Target::Sns { .. } => Vec::new(),
            Target::Smtp(s) => s.password.iter().collect(),
        }
    }
}

/// One configured destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// The name errors and results use: never the URL or a password.
    pub name: String,
    /// Only notifications at or above this severity are sent here.
    pub min_severity: Severity,
    /// Only these kinds (all when empty).
    pub kinds: Vec<Kind>,
    /// Overrides [`Settings::max_per_run`].
    pub max_per_run: Option<usize>,
    pub target: Target,
    pub location: Option<Location>,
}

impl Destination {
    /// Whether `n` goes to this destination.
    pub fn wants(&self, severity: Severity, kind: Kind) -> bool {
        severity >= self.min_severity
            && (kind == Kind::Test || self.kinds.is_empty() || self.kinds.contains(&kind))
    }
}

/// A loaded destinations file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub origin: String,
    pub settings: Settings,
    pub destinations: Vec<Destination>,
}

impl Config {
    /// Reads `path`, taking `*_env` secrets from the process environment.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            origin: origin.clone(),
            source,
        })?;
        Config::parse(&origin, &text, &|k| std::env::var(k).ok())
    }

    /// Parses a destinations file; `env` looks up the `*_env` variables.
    pub fn parse(
        origin: &str,
        text: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // Within the budget first (size, depth, aliases expanded): the typed parse below
        // expands aliases without a bound.
        if let Err(e) =
            yagura_core::yaml::load_documents(text, &yagura_core::yaml::Budget::default())
        {
            // A file that is not YAML is reported by the typed parse, with its better message.
            if e.over_budget {
                return Err(ConfigError::Invalid {
                    origin: origin.to_string(),
                    location: e.location,
                    message: e.reason,
                });
            }
        }
        let raw: RawFile = serde_yaml_ng::from_str(text).map_err(|e| yaml_error(origin, &e))?;
        let spans = entry_spans(text);
        let mut settings = Settings::default();
        let s = raw.settings.unwrap_or_default();
        let invalid = |location: Option<Location>, message: String| ConfigError::Invalid {
            origin: origin.to_string(),
            location,
            message,
        };
        if let Some(n) = s.max_per_run {
            if n == 0 {
                return Err(invalid(
                    find_key(text, None, "max_per_run"),
                    "`max_per_run` must be at least 1".to_string(),
                ));
            }
            settings.max_per_run = n;
        }
        if let Some(n) = s.attempts {
            if !(1..=10).contains(&n) {
                return Err(invalid(
                    find_key(text, None, "attempts"),
                    "`attempts` must be between 1 and 10".to_string(),
                ));
            }
            settings.attempts = n;
        }
        // Durations are range-checked: a huge value would overflow the clock arithmetic of
        // the retries and the timeouts.
        let ranged = |key: &str, v: Option<u64>, lo: u64, hi: u64, unit: &str| match v {
            Some(n) if !(lo..=hi).contains(&n) => Err(invalid(
                find_key(text, None, key),
                format!("`{key}` must be between {lo} and {hi} {unit}, not {n}"),
            )),
            _ => Ok(v),
        };
        const HOUR_MS: u64 = 3_600_000;
        if let Some(ms) = ranged("initial_backoff_ms", s.initial_backoff_ms, 0, HOUR_MS, "ms")? {
            settings.initial_backoff = Duration::from_millis(ms);
        }
        if let Some(ms) = ranged("max_backoff_ms", s.max_backoff_ms, 0, HOUR_MS, "ms")? {
            settings.max_backoff = Duration::from_millis(ms);
        }
        if let Some(secs) = ranged(
            "max_retry_after_seconds",
            s.max_retry_after_seconds,
            0,
            86_400,
            "seconds",
        )? {
            settings.max_retry_after = Duration::from_secs(secs);
        }
        if let Some(secs) = ranged("timeout_seconds", s.timeout_seconds, 1, 3_600, "seconds")? {
            settings.timeout = Duration::from_secs(secs);
        }
        let mut destinations: Vec<Destination> = Vec::with_capacity(raw.destinations.len());
        for (i, d) in raw.destinations.into_iter().enumerate() {
            let span = spans.get(i).copied();
            let entry_loc = span.map(|s| Location {
                line: s.0,
                column: s.2 + 1,
            });
            let ctx = EntryCtx {
                origin,
                text,
                span,
                entry_loc,
                name: d.name.0.clone(),
                env,
            };
            if let Some(prev) = destinations.iter().find(|p| p.name == d.name.0) {
                return Err(ctx.err(
                    Some("name"),
                    format!(
                        "a destination named `{}` is already defined{}",
                        d.name.0,
                        prev.location
                            .map(|l| format!(" at line {}", l.line))
                            .unwrap_or_default()
                    ),
                ));
            }
            destinations.push(ctx.build(d)?);
        }
        if destinations.is_empty() {
            return Err(invalid(
                find_key(text, None, "destinations"),
                "no destination is configured".to_string(),
            ));
        }
        Ok(Config {
            origin: origin.to_string(),
            settings,
            destinations,
        })
    }
}

// ------------------------------------------------------------------------------------- raw

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[allow(dead_code)]
    version: yagura_core::file::FileVersion<VERSION>,
    #[serde(default)]
    settings: Option<RawSettings>,
    destinations: Vec<RawDest>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    max_per_run: Option<usize>,
    attempts: Option<u32>,
    initial_backoff_ms: Option<u64>,
    max_backoff_ms: Option<u64>,
    max_retry_after_seconds: Option<u64>,
    timeout_seconds: Option<u64>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum RawTargetKind {
    Slack,
    Teams,
    Webhook,
    Sns,
    Smtp,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum RawKind {
    Detection,
    Change,
    HealthEvent,
    AuditFinding,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDest {
    name: Name,
    kind: RawTargetKind,
    min_severity: Option<Sev>,
    kinds: Option<Vec<RawKind>>,
    max_per_run: Option<usize>,
    // slack, webhook
    url: Option<String>,
    url_env: Option<String>,
    insecure_http: Option<bool>,
    // webhook
    headers: Option<BTreeMap<String, String>>,
    headers_env: Option<BTreeMap<String, String>>,
    secret: Option<String>,
    secret_env: Option<String>,
    signature_header: Option<String>,
    // sns
    topic_arn: Option<String>,
    region: Option<String>,
    // smtp
    host: Option<String>,
    port: Option<u16>,
    security: Option<Security>,
    username: Option<String>,
    password: Option<String>,
    password_env: Option<String>,
    auth: Option<SmtpAuth>,
    ca_file: Option<String>,
    from: Option<String>,
    to: Option<Vec<String>>,
}

/// A destination name: letters, digits, `-`, `_`, `.`; it is what every message shows.
struct Name(String);

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Name;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a destination name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Name, E> {
                let ok = !v.is_empty()
                    && v.len() <= 64
                    && v.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
                if ok {
                    Ok(Name(v.to_string()))
                } else {
                    Err(E::custom(
                        "a destination name is 1 to 64 letters, digits, `-`, `_` or `.` (it is what messages show instead of the URL)",
                    ))
                }
            }
        }
        d.deserialize_str(V)
    }
}

/// A severity name.
struct Sev(Severity);

impl<'de> Deserialize<'de> for Sev {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Sev;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a severity: critical, high, medium, low or info")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Sev, E> {
                v.parse::<Severity>().map(Sev).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

fn yaml_error(origin: &str, err: &serde_yaml_ng::Error) -> ConfigError {
    let (location, message) = yagura_core::file::parse_error(
        err.location().map(|l| (l.line(), l.column())),
        &err.to_string(),
        &[
            (
                "struct RawFile",
                "a mapping with `version` and `destinations`",
            ),
            (
                "struct RawDest",
                "a destination mapping with `name` and `kind`",
            ),
            ("struct RawSettings", "the `settings` mapping"),
        ],
    );
    ConfigError::Invalid {
        origin: origin.to_string(),
        location,
        message,
    }
}

// ---------------------------------------------------------------------------- positions

/// `(first line, last line, indent)` of each `destinations` entry, 1-based lines, for block
/// YAML. Flow-style files get no entry positions (errors then name the entry only).
fn entry_spans(text: &str) -> Vec<(usize, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines
        .iter()
        .position(|l| l.trim_end() == "destinations:" || l.starts_with("destinations: "))
    else {
        return Vec::new();
    };
    let mut spans: Vec<(usize, usize, usize)> = Vec::new();
    let mut item_indent: Option<usize> = None;
    for (i, l) in lines.iter().enumerate().skip(start + 1) {
        let trimmed = l.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = l.len() - trimmed.len();
        let is_item = trimmed == "-" || trimmed.starts_with("- ");
        match item_indent {
            None if is_item => {
                item_indent = Some(indent);
                spans.push((i + 1, i + 1, indent));
            }
            None => break,
            Some(ii) if is_item && indent == ii => spans.push((i + 1, i + 1, indent)),
            Some(ii) if indent > ii => {
                if let Some(last) = spans.last_mut() {
                    last.1 = i + 1;
                }
            }
            Some(_) => break,
        }
    }
    spans
}

/// The position of `key:` inside an entry's lines (or anywhere, without a span).
fn find_key(text: &str, span: Option<(usize, usize, usize)>, key: &str) -> Option<Location> {
    let (first, last) = span.map(|s| (s.0, s.1)).unwrap_or((1, usize::MAX));
    for (i, l) in text.lines().enumerate() {
        let n = i + 1;
        if n < first || n > last {
            continue;
        }
        let mut rest = l.trim_start();
        let mut col = l.len() - rest.len();
        if let Some(r) = rest.strip_prefix("- ") {
            let r2 = r.trim_start();
            col += 2 + (r.len() - r2.len());
            rest = r2;
        }
        if rest
            .strip_prefix(key)
            .is_some_and(|r| r.trim_start().starts_with(':'))
        {
            return Some(Location {
                line: n,
                column: col + 1,
            });
        }
    }
    None
}

// ------------------------------------------------------------------------------ building

struct EntryCtx<'a> {
    origin: &'a str,
    text: &'a str,
    span: Option<(usize, usize, usize)>,
    entry_loc: Option<Location>,
    name: String,
    env: &'a dyn Fn(&str) -> Option<String>,
}

impl EntryCtx<'_> {
    fn err(&self, key: Option<&str>, message: String) -> ConfigError {
        let location = key
            .and_then(|k| find_key(self.text, self.span, k))
            .or(self.entry_loc);
        ConfigError::Invalid {
            origin: self.origin.to_string(),
            location,
            message: format!("destination `{}`: {message}", self.name),
        }
    }

    /// A secret given inline (`key`) or through an environment variable (`key_env`).
    /// The PEM certificates of `ca_file:` (a path relative to the working directory).
    fn ca_file(&self, path: &str) -> Result<Vec<u8>, ConfigError> {
        let bytes = std::fs::read(path).map_err(|e| {
            self.err(
                Some("ca_file"),
                format!(
                    "cannot read the `ca_file` `{}`: {e}",
                    yagura_core::escape::one_line(path)
                ),
            )
        })?;
        if bytes.len() > 1 << 20
            || !bytes
                .windows(27)
                .any(|w| w == b"-----BEGIN CERTIFICATE-----")
        {
            return Err(self.err(
                Some("ca_file"),
                "`ca_file` is not a PEM certificate file (up to 1 MiB)".to_string(),
            ));
        }
        Ok(bytes)
    }

    fn secret(
        &self,
        key: &str,
        inline: Option<String>,
        var: Option<String>,
    ) -> Result<Option<Secret>, ConfigError> {
        let env_key = format!("{key}_env");
        match (inline, var) {
            (Some(_), Some(_)) => Err(self.err(
                Some(&env_key),
                format!("give either `{key}` or `{env_key}`, not both"),
            )),
            (Some(v), None) => {
                if v.trim().is_empty() {
                    Err(self.err(Some(key), format!("`{key}` is empty")))
                } else {
                    Ok(Some(Secret::new(v)))
                }
            }
            (None, Some(name)) => self.env_secret(&env_key, &name).map(Some),
            (None, None) => Ok(None),
        }
    }

    fn env_secret(&self, key: &str, var: &str) -> Result<Secret, ConfigError> {
        let valid = !var.is_empty() && var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(self.err(
                Some(key),
                format!("`{key}` must name an environment variable (letters, digits and `_`)"),
            ));
        }
        match (self.env)(var) {
            Some(v) if !v.trim().is_empty() => Ok(Secret::new(v.trim().to_string())),
            Some(_) => Err(self.err(
                Some(key),
                format!("the environment variable `{var}` named by `{key}` is empty"),
            )),
            None => Err(self.err(
                Some(key),
                format!("the environment variable `{var}` named by `{key}` is not set"),
            )),
        }
    }

    fn required<T>(&self, key: &str, v: Option<T>, kind: &str) -> Result<T, ConfigError> {
        v.ok_or_else(|| self.err(None, format!("a `{kind}` destination needs `{key}`")))
    }

    /// Fields that belong to other kinds are mistakes, not silently ignored.
    fn reject(&self, kind: &str, present: &[(&str, bool)]) -> Result<(), ConfigError> {
        if let Some((k, _)) = present.iter().find(|(_, p)| *p) {
            return Err(self.err(
                Some(k),
                format!("`{k}` does not apply to a `{kind}` destination"),
            ));
        }
        Ok(())
    }

    fn url(&self, d: &RawDest, kind: &str) -> Result<Secret, ConfigError> {
        let url = self
            .secret("url", d.url.clone(), d.url_env.clone())?
            .ok_or_else(|| {
                self.err(
                    None,
                    format!("a `{kind}` destination needs `url` or `url_env`"),
                )
            })?;
        let key = if d.url.is_some() { "url" } else { "url_env" };
        // The URL is a secret: messages describe the problem and never repeat it.
        let v = url.expose();
        let (scheme, rest) = v.split_once("://").ok_or_else(|| {
            self.err(
                Some(key),
                "the URL is not an absolute http(s) URL".to_string(),
            )
        })?;
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = authority
            .rsplit_once('@')
            .map(|(_, h)| h)
            .unwrap_or(authority);
        let host_only = if let Some(h) = host.strip_prefix('[') {
            h.split(']').next().unwrap_or_default()
        } else {
            host.split(':').next().unwrap_or_default()
        };
        if host_only.is_empty() || v.chars().any(|c| c.is_control() || c == ' ') {
            return Err(self.err(Some(key), "the URL has no valid host".to_string()));
        }
        match scheme.to_ascii_lowercase().as_str() {
            "https" => Ok(url),
            "http" if is_loopback(host_only) || d.insecure_http == Some(true) => Ok(url),
            "http" => Err(self.err(
                Some(key),
                "the URL is plain http to another machine: use https, or set `insecure_http: true` to accept that the URL and the messages travel unencrypted".to_string(),
            )),
            _ => Err(self.err(Some(key), "the URL must start with https://".to_string())),
        }
    }

    fn build(&self, d: RawDest) -> Result<Destination, ConfigError> {
        let kind_name = match d.kind {
            RawTargetKind::Slack => "slack",
            RawTargetKind::Teams => "teams",
            RawTargetKind::Webhook => "webhook",
            RawTargetKind::Sns => "sns",
            RawTargetKind::Smtp => "smtp",
        };
        let http_fields = [
            ("url", d.url.is_some()),
            ("url_env", d.url_env.is_some()),
            ("insecure_http", d.insecure_http.is_some()),
        ];
        let webhook_fields = [
            ("headers", d.headers.is_some()),
            ("headers_env", d.headers_env.is_some()),
            ("secret", d.secret.is_some()),
            ("secret_env", d.secret_env.is_some()),
            ("signature_header", d.signature_header.is_some()),
        ];
        let sns_fields = [
            ("topic_arn", d.topic_arn.is_some()),
            ("region", d.region.is_some()),
        ];
        let smtp_fields = [
            ("host", d.host.is_some()),
            ("port", d.port.is_some()),
            ("security", d.security.is_some()),
            ("username", d.username.is_some()),
            ("password", d.password.is_some()),
            ("password_env", d.password_env.is_some()),
            ("auth", d.auth.is_some()),
            ("ca_file", d.ca_file.is_some()),
            ("from", d.from.is_some()),
            ("to", d.to.is_some()),
        ];
        if d.max_per_run == Some(0) {
            return Err(self.err(
                Some("max_per_run"),
                "`max_per_run` must be at least 1".to_string(),
            ));
        }
        let target = match d.kind {
            RawTargetKind::Slack | RawTargetKind::Teams => {
                self.reject(kind_name, &webhook_fields)?;
                self.reject(kind_name, &sns_fields)?;
                self.reject(kind_name, &smtp_fields)?;
                let url = self.url(&d, kind_name)?;
                if d.kind == RawTargetKind::Slack {
                    Target::Slack { url }
                } else {
                    Target::Teams { url }
                }
            }
            RawTargetKind::Webhook => {
                self.reject(kind_name, &sns_fields)?;
                self.reject(kind_name, &smtp_fields)?;
                let url = self.url(&d, kind_name)?;
                let mut headers = Vec::new();
                for (name, value) in d.headers.iter().flatten() {
                    self.header_name("headers", name)?;
                    if value.chars().any(|c| c.is_control()) {
                        return Err(self.err(
                            Some("headers"),
                            format!("the value of header `{name}` contains a control character"),
                        ));
                    }
                    headers.push((name.clone(), Secret::new(value.clone())));
                }
                for (name, var) in d.headers_env.iter().flatten() {
                    self.header_name("headers_env", name)?;
                    headers.push((name.clone(), self.env_secret("headers_env", var)?));
                }
                let key = self.secret("secret", d.secret.clone(), d.secret_env.clone())?;
                let signing = match (key, d.signature_header.clone()) {
                    (Some(key), header) => {
                        let header = header.unwrap_or_else(|| "X-Yagura-Signature-256".to_string());
                        self.header_name("signature_header", &header)?;
                        Some(Signing { header, key })
                    }
                    (None, Some(_)) => {
                        return Err(self.err(
                            Some("signature_header"),
                            "`signature_header` needs `secret` or `secret_env` to sign with"
                                .to_string(),
                        ))
                    }
                    (None, None) => None,
                };
                Target::Webhook {
                    url,
                    headers,
                    signing,
                }
            }
            RawTargetKind::Sns => {
                self.reject(kind_name, &http_fields)?;
                self.reject(kind_name, &webhook_fields)?;
                self.reject(kind_name, &smtp_fields)?;
                let arn = self.required("topic_arn", d.topic_arn.clone(), kind_name)?;
                let parts: Vec<&str> = arn.split(':').collect();
                let valid = parts.len() == 6
                    && parts.first() == Some(&"arn")
                    && parts.get(2) == Some(&"sns")
                    && parts.get(5).is_some_and(|n| !n.is_empty());
                if !valid {
                    return Err(self.err(
                        Some("topic_arn"),
                        format!(
                            "`{}` is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)",
                            arn.chars().filter(|c| !c.is_control()).collect::<String>()
                        ),
                    ));
                }
                let region = match d.region.clone() {
                    Some(r) => r,
                    None => parts.get(3).map(|r| r.to_string()).unwrap_or_default(),
                };
                if region.is_empty() {
                    return Err(self.err(
                        Some("topic_arn"),
                        "the topic ARN names no region; add `region`".to_string(),
                    ));
                }
                Target::Sns {
                    topic_arn: arn,
                    region,
                }
            }
            RawTargetKind::Smtp => {
                self.reject(kind_name, &http_fields)?;
                self.reject(kind_name, &webhook_fields)?;
                self.reject(kind_name, &sns_fields)?;
                let host = self.required("host", d.host.clone(), kind_name)?;
                if host.is_empty()
                    || host
                        .chars()
                        .any(|c| c.is_whitespace() || c.is_control() || c == '/')
                {
                    return Err(self.err(Some("host"), "`host` is not a host name".to_string()));
                }
                let security = d.security.unwrap_or(Security::Starttls);
                let port = d.port.unwrap_or(match security {
                    Security::Starttls => 587,
                    Security::Tls => 465,
                    Security::None => 25,
                });
                let password =
                    self.secret("password", d.password.clone(), d.password_env.clone())?;
                if password.is_some() && d.username.is_none() {
                    return Err(self.err(
                        Some(if d.password.is_some() {
                            "password"
                        } else {
                            "password_env"
                        }),
                        "a password needs a `username`".to_string(),
                    ));
                }
                if d.username.is_some() && password.is_none() {
                    return Err(self.err(
                        Some("username"),
                        "`username` needs `password` or `password_env`".to_string(),
                    ));
                }
                if password.is_some() && security == Security::None && !is_loopback(&host) {
                    return Err(self.err(
                        Some("security"),
                        "refusing to send a password without TLS to another machine: use `security: starttls` or `tls`".to_string(),
                    ));
                }
                let from = self.required("from", d.from.clone(), kind_name)?;
                if !is_address(&from) {
                    return Err(self.err(
                        Some("from"),
                        "`from` is not a plain e-mail address (user@domain)".to_string(),
                    ));
                }
                let to = self.required("to", d.to.clone(), kind_name)?;
                if to.is_empty() {
                    return Err(self.err(Some("to"), "`to` lists no recipient".to_string()));
                }
                if let Some(bad) = to.iter().position(|a| !is_address(a)) {
                    return Err(self.err(
                        Some("to"),
                        format!(
                            "recipient {} is not a plain e-mail address (user@domain)",
                            bad + 1
                        ),
                    ));
                }
                Target::Smtp(Smtp {
                    host,
                    port,
                    security,
                    username: d.username.clone(),
                    password,
                    auth: d.auth,
                    ca_pem: match &d.ca_file {
                        None => None,
                        Some(p) => Some(self.ca_file(p)?),
                    },
                    from,
                    to,
                })
            }
        };
        Ok(Destination {
            name: d.name.0,
            min_severity: d.min_severity.map(|s| s.0).unwrap_or(Severity::High),
            kinds: d
                .kinds
                .unwrap_or_default()
                .into_iter()
                .map(|k| match k {
                    RawKind::Detection => Kind::Detection,
                    RawKind::Change => Kind::Change,
                    RawKind::HealthEvent => Kind::HealthEvent,
                    RawKind::AuditFinding => Kind::AuditFinding,
                })
                .collect(),
            max_per_run: d.max_per_run,
            target,
            location: self.entry_loc,
        })
    }

    fn header_name(&self, key: &str, name: &str) -> Result<(), ConfigError> {
        let token = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c));
        if !token {
            return Err(self.err(
                Some(key),
                format!("`{}` is not a header name", name.escape_debug()),
            ));
        }
        if [
            "content-type",
            "content-length",
            "host",
            "transfer-encoding",
            "connection",
        ]
        .contains(&name.to_ascii_lowercase().as_str())
        {
            return Err(self.err(Some(key), format!("header `{name}` is set by yagura")));
        }
        Ok(())
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A bare address: one `@`, something on each side, no spaces, controls or characters that
/// would change an SMTP command or a header.
fn is_address(a: &str) -> bool {
    let Some((local, domain)) = a.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && a.len() <= 254
        && !a
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>,;:\"()[]\\".contains(c))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn entry_spans_follow_block_lists() {
        let text = "version: 1\ndestinations:\n  - name: a\n    kind: slack\n\n  - name: b\n    kind: sns\nsettings: {}\n";
        assert_eq!(entry_spans(text), vec![(3, 4, 2), (6, 7, 2)]);
        let text = "destinations:\n- name: a\n  kind: slack\n- name: b\n";
        assert_eq!(entry_spans(text), vec![(2, 3, 0), (4, 4, 0)]);
        assert_eq!(
            find_key(text, Some((2, 3, 0)), "kind"),
            Some(Location { line: 3, column: 3 })
        );
        assert_eq!(
            find_key(text, Some((4, 4, 0)), "name"),
            Some(Location { line: 4, column: 3 })
        );
    }

    #[test]
    fn addresses() {
        assert!(is_address("sre@example.com"));
        assert!(!is_address("sre@example.com\r\nRCPT TO:<x@y>"));
        assert!(!is_address("Name <sre@example.com>"));
        assert!(!is_address("nobody"));
    }

    #[test]
    fn smtp_auth_and_ca_file() {
        let dir = tempfile::tempdir().unwrap();
        let pem = dir.path().join("ca.pem");
        std::fs::write(
            &pem,
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let yaml = |extra: &str| {
            format!("version: 1\ndestinations:\n  - name: m\n    kind: smtp\n    host: smtp.example.com\n    username: u@example.com\n    password_env: TOKEN\n    from: a@example.com\n    to: [b@example.com]\n{extra}")
        };
        let env = |k: &str| (k == "TOKEN").then(|| "tok".to_string());
        let c = Config::parse(
            "n.yaml",
            &yaml(&format!(
                "    auth: xoauth2\n    ca_file: {}\n",
                pem.display()
            )),
            &env,
        )
        .unwrap();
        let Target::Smtp(s) = &c.destinations[0].target else {
            panic!()
        };
        assert_eq!(s.auth, Some(SmtpAuth::Xoauth2));
        assert!(s
            .ca_pem
            .as_ref()
            .is_some_and(|p| p.starts_with(b"-----BEGIN")));
        let e =
            Config::parse("n.yaml", &yaml("    ca_file: /nonexistent/ca.pem\n"), &env).unwrap_err();
        assert!(
            e.to_string().contains("ca_file") && e.to_string().contains("cannot read"),
            "{e}"
        );
        let e = Config::parse("n.yaml", &yaml("    auth: cram-md5\n"), &env).unwrap_err();
        assert!(e.to_string().contains("auth"), "{e}");
    }
}
