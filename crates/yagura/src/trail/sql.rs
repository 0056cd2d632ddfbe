//! `yagura trail sql` (the Sigma rules as SQL over AWS's CloudTrail table) and `yagura trail
//! hunt --athena` (those queries run by Athena, the hits reported like a scan's). The SQL is
//! `yagura_trail::sql`'s; Athena is `yagura_collect::athena`'s.

use super::{load_rules, report_detections, RuleArgs};
use crate::cli::{Global, OutputArgs};
use crate::common::{now_rfc3339, sanitize};
use crate::outln;
use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;
use yagura_trail::sql::{self, Dialect, Generated};

#[derive(Debug, Args)]
pub struct SqlArgs {
    /// Directory of Sigma rules (`logsource: product: aws, service: cloudtrail`)
    #[arg(long, required_unless_present = "ddl")]
    pub sigma: Option<PathBuf>,
    /// SQL dialect: `athena`, `trino` or `duckdb`
    #[arg(long, default_value = "athena", value_parser = parse_dialect)]
    pub dialect: Dialect,
    /// The CloudTrail table (`table` or `database.table`)
    #[arg(long, default_value = "cloudtrail_logs")]
    pub table: String,
    /// One query for every rule, reading the table once, instead of one query per rule
    #[arg(long)]
    pub combined: bool,
    /// Print `CREATE TABLE` for the CloudTrail table's columns in this dialect instead (for
    /// DuckDB and tests; Athena's table is made with AWS's DDL)
    #[arg(long)]
    pub ddl: bool,
    /// Write JSON (`queries` with `rule_id`, `sql`, `notes`; `unsupported` with the reason)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct HuntArgs {
    /// Run the hunt on Amazon Athena
    #[arg(long, required = true)]
    pub athena: bool,
    /// Athena workgroup
    #[arg(long)]
    pub workgroup: String,
    /// The CloudTrail table (`table` or `database.table`)
    #[arg(long)]
    pub table: String,
    /// Athena database (default: the workgroup's)
    #[arg(long)]
    pub database: Option<String>,
    /// `s3://…` for the query results, when the workgroup sets none
    #[arg(long)]
    pub output_location: Option<String>,
    /// Hunt events at or after this time (`2024-03-01`, `2024-03-01T10:00:00Z`)
    #[arg(long, value_parser = super::parse_time)]
    pub since: Option<i64>,
    /// Give up (and stop the query) after this long (`30m`, `1h`)
    #[arg(long, default_value = "30m", value_parser = crate::cli::parse_duration)]
    pub timeout: std::time::Duration,
    /// AWS profile from ~/.aws/config (default: the standard credential chain)
    #[arg(long, env = "AWS_PROFILE")]
    pub profile: Option<String>,
    /// Athena's region
    #[arg(long)]
    pub region: Option<String>,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

fn parse_dialect(s: &str) -> std::result::Result<Dialect, String> {
    Dialect::parse(s).ok_or_else(|| format!("`{s}` is not a dialect: athena, trino or duckdb"))
}

/// The rules of `dir` as SQL (what did not load or cannot be expressed on stderr).
fn generate(
    dir: &std::path::Path,
    dialect: Dialect,
) -> Result<(yagura_trail::sigma::RuleSet, Generated)> {
    let args = RuleArgs {
        sigma: Some(dir.to_path_buf()),
        no_native: true,
        notify: None,
    };
    let (rules, _) = load_rules(&args)?;
    let rules = rules.unwrap_or_default();
    let g = sql::generate(&rules, dialect);
    for u in &g.unsupported {
        let (file, rule, reason) = (sanitize(&u.file), sanitize(&u.rule_id), sanitize(&u.reason));
        crate::etr!(
            "note: Sigma rule not expressed in SQL: `{file}` rule `{rule}`: {reason}",
            "注意: `{file}` のルール `{rule}` は SQL で表せません:「{reason}」"
        );
    }
    let (queries, unsupported) = (g.queries.len(), g.unsupported.len());
    crate::etr!(
        "{queries} rule(s) as SQL, {unsupported} not expressed",
        "SQL にしたルール {queries} 件、表せなかったルール {unsupported} 件"
    );
    Ok((rules, g))
}

pub fn sql(_g: &Global, a: SqlArgs) -> Result<u8> {
    let table = sql::table_name(&a.table)?;
    if a.ddl {
        outln!("{};", sql::ddl(&table, a.dialect));
        return Ok(0);
    }
    let Some(dir) = &a.sigma else {
        anyhow::bail!("give the Sigma rules: --sigma DIR");
    };
    let (_, g) = generate(dir, a.dialect)?;
    if a.json {
        let queries: Vec<serde_json::Value> = g
            .queries
            .iter()
            .map(|q| {
                serde_json::json!({
                    "rule_id": q.rule_id,
                    "title": q.title,
                    "file": q.file,
                    "sql": q.sql(&table),
                    "notes": q.notes,
                })
            })
            .collect();
        let doc = serde_json::json!({
            "dialect": a.dialect,
            "table": table,
            "queries": queries,
            "combined": a.combined.then(|| sql::combined(&g.queries, &table, &[], None)),
            "unsupported": g.unsupported,
        });
        let mut buf = Vec::new();
        yagura_core::escape::write_json(&mut buf, &doc)?;
        buf.push(b'\n');
        crate::out::write_stdout(&buf)?;
        return Ok(0);
    }
    for u in &g.unsupported {
        outln!(
            "-- not expressed: {} ({}): {}",
            yagura_core::escape::one_line(&u.rule_id),
            yagura_core::escape::one_line(&u.file),
            yagura_core::escape::one_line(&u.reason)
        );
    }
    if a.combined {
        outln!("{};", sql::combined(&g.queries, &table, &[], None));
        return Ok(0);
    }
    for q in &g.queries {
        outln!(
            "-- {}: {} ({})",
            yagura_core::escape::one_line(&q.rule_id),
            yagura_core::escape::one_line(&q.title),
            yagura_core::escape::one_line(&q.file)
        );
        for n in &q.notes {
            outln!("-- note: {}", yagura_core::escape::one_line(n));
        }
        outln!("{};", q.sql(&table));
    }
    Ok(0)
}

pub fn hunt(g: &Global, a: HuntArgs) -> Result<u8> {
    let started = now_rfc3339();
    let table = sql::table_name(&a.table)?;
    let Some(dir) = &a.rules.sigma else {
        anyhow::bail!(crate::tr!(
            "give the Sigma rules to hunt with: --sigma DIR",
            "ハントに使う Sigma ルールを `--sigma DIR` で指定してください"
        ));
    };
    let (rules, generated) = generate(dir, Dialect::Athena)?;
    if generated.queries.is_empty() {
        anyhow::bail!(crate::tr!(
            "none of the Sigma rules can be expressed in SQL",
            "SQL で表せる Sigma ルールがありません"
        ));
    }
    let query = yagura_collect::athena::AthenaQuery {
        workgroup: a.workgroup.clone(),
        database: a.database.clone(),
        output_location: a.output_location.clone(),
        sql: sql::hunt_query(&generated.queries, &table, a.since),
    };
    let poll = yagura_collect::athena::Poll {
        timeout: a.timeout,
        ..yagura_collect::athena::Poll::default()
    };
    let connect = yagura_collect::ConnectOptions {
        profile: a.profile.clone(),
        region: a.region.clone(),
        endpoint_url: None,
        max_attempts: None,
    };
    let rows =
        yagura_collect::athena::run_query(&connect, &query, poll).map_err(anyhow::Error::new)?;
    let detections = sql::detections_from_rows(&rules, &rows.columns, &rows.rows).context(
        crate::tr!("reading Athena's result", "Athena の結果の読み取り"),
    )?;
    if !g.quiet {
        let (id, n, found, bytes) = (
            sanitize(&rows.query_id),
            rows.rows.len(),
            detections.len(),
            rows.scanned_bytes.unwrap_or(0),
        );
        crate::etr!(
            "Athena query {id}: {n} row(s), {found} detection(s), {bytes} byte(s) scanned",
            "Athena のクエリ {id}: {n} 行、検出 {found} 件、スキャンしたデータ {bytes} バイト"
        );
    }
    let notifier = super::s3::load_notifier(&a.rules)?;
    report_detections(
        g,
        &a.out,
        &detections,
        &[],
        serde_json::json!({
            "events": rows.rows.len(),
            "read_errors": 0,
            "athena": {
                "query_id": rows.query_id,
                "workgroup": a.workgroup,
                "table": table,
                "scanned_bytes": rows.scanned_bytes,
                "rules": generated.queries.len(),
                "unsupported": generated.unsupported,
            },
        }),
        notifier.as_ref(),
        &started,
    )
}
