//! `yagura watch` and `yagura timeline` (WATCH-01): inventory snapshots taken with the audit's
//! collector, kept in the store as AWS Config-shaped configuration items, and the history of
//! one resource.

use crate::cli::{Global, TextOrJson as Format};
use crate::collecting::CollectArgs;
use crate::common::{now_rfc3339, open_store, sanitize, write_atomic};
use crate::outln;
use anyhow::{Context, Result};
use clap::Args;
use serde_json::{json, Value};
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use yagura_core::Severity;
use yagura_inventory::Inventory;
use yagura_store::{ConfigItemRecord, Store};
use yagura_watch::{Change, ChangeType, ConfigurationItem, Observation};

#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub collect: CollectArgs,
    /// Record a saved inventory snapshot (from `audit --save-inventory`) instead of calling AWS
    #[arg(long, conflicts_with_all = ["org", "profile", "interval"])]
    pub from_inventory: Option<PathBuf>,
    /// Take a snapshot every DURATION (`90s`, `15m`, `1h`, `1d`) until stopped; default: once
    #[arg(long, value_name = "DURATION", value_parser = crate::cli::parse_duration)]
    pub interval: Option<Duration>,
    /// With --interval: stop after this many snapshots
    #[arg(long, requires = "interval")]
    pub max_runs: Option<u64>,
    /// Keep only the changed items, not the whole inventory snapshot
    #[arg(long)]
    pub no_snapshot: bool,
    /// Output format
    #[arg(long, short, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to FILE instead of stdout (with --interval: the latest run's)
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Report only changes at or above this severity (info, low, medium, high, critical);
    /// every change is still kept in the store
    #[arg(long, default_value = "info", ignore_case = true, value_parser = crate::cli::severity_parser())]
    pub min_severity: Severity,
    /// Exit 0 even when some resource types could not be read
    #[arg(long)]
    pub allow_incomplete: bool,
    /// Send the changes to the destinations in this file, each with its own minimum severity
    /// (the first snapshot, the baseline, is not sent)
    #[arg(long, env = "YAGURA_NOTIFY")]
    pub notify: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct TimelineArgs {
    /// The resource: its id (i-…, sg-…, subnet-…, vpc-…, a user name) or its ARN
    pub resource: String,
    /// Output format
    #[arg(long, short, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Show at most the latest N items
    #[arg(long)]
    pub limit: Option<usize>,
}

pub fn watch(g: &Global, a: WatchArgs) -> Result<u8> {
    let format = a.format;
    let interval = a.interval;
    // A broken destinations file stops the run before anything is collected.
    let notifier = a
        .notify
        .as_deref()
        .map(crate::notify::Notifier::load)
        .transpose()?;
    let mut store = open_store(g)?;
    let mut code = 0u8;
    let mut run = 0u64;
    loop {
        run += 1;
        let started = std::time::Instant::now();
        let inventory = match &a.from_inventory {
            Some(p) => Inventory::load(p)?,
            None => match crate::collecting::collect(g, &a.collect, None, &now_rfc3339()) {
                Ok(inv) => inv,
                // A daemon survives a failed collection (expired credentials, network) and tries
                // again at the next tick; a single run fails.
                Err(e) if interval.is_some() => {
                    crate::etr!(
                        "error: snapshot {run} not taken: {e}",
                        "エラー: スナップショット {run} を取得できませんでした: {e}",
                        e = sanitize(&crate::i18n::error_text(&e))
                    );
                    code = 2;
                    if a.max_runs.is_some_and(|m| run >= m) {
                        break;
                    }
                    sleep_rest(interval, started);
                    continue;
                }
                Err(e) => return Err(e),
            },
        };
        code = code.max(record(
            g,
            &a,
            format,
            &mut store,
            &inventory,
            notifier.as_ref(),
        )?);
        if interval.is_none() || a.max_runs.is_some_and(|m| run >= m) {
            break;
        }
        sleep_rest(interval, started);
    }
    Ok(code)
}

fn sleep_rest(interval: Option<Duration>, started: std::time::Instant) {
    if let Some(i) = interval {
        std::thread::sleep(i.saturating_sub(started.elapsed()));
    }
}

