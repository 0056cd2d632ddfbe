//! `yagura audit --compliance` and `--list-compliance` on the built-in demo (no AWS): the
//! per-requirement table in text, JSON, HTML and CSV, the run restricted to the framework's
//! checks, an unknown framework refused before any collection, and the README's coverage table
//! kept equal to the catalogue.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::Value;
use std::path::Path;
use std::process::Output;
use yagura_audit::compliance::{framework, FRAMEWORKS};

fn yagura(dir: &Path, args: &[&str]) -> Output {
    yagura_testkit::yagura_at(&dir.join("data"))
        .args(args)
        .output()
        .expect("run yagura")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn list_compliance_gives_the_coverage_of_each_framework() {
    let dir = tempfile::tempdir().unwrap();
    let out = yagura(dir.path(), &["audit", "--list-compliance", "-f", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), FRAMEWORKS.len());
    for (row, f) in rows.iter().zip(FRAMEWORKS) {
        let c = f.coverage();
        assert_eq!(row["framework"], f.key);
        assert_eq!(row["automated"], c.automated);
        assert_eq!(row["manual"], c.manual);
        assert_eq!(row["not_covered"], c.not_covered);
    }
    assert_eq!(rows[0]["requirements"], 70);
    let text = stdout(&yagura(dir.path(), &["audit", "--list-compliance"]));
    assert!(
        text.contains("cis-aws-foundations-7.0") && text.contains("fsbp"),
        "{text}"
    );
}

#[test]
fn compliance_runs_only_the_frameworks_checks_and_tables_every_requirement() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.json");
    let out = yagura(
        dir.path(),
        &[
            "audit",
            "--demo",
            "--compliance",
            "cis-7.0",
            "-f",
            "json",
            "-o",
            file.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let f = framework("cis-7.0").unwrap();
    for r in v["results"].as_array().unwrap() {
        let compliance = &r["compliance"]["cis-aws-foundations-7.0"];
        assert!(compliance.as_array().is_some_and(|a| !a.is_empty()), "{r}");
    }
    let t = &v["compliance"];
    assert_eq!(t["framework"], "cis-aws-foundations-7.0");
    let reqs = t["requirements"].as_array().unwrap();
    assert_eq!(reqs.len(), 70);
    for r in reqs {
        let id = r["id"].as_str().unwrap();
        let status = r["status"].as_str().unwrap();
        if f.checks_of(id).is_empty() {
            assert!(["MANUAL", "NOT_COVERED"].contains(&status), "{id} {status}");
        } else {
            // Every automated requirement is evaluated over the demo account; one whose checks
            // found nothing to judge says so rather than PASS.
            assert!(
                ["PASS", "FAIL", "UNKNOWN", "NO_RESOURCES"].contains(&status),
                "{id} {status}"
            );
            let n: u64 = ["pass", "fail", "unknown", "muted"]
                .iter()
                .map(|k| r[k].as_u64().unwrap())
                .sum();
            assert_eq!(
                n == 0,
                status == "NO_RESOURCES",
                "{id} {status}: {n} results"
            );
        }
        if status == "FAIL" {
            assert!(!r["failing"].as_array().unwrap().is_empty(), "{id}");
        }
        if status == "MANUAL" {
            assert!(
                r["look_at"]["ja"].as_str().is_some_and(|s| !s.is_empty()),
                "{id}"
            );
        }
    }
    assert!(
        reqs.iter().any(|r| r["status"] == "FAIL"),
        "the demo has failures"
    );
}

#[test]
fn the_table_is_in_text_html_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let run = |fmt: &str| {
        stdout(&yagura(
            dir.path(),
            &["audit", "--demo", "--compliance", "fsbp", "-f", fmt],
        ))
    };
    let text = run("text");
    assert!(
        text.contains("Compliance: AWS Foundational Security Best Practices (aws-fsbp)"),
        "{text}"
    );
    assert!(text.contains("IAM.4 "), "{text}");
    assert!(text.contains("NOT COVERED (286 requirements)"), "{text}");
    let html = run("html");
    assert!(html.contains("<h2>Compliance: AWS Foundational Security Best Practices</h2>"));
    assert!(html.contains("<code>EC2.19</code>"));
    let csv = run("csv");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "framework,requirement,section,status,pass,fail,unknown,muted,checks,failing_resources,title,look_at,generated_at"
    );
    assert_eq!(lines.count(), 286);
    assert!(csv.contains("aws-fsbp,IAM.4,IAM,"), "{csv}");
    // Without --compliance the CSV is the findings' as before.
    let plain = stdout(&yagura(dir.path(), &["audit", "--demo", "-f", "csv"]));
    assert!(plain.starts_with("status,raw_status,"), "{plain}");
}

