//! Snapshot and inertness tests of every format over the hostile fixture.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use yagura_core::{Lang, Status};
use yagura_report::{parse_json_report, write, Format, ReportError, WriteOptions};

fn render_with(format: Format, lang: Lang, opts: &WriteOptions) -> String {
    let findings = findings();
    let catalogue = catalogue();
    let errors = errors();
    let report = report(&findings, &catalogue, &errors, lang);
    let mut out = Vec::new();
    write(format, &report, &mut out, opts).unwrap();
    String::from_utf8(out).unwrap()
}

fn render(format: Format, lang: Lang) -> String {
    render_with(format, lang, &WriteOptions::default())
}

// ------------------------------------------------------------------------------------- JSON

#[test]
fn json_snapshot() {
    insta::assert_snapshot!("json_en", render(Format::Json, Lang::En));
}

#[test]
fn json_is_valid_and_complete() {
    let text = render(Format::Json, Lang::Ja);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["tool"]["name"], "yagura");
    assert_eq!(v["generated_at"], GENERATED_AT);
    assert_eq!(v["summary"]["total"], findings().len());
    assert_eq!(v["summary"]["muted"], 2);
    assert_eq!(v["summary"]["fail_by_severity"]["critical"], 1);
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), findings().len());
    // FAIL first, critical first.
    assert_eq!(results[0]["check_id"], "root-account-without-mfa");
    let sg = results
        .iter()
        .find(|r| r["check_id"] == "security-group-admin-port-open-to-world")
        .unwrap();
    assert_eq!(
        sg["compliance"],
        serde_json::json!({"cis-aws-foundations-3.0": ["5.2", "5.3"], "yagura-guideline": ["000"], "yagura-spec": ["AUD-01"]})
    );
    assert_eq!(
        sg["title"],
        "セキュリティグループが管理用ポートをインターネットに公開している"
    );
    assert_eq!(
        sg["recommendation"],
        "0.0.0.0/0 のルールを削除してください。"
    );
    // Hostile strings survive as data, exactly.
    assert!(results
        .iter()
        .any(|r| r["evidence"]["group_name"] == SCRIPT));
    assert!(results.iter().any(|r| r["evidence"]["tag:Name"] == ANSI));
    let muted: Vec<_> = results.iter().filter(|r| r["status"] == "MUTED").collect();
    assert_eq!(muted.len(), 2);
    assert!(muted
        .iter()
        .any(|r| r["raw_status"] == "FAIL" && r["mute"]["kind"] == "accepted"));
    assert!(muted
        .iter()
        .any(|r| r["raw_status"] == "UNKNOWN" && r["mute"]["kind"] == "not_adopted"));
    // JSON escapes controls: no raw ESC or NUL byte in the output.
    assert!(!text.contains('\x1b') && !text.contains('\0'));
}

#[test]
fn json_round_trips_through_the_reader() {
    for lang in [Lang::En, Lang::Ja] {
        let text = render(Format::Json, lang);
        let mut back = parse_json_report(&text).unwrap();
        let mut orig = findings();
        back.sort_by_key(|f| f.key());
        orig.sort_by_key(|f| f.key());
        assert_eq!(back, orig);
    }
}

#[test]
fn json_extra_members_are_merged_without_overriding() {
    let findings = findings();
    let catalogue = catalogue();
    let extra = serde_json::json!({"detections": [{"rule": "x"}], "schema_version": 99});
    let mut report = report(&findings, &catalogue, &[], Lang::En);
    report.extra = Some(&extra);
    let mut out = Vec::new();
    write(Format::Json, &report, &mut out, &WriteOptions::default()).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["detections"][0]["rule"], "x");
    assert_eq!(v["schema_version"], 1);
}

#[test]
fn json_reader_errors_are_positioned() {
    let err = parse_json_report("{\"schema_version\": 1,\n \"results\": [\n  {\"check_id\": 3}]}")
        .unwrap_err();
    match &err {
        ReportError::Json { line, .. } => assert_eq!(*line, 3),
        e => panic!("unexpected {e:?}"),
    }
    assert!(
        err.to_string()
            .starts_with("invalid JSON report at line 3, column"),
        "{err}"
    );

    let err = parse_json_report("{\"schema_version\": 1, \"results\": [").unwrap_err();
    assert!(matches!(err, ReportError::Json { line: 1, .. }), "{err}");

    let err = parse_json_report("{\"schema_version\": 2, \"results\": []}").unwrap_err();
    assert_eq!(
        err.to_string(),
        "unsupported JSON report schema_version `2` (this yagura reads 1)"
    );
    let err = parse_json_report("{\"results\": []}").unwrap_err();
    assert!(
        err.to_string().contains("missing field `schema_version`"),
        "{err}"
    );

    let muted_without_mute = r#"{"schema_version": 1, "results": [
 {"check_id": "c", "status": "MUTED", "severity": "low", "resource": "r", "account": "a",
  "region": "g", "message": "m"}]}"#;
    let err = parse_json_report(muted_without_mute).unwrap_err();
    assert!(
        err.to_string().contains("is MUTED but has no mute object")
            && err.to_string().contains("line 3"),
        "{err}"
    );
}

