#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The SARIF of an audit, a host scan and a trail scan, checked by Microsoft's SARIF validator
//! (`@microsoft/sarif-multitool`, pinned in scripts/pins/sarif-multitool and installed by
//! scripts/test.sh into `SARIF_MULTITOOL_DIR`) with the SARIF rules and GitHub's: no error and
//! no warning (issue 19). GitHub code scanning shows only results with a physical location.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/testdata");

/// The validator, or `None` (a skip outside CI, a failure in CI) when it is not installed.
fn multitool() -> Option<PathBuf> {
    let dir = std::env::var("SARIF_MULTITOOL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cache/sarif-multitool")
        });
    let tool = dir.join("node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
    if tool.exists() {
        return Some(tool);
    }
    if std::env::var_os("CI").is_some() {
        panic!("@microsoft/sarif-multitool missing in {}", dir.display());
    }
    eprintln!(
        "skip: @microsoft/sarif-multitool not installed in {}",
        dir.display()
    );
    None
}

/// Writes `args`' SARIF to `file` and returns it parsed.
fn sarif(data_dir: &Path, args: &[&str], file: &Path) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "sarif", "-o", file.to_str().unwrap()]);
    let r = yagura_testkit::run(yagura_testkit::yagura_at(data_dir).args(&all));
    assert!(r.code <= 2, "{args:?}: {}{}", r.stdout, r.stderr);
    serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap()
}

/// GitHub's settings of the validator's rules (its GitHub rules are disabled by default).
const GITHUB_CONFIG: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../scripts/pins/sarif-multitool/github.config.xml"
);

/// The validator's results on `file` (SARIF and GitHub rules, errors and warnings), with its
/// default settings and with GitHub's (which leave some of the default rules out).
fn validate(tool: &Path, file: &Path, dir: &Path) -> Vec<String> {
    let mut found = validate_with(tool, file, dir, None);
    found.extend(validate_with(tool, file, dir, Some(GITHUB_CONFIG)));
    found
}

fn validate_with(tool: &Path, file: &Path, dir: &Path, config: Option<&str>) -> Vec<String> {
    let log = dir.join(format!(
        "{}.{}.validation.sarif",
        file.file_stem().unwrap().to_str().unwrap(),
        if config.is_some() {
            "github"
        } else {
            "default"
        }
    ));
    let mut cmd = Command::new(tool);
    cmd.args([
        "validate",
        "--rule-kind",
        "Gh;Sarif",
        "--level",
        "Error;Warning",
    ]);
    if let Some(c) = config {
        cmd.args(["--config", c]);
    }
    cmd.arg("-o").arg(&log).arg(file);
    let r = yagura_testkit::run(cmd.env("DOTNET_CLI_TELEMETRY_OPTOUT", "1"));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&log).unwrap()).unwrap();
    v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| format!("{}: {}", r["ruleId"], r["message"]["text"]))
        .collect()
}

#[test]
fn audit_host_and_trail_sarif_pass_the_validator_with_github_rules() {
    let Some(tool) = multitool() else { return };
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = format!("{DATA}/host/debian/bookworm-default");
    let (invictus, stratus) = (
        format!("{DATA}/cloudtrail/invictus"),
        format!("{DATA}/cloudtrail/stratus"),
    );
    let cases: [(&str, Vec<&str>); 3] = [
        ("audit", vec!["audit", "--demo", "--no-store"]),
        (
            "host",
            vec![
                "host",
                "--root",
                &root,
                "--no-elf",
                "--no-runtime",
                "--no-store",
            ],
        ),
        ("trail", vec!["trail", "scan", &invictus, &stratus]),
    ];
    for (name, args) in cases {
        let file = dir.path().join(format!("{name}.sarif"));
        let doc = sarif(data.path(), &args, &file);
        let results = doc["runs"][0]["results"].as_array().unwrap();
        assert!(!results.is_empty(), "{name}: no results to check");
        for r in results {
            let loc = &r["locations"][0]["physicalLocation"];
            let uri = loc["artifactLocation"]["uri"].as_str().unwrap_or_default();
            assert!(
                !uri.is_empty() && !uri.contains(':') && !uri.starts_with('/'),
                "{name}: {r}"
            );
            assert!(
                loc["region"]["startLine"].as_u64() >= Some(1),
                "{name}: {r}"
            );
        }
        let problems = validate(&tool, &file, dir.path());
        assert_eq!(problems, Vec::<String>::new(), "{name}");
    }
}
