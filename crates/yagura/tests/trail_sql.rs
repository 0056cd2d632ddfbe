#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `yagura trail sql` (issue 20, acceptance 4): the differential test of the Sigma rules as
//! SQL against the streaming engine. DuckDB (PyPI, pinned in `scripts/pins/duckdb.txt`,
//! installed into `$DUCKDB_VENV` — default `~/.cache/yagura-duckdb` — by
//! `scripts/pins/install.sh`), run as an outside Python process
//! (`crates/yagura-testkit/scripts/duckdb_sql.py`), loads the Invictus and Stratus events into a
//! table with the columns of AWS's CloudTrail table (made by `trail sql --ddl`) and runs the
//! query of every rule of the shared test data's 57 CloudTrail rules; the (rule, eventID) set
//! of each rule must equal `trail scan --sigma`'s over the same events. The whole SigmaHQ
//! folder goes through the generator too: every CloudTrail rule is a query or a reason.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use yagura_testkit::Run;

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/testdata/cloudtrail"
);

fn run(args: &[&str]) -> Run {
    let data = tempfile::tempdir().unwrap();
    yagura_testkit::run(yagura_testkit::yagura_at(data.path()).args(args))
}

fn duckdb_python() -> PathBuf {
    let venv = std::env::var("DUCKDB_VENV").unwrap_or_else(|_| {
        format!(
            "{}/.cache/yagura-duckdb",
            std::env::var("HOME").unwrap_or_else(|_| "/root".into())
        )
    });
    let py = Path::new(&venv).join("bin/python");
    assert!(
        py.exists(),
        "DuckDB's venv is missing at {venv}: run `. scripts/pins/install.sh; ensure_duckdb`"
    );
    py
}

/// The (rule id → event ids) of `trail scan --sigma RULES` over the shared events.
fn scan_hits(rules: &str) -> BTreeMap<String, BTreeSet<String>> {
    let (inv, st) = (format!("{DATA}/invictus"), format!("{DATA}/stratus"));
    let r = run(&[
        "trail",
        "scan",
        &inv,
        &st,
        "--sigma",
        rules,
        "--no-native",
        "--format",
        "json",
    ]);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for d in v["detections"].as_array().unwrap() {
        assert_eq!(d["kind"], "sigma", "{d}");
        let id = d["id"].as_str().unwrap().trim_start_matches("sigma:");
        for e in d["events"].as_array().unwrap() {
            out.entry(id.to_string())
                .or_default()
                .insert(e["eventID"].as_str().unwrap().to_string());
        }
    }
    out
}

/// `trail sql --json` of `rules` in `dialect`.
fn generated(rules: &str, dialect: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "trail",
        "sql",
        "--sigma",
        rules,
        "--dialect",
        dialect,
        "--json",
    ];
    args.extend_from_slice(extra);
    let r = run(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

/// DuckDB's answer to the queries of `trail sql --json` over the shared events.
fn duckdb(queries: &Value) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let ddl = run(&[
        "trail",
        "sql",
        "--ddl",
        "--dialect",
        "duckdb",
        "--table",
        "cloudtrail",
    ]);
    assert_eq!(ddl.code, 0, "{}", ddl.stderr);
    let ddl_file = dir.path().join("ddl.sql");
    std::fs::write(&ddl_file, &ddl.stdout).unwrap();
    let q_file = dir.path().join("queries.json");
    std::fs::write(&q_file, queries.to_string()).unwrap();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../yagura-testkit/scripts/duckdb_sql.py"
    );
    let out = std::process::Command::new(duckdb_python())
        .arg(script)
        .arg(&ddl_file)
        .arg(&q_file)
        .arg(format!("{DATA}/invictus"))
        .arg(format!("{DATA}/stratus"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn duckdb_over_the_sql_equals_the_streaming_scan_rule_by_rule() {
    let rules = format!("{DATA}/sigma/rules");
    let want = scan_hits(&rules);
    let g = generated(&rules, "duckdb", &["--table", "cloudtrail", "--combined"]);
    let queries = g["queries"].as_array().unwrap();
    // every rule is expressed: none of the 57 needs what SQL over the table cannot say
    assert_eq!(
        g["unsupported"],
        Value::Array(vec![]),
        "{}",
        g["unsupported"]
    );
    assert_eq!(queries.len(), 57);
    let got = duckdb(&g);
    assert_eq!(
        got["errors"],
        serde_json::json!({}),
        "DuckDB refused a query"
    );
    assert_eq!(got["events"], got["loaded"]);
    assert!(got["events"].as_u64().unwrap() > 1000, "{}", got["events"]);
    let mut matched = 0;
    for q in queries {
        let id = q["rule_id"].as_str().unwrap();
        let sql: BTreeSet<String> = got["results"][id]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.as_str().unwrap().to_string())
            .collect();
        let scan = want.get(id).cloned().unwrap_or_default();
        assert_eq!(
            sql, scan,
            "rule `{id}` ({}): DuckDB over the SQL and `trail scan --sigma` differ\nSQL: {}",
            q["file"], q["sql"]
        );
        matched += usize::from(!sql.is_empty());
    }
    // the comparison is not empty-handed: many rules fire on these events
    assert!(matched >= 10, "only {matched} rule(s) matched anything");
    assert_eq!(
        want.len(),
        matched,
        "scan found rules the SQL does not have"
    );
    // the combined query (one pass over the table) finds the same pairs
    let mut pairs: BTreeSet<(String, String)> = BTreeSet::new();
    for (id, events) in &want {
        for e in events {
            pairs.insert((id.clone(), e.clone()));
        }
    }
    let combined: BTreeSet<(String, String)> = got["combined"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r[0].as_str().unwrap().to_string(),
                r[1].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(combined, pairs);
}

#[test]
fn every_sigmahq_cloudtrail_rule_is_a_query_or_a_reason() {
    for dialect in ["athena", "trino", "duckdb"] {
        let g = generated(&format!("{DATA}/sigmahq"), dialect, &[]);
        let queries = g["queries"].as_array().unwrap();
        let unsupported = g["unsupported"].as_array().unwrap();
        assert!(queries.len() >= 57, "{dialect}: {}", queries.len());
        for u in unsupported {
            assert!(!u["reason"].as_str().unwrap().is_empty(), "{u}");
        }
        for q in queries {
            let sql = q["sql"].as_str().unwrap();
            assert!(sql.starts_with("SELECT "), "{sql}");
            assert!(!sql.contains('\n'), "{sql}");
        }
    }
}

#[test]
fn the_text_output_lists_every_rule_and_the_ddl_has_the_documented_columns() {
    let r = run(&[
        "trail",
        "sql",
        "--sigma",
        &format!("{DATA}/sigma/rules"),
        "--dialect",
        "athena",
        "--table",
        "db.cloudtrail_logs",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let selects = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("SELECT "))
        .count();
    assert_eq!(selects, 57);
    assert!(r.stdout.contains("FROM \"db\".\"cloudtrail_logs\" WHERE"));
    assert!(r
        .stdout
        .contains("json_extract_scalar(requestparameters, '$."));
    let bad = run(&["trail", "sql", "--sigma", DATA, "--table", "x;drop"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    let ddl = run(&["trail", "sql", "--ddl", "--dialect", "athena"]);
    for col in [
        "eventversion string",
        "useridentity struct<type: string, principalid: string, arn: string",
        "requestparameters string",
        "resources array<struct<arn: string, accountid: string, type: string>>",
        "tlsdetails struct<",
    ] {
        assert!(ddl.stdout.contains(col), "{col}: {}", ddl.stdout);
    }
}
