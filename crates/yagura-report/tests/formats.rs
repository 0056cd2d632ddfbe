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
        let full = yagura_report::read_json_report(&text).unwrap();
        assert_eq!(full.errors, errors());
        assert_eq!(full.scope.as_deref(), Some("audit"));
        assert_eq!(full.generated_at.as_deref(), Some(GENERATED_AT));
        assert_eq!(full.tool_version.as_deref(), Some("0.1.0"));
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
    assert_eq!(back[0].message.ja(), "m");
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

// ------------------------------------------------------------------------------------- OCSF

#[test]
fn ocsf_snapshot() {
    insta::assert_snapshot!("ocsf_en", render(Format::Ocsf, Lang::En));
}

#[test]
fn ocsf_events_are_compliance_findings() {
    let v: serde_json::Value = serde_json::from_str(&render(Format::Ocsf, Lang::En)).unwrap();
    let events = v.as_array().unwrap();
    assert_eq!(events.len(), findings().len());
    for e in events {
        assert_eq!(e["class_uid"], 2003);
        assert_eq!(e["category_uid"], 2);
        assert_eq!(e["type_uid"], 200301);
        assert_eq!(e["time"], 1_767_323_045_000_i64);
        let sev = e["severity_id"].as_u64().unwrap();
        assert!((1..=5).contains(&sev));
        assert!([1, 2, 3].contains(&e["compliance"]["status_id"].as_u64().unwrap()));
        assert!(!e["compliance"]["standards"].as_array().unwrap().is_empty());
        assert!(e["finding_info"]["uid"]
            .as_str()
            .unwrap()
            .starts_with("yagura-"));
        assert!(e["resources"][0]["uid"].is_string());
        assert!(e["cloud"]["account"]["uid"].is_string());
        assert_eq!(e["metadata"]["product"]["name"], "yagura");
        let muted = e["status_code"] == "MUTED";
        assert_eq!(e["status_id"], if muted { 3 } else { 1 });
    }
    let uids: std::collections::BTreeSet<_> = events
        .iter()
        .map(|e| e["finding_info"]["uid"].as_str().unwrap())
        .collect();
    assert_eq!(uids.len(), events.len(), "finding uids are unique");
}

#[test]
fn bad_generated_at_is_an_error() {
    let findings = findings();
    let catalogue = catalogue();
    let mut report = report(&findings, &catalogue, &[], Lang::En);
    report.generated_at = "yesterday";
    let mut out = Vec::new();
    let err = write(Format::Ocsf, &report, &mut out, &WriteOptions::default()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("invalid generated_at time `yesterday`"),
        "{err}"
    );
}

// ------------------------------------------------------------------------------------- ASFF

fn asff_opts() -> WriteOptions {
    WriteOptions {
        aws_account: Some("999999999999".into()),
        aws_region: Some("ap-northeast-1".into()),
        ..Default::default()
    }
}

#[test]
fn asff_snapshot() {
    insta::assert_snapshot!("asff_en", render_with(Format::Asff, Lang::En, &asff_opts()));
}

#[test]
fn asff_needs_an_account_for_host_findings() {
    let findings = findings();
    let catalogue = catalogue();
    let report = report(&findings, &catalogue, &[], Lang::En);
    let err = write(
        Format::Asff,
        &report,
        &mut Vec::new(),
        &WriteOptions::default(),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("account `web-01.example.internal` is not a 12-digit AWS account id"),
        "{err}"
    );
}

