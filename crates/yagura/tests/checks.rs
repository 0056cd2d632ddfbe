#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The workspace meta-test of the check catalogue (after ruff's `registry.rs` and clippy's
//! `lint_message_convention.rs`): every check of every capability (audit, host, iam, trail)
//!
//! - has an id unique across the capabilities, kebab-case, and listed in `check_ids.txt`, the
//!   committed registry of every id ever used (a retired id stays there and is never declared
//!   again);
//! - has every documentation section (title, what, why, fix) in English and in Japanese (really
//!   Japanese), references, SPEC ids and the data it needs;
//! - has a failing and a passing fixture in `crates/CRATE/tests/fixtures/checks/ID/`, and the
//!   failing one fails and the passing one does not (audit: small inventories; host: small
//!   roots; iam: policy documents; trail: CloudTrail events, real ones where the shared test data
//!   has them);
//! - writes messages by the convention: lowercase start (acronyms and product names aside), no
//!   final period, balanced backticks around user input.
//!
//! The tests at the end show that it fails on a duplicate id, a missing or non-Japanese doc
//! section, a reused id and a check without fixtures.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use yagura_core::{declare_check, Catalogue, CheckMeta, Finding, Status};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
const REGISTRY: &str = include_str!("check_ids.txt");

fn all_lists() -> Vec<&'static [&'static CheckMeta]> {
    vec![
        yagura_audit::CHECKS,
        yagura_host::CHECKS,
        yagura_iam::CHECKS,
        yagura_trail::CHECKS,
    ]
}

/// The crate a check is declared in (`yagura-audit`), from its source location.
fn crate_of(c: &CheckMeta) -> &'static str {
    c.location
        .file
        .strip_prefix("crates/")
        .and_then(|f| f.split('/').next())
        .unwrap_or("?")
}

fn fixture_dir(c: &CheckMeta) -> PathBuf {
    Path::new(ROOT)
        .join("crates")
        .join(crate_of(c))
        .join("tests/fixtures/checks")
        .join(c.id)
}

/// The fixture file or directory whose name starts with `kind` (`fail`, `pass`).
fn fixture(c: &CheckMeta, kind: &str) -> Option<PathBuf> {
    let dir = fixture_dir(c);
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n == kind || n.starts_with(&format!("{kind}.")))
        })
        .collect();
    found.sort();
    found.into_iter().next()
}

/// `id → (crate, active)` from `check_ids.txt`.
fn registry(text: &str) -> BTreeMap<String, (String, bool)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            Some((
                w.next()?.to_string(),
                (w.next()?.to_string(), w.next()? == "active"),
            ))
        })
        .collect()
}

fn has_japanese(s: &str) -> bool {
    s.chars().any(|c| {
        matches!(c, '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}')
    })
}

