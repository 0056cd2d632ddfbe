#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Hostile input to `yagura trail scan` (issue 16, the CloudTrail parts): each crafted input is
//! made by the test and the binary runs under a memory limit (`ulimit -v`) and a timeout. One
//! bad rule, file or folder is reported and the rest is processed; nothing crashes, hangs or
//! fails open.

use serde_json::Value;
use std::path::Path;
use std::process::Command;

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/testdata/cloudtrail"
);
/// Address space of the run (KiB) and wall time (s).
const MEMORY_KIB: u64 = 1 << 20;
const SECONDS: u64 = 20;

use yagura_testkit::hostile::{anchor_bomb, rule_deep_nots, rule_deep_parens, RULE_HEAD};
use yagura_testkit::Run;

fn run(args: &[&str]) -> Run {
    let data = tempfile::tempdir().unwrap();
    let mut cmd = yagura_testkit::yagura_limited(MEMORY_KIB, SECONDS);
    cmd.arg("--data-dir")
        .arg(data.path())
        .arg("--lang")
        .arg("en")
        .args(args);
    let r = yagura_testkit::run(&mut cmd);
    assert!(
        r.code != 137 && r.code != -1 && !r.stderr.contains("panicked"),
        "killed, crashed or panicked ({}): {}",
        r.code,
        r.stderr
    );
    r
}

fn json(r: &Run) -> Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stderr))
}

fn good_rules(dir: &Path) {
    for f in [
        "aws_cloudtrail_disable_logging.yml",
        "aws_cloudtrail_console_login_success_without_mfa.yml",
    ] {
        std::fs::copy(format!("{DATA}/sigma/rules/{f}"), dir.join(f)).unwrap();
    }
}

