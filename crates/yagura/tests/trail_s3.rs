//! `yagura trail scan s3://…` and `yagura trail watch` against moto (WATCH-03): the real
//! invictus and stratus CloudTrail files in the real key layout (several accounts, regions and
//! days, some gzip), a run killed with SIGKILL midway and restarted reads every event exactly
//! once and finds the same detections as one uninterrupted run, including a takeover sequence
//! whose steps lie on both sides of the kill; new objects are picked up by the next run and by
//! `trail watch`; a truncated gzip object is reported with its key and position.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use yagura_store::Store;
use yagura_testkit::{moto_available, Moto};

const BUCKET: &str = "trail-logs";
const SOURCE: &str = "s3://trail-logs/AWSLogs/";

use yagura_testkit::{cloudtrail_testdata as testdata, gzip};

/// One object to upload.
struct Obj {
    key: String,
    body: Vec<u8>,
    /// Records in it (None for the damaged object).
    records: Option<usize>,
}

fn records_of(text: &[u8]) -> usize {
    let v: Value = serde_json::from_slice(text).unwrap();
    match v {
        Value::Array(a) => a.len(),
        v => v["Records"].as_array().unwrap().len(),
    }
}

/// Uploads objects with boto3 (the same client family as the AWS CLI).
fn upload(moto: &Moto, objs: &[Obj]) {
    let pairs: Vec<(String, Vec<u8>)> = objs
        .iter()
        .map(|o| (o.key.clone(), o.body.clone()))
        .collect();
    yagura_testkit::put_objects(&moto.endpoint(), BUCKET, &pairs);
}

