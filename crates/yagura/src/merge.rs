//! `yagura report merge`: many JSON reports (one per host, account or run) into one report in
//! any format (HOST-07). A file that cannot be read is named with the position of the problem;
//! the others still merge, and the exit code says the result is incomplete.

use crate::cli::{Global, OutputArgs};
use crate::common::{emit, now_rfc3339, sanitize};
use anyhow::Result;
use clap::{Args, Subcommand};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(subcommand)]
    pub command: ReportCommand,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Merge JSON reports (`--format json` of audit, host, trail, iam) into one report
    Merge(MergeArgs),
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// JSON reports to merge
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Scope of the merged report (default: the reports' common scope, else `merged`)
    #[arg(long)]
    pub scope: Option<String>,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub fn run(g: &Global, a: ReportArgs) -> Result<u8> {
    match a.command {
        ReportCommand::Merge(m) => merge(g, m),
    }
}

fn merge(g: &Global, a: MergeArgs) -> Result<u8> {
    let mut findings = Vec::new();
    let mut errors = Vec::new();
    let mut scopes = BTreeSet::new();
    let mut failed = Vec::new();
    let mut seen_files = BTreeSet::new();
    let mut shards = Vec::new();
    for p in &a.files {
        let shown = p.display().to_string();
        // the same report given twice must not count twice (distinct hosts may well have
        // identical findings, so findings themselves are never deduplicated)
        let canonical = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
        if !seen_files.insert(canonical) {
            crate::etr!(
                "warning: `{f}` is given more than once: merged once",
                "警告: `{f}` が複数回指定されています。一度だけ統合します",
                f = sanitize(&shown)
            );
            continue;
        }
        let parsed = std::fs::read_to_string(p)
            .map_err(|e| {
                crate::tr!(
                    "cannot read `{shown}`: {e}",
                    "`{shown}` を読み取れません:「{e}」"
                )
            })
            .and_then(|text| {
                yagura_report::read_json_report(&text).map_err(|e| format!("`{shown}`: {e}"))
            });
        match parsed {
            Ok(r) => {
                if let Some(s) = r.scope {
                    scopes.insert(s);
                }
                errors.extend(r.errors.into_iter().map(|e| format!("{shown}: {e}")));
                if let Some(c) = r.shard {
                    shards.push((shown.clone(), c));
                }
                findings.extend(r.findings);
            }
            Err(e) => {
                eprintln!("{}: {}", crate::i18n::error_prefix(), sanitize(&e));
                failed.push(shown);
            }
        }
    }
    if failed.len() == seen_files.len() {
        anyhow::bail!(crate::tr!(
            "no report could be read",
            "読み取れたレポートがありません"
        ));
    }
    if !g.quiet {
        let (n, read, all) = (
            findings.len(),
            seen_files.len() - failed.len(),
            seen_files.len(),
        );
        crate::etr!(
            "merged {n} finding(s) from {read} of {all} report(s)",
            "レポート {all} 件のうち {read} 件から結果 {n} 件を統合しました"
        );
    }
    let scope = a.scope.clone().unwrap_or_else(|| {
        if scopes.len() == 1 {
            scopes.into_iter().next().unwrap_or_default()
        } else {
            "merged".to_string()
        }
    });
    let shard_problems = check_shards(&shards);
    for p in &shard_problems {
        eprintln!("error: {}", sanitize(p));
    }
    let extra = serde_json::json!({ "merged_from": seen_files.len() - failed.len() });
    let code = emit(
        g,
        &a.out,
        &scope,
        &findings,
        &errors,
        Some(&extra),
        &now_rfc3339(),
    )?;
    if !failed.is_empty() {
        crate::etr!(
            "error: {n} report(s) could not be merged: {files}",
            "エラー: レポート {n} 件を統合できませんでした: {files}",
            n = failed.len(),
            files = failed
                .iter()
                .map(|f| format!("`{}`", sanitize(f)))
                .collect::<Vec<_>>()
                .join(", ")
        );
        return Ok(2);
    }
    if !shard_problems.is_empty() {
        return Ok(2);
    }
    Ok(code)
}

/// What is wrong with the shards among the merged reports (`audit --org --shard I/N`): shards
/// of different splits, a shard given twice, an account in two shards, a shard missing. Reports
/// that are not shards are merged as they are.
fn check_shards(shards: &[(String, yagura_report::ShardCover)]) -> Vec<String> {
    let mut problems = Vec::new();
    let Some((_, first)) = shards.first() else {
        return problems;
    };
    let count = first.count;
    let mut seen: BTreeMap<u32, &str> = BTreeMap::new();
    let mut owner: BTreeMap<&str, &str> = BTreeMap::new();
    for (file, c) in shards {
        if c.count != count || c.hash != first.hash {
            problems.push(format!(
                "`{file}` is shard {}/{} ({}), another report is of {count} shard(s) ({}): not one split",
                c.index, c.count, c.hash, first.hash
            ));
            continue;
        }
        if let Some(other) = seen.insert(c.index, file) {
            problems.push(format!(
                "shard {}/{count} is given twice (`{other}` and `{file}`)",
                c.index
            ));
        }
        for acct in &c.accounts {
            if let Some(other) = owner.insert(acct, file) {
                if other != file {
                    problems.push(format!("account {acct} is in `{other}` and in `{file}`"));
                }
            }
        }
    }
    let missing: Vec<String> = (1..=count)
        .filter(|i| !seen.contains_key(i))
        .map(|i| format!("{i}/{count}"))
        .collect();
    if !missing.is_empty() {
        problems.push(format!(
            "shard(s) {} missing: the merged report covers part of the Organization",
            missing.join(", ")
        ));
    }
    problems
}
