#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `yagura host fleet` (HOST-07, issue 17 acceptance 4), the merge and storage half, against
//! moto's S3: three hosts' JSON reports where SSM Run Command writes them
//! (`PREFIX/RUN/COMMAND_ID/INSTANCE_ID/awsrunShellScript/0.awsrunShellScript/stdout`) are
//! collected, merged into one report and stored per host; after a package update on one host,
//! the next collected run shows its finding as fixed in `yagura findings`. The sending half
//! (SendCommand by tag, the wait) is tested through recorded SSM responses in
//! `yagura-collect/tests/fleet.rs`: moto's Run Command runs no script.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use yagura_testkit::host::{debian_osv, write_osv_dir, SECURITY_FIXES};
use yagura_testkit::{moto_available, Moto};

const BIN: &str = env!("CARGO_BIN_EXE_yagura");
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/testdata");
const BUCKET: &str = "fleet-results";
const HOSTS: [&str; 3] = [
    "i-0aaaaaaaaaaaaaaa1",
    "i-0bbbbbbbbbbbbbbb2",
    "i-0ccccccccccccccc3",
];

fn yagura(data: &Path, moto: Option<&Moto>, args: &[&str]) -> (i32, String, String) {
    let mut c = Command::new(BIN);
    if let Some(m) = moto {
        yagura_testkit::aws_env(&mut c, &m.endpoint(), ("AKIAIOSFODNN7EXAMPLE", "test"));
    }
    let out = c
        .arg("--data-dir")
        .arg(data)
        .arg("--lang")
        .arg("en")
        .args(args)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn upload(moto: &Moto, objs: &[(String, Vec<u8>)]) {
    yagura_testkit::put_objects(&moto.endpoint(), BUCKET, objs);
}

fn copy_root(from: &str, to: &Path) {
    yagura_testkit::host::copy_tree(Path::new(from), to);
}

/// The scan a host would print on stdout.
fn host_report(data: &Path, root: &Path) -> Vec<u8> {
    let (code, out, err) = yagura(
        data,
        None,
        &[
            "host",
            "--root",
            root.to_str().unwrap(),
            "--no-elf",
            "--no-runtime",
            "--no-store",
            "--format",
            "json",
        ],
    );
    assert!(code == 1 || code == 2, "{err}");
    out.into_bytes()
}

/// Raises every binary package built from `source` to `version` in a dpkg status file (the
/// effect of `apt-get upgrade`).
fn upgrade_source(root: &Path, source: &str, version: &str) {
    let p = root.join("var/lib/dpkg/status");
    let text = std::fs::read_to_string(&p).unwrap();
    let mut out = Vec::new();
    for stanza in text.split("\n\n") {
        let src = stanza
            .lines()
            .find_map(|l| l.strip_prefix("Source: "))
            .map(|s| s.split(' ').next().unwrap_or_default().to_string());
        let name = stanza.lines().find_map(|l| l.strip_prefix("Package: "));
        if src.as_deref() == Some(source) || (src.is_none() && name == Some(source)) {
            let s: Vec<String> = stanza
                .lines()
                .map(|l| {
                    if l.starts_with("Version: ") {
                        format!("Version: {version}")
                    } else if l.starts_with("Source: ") {
                        format!("Source: {source} ({version})")
                    } else {
                        l.to_string()
                    }
                })
                .collect();
            out.push(s.join("\n"));
        } else {
            out.push(stanza.to_string());
        }
    }
    std::fs::write(&p, out.join("\n\n")).unwrap();
}

fn stdout_key(run: &str, host: &str) -> String {
    format!(
        "yagura-fleet/{run}/4f1c2d3e-0000-4000-8000-00000000000{}/{host}/awsrunShellScript/0.awsrunShellScript/stdout",
        run.len()
    )
}

#[test]
fn fleet_collect_merges_three_hosts_and_stored_runs_show_a_fixed_finding() {
    if !yagura_testkit::required_in_ci(moto_available(), "moto_server") {
        return;
    }
    let moto = Moto::start();
    let tmp = tempfile::tempdir().unwrap();
    // the vulnerability data the hosts use
    let scanner = tmp.path().join("scanner");
    let feed = tmp.path().join("debian-osv");
    write_osv_dir(&feed, &debian_osv(&[SECURITY_FIXES], "T"));
    let (code, _, err) = yagura(&scanner, None, &["db", "import", feed.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let roots: Vec<PathBuf> = (0..3)
        .map(|i| tmp.path().join(format!("root{i}")))
        .collect();
    copy_root(&format!("{DATA}/host/debian/bookworm-default"), &roots[0]);
    copy_root(&format!("{DATA}/host/debian/bookworm-minbase"), &roots[1]);
    copy_root(&format!("{DATA}/host/debian/bookworm-default"), &roots[2]);
    let reports: Vec<Vec<u8>> = roots.iter().map(|r| host_report(&scanner, r)).collect();
    let n: Vec<usize> = reports
        .iter()
        .map(|r| {
            serde_json::from_slice::<Value>(r).unwrap()["results"]
                .as_array()
                .unwrap()
                .len()
        })
        .collect();
    let mut objs: Vec<(String, Vec<u8>)> = HOSTS
        .iter()
        .zip(&reports)
        .map(|(h, r)| (stdout_key("run1", h), r.clone()))
        .collect();
    objs.push((
        stdout_key("run1", HOSTS[0]).replace("/stdout", "/stderr"),
        b"assessing the root filesystem /".to_vec(),
    ));
    upload(&moto, &objs);

    // collect run 1: one merged report, each host stored
    let store = tmp.path().join("operator");
    let (code, out, err) = yagura(
        &store,
        Some(&moto),
        &[
            "host",
            "fleet",
            "--collect",
            "run1",
            "--bucket",
            BUCKET,
            "--format",
            "json",
        ],
    );
    assert!(code == 1 || code == 2, "{code}: {err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["results"].as_array().unwrap().len(),
        n.iter().sum::<usize>()
    );
    assert_eq!(v["scope"], "host-fleet");
    assert_eq!(v["fleet"]["hosts"], json!(HOSTS));
    for h in HOSTS {
        assert!(err.contains(&format!("{h}: run ")), "{err}");
    }

    // host 2 gets a security update; a new run is collected
    let findings_of = |report: &[u8]| -> Vec<Value> {
        serde_json::from_slice::<Value>(report).unwrap()["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["check_id"] == "host-package-vulnerable" && f["status"] == "FAIL")
            .cloned()
            .collect()
    };
    let before = findings_of(&reports[2]);
    let target = before[0].clone();
    let source = target["evidence"]["source"].as_str().unwrap().to_string();
    let fixed = target["evidence"]["fixed"].as_str().unwrap().to_string();
    upgrade_source(&roots[2], &source, &fixed);
    let after_report = host_report(&scanner, &roots[2]);
    assert!(findings_of(&after_report).len() < before.len());
    let objs: Vec<(String, Vec<u8>)> = vec![
        (stdout_key("run2", HOSTS[0]), reports[0].clone()),
        (stdout_key("run2", HOSTS[1]), reports[1].clone()),
        (stdout_key("run2", HOSTS[2]), after_report),
    ];
    upload(&moto, &objs);
    let (code, _, err) = yagura(
        &store,
        Some(&moto),
        &[
            "host",
            "fleet",
            "--collect",
            "run2",
            "--bucket",
            BUCKET,
            "--format",
            "json",
        ],
    );
    assert!(code == 1 || code == 2, "{code}: {err}");
    assert!(
        err.contains(&format!("{}: run ", HOSTS[2])) && err.contains("fixed"),
        "{err}"
    );

    // the stored runs of host 2: the updated package's finding is fixed; host 1 is unchanged
    let (code, out, err) = yagura(
        &store,
        None,
        &[
            "findings",
            "--scope",
            &format!("host:{}", HOSTS[2]),
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let f: Value = serde_json::from_str(&out).unwrap();
    let fixed_keys: Vec<&str> = f["fixed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    let resource = target["resource"].as_str().unwrap();
    assert!(
        fixed_keys.iter().any(|k| k.contains(resource)),
        "{resource} not in {fixed_keys:?}"
    );
    let (_, out, _) = yagura(
        &store,
        None,
        &[
            "findings",
            "--scope",
            &format!("host:{}", HOSTS[0]),
            "--format",
            "json",
        ],
    );
    let f: Value = serde_json::from_str(&out).unwrap();
    assert!(f["fixed"].as_array().unwrap().is_empty());

    // a host whose output is not a report: named, the rest merged, exit 2
    upload(
        &moto,
        &[
            (stdout_key("run3", HOSTS[0]), reports[0].clone()),
            (
                stdout_key("run3", HOSTS[1]),
                b"curl: (6) Could not resolve host".to_vec(),
            ),
        ],
    );
    let (code, out, err) = yagura(
        &store,
        Some(&moto),
        &[
            "host",
            "fleet",
            "--collect",
            "run3",
            "--bucket",
            BUCKET,
            "--format",
            "json",
            "--no-store",
        ],
    );
    assert_eq!(code, 2, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["results"].as_array().unwrap().len(), n[0]);
    assert!(
        v["errors"].to_string().contains(HOSTS[1]),
        "{}",
        v["errors"]
    );
}

#[test]
fn fleet_document_and_user_data_are_printed() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, out, err) = yagura(
        tmp.path(),
        None,
        &[
            "host",
            "fleet",
            "--print-document",
            "--binary-url",
            "https://downloads.example.com/yagura-x86_64",
            "--binary-sha256",
            "0000000000000000000000000000000000000000000000000000000000000000",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["schemaVersion"], "2.2");
    let cmds = doc["mainSteps"][0]["inputs"]["runCommand"].to_string();
    assert!(cmds.contains("sha256sum -c"), "{cmds}");
    assert!(cmds.contains("host --format json"), "{cmds}");
    let (code, out, err) = yagura(
        tmp.path(),
        None,
        &[
            "host",
            "fleet",
            "--print-user-data",
            "--binary-url",
            "s3://tools/yagura",
            "--bucket",
            BUCKET,
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("#!/bin/sh"), "{out}");
    assert!(
        out.contains(&format!("s3://{BUCKET}/yagura-fleet/launch/$iid/")),
        "{out}"
    );
    // the examples in the repository are what yagura prints
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/fleet/yagura-scan.ssm.json"
    ))
    .unwrap();
    let (_, out, _) = yagura(
        tmp.path(),
        None,
        &[
            "host",
            "fleet",
            "--print-document",
            "--binary-url",
            "https://downloads.example.com/yagura-x86_64",
            "--update-db",
        ],
    );
    assert_eq!(out.trim(), example.trim());
}
