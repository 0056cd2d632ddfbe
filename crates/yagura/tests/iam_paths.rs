//! Issue 15's acceptance on moto: every privilege-escalation path of pathfinding.cloud that moto
//! can hold, seeded as a vulnerable principal and a harmless twin by `scripts/seed_paths.py`
//! (plus chains of two and three hops, a group, two accounts, and the exposure case), then
//! `yagura iam analyze` live, from the GetAccountAuthorizationDetails document the AWS CLI reads
//! from the same endpoint, and from the inventory `yagura audit --save-inventory` keeps:
//! - every vulnerable principal has a path naming the right target (or is admin-equivalent by
//!   the self-grant the path documents, or holds the potential path), no twin has one;
//! - the three inputs give the same paths;
//! - `--exposure` reports the public instance with port 22 open whose role can pass an admin
//!   role to Lambda as one exposed path, and neither twin;
//! - the audit's AUD-05 escalation evidence equals `iam analyze`'s path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Output};
use yagura_testkit::{moto_available, repo_root, venv, Moto};

const PATHS: &str = "../shared/testdata/iam/pathfinding/data/paths";

fn yagura(endpoint: &str, dir: &Path, args: &[&str]) -> Output {
    yagura_testkit::aws_env(
        &mut Command::new(env!("CARGO_BIN_EXE_yagura")),
        endpoint,
        ("testing", "testing"),
    )
    .args(["--data-dir", dir.to_str().unwrap(), "--quiet"])
    .args(args)
    .output()
    .expect("run yagura")
}

fn json_of(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// principal ARN → (hops, path text, target, pathfinding ids along the path).
type Paths = BTreeMap<String, Vec<(u64, String, String)>>;

fn paths(report: &Value) -> Paths {
    let mut out: Paths = BTreeMap::new();
    for p in report["escalation"]["paths"].as_array().unwrap() {
        out.entry(p["principal"].as_str().unwrap().to_string())
            .or_default()
            .push((
                p["hops"].as_u64().unwrap(),
                p["path"].as_str().unwrap().to_string(),
                p["target"].as_str().unwrap_or_default().to_string(),
            ));
    }
    out
}

/// The pathfinding ids on every path of a principal (edges of its paths).
fn ids(report: &Value, principal: &str) -> BTreeSet<String> {
    let edges = report["escalation"]["edges"].as_array().unwrap();
    let mut out = BTreeSet::new();
    for p in report["escalation"]["paths"].as_array().unwrap() {
        if p["principal"] != principal {
            continue;
        }
        for e in p["edges"].as_array().unwrap() {
            for id in edges[e.as_u64().unwrap() as usize]["paths"]
                .as_array()
                .unwrap()
            {
                out.insert(id.as_str().unwrap().to_string());
            }
        }
    }
    out
}

fn result<'a>(report: &'a Value, check: &str, resource: &str) -> Option<&'a Value> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["check_id"] == check && r["resource"] == resource)
}

fn status(report: &Value, check: &str, resource: &str) -> String {
    result(report, check, resource)
        .map(|r| r["status"].as_str().unwrap().to_string())
        .unwrap_or_else(|| panic!("no {check} result for {resource}"))
}

