//! `yagura audit` on saved inventories: no AWS, no moto. Hostile strings in every format, bad
//! input naming the file and position, run history and workflow (REP-02), the built-in demo.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

const DEMO: &str = include_str!("../demo/inventory.json");
const HOSTILE: [&str; 6] = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "\u{1b}[31mred\u{1b}[0m",
    "=HYPERLINK(\"http://evil.example\")",
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
];

fn yagura(dir: &Path, args: &[&str]) -> Output {
    yagura_testkit::yagura_at(&dir.join("data"))
        .args(args)
        .output()
        .expect("run yagura")
}

/// The demo's management account, which holds the sample resources.
fn main_account(inv: &mut Value) -> &mut Value {
    inv["accounts"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|a| a["account_id"] == "123456789012")
        .unwrap()
}

/// The demo inventory with outside strings replaced by hostile ones: user, role and bucket
/// names, a security group name, tag values.
fn hostile_inventory() -> Value {
    let mut inv: Value = serde_json::from_str(DEMO).unwrap();
    let acct = main_account(&mut inv);
    let users = acct["iam"]["credential_report"]["ok"]
        .as_array_mut()
        .unwrap();
    for (u, h) in users.iter_mut().zip(HOSTILE.iter().cycle()) {
        let arn = format!("arn:aws:iam::123456789012:user/{h}");
        u["user"] = Value::String((*h).to_string());
        u["arn"] = Value::String(arn);
    }
    for (b, h) in acct["s3"]["buckets"]["ok"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .zip(HOSTILE.iter().rev().cycle())
    {
        b["name"] = Value::String((*h).to_string());
    }
    for (r, h) in acct["iam"]["roles"]["ok"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .zip(HOSTILE.iter().cycle())
    {
        r["name"] = Value::String((*h).to_string());
        r["arn"] = Value::String(format!("arn:aws:iam::123456789012:role/{h}"));
    }
    inv
}

#[test]
fn hostile_names_are_inert_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("hostile.json");
    std::fs::write(&inv, serde_json::to_vec(&hostile_inventory()).unwrap()).unwrap();
    for format in [
        "text", "json", "csv", "sarif", "ocsf", "asff", "junit", "html",
    ] {
        let out = yagura(
            dir.path(),
            &[
                "audit",
                "--no-store",
                "--from-inventory",
                inv.to_str().unwrap(),
                "--as-of",
                "2026-11-24T00:00:00Z",
                "--format",
                format,
                "--show-pass",
            ],
        );
        assert!(
            matches!(out.status.code(), Some(1 | 2)),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(!text.contains('\u{1b}'), "{format}: raw ESC in output");
        assert!(!out.stderr.contains(&0x1b), "{format}: raw ESC on stderr");
        match format {
            "json" | "sarif" | "ocsf" | "asff" => {
                let v: Value =
                    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{format}: {e}"));
                // The data survives as data.
                assert!(
                    v.to_string().contains("alert(1)"),
                    "{format} lost the names"
                );
            }
            "csv" => {
                let mut rdr = csv::Reader::from_reader(text.as_bytes());
                let mut seen = false;
                for rec in rdr.records() {
                    for cell in rec.unwrap().iter() {
                        let first = cell.chars().next();
                        assert!(
                            !matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r')),
                            "formula cell {cell:?}"
                        );
                        seen |= cell.contains("HYPERLINK");
                    }
                }
                assert!(seen, "csv lost the hostile bucket name");
            }
            "junit" => {
                let mut r = quick_xml::Reader::from_str(&text);
                loop {
                    match r.read_event() {
                        Ok(quick_xml::events::Event::Eof) => break,
                        Ok(quick_xml::events::Event::Start(e))
                        | Ok(quick_xml::events::Event::Empty(e)) => {
                            let name = e.name();
                            assert!(name.as_ref() != b"script" && name.as_ref() != b"img");
                        }
                        Ok(_) => {}
                        Err(e) => panic!("junit is not well-formed: {e}"),
                    }
                }
            }
            "html" => {
                let lower = text.to_ascii_lowercase();
                assert!(!lower.contains("<script"), "raw script tag in html");
                assert!(!lower.contains("<img"), "raw img tag in html");
                assert!(
                    lower.contains("&lt;script&gt;"),
                    "escaped name missing from html"
                );
            }
            _ => assert!(text.contains("alert(1)")),
        }
    }
}

#[test]
fn corrupt_inventory_and_exceptions_name_the_file_and_position() {
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("broken-inventory.json");
    std::fs::write(
        &inv,
        "{\"schema_version\": 1,\n  \"accounts\": [ {\"account_id\": 7} ]\n}",
    )
    .unwrap();
    let out = yagura(
        dir.path(),
        &[
            "audit",
            "--no-store",
            "--from-inventory",
            inv.to_str().unwrap(),
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("broken-inventory.json") && err.contains("line 2"),
        "{err}"
    );

    let ex = dir.path().join("exceptions.yaml");
    std::fs::write(
        &ex,
        "version: 1\naccepted:\n  - check: s3-bucket-acl-public\n    resource: \"*\"\n",
    )
    .unwrap();
    let out = yagura(
        dir.path(),
        &["audit", "--demo", "--exceptions", ex.to_str().unwrap()],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("exceptions.yaml:3:") || err.contains("exceptions.yaml:4:"),
        "{err}"
    );
    assert!(err.contains("reason"), "{err}");
    // Nothing was written to the store by the failed runs.
    assert!(
        !dir.path().join("data").join("yagura.sqlite3").exists()
            || yagura(dir.path(), &["findings"]).status.code() == Some(2)
    );
}

/// The key of the first FAIL of `yagura findings --format json`.
fn first_fail_key(v: &Value) -> String {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["status"] == "FAIL")
        .unwrap()["key"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn runs_are_kept_with_new_fixed_and_workflow() {
    let dir = tempfile::tempdir().unwrap();
    let before = dir.path().join("before.json");
    let after = dir.path().join("after.json");
    std::fs::write(&before, DEMO).unwrap();
    // The same account after alice's access key was deleted.
    let mut inv: Value = serde_json::from_str(DEMO).unwrap();
    for u in main_account(&mut inv)["iam"]["credential_report"]["ok"]
        .as_array_mut()
        .unwrap()
    {
        if u["user"] == "alice-with-key" {
            for k in u["access_keys"].as_array_mut().unwrap() {
                k["active"] = Value::Bool(false);
            }
        }
    }
    std::fs::write(&after, serde_json::to_vec(&inv).unwrap()).unwrap();
    for f in [&before, &after] {
        let out = yagura(
            dir.path(),
            &[
                "audit",
                "--from-inventory",
                f.to_str().unwrap(),
                "--as-of",
                "2026-11-24T00:00:00Z",
                "-o",
                dir.path().join("r.txt").to_str().unwrap(),
            ],
        );
        assert!(
            matches!(out.status.code(), Some(1 | 2)),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = yagura(dir.path(), &["findings", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let fixed: Vec<&str> = v["fixed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(
        fixed
            .iter()
            .any(|k| k.starts_with("iam-user-has-access-key|") && k.contains("alice-with-key")),
        "{fixed:?}"
    );
    let key = first_fail_key(&v);
    let out = yagura(
        dir.path(),
        &[
            "findings",
            "--set",
            &key,
            "--status",
            "in-progress",
            "--assignee",
            "hana",
            "--note",
            "ticket SEC-42",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value =
        serde_json::from_slice(&yagura(dir.path(), &["findings", "--format", "json"]).stdout)
            .unwrap();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == key.as_str())
        .unwrap();
    assert_eq!(f["workflow"]["assignee"], "hana");
    assert_eq!(f["workflow"]["note"], "ticket SEC-42");
}

#[test]
fn the_demo_runs_without_aws_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("demo.html");
    let out = yagura(
        dir.path(),
        &[
            "audit",
            "--demo",
            "--format",
            "html",
            "-o",
            html.to_str().unwrap(),
        ],
    );
    // The sample account has high findings: exit 1, complete (moto's gaps are not adopted).
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::read_to_string(&html).unwrap().contains("<svg"));
    let ja = yagura_testkit::yagura_cmd()
        .args(["--lang", "ja", "audit", "--demo"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&ja.stdout).contains("ルートユーザー"));
    let rule = yagura_testkit::yagura_cmd()
        .args(["rule", "root-mfa-disabled"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&rule.stdout);
    assert!(
        text.contains("Why is this bad?") && text.contains("cis-aws-foundations-3.0: 1.5"),
        "{text}"
    );
    let missing = yagura_testkit::yagura_cmd()
        .args(["rule", "no-such-check"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
}

/// Regression: `-o /dev/null` once renamed a temp file over /dev/null, replacing the device with
/// a regular file. Special files are written in place and symlinks are followed, never replaced.
#[test]
fn output_to_special_files_and_symlinks_is_written_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("report.fifo");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(&fifo).unwrap())
    };
    let out = yagura(
        dir.path(),
        &[
            "audit",
            "--demo",
            "--format",
            "json",
            "-o",
            fifo.to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = reader.join().unwrap();
    assert!(
        bytes.starts_with(b"{"),
        "the fifo did not receive the report"
    );
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo(),
        "the fifo was replaced"
    );

    let real = dir.path().join("real.json");
    std::fs::write(&real, "old").unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let out = yagura(
        dir.path(),
        &[
            "audit",
            "--demo",
            "--format",
            "json",
            "-o",
            link.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the symlink was replaced"
    );
    assert!(std::fs::read_to_string(&real).unwrap().starts_with('{'));
}

/// Audits `inventories` in turn into the store of `dir`, then returns `yagura findings`' text.
fn findings_after(dir: &Path, inventories: &[Value]) -> String {
    for (n, inv) in inventories.iter().enumerate() {
        let file = dir.join(format!("inventory-{n}.json"));
        std::fs::write(&file, serde_json::to_vec(inv).unwrap()).unwrap();
        let out = yagura(
            dir,
            &[
                "audit",
                "--from-inventory",
                file.to_str().unwrap(),
                "--as-of",
                "2026-11-24T00:00:00Z",
                "-o",
                dir.join("r.txt").to_str().unwrap(),
            ],
        );
        assert!(
            matches!(out.status.code(), Some(1 | 2)),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = yagura(dir, &["findings"]);
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8(out.stdout).unwrap()
}

/// The main account's security groups of us-east-1.
fn groups(inv: &mut Value) -> &mut Value {
    &mut main_account(inv)["regions"][0]["ec2"]["security_groups"]
}

/// Issue 18: a deleted resource's FAIL is fixed even when the run has an UNKNOWN elsewhere;
/// what could not be checked is printed with the reason; `resolved` on a FAIL is flagged.
#[test]
fn findings_never_lose_a_fix_and_flag_contradictions() {
    let before: Value = serde_json::from_str(DEMO).unwrap();
    // The open security group deleted, and GuardDuty of another region unreadable.
    let mut deleted = before.clone();
    groups(&mut deleted)["ok"]
        .as_array_mut()
        .unwrap()
        .retain(|g| g["name"] != "open-admin");
    main_account(&mut deleted)["regions"][1]["guardduty"] = serde_json::json!({"error": {
        "operation": "guardduty:ListDetectors", "code": "AccessDenied", "message": "denied"}});
    let dir = tempfile::tempdir().unwrap();
    let text = findings_after(dir.path(), &[before.clone(), deleted]);
    let fixed = |k: &str| format!("  fixed        {k}|123456789012|us-east-1|");
    for check in [
        "security-group-admin-port-open-to-world",
        "security-group-port-open-to-world",
    ] {
        assert!(text.contains(&fixed(check)), "{check} not fixed:\n{text}");
    }
    assert!(!text.contains("not checked  security-group"), "{text}");
    // What could not be read is said, with the reason.
    assert!(
        text.contains("  not checked  guardduty-no-notification|123456789012|us-west-2|")
            && text.contains("AccessDenied"),
        "{text}"
    );

    // The security groups unreadable instead: the open group's FAILs are not checked, and
    // the reason is printed.
    let mut unreadable = before.clone();
    *groups(&mut unreadable) = serde_json::json!({"error": {
        "operation": "ec2:DescribeSecurityGroups", "code": "UnauthorizedOperation",
        "message": "you are not authorized"}});
    let dir = tempfile::tempdir().unwrap();
    let text = findings_after(dir.path(), &[before.clone(), unreadable]);
    let line = text
        .lines()
        .find(|l| {
            l.starts_with("  not checked  security-group-admin-port-open-to-world|123456789012")
        })
        .unwrap_or_else(|| panic!("no not-checked line:\n{text}"));
    assert!(line.contains("UnauthorizedOperation"), "{line}");
    assert!(
        !text.contains("  fixed        security-group-admin"),
        "{text}"
    );

    // A finding marked resolved that still fails is a contradiction.
    let out = yagura(dir.path(), &["findings", "--format", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!v["not_checked"].as_array().unwrap().is_empty(), "{v}");
    let key = first_fail_key(&v);
    let set = yagura(
        dir.path(),
        &["findings", "--set", &key, "--status", "resolved"],
    );
    assert_eq!(set.status.code(), Some(0));
    let out = yagura(dir.path(), &["findings"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!(
            "  contradiction  {key} is marked resolved but still fails"
        )),
        "{text}"
    );
    let v: Value =
        serde_json::from_slice(&yagura(dir.path(), &["findings", "--format", "json"]).stdout)
            .unwrap();
    assert_eq!(v["contradictions"][0]["key"], key.as_str());
}

/// Issue 18: `--checks`, `--excluded-checks`, `--services`, `--severity` and `--list-checks`,
/// validated before anything is collected.
#[test]
fn runs_are_scoped_and_the_scope_is_checked_first() {
    let dir = tempfile::tempdir().unwrap();
    // Listing needs no AWS: the run stops before collection.
    let out = yagura(dir.path(), &["audit", "--list-checks", "--services", "s3"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines().count() >= 4 && text.lines().all(|l| l.contains(" s3 ")),
        "{text}"
    );
    assert!(text.contains("s3-bucket-policy-public"), "{text}");
    // An unknown check or service is an error naming it, before any AWS call (there are no
    // credentials here: a collection would fail otherwise).
    for (flag, bad) in [
        ("--checks", "no-such-check"),
        ("--excluded-checks", "no-such-check"),
        ("--services", "ec3"),
    ] {
        let out = yagura(dir.path(), &["audit", flag, bad, "--regions", "us-east-1"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(&format!("`{bad}`")), "{err}");
    }
    let out = yagura(dir.path(), &["audit", "--severity", "urgent"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("`urgent`"));

    // Only the selected checks are reported.
    let report = |args: &[&str]| -> Vec<(String, String)> {
        let file = dir.path().join("scoped.json");
        let mut all = vec!["audit", "--demo", "--format", "json", "-o"];
        all.push(file.to_str().unwrap());
        all.extend(args);
        yagura(dir.path(), &all);
        let v: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["check_id"].as_str().unwrap().to_string(),
                    r["severity"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let r = report(&["--checks", "root-mfa-disabled,iam-user-unused"]);
    assert!(!r.is_empty());
    assert!(r
        .iter()
        .all(|(c, _)| c == "root-mfa-disabled" || c == "iam-user-unused"));
    let r = report(&[
        "--services",
        "ec2",
        "--excluded-checks",
        "security-group-unused",
    ]);
    assert!(r
        .iter()
        .any(|(c, _)| c == "security-group-port-open-to-world"));
    assert!(!r
        .iter()
        .any(|(c, _)| c == "security-group-unused" || c.starts_with("s3-")));
    let r = report(&["--severity", "critical"]);
    assert!(
        !r.is_empty() && r.iter().all(|(_, s)| s == "critical"),
        "{r:?}"
    );
}

#[test]
fn exceptions_match_check_patterns_and_resource_tags() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ex.yaml");
    // The demo's results with one `accepted` entry for every `ec2-*` check and these tags.
    let run = |tags: &str| -> (Vec<Value>, String) {
        let text = format!(
            "version: 1\naccepted:\n  - check: \"ec2-*\"\n    tags: {tags}\n    reason: sre hosts, SEC-9\n"
        );
        std::fs::write(&file, text).unwrap();
        let args = [
            "audit",
            "--demo",
            "--no-store",
            "-f",
            "json",
            "--exceptions",
        ];
        let mut all = args.to_vec();
        all.push(file.to_str().unwrap());
        let out = yagura(dir.path(), &all);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        (v["results"].as_array().unwrap().clone(), stderr)
    };
    // The demo's instance tagged `Owner: sre` (its id changes when the demo is recorded again).
    let demo: Value = serde_json::from_str(DEMO).unwrap();
    let id = demo["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["account_id"] == "123456789012")
        .flat_map(|a| a["regions"].as_array().unwrap())
        .filter(|r| r["name"] == "us-east-1")
        .flat_map(|r| r["ec2"]["instances"]["ok"].as_array().unwrap())
        .find(|i| i["tags"]["Owner"] == "sre")
        .expect("the demo has an instance tagged Owner: sre")["id"]
        .as_str()
        .unwrap();
    let tagged = format!("arn:aws:ec2:us-east-1:123456789012:instance/{id}");
    let (results, stderr) = run("{Owner: \"s*\"}");
    let muted: Vec<&Value> = results.iter().filter(|r| r["status"] == "MUTED").collect();
    assert!(!muted.is_empty(), "{stderr}");
    for r in &muted {
        assert_eq!(r["resource"], tagged, "{r}");
        assert!(r["check_id"].as_str().unwrap().starts_with("ec2-"), "{r}");
    }
    // A tag value the resource does not have mutes nothing.
    let (results, stderr) = run("{Owner: nobody}");
    assert!(results.iter().all(|r| r["status"] != "MUTED"));
    assert!(stderr.contains("matched nothing"), "{stderr}");
}

/// Issue 19: yagura's hint for an error code is its own words, so it is Japanese under `--lang
/// ja` and said once — over a record saved before the hint was data (the English hint at the
/// end of the message, as older inventories hold it) as over a new one (the hint by name).
#[test]
fn unknown_results_give_the_hint_once_in_the_readers_language() {
    const HINT_EN: &str = "the credentials' policies do not allow this call: attach the AWS managed policies SecurityAudit and ViewOnlyAccess to the audit role";
    const HINT_JA: &str =
        "監査用のロールに AWS 管理ポリシー SecurityAudit と ViewOnlyAccess をアタッチしてください";
    let mut inv: Value = serde_json::from_str(DEMO).unwrap();
    let acct = main_account(&mut inv);
    let error = |region: &str, message: String, hint: Option<&str>| {
        let mut e = serde_json::json!({
            "operation": format!("guardduty:ListDetectors@{region}"), "code": "AccessDenied",
            "message": message});
        if let Some(h) = hint {
            e["hint"] = Value::String(h.to_string());
        }
        serde_json::json!({ "error": e })
    };
    let said = "User is not authorized to perform guardduty:ListDetectors";
    acct["regions"][0]["guardduty"] = error("new", said.to_string(), Some("access_denied"));
    acct["regions"][1]["guardduty"] = error("old", format!("{said} ({HINT_EN})"), None);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("denied.json");
    std::fs::write(&path, serde_json::to_vec(&inv).unwrap()).unwrap();
    for (lang, hint, other) in [
        ("ja", HINT_JA, "SecurityAudit and"),
        ("en", HINT_EN, "監査"),
    ] {
        let out = yagura_testkit::yagura_cmd()
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .args([
                "--lang",
                lang,
                "audit",
                "--allow-incomplete",
                "--from-inventory",
            ])
            .arg(&path)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        for region in ["new", "old"] {
            let op = format!("guardduty:ListDetectors@{region}");
            let lines: Vec<&str> = text.lines().filter(|l| l.contains(&op)).collect();
            assert!(
                !lines.is_empty(),
                "{lang}: no UNKNOWN on {op}:\n{text}{}",
                String::from_utf8_lossy(&out.stderr)
            );
            for line in lines {
                assert_eq!(line.matches(hint).count(), 1, "{lang}: {line}");
                assert!(!line.contains(other), "{lang}: {line}");
                if lang == "ja" {
                    assert!(line.contains(&format!("「{said}」")), "{line}");
                }
            }
        }
    }
}
