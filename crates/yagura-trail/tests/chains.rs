#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! WATCH-05: attack sequences built from real events of invictus/ and stratus/ (re-stamped in
//! time and linked by principal, key or address): each chain gives exactly one critical alert
//! listing its events; single stages, the same steps by unrelated principals and an MFA
//! administrator's routine change give none.

use serde_json::{json, Value};
use yagura_trail::{read::list_files, scan, Detection, Event, Options};

const ALERT: &str = "account-takeover-sequence";

fn testdata() -> std::path::PathBuf {
    std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/testdata/cloudtrail"
    ))
    .into()
}

fn all_records() -> &'static [Value] {
    static ALL: std::sync::OnceLock<Vec<Value>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let mut out = vec![];
        for dir in ["invictus", "stratus"] {
            for f in list_files(&testdata().join(dir)).0 {
                let data: Value = serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap();
                match data {
                    Value::Array(a) => out.extend(a),
                    v => out.extend(v["Records"].as_array().unwrap().clone()),
                }
            }
        }
        out
    })
}

fn real(pred: impl Fn(&Value) -> bool) -> Value {
    all_records()
        .iter()
        .find(|r| pred(r))
        .cloned()
        .expect("a real event")
}

fn named_ok(name: &str) -> Value {
    real(|r| r["eventName"] == name && r.get("errorCode").is_none_or(Value::is_null))
}

/// A real event re-stamped: minute `m` after 2024-03-01T10:00Z, a fresh id, done by `who`
/// from `ip`, succeeded.
fn at(mut v: Value, m: u32, who: &Value, ip: &str) -> Value {
    v["eventTime"] = json!(format!("2024-03-01T{:02}:{:02}:00Z", 10 + m / 60, m % 60));
    v["eventID"] = json!(format!("00000000-0000-4000-8000-{:012}", m));
    v["userIdentity"] = who.clone();
    v["sourceIPAddress"] = json!(ip);
    v["recipientAccountId"] = json!("111122223333");
    let o = v.as_object_mut().unwrap();
    o.remove("errorCode");
    o.remove("errorMessage");
    v
}

fn user(name: &str, key: &str) -> Value {
    json!({"type": "IAMUser", "principalId": format!("AIDA{name}"), "arn": format!("arn:aws:iam::111122223333:user/{name}"),
        "accountId": "111122223333", "accessKeyId": key, "userName": name})
}

fn root() -> Value {
    json!({"type": "Root", "principalId": "111122223333", "arn": "arn:aws:iam::111122223333:root", "accountId": "111122223333"})
}

fn session(name: &str, key: &str) -> Value {
    json!({"type": "IAMUser", "principalId": format!("AIDA{name}"), "arn": format!("arn:aws:iam::111122223333:user/{name}"),
        "accountId": "111122223333", "accessKeyId": key, "userName": name,
        "sessionContext": {"attributes": {"creationDate": "2024-03-01T09:59:00Z", "mfaAuthenticated": "true"}}})
}

fn leaked_key() -> String {
    concat!("AKIA", "EXAMPLELEAKED001").to_string()
}

fn launch() -> Value {
    let mut v = real(|r| {
        r["eventName"] == "RunInstances" && r["requestParameters"]["instanceType"] == "p2.xlarge"
    });
    v["responseElements"] = Value::Null;
    v
}

fn run(events: &[Value]) -> Vec<Detection> {
    let items = events
        .iter()
        .map(|v| Ok(Event::parse(v.to_string()).unwrap()));
    scan(items, None, &Options::default()).detections
}

fn alerts(events: &[Value]) -> Vec<Detection> {
    run(events).into_iter().filter(|d| d.id == ALERT).collect()
}

/// Seed 004: a leaked long-term key creates an admin user with a key, the new user removes a
/// legitimate user and launches ten GPU instances.
fn seed_004() -> Vec<Value> {
    let k = leaked_key();
    let attacker = user("ci-deploy", &k);
    let ip = "198.51.100.7";
    let mut create = at(named_ok("CreateUser"), 0, &attacker, ip);
    create["requestParameters"] = json!({"userName": "backup-admin"});
    let mut attach = at(
        real(|r| {
            r["eventName"] == "AttachUserPolicy"
                && r["requestParameters"]["policyArn"]
                    .as_str()
                    .is_some_and(|a| a.ends_with("/AdministratorAccess"))
        }),
        1,
        &attacker,
        ip,
    );
    attach["requestParameters"]["userName"] = json!("backup-admin");
    let mut key = at(named_ok("CreateAccessKey"), 2, &attacker, ip);
    key["requestParameters"] = json!({"userName": "backup-admin"});
    key["responseElements"]["accessKey"]["accessKeyId"] =
        json!(concat!("AKIA", "EXAMPLENEWKEY001"));
    key["responseElements"]["accessKey"]["userName"] = json!("backup-admin");
    let new_user = user("backup-admin", concat!("AKIA", "EXAMPLENEWKEY001"));
    let mut delete = at(named_ok("DeleteUser"), 30, &new_user, ip);
    delete["requestParameters"] = json!({"userName": "alice"});
    let run = at(launch(), 40, &new_user, ip);
    vec![create, attach, key, delete, run]
}

