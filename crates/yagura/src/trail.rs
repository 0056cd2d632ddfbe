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

mod consume;
mod s3;
mod sql;

use crate::cli::{Global, OutputArgs};
use crate::common::{emit_with_text, lang, now_rfc3339, sanitize};
use anyhow::Result;
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use yagura_trail::sigma::{LoadOptions, RuleSet};
use yagura_trail::Detection;

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
    /// Print the Sigma rules as SQL over AWS's CloudTrail table (Athena, Trino, DuckDB)
    Sql(sql::SqlArgs),
    /// Hunt with the Sigma rules on Athena over the CloudTrail table; report like a scan
    Hunt(sql::HuntArgs),
    /// Read CloudTrail objects as their S3 notifications arrive on an SQS queue
    Consume(consume::ConsumeArgs),
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
    /// Judge only events at or after this time (`2024-03-01`, `2024-03-01T10:00:00Z`); from
    /// `s3://`, list only the days from this one on
    #[arg(long, value_parser = parse_time)]
    pub since: Option<i64>,
    /// Judge only events before this time (`2024-03-02`, `2024-03-01T18:00:00Z`)
    #[arg(long, value_parser = parse_time)]
    pub until: Option<i64>,
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
    /// Send the detections to the destinations in this file (see `yagura notify test`)
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
    /// S3: objects fetched at once (read and reported in the same order)
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub parallel: u16,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The bucket and prefix of the logs (`s3://bucket/AWSLogs/`)
    pub url: String,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Time between polls (`60s`, `5m`, `1h`; a plain number is seconds)
    #[arg(long, default_value = "60s", value_parser = crate::cli::parse_duration)]
    pub interval: std::time::Duration,
    /// Stop after this many polls (default: run until Ctrl-C)
    #[arg(long)]
    pub max_polls: Option<u64>,
    /// List only the days from this one on and judge only events at or after this time
    /// (`2024-03-01`, `2024-03-01T10:00:00Z`)
    #[arg(long, value_parser = parse_time)]
    pub since: Option<i64>,
    #[command(flatten)]
    pub s3: S3Args,
    #[command(flatten)]
    pub out: OutputArgs,
}

fn parse_time(s: &str) -> std::result::Result<i64, String> {
    let t = s.trim();
    let full = if t.len() == 10 {
        format!("{t}T00:00:00Z")
    } else {
        t.to_string()
    };
    yagura_trail::event::parse_time_ms(&full)
        .ok_or_else(|| format!("`{s}` is not a time like 2024-03-01 or 2024-03-01T10:00:00Z"))
}

pub fn run(g: &Global, a: TrailArgs) -> Result<u8> {
    match a.command {
        TrailCommand::Scan(s) => scan(g, s),
        TrailCommand::Watch(w) => s3::watch(g, w),
        TrailCommand::Sql(a) => sql::sql(g, a),
        TrailCommand::Hunt(a) => sql::hunt(g, a),
        TrailCommand::Consume(c) => consume::consume(g, c),
    }
}

