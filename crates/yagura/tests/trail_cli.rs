#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `yagura trail scan` as a user runs it on the shared data (issue 14): the whole SigmaHQ
//! repository gives the same Sigma detections as its 57 CloudTrail rules and accounts for every
//! rule; no output format prints an access key id; the text report is a timeline.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/testdata/cloudtrail"
);

use yagura_testkit::Run;

fn run(args: &[&str]) -> Run {
    let data = tempfile::tempdir().unwrap();
    yagura_testkit::run(
        yagura_testkit::yagura_cmd()
            .arg("--data-dir")
            .arg(data.path())
            .arg("--lang")
            .arg("en")
            .args(args),
    )
}

fn scan_json(sigma: &str, extra: &[&str]) -> (Value, String) {
    let (inv, st) = (format!("{DATA}/invictus"), format!("{DATA}/stratus"));
    let mut args = vec![
        "trail", "scan", &inv, &st, "--sigma", sigma, "--format", "json",
    ];
    args.extend_from_slice(extra);
    let r = run(&args);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    (serde_json::from_str(&r.stdout).unwrap(), r.stderr)
}

/// (rule id, first event id) of every Sigma detection.
fn sigma_hits(v: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = v["detections"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "sigma")
        .map(|d| {
            (
                d["id"].as_str().unwrap().to_string(),
                d["events"][0]["eventID"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn the_whole_sigmahq_repository_equals_its_cloudtrail_rules_rule_by_rule() {
    let (all, err) = scan_json(&format!("{DATA}/sigmahq"), &["--no-native"]);
    let (alone, _) = scan_json(&format!("{DATA}/sigma/rules"), &["--no-native"]);
    assert_eq!(all["trail"]["events"], alone["trail"]["events"]);
    assert_eq!(
        all["trail"]["sigma_matches"],
        alone["trail"]["sigma_matches"]
    );
    let per_rule: BTreeMap<String, u64> =
        serde_json::from_value(all["trail"]["sigma_matches"].clone()).unwrap();
    assert_eq!(per_rule.values().sum::<u64>(), 189);
    assert_eq!(sigma_hits(&all), sigma_hits(&alone));
    // the load summary accounts for every rule file of the folder
    let s = &all["trail"]["sigma"];
    let files = s["files"].as_u64().unwrap();
    assert_eq!(files, 3780);
    assert_eq!(s["documents"].as_u64().unwrap(), files);
    let skipped: u64 = s["skipped"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    let accounted = s["loaded"].as_u64().unwrap()
        + s["correlations"].as_u64().unwrap()
        + skipped
        + s["unsupported"].as_array().unwrap().len() as u64
        + s["failed"].as_array().unwrap().len() as u64;
    assert_eq!(accounted, files);
    assert_eq!(s["loaded"], 57);
    assert_eq!(s["failed"].as_array().unwrap().len(), 0);
    // each rule not run is named with its reason and position
    let u = &s["unsupported"][0];
    assert!(u["reason"].as_str().unwrap().contains("placeholder"), "{u}");
    assert!(u["location"].as_str().unwrap().contains(':'), "{u}");
    assert!(
        err.contains(
            "57 rule(s) and 0 correlation(s) loaded, 3722 skipped for another log source (windows"
        ),
        "{err}"
    );
    // Sigma detections carry the rule's title, level and ATT&CK tags, and the event time
    let d = all["detections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "sigma")
        .unwrap();
    assert!(!d["title"]["en"].as_str().unwrap().is_empty());
    assert!(d["severity"].is_string());
    assert!(d["tags"][0].as_str().unwrap().starts_with("attack."), "{d}");
    assert!(d["time"].as_str().unwrap().ends_with('Z'), "{d}");
}

/// Every `AKIA`/`ASIA` followed by 16 upper-case letters or digits (`(AKIA|ASIA)[A-Z0-9]{16}`).
fn key_ids(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for i in 0..b.len().saturating_sub(19) {
        let head = &b[i..i + 4];
        if (head == b"AKIA" || head == b"ASIA")
            && b[i + 4..i + 20]
                .iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        {
            out.push(String::from_utf8_lossy(&b[i..i + 20]).into_owned());
        }
    }
    out
}

#[test]
fn no_output_format_prints_an_access_key_id() {
    // the real data holds real-shaped key ids (bert-jan's `AKIA…`, sessions' `ASIA…`)
    let raw = std::fs::read_to_string(format!(
        "{DATA}/invictus/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1220Z_WMiHxZgr5Hdd6UDc.json"
    ))
    .unwrap();
    assert!(!key_ids(&raw).is_empty());
    let (inv, st) = (format!("{DATA}/invictus"), format!("{DATA}/stratus"));
    let rules = format!("{DATA}/sigma/rules");
    let dir = tempfile::tempdir().unwrap();
    for format in [
        "text", "json", "csv", "sarif", "ocsf", "asff", "junit", "html",
    ] {
        let file = dir.path().join(format!("report.{format}"));
        let r = run(&[
            "trail",
            "scan",
            &inv,
            &st,
            "--sigma",
            &rules,
            "--format",
            format,
            "-o",
            file.to_str().unwrap(),
        ]);
        assert!(r.code == 0 || r.code == 1, "{format}: {}", r.stderr);
        let out = std::fs::read_to_string(&file).unwrap();
        assert!(out.len() > 1000, "{format}");
        assert_eq!(key_ids(&out), Vec::<String>::new(), "{format}");
        assert_eq!(key_ids(&r.stderr), Vec::<String>::new(), "{format} stderr");
        assert_eq!(key_ids(&r.stdout), Vec::<String>::new(), "{format} stdout");
    }
    // the masked form is there: the key is shown, not its id
    let out = std::fs::read_to_string(dir.path().join("report.json")).unwrap();
    assert!(out.contains("AKIA************"), "masked keys in JSON");
}

#[test]
fn the_text_report_is_a_timeline_with_repeats_grouped() {
    let (inv, st) = (format!("{DATA}/invictus"), format!("{DATA}/stratus"));
    let rules = format!("{DATA}/sigma/rules");
    let r = run(&["trail", "scan", &inv, &st, "--sigma", &rules]);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    let rows: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.len() > 20 && l.as_bytes()[4] == b'-' && l.as_bytes()[19] == b'Z')
        .collect();
    assert!(rows.len() > 10, "{}", r.stdout);
    let times: Vec<&str> = rows.iter().map(|l| &l[..20]).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted, "ordered by time");
    // the 144 AssumeRole hits of one rule are grouped, not 144 rows; named by title
    let assume: Vec<&&str> = rows
        .iter()
        .filter(|l| l.contains("Sigma: AWS STS AssumeRole Misuse"))
        .collect();
    assert!(!assume.is_empty() && assume.len() < 30, "{}", assume.len());
    assert!(assume.iter().any(|l| l.contains(" x")), "{assume:?}");
    assert!(
        !r.stdout.contains("sigma:"),
        "Sigma rules named by title, not id"
    );
    // native and Sigma detections of one event share a row
    assert!(
        rows.iter().any(|l| l.contains("console-login-without-mfa")
            && l.contains("Sigma: AWS Successful Console Login Without MFA")),
        "{}",
        r.stdout
    );
}

#[test]
fn since_and_until_bound_the_scan() {
    let inv = format!("{DATA}/invictus");
    let all = run(&["trail", "scan", &inv, "--format", "json"]);
    let v: Value = serde_json::from_str(&all.stdout).unwrap();
    let total = v["trail"]["events"].as_u64().unwrap();
    let r = run(&[
        "trail",
        "scan",
        &inv,
        "--format",
        "json",
        "--since",
        "2023-07-10T12:20:00Z",
        "--until",
        "2023-07-10T12:30:00Z",
    ]);
    let w: Value = serde_json::from_str(&r.stdout).unwrap();
    let inside = w["trail"]["events"].as_u64().unwrap();
    assert!(inside > 0 && inside < total, "{inside} of {total}");
    assert_eq!(inside + w["trail"]["outside_time"].as_u64().unwrap(), total);
    for d in w["detections"].as_array().unwrap() {
        for e in d["events"].as_array().unwrap() {
            let t = e["eventTime"].as_str().unwrap();
            assert!(
                ("2023-07-10T12:20:00Z".."2023-07-10T12:30:00Z").contains(&t),
                "{t}"
            );
        }
    }
    let bad = run(&["trail", "scan", &inv, "--since", "yesterday"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("is not a time"), "{}", bad.stderr);
    let _ = Path::new(DATA);
}