/// The last known item of every resource, as the store keeps them. A row that does not read
/// back is skipped with a warning (its resource then counts as discovered again).
fn latest_items(store: &Store) -> Result<Vec<ConfigurationItem>> {
    let mut out = Vec::new();
    for row in store.latest_config_items()? {
        match serde_json::from_str::<ConfigurationItem>(&row.record.item) {
            Ok(i) => out.push(i),
            Err(e) => eprintln!(
                "warning: stored configuration item {} ({}) is unreadable and was skipped: {e}",
                row.id,
                sanitize(&row.record.resource_id)
            ),
        }
    }
    Ok(out)
}

fn record(
    g: &Global,
    a: &WatchArgs,
    format: Format,
    store: &mut Store,
    inventory: &Inventory,
    notifier: Option<&crate::notify::Notifier>,
) -> Result<u8> {
    let taken_at = OffsetDateTime::parse(&inventory.collected_at, &Rfc3339)
        .unwrap_or_else(|_| OffsetDateTime::now_utc());
    let mut obs = yagura_watch::observe(inventory);
    if obs.captured_at.is_empty() {
        obs.captured_at = taken_at.format(&Rfc3339).unwrap_or_default();
        for i in &mut obs.items {
            i.configuration_item_capture_time
                .clone_from(&obs.captured_at);
        }
    }
    let previous = latest_items(store)?;
    let baseline = previous.is_empty();
    let changes = yagura_watch::changes(previous.iter(), &obs);
    let mut records = Vec::with_capacity(changes.len());
    for c in &changes {
        let i = &c.configuration_item;
        records.push(ConfigItemRecord {
            account: i.account_id.clone(),
            region: i.aws_region.clone(),
            resource_type: i.resource_type.clone(),
            resource_id: i.resource_id.clone(),
            arn: i.arn.clone(),
            captured_at: taken_at,
            status: i.configuration_item_status.as_str().to_string(),
            item: serde_json::to_string(i)?,
            diff: Some(serde_json::to_string(&c.configuration_item_diff)?),
        });
    }
    let snapshot_json = if a.no_snapshot {
        None
    } else {
        Some(serde_json::to_string(inventory)?)
    };
    let snapshot = store.record_watch(taken_at, snapshot_json.as_deref(), &records)?;
    let min = a.min_severity;
    let rated: Vec<(&Change, yagura_watch::Rating)> = changes
        .iter()
        .map(|c| (c, yagura_watch::rate(c)))
        .filter(|(_, r)| r.severity >= min)
        .collect();

    let mut buf = Vec::new();
    match format {
        Format::Json => {
            let doc = json!({
                "schema_version": 1,
                "kind": "watch",
                "captured_at": obs.captured_at,
                "snapshot_id": snapshot,
                "baseline": baseline,
                "complete": obs.complete(),
                "resources": obs.items.len(),
                "counts": counts(&changes),
                "min_severity": min.as_str(),
                "unrecorded": obs.unrecorded,
                "changes": rated.iter().map(|(c, r)| json!({
                    "severity": r.severity.as_str(),
                    "reason": r.reason,
                    "configurationItem": c.configuration_item,
                    "configurationItemDiff": c.configuration_item_diff,
                })).collect::<Vec<_>>(),
            });
            yagura_core::escape::write_json(&mut buf, &doc)?;
            buf.push(b'\n');
        }
        Format::Text => write_text(&mut buf, &obs, &rated, baseline)?,
    }
    match &a.output {
        Some(p) => write_atomic(p, &buf)?,
        None => crate::out::write_stdout(&buf)?,
    }
    if !g.quiet {
        let c = counts(&changes);
        let (n, found, changed, deleted) = (
            obs.items.len(),
            &c["discovered"],
            &c["changed"],
            &c["deleted"],
        );
        let as_id = snapshot
            .map(|s| crate::tr!(" as {s}", "(スナップショット {s})"))
            .unwrap_or_default();
        crate::etr!(
            "snapshot of {n} resource(s) kept{as_id}: {found} discovered, {changed} changed, {deleted} deleted",
            "リソース {n} 件のスナップショットを保存しました{as_id}: 検出 {found} 件、変更 {changed} 件、削除 {deleted} 件"
        );
    }
    if let (Some(n), false) = (notifier, baseline) {
        let notes: Vec<_> = changes.iter().map(notification).collect();
        if !notes.is_empty() {
            n.send(g, &notes);
        }
    }
    if !obs.complete() {
        crate::etr!(
            "warning: the snapshot is incomplete: {n} resource type(s) or resource(s) could not be read and keep their last known configuration",
            "警告: スナップショットは不完全です: {n} 件のリソースタイプまたはリソースを読み取れなかったため、最後に判明した設定のままです",
            n = obs.unrecorded.len()
        );
        return Ok(if a.allow_incomplete { 0 } else { 2 });
    }
    Ok(0)
}

