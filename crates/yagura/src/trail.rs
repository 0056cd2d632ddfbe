//! `yagura trail scan`: CloudTrail logs on disk (the CloudTrail S3 layout, gzip, `Records`
//! documents, arrays, JSON lines) or in S3 (`s3://bucket/prefix`) through the native
//! detections, the takeover correlation and Sigma rules (WATCH-03…WATCH-06); `yagura trail
//! watch s3://…` polls the bucket for new objects.
//!
//! Each detection becomes a FAIL finding (the check id for native detections, `sigma:<rule id>`
//! for Sigma rules) and is kept whole, with the events behind it, under `detections` in the
//! JSON report.
//!
//! From S3 the scan is incremental and exactly once (see `yagura_trail::source`): progress,
//! detections and the multi-event state live in the store under the source URL, and a report
//! lists the detections that are new since the last run. `YAGURA_TEST_OBJECT_DELAY_MS` (for
//! tests only) waits that long after each committed object, so that a test can kill a run
//! midway.

mod s3;

use crate::cli::{Global, OutputArgs};
use crate::common::{emit, now_rfc3339, sanitize};
use anyhow::Result;
use clap::{Args, Subcommand};
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use yagura_core::{Finding, Status};
use yagura_trail::sigma::RuleSet;
use yagura_trail::{Detection, DetectionKind};

#[derive(Debug, Args)]
pub struct TrailArgs {
    #[command(subcommand)]
    pub command: TrailCommand,
}

#[derive(Debug, Subcommand)]
pub enum TrailCommand {
    /// Scan CloudTrail log files or directories, or an S3 bucket (`s3://bucket/prefix`), for
    /// suspicious activity
    Scan(ScanArgs),
    /// Follow an S3 bucket of CloudTrail logs: scan new objects as they arrive
    Watch(WatchArgs),
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Log files or directories (read recursively; `.gz` is decompressed), or one
    /// `s3://bucket/prefix` read incrementally from the store's checkpoint
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Files read at once (default: the number of CPUs)
    #[arg(long)]
    pub threads: Option<usize>,
    #[command(flatten)]
    pub s3: S3Args,
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// Directory of Sigma rules (`logsource: product: aws, service: cloudtrail`)
    #[arg(long)]
    pub sigma: Option<PathBuf>,
    /// Run only the Sigma rules, not the built-in detections
    #[arg(long)]
    pub no_native: bool,
    /// Send the detections to the destinations in this file (WATCH-02; see `yagura notify test`)
    #[arg(long, env = "YAGURA_NOTIFY")]
    pub notify: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct S3Args {
    /// S3: forget the stored progress of this source and read it from the beginning
    #[arg(long)]
    pub from_start: bool,
    /// S3: AWS profile from ~/.aws/config (default: the standard credential chain)
    #[arg(long, env = "AWS_PROFILE")]
    pub profile: Option<String>,
    /// S3: the bucket's region (default: found from the bucket)
    #[arg(long)]
    pub region: Option<String>,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The bucket and prefix of the logs (`s3://bucket/AWSLogs/`)
    pub url: String,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Time between polls (`60s`, `5m`, `1h`; a plain number is seconds)
    #[arg(long, default_value = "60s", value_parser = parse_interval)]
    pub interval: std::time::Duration,
    /// Stop after this many polls (default: run until Ctrl-C)
    #[arg(long)]
    pub max_polls: Option<u64>,
    #[command(flatten)]
    pub s3: S3Args,
    #[command(flatten)]
    pub out: OutputArgs,
}

fn parse_interval(s: &str) -> std::result::Result<std::time::Duration, String> {
    let t = s.trim();
    let (num, unit) = t
        .find(|c: char| !c.is_ascii_digit())
        .map_or((t, ""), |i| t.split_at(i));
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration like 60s, 5m or 1h"))?;
    let secs = match unit {
        "" | "s" => n,
        "m" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        _ => return Err(format!("`{s}` is not a duration like 60s, 5m or 1h")),
    };
    if secs == 0 {
        return Err("the interval must be at least 1s".to_string());
    }
    Ok(std::time::Duration::from_secs(secs))
}

pub fn run(g: &Global, a: TrailArgs) -> Result<u8> {
    match a.command {
        TrailCommand::Scan(s) => scan(g, s),
        TrailCommand::Watch(w) => s3::watch(g, w),
    }
}

/// The Sigma rules of `--sigma` (warnings on stderr) and what the report says about them.
pub(crate) fn load_rules(a: &RuleArgs) -> Result<(Option<RuleSet>, serde_json::Value)> {
    let mut sigma_info = serde_json::Value::Null;
    let rules = match &a.sigma {
        Some(dir) => {
            let (rules, load_errors) = RuleSet::load_dir(dir);
            let shown = sanitize(&dir.display().to_string());
            for e in &load_errors {
                eprintln!(
                    "warning: Sigma rule not loaded: {}",
                    sanitize(&e.to_string())
                );
            }
            eprintln!(
                "loaded {} Sigma rule(s) and {} correlation rule(s) from {shown}; {} failed",
                rules.rules.len(),
                rules.correlations.len(),
                load_errors.len()
            );
            if rules.rules.is_empty() && rules.correlations.is_empty() {
                anyhow::bail!("no Sigma rule could be loaded from `{shown}`");
            }
            sigma_info = serde_json::json!({
                "directory": dir.display().to_string(),
                "loaded": rules.rules.len(),
                "correlations": rules.correlations.len(),
                "failed": load_errors.iter().map(|e| serde_json::json!({
                    "file": e.file,
                    "rule": e.rule,
                    "reason": e.reason,
                })).collect::<Vec<_>>(),
            });
            Some(rules)
        }
        None => None,
    };
    Ok((rules, sigma_info))
}

fn scan(g: &Global, a: ScanArgs) -> Result<u8> {
    let started = now_rfc3339();
    let notifier = s3::load_notifier(&a.rules)?;
    if a.paths
        .iter()
        .any(|p| p.to_string_lossy().starts_with("s3://"))
    {
        let [url] = a.paths.as_slice() else {
            anyhow::bail!("give one `s3://bucket/prefix` to scan, without local paths");
        };
        return s3::scan(g, &url.to_string_lossy(), &a.rules, &a.s3, &a.out);
    }
    if a.s3.from_start {
        anyhow::bail!("--from-start applies to an `s3://` source only");
    }
    let (rules, sigma_info) = load_rules(&a.rules)?;
    let opts = yagura_trail::Options {
        native: !a.rules.no_native,
        ..yagura_trail::Options::default()
    };
    let threads = a.threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(usize::from)
            .unwrap_or(1)
    });
    let paths: Vec<&Path> = a.paths.iter().map(PathBuf::as_path).collect();
    let report = yagura_trail::scan_paths(&paths, rules.as_ref(), &opts, threads);
    for e in &report.errors {
        eprintln!("error: {}", sanitize(e));
    }
    let hidden = report
        .stats
        .errors
        .saturating_sub(report.errors.len() as u64);
    if hidden > 0 {
        eprintln!("error: {hidden} more read error(s) not shown");
    }
    if !g.quiet {
        eprintln!(
            "scanned {} event(s): {} detection(s), {} read error(s)",
            report.stats.events,
            report.detections.len(),
            report.stats.errors
        );
    }
    let findings: Vec<Finding> = report.detections.iter().map(finding_of).collect();
    if let Some(n) = &notifier {
        n.send(g, &crate::notify::detections(&report.detections));
    }
    let extra = serde_json::json!({
        "detections": report.detections,
        "trail": {
            "events": report.stats.events,
            "read_errors": report.stats.errors,
            "sigma_matches": report.stats.sigma_matches,
            "sigma": sigma_info,
        },
    });
    emit(
        g,
        &a.out,
        "trail",
        &findings,
        &report.errors,
        Some(&extra),
        &started,
    )
}