#[test]
fn asff_respects_security_hub_field_limits() {
    for lang in [Lang::En, Lang::Ja] {
        let v: serde_json::Value =
            serde_json::from_str(&render_with(Format::Asff, lang, &asff_opts())).unwrap();
        let items = v.as_array().unwrap();
        assert_eq!(items.len(), findings().len());
        let chars = |x: &serde_json::Value| x.as_str().unwrap().chars().count();
        let mut ids = std::collections::BTreeSet::new();
        for f in items {
            assert_eq!(f["SchemaVersion"], "2018-10-08");
            assert!(
                ids.insert(f["Id"].as_str().unwrap().to_string()),
                "unique Id"
            );
            assert!(chars(&f["Id"]) <= 512 && chars(&f["GeneratorId"]) <= 512);
            let acct = f["AwsAccountId"].as_str().unwrap();
            assert!(acct.len() == 12 && acct.bytes().all(|b| b.is_ascii_digit()));
            let region = f["Region"].as_str().unwrap();
            assert_eq!(
                f["ProductArn"],
                format!("arn:aws:securityhub:{region}:{acct}:product/{acct}/default")
            );
            assert!(["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"]
                .contains(&f["Severity"]["Label"].as_str().unwrap()));
            for t in f["Types"].as_array().unwrap() {
                assert!(t
                    .as_str()
                    .unwrap()
                    .starts_with("Software and Configuration Checks/"));
            }
            assert!(chars(&f["Title"]) <= 256 && chars(&f["Title"]) > 0);
            assert!(chars(&f["Description"]) <= 1024 && chars(&f["Description"]) > 0);
            assert!(chars(&f["Remediation"]["Recommendation"]["Text"]) <= 512);
            let pf = f["ProductFields"].as_object().unwrap();
            assert!(pf.len() <= 50);
            for (k, val) in pf {
                assert!(k.chars().count() <= 128 && chars(val) <= 2048);
            }
            assert!(["PASSED", "FAILED", "WARNING", "NOT_AVAILABLE"]
                .contains(&f["Compliance"]["Status"].as_str().unwrap()));
            assert!(
                f["Compliance"]["RelatedRequirements"]
                    .as_array()
                    .unwrap()
                    .len()
                    <= 32
            );
            assert_eq!(f["RecordState"], "ACTIVE");
            let wf = f["Workflow"]["Status"].as_str().unwrap();
            let muted = f["ProductFields"]["yagura/Status"] == "MUTED";
            assert_eq!(wf == "SUPPRESSED", muted);
            let res = &f["Resources"][0];
            assert!(res["Type"].is_string() && res["Partition"] == "aws");
        }
        // The long message was cut on a character boundary, marked with an ellipsis.
        let long = items
            .iter()
            .find(|f| {
                f["Resources"][0]["Id"]
                    .as_str()
                    .unwrap()
                    .ends_with("i-long")
            })
            .unwrap();
        assert_eq!(chars(&long["Description"]), 1024);
        assert!(long["Description"].as_str().unwrap().ends_with('…'));
        let types: std::collections::BTreeSet<_> = items
            .iter()
            .map(|f| f["Resources"][0]["Type"].as_str().unwrap())
            .collect();
        assert!(types.contains("AwsEc2Instance") && types.contains("AwsS3Bucket"));
    }
}

// ------------------------------------------------------------------------------------ JUnit

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!("junit_en", render(Format::Junit, Lang::En));
}

