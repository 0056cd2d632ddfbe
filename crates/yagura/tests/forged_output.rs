#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Forged output (issue 16): newlines, carriage returns, ESC/CSI sequences, other C0 and C1
//! controls and bidi overrides in outside strings — CloudTrail event fields, file names, resource
//! names in a stored run — never reach a terminal raw. The text outputs and stderr show them
//! neutralised (no line an attacker wrote can start a line of ours), and every machine format
//! escapes them by its own rules (JSON string escapes, XML and HTML character rules, CSV cells)
//! without losing what JSON carries.

use serde_json::Value;
use std::path::Path;
use yagura_core::escape::bidi;
use yagura_testkit::Run;

/// What an attacker writes into a field: a line that would read as ours ("ALL CLEAR"), a
/// carriage return and an erase-line CSI, a C1 CSI (U+009B), a right-to-left override, bidi
/// isolates, BEL, NEL (U+0085, a C1 line break) and a line separator.
const FORGED: &str = "ci\nALL CLEAR: 0 detection(s)\r\u{1b}[2K\u{9b}31m\u{202e}gol\u{2066}x\u{2069}\u{7}\u{85}ALL CLEAR\u{2028}end";
const MARK: &str = "ALL CLEAR";

fn run(data: &Path, args: &[&str]) -> Run {
    let r = yagura_testkit::run(
        yagura_testkit::yagura_limited(1 << 20, 60)
            .arg("--data-dir")
            .arg(data)
            .arg("--lang")
            .arg("en")
            .args(args),
    );
    assert!(
        (0..100).contains(&r.code) && !r.stderr.contains("panicked"),
        "killed or panicked ({}): {}",
        r.code,
        r.stderr
    );
    r
}

/// Text for a terminal: no control character but the line breaks of the output itself, no
/// bidi control, and no line that starts with what the attacker wrote.
fn assert_terminal_safe(what: &str, s: &str) {
    if let Some(c) = s
        .chars()
        .find(|&c| (c.is_control() && c != '\n') || bidi(c))
    {
        panic!(
            "{what}: raw U+{:04X} reaches the terminal:\n{s}",
            u32::from(c)
        );
    }
    for line in s.lines() {
        assert!(
            !line.trim_start().starts_with(MARK),
            "{what}: a forged line: {line:?}"
        );
    }
}

