//! `yagura notify test`, and the notification step of `yagura trail scan --notify` and
//! `yagura audit --notify` (WATCH-02, WATCH-07): load the destinations file before the work
//! (a broken file stops the run early), then send and report each destination on stderr. A
//! destination that fails is a warning; it never changes the run's exit code.

use crate::cli::Global;
use crate::common::{lang, sanitize};
use crate::outln;
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use yagura_core::{Finding, Severity, Status};
use yagura_notify::{Config, DestinationReport, Dispatcher, Kind, Notification, Outcome, Report};

#[derive(Debug, Args)]
pub struct NotifyArgs {
    #[command(subcommand)]
    pub command: NotifyCommand,
}

#[derive(Debug, Subcommand)]
pub enum NotifyCommand {
    /// Send a test notification to every destination of a destinations file and show, for
    /// each, whether it was delivered
    Test(TestArgs),
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// The destinations file (YAML): Slack, webhook, SNS and SMTP destinations, each with a
    /// min_severity (see examples/notify.yaml)
    #[arg(long)]
    pub config: PathBuf,
    /// Severity of the test notification; destinations whose min_severity is higher skip it
    #[arg(long, default_value = "critical", ignore_case = true, value_parser = crate::cli::severity_parser())]
    pub severity: Severity,
}

pub fn run(g: &Global, a: NotifyArgs) -> Result<u8> {
    match a.command {
        NotifyCommand::Test(t) => test(g, t),
    }
}

fn test(g: &Global, t: TestArgs) -> Result<u8> {
    let severity = t.severity;
    let notifier = Notifier::load(&t.config)?;
    let report = notifier.dispatch(g, &[Notification::test(severity)])?;
    for d in &report.destinations {
        outln!("{}", describe(d));
    }
    Ok(if report.failed() > 0 { 2 } else { 0 })
}

/// A loaded destinations file, ready to send.
pub struct Notifier {
    config: Config,
}

impl Notifier {
    /// Loads the destinations file; its errors name the file, line and column.
    pub fn load(path: &Path) -> Result<Notifier> {
        Ok(Notifier {
            config: Config::load(path)?,
        })
    }

    /// Sends `notes` and reports each destination on stderr (failures as warnings, even with
    /// `--quiet`). Never fails the run.
    pub fn send(&self, g: &Global, notes: &[Notification]) {
        match self.dispatch(g, notes) {
            Ok(report) => {
                for d in &report.destinations {
                    match d.outcome() {
                        Outcome::Failed | Outcome::Partial => {
                            eprintln!(
                                "{}",
                                crate::tr!(
                                    "warning: notification {d}",
                                    "警告: 通知 {d}",
                                    d = describe(d)
                                )
                            );
                        }
                        _ if !g.quiet => {
                            crate::etr!("notification {d}", "通知 {d}", d = describe(d))
                        }
                        _ => {}
                    }
                }
            }
            Err(e) => eprintln!(
                "warning: notifications were not sent: {}",
                sanitize(&format!("{e:#}"))
            ),
        }
    }

    fn dispatch(&self, g: &Global, notes: &[Notification]) -> Result<Report> {
        let lang = lang(g);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start the async runtime")?;
        let needs_sns = self
            .config
            .destinations
            .iter()
            .any(|d| matches!(d.target, yagura_notify::Target::Sns { .. }));
        Ok(rt.block_on(async {
            let publisher: Option<Arc<dyn yagura_notify::Publisher>> = if needs_sns {
                let sdk =
                    yagura_collect::load_config(&yagura_collect::ConnectOptions::default()).await;
                Some(Arc::new(yagura_collect::sns::SnsPublisher::new(sdk)))
            } else {
                None
            };
            Dispatcher::new(self.config.clone(), lang, publisher)
                .dispatch(notes)
                .await
        }))
    }
}