/// Element names in document order and every attribute value (unescaped), failing on any
/// well-formedness error quick-xml detects, on unbalanced elements and on bad references.
fn parse_xml(text: &str) -> (Vec<String>, Vec<(String, String)>) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut names = Vec::new();
    let mut attrs = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => {
                let name = e.name().as_ref().to_string();
                for a in e.attributes() {
                    let a = a.unwrap();
                    let k = a.key.as_ref().to_string();
                    attrs.push((
                        k,
                        a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                            .unwrap()
                            .into_owned(),
                    ));
                }
                names.push(name.clone());
                stack.push(name);
            }
            Event::Empty(e) => {
                let name = e.name().as_ref().to_string();
                for a in e.attributes() {
                    let a = a.unwrap();
                    let k = a.key.as_ref().to_string();
                    attrs.push((
                        k,
                        a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                            .unwrap()
                            .into_owned(),
                    ));
                }
                names.push(name);
            }
            Event::End(e) => {
                let name = e.name().as_ref().to_string();
                assert_eq!(stack.pop().as_deref(), Some(name.as_str()));
            }
            Event::GeneralRef(r) => {
                if r.is_char_ref() {
                    let c = r.resolve_char_ref().unwrap().unwrap();
                    assert!(matches!(c, '\t' | '\n' | '\r') || !c.is_control());
                } else {
                    let n = r.to_string();
                    assert!(
                        ["amp", "lt", "gt", "quot", "apos"].contains(&n.as_str()),
                        "{n}"
                    );
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(stack.is_empty(), "unclosed elements {stack:?}");
    (names, attrs)
}

#[test]
fn junit_is_well_formed_and_counts_match() {
    for lang in [Lang::En, Lang::Ja] {
        let text = render(Format::Junit, lang);
        // Characters illegal in XML 1.0 never appear raw.
        for c in text.chars() {
            let legal = !c.is_control() || matches!(c, '\t' | '\n' | '\r');
            assert!(legal && c != '\u{fffe}' && c != '\u{ffff}', "{c:?} in XML");
        }
        let (names, attrs) = parse_xml(&text);
        let count = |n: &str| names.iter().filter(|x| *x == n).count();
        let fs = findings();
        assert_eq!(count("testsuites"), 1);
        assert_eq!(
            count("testsuite"),
            5 + 1,
            "4 known checks, 1 unknown, errors"
        );
        assert_eq!(count("testcase"), fs.len() + errors().len());
        assert_eq!(
            count("failure"),
            fs.iter()
                .filter(|f| f.shown_status() == Status::Fail)
                .count()
        );
        assert_eq!(
            count("skipped"),
            fs.iter()
                .filter(|f| matches!(f.shown_status(), Status::Unknown | Status::Muted))
                .count()
        );
        assert_eq!(count("error"), 1);
        assert_eq!(count("script") + count("img"), 0, "no injected element");
        // Hostile strings come back as attribute text, intact but for illegal characters.
        let values: Vec<&str> = attrs.iter().map(|(_, v)| v.as_str()).collect();
        assert!(values.iter().any(|v| v.contains(IMG)));
        assert!(values.iter().any(|v| v.contains("\u{fffd}[31mred")));
        let top = attrs.iter().find(|(k, _)| k == "failures").unwrap();
        assert_eq!(
            top.1,
            fs.iter()
                .filter(|f| f.shown_status() == Status::Fail)
                .count()
                .to_string()
        );
    }
}

// ------------------------------------------------------------------------------ all formats

#[test]
fn empty_report_in_every_format() {
    let catalogue = catalogue();
    for lang in [Lang::En, Lang::Ja] {
        let report = report(&[], &catalogue, &[], lang);
        for format in Format::ALL {
            let mut out = Vec::new();
            write(format, &report, &mut out, &WriteOptions::default()).unwrap();
            let text = String::from_utf8(out).unwrap();
            match format {
                Format::Json | Format::Sarif | Format::Ocsf | Format::Asff => {
                    serde_json::from_str::<serde_json::Value>(&text).unwrap();
                }
                Format::Junit => {
                    parse_xml(&text);
                }
                Format::Csv => assert_eq!(csv_rows(&text).len(), 1),
                Format::Text => assert!(text.contains(if lang == Lang::En {
                    "No results."
                } else {
                    "結果はありません。"
                })),
                Format::Html => assert!(text.ends_with("</html>\n")),
            }
        }
    }
}

#[test]
fn every_format_is_deterministic_and_order_independent() {
    let catalogue = catalogue();
    let errors = errors();
    let fs = findings();
    let mut rev = fs.clone();
    rev.reverse();
    let opts = asff_opts();
    for format in Format::ALL {
        let mut a = Vec::new();
        let mut b = Vec::new();
        write(
            format,
            &report(&fs, &catalogue, &errors, Lang::En),
            &mut a,
            &opts,
        )
        .unwrap();
        write(
            format,
            &report(&rev, &catalogue, &errors, Lang::En),
            &mut b,
            &opts,
        )
        .unwrap();
        assert!(a == b, "{format} depends on input order");
    }
}

/// Security Hub's own input model (botocore) accepts the ASFF output: required members, types,
/// enums, patterns. Needs `python3` with `botocore` (pip install botocore).
#[test]
fn asff_passes_botocore_validation() {
    let has_botocore = std::process::Command::new("python3")
        .args(["-c", "import botocore"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_botocore {
        if std::env::var_os("CI").is_some() {
            panic!("python3 with botocore is needed (pip install botocore)");
        }
        eprintln!("skipped: python3 with botocore is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for lang in [Lang::En, Lang::Ja] {
        let path = dir.path().join("asff.json");
        std::fs::write(&path, render_with(Format::Asff, lang, &asff_opts())).unwrap();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/asff_check.py");
        let out = std::process::Command::new("python3")
            .arg(script)
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
