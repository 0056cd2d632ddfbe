//! `yagura audit --send-to-security-hub` against moto_server (PyPI `moto[server]`), whose
//! Security Hub keeps imported findings and updates one whose `Id` it already holds — as
//! Security Hub does. (moto does not enforce the 100-findings limit of a call; the batching is
//! the unit test of `yagura-collect`'s `securityhub_import`.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use yagura_testkit::{moto_available, Moto};

/// 120 users with an access key each: more findings than one call takes.
const SEED: &str = r#"
import sys, boto3
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1")
for n in range(120):
    iam.create_user(UserName=f"user-{n:03}")
    iam.create_access_key(UserName=f"user-{n:03}")
"#;

/// Every finding moto's Security Hub holds: Id → (compliance status, workflow status).
const FINDINGS: &str = r#"
import json, sys, boto3
sh = boto3.client("securityhub", endpoint_url=sys.argv[1], region_name="us-east-1")
out, token = {}, None
while True:
    page = sh.get_findings(MaxResults=100, **({"NextToken": token} if token else {}))
    for f in page["Findings"]:
        out[f["Id"]] = [f["Compliance"]["Status"], f["Workflow"]["Status"], f["AwsAccountId"]]
    token = page.get("NextToken")
    if not token:
        break
print(json.dumps(out))
"#;

fn audit(moto: &Moto, dir: &Path, report: &Path) -> (i32, String, Value) {
    let out = yagura_testkit::aws_env(
        &mut yagura_testkit::yagura_at(dir),
        &moto.endpoint(),
        ("testing", "testing"),
    )
    .args(["audit", "--regions", "us-east-1", "--services", "iam"])
    .args(["--send-to-security-hub", "--no-store", "--allow-incomplete"])
    .args(["-f", "json", "-o"])
    .arg(report)
    .output()
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let v: Value = serde_json::from_slice(&std::fs::read(report).unwrap_or_default())
        .unwrap_or_else(|_| panic!("no report: {stderr}"));
    (out.status.code().unwrap_or(-1), stderr, v)
}

fn held(moto: &Moto) -> BTreeMap<String, Vec<String>> {
    serde_json::from_value(moto.python(FINDINGS)).unwrap()
}

#[test]
fn findings_are_imported_in_batches_and_updated_not_duplicated_on_the_next_run() {
    if !moto_available() {
        return;
    }
    let moto = Moto::start();
    moto.python(SEED);
    let dir = tempfile::tempdir().unwrap();
    let (code, stderr, report) = audit(&moto, dir.path(), &dir.path().join("one.json"));
    let results = report["results"].as_array().unwrap().len();
    assert!(results > 240, "{results} results: {stderr}");
    assert!(code <= 1, "exit {code}: {stderr}");
    assert!(
        stderr.contains(&format!(
            "Security Hub: imported {results} of {results} finding(s) into 1 account/region(s)"
        )),
        "{stderr}"
    );
    let first = held(&moto);
    assert_eq!(first.len(), results, "one Security Hub finding per result");
    let user_007 = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["check_id"] == "iam-user-has-access-key"
                && r["resource"].as_str().unwrap().ends_with("user/user-007")
        })
        .unwrap();
    assert_eq!(user_007["status"], "FAIL");
    let failed_before = first.values().filter(|v| v[0] == "FAILED").count();

    // user-007's key is deleted: the next run updates its finding to PASSED / RESOLVED.
    moto.python(
        r#"
import sys, boto3
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1")
for k in iam.list_access_keys(UserName="user-007")["AccessKeyMetadata"]:
    iam.delete_access_key(UserName="user-007", AccessKeyId=k["AccessKeyId"])
"#,
    );
    let (_, stderr, _) = audit(&moto, dir.path(), &dir.path().join("two.json"));
    let second = held(&moto);
    assert_eq!(
        second.keys().collect::<Vec<_>>(),
        first.keys().collect::<Vec<_>>(),
        "the same findings, updated: {stderr}"
    );
    let changed: Vec<(&String, &Vec<String>)> = second
        .iter()
        .filter(|(id, v)| first.get(*id) != Some(*v))
        .collect();
    assert!(
        changed
            .iter()
            .any(|(id, v)| id.contains("iam-user-has-access-key")
                && v[0] == "PASSED"
                && v[1] == "RESOLVED"),
        "{changed:?}"
    );
    assert_eq!(
        second.values().filter(|v| v[0] == "FAILED").count(),
        failed_before - changed.iter().filter(|(_, v)| v[0] == "PASSED").count()
    );
}

#[test]
fn an_unreachable_security_hub_is_an_error() {
    if !moto_available() {
        return;
    }
    // A closed port: nothing can be imported (nor collected); the run says so and exits 2.
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.json");
    let out = yagura_testkit::aws_env(
        &mut yagura_testkit::yagura_at(dir.path()),
        &format!("http://127.0.0.1:{}", yagura_testkit::sinks::closed_port()),
        ("testing", "testing"),
    )
    .args(["audit", "--regions", "us-east-1", "--services", "iam"])
    .args(["--send-to-security-hub", "--no-store", "--allow-incomplete"])
    .args(["--max-attempts", "1", "-f", "json", "-o"])
    .arg(&report)
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