/// A change as a notification: the diff's paths are the summary, the severity decides which
/// destinations get it.
fn notification(c: &Change) -> yagura_notify::Notification {
    let i = &c.configuration_item;
    let r = yagura_watch::rate(c);
    let kind = c.configuration_item_diff.change_type;
    let what = format!(
        "{} {} {}",
        match kind {
            ChangeType::Create => "created",
            ChangeType::Update => "changed",
            ChangeType::Delete => "deleted",
        },
        i.resource_type,
        i.resource_id
    );
    let was = match kind {
        ChangeType::Create => "作成",
        ChangeType::Update => "変更",
        ChangeType::Delete => "削除",
    };
    let props: Vec<String> = c
        .configuration_item_diff
        .changed_properties
        .iter()
        .take(10)
        .map(|(path, p)| {
            format!(
                "{path} {}: {} -> {}",
                p.change_type.as_str(),
                short(&p.previous_value),
                short(&p.updated_value)
            )
        })
        .collect();
    yagura_notify::Notification {
        kind: yagura_notify::Kind::Change,
        id: format!("change:{}", i.resource_type),
        title: yagura_core::Text::owned(
            format!("{}: {what}", r.reason),
            format!("構成変更（{was}）: {} {}", i.resource_type, i.resource_id),
        ),
        severity: r.severity,
        summary: yagura_core::Text::owned(
            format!("{what} ({} propert(ies) changed)", props.len()),
            format!("{} {} が{was}されました", i.resource_type, i.resource_id),
        ),
        resource: i.arn.clone().unwrap_or_else(|| i.resource_id.clone()),
        account: i.account_id.clone(),
        region: i.aws_region.clone(),
        time: Some(i.configuration_item_capture_time.clone()),
        events: props,
        links: Vec::new(),
        recommendation: None,
    }
}

fn counts(changes: &[Change]) -> Value {
    let n = |t: ChangeType| {
        changes
            .iter()
            .filter(|c| c.configuration_item_diff.change_type == t)
            .count()
    };
    json!({
        "discovered": n(ChangeType::Create),
        "changed": n(ChangeType::Update),
        "deleted": n(ChangeType::Delete),
    })
}