/// JSON: valid, no raw control character (they are `\n`, `\u001b` … escapes), and the strings
/// are kept whole (the JSON is the lossless record of what was read).
fn assert_json(what: &str, s: &str) -> Value {
    let v: Value = serde_json::from_str(s).unwrap_or_else(|e| panic!("{what}: not JSON: {e}"));
    let raw = s
        .chars()
        .find(|&c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'));
    assert!(raw.is_none(), "{what}: raw control {raw:?} in JSON");
    v
}

fn records(dir: &Path) {
    let event = |name: &str, i: u32, user: &str| {
        serde_json::json!({
            "eventVersion": "1.08",
            "eventTime": format!("2024-03-01T10:0{i}:00Z"),
            "eventID": format!("00000000-0000-4000-8000-00000000000{i}"),
            "eventSource": "cloudtrail.amazonaws.com",
            "eventName": name,
            "awsRegion": "us-east-1",
            "sourceIPAddress": FORGED,
            "userAgent": FORGED,
            "errorMessage": FORGED,
            "recipientAccountId": "111122223333",
            "userIdentity": {
                "type": "IAMUser",
                "arn": format!("arn:aws:iam::111122223333:user/{user}"),
                "accountId": "111122223333",
                "userName": user,
            },
            "requestParameters": {"name": FORGED},
        })
    };
    let doc = serde_json::json!({"Records": [
        event("StopLogging", 1, FORGED),
        event(&format!("StopLogging{FORGED}"), 2, "bob"),
    ]});
    std::fs::write(dir.join("events.json"), doc.to_string()).unwrap();
    // a file whose name and content are bad: its read error quotes the name on stderr
    std::fs::write(dir.join(format!("bad{FORGED}.json")), "{\"Records\": [").unwrap();
    // a record whose time is the forged text
    let mut bad_time = event("StopLogging", 3, "carol");
    bad_time["eventTime"] = FORGED.into();
    std::fs::write(
        dir.join("time.json"),
        serde_json::json!({"Records": [bad_time]}).to_string(),
    )
    .unwrap();
}

fn sigma_rules(dir: &Path) {
    std::fs::write(
        dir.join("stop.yml"),
        "title: StopLogging with anything after it\nid: 5f0c3c3e-0000-4000-8000-000000000001\nstatus: test\nlevel: high\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  sel:\n    eventName|startswith: StopLogging\n  condition: sel\n",
    )
    .unwrap();
    // a rule file whose name is forged and that does not load: the warning quotes the name
    std::fs::write(dir.join(format!("x{FORGED}.yml")), "title: [unclosed\n").unwrap();
}

#[test]
fn trail_scan_neutralises_forged_fields_in_every_format_and_on_stderr() {
    let tmp = tempfile::tempdir().unwrap();
    let logs = tmp.path().join("logs");
    let rules = tmp.path().join("rules");
    std::fs::create_dir_all(&logs).unwrap();
    std::fs::create_dir_all(&rules).unwrap();
    records(&logs);
    sigma_rules(&rules);
    let data = tmp.path().join("data");
    for format in [
        "text", "json", "csv", "sarif", "ocsf", "asff", "junit", "html",
    ] {
        let r = run(
            &data,
            &[
                "trail",
                "scan",
                logs.to_str().unwrap(),
                "--sigma",
                rules.to_str().unwrap(),
                "--format",
                format,
            ],
        );
        let what = format!("trail scan --format {format}");
        assert_terminal_safe(&format!("{what} (stderr)"), &r.stderr);
        assert!(
            r.stderr.contains("bad") && r.stderr.contains(".json"),
            "{what}: the bad file is named: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains("Sigma rule not loaded"),
            "{what}: {}",
            r.stderr
        );
        match format {
            "text" => {
                assert_terminal_safe(&what, &r.stdout);
                assert!(
                    r.stdout.contains("cloudtrail-logging-tampered"),
                    "{}",
                    r.stdout
                );
            }
            "json" => {
                let v = assert_json(&what, &r.stdout);
                // lossless: the forged principal and address are there, whole
                let all = v["detections"].to_string();
                let forged_json = serde_json::to_string(FORGED).unwrap();
                let inner = &forged_json[1..forged_json.len() - 1];
                assert!(all.contains(inner), "{what}: {all}");
                assert!(v["errors"].to_string().contains("bad"), "{what}");
            }
            "sarif" | "ocsf" | "asff" => {
                assert_json(&what, &r.stdout);
            }
            "csv" => {
                // cells are quoted; no terminal control survives (tab and line breaks are cell
                // content the quoting carries), and no cell starts a formula
                let bad = r
                    .stdout
                    .chars()
                    .find(|&c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'));
                assert!(bad.is_none(), "{what}: {bad:?}");
            }
            "junit" => {
                let bad = r
                    .stdout
                    .chars()
                    .find(|&c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'));
                assert!(bad.is_none(), "{what}: {bad:?}");
                assert!(r.stdout.contains("&#10;ALL CLEAR") || !r.stdout.contains(MARK));
            }
            "html" => {
                let bad = r
                    .stdout
                    .chars()
                    .find(|&c| (c.is_control() && !matches!(c, '\n' | '\t')) || bidi(c));
                assert!(bad.is_none(), "{what}: {bad:?}");
            }
            _ => unreachable!(),
        }
    }
}

/// An inventory whose user name, security group names, tags and one group id are forged.
fn inventory(at: &str, tag: &str) -> Value {
    let ssh = serde_json::json!([{"protocol": "tcp", "from_port": 22, "to_port": 22,
                                  "ipv4_ranges": ["0.0.0.0/0"], "ipv6_ranges": []}]);
    yagura_testkit::small_inventory(
        at,
        serde_json::json!([{"name": FORGED, "arn": format!("arn:aws:iam::111122223333:user/{FORGED}")}]),
        serde_json::json!([
            {"id": "sg-0123", "name": FORGED, "vpc_id": "vpc-1", "ingress": ssh,
             "tags": {"Name": FORGED, "Owner": tag}},
            {"id": format!("sg-9{FORGED}"), "name": "x", "vpc_id": "vpc-1", "ingress": ssh,
             "tags": {}},
        ]),
    )
}

#[test]
fn findings_and_timeline_neutralise_forged_resource_names() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let write = |name: &str, v: &Value| {
        let p = tmp.path().join(name);
        std::fs::write(&p, v.to_string()).unwrap();
        p
    };
    let t0 = write("t0.json", &inventory("2026-11-24T00:00:00Z", "a"));
    let t1 = write("t1.json", &inventory("2026-11-24T01:00:00Z", FORGED));
    // a stored audit run over the forged inventory
    let r = run(
        &data,
        &[
            "audit",
            "--from-inventory",
            t0.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_terminal_safe("audit (stderr)", &r.stderr);
    let v = assert_json("audit --format json", &r.stdout);
    assert!(v["results"].to_string().contains("sg-0123"), "{}", r.stderr);
    let r = run(&data, &["findings"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_terminal_safe("findings", &r.stdout);
    assert_terminal_safe("findings (stderr)", &r.stderr);
    assert!(r.stdout.contains("security-group/sg-9ci"), "{}", r.stdout);
    let r = run(&data, &["findings", "--format", "json"]);
    let v = assert_json("findings --format json", &r.stdout);
    assert!(
        v["findings"]
            .to_string()
            .contains(&serde_json::to_string(&format!("sg-9{FORGED}")).unwrap()[1..]),
        "the JSON keeps the name whole"
    );
    // the timeline of the group: two snapshots, the second changing the forged tag
    for t in [&t0, &t1] {
        let r = run(&data, &["watch", "--from-inventory", t.to_str().unwrap()]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_terminal_safe("watch", &r.stdout);
        assert_terminal_safe("watch (stderr)", &r.stderr);
    }
    let r = run(&data, &["timeline", "sg-0123"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_terminal_safe("timeline", &r.stdout);
    assert!(r.stdout.contains("Tags.Owner"), "{}", r.stdout);
    let r = run(&data, &["timeline", "sg-0123", "--format", "json"]);
    assert_json("timeline --format json", &r.stdout);
}
