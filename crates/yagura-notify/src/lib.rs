//! Notifications of detections, changes, AWS Health events and audit findings (WATCH-02,
//! WATCH-07): Slack incoming webhooks, generic JSON webhooks (optionally HMAC-signed), Amazon
//! SNS and e-mail over SMTP.
//!
//! - [`Notification`] is what is told: title, severity, summary, resource, account, region,
//!   events, links and recommendation, in English and Japanese, of one [`Kind`].
//! - [`Config`] is the destinations file (YAML): each destination has a `name`, a `kind`, a
//!   `min_severity` (so noise does not bury the real alarm) and its secrets, given inline or as
//!   `*_env` variables. Errors name the file, line and column.
//! - [`Dispatcher`] sends each notification to every destination whose threshold it meets,
//!   retries with bounded exponential backoff (honouring `Retry-After`), sends one digest
//!   instead of a flood above `max_per_run`, and reports delivered / failed per destination
//!   without stopping at the first failure.
//! - [`audit_notifications`] chooses what `yagura audit --notify` tells (AWS Health events, new
//!   FAIL findings); the binary only reads the previous run from the store and prints.
//! - Secrets are [`Secret`]s: `Debug` and `Display` redact them, and error messages name the
//!   destination, never its URL or password.
//!
//! SNS goes through the [`Publisher`] trait, implemented with the AWS SDK in `yagura-collect`,
//! so this crate does not know the SDK. Webhooks go through `yagura-http` (the workspace's one HTTP
//! client, with the proxies of the environment); SMTP goes through `lettre` over the same rustls
//! on aws-lc-rs.
// Only the binary prints (ARCHITECTURE.md): a library returns data and typed errors.
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod config;
mod dispatch;
mod http;
mod model;
pub mod publish;
pub mod render;
mod select;
pub mod smtp;

pub use config::{
    Config, ConfigError, Destination, Location, Security, Settings, Signing, Smtp, Target, VERSION,
};
pub use dispatch::{backoff, sign, DestinationReport, Dispatcher, Outcome, Report};
pub use model::{Kind, Link, Notification};
pub use publish::{PublishError, Publisher, SnsMessage};
pub use select::{audit_notifications, AuditNotifications};
pub use yagura_core::Secret;
