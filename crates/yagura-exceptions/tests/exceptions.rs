#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use time::macros::date;
use yagura_core::{Finding, MuteKind, Severity, Status, Text};
use yagura_exceptions::{Exceptions, ExceptionsError, Location};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn finding(
    check: &'static str,
    status: Status,
    resource: &str,
    account: &str,
    region: &str,
) -> Finding {
    Finding::new(
        check,
        status,
        Severity::High,
        resource,
        account,
        region,
        Text::new("message", "メッセージ"),
    )
}

fn good() -> Exceptions {
    Exceptions::load(&fixtures().join("good.yaml")).unwrap()
}

#[test]
fn good_file_parses_with_entry_positions() {
    let ex = good();
    assert_eq!(ex.len(), 4);
    let e = ex.entries();
    assert_eq!(e[0].kind, MuteKind::NotAdopted);
    assert_eq!(e[0].check, "inspector-disabled");
    assert_eq!(e[0].location, Some(Location { line: 4, column: 5 }));
    assert_eq!(e[1].account.as_ref().unwrap().as_str(), "2222*");
    assert_eq!(e[1].location, Some(Location { line: 6, column: 5 }));
    assert_eq!(e[2].kind, MuteKind::Accepted);
    assert_eq!(e[2].index, 0);
    assert_eq!(e[2].expires, Some(date!(2026 - 12 - 31)));
    assert_eq!(
        e[2].location,
        Some(Location {
            line: 10,
            column: 5
        })
    );
    assert_eq!(
        e[3].reason,
        "static assets served to everyone, approved in SEC-40\n"
    );
    assert_eq!(e[3].expires, Some(date!(2025 - 01 - 31)));
    assert_eq!(
        e[3].location,
        Some(Location {
            line: 16,
            column: 5
        })
    );
    assert!(ex.origin().ends_with("good.yaml"));
}

#[test]
fn the_line_scan_and_the_parser_agree_on_positions() {
    // Block style at two indentations, a dash alone is left to the parser, and flow style.
    let texts = [
        std::fs::read_to_string(fixtures().join("good.yaml")).unwrap(),
        "version: 1\naccepted:\n- check: a\n  reason: r\n-   check: b\n    reason: r\n".to_string(),
        "version: 1\naccepted:\n  -\n    check: a\n    reason: r\n  - check: b\n    reason: r\n"
            .to_string(),
        "version: 1\naccepted: [{check: a, reason: r},\n  {check: b, reason: r}]\nnot_adopted:\n  - {check: c, reason: r}\n"
            .to_string(),
        "version: 1\nnot_adopted: &x\n  - check: a\n    reason: r\naccepted: *x\n".to_string(),
        "\"version\": 1\n\"accepted\":\n  - check: a\n    reason: |\n      - check: fake\n      text\n  - check: b\n    reason: r\n"
            .to_string(),
    ];
    for text in &texts {
        let ex = Exceptions::parse("t.yaml", text).unwrap();
        for e in ex.entries() {
            assert!(e.location.is_some(), "{text}: {e:?}");
            let line = text.lines().nth(e.location.unwrap().line - 1).unwrap();
            let col = e.location.unwrap().column - 1;
            assert!(
                line[col..].starts_with("check")
                    || line[col..].starts_with('{')
                    || line[col..].starts_with("- check"),
                "{text}\n{e:?} points at {:?}",
                &line[col..]
            );
        }
    }
    // Flow-style positions are those the parser gives.
    let ex = Exceptions::parse("t.yaml", &texts[3]).unwrap();
    let locs: Vec<_> = ex.entries().iter().map(|e| e.location.unwrap()).collect();
    assert_eq!(
        locs,
        vec![
            Location { line: 5, column: 5 },
            Location {
                line: 2,
                column: 12
            },
            Location { line: 3, column: 3 },
        ]
    );
}

#[test]
fn corrupt_files_name_file_line_and_column() {
    let dir = fixtures().join("corrupt");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let mut out = String::new();
    for name in names {
        let text = std::fs::read_to_string(dir.join(&name)).unwrap();
        let err = Exceptions::parse(&format!("corrupt/{name}"), &text).unwrap_err();
        writeln!(out, "{err}").unwrap();
        if name != "empty.yaml" && name != "two_documents.yaml" {
            match &err {
                ExceptionsError::Invalid { location, .. } => {
                    assert!(location.is_some(), "{name}: {err}")
                }
                other => panic!("{other}"),
            }
        }
    }
    insta::assert_snapshot!(out);
}