/// Everything wrong with these declarations against the registry; empty when nothing is.
fn problems(lists: &[&[&'static CheckMeta]], registry_text: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Err(e) = Catalogue::of(lists) {
        out.push(e.to_string());
    }
    let reg = registry(registry_text);
    let mut declared = BTreeSet::new();
    for c in lists.iter().flat_map(|l| l.iter()) {
        let id = c.id;
        declared.insert(id);
        let at = c.location;
        if id.is_empty()
            || id.len() > 64
            || !id
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')
        {
            out.push(format!("{at}: id `{id}` is not kebab-case"));
        }
        match reg.get(id) {
            None => out.push(format!(
                "{at}: id `{id}` is not in crates/yagura/tests/check_ids.txt: add it"
            )),
            Some((_, false)) => out.push(format!(
                "{at}: id `{id}` was retired and is never used again: choose another"
            )),
            Some((krate, true)) if krate != crate_of(c) => out.push(format!(
                "{at}: id `{id}` belongs to {krate} in check_ids.txt, not to {}",
                crate_of(c)
            )),
            Some(_) => {}
        }
        for (section, t) in [
            ("title", &c.title),
            ("what", &c.what),
            ("why", &c.why),
            ("fix", &c.fix),
        ] {
            if t.en.trim().is_empty() {
                out.push(format!("{at}: `{id}` has no English {section}"));
            } else if has_japanese(&t.en) {
                out.push(format!(
                    "{at}: the English {section} of `{id}` is not English"
                ));
            }
            if t.ja.trim().is_empty() {
                out.push(format!("{at}: `{id}` has no Japanese {section}"));
            } else if !has_japanese(&t.ja) || t.ja == t.en {
                out.push(format!(
                    "{at}: the Japanese {section} of `{id}` is not Japanese"
                ));
            }
            if section == "title" && (t.en.ends_with('.') || t.ja.ends_with('。')) {
                out.push(format!("{at}: the title of `{id}` ends with a period"));
            }
        }
        if c.references.is_empty() || c.references.iter().any(|r| !r.starts_with("https://")) {
            out.push(format!("{at}: `{id}` needs references (https URLs)"));
        }
        if c.spec.is_empty() {
            out.push(format!("{at}: `{id}` serves no SPEC id"));
        }
        if c.needs.is_empty() {
            out.push(format!("{at}: `{id}` does not say what data it needs"));
        }
        for kind in ["fail", "pass"] {
            if fixture(c, kind).is_none() {
                out.push(format!(
                    "{at}: `{id}` has no {kind}ing fixture in {}",
                    fixture_dir(c).display()
                ));
            }
        }
    }
    for (id, (krate, active)) in &reg {
        if *active && !declared.contains(id.as_str()) && lists.len() == all_lists().len() {
            out.push(format!(
                "check_ids.txt: `{id}` ({krate}) is declared nowhere: mark it retired, never delete it"
            ));
        }
    }
    out
}

#[test]
fn every_check_is_declared_documented_registered_and_has_fixtures() {
    let p = problems(&all_lists(), REGISTRY);
    assert!(p.is_empty(), "{} problem(s):\n{}", p.len(), p.join("\n"));
    let n: usize = all_lists().iter().map(|l| l.len()).sum();
    assert!(n >= 90, "{n} checks");
}

// ------------------------------------------------------------------ fixtures, by capability

/// What the capability reports on a fixture: findings (trail detections count as FAIL).
fn run_fixture(c: &CheckMeta, path: &Path) -> Vec<Finding> {
    match crate_of(c) {
        "yagura-audit" => audit(path),
        "yagura-host" => host(path),
        "yagura-iam" => iam(c, path),
        "yagura-trail" => trail(path),
        other => panic!("no fixture runner for {other}"),
    }
}

fn audit(path: &Path) -> Vec<Finding> {
    let text = std::fs::read_to_string(path).unwrap();
    let inv = yagura_inventory::from_json(&path.display().to_string(), &text)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let cfg = yagura_audit::AuditConfig {
        now: time::macros::datetime!(2026-11-01 00:00 UTC),
        ..Default::default()
    };
    yagura_audit::evaluate(&inv, &cfg)
}

fn host(dir: &Path) -> Vec<Finding> {
    use yagura_host::{ElfScope, ScanOptions};
    let tmp = tempfile::tempdir().unwrap();
    // A copy of the fixture's root (git keeps neither modes nor empty directories), with the
    // modes of `modes` (`PATH OCTAL` lines) and an ELF binary compiled here with the flags of
    // `elf-flags` as /usr/bin/overflow.
    let root = tmp.path().join("root");
    if dir.join("root").is_dir() {
        copy_dir(&dir.join("root"), &root);
    }
    std::fs::create_dir_all(&root).unwrap();
    if let Ok(modes) = std::fs::read_to_string(dir.join("modes")) {
        use std::os::unix::fs::PermissionsExt;
        for l in modes.lines().filter(|l| !l.trim().is_empty()) {
            let (path, mode) = l.split_once(' ').unwrap();
            let mode = u32::from_str_radix(mode.trim(), 8).unwrap();
            std::fs::set_permissions(root.join(path), std::fs::Permissions::from_mode(mode))
                .unwrap();
        }
    }
    let mut opts = ScanOptions::new(&root);
    opts.today = Some(time::macros::date!(2026 - 11 - 24));
    opts.elf = ElfScope::Off;
    if let Ok(flags) = std::fs::read_to_string(dir.join("elf-flags")) {
        let bin = root.join("usr/bin");
        std::fs::create_dir_all(&bin).unwrap();
        let src = Path::new(ROOT).join("../shared/testdata/host/elf/overflow.c");
        let out = std::process::Command::new("cc")
            .args(flags.split_whitespace())
            .arg(&src)
            .arg("-o")
            .arg(bin.join("overflow"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        opts.elf = ElfScope::SystemDirs(100);
    }
    if dir.join("feeds").is_dir() {
        let data = tmp.path().join("data");
        yagura_host::vulndb::VulnDb::open(&data)
            .unwrap()
            .import(&dir.join("feeds"))
            .unwrap();
        opts.data_dir = Some(data);
    }
    // the running kernel's `uname -r` (a root has none of its own)
    if let Ok(release) = std::fs::read_to_string(dir.join("kernel-release")) {
        opts.kernel_release = Some(release.trim().to_string());
    }
    if dir.join("proc").is_dir() {
        opts.runtime = true;
        opts.proc_dir = dir.join("proc");
    }
    yagura_host::scan(&opts).findings
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

fn iam(c: &CheckMeta, path: &Path) -> Vec<Finding> {
    if c.id == "iam-internet-exposed-escalation-path" {
        return iam_exposure(path);
    }
    let text = std::fs::read_to_string(path).unwrap();
    let source = path.display().to_string();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let policies = |key: &str| -> Vec<yagura_iam::Policy> {
        v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| yagura_iam::Policy::parse(&source, &p.to_string()).unwrap())
            .collect()
    };
    let arn = v["arn"].as_str().unwrap_or_default();
    match c.id {
        "iam-bastion-assume-role-without-mfa" if v.get("trust_policy").is_some() => {
            let trust = yagura_iam::Policy::parse(&source, &v["trust_policy"].to_string()).unwrap();
            let identity = v["identity_account"].as_str().unwrap();
            vec![yagura_iam::bastion::verify_trust_policy(
                arn, &trust, identity,
            )]
        }
        "iam-bastion-role-above-poweruser" => {
            let db = yagura_iam::actions::db().unwrap();
            vec![
                yagura_iam::bastion::verify_role_permissions(db, arn, &policies("policies"))
                    .unwrap(),
            ]
        }
        _ => {
            let (findings, errors) =
                yagura_iam::analyze_authorization_details(&source, &text).unwrap();
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
            findings
        }
    }
}

/// Exposure joins IAM with EC2: its fixtures are inventories (instances, security groups, roles
/// with their instance profiles), judged as `iam analyze --exposure` judges them.
fn iam_exposure(path: &Path) -> Vec<Finding> {
    let text = std::fs::read_to_string(path).unwrap();
    let inv = yagura_inventory::from_json(&path.display().to_string(), &text)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let accounts: Vec<yagura_iam::analyze::AccountAuthorization> =
        yagura_iam::inventory::authorizations(&inv)
            .into_iter()
            .map(|(_, a)| a)
            .collect();
    let g = yagura_iam::graph::Graph::build(&accounts, &yagura_iam::exposure::extra(&inv)).unwrap();
    let exposed = yagura_iam::exposure::exposures(&inv, &accounts, &g);
    yagura_iam::exposure::findings(&exposed, &g)
}

fn trail(path: &Path) -> Vec<Finding> {
    let opts = yagura_trail::Options::default();
    let r = yagura_trail::scan(yagura_trail::read_path(path), None, &opts);
    assert_eq!(r.stats.errors, 0, "{}", path.display());
    r.detections
        .iter()
        .map(|d| {
            let id = yagura_trail::CHECKS
                .iter()
                .find(|c| c.id == d.id)
                .map_or("sigma", |c| c.id);
            Finding::new(
                id,
                Status::Fail,
                d.severity,
                "event",
                "",
                "",
                d.message.clone(),
            )
        })
        .collect()
}

/// Checks that report problems only: their passing fixture yields no finding at all.
const PROBLEMS_ONLY: &[&str] = &[
    "health-event-open",
    "access-analyzer-external-access",
    "host-package-vulnerable-no-fix",
    "host-package-database-unreadable",
    "executable-without-hardening",
    "host-listening-port",
];

/// A message problem, if any: lowercase start (acronyms and product names aside), no final
/// period, backticks in pairs.
fn message_problem(m: &yagura_core::Text) -> Option<String> {
    let first = m.en.split_whitespace().next().unwrap_or_default();
    let capitalised_word = first.chars().next().is_some_and(char::is_uppercase)
        && first.chars().skip(1).all(|c| c.is_lowercase());
    let proper = ["Amazon", "AWS", "Security", "GuardDuty", "Debian"];
    if capitalised_word && !proper.contains(&first) {
        return Some(format!("starts with a capital: {}", m.en));
    }
    for t in [&m.en, &m.ja] {
        if t.ends_with('.') || t.ends_with('。') {
            return Some(format!("ends with a period: {t}"));
        }
        if t.matches('`').count() % 2 != 0 {
            return Some(format!("unbalanced backticks: {t}"));
        }
    }
    None
}

#[test]
fn every_check_fails_on_its_failing_fixture_and_not_on_its_passing_one() {
    let mut bad = Vec::new();
    for c in all_lists().into_iter().flat_map(|l| l.iter()) {
        let (Some(fail), Some(pass)) = (fixture(c, "fail"), fixture(c, "pass")) else {
            continue; // reported by the test above
        };
        let of = |fs: &[Finding], s: Status| {
            fs.iter()
                .filter(|f| f.check_id == c.id && f.status == s)
                .count()
        };
        let f = run_fixture(c, &fail);
        if of(&f, Status::Fail) == 0 {
            bad.push(format!("`{}`: {} gives no FAIL", c.id, fail.display()));
        }
        let p = run_fixture(c, &pass);
        let (pf, pu, pp) = (
            of(&p, Status::Fail),
            of(&p, Status::Unknown),
            of(&p, Status::Pass),
        );
        let problems_only = crate_of(c) == "yagura-trail" || PROBLEMS_ONLY.contains(&c.id);
        if pf + pu > 0 || (pp == 0 && !problems_only) {
            bad.push(format!(
                "`{}`: {} gives {pf} FAIL, {pu} UNKNOWN, {pp} PASS",
                c.id,
                pass.display()
            ));
        }
        for x in f.iter().chain(&p).filter(|x| x.check_id == c.id) {
            if let Some(m) = message_problem(&x.message.to_text()) {
                bad.push(format!("`{}`: message {m}", c.id));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{} problem(s):\n{}",
        bad.len(),
        bad.join("\n")
    );
}

// ------------------------------------------------------------------ the meta-test itself fails

declare_check! {
    static DUPLICATE = "root-mfa-disabled" {
        severity: Low,
        service: "iam",
        spec: ["AUD-06"],
        compliance: {},
        needs: ["iam.summary"],
        title: ("Root user without MFA, again", "ルートユーザーに MFA がない (重複)"),
        what: ("Checks the root user again.", "ルートユーザーをもう一度確認します。"),
        why: ("It is declared twice.", "二重に宣言されています。"),
        fix: ("Remove one declaration.", "宣言を一つ削除してください。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html"],
    }
}

declare_check! {
    static UNDOCUMENTED = "example-undocumented-state" {
        severity: Low,
        service: "iam",
        spec: ["AUD-06"],
        compliance: {},
        needs: ["iam.summary"],
        title: ("An example", "例"),
        what: ("Checks an example.", "Checks an example."),
        why: ("", ""),
        fix: ("Fix the example.", "例を直してください。"),
        references: ["https://example.com/"],
    }
}

#[test]
fn the_meta_test_fails_on_a_duplicate_id() {
    let dup: [&'static CheckMeta; 1] = [&DUPLICATE];
    let mut lists: Vec<&[&'static CheckMeta]> = all_lists();
    lists.push(&dup);
    let p = problems(&lists, REGISTRY);
    assert!(
        p.iter().any(|p| p.starts_with(
            "check id `root-mfa-disabled` is declared twice: at crates/yagura-audit/src/checks/iam/root_mfa_disabled.rs:"
        ) && p.contains("crates/yagura/tests/checks.rs:")),
        "{p:#?}"
    );
}

#[test]
fn the_meta_test_fails_on_a_missing_or_untranslated_section_and_missing_fixtures() {
    let registry = format!("{REGISTRY}\nexample-undocumented-state yagura active\n");
    let p = problems(&[&[&UNDOCUMENTED]], &registry);
    let has = |s: &str| p.iter().any(|p| p.contains(s));
    assert!(
        has("`example-undocumented-state` has no English why"),
        "{p:#?}"
    );
    assert!(
        has("`example-undocumented-state` has no Japanese why"),
        "{p:#?}"
    );
    assert!(
        has("the Japanese what of `example-undocumented-state` is not Japanese"),
        "{p:#?}"
    );
    assert!(
        has("`example-undocumented-state` has no failing fixture"),
        "{p:#?}"
    );
    assert!(
        has("`example-undocumented-state` has no passing fixture"),
        "{p:#?}"
    );
    assert!(
        !has("is not in crates/yagura/tests/check_ids.txt"),
        "{p:#?}"
    );
}

#[test]
fn the_meta_test_fails_on_an_unregistered_or_retired_id() {
    let p = problems(&[&[&UNDOCUMENTED]], REGISTRY);
    assert!(
        p.iter().any(|p| p.contains(
            "id `example-undocumented-state` is not in crates/yagura/tests/check_ids.txt"
        )),
        "{p:#?}"
    );
    let retired = format!("{REGISTRY}\nexample-undocumented-state yagura retired\n");
    let p = problems(&[&[&UNDOCUMENTED]], &retired);
    assert!(
        p.iter()
            .any(|p| p.contains("id `example-undocumented-state` was retired")),
        "{p:#?}"
    );
    // A declared check missing from the lists is reported when the registry says it is active.
    let mut lists = all_lists();
    lists[3] = &[];
    let p = problems(&lists, REGISTRY);
    assert!(
        p.iter()
            .any(|p| p.contains("`root-account-used` (yagura-trail) is declared nowhere")),
        "{p:#?}"
    );
}

#[test]
fn message_conventions() {
    use yagura_core::Text;
    assert!(message_problem(&Text::new("user `a` has MFA", "ユーザー `a` は MFA")).is_none());
    assert!(message_problem(&Text::new("AWS Config records", "記録")).is_none());
    assert!(message_problem(&Text::new("The user has MFA", "あり")).is_some());
    assert!(message_problem(&Text::new("user has MFA.", "あり")).is_some());
    assert!(message_problem(&Text::new("user has MFA", "あり。")).is_some());
    assert!(message_problem(&Text::new("user `a has MFA", "あり")).is_some());
}