/// The real files in the CloudTrail key layout: invictus under its own account (us-east-1,
/// 2023-07-10, every third file gzip), stratus spread over another account's two regions and
/// five days (every other file gzip), the two edited takeover steps at the end of the invictus
/// stream, and one truncated gzip object.
fn objects() -> Vec<Obj> {
    let mut out = Vec::new();
    let inv = testdata().join("invictus/CloudTrail");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&inv)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    for (i, f) in files.iter().enumerate() {
        let text = std::fs::read(f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let key = format!("AWSLogs/218007301253/CloudTrail/us-east-1/2023/07/10/{name}");
        let records = Some(records_of(&text));
        if i % 3 == 0 {
            out.push(Obj {
                key: format!("{key}.gz"),
                body: gzip(&text),
                records,
            });
        } else {
            out.push(Obj {
                key,
                body: text,
                records,
            });
        }
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(testdata().join("stratus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    for (i, f) in files.iter().enumerate() {
        let text = std::fs::read(f).unwrap();
        let region = ["eu-west-1", "ap-northeast-1"][i % 2];
        let day = 1 + i % 5;
        let key = format!(
            "AWSLogs/111122223333/CloudTrail/{region}/2024/08/0{day}/111122223333_CloudTrail_{region}_2024080{day}T{:02}{:02}Z_s{i:02}.json",
            i % 24,
            (i * 7) % 60
        );
        let records = Some(records_of(&text));
        if i % 2 == 0 {
            out.push(Obj {
                key: format!("{key}.gz"),
                body: gzip(&text),
                records,
            });
        } else {
            out.push(Obj {
                key,
                body: text,
                records,
            });
        }
    }
    for (i, step) in takeover_tail().into_iter().enumerate() {
        let text = serde_json::to_vec(&json!({ "Records": [step] })).unwrap();
        out.push(Obj {
            key: format!(
                "AWSLogs/218007301253/CloudTrail/us-east-1/2023/07/10/218007301253_CloudTrail_us-east-1_20230710T235{i}Z_step{i}.json"
            ),
            records: Some(1),
            body: text,
        });
    }
    // a gzip object cut in half: its complete records are read, the rest is an error
    let text = std::fs::read(&files[3]).unwrap();
    let gz = gzip(&text);
    out.push(Obj {
        key: "AWSLogs/111122223333/CloudTrail/eu-west-1/2024/08/05/111122223333_CloudTrail_eu-west-1_20240805T2300Z_cut.json.gz".to_string(),
        body: gz[..gz.len() / 2].to_vec(),
        records: None,
    });
    out
}

/// Every record of the invictus and stratus files.
fn real_records() -> Vec<Value> {
    let mut out = Vec::new();
    for dir in ["invictus/CloudTrail", "stratus"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(testdata().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        for f in files {
            let v: Value = serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap();
            match v {
                Value::Array(a) => out.extend(a),
                v => out.extend(v["Records"].as_array().unwrap().iter().cloned()),
            }
        }
    }
    out
}

/// The last two steps of the takeover of `crates/yagura-trail/tests/native.rs` (its first
/// three steps are unedited invictus events): the new admin user deletes `alice` and launches
/// ten p2.xlarge.
fn takeover_tail() -> Vec<Value> {
    let all = real_records();
    let find = |f: &dyn Fn(&Value) -> bool| all.iter().find(|r| f(r)).cloned().unwrap();
    let new_user = json!({"type": "IAMUser", "principalId": "AIDAEXAMPLEMALICIOUS", "arn": "arn:aws:iam::123837392027:user/malicious-iam-user", "accountId": "123837392027", "accessKeyId": concat!("AKIA", "EXAMPLENEWKEY001"), "userName": "malicious-iam-user"});
    let mut delete = find(&|r| r["eventName"] == "DeleteUser" && r.get("errorCode").is_none());
    delete["userIdentity"] = new_user.clone();
    delete["requestParameters"]["userName"] = json!("alice");
    delete["eventTime"] = json!("2023-07-10T12:31:00Z");
    delete["eventID"] = json!("00000000-0000-0000-0000-0000000000d1");
    let mut launch = find(&|r| {
        r["eventName"] == "RunInstances" && r["requestParameters"]["instanceType"] == "p2.xlarge"
    });
    launch.as_object_mut().unwrap().remove("errorCode");
    launch.as_object_mut().unwrap().remove("errorMessage");
    launch["userIdentity"] = new_user;
    launch["sourceIPAddress"] = json!("192.168.10.20");
    launch["eventTime"] = json!("2023-07-10T12:40:00Z");
    launch["eventID"] = json!("00000000-0000-0000-0000-0000000000e1");
    vec![delete, launch]
}

fn yagura(data: &Path, args: &[&str], env: &[(&str, &str)], moto: &Moto) -> Command {
    yagura_testkit::yagura_against(&moto.endpoint(), data, args, env)
}

fn scan_args() -> Vec<String> {
    let rules = testdata().join("sigma/rules");
    vec![
        "trail".into(),
        "scan".into(),
        SOURCE.into(),
        "--sigma".into(),
        rules.display().to_string(),
        "--format".into(),
        "json".into(),
        "--allow-incomplete".into(),
        "--fail-on".into(),
        "critical".into(),
    ]
}

fn run_scan(data: &Path, moto: &Moto) -> (Value, String) {
    let args = scan_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out: Output = yagura(data, &args, &[], moto).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "exit {:?}: {stderr}",
        out.status.code()
    );
    (serde_json::from_slice(&out.stdout).unwrap(), stderr)
}

fn store(data: &Path) -> Store {
    Store::open(&Store::path_in(data)).unwrap()
}

/// (key → events) of the committed objects.
fn objects_in(data: &Path) -> BTreeMap<String, (u64, u64)> {
    let objs = store(data).trail_objects(SOURCE).unwrap();
    let mut out = BTreeMap::new();
    for o in objs {
        assert!(
            out.insert(o.key.clone(), (o.events, o.errors)).is_none(),
            "{} twice",
            o.key
        );
    }
    out
}

/// (fingerprint → (detection id, multi-event)) of the stored detections.
fn detections_in(data: &Path) -> BTreeMap<String, (String, bool)> {
    let ds = store(data).trail_detections(SOURCE).unwrap();
    let n = ds.len();
    let map: BTreeMap<String, (String, bool)> = ds
        .into_iter()
        .map(|d| (d.fingerprint, (d.detection_id, d.object_key.is_none())))
        .collect();
    assert_eq!(map.len(), n, "a fingerprint stored twice");
    map
}

fn event_keys(v: &Value, id: &str) -> Vec<String> {
    v["detections"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["id"] == id)
        .flat_map(|d| d["events"].as_array().unwrap().clone())
        .map(|e| e["key"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The object keys of the events of the attack-sequence alert that lists `event_id` (the chains
/// of the real detonations alert too; this one holds the edited takeover tail).
fn chain_keys(v: &Value, event_id: &str) -> Vec<String> {
    v["detections"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            d["id"] == "account-takeover-sequence"
                && d["events"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| e["eventID"] == event_id)
        })
        .flat_map(|d| d["events"].as_array().unwrap().clone())
        .map(|e| e["key"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The event id of the takeover tail's launch (see [`takeover_tail`]).
const TAIL_LAUNCH: &str = "00000000-0000-0000-0000-0000000000e1";

#[test]
fn s3_scan_is_exactly_once_across_a_sigkill_and_follows_new_objects() {
    if !moto_available() {
        return;
    }
    let moto = Moto::start();
    let objs = objects();
    upload(&moto, &objs);
    let expected_events: u64 = objs.iter().filter_map(|o| o.records).sum::<usize>() as u64;

    // one uninterrupted run
    let a = tempfile::tempdir().unwrap();
    let (report_a, stderr_a) = run_scan(a.path(), &moto);
    let objects_a = objects_in(a.path());
    assert_eq!(objects_a.len(), objs.len(), "{stderr_a}");
    let cut = objs.last().unwrap();
    assert!(
        stderr_a.contains(&cut.key) && stderr_a.contains("gzip stream is truncated"),
        "the truncated object is named with its position: {stderr_a}"
    );
    assert!(stderr_a.contains("record "), "{stderr_a}");
    let (cut_events, cut_errors) = objects_a[&cut.key];
    assert!(
        cut_events > 0 && cut_errors == 1,
        "{cut_events} {cut_errors}"
    );
    for o in &objs {
        if let Some(n) = o.records {
            assert_eq!(objects_a[&o.key], (n as u64, 0), "{}", o.key);
        }
    }
    let total_a: u64 = objects_a.values().map(|(e, _)| e).sum();
    assert_eq!(total_a, expected_events + cut_events);
    assert_eq!(report_a["trail"]["events"], json!(total_a));
    let takeover = chain_keys(&report_a, TAIL_LAUNCH);
    assert!(!takeover.is_empty(), "the takeover fires in one run");
    let chains_a = event_keys(&report_a, "account-takeover-sequence").len();
    let detections_a = detections_in(a.path());
    assert_eq!(
        report_a["detections"].as_array().unwrap().len(),
        detections_a.len(),
        "a first run reports every stored detection"
    );

    // the object holding the takeover's first step, and its last step
    let create_key = takeover[0].clone();
    let last_key = takeover.iter().max().unwrap().clone();
    assert!(create_key < last_key);

    // a run killed (SIGKILL) once the takeover's first step is committed, then restarted
    let b = tempfile::tempdir().unwrap();
    let args = scan_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut child = yagura(
        b.path(),
        &args,
        &[("YAGURA_TEST_OBJECT_DELAY_MS", "150")],
        &moto,
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    let before_kill = loop {
        assert!(Instant::now() < deadline, "no progress in the store");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before it was killed"
        );
        if b.path().join("yagura.sqlite3").exists() {
            let done = objects_in(b.path());
            if done.contains_key(&create_key) {
                break done;
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let at_kill = objects_in(b.path());
    assert!(at_kill.len() >= before_kill.len());
    assert!(
        !at_kill.contains_key(&last_key),
        "killed before the takeover's last step"
    );
    assert!(at_kill.len() < objs.len());
    assert!(store(b.path()).trail_state(SOURCE).unwrap().is_some());
    let (report_b, stderr_b) = run_scan(b.path(), &moto);
    let objects_b = objects_in(b.path());
    assert_eq!(objects_b, objects_a, "{stderr_b}");
    let total_b: u64 = objects_b.values().map(|(e, _)| e).sum();
    assert_eq!(total_b, total_a, "every event exactly once");
    // the restart read only what the killed run had not committed
    assert_eq!(
        report_b["trail"]["objects"],
        json!(objs.len() - at_kill.len())
    );
    assert_eq!(
        report_b["trail"]["events"],
        json!(total_a - at_kill.values().map(|(e, _)| e).sum::<u64>())
    );
    let detections_b = detections_in(b.path());
    assert_eq!(detections_b, detections_a, "same detections as one run");
    let multi: Vec<&String> = detections_b
        .iter()
        .filter(|(_, (_, m))| *m)
        .map(|(_, (id, _))| id)
        .collect();
    // each chain once (the takeover and the chains of the real detonations)
    let chains: Vec<&&String> = multi
        .iter()
        .filter(|id| id.as_str() == "account-takeover-sequence")
        .collect();
    assert_eq!(
        chains.len(),
        detections_a
            .values()
            .filter(|(id, m)| *m && id == "account-takeover-sequence")
            .count(),
        "{multi:?}"
    );
    assert!(chains_a > 0);
    // the takeover spans the kill: reported by the restart, its first step read before it
    assert_eq!(chain_keys(&report_b, TAIL_LAUNCH).len(), takeover.len());

    // nothing new: a third run reads nothing and reports nothing
    let (report_c, _) = run_scan(b.path(), &moto);
    assert_eq!(report_c["trail"]["objects"], json!(0));
    assert_eq!(report_c["detections"], json!([]));

    // new objects: a later day of the invictus stream and a new region
    let root = real_records()
        .into_iter()
        .find(|r| r["eventName"] == "CreateUser" && r.get("errorCode").is_none())
        .map(|mut r| {
            r["eventID"] = json!("00000000-0000-0000-0000-0000000000f1");
            r["eventTime"] = json!("2023-07-11T08:00:00Z");
            r
        });
    let later = Obj {
        key: "AWSLogs/218007301253/CloudTrail/us-east-1/2023/07/11/218007301253_CloudTrail_us-east-1_20230711T0800Z_new.json.gz".into(),
        body: gzip(&serde_json::to_vec(&json!({"Records": [root.clone().unwrap()]})).unwrap()),
        records: Some(1),
    };
    upload(&moto, std::slice::from_ref(&later));
    let (report_d, _) = run_scan(b.path(), &moto);
    assert_eq!(report_d["trail"]["objects"], json!(1));
    assert_eq!(report_d["trail"]["events"], json!(1));
    let ids: Vec<&str> = report_d["detections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"iam-user-created"), "{ids:?}");

    // trail watch: the first poll reads the new region, the second the object uploaded between
    let mut newer = Obj {
        key: "AWSLogs/218007301253/CloudTrail/eu-central-1/2023/07/12/218007301253_CloudTrail_eu-central-1_20230712T0900Z_w1.json".into(),
        body: Vec::new(),
        records: Some(1),
    };
    let mut r = root.clone().unwrap();
    r["eventID"] = json!("00000000-0000-0000-0000-0000000000f2");
    newer.body = serde_json::to_vec(&json!({"Records": [r]})).unwrap();
    upload(&moto, std::slice::from_ref(&newer));
    let rules = testdata().join("sigma/rules");
    let rules = rules.display().to_string();
    let child = yagura(
        b.path(),
        &[
            "trail",
            "watch",
            SOURCE,
            "--sigma",
            &rules,
            "--interval",
            "4s",
            "--max-polls",
            "2",
            "--format",
            "json",
            "--allow-incomplete",
        ],
        &[],
        &moto,
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !objects_in(b.path()).contains_key(&newer.key) {
        assert!(Instant::now() < deadline, "the first poll did not run");
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut r = root.unwrap();
    r["eventID"] = json!("00000000-0000-0000-0000-0000000000f3");
    let last = Obj {
        key: "AWSLogs/218007301253/CloudTrail/eu-central-1/2023/07/12/218007301253_CloudTrail_eu-central-1_20230712T0905Z_w2.json".into(),
        body: serde_json::to_vec(&json!({"Records": [r]})).unwrap(),
        records: Some(1),
    };
    upload(&moto, std::slice::from_ref(&last));
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() || out.status.code() == Some(1),
        "{stderr}"
    );
    let reports: Vec<Value> = serde_json::Deserializer::from_slice(&out.stdout)
        .into_iter::<Value>()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        reports.len(),
        2,
        "one report per poll with detections: {stderr}"
    );
    let keys: BTreeSet<String> = reports
        .iter()
        .flat_map(|r| event_keys(r, "iam-user-created"))
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from([newer.key.clone(), last.key.clone()]),
        "{stderr}"
    );
    assert!(objects_in(b.path()).contains_key(&last.key));
}