#[test]
fn unreadable_and_non_utf8_files_name_the_path() {
    let err = Exceptions::load(Path::new("/nonexistent/exceptions.yaml")).unwrap_err();
    assert!(err
        .to_string()
        .starts_with("cannot read the exceptions file `/nonexistent/exceptions.yaml`"));
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.yaml");
    std::fs::write(&p, b"version: 1\n\xff\xfe").unwrap();
    let err = Exceptions::load(&p).unwrap_err().to_string();
    assert!(err.contains("x.yaml") && err.contains("not UTF-8"), "{err}");
}

#[test]
fn validate_reports_unknown_checks_and_repeats_with_positions() {
    let text = "version: 1\nnot_adopted:\n  - check: inspector-disabled\n    reason: r\naccepted:\n  - check: no-such-check\n    reason: r\n  - check: inspector-disabled\n    reason: r\n  - check: inspector-disabled\n    reason: again\n";
    let ex = Exceptions::parse("ex.yaml", text).unwrap();
    let problems = ex.validate(&|id| id == "inspector-disabled");
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        vec![
            "ex.yaml:6:5: unknown check `no-such-check` in accepted[0] (`yagura rule` lists the checks)",
            "ex.yaml:10:5: accepted[2] `inspector-disabled` repeats accepted[1] at line 8; only the first one applies",
        ]
    );
    assert!(good().validate(&|_| true).is_empty());
}

#[test]
fn apply_mutes_matching_findings_and_keeps_status() {
    let ex = good();
    let sg = "arn:aws:ec2:ap-northeast-1:123456789012:security-group/sg-0abc1234";
    let mut findings = vec![
        // 0: not adopted: every status muted.
        finding(
            "inspector-disabled",
            Status::Fail,
            "123456789012",
            "123456789012",
            "ap-northeast-1",
        ),
        finding(
            "inspector-disabled",
            Status::Pass,
            "111111111111",
            "111111111111",
            "us-east-1",
        ),
        // 2: accepted and in scope.
        finding(
            "security-group-port-open-to-world",
            Status::Fail,
            sg,
            "123456789012",
            "ap-northeast-1",
        ),
        // 3: wrong region.
        finding(
            "security-group-port-open-to-world",
            Status::Fail,
            "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0abc1234",
            "123456789012",
            "us-east-1",
        ),
        // 4: wrong resource.
        finding(
            "security-group-port-open-to-world",
            Status::Fail,
            "arn:aws:ec2:ap-northeast-1:123456789012:security-group/sg-0fff",
            "123456789012",
            "ap-northeast-1",
        ),
        // 5: accepted does not mute a PASS.
        finding(
            "security-group-port-open-to-world",
            Status::Pass,
            sg,
            "123456789012",
            "ap-northeast-1",
        ),
        // 6: accepted mutes an UNKNOWN.
        finding(
            "security-group-port-open-to-world",
            Status::Unknown,
            sg,
            "123456789012",
            "ap-northeast-1",
        ),
        // 7: another check.
        finding(
            "s3-bucket-versioning-disabled",
            Status::Fail,
            sg,
            "123456789012",
            "ap-northeast-1",
        ),
    ];
    let stats = ex.apply(&mut findings, date!(2026 - 06 - 01));
    let muted: Vec<bool> = findings.iter().map(|f| f.mute.is_some()).collect();
    assert_eq!(
        muted,
        vec![true, true, true, false, false, false, true, false]
    );
    assert_eq!(findings[0].status, Status::Fail);
    assert_eq!(findings[0].shown_status(), Status::Muted);
    assert_eq!(findings[1].status, Status::Pass);
    let m = findings[2].mute.as_ref().unwrap();
    assert_eq!(m.kind, MuteKind::Accepted);
    assert_eq!(m.reason, "public game server, reviewed by SRE 2026-04-01");
    assert_eq!(m.expires.as_deref(), Some("2026-12-31"));
    assert!(!findings[2].fails_at(Severity::Info));
    assert_eq!(stats.muted_not_adopted, 2);
    assert_eq!(stats.muted_accepted, 2);
    assert_eq!(stats.muted(), 4);
    // The S3 exception expired on 2025-01-31; the MFA one matched nothing.
    assert_eq!(stats.expired.len(), 1);
    assert_eq!(stats.expired[0].exception.check, "s3-bucket-public-read");
    assert_eq!(stats.expired[0].would_mute, 0);
    let unused: Vec<&str> = stats.unused.iter().map(|e| e.check.as_str()).collect();
    assert_eq!(unused, vec!["root-account-hardware-mfa-missing"]);
}