/// The Sigma rules of `--sigma` (what did not load on stderr, with the reason and position) and
/// what the report says about them: the load summary, which accounts for every rule document.
pub(crate) fn load_rules(a: &RuleArgs) -> Result<(Option<RuleSet>, serde_json::Value)> {
    let Some(dir) = &a.sigma else {
        return Ok((None, serde_json::Value::Null));
    };
    let (rules, summary) = RuleSet::load_dir_summary(dir, &LoadOptions::default());
    let shown = sanitize(&dir.display().to_string());
    for e in &summary.unreadable {
        let e = sanitize(&e.to_string());
        crate::etr!("warning: not read: {e}", "警告: 読み取れません:「{e}」");
    }
    for e in &summary.failed {
        let e = sanitize(&e.to_string());
        crate::etr!(
            "warning: Sigma rule not loaded: {e}",
            "警告: Sigma ルールを読み込めませんでした:「{e}」"
        );
    }
    for e in &summary.unsupported {
        let e = sanitize(&e.to_string());
        crate::etr!(
            "note: Sigma rule not run: {e}",
            "注意: Sigma ルールは実行しません:「{e}」"
        );
    }
    let mut skipped: Vec<(&String, &usize)> = summary.skipped.iter().collect();
    skipped.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    let (by_source, by_source_ja) = if skipped.is_empty() {
        (String::new(), String::new())
    } else {
        let more = if skipped.len() > 6 { ", …" } else { "" };
        let list = |quote: &str| {
            skipped
                .iter()
                .take(6)
                .map(|(k, n)| format!("{quote}{}{quote} {n}", sanitize(k)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        (
            format!(" ({}{more})", list("")),
            format!("({}{more})", list("`")),
        )
    };
    let (documents, files, loaded, correlations) = (
        summary.documents,
        summary.files,
        summary.loaded,
        summary.correlations,
    );
    let (skipped_n, unsupported, failed) = (
        summary.skipped_total(),
        summary.unsupported.len(),
        summary.failed.len(),
    );
    crate::etr!(
        "Sigma rules from {shown}: {documents} document(s) in {files} file(s): {loaded} rule(s) and {correlations} correlation(s) loaded, {skipped_n} skipped for another log source{by_source}, {unsupported} not run (deprecated, unsupported or needing placeholders), {failed} failed",
        "Sigma ルール `{shown}`: {files} 個のファイルの {documents} 個のドキュメントから、ルール {loaded} 件と相関ルール {correlations} 件を読み込みました。別のログソース用で対象外 {skipped_n} 件{by_source_ja}、実行しないもの(非推奨、未対応、プレースホルダーが必要) {unsupported} 件、失敗 {failed} 件"
    );
    if rules.rules.is_empty() && rules.correlations.is_empty() {
        anyhow::bail!(crate::tr!(
            "no Sigma rule for CloudTrail could be loaded from `{shown}`",
            "`{shown}` から CloudTrail 用の Sigma ルールを一つも読み込めませんでした"
        ));
    }
    let mut info = serde_json::to_value(&summary)?;
    if let Some(o) = info.as_object_mut() {
        o.insert("directory".into(), dir.display().to_string().into());
    }
    Ok((Some(rules), info))
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
        let window = (a.since, a.until);
        return s3::scan(g, &url.to_string_lossy(), &a.rules, &a.s3, window, &a.out);
    }
    if a.s3.from_start {
        anyhow::bail!("--from-start applies to an `s3://` source only");
    }
    let (rules, sigma_info) = load_rules(&a.rules)?;
    let opts = yagura_trail::Options {
        native: !a.rules.no_native,
        since_ms: a.since,
        until_ms: a.until,
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
        eprintln!(
            "{}: {}",
            crate::i18n::error_prefix(),
            sanitize(&yagura_trail::report::mask_keys(e.get(lang(g))))
        );
    }
    let hidden = report
        .stats
        .errors
        .saturating_sub(report.errors.len() as u64);
    if hidden > 0 {
        crate::etr!(
            "error: {hidden} more read error(s) not shown",
            "エラー: 表示していない読み取りエラーがほかに {hidden} 件あります"
        );
    }
    if !g.quiet {
        let (events, detections, errors) = (
            report.stats.events,
            report.detections.len(),
            report.stats.errors,
        );
        let outside = match report.stats.outside_time {
            0 => String::new(),
            n => crate::tr!(
                " ({n} outside --since/--until)",
                "(--since/--until の範囲外 {n} 件)"
            ),
        };
        crate::etr!(
            "scanned {events} event(s){outside}: {detections} detection(s), {errors} read error(s)",
            "{events} 件のイベントを走査しました{outside}: 検出 {detections} 件、読み取りエラー {errors} 件"
        );
    }
    let errors: Vec<String> = report
        .errors
        .iter()
        .map(|e| yagura_trail::report::mask_keys(e.get(lang(g))).into_owned())
        .collect();
    report_detections(
        g,
        &a.out,
        &report.detections,
        &errors,
        serde_json::json!({
            "events": report.stats.events,
            "outside_time": report.stats.outside_time,
            "read_errors": report.stats.errors,
            "sigma_matches": report.stats.sigma_matches,
            "sigma": sigma_info,
        }),
        notifier.as_ref(),
        &started,
    )
}

/// Writes the report of a scan's detections in the format asked (the text format is the
/// trail's own table, ordered by time) and sends them to `notifier`.
pub(crate) fn report_detections(
    g: &Global,
    out: &OutputArgs,
    detections: &[Detection],
    errors: &[String],
    trail: serde_json::Value,
    notifier: Option<&crate::notify::Notifier>,
    started: &str,
) -> Result<u8> {
    let findings = yagura_trail::report::findings(detections);
    if let Some(n) = notifier {
        let masked: Vec<Detection> = detections
            .iter()
            .map(yagura_trail::report::masked)
            .collect();
        n.send(g, &crate::notify::detections(&masked));
    }
    let events = trail["events"].as_u64().unwrap_or(0);
    let read_errors = trail["read_errors"].as_u64().unwrap_or(0);
    let extra = serde_json::json!({
        "detections": yagura_trail::report::json_detections(detections),
        "trail": trail,
    });
    let text = yagura_trail::report::text(
        &yagura_trail::report::rows(detections),
        lang(g),
        events,
        read_errors,
    );
    emit_with_text(
        g,
        out,
        "trail",
        &findings,
        errors,
        Some(&extra),
        started,
        Some(&text),
        None,
    )
}