fn short(v: &Value) -> String {
    let s = match v {
        Value::Null => "-".to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    const MAX: usize = 120;
    if s.chars().count() > MAX {
        format!("{}…", s.chars().take(MAX).collect::<String>())
    } else {
        s
    }
}

fn title(i: &ConfigurationItem) -> String {
    let name = i
        .resource_name
        .as_deref()
        .filter(|n| *n != i.resource_id)
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    sanitize(&where_is(
        &i.resource_type,
        &format!("{}{name}", i.resource_id),
        &i.account_id,
        &i.aws_region,
    ))
}

/// `TYPE ID in ACCOUNT REGION`, in the language of the run.
fn where_is(kind: &str, id: &str, account: &str, region: &str) -> String {
    crate::tr!(
        "{kind} {id} in {account} {region}",
        "{kind} {id}(`{account}` `{region}`)"
    )
}

fn write_text(
    w: &mut Vec<u8>,
    obs: &Observation,
    changes: &[(&Change, yagura_watch::Rating)],
    baseline: bool,
) -> Result<()> {
    writeln!(
        w,
        "{}",
        crate::tr!(
            "snapshot {at}: {n} resource(s)",
            "スナップショット {at}: リソース {n} 件",
            at = sanitize(&obs.captured_at),
            n = obs.items.len()
        )
    )?;
    for u in &obs.unrecorded {
        let what = format!(
            "{}{}",
            sanitize(&u.scope.to_string()),
            u.resource_id
                .as_deref()
                .map(|r| format!(" {}", sanitize(r)))
                .unwrap_or_default()
        );
        writeln!(
            w,
            "  {}",
            crate::tr!(
                "not recorded: {what}: {why}",
                "未記録: {what}: {why}",
                why = sanitize(&u.reason.render(crate::i18n::lang()))
            )
        )?;
    }
    if baseline {
        // The first snapshot is the baseline: every resource is new, list the counts only.
        let by_type = yagura_watch::observe::count_by_type(&obs.items);
        writeln!(
            w,
            "{}",
            crate::tr!("baseline recorded:", "ベースラインを記録しました:")
        )?;
        for (t, n) in by_type {
            writeln!(w, "  {n:>6}  {}", sanitize(&t))?;
        }
        return Ok(());
    }
    if changes.is_empty() {
        writeln!(w, "{}", crate::tr!("no changes", "変更はありません"))?;
        return Ok(());
    }
    for (c, r) in changes {
        writeln!(
            w,
            "{:<8} {:<6} {}  [{}]",
            r.severity.as_str().to_uppercase(),
            c.configuration_item_diff.change_type.as_str(),
            title(&c.configuration_item),
            r.reason
        )?;
        if c.configuration_item_diff.change_type == ChangeType::Update {
            write_props(w, c)?;
        }
    }
    Ok(())
}

fn write_props(w: &mut Vec<u8>, c: &Change) -> Result<()> {
    for (path, p) in &c.configuration_item_diff.changed_properties {
        writeln!(
            w,
            "         {} {}: {} → {}",
            sanitize(path),
            p.change_type.as_str(),
            sanitize(&short(&p.previous_value)),
            sanitize(&short(&p.updated_value))
        )?;
    }
    Ok(())
}

pub fn timeline(g: &Global, a: TimelineArgs) -> Result<u8> {
    let format = a.format;
    let store = open_store(g)?;
    let mut rows = store.config_history(&a.resource)?;
    anyhow::ensure!(
        !rows.is_empty(),
        "no recorded history for `{}`: run `yagura watch` first, or give the id or ARN the timeline shows",
        sanitize(&a.resource)
    );
    if let Some(n) = a.limit {
        let skip = rows.len().saturating_sub(n);
        rows.drain(..skip);
    }
    let mut entries = Vec::new();
    for r in &rows {
        let item: Value = serde_json::from_str(&r.record.item)
            .with_context(|| format!("stored configuration item {} is unreadable", r.id))?;
        let diff: Value = match &r.record.diff {
            Some(d) => serde_json::from_str(d)
                .with_context(|| format!("stored diff of item {} is unreadable", r.id))?,
            None => Value::Null,
        };
        entries.push((r, item, diff));
    }
    match format {
        Format::Json => {
            let doc = json!({
                "schema_version": 1,
                "kind": "timeline",
                "resource": a.resource,
                "items": entries.iter().map(|(_, item, diff)| json!({
                    "configurationItem": item,
                    "configurationItemDiff": diff,
                })).collect::<Vec<_>>(),
            });
            outln!("{}", yagura_core::escape::json_string(&doc)?);
        }
        Format::Text => {
            let mut last_key = None;
            for (r, item, diff) in &entries {
                let key = (
                    &r.record.account,
                    &r.record.region,
                    &r.record.resource_type,
                    &r.record.resource_id,
                );
                if last_key != Some(key) {
                    let parsed: Option<ConfigurationItem> =
                        serde_json::from_value(item.clone()).ok();
                    let head = parsed.as_ref().map(title).unwrap_or_else(|| {
                        sanitize(&where_is(
                            &r.record.resource_type,
                            &r.record.resource_id,
                            &r.record.account,
                            &r.record.region,
                        ))
                    });
                    outln!("{head}");
                    last_key = Some(key);
                }
                let at = r.record.captured_at.format(&Rfc3339).unwrap_or_default();
                outln!("  {at}  {}", sanitize(&r.record.status));
                if r.record.status == "OK" {
                    if let Some(props) = diff.get("changedProperties").and_then(Value::as_object) {
                        for (path, p) in props {
                            outln!(
                                "      {} {}: {} → {}",
                                sanitize(path),
                                sanitize(p.get("changeType").and_then(Value::as_str).unwrap_or("")),
                                sanitize(&short(p.get("previousValue").unwrap_or(&Value::Null))),
                                sanitize(&short(p.get("updatedValue").unwrap_or(&Value::Null)))
                            );
                        }
                    }
                }
            }
        }
    }
    let _ = g;
    Ok(0)
}