/// A root console sign-in without MFA, CloudTrail stopped, GPU instances launched.
fn root_takeover() -> Vec<Value> {
    let ip = "203.0.113.50";
    let mut login = at(
        real(|r| r["eventName"] == "ConsoleLogin" && r["additionalEventData"]["MFAUsed"] == "No"),
        0,
        &root(),
        ip,
    );
    login["userIdentity"] = root();
    let console = json!({"type": "Root", "principalId": "111122223333", "arn": "arn:aws:iam::111122223333:root",
        "accountId": "111122223333", "accessKeyId": concat!("ASIA", "EXAMPLEROOTSESS1")});
    let stop = at(named_ok("StopLogging"), 5, &console, ip);
    let run = at(launch(), 9, &console, ip);
    vec![login, stop, run]
}

/// The chain split: the leaked key creates a user and a key for it; that key, from another
/// address, stops CloudTrail and launches instances.
fn split_chain() -> Vec<Value> {
    let k = leaked_key();
    let attacker = user("ci-deploy", &k);
    let mut create = at(named_ok("CreateUser"), 0, &attacker, "198.51.100.7");
    create["requestParameters"] = json!({"userName": "svc-backup"});
    let mut key = at(named_ok("CreateAccessKey"), 1, &attacker, "198.51.100.7");
    key["requestParameters"] = json!({"userName": "svc-backup"});
    let new_key = concat!("AKIA", "EXAMPLESPLITKEY1");
    key["responseElements"]["accessKey"]["accessKeyId"] = json!(new_key);
    // the new key's calls name another ARN form than the creator knew: linked by the key
    let mut as_new = user("svc-backup", new_key);
    as_new["arn"] = json!("arn:aws:iam::111122223333:user/system/svc-backup");
    let stop = at(named_ok("StopLogging"), 50, &as_new, "192.0.2.99");
    let run = at(launch(), 55, &as_new, "192.0.2.99");
    vec![create, key, stop, run]
}

fn check_one(events: &[Value], what: &str) -> Detection {
    let a = alerts(events);
    assert_eq!(a.len(), 1, "{what}: {:#?}", a);
    let d = a.into_iter().next().unwrap();
    assert_eq!(d.severity, yagura_core::Severity::Critical);
    assert_eq!(d.spec, ["WATCH-05"]);
    let mut want: Vec<String> = events
        .iter()
        .map(|e| e["eventID"].as_str().unwrap().to_string())
        .collect();
    want.sort();
    let mut got: Vec<String> = d.events.iter().map(|e| e.event_id.clone()).collect();
    got.sort();
    assert_eq!(got, want, "{what}: every linked event is listed");
    d
}

#[test]
fn seed_004_gives_one_alert_with_every_step() {
    let d = check_one(&seed_004(), "seed 004");
    for s in [
        "initial access",
        "persistence",
        "privilege escalation",
        "defence evasion",
        "impact",
    ] {
        assert!(d.message.en.contains(s), "{s}: {}", d.message.en);
    }
    assert!(!d.message.en.contains(&leaked_key()), "{}", d.message.en);
}

#[test]
fn a_root_console_takeover_gives_one_alert() {
    let d = check_one(&root_takeover(), "root takeover");
    assert!(d.message.en.contains("ConsoleLogin") && d.message.en.contains("StopLogging"));
}

#[test]
fn a_chain_split_across_a_key_and_the_user_it_created_gives_one_alert() {
    let d = check_one(&split_chain(), "split chain");
    assert!(d.message.en.contains("linked identit"), "{}", d.message.en);
}

#[test]
fn chains_in_one_scan_stay_apart_and_repeat_nothing() {
    // the three chains together (at other times): three alerts, none merged
    let mut all = seed_004();
    for (i, mut e) in root_takeover().into_iter().enumerate() {
        e["eventTime"] = json!(format!("2024-03-02T10:0{i}:00Z"));
        all.push(e);
    }
    for (i, mut e) in split_chain().into_iter().enumerate() {
        e["eventTime"] = json!(format!("2024-03-03T10:{:02}:00Z", i * 15));
        all.push(e);
    }
    assert_eq!(alerts(&all).len(), 3);
}

