//! `yagura findings`: the latest run, what changed since the previous one, and workflow (REP-02).

use crate::cli::{FindingsArgs, Global, TextOrJson};
use crate::common::{lang, open_store, sanitize};
use anyhow::{Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use yagura_store::{Diff, DiffEntry, Workflow, WorkflowStatus, WorkflowUpdate};

pub fn run(g: &Global, a: FindingsArgs) -> Result<u8> {
    let mut store = open_store(g)?;
    if let Some(key) = &a.set {
        let status = a
            .status
            .as_deref()
            .map(str::parse::<WorkflowStatus>)
            .transpose()
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let by = std::env::var("USER").unwrap_or_else(|_| "unknown".to_string());
        let w = store.set_workflow(
            key,
            &WorkflowUpdate {
                status,
                assignee: a.assignee.clone(),
                note: a.note.clone(),
                by,
                at: time::OffsetDateTime::now_utc(),
            },
        )?;
        crate::outln!(
            "{}: {} {}",
            sanitize(key),
            w.status.as_str(),
            sanitize(w.assignee.as_deref().unwrap_or(""))
        );
        return Ok(0);
    }
    let scope = match &a.scope {
        Some(s) => s.clone(),
        None => {
            let scopes = store.scopes()?;
            let mut latest: Option<(i64, String)> = None;
            for s in scopes {
                if let Some(r) = store.latest_runs(&s, 1)?.first() {
                    if latest.as_ref().is_none_or(|(id, _)| r.id > *id) {
                        latest = Some((r.id, s.clone()));
                    }
                }
            }
            latest.map(|(_, s)| s).with_context(|| {
                crate::tr!(
                    "no run is stored yet: run `yagura audit` first",
                    "保存された実行がまだありません。先に `yagura audit` を実行してください"
                )
            })?
        }
    };
    let runs = store.latest_runs(&scope, 2)?;
    let cur = runs.first().with_context(|| {
        crate::tr!(
            "no run is stored for this scope",
            "このスコープの実行は保存されていません"
        )
    })?;
    let findings = store.run_findings(cur.id)?;
    let workflows = store.workflows()?;
    let diff = match runs.get(1) {
        Some(prev) => Some(store.diff(prev.id, cur.id)?),
        None => None,
    };
    let lang = lang(g);
    let new: BTreeSet<&str> = diff
        .iter()
        .flat_map(|d| d.new.iter().map(|e| e.key.as_str()))
        .collect();
    if a.format == TextOrJson::Json {
        let rows: Vec<serde_json::Value> = findings
            .iter()
            .filter(|f| f.status != yagura_core::Status::Pass)
            .map(|f| {
                let key = f.key();
                let w = workflows.get(&key);
                serde_json::json!({
                    "key": key,
                    "check_id": f.check_id,
                    "status": f.shown_status(),
                    "severity": f.severity,
                    "resource": &*f.resource,
                    "account": f.account,
                    "region": f.region,
                    "message": f.message.get(lang),
                    "change": if new.contains(key.as_str()) { "new" } else { "open" },
                    "workflow": w.map(|w| serde_json::json!({"status": w.status.as_str(), "assignee": w.assignee, "note": w.note})),
                })
            })
            .collect();
        let fixed: Vec<&str> = diff
            .iter()
            .flat_map(|d| d.fixed.iter().map(|e| e.key.as_str()))
            .collect();
        let not_checked: Vec<serde_json::Value> = diff
            .iter()
            .flat_map(unchecked)
            .map(|e| {
                serde_json::json!({
                    "key": e.key,
                    "reason": e.reason.as_ref().map(|r| r.get(lang)),
                })
            })
            .collect();
        let contradictions: Vec<serde_json::Value> = contradictions(&findings, &workflows)
            .into_iter()
            .map(|(key, w)| serde_json::json!({"key": key, "workflow": w.status.as_str(), "status": "FAIL"}))
            .collect();
        crate::outln!(
            "{}",
            yagura_core::escape::json_string(&serde_json::json!({
                "scope": scope,
                "run": cur.id,
                "findings": rows,
                "fixed": fixed,
                "not_checked": not_checked,
                "contradictions": contradictions,
            }))?
        );
        return Ok(0);
    }
    crate::outln!(
        "scope {} — run {} ({} pass, {} fail, {} unknown, {} muted)",
        sanitize(&scope),
        cur.id,
        cur.counts.pass,
        cur.counts.fail,
        cur.counts.unknown,
        cur.counts.muted
    );
    if let Some(d) = &diff {
        crate::outln!(
            "since the previous run: {} new, {} fixed, {} still open, {} not checkable now",
            d.new.len(),
            d.fixed.len(),
            d.still_open.len(),
            d.unknown_now.len() + d.not_checked.len()
        );
        for e in &d.fixed {
            crate::outln!("  fixed        {}", sanitize(&e.key));
        }
        for e in unchecked(d) {
            crate::outln!(
                "  not checked  {}: {}",
                sanitize(&e.key),
                sanitize(e.reason.as_ref().map(|r| r.get(lang)).unwrap_or("-"))
            );
        }
    }
    for (key, w) in contradictions(&findings, &workflows) {
        crate::outln!(
            "  contradiction  {} is marked {} but still fails",
            sanitize(&key),
            w.status.as_str()
        );
    }
    for f in findings.iter().filter(|f| {
        f.status == yagura_core::Status::Fail || f.status == yagura_core::Status::Unknown
    }) {
        let key = f.key();
        let w = workflows.get(&key);
        crate::outln!(
            "{:<4} {:<7} {:<8} {:<40} {} [{}{}]",
            if new.contains(key.as_str()) {
                "NEW"
            } else {
                ""
            },
            f.shown_status().as_str(),
            f.severity.as_str(),
            f.check_id,
            sanitize(&f.resource),
            w.map(|w| w.status.as_str()).unwrap_or("open"),
            w.and_then(|w| w.assignee.as_deref())
                .map(|a| format!(", {}", sanitize(a)))
                .unwrap_or_default(),
        );
    }
    Ok(0)
}

/// What could not be checked in the latest run: FAIL before and UNKNOWN or absent now.
fn unchecked(d: &Diff) -> impl Iterator<Item = &DiffEntry> {
    d.unknown_now.iter().chain(&d.not_checked)
}

/// The keys whose workflow status says `resolved` while the latest run still fails them.
fn contradictions<'a>(
    findings: &[yagura_core::Finding],
    workflows: &'a BTreeMap<String, Workflow>,
) -> Vec<(String, &'a Workflow)> {
    let failing: BTreeSet<String> = findings
        .iter()
        .filter(|f| f.status == yagura_core::Status::Fail)
        .map(yagura_core::Finding::key)
        .collect();
    failing
        .into_iter()
        .filter_map(|k| {
            workflows
                .get(&k)
                .filter(|w| w.status == WorkflowStatus::Resolved)
                .map(|w| (k, w))
        })
        .collect()
}
