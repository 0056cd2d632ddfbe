#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The built binary on the shared test data: `host` and `db` (HOST-01…HOST-08), `report merge`
//! (HOST-07), `iam` (IAM-01…IAM-04) and `trail scan` (WATCH-03…WATCH-06).

use serde_json::Value;
use std::io::Write;
use std::path::Path;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/testdata");

use yagura_testkit::Run;

fn run(data_dir: &Path, args: &[&str]) -> Run {
    yagura_testkit::run(yagura_testkit::yagura_at(data_dir).args(args))
}

fn json(r: &Run) -> Value {
    serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", r.stdout, r.stderr))
}

fn results<'a>(v: &'a Value, check: &str) -> Vec<&'a Value> {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["check_id"] == check)
        .collect()
}

/// OSV records for Debian 12 made from the fixes listed in the shared test data.
fn write_osv_feed(dir: &Path) {
    let text = std::fs::read_to_string(format!(
        "{DATA}/host/debian/advisories/bookworm-security-changelog-fixes.tsv"
    ))
    .unwrap();
    let mut n = 0;
    for (i, line) in text.lines().enumerate() {
        let c: Vec<&str> = line.split('\t').collect();
        if c.len() < 3 {
            continue;
        }
        let rec = serde_json::json!({"id": format!("T-{i}"), "aliases": [c[2]],
            "affected": [{"package": {"ecosystem": "Debian:12", "name": c[0]},
            "ecosystem_specific": {"urgency": "high"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": c[1]}]}]}]});
        std::fs::write(dir.join(format!("{i}.json")), rec.to_string()).unwrap();
        n += 1;
    }
    assert!(n > 0);
}

fn host_json(data: &Path, root: &str) -> Run {
    let root = format!("{DATA}/host/debian/{root}");
    run(
        data,
        &[
            "host",
            "--root",
            &root,
            "--no-elf",
            "--no-runtime",
            "--format",
            "json",
        ],
    )
}

#[test]
fn host_scan_after_db_import_finds_vulnerable_packages() {
    let data = tempfile::tempdir().unwrap();
    let feeds = tempfile::tempdir().unwrap();
    let feed = feeds.path().join("debian-osv");
    std::fs::create_dir(&feed).unwrap();
    write_osv_feed(&feed);

    let r = run(data.path(), &["db", "import", feed.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("as source `debian-osv`"), "{}", r.stdout);

    let r = run(data.path(), &["db", "status", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let st = json(&r);
    assert_eq!(st["sources"][0]["name"], "debian-osv");
    assert_eq!(st["sources"][0]["age_days"], 0);
    assert!(st["advisories"].as_i64().unwrap() > 0);
    let r = run(data.path(), &["db", "status"]);
    assert!(r.stdout.contains("- debian-osv (osv):"), "{}", r.stdout);
    assert!(r.stdout.contains("debian:12:"), "{}", r.stdout);

    let r = host_json(data.path(), "bookworm-default");
    let v = json(&r);
    assert_eq!(v["scope"], "host");
    let vulns = results(&v, "host-package-vulnerable");
    assert!(!vulns.is_empty());
    assert!(vulns.iter().all(|f| f["status"] == "FAIL"), "{vulns:?}");
    assert!(vulns.iter().all(|f| f["severity"] == "high"), "{vulns:?}");
    // the catalogue knows the host checks: titles, not ids
    assert_ne!(vulns[0]["title"], "host-package-vulnerable");
    assert_eq!(v["host"]["packages"], 166);
    // high FAILs: the gate fails (1), unless the result is incomplete (2)
    let incomplete = !v["errors"].as_array().unwrap().is_empty()
        || v["summary"]["unknown"].as_u64().unwrap() > 0;
    assert_eq!(r.code, if incomplete { 2 } else { 1 }, "{}", r.stderr);
    let r2 = run(
        data.path(),
        &[
            "host",
            "--root",
            &format!("{DATA}/host/debian/bookworm-default"),
            "--no-elf",
            "--no-runtime",
            "--allow-incomplete",
            "--fail-on",
            "critical",
        ],
    );
    assert_eq!(r2.code, 0, "{}", r2.stderr);
    assert!(r2.stdout.contains("host-package-vulnerable") || r2.stdout.contains("vulnerab"));

    // `yagura rule` explains a host check
    let r = run(data.path(), &["rule", "host-package-vulnerable"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn report_merge_of_hosts_with_a_corrupt_report() {
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.json");
    let b = dir.path().join("b.json");
    let bad = dir.path().join("bad.json");
    let ra = host_json(data.path(), "bookworm-default");
    let rb = host_json(data.path(), "bookworm-minbase");
    std::fs::write(&a, &ra.stdout).unwrap();
    std::fs::write(&b, &rb.stdout).unwrap();
    std::fs::write(
        &bad,
        "{\"schema_version\": 1,\n  \"results\": [\n    {\"check_id\": 3",
    )
    .unwrap();
    let na = json(&ra)["results"].as_array().unwrap().len();
    let nb = json(&rb)["results"].as_array().unwrap().len();

    let r = run(
        data.path(),
        &[
            "report",
            "merge",
            a.to_str().unwrap(),
            bad.to_str().unwrap(),
            b.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let v = json(&r);
    assert_eq!(v["results"].as_array().unwrap().len(), na + nb);
    assert_eq!(v["scope"], "host");
    let line = r
        .stderr
        .lines()
        .find(|l| l.contains("bad.json") && l.starts_with("error:"))
        .unwrap_or_else(|| panic!("{}", r.stderr));
    assert!(line.contains("line 3"), "{line}");
    assert!(
        r.stderr.contains("1 report(s) could not be merged"),
        "{}",
        r.stderr
    );

    // the same report twice does not count twice; text output works
    let r = run(
        data.path(),
        &[
            "report",
            "merge",
            a.to_str().unwrap(),
            a.to_str().unwrap(),
            "--allow-incomplete",
        ],
    );
    assert_ne!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("given more than once"), "{}", r.stderr);
    assert!(r.stderr.contains("from 1 of 1 report(s)"), "{}", r.stderr);
}

#[test]
fn iam_simulate_analyze_validate_bastion() {
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases.json");
    std::fs::write(
        &cases,
        r#"[{"request": {"principal": "arn:aws:iam::111122223333:user/alice",
              "action": "s3:GetObject", "resource": "arn:aws:s3:::bucket/key"},
            "identity_policies": [{"Version": "2012-10-17", "Statement":
              [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}]},
           {"request": {"principal": "arn:aws:iam::111122223333:user/alice",
              "action": "s3:DeleteObject", "resource": "arn:aws:s3:::bucket/key"},
            "identity_policies": [{"Version": "2012-10-17", "Statement":
              [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}]}]"#,
    )
    .unwrap();
    let r = run(data.path(), &["iam", "simulate", cases.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = json(&r);
    assert_eq!(v[0]["decision"], "Allow");
    assert_eq!(v[1]["decision"], "ImplicitDeny");

    // an error names the file and position
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"request\": {\"principal\": 3}}").unwrap();
    let r = run(data.path(), &["iam", "simulate", broken.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("broken.json:1:"), "{}", r.stderr);

    let auth = dir.path().join("auth.json");
    std::fs::write(
        &auth,
        r#"{"UserDetailList": [{"UserName": "admin", "UserId": "AIDAEXAMPLE",
             "Arn": "arn:aws:iam::111122223333:user/admin", "Path": "/",
             "GroupList": [], "AttachedManagedPolicies": [],
             "UserPolicyList": [{"PolicyName": "everything", "PolicyDocument":
               {"Version": "2012-10-17", "Statement":
                 [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}]}],
           "GroupDetailList": [], "RoleDetailList": [], "Policies": []}"#,
    )
    .unwrap();
    let r = run(
        data.path(),
        &["iam", "analyze", auth.to_str().unwrap(), "--format", "json"],
    );
    let v = json(&r);
    assert_eq!(v["scope"], "iam");
    let fails: Vec<&Value> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "FAIL")
        .collect();
    assert!(!fails.is_empty(), "{}", r.stdout);
    assert!(
        fails
            .iter()
            .any(|f| f["resource"].as_str().unwrap().contains("user/admin")),
        "{fails:?}"
    );
    assert_eq!(r.code, 1, "{}", r.stderr);

    let pol = dir.path().join("policy.json");
    std::fs::write(
        &pol,
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:GetObjekt\", \"Resource\": \"*\"}\n  ]\n}\n",
    )
    .unwrap();
    let r = run(data.path(), &["iam", "validate", pol.to_str().unwrap()]);
    assert!(
        r.stdout.contains("policy.json:4:"),
        "{}{}",
        r.stdout,
        r.stderr
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);

    let r = run(
        data.path(),
        &[
            "iam",
            "bastion",
            "plan",
            "--identity-account",
            "111111111111",
            "--resource-account",
            "222222222222,333333333333",
            "--role-name",
            "Ops",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = json(&r);
    assert_eq!(v["trust_policies"].as_object().unwrap().len(), 2);
    assert!(r.stdout.contains("arn:aws:iam::222222222222:role/Ops"));
    let r = run(
        data.path(),
        &[
            "iam",
            "bastion",
            "plan",
            "--identity-account",
            "1111",
            "--resource-account",
            "222222222222",
        ],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("`1111` is not a 12-digit AWS account id"));
}

/// `iam analyze --explain` over the demo inventory: the edges out of a self-granting role, in
/// English and in Japanese (its explain builder once asked capabilities it had not computed).
#[test]
fn iam_analyze_explains_a_principal() {
    let data = tempfile::tempdir().unwrap();
    let inv = concat!(env!("CARGO_MANIFEST_DIR"), "/demo/inventory.json");
    let args = [
        "iam",
        "analyze",
        "--from-inventory",
        inv,
        "--explain",
        "role/ci-admin",
    ];
    let ja = yagura_testkit::run(
        yagura_testkit::yagura_cmd()
            .arg("--data-dir")
            .arg(data.path())
            .args(["--lang", "ja"])
            .args(args),
    );
    for (r, wanted) in [
        (
            run(data.path(), &args),
            "admin-equivalent: it may call `iam:PutRolePolicy` on itself",
        ),
        (ja, "管理者相当です: 自身に `iam:PutRolePolicy` を実行でき"),
    ] {
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.contains(wanted), "{}", r.stdout);
    }
}

/// `iam analyze --exposure` in Japanese: the entry and the path of an exposed instance are
/// Japanese too (not the English path spliced into the Japanese template).
#[test]
fn iam_exposure_in_japanese() {
    let data = tempfile::tempdir().unwrap();
    let inv = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../yagura-iam/tests/fixtures/checks/iam-internet-exposed-escalation-path/fail.json"
    );
    let r = yagura_testkit::run(
        yagura_testkit::yagura_cmd()
            .arg("--data-dir")
            .arg(data.path())
            .args([
                "--lang",
                "ja",
                "iam",
                "analyze",
                "--exposure",
                "--from-inventory",
                inv,
            ]),
    );
    assert!(
        r.stdout.contains("(0.0.0.0/0 から tcp/22 (sg-0web)) で、管理者に到達できるロール `web` で動いています: インターネット → 0.0.0.0/0 から tcp/22 (sg-0web) → インスタンス i-0web → role/web"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("role/lambda-admin(管理者)"),
        "{}",
        r.stdout
    );
}

#[test]
fn trail_scan_with_sigma_rules() {
    let data = tempfile::tempdir().unwrap();
    let logs = format!("{DATA}/cloudtrail/invictus/CloudTrail");
    let rules = format!("{DATA}/cloudtrail/sigma/rules");
    let r = run(
        data.path(),
        &[
            "trail", "scan", &logs, "--sigma", &rules, "--format", "json",
        ],
    );
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("57 rule(s) and 0 correlation(s) loaded"),
        "{}",
        r.stderr
    );
    let v = json(&r);
    assert_eq!(v["scope"], "trail");
    assert_eq!(v["trail"]["sigma"]["loaded"], 57);
    assert!(v["trail"]["events"].as_u64().unwrap() > 0);
    let det = v["detections"].as_array().unwrap();
    assert!(!det.is_empty());
    assert!(det.iter().any(|d| d["kind"] == "sigma"));
    assert!(det.iter().any(|d| d["kind"] != "sigma"));
    // every detection is a FAIL finding too
    assert_eq!(v["results"].as_array().unwrap().len(), det.len());
    assert!(v["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["status"] == "FAIL"));
}

#[test]
fn trail_scan_reports_truncated_gzip_and_continues() {
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let src = std::fs::read(format!(
        "{DATA}/cloudtrail/invictus/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1220Z_WMiHxZgr5Hdd6UDc.json"
    ))
    .unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&src).unwrap();
    let gz = gz.finish().unwrap();
    std::fs::write(dir.path().join("good.json.gz"), &gz).unwrap();
    std::fs::write(dir.path().join("cut.json.gz"), &gz[..gz.len() / 2]).unwrap();
    let r = run(
        data.path(),
        &[
            "trail",
            "scan",
            dir.path().to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let line = r
        .stderr
        .lines()
        .find(|l| l.contains("cut.json.gz"))
        .unwrap_or_else(|| panic!("{}", r.stderr));
    assert!(line.starts_with("error:"), "{line}");
    assert!(line.contains("record ") && line.contains("byte "), "{line}");
    let v = json(&r);
    assert!(v["trail"]["events"].as_u64().unwrap() > 0);
    assert_eq!(v["errors"].as_array().unwrap().len(), 1, "{}", r.stderr);
    let r = run(
        data.path(),
        &[
            "trail",
            "scan",
            dir.path().to_str().unwrap(),
            "--allow-incomplete",
        ],
    );
    assert_ne!(r.code, 2, "{}", r.stderr);
}