#[test]
fn single_stages_give_no_alert() {
    for chain in [seed_004(), root_takeover(), split_chain()] {
        for e in &chain {
            assert!(
                alerts(std::slice::from_ref(e)).is_empty(),
                "{}",
                e["eventName"]
            );
        }
    }
    // initial access and one later stage only
    let r = root_takeover();
    assert!(alerts(&r[..2]).is_empty());
    assert!(alerts(&[r[0].clone(), r[2].clone()]).is_empty());
}

#[test]
fn the_same_steps_by_unrelated_principals_give_no_alert() {
    let mut steps = seed_004();
    let people = [
        ("dana", "198.51.100.11"),
        ("erin", "198.51.100.12"),
        ("frank", "198.51.100.13"),
        ("grace", "198.51.100.14"),
        ("heidi", "198.51.100.15"),
    ];
    for (i, (s, (name, ip))) in steps.iter_mut().zip(people).enumerate() {
        s["userIdentity"] = user(name, &format!("AKIAEXAMPLEUSER{i:02}"));
        s["sourceIPAddress"] = json!(ip);
    }
    // the created user is not the one acting later
    steps[3]["requestParameters"]["userName"] = json!("alice");
    assert!(alerts(&steps).is_empty(), "{:#?}", alerts(&steps));
    let mut r = root_takeover();
    r[1]["userIdentity"] = user("ops", concat!("ASIA", "EXAMPLEOPSSESS01"));
    r[1]["sourceIPAddress"] = json!("192.0.2.1");
    r[2]["userIdentity"] = user("batch", concat!("ASIA", "EXAMPLEBATCH0001"));
    r[2]["sourceIPAddress"] = json!("192.0.2.2");
    assert!(alerts(&r).is_empty());
}

#[test]
fn an_mfa_administrators_routine_change_gives_no_alert() {
    let ip = "10.8.8.10";
    let admin = session("bert-jan", concat!("ASIA", "EXAMPLEADMINSES1"));
    let login = at(
        real(|r| r["eventName"] == "ConsoleLogin" && r["additionalEventData"]["MFAUsed"] == "Yes"),
        0,
        &json!({"type": "IAMUser", "principalId": "AIDAbert-jan", "arn": "arn:aws:iam::111122223333:user/bert-jan", "accountId": "111122223333", "userName": "bert-jan"}),
        ip,
    );
    let mut create = at(named_ok("CreateUser"), 3, &admin, ip);
    create["requestParameters"] = json!({"userName": "new-analyst"});
    let mut attach = at(named_ok("AttachUserPolicy"), 4, &admin, ip);
    attach["requestParameters"]["userName"] = json!("new-analyst");
    let mut profile = at(named_ok("CreateLoginProfile"), 5, &admin, ip);
    profile["requestParameters"]["userName"] = json!("new-analyst");
    let events = [login, create, attach, profile];
    let ds = run(&events);
    assert!(ds.iter().all(|d| d.id != ALERT), "{ds:#?}");
    // the single detections are still there
    assert!(ds.iter().any(|d| d.id == "iam-user-created"));
}

#[test]
fn secrets_read_in_bulk_by_a_leaked_key_before_it_stops_logging_give_one_alert() {
    // the key's first calls read twenty secrets (real GetSecretValue events), then it
    // creates a user and stops CloudTrail: initial access, impact, persistence, evasion
    let k = leaked_key();
    let thief = user("ci-deploy", &k);
    let ip = "198.51.100.40";
    let read = named_ok("GetSecretValue");
    let mut events: Vec<Value> = (0..20)
        .map(|i| at(read.clone(), i % 3, &thief, ip))
        .collect();
    for (i, e) in events.iter_mut().enumerate() {
        e["eventID"] = json!(format!("00000000-0000-4000-9000-{i:012}"));
    }
    let mut create = at(named_ok("CreateUser"), 10, &thief, ip);
    create["requestParameters"] = json!({"userName": "svc-audit"});
    events.push(create);
    events.push(at(named_ok("StopLogging"), 12, &thief, ip));
    let d = check_one(&events, "bulk secrets");
    assert!(d.message.en.contains("GetSecretValue"), "{}", d.message.en);
}

#[test]
fn outside_the_window_no_alert() {
    // the launch two days after the sign-in: only initial access and evasion are linked in time
    let mut r = root_takeover();
    r[2]["eventTime"] = json!("2024-03-03T10:09:00Z");
    assert!(alerts(&r).is_empty());
}