#[test]
fn hostile_rules_are_reported_and_the_rest_loads() {
    let rules = tempfile::tempdir().unwrap();
    good_rules(rules.path());
    let w = |name: &str, text: String| std::fs::write(rules.path().join(name), text).unwrap();
    // conditions nested 200,000 deep: parentheses, then `not`
    w("parens.yml", rule_deep_parens(200_000));
    w("nots.yml", rule_deep_nots(200_000));
    // anchors that expand a 100 KB value 9^8 times, and 300,000 nested flow sequences
    let bomb = anchor_bomb();
    w("bomb.yml", format!("{RULE_HEAD}  condition: sel\n{bomb}"));
    w("bomb2.yml", bomb);
    w(
        "flow.yml",
        format!(
            "{RULE_HEAD}  condition: sel\nx: {}{}\n",
            "[".repeat(300_000),
            "]".repeat(300_000)
        ),
    );
    let logs = format!("{DATA}/stratus");
    let r = run(&[
        "trail",
        "scan",
        &logs,
        "--sigma",
        rules.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(r.secs < SECONDS as f64);
    let v = json(&r);
    let s = &v["trail"]["sigma"];
    assert_eq!(s["loaded"], 2, "{s}");
    let failed: Vec<String> = s["failed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {} {}", f["file"], f["location"], f["reason"]))
        .collect();
    assert_eq!(failed.len(), 5, "{failed:#?}");
    for (file, why) in [
        ("parens.yml", "nests deeper than 64"),
        ("nots.yml", "nests deeper than 64"),
        ("bomb.yml", "aliases expanded"),
        ("bomb2.yml", "aliases expanded"),
        ("flow.yml", "deeper than 64"),
    ] {
        let f = failed
            .iter()
            .find(|f| f.contains(file))
            .unwrap_or_else(|| panic!("{file}: {failed:#?}"));
        assert!(f.contains(why), "{f}");
        assert!(!f.contains(" null "), "no position: {f}");
    }
    // the good rules ran
    assert!(v["trail"]["sigma_matches"].as_object().unwrap().len() >= 2);
    assert!(r.stderr.contains("parens.yml`:"), "{}", r.stderr);
}

fn mkfifo(p: &Path) {
    yagura_testkit::hostile::mkfifo(p).unwrap();
}

#[test]
fn rule_folders_with_loops_links_and_special_files_end() {
    let root = tempfile::tempdir().unwrap();
    let rules = root.path().join("rules");
    std::fs::create_dir_all(rules.join("sub")).unwrap();
    good_rules(&rules.join("sub"));
    // a loop, the same rule through dozens of links, a FIFO, /dev/zero, a link out of the folder
    std::os::unix::fs::symlink(&rules, rules.join("sub/loop")).unwrap();
    for i in 0..40 {
        std::os::unix::fs::symlink(
            rules.join("sub/aws_cloudtrail_disable_logging.yml"),
            rules.join(format!("again{i}.yml")),
        )
        .unwrap();
    }
    mkfifo(&rules.join("fifo.yml"));
    std::os::unix::fs::symlink("/dev/zero", rules.join("zero.yml")).unwrap();
    std::fs::write(root.path().join("outside.yml"), RULE_HEAD).unwrap();
    std::os::unix::fs::symlink(root.path().join("outside.yml"), rules.join("out.yml")).unwrap();
    let logs = format!("{DATA}/stratus/aws.defense-evasion.cloudtrail-stop.json");
    let r = run(&[
        "trail",
        "scan",
        &logs,
        "--sigma",
        rules.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let v = json(&r);
    let s = &v["trail"]["sigma"];
    assert_eq!(s["loaded"], 2, "{s}");
    assert_eq!(s["files"], 2, "each rule read once: {s}");
    let unreadable = s["unreadable"].to_string();
    for what in ["fifo.yml", "zero.yml", "out.yml"] {
        assert!(unreadable.contains(what), "{what}: {unreadable}");
    }
    // one StopLogging: detected once, not 41 times
    assert_eq!(v["trail"]["sigma_matches"].as_object().unwrap().len(), 1);
    let hits: u64 = v["trail"]["sigma_matches"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(hits, 1);
}

#[test]
fn trail_folders_with_special_files_and_bad_entries_are_scanned_whole() {
    let root = tempfile::tempdir().unwrap();
    let logs = root.path().join("AWSLogs");
    std::fs::create_dir_all(logs.join("a/b")).unwrap();
    std::fs::copy(
        format!("{DATA}/stratus/aws.defense-evasion.cloudtrail-stop.json"),
        logs.join("a/b/stop.json"),
    )
    .unwrap();
    std::fs::copy(
        format!("{DATA}/stratus/aws.initial-access.console-login-without-mfa.json"),
        logs.join("login.json"),
    )
    .unwrap();
    mkfifo(&logs.join("a/fifo.json"));
    std::os::unix::fs::symlink("/dev/zero", logs.join("zero.json.gz")).unwrap();
    std::os::unix::fs::symlink(&logs, logs.join("a/loop")).unwrap();
    std::os::unix::fs::symlink(root.path().join("nowhere"), logs.join("broken")).unwrap();
    // a folder that cannot be read (only when not root: root reads everything)
    let locked = logs.join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::copy(logs.join("login.json"), locked.join("x.json")).unwrap();
    let _ = Command::new("chmod").arg("000").arg(&locked).status();
    let r = run(&["trail", "scan", logs.to_str().unwrap(), "--format", "json"]);
    let _ = Command::new("chmod").arg("755").arg(&locked).status();
    let v = json(&r);
    // both real files read (and `locked/x.json` too when running as root)
    assert!(v["trail"]["events"].as_u64().unwrap() >= 2, "{}", r.stderr);
    let ids: Vec<&str> = v["detections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"cloudtrail-logging-tampered"), "{ids:?}");
    assert!(ids.contains(&"console-login-without-mfa"), "{ids:?}");
    let errors = v["errors"].to_string();
    for what in ["fifo.json", "zero.json.gz"] {
        assert!(errors.contains(what), "{what}: {errors}");
    }
    assert_eq!(r.code, 2, "unread entries make the result incomplete");
}

#[test]
fn unreadable_values_do_not_hide_an_event_from_the_detections() {
    let dir = tempfile::tempdir().unwrap();
    yagura_testkit::hostile::write_unreadable_values(dir.path()).unwrap();
    let r = run(&[
        "trail",
        "scan",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    let v = json(&r);
    let admin = v["detections"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["id"] == "iam-admin-policy-attached")
        .count();
    assert_eq!(admin, 4, "{}", r.stderr);
    // and each is reported as read only in part, with its file and record
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 4, "{errors:?}");
    for e in errors {
        let e = e.as_str().unwrap();
        assert!(
            e.contains(".json` record 0") && e.contains("judged on what could be read"),
            "{e}"
        );
    }
}
