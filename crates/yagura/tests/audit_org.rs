//! `yagura audit --org` at scale (issue 20), against moto_server: an Organization of 50 member
//! accounts (`scripts/seed_org.py`; moto's AssumeRole into
//! `arn:aws:iam::ACCOUNT:role/OrganizationAccountAccessRole` switches accounts), IAM enforced,
//! and one member account whose role the auditor is denied. Every account has results, the
//! denied one is UNKNOWN with the reason, and the four shards `--shard 1/4` … `4/4` merged by
//! `yagura report merge` equal the single run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;
use yagura_testkit::{moto_available, Moto};

const ACCOUNTS: usize = 50;
const REGION: &str = "us-east-1";

struct Org {
    moto: Moto,
    seed: Value,
    /// One evaluation time for every run, so that ages read the same.
    as_of: String,
    dir: tempfile::TempDir,
}

fn org() -> &'static Org {
    static ORG: OnceLock<Org> = OnceLock::new();
    ORG.get_or_init(|| {
        let moto = Moto::start_without_managed_policies();
        let mut cmd = std::process::Command::new(yagura_testkit::venv().join("bin/python"));
        cmd.arg(yagura_testkit::repo_root().join("scripts/seed_org.py"))
            .arg(moto.endpoint())
            .args(["--accounts", &ACCOUNTS.to_string(), "--broken"]);
        let out = cmd.output().expect("run seed_org.py");
        assert!(
            out.status.success(),
            "seed_org.py: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let seed: Value = serde_json::from_slice(&out.stdout).unwrap();
        moto.enforce_iam();
        let as_of = time::OffsetDateTime::now_utc() + time::Duration::hours(1);
        let as_of = as_of
            .replace_nanosecond(0)
            .unwrap()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap();
        Org {
            moto,
            seed,
            as_of,
            dir: tempfile::tempdir().unwrap(),
        }
    })
}

/// `yagura audit --org` as the seeded auditor, with `extra` arguments; the JSON report.
fn audit(name: &str, extra: &[&str]) -> (Output, PathBuf) {
    let o = org();
    let key = &o.seed["auditor"];
    let file = o.dir.path().join(format!("{name}.json"));
    let data = o.dir.path().join(format!("data-{name}"));
    let out = yagura_testkit::aws_env(
        &mut yagura_testkit::yagura_cmd(),
        &o.moto.endpoint(),
        (key[0].as_str().unwrap(), key[1].as_str().unwrap()),
    )
    .args(["--data-dir", data.to_str().unwrap()])
    .args([
        "audit",
        "--org",
        "--role-name",
        "OrganizationAccountAccessRole",
    ])
    .args(["--regions", REGION, "--account-concurrency", "8"])
    .args(["--as-of", &o.as_of, "--format", "json", "-o"])
    .arg(&file)
    .args(extra)
    .output()
    .expect("run yagura");
    assert!(
        file.exists(),
        "{name}: no report; stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (out, file)
}

fn single() -> &'static (Output, PathBuf) {
    static SINGLE: OnceLock<(Output, PathBuf)> = OnceLock::new();
    SINGLE.get_or_init(|| audit("single", &[]))
}

fn read(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

#[test]
fn every_account_has_results_and_the_one_without_its_role_is_unknown_with_the_reason() {
    if !moto_available() {
        return;
    }
    let o = org();
    let (out, file) = single();
    let report = read(file);
    let broken = o.seed["broken"].as_str().unwrap();
    let mut by_account: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    for r in report["results"].as_array().unwrap() {
        by_account
            .entry(r["account"].as_str().unwrap())
            .or_default()
            .push(r);
    }
    let mut expected: BTreeSet<&str> = o.seed["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    expected.insert(o.seed["management"].as_str().unwrap());
    assert_eq!(expected.len(), ACCOUNTS + 1);
    assert_eq!(
        by_account.keys().copied().collect::<BTreeSet<_>>(),
        expected,
        "every account of the Organization has results"
    );
    // The account that cannot be reached: every result UNKNOWN, naming AssumeRole's refusal.
    let b = &by_account[broken];
    assert!(b.iter().all(|r| r["status"] == "UNKNOWN"
        && r["message"].as_str().unwrap().contains("sts:AssumeRole")
        && r["message"].as_str().unwrap().contains("AccessDenied")));
    // The others were read: each member's open security group and its user's access key fail.
    for acct in expected.iter().filter(|a| **a != broken) {
        let rs = &by_account[acct];
        let fails = |id: &str| {
            rs.iter()
                .any(|r| r["check_id"] == id && r["status"] == "FAIL")
        };
        if *acct != o.seed["management"] {
            assert!(fails("security-group-admin-port-open-to-world"), "{acct}");
            assert!(fails("iam-user-has-access-key"), "{acct}");
        }
        assert!(
            rs.iter().any(|r| r["status"] == "PASS"),
            "{acct} has no PASS: not read"
        );
    }
    // Progress per account on stderr: running, done, failed, with the counts and an ETA.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("auditing {} account(s)", ACCOUNTS + 1)),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "account {broken} failed (sts:AssumeRole: AccessDenied"
        )),
        "{err}"
    );
    assert!(
        err.contains(" done [") && err.contains(" running [") && err.contains(", ETA "),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "[{0}/{0} ended: {1} done, 1 failed, 0 running]",
            ACCOUNTS + 1,
            ACCOUNTS
        )),
        "{err}"
    );
}

#[test]
fn four_shards_merged_equal_the_single_run() {
    if !moto_available() {
        return;
    }
    let o = org();
    let (_, whole) = single();
    let mut files = Vec::new();
    let mut covered = BTreeSet::new();
    for i in 1..=4 {
        let (out, file) = audit(&format!("shard{i}"), &["--shard", &format!("{i}/4"), "-q"]);
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains("account "),
            "-q prints no progress"
        );
        let r = read(&file);
        assert_eq!(r["shard"]["index"], i);
        assert_eq!(r["shard"]["count"], 4);
        for a in r["shard"]["accounts"].as_array().unwrap() {
            assert!(
                covered.insert(a.as_str().unwrap().to_string()),
                "{a} in two shards"
            );
        }
        for res in r["results"].as_array().unwrap() {
            let acct = res["account"].as_str().unwrap();
            assert!(r["shard"]["accounts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a == acct));
        }
        files.push(file);
    }
    assert_eq!(covered.len(), ACCOUNTS + 1);
    let merged = o.dir.path().join("merged.json");
    let out = yagura_testkit::yagura_cmd()
        .args(["report", "merge", "--format", "json", "-o"])
        .arg(&merged)
        .args(&files)
        .output()
        .unwrap();
    assert!(merged.exists(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("error"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let strip = |mut v: Value| {
        let m = v.as_object_mut().unwrap();
        for k in ["generated_at", "merged_from"] {
            m.remove(k);
        }
        v
    };
    let (a, b) = (strip(read(whole)), strip(read(&merged)));
    assert_eq!(
        a["results"].as_array().unwrap().len(),
        b["results"].as_array().unwrap().len()
    );
    if a != b {
        let ra = a["results"].as_array().unwrap();
        let rb = b["results"].as_array().unwrap();
        let first = ra.iter().zip(rb).find(|(x, y)| x != y);
        panic!("merged shards differ from the single run; first difference: {first:#?}");
    }

    // A shard missing is an incomplete merge, said so.
    let out = yagura_testkit::yagura_cmd()
        .args(["report", "merge", "--format", "json", "-o"])
        .arg(o.dir.path().join("part.json"))
        .args(&files[..3])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("shard(s) 4/4 missing"));
}