#[test]
fn expiry_is_inclusive_and_expired_exceptions_do_not_apply() {
    let text = "version: 1\naccepted:\n  - check: c\n    reason: old\n    expires: 2026-01-31\n  - check: c\n    resource: keep-*\n    reason: newer\n";
    let ex = Exceptions::parse("ex.yaml", text).unwrap();
    let make = || {
        vec![
            finding("c", Status::Fail, "keep-1", "1", "r"),
            finding("c", Status::Fail, "other", "1", "r"),
        ]
    };
    let mut on_day = make();
    let stats = ex.apply(&mut on_day, date!(2026 - 01 - 31));
    assert!(on_day
        .iter()
        .all(|f| f.mute.as_ref().is_some_and(|m| m.reason == "old")));
    assert!(stats.expired.is_empty());
    assert_eq!(
        stats.unused.len(),
        1,
        "the second entry is shadowed by the first"
    );

    let mut after = make();
    let stats = ex.apply(&mut after, date!(2026 - 02 - 01));
    assert_eq!(after[0].mute.as_ref().unwrap().reason, "newer");
    assert!(after[1].mute.is_none());
    assert_eq!(stats.expired.len(), 1);
    assert_eq!(stats.expired[0].would_mute, 2);
    assert_eq!(
        stats.expired[0].exception.location,
        Some(Location { line: 3, column: 5 })
    );
    assert!(stats.unused.is_empty());
}

#[test]
fn not_adopted_wins_over_accepted_and_muted_findings_stay() {
    let text = "version: 1\naccepted:\n  - check: c\n    reason: accepted\nnot_adopted:\n  - check: c\n    reason: not adopted\n";
    let ex = Exceptions::parse("ex.yaml", text).unwrap();
    let mut f = vec![finding("c", Status::Fail, "x", "1", "r")];
    ex.apply(&mut f, date!(2026 - 01 - 01));
    assert_eq!(f[0].mute.as_ref().unwrap().kind, MuteKind::NotAdopted);
    // Applying again (or a second file) keeps the first mute.
    let other = Exceptions::parse(
        "b.yaml",
        "version: 1\naccepted:\n  - check: c\n    reason: b\n",
    )
    .unwrap();
    let stats = other.apply(&mut f, date!(2026 - 01 - 01));
    assert_eq!(f[0].mute.as_ref().unwrap().reason, "not adopted");
    assert_eq!(stats.muted(), 0);
}

#[test]
fn empty_sections_and_no_file() {
    let ex = Exceptions::parse("ex.yaml", "version: 1\n").unwrap();
    assert!(ex.is_empty());
    // An empty section, or one left blank (null), holds no entries.
    let ex = Exceptions::parse("ex.yaml", "version: 1\naccepted: []\nnot_adopted:\n").unwrap();
    assert!(ex.is_empty());
    let err = Exceptions::parse("ex.yaml", "version: 1\naccepted: [x]\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "ex.yaml:2:12: accepted[0]: invalid type: string \"x\", expected a mapping with `check` and `reason`"
    );
    let mut f = vec![finding("c", Status::Fail, "x", "1", "r")];
    let stats = Exceptions::empty().apply(&mut f, date!(2026 - 01 - 01));
    assert_eq!(stats, Default::default());
    assert!(f[0].mute.is_none());
}

#[test]
fn dates_are_strict() {
    use yagura_exceptions::{format_date, parse_date};
    assert_eq!(parse_date("2024-02-29"), Some(date!(2024 - 02 - 29)));
    for bad in [
        "2023-02-29",
        "2026-1-01",
        "2026-01-1",
        "26-01-01",
        "2026/01/01",
        "+202-01-01",
        "2026-00-10",
        "",
    ] {
        assert_eq!(parse_date(bad), None, "{bad}");
    }
    assert_eq!(format_date(date!(0999 - 03 - 04)), "0999-03-04");
}

#[test]
fn a_large_file_parses_quickly_with_positions() {
    let mut text = String::from("version: 1\naccepted:\n");
    for i in 0..2000 {
        text.push_str(&format!(
            "  - check: check-{i}\n    resource: \"arn:aws:s3:::bucket-{i}-*\"\n    reason: \"reviewed in SEC-{i}\"\n    expires: 2030-01-01\n"
        ));
    }
    let t = std::time::Instant::now();
    let ex = Exceptions::parse("big.yaml", &text).unwrap();
    let took = t.elapsed();
    assert_eq!(ex.len(), 2000);
    assert_eq!(
        ex.entries()[1999].location,
        Some(Location {
            line: 4 * 1999 + 3,
            column: 5
        })
    );
    let mut findings: Vec<Finding> = (0..20_000)
        .map(|i| {
            finding(
                "check-7",
                Status::Fail,
                &format!("arn:aws:s3:::bucket-{}-x", i % 10),
                "1",
                "r",
            )
        })
        .collect();
    let stats = ex.apply(&mut findings, date!(2026 - 01 - 01));
    assert_eq!(stats.muted_accepted, 2000);
    assert_eq!(stats.unused.len(), 1999);
    println!("parsed 2000 entries in {took:?}");
}