/// A detection as a FAIL finding on the principal that acted.
pub(crate) fn finding_of(d: &Detection) -> Finding {
    let first = d.events.first();
    let pick = |f: fn(&yagura_trail::EventRef) -> &str| first.map(f).unwrap_or_default();
    let principal = pick(|e| &e.principal);
    let resource = if principal.is_empty() {
        format!("event:{}", pick(|e| &e.event_id))
    } else {
        principal.to_string()
    };
    let mut f = Finding::new(
        "",
        Status::Fail,
        d.severity,
        resource,
        pick(|e| &e.account),
        pick(|e| &e.region),
        d.message.clone(),
    )
    .with_recommendation(d.recommendation.clone())
    .with_evidence(
        "kind",
        match d.kind {
            DetectionKind::Native => "native",
            DetectionKind::Sigma => "sigma",
            DetectionKind::SigmaCorrelation => "sigma_correlation",
            DetectionKind::Correlation => "correlation",
        },
    )
    .with_evidence("title", d.title.en.to_string())
    .with_evidence("events", d.events.len().to_string());
    f.check_id = Cow::Owned(d.id.clone());
    if let Some(e) = first {
        f = f
            .with_evidence("first_event_id", e.event_id.clone())
            .with_evidence("first_event_time", e.event_time.clone())
            .with_evidence(
                "first_event",
                format!("{}:{}", e.event_source, e.event_name),
            )
            .with_evidence("source_ip", e.source_ip.clone());
        if let Some(k) = &e.key {
            f = f.with_evidence("file", k.clone());
        }
    }
    if let Some(last) = d.events.last().filter(|_| d.events.len() > 1) {
        f = f.with_evidence("last_event_time", last.event_time.clone());
    }
    f
}