fn run_ok(out: &Output) {
    assert!(
        matches!(out.status.code(), Some(0) | Some(1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn documented_paths_on_moto() {
    if !moto_available() {
        return;
    }
    let paths_dir = repo_root().join(PATHS);
    if !paths_dir.exists() {
        assert!(std::env::var_os("CI").is_none(), "{paths_dir:?} is missing");
        return;
    }
    let moto = Moto::start();
    let seeded = Command::new(venv().join("bin/python"))
        .arg(repo_root().join("scripts/seed_paths.py"))
        .arg(moto.endpoint())
        .arg(&paths_dir)
        .output()
        .unwrap();
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let seed: Value = serde_json::from_slice(&seeded.stdout).unwrap();
    let account = seed["account"].as_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = |name: &str| dir.path().join(name);
    let ep = moto.endpoint();

    // Live.
    run_ok(&yagura(
        &ep,
        dir.path(),
        &[
            "iam",
            "analyze",
            "-f",
            "json",
            "-o",
            d("live.json").to_str().unwrap(),
        ],
    ));
    let live = json_of(&d("live.json"));
    // The GetAccountAuthorizationDetails documents of both accounts.
    let gaad = |out: &Path, creds: Option<&Value>| {
        let mut c = Command::new(venv().join("bin/aws"));
        yagura_testkit::aws_env(&mut c, &ep, ("testing", "testing"));
        if let Some(k) = creds {
            c.env("AWS_ACCESS_KEY_ID", k["AccessKeyId"].as_str().unwrap())
                .env(
                    "AWS_SECRET_ACCESS_KEY",
                    k["SecretAccessKey"].as_str().unwrap(),
                )
                .env("AWS_SESSION_TOKEN", k["SessionToken"].as_str().unwrap());
        }
        let o = c
            .args([
                "iam",
                "get-account-authorization-details",
                "--output",
                "json",
            ])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        std::fs::write(out, &o.stdout).unwrap();
    };
    gaad(&d("a.json"), None);
    gaad(&d("b.json"), Some(&seed["other_credentials"]));
    run_ok(&yagura(
        &ep,
        dir.path(),
        &[
            "iam",
            "analyze",
            d("a.json").to_str().unwrap(),
            "-f",
            "json",
            "-o",
            d("file.json").to_str().unwrap(),
        ],
    ));
    let file = json_of(&d("file.json"));
    // The inventory the audit keeps (with the region, so instances are known).
    let out = yagura(
        &ep,
        dir.path(),
        &[
            "audit",
            "--regions",
            "us-east-1",
            "--no-store",
            "--allow-incomplete",
            "--save-inventory",
            d("inv.json").to_str().unwrap(),
            "-f",
            "json",
            "-o",
            d("audit.json").to_str().unwrap(),
        ],
    );
    assert!(
        d("inv.json").exists(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    run_ok(&yagura(
        &ep,
        dir.path(),
        &[
            "iam",
            "analyze",
            "--from-inventory",
            d("inv.json").to_str().unwrap(),
            "-f",
            "json",
            "-o",
            d("inv-report.json").to_str().unwrap(),
        ],
    ));
    let inv = json_of(&d("inv-report.json"));

    // The three inputs give the same paths and the same findings.
    let (p_live, p_file, p_inv) = (paths(&live), paths(&file), paths(&inv));
    assert!(!p_live.is_empty());
    assert_eq!(p_live, p_file, "live vs GetAccountAuthorizationDetails");
    assert_eq!(p_live, p_inv, "live vs inventory");
    let results = |r: &Value| -> BTreeSet<String> {
        r["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                format!(
                    "{} {} {} {}",
                    x["check_id"], x["resource"], x["status"], x["evidence"]
                )
            })
            .collect()
    };
    assert_eq!(
        results(&live),
        results(&file),
        "live vs GetAccountAuthorizationDetails"
    );
    assert_eq!(results(&live), results(&inv), "live vs inventory");
    // With --exposure the inventory's instances are edges too (SSM, EC2 Instance Connect…).
    run_ok(&yagura(
        &ep,
        dir.path(),
        &[
            "iam",
            "analyze",
            "--exposure",
            "--from-inventory",
            d("inv.json").to_str().unwrap(),
            "-f",
            "json",
            "-o",
            d("exp-inv.json").to_str().unwrap(),
        ],
    ));
    let exp_inv = json_of(&d("exp-inv.json"));
    let instance_ids = ["ssm-001", "ssm-002", "ec2-002", "ec2instanceconnect-003"];

    // Every vulnerable principal, every twin.
    let mut checked = 0;
    for e in seed["expect"].as_array().unwrap() {
        let principal = e["principal"].as_str().unwrap();
        // Instance paths need the instances: the inventory's report.
        let instance = instance_ids.iter().any(|id| {
            principal.ends_with(&format!("/v-{id}")) || principal.ends_with(&format!("/t-{id}"))
        });
        let report = if instance { &exp_inv } else { &live };
        let got = paths(report).get(principal).cloned().unwrap_or_default();
        let admin = status(report, "iam-principal-admin-equivalent", principal);
        match e["kind"].as_str().unwrap() {
            "path" => {
                let target = e["target"].as_str().unwrap();
                assert!(
                    got.iter().any(|(_, _, t)| t == target),
                    "{principal}: expected a path to {target}, got {got:?}"
                );
                if let Some(id) = e["path_id"].as_str() {
                    let found = ids(report, principal);
                    assert!(
                        found.contains(id),
                        "{principal}: path ids {found:?} lack {id}"
                    );
                }
                assert_eq!(
                    status(report, "iam-privilege-escalation-path", principal),
                    "FAIL",
                    "{principal}"
                );
            }
            "admin" => {
                assert_eq!(admin, "FAIL", "{principal} should be admin-equivalent");
                let r = result(report, "iam-principal-admin-equivalent", principal).unwrap();
                let pid = e["path_id"].as_str().unwrap();
                assert!(
                    r["evidence"]["pathfinding"]
                        .as_str()
                        .unwrap_or_default()
                        .contains(pid),
                    "{principal}: {r}"
                );
            }
            "potential" => {
                assert!(got.is_empty(), "{principal}: {got:?}");
                assert_eq!(
                    status(report, "iam-potential-escalation-path", principal),
                    "FAIL",
                    "{principal}"
                );
                let r = result(report, "iam-potential-escalation-path", principal).unwrap();
                let pid = e["path_id"].as_str().unwrap();
                assert!(
                    r["evidence"]["pathfinding"]
                        .as_str()
                        .unwrap_or_default()
                        .contains(pid),
                    "{principal}: {r}"
                );
            }
            "none" => {
                assert!(got.is_empty(), "twin {principal} has a path: {got:?}");
                assert_eq!(admin, "PASS", "twin {principal} is admin");
                assert_eq!(
                    status(report, "iam-privilege-escalation-path", principal),
                    "PASS",
                    "{principal}"
                );
            }
            other => panic!("unknown expectation {other}"),
        }
        checked += 1;
    }
    assert!(checked > 130, "{checked}");
    // Chains: two and three hops.
    let hops = |p: &str| paths(&live)[&format!("arn:aws:iam::{account}:user/{p}")][0].0;
    assert_eq!(hops("chain2"), 2);
    assert_eq!(hops("chain3"), 3);
    assert_eq!(hops("grouped"), 1);

    // Across two accounts: both documents in one graph.
    run_ok(&yagura(
        &ep,
        dir.path(),
        &[
            "iam",
            "analyze",
            d("a.json").to_str().unwrap(),
            d("b.json").to_str().unwrap(),
            "-f",
            "json",
            "-o",
            d("two.json").to_str().unwrap(),
        ],
    ));
    let two = json_of(&d("two.json"));
    let other = seed["other_account"].as_str().unwrap();
    let cross = paths(&two)[&format!("arn:aws:iam::{account}:user/cross-dev")].clone();
    assert_eq!(cross[0].2, format!("arn:aws:iam::{other}:role/cross-admin"));
    assert_eq!(
        cross[0].1,
        format!("{account}:user/cross-dev → sts:AssumeRole → {other}:role/cross-admin (admin)")
    );
    assert!(!paths(&two).contains_key(&format!("arn:aws:iam::{account}:user/cross-dev-twin")));

    // Exposure, from the inventory and live.
    for (name, args) in [
        (
            "exp-inv.json",
            vec![
                "iam",
                "analyze",
                "--exposure",
                "--from-inventory",
                d("inv.json").to_str().unwrap(),
            ],
        ),
        (
            "exp-live.json",
            vec!["iam", "analyze", "--exposure", "--region", "us-east-1"],
        ),
    ] {
        let mut a = args.clone();
        let o = d(name);
        a.extend(["-f", "json", "-o", o.to_str().unwrap()]);
        run_ok(&yagura(&ep, dir.path(), &a));
        let r = json_of(&o);
        let inst = |k: &str| {
            format!(
                "{account}:us-east-1:instance/{}",
                seed["instances"][k].as_str().unwrap()
            )
        };
        let check = "iam-internet-exposed-escalation-path";
        assert_eq!(status(&r, check, &inst("exposed")), "FAIL", "{name}");
        let f = result(&r, check, &inst("exposed")).unwrap();
        assert_eq!(f["severity"], "critical");
        let path = f["evidence"]["path"].as_str().unwrap();
        assert!(
            path.starts_with("internet → tcp/22 from 0.0.0.0/0"),
            "{path}"
        );
        assert!(path.ends_with("role/web-role → iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction → role/adm-lambda (admin)"), "{path}");
        assert_eq!(status(&r, check, &inst("closed_twin")), "PASS", "{name}");
        assert_eq!(status(&r, check, &inst("harmless_twin")), "PASS", "{name}");
        let failing: Vec<&Value> = r["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["check_id"] == check && x["status"] == "FAIL")
            .collect();
        assert_eq!(failing.len(), 1, "{name}: {failing:?}");
    }

    // AUD-05 in the audit: the escalation evidence is `iam analyze`'s path.
    let audit = json_of(&d("audit.json"));
    let mut compared = 0;
    for r in audit["results"].as_array().unwrap() {
        if r["check_id"] != "iam-principal-can-become-admin" || r["status"] != "FAIL" {
            continue;
        }
        let principal = r["resource"].as_str().unwrap();
        let ours = result(&inv, "iam-privilege-escalation-path", principal).unwrap();
        assert_eq!(
            r["evidence"],
            {
                let mut e = ours["evidence"].clone();
                e.as_object_mut().unwrap().remove("principal_type");
                e
            },
            "{principal}"
        );
        compared += 1;
    }
    assert!(
        compared > 40,
        "{compared} AUD-05 escalation results compared"
    );
}
