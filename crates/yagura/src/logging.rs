//! Logs on stderr through `tracing-subscriber`: `-v`/`-q` choose the level, `RUST_LOG` (tracing's
//! filter syntax) replaces that choice.
//!
//! Secrets are never logged: yagura logs no credential (they are `yagura_core::Secret`, which
//! prints `<redacted>`), and the TRACE events of the AWS SDK and of the HTTP/TLS stack are
//! dropped whatever the filter says, because some of them carry whole requests and responses
//! (a session token header, the body of an STS answer).

use crate::cli::Global;
use tracing_subscriber::filter::{filter_fn, EnvFilter, FilterExt};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

/// The crates whose TRACE events may carry requests, responses or signing material.
const NO_TRACE: &[&str] = &[
    "aws_", "hyper", "h2", "rustls", "http", "tower", "reqwest", "lettre",
];

/// The default filter for `-q` / none / `-v` / `-vv` / `-vvv`.
fn default_filter(g: &Global) -> &'static str {
    if g.quiet {
        return "error";
    }
    match g.verbose {
        // The SDK's own warnings (a config file named by AWS_CONFIG_FILE that does not exist…)
        // are for -v: yagura says what matters itself.
        0 => "error,yagura=warn",
        1 => "warn,yagura=info",
        2 => "info,yagura=debug",
        _ => "debug,yagura=trace",
    }
}

/// Installs the subscriber. A `RUST_LOG` that does not parse is reported and the default
/// filter used instead (a typo in a log filter is no reason to stop an audit).
pub fn init(g: &Global) {
    let default = default_filter(g);
    let (filter, bad) = match std::env::var("RUST_LOG") {
        Ok(s) if !s.trim().is_empty() => match EnvFilter::try_new(&s) {
            Ok(f) => (f, None),
            Err(e) => (EnvFilter::new(default), Some(e.to_string())),
        },
        _ => (EnvFilter::new(default), None),
    };
    let no_secret_traces = filter_fn(|meta| {
        *meta.level() != tracing::Level::TRACE
            || !NO_TRACE
                .iter()
                .any(|prefix| meta.target().starts_with(prefix))
    });
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(crate::out::color_stderr(g))
        .with_target(true)
        .without_time()
        .with_filter(filter.and(no_secret_traces));
    // Only fails when a subscriber is already installed, which nothing else does.
    let _ = tracing_subscriber::registry().with(layer).try_init();
    if let Some(e) = bad {
        tracing::warn!("RUST_LOG is not a valid filter ({e}); using `{default}`");
    }
}