/// One destination's result on one line: its name and kind, never its URL.
fn describe(d: &DestinationReport) -> String {
    let head = crate::tr!(
        "{name} ({kind})",
        "`{name}`(`{kind}`)",
        name = d.name,
        kind = d.kind
    );
    let (matched, attempts, delivered, messages) = (d.matched, d.attempts, d.delivered, d.messages);
    let line = match d.outcome() {
        Outcome::Nothing if crate::i18n::ja() => {
            format!("{head}: {} 以上のものはありません", d.min_severity.as_str())
        }
        Outcome::Nothing => format!(
            "{head}: nothing at or above {}",
            d.min_severity.as_str().to_ascii_uppercase()
        ),
        Outcome::Delivered if d.digest => crate::tr!(
            "{head}: delivered one digest of {matched} notification(s) ({attempts} attempt(s))",
            "{head}: 通知 {matched} 件のダイジェストを 1 件配信しました(試行 {attempts} 回)"
        ),
        Outcome::Delivered => crate::tr!(
            "{head}: delivered {delivered} message(s) ({attempts} attempt(s))",
            "{head}: メッセージ {delivered} 件を配信しました(試行 {attempts} 回)"
        ),
        Outcome::Partial | Outcome::Failed => {
            let why = d
                .error
                .clone()
                .unwrap_or_else(|| crate::tr!("unknown error", "不明なエラー"));
            crate::tr!(
                "{head}: FAILED, {delivered} of {messages} message(s) delivered: {why}",
                "{head}: 失敗しました。メッセージ {messages} 件のうち {delivered} 件を配信: {why}"
            )
        }
    };
    sanitize(&line)
}

/// CloudTrail detections as notifications: the events behind each, principal and source.
pub fn detections(ds: &[yagura_trail::Detection]) -> Vec<Notification> {
    ds.iter()
        .map(|d| {
            let first = d.events.first();
            let pick = |f: fn(&yagura_trail::EventRef) -> &str| {
                first.map(f).unwrap_or_default().to_string()
            };
            let events = d
                .events
                .iter()
                .take(10)
                .map(|e| {
                    let key = e
                        .access_key_id
                        .as_deref()
                        .map(|k| format!(" key {}", yagura_core::mask_key_id(k)))
                        .unwrap_or_default();
                    format!(
                        "{} {}:{} by {} from {}{key}",
                        e.event_time, e.event_source, e.event_name, e.principal, e.source_ip
                    )
                })
                .collect();
            let principal = pick(|e| &e.principal);
            Notification {
                kind: Kind::Detection,
                id: d.id.clone(),
                title: d.title.clone(),
                severity: d.severity,
                summary: d.message.clone(),
                resource: if principal.is_empty() {
                    format!("event:{}", pick(|e| &e.event_id))
                } else {
                    principal
                },
                account: pick(|e| &e.account),
                region: pick(|e| &e.region),
                time: first.map(|e| e.event_time.clone()),
                events,
                links: Vec::new(),
                recommendation: Some(d.recommendation.clone()),
            }
        })
        .collect()
}

/// What `yagura audit --notify` tells (chosen by `yagura_notify::audit_notifications`): the AWS
/// Health events and, with `--notify-findings`, the FAIL findings that are new since the previous
/// stored run of `scope` (all of them when the run is not stored or is the first).
pub fn audit_notes(
    g: &Global,
    inventory: &yagura_inventory::Inventory,
    findings: &[Finding],
    with_findings: bool,
    stored_scope: Option<&str>,
) -> Result<Vec<Notification>> {
    let before = if with_findings {
        stored_scope.and_then(|s| previous_fail_keys(g, s))
    } else {
        None
    };
    let catalogue = crate::common::catalogue()?;
    let chosen = yagura_notify::audit_notifications(
        inventory,
        findings,
        with_findings,
        before.as_ref(),
        &catalogue,
    );
    if !g.quiet {
        for (account, code) in &chosen.unread_health {
            eprintln!(
                "note: AWS Health events of {} could not be read ({}), none are forwarded",
                sanitize(account),
                sanitize(code)
            );
        }
    }
    Ok(chosen.notifications)
}

/// The FAIL keys of the run before the latest stored run of `scope`, if there is one.
fn previous_fail_keys(g: &Global, scope: &str) -> Option<BTreeSet<String>> {
    let store = crate::common::open_store(g).ok()?;
    let runs = store.latest_runs(scope, 2).ok()?;
    let prev = runs.get(1)?;
    let findings = store.run_findings(prev.id).ok()?;
    Some(
        findings
            .iter()
            .filter(|f| f.status == Status::Fail)
            .map(Finding::key)
            .collect(),
    )
}