#[test]
fn an_unknown_framework_is_refused_before_collection() {
    let dir = tempfile::tempdir().unwrap();
    // No credentials and an inventory that does not exist: the framework is checked first.
    let out = yagura(
        dir.path(),
        &[
            "audit",
            "--compliance",
            "cis-9.9",
            "--from-inventory",
            "/nonexistent/inv.json",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("unknown compliance framework `cis-9.9`"),
        "{err}"
    );
    assert!(!err.contains("nonexistent"), "{err}");
}

const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md");
const BEGIN: &str = "<!-- compliance-coverage: generated from the catalogue; `YAGURA_UPDATE_README=1 cargo test --workspace --test audit_compliance` rewrites it -->\n";
const END: &str = "<!-- /compliance-coverage -->";

fn coverage_table() -> String {
    let mut s = String::from(
        "| framework | `--compliance` | requirements | automated | manual | not covered |\n|---|---|--:|--:|--:|--:|\n",
    );
    for f in FRAMEWORKS {
        let c = f.coverage();
        s.push_str(&format!(
            "| {} | `{}` | {} | {} | {} | {} |\n",
            f.name,
            f.alias,
            c.automated + c.manual + c.not_covered,
            c.automated,
            c.manual,
            c.not_covered
        ));
    }
    s
}

#[test]
fn the_readme_coverage_table_is_the_catalogues() {
    let readme = std::fs::read_to_string(README).unwrap();
    let start = readme
        .find(BEGIN)
        .expect("README has the compliance-coverage marker")
        + BEGIN.len();
    let end = start
        + readme[start..]
            .find(END)
            .expect("README closes the compliance-coverage section");
    let want = coverage_table();
    if readme[start..end] != want {
        if std::env::var_os("YAGURA_UPDATE_README").is_some() {
            let new = format!("{}{want}{}", &readme[..start], &readme[end..]);
            std::fs::write(README, new).unwrap();
        } else {
            panic!(
                "the README's coverage table is stale; run YAGURA_UPDATE_README=1 cargo test --workspace --test audit_compliance\nwant:\n{want}"
            );
        }
    }
}

#[test]
fn several_formats_write_one_file_each_into_the_output_dir() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("reports");
    let out = yagura(
        dir.path(),
        &[
            "audit",
            "--demo",
            "--compliance",
            "cis-7.0",
            "--output-dir",
            out_dir.to_str().unwrap(),
            "-f",
            "json,html,sarif,csv,json",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.code().is_some_and(|c| c <= 1), "{err}");
    assert!(out.stdout.is_empty());
    let mut names: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "yagura-audit.csv",
            "yagura-audit.html",
            "yagura-audit.json",
            "yagura-audit.sarif"
        ]
    );
    let json: Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("yagura-audit.json")).unwrap()).unwrap();
    assert_eq!(
        json["compliance"]["requirements"].as_array().unwrap().len(),
        70
    );
    let sarif: Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("yagura-audit.sarif")).unwrap())
            .unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(rules
        .iter()
        .any(|r| r["properties"]["compliance"]["cis-aws-foundations-7.0"].is_array()));
    assert!(std::fs::read_to_string(out_dir.join("yagura-audit.csv"))
        .unwrap()
        .starts_with("framework,requirement,"));
    // Several formats to one stream is refused before any work.
    let out = yagura(dir.path(), &["audit", "--demo", "-f", "json,html"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--output-dir"), "{err}");
    assert!(out.stdout.is_empty());
    // One format, repeated, is still one report on stdout.
    let out = yagura(dir.path(), &["audit", "--demo", "-f", "json,json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["compliance"].is_null() && v["results"].is_array());
}

#[test]
fn hostile_failing_resources_are_inert_in_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let mut inv: Value = serde_json::from_str(include_str!("../demo/inventory.json")).unwrap();
    let hostile = "=HYPERLINK(\"x\")<script>alert(1)</script>\u{1b}[31m";
    for a in inv["accounts"].as_array_mut().unwrap() {
        if let Some(rows) = a["iam"]["credential_report"]["ok"].as_array_mut() {
            for r in rows {
                if r["user"] == "carol-console-no-mfa" {
                    r["arn"] = Value::String(hostile.to_string());
                }
            }
        }
    }
    let file = dir.path().join("inv.json");
    std::fs::write(&file, serde_json::to_vec(&inv).unwrap()).unwrap();
    let run = |fmt: &str| {
        let args = ["audit", "--no-store", "--compliance", "cis-7.0", "-f", fmt];
        let mut all = args.to_vec();
        all.extend(["--from-inventory", file.to_str().unwrap()]);
        stdout(&yagura(dir.path(), &all))
    };
    let text = run("text");
    assert!(
        text.contains("<script>") && !text.contains('\u{1b}'),
        "{text}"
    );
    let html = run("html");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !html.contains("<script>alert")
    );
    let csv = run("csv");
    // The resource is one `account/region/resource` cell: no cell starts with the formula.
    assert!(
        csv.contains("/global/=HYPERLINK") && !csv.contains(",=HYPERLINK"),
        "{csv}"
    );
    let json: Value = serde_json::from_str(&run("json")).unwrap();
    let r = json["compliance"]["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "2.10")
        .unwrap()
        .clone();
    assert_eq!(r["status"], "FAIL");
    assert!(r["failing"][0].as_str().unwrap().ends_with(hostile), "{r}");
}