#[test]
fn crlf_bom_and_alias_bombs() {
    let crlf = "version: 1\r\naccepted:\r\n  - check: c\r\n    reason: r\r\n  - check: d\r\n    reason: r\r\n";
    let ex = Exceptions::parse("crlf.yaml", crlf).unwrap();
    let locs: Vec<_> = ex.entries().iter().map(|e| e.location.unwrap()).collect();
    assert_eq!(
        locs,
        vec![
            Location { line: 3, column: 5 },
            Location { line: 5, column: 5 }
        ]
    );

    let bom = "\u{feff}version: 1\naccepted:\n  - check: c\n    reason: r\n";
    let ex = Exceptions::parse("bom.yaml", bom).unwrap();
    assert_eq!(
        ex.entries()[0].location,
        Some(Location { line: 3, column: 5 })
    );

    // A billion-laughs document is refused quickly, with a position.
    let mut bomb = String::from("a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n");
    for i in 0..9u8 {
        let (prev, cur) = ((b'a' + i) as char, (b'a' + i + 1) as char);
        bomb.push_str(&format!("{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
    }
    let started = std::time::Instant::now();
    let err = Exceptions::parse("bomb.yaml", &bomb).unwrap_err();
    // A hang guard, not a speed measurement: an expanding parser would not finish at all.
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
    assert!(err.to_string().starts_with("bomb.yaml"), "{err}");
}

#[test]
fn a_large_flow_style_file_loads_without_positions() {
    let entries: Vec<String> = (0..400)
        .map(|i| format!("{{check: c{i}, reason: r}}"))
        .collect();
    let text = format!("version: 1\naccepted: [{}]\n", entries.join(", "));
    let started = std::time::Instant::now();
    let ex = Exceptions::parse("flow.yaml", &text).unwrap();
    // A hang guard (quadratic position tracking would take minutes), not a speed measurement.
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
    assert_eq!(ex.len(), 400);
    assert!(ex.entries().iter().all(|e| e.location.is_none()));
    // A problem without a position still names the file.
    let p = ex.validate(&|id| id != "c7");
    assert_eq!(
        p[0].to_string(),
        "flow.yaml: unknown check `c7` in accepted[7] (`yagura rule` lists the checks)"
    );
}

#[test]
fn exceptions_expiring_soon() {
    let ex = good();
    let soon: Vec<&str> = ex
        .expiring_within(date!(2026 - 12 - 01), 30)
        .iter()
        .map(|e| e.check.as_str())
        .collect();
    assert_eq!(soon, vec!["security-group-port-open-to-world"]);
    assert!(ex.expiring_within(date!(2026 - 11 - 01), 30).is_empty());
    // Already expired is not "expiring".
    assert!(ex.expiring_within(date!(2027 - 01 - 01), 30).is_empty());
}

/// Times for BENCHMARKS.md: `cargo test -p yagura-exceptions --release -- --ignored --nocapture`.
#[test]
#[ignore]
fn measure_apply_over_a_million_findings() {
    let findings = || -> Vec<Finding> {
        (0..1_000_000u32)
            .map(|i| {
                let check = if i % 2 == 0 {
                    "security-group-port-open-to-world"
                } else {
                    "s3-bucket-public-read"
                };
                finding(
                    check,
                    Status::Fail,
                    &format!(
                        "arn:aws:ec2:ap-northeast-1:123456789012:security-group/sg-{:04}{i:08x}",
                        i % 400
                    ),
                    "123456789012",
                    "ap-northeast-1",
                )
            })
            .collect()
    };
    // Typical: a few not-adopted checks, 200 accepted resources named exactly, 20 patterns.
    let mut typical = String::from(
        "version: 1\nnot_adopted:\n  - check: inspector-disabled\n    reason: r\naccepted:\n",
    );
    for i in 0..200u32 {
        typical.push_str(&format!(
            "  - check: security-group-port-open-to-world\n    resource: \"arn:aws:ec2:ap-northeast-1:123456789012:security-group/sg-{:04}{:08x}\"\n    reason: r\n",
            i % 400, i * 997
        ));
    }
    for i in 0..20 {
        typical.push_str(&format!(
            "  - check: s3-bucket-public-read\n    resource: \"arn:aws:ec2:*:123456789012:security-group/sg-{i:04}*\"\n    reason: r\n"
        ));
    }
    // Worst case: 200 wildcard patterns for one check.
    let mut patterns = String::from("version: 1\naccepted:\n");
    for i in 0..200 {
        patterns.push_str(&format!(
            "  - check: security-group-port-open-to-world\n    resource: \"arn:aws:ec2:*:123456789012:security-group/sg-{i:04}*\"\n    reason: r\n"
        ));
    }
    for (name, text) in [
        ("typical", typical),
        ("200 patterns on one check", patterns),
    ] {
        let ex = Exceptions::parse("m.yaml", &text).unwrap();
        let mut f = findings();
        let (started, cpu) = (std::time::Instant::now(), thread_cpu_ms());
        let stats = ex.apply(&mut f, date!(2026 - 01 - 01));
        println!(
            "apply ({name}): 1,000,000 findings x {} exceptions in {:?} wall, {} ms CPU ({} muted)",
            ex.len(),
            started.elapsed(),
            thread_cpu_ms() - cpu,
            stats.muted()
        );
    }
}

/// This thread's CPU time in milliseconds (Linux; 0 elsewhere), to measure on a busy machine.
fn thread_cpu_ms() -> u64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    (ticks(11) + ticks(12)) * 10
}

#[test]
fn check_patterns_and_tags_match_and_bad_tags_name_their_position() {
    let text = "version: 1\nnot_adopted:\n  - check: \"s3-*\"\n    reason: buckets are out of scope here\naccepted:\n  - check: security-group-port-open-to-world\n    tags: {env: \"dev*\", team: web}\n    reason: dev servers are public by design (SEC-7)\n";
    let ex = Exceptions::parse("t.yaml", text).unwrap();
    let e = ex.entries();
    assert!(e[0].check_pattern.is_some() && e[1].check_pattern.is_none());
    assert_eq!(e[1].tags.len(), 2);
    assert!(
        e[1].describe().contains("tag `env=dev*`"),
        "{}",
        e[1].describe()
    );
    // A pattern is never an unknown check; a literal still is.
    assert!(ex.validate(&|_| false).len() == 1);

    let sg = "arn:aws:ec2:ap-northeast-1:123456789012:security-group/sg-1";
    let mut findings = vec![
        finding(
            "s3-bucket-policy-public",
            Status::Fail,
            "arn:aws:s3:::b",
            "1",
            "global",
        ),
        finding(
            "s3-account-public-access-block-off",
            Status::Pass,
            "a",
            "1",
            "global",
        ),
        finding(
            "security-group-port-open-to-world",
            Status::Fail,
            sg,
            "1",
            "ap-northeast-1",
        ),
        finding(
            "security-group-port-open-to-world",
            Status::Fail,
            "other",
            "1",
            "ap-northeast-1",
        ),
        finding(
            "security-group-unused",
            Status::Fail,
            sg,
            "1",
            "ap-northeast-1",
        ),
    ];
    let dev: yagura_exceptions::Tags = [("env", "dev-1"), ("team", "web"), ("x", "y")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let stats = ex.apply_tagged(&mut findings, date!(2026 - 06 - 01), &|f| {
        (&*f.resource == sg).then_some(&dev)
    });
    let muted: Vec<bool> = findings.iter().map(|f| f.mute.is_some()).collect();
    assert_eq!(muted, [true, true, true, false, false]);
    assert_eq!(stats.muted(), 3);
    // Without the tags (plain apply) the tagged entry matches nothing.
    let mut again = findings.clone();
    for f in &mut again {
        f.mute = None;
    }
    ex.apply(&mut again, date!(2026 - 06 - 01));
    assert!(again[2].mute.is_none());

    for (bad, want) in [
        ("tags: [env]", "t.yaml:4:"),
        ("tags: {env: [1]}", "t.yaml:4:"),
        ("tags: {env: \"\"}", "t.yaml:4:"),
        ("tags: {env: {a: b}}", "t.yaml:4:"),
    ] {
        let text = format!("version: 1\naccepted:\n  - check: c\n    {bad}\n    reason: r\n");
        let err = Exceptions::parse("t.yaml", &text).unwrap_err().to_string();
        assert!(err.starts_with(want), "{bad}: {err}");
    }
}