#[test]
fn json_reader_accepts_minimal_results() {
    let doc = r#"{"schema_version": 1, "results": [
 {"check_id": "c", "status": "FAIL", "severity": "high", "resource": "r", "account": "a",
  "region": "g", "message": "m", "mute": null}]}"#;
    let back = parse_json_report(doc).unwrap();
    assert_eq!(back.len(), 1);
    assert_eq!(back[0].status, Status::Fail);
    assert_eq!(back[0].message.ja, "m");
}

// ------------------------------------------------------------------------------------- text

#[test]
fn text_snapshots() {
    insta::assert_snapshot!("text_en", render(Format::Text, Lang::En));
    insta::assert_snapshot!("text_ja", render(Format::Text, Lang::Ja));
    insta::assert_snapshot!(
        "text_en_show_pass",
        render_with(
            Format::Text,
            Lang::En,
            &WriteOptions {
                show_pass: true,
                ..Default::default()
            }
        )
    );
}

#[test]
fn text_is_inert() {
    let plain = render_with(
        Format::Text,
        Lang::En,
        &WriteOptions {
            show_pass: true,
            ..Default::default()
        },
    );
    for c in plain.chars() {
        assert!(c == '\n' || !c.is_control(), "control {c:?} in text output");
    }
    assert!(!plain.contains('\u{202e}'));
    assert!(plain.contains("\\u{1b}[31mred"));
    // With colour, only yagura's own escapes appear: the hostile sequence stays escaped.
    let colored = render_with(
        Format::Text,
        Lang::En,
        &WriteOptions {
            color: true,
            show_pass: true,
            ..Default::default()
        },
    );
    assert!(colored.contains('\x1b'));
    assert!(!colored.contains("\x1b[31mred"));
    for c in colored.chars() {
        assert!(
            c == '\n' || c == '\x1b' || !c.is_control(),
            "control {c:?} in text output"
        );
    }
}

#[test]
fn text_hides_pass_unless_asked() {
    let t = render(Format::Text, Lang::En);
    assert!(!t.contains("arn:aws:s3:::public-ok"));
    assert!(t.contains("PASS results hidden"));
    let t = render_with(
        Format::Text,
        Lang::En,
        &WriteOptions {
            show_pass: true,
            ..Default::default()
        },
    );
    assert!(t.contains("arn:aws:s3:::public-ok"));
    let first_pass = t.find("\nPASS").unwrap();
    let last_fail = t.rfind("\nFAIL").unwrap();
    assert!(last_fail < first_pass, "FAIL rows come first");
}

// -------------------------------------------------------------------------------------- CSV

#[test]
fn csv_snapshot() {
    insta::assert_snapshot!("csv_en", render(Format::Csv, Lang::En));
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn csv_parses_and_defuses_formulas() {
    for lang in [Lang::En, Lang::Ja] {
        let text = render(Format::Csv, lang);
        assert_eq!(text.starts_with('\u{feff}'), lang == Lang::Ja);
        assert!(text.contains("\r\n"));
        let rows = csv_rows(&text);
        assert_eq!(rows.len(), findings().len() + 1);
        let width = rows[0].len();
        assert!(rows.iter().all(|r| r.len() == width));
        // No cell, header included, can start a formula.
        for row in &rows {
            for cell in row {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "formula cell {cell:?}"
                );
                assert!(!cell.contains('\0'));
            }
        }
        let all: Vec<&String> = rows.iter().flatten().collect();
        for hostile in [HYPERLINK, "+cmd", "@SUM(1)", "-2+3"] {
            if lang == Lang::Ja && hostile == "+cmd" {
                continue; // the Japanese message of that finding is `@SUM(1)`
            }
            let quoted = format!("'{hostile}");
            assert!(
                all.iter().any(|c| **c == quoted),
                "{quoted} missing in {lang:?}"
            );
        }
        // Values that do not start a formula are written as they are.
        assert!(all.iter().any(|c| c.contains(SCRIPT)));
    }
}

// ------------------------------------------------------------------------------------ SARIF

#[test]
fn sarif_snapshot() {
    insta::assert_snapshot!("sarif_en", render(Format::Sarif, Lang::En));
}

#[test]
fn sarif_is_consistent() {
    let v: serde_json::Value = serde_json::from_str(&render(Format::Sarif, Lang::Ja)).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    // Every catalogue check plus the unknown one.
    assert_eq!(rules.len(), CHECKS.len() + 1);
    let results = run["results"].as_array().unwrap();
    let not_pass = findings()
        .iter()
        .filter(|f| f.status != Status::Pass)
        .count();
    assert_eq!(results.len(), not_pass);
    for r in results {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        let kind = r["kind"].as_str().unwrap();
        let level = r["level"].as_str().unwrap();
        match kind {
            "fail" => assert!(["error", "warning", "note"].contains(&level)),
            "open" => assert_eq!(level, "none"),
            k => panic!("kind {k}"),
        }
        assert!(r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].is_string());
        let muted = r["properties"]["status"] == "MUTED";
        assert_eq!(r["suppressions"].is_array(), muted);
    }
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    let sg = rules
        .iter()
        .find(|r| r["id"] == "security-group-admin-port-open-to-world")
        .unwrap();
    assert_eq!(
        sg["shortDescription"]["text"],
        "セキュリティグループが管理用ポートをインターネットに公開している"
    );
    assert!(sg["helpUri"].as_str().unwrap().starts_with("https://"));
}
