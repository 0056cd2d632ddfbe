#![allow(clippy::cloned_ref_to_slice_refs)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! WATCH-04 / WATCH-05: native detections on real events from invictus/ and stratus/, positive
//! and negative, and the takeover correlation on a realistic sequence and on its parts.
//!
//! Expected counts were read off the raw events (eventName, errorCode, requestParameters) with
//! jq/python, e.g. `jq '.[] | select(.eventName=="RunInstances") | .requestParameters.instanceType'`.

use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use yagura_trail::{read_path, scan, Detection, Event, Options, CHECKS};

fn testdata() -> PathBuf {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/testdata/cloudtrail"
    ))
    .into()
}

fn detections(path: &Path) -> Vec<Detection> {
    let r = scan(read_path(path), None, &Options::default());
    assert_eq!(r.stats.errors, 0);
    r.detections
}

fn ids(ds: &[Detection]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for d in ds {
        *m.entry(d.id.clone()).or_default() += 1;
    }
    m
}

fn stratus(name: &str) -> Vec<Detection> {
    detections(&testdata().join("stratus").join(format!("{name}.json")))
}

fn all_real() -> Vec<Detection> {
    static ALL: std::sync::OnceLock<Vec<Detection>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let mut v = detections(&testdata().join("invictus"));
        v.extend(detections(&testdata().join("stratus")));
        v
    })
    .clone()
}

/// Real records, in file order.
fn records(path: &Path) -> Vec<Value> {
    let data: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    match data {
        Value::Array(a) => a,
        v => v["Records"].as_array().unwrap().clone(),
    }
}

fn all_records() -> Vec<Value> {
    static ALL: std::sync::OnceLock<Vec<Value>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let mut out = vec![];
        for dir in ["invictus", "stratus"] {
            for f in yagura_trail::read::list_files(&testdata().join(dir)).unwrap() {
                out.extend(records(&f));
            }
        }
        out
    })
    .clone()
}

fn real(pred: impl Fn(&Value) -> bool) -> Value {
    all_records()
        .into_iter()
        .find(|r| pred(r))
        .expect("a real event")
}

fn named(name: &str) -> Value {
    real(|r| r["eventName"] == name && r.get("errorCode").is_none())
}

fn scan_values(vals: &[Value]) -> Vec<Detection> {
    let items = vals
        .iter()
        .map(|v| Ok(Event::parse(v.to_string()).unwrap()));
    scan(items, None, &Options::default()).detections
}

fn count_of(ds: &[Detection], id: &str) -> usize {
    ds.iter().filter(|d| d.id == id).count()
}

#[test]
fn catalogue_is_complete_and_bilingual() {
    let mut seen = std::collections::BTreeSet::new();
    for c in CHECKS {
        assert!(seen.insert(c.id), "duplicate id {}", c.id);
        for t in [&c.title, &c.what, &c.why, &c.fix] {
            assert!(
                !t.en.trim().is_empty() && !t.ja.trim().is_empty(),
                "{}",
                c.id
            );
        }
        assert!(!c.spec.is_empty(), "{}", c.id);
        assert!(c
            .id
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'));
    }
    assert!(CHECKS.len() >= 19);
}

#[test]
fn every_detection_carries_events_and_bilingual_text() {
    let ds = all_real();
    assert!(!ds.is_empty());
    for d in &ds {
        assert!(!d.events.is_empty(), "{}", d.id);
        for e in &d.events {
            assert!(!e.event_id.is_empty() && !e.event_time.is_empty() && !e.principal.is_empty());
        }
        assert!(!d.message.en.is_empty() && !d.message.ja.is_empty());
        assert!(!d.recommendation.en.is_empty() && !d.recommendation.ja.is_empty());
        assert!(d.spec.iter().any(|s| s.starts_with("WATCH-0")));
        let j = serde_json::to_value(d).unwrap();
        assert!(
            j["events"][0]["eventID"].is_string() && j["events"][0]["sourceIPAddress"].is_string()
        );
    }
}

#[test]
fn real_data_gives_the_expected_counts() {
    let got = ids(&all_real());
    let want: BTreeMap<String, usize> = [
        // 2 roles (invictus) and 3 (stratus) denied 15..30 times within 30 min; bert-jan 15
        ("access-denied-burst", 5),
        // invictus StopLogging/DeleteTrail/UpdateTrail/PutEventSelectors without error: 4
        ("cloudtrail-logging-tampered", 7),
        ("console-login-without-mfa", 2),
        // launchPermission/createVolumePermission `add` (the `remove` calls do not count)
        ("ec2-image-or-snapshot-shared", 4),
        // p2.xlarge x10 attempts: two invictus roles, one stratus role
        ("ec2-large-instance-launch-burst", 3),
        ("iam-access-key-created", 4),
        ("iam-admin-policy-attached", 4),
        ("iam-login-profile-created", 4),
        ("iam-user-created", 5),
        // DeleteUser x4 + DeleteLoginProfile x2 that succeeded (3 NoSuchEntity + 1 Unmodifiable do not)
        ("iam-user-or-login-profile-deleted", 6),
        // bert-jan deleting the access keys of two other users (invictus)
        ("iam-user-locked-out", 2),
        ("organization-leave-attempted", 2),
        ("s3-bucket-deleted", 5),
        ("secrets-retrieval-burst", 2),
        // invictus: nested 0.0.0.0/0:443 and flat 0.0.0.0/0:22; stratus: flat `x.x.x.x/0`
        ("security-group-opened-to-world", 3),
        ("vpc-flow-logs-deleted", 2),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(got, want);
}

#[test]
fn stratus_techniques_hit_their_detection() {
    let cases = [
        (
            "aws.defense-evasion.cloudtrail-stop",
            "cloudtrail-logging-tampered",
        ),
        (
            "aws.defense-evasion.cloudtrail-delete",
            "cloudtrail-logging-tampered",
        ),
        (
            "aws.defense-evasion.cloudtrail-event-selectors",
            "cloudtrail-logging-tampered",
        ),
        (
            "aws.initial-access.console-login-without-mfa",
            "console-login-without-mfa",
        ),
        (
            "aws.persistence.iam-create-admin-user",
            "iam-admin-policy-attached",
        ),
        ("aws.persistence.iam-create-admin-user", "iam-user-created"),
        (
            "aws.persistence.iam-backdoor-user",
            "iam-access-key-created",
        ),
        (
            "aws.persistence.iam-create-user-login-profile",
            "iam-login-profile-created",
        ),
        (
            "aws.privilege-escalation.iam-update-user-login-profile",
            "iam-login-profile-created",
        ),
        (
            "aws.execution.ec2-launch-unusual-instances",
            "ec2-large-instance-launch-burst",
        ),
        (
            "aws.exfiltration.ec2-security-group-open-port-22-ingress",
            "security-group-opened-to-world",
        ),
        (
            "aws.exfiltration.ec2-share-ami",
            "ec2-image-or-snapshot-shared",
        ),
        (
            "aws.exfiltration.ec2-share-ebs-snapshot",
            "ec2-image-or-snapshot-shared",
        ),
        (
            "aws.credential-access.secretsmanager-retrieve-secrets",
            "secrets-retrieval-burst",
        ),
        (
            "aws.defense-evasion.organizations-leave",
            "organization-leave-attempted",
        ),
        (
            "aws.defense-evasion.vpc-remove-flow-logs",
            "vpc-flow-logs-deleted",
        ),
    ];
    for (file, id) in cases {
        let ds = stratus(file);
        assert!(ds.iter().any(|d| d.id == id), "{file}: {:?}", ids(&ds));
    }
    // techniques that none of these detections is about
    for file in [
        "aws.impact.bedrock-invoke-model",
        "aws.execution.ssm-start-session",
        "aws.discovery.ec2-download-user-data",
    ] {
        let ds = stratus(file);
        for id in [
            "iam-user-created",
            "security-group-opened-to-world",
            "cloudtrail-logging-tampered",
            "root-account-used",
        ] {
            assert_eq!(count_of(&ds, id), 0, "{file}: {id}");
        }
    }
}

#[test]
fn security_group_both_request_shapes_and_negatives() {
    let nested = real(|r| {
        r["eventName"] == "AuthorizeSecurityGroupIngress"
            && r["requestParameters"]["ipPermissions"]["items"].is_array()
    });
    let flat = real(|r| {
        r["eventName"] == "AuthorizeSecurityGroupIngress"
            && r["requestParameters"]["cidrIp"].is_string()
    });
    assert_eq!(
        count_of(
            &scan_values(std::slice::from_ref(&nested)),
            "security-group-opened-to-world"
        ),
        1
    );
    assert_eq!(
        count_of(
            &scan_values(std::slice::from_ref(&flat)),
            "security-group-opened-to-world"
        ),
        1
    );
    let mut v6 = nested.clone();
    v6["requestParameters"]["ipPermissions"]["items"][0]["ipRanges"] = json!({});
    v6["requestParameters"]["ipPermissions"]["items"][0]["ipv6Ranges"] =
        json!({"items": [{"cidrIpv6": "::/0"}]});
    assert_eq!(
        count_of(&scan_values(&[v6]), "security-group-opened-to-world"),
        1
    );
    let mut private = nested;
    private["requestParameters"]["ipPermissions"]["items"][0]["ipRanges"]["items"][0]["cidrIp"] =
        json!("10.0.0.0/8");
    let mut private_flat = flat.clone();
    private_flat["requestParameters"]["cidrIp"] = json!("192.168.0.0/16");
    let mut failed = flat;
    failed["errorCode"] = json!("Client.InvalidPermission.Duplicate");
    assert_eq!(
        count_of(
            &scan_values(&[private, private_flat, failed]),
            "security-group-opened-to-world"
        ),
        0
    );
}

#[test]
fn root_config_guardduty_and_public_bucket_on_edited_real_events() {
    // no root, Config or GuardDuty-disable events in the data: real events edited
    let base = named("DeleteFlowLogs");
    let mut root = base.clone();
    root["userIdentity"] = json!({"type": "Root", "arn": "arn:aws:iam::123837392027:root", "accountId": "123837392027"});
    let mut root_service = root.clone();
    root_service["eventType"] = json!("AwsServiceEvent");
    assert_eq!(count_of(&scan_values(&[root]), "root-account-used"), 1);
    assert_eq!(
        count_of(&scan_values(&[root_service]), "root-account-used"),
        0
    );
    assert_eq!(count_of(&all_real(), "root-account-used"), 0);

    let mut cfg = base.clone();
    cfg["eventSource"] = json!("config.amazonaws.com");
    cfg["eventName"] = json!("StopConfigurationRecorder");
    cfg["requestParameters"] = json!({"configurationRecorderName": "default"});
    assert_eq!(
        count_of(&scan_values(&[cfg.clone()]), "config-recorder-stopped"),
        1
    );
    let mut cfg_read = cfg;
    cfg_read["eventName"] = json!("DescribeConfigurationRecorders");
    assert_eq!(
        count_of(&scan_values(&[cfg_read]), "config-recorder-stopped"),
        0
    );

    let mut gd = base.clone();
    gd["eventSource"] = json!("guardduty.amazonaws.com");
    gd["eventName"] = json!("UpdateDetector");
    gd["requestParameters"] = json!({"detectorId": "abc", "enable": false});
    let mut gd_on = gd.clone();
    gd_on["requestParameters"]["enable"] = json!(true);
    let mut gd_del = gd.clone();
    gd_del["eventName"] = json!("DeleteDetector");
    assert_eq!(
        count_of(&scan_values(&[gd, gd_del]), "guardduty-detector-disabled"),
        2
    );
    assert_eq!(
        count_of(&scan_values(&[gd_on]), "guardduty-detector-disabled"),
        0
    );

    // the real PutBucketPolicy calls grant CloudTrail or one account: not public
    assert_eq!(count_of(&all_real(), "s3-bucket-policy-made-public"), 0);
    let mut public = named("PutBucketPolicy");
    public["requestParameters"]["bucketPolicy"]["Statement"] = json!([{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]);
    assert_eq!(
        count_of(&scan_values(&[public]), "s3-bucket-policy-made-public"),
        1
    );
}

#[test]
fn admin_inline_policy_and_narrow_ones() {
    // real PutRolePolicy calls allow ec2:Describe* / logs:*: not admin
    let mut p = named("PutRolePolicy");
    assert_eq!(
        count_of(&scan_values(&[p.clone()]), "iam-admin-policy-attached"),
        0
    );
    p["requestParameters"]["policyDocument"] = json!("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}");
    assert_eq!(count_of(&scan_values(&[p]), "iam-admin-policy-attached"), 1);
}

#[test]
fn locking_other_users_out_and_negatives() {
    let del = named("DeleteAccessKey");
    assert_eq!(
        count_of(
            &scan_values(std::slice::from_ref(&del)),
            "iam-user-locked-out"
        ),
        1
    );
    // deleting one's own key (rotation) is not a lockout
    let mut own = del.clone();
    own["requestParameters"]["userName"] = own["userIdentity"]["userName"].clone();
    let mut no_user = del.clone();
    no_user["requestParameters"]
        .as_object_mut()
        .unwrap()
        .remove("userName");
    assert_eq!(
        count_of(&scan_values(&[own, no_user]), "iam-user-locked-out"),
        0
    );
    let mut inactive = del.clone();
    inactive["eventName"] = json!("UpdateAccessKey");
    inactive["requestParameters"]["status"] = json!("Inactive");
    let mut active = inactive.clone();
    active["requestParameters"]["status"] = json!("Active");
    assert_eq!(
        count_of(&scan_values(&[inactive]), "iam-user-locked-out"),
        1
    );
    assert_eq!(count_of(&scan_values(&[active]), "iam-user-locked-out"), 0);
    // deny-all on a user: managed AWSDenyAll and inline Deny */*
    let mut deny = named("AttachUserPolicy");
    deny["requestParameters"]["policyArn"] = json!("arn:aws:iam::aws:policy/AWSDenyAll");
    let mut inline = named("PutRolePolicy");
    inline["eventName"] = json!("PutUserPolicy");
    inline["requestParameters"] = json!({"userName": "alice", "policyName": "x", "policyDocument": "{\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}]}"});
    assert_eq!(
        count_of(&scan_values(&[deny, inline]), "iam-user-locked-out"),
        2
    );
}

#[test]
fn console_login_with_mfa_is_not_reported() {
    let with_mfa =
        real(|r| r["eventName"] == "ConsoleLogin" && r["additionalEventData"]["MFAUsed"] == "Yes");
    assert_eq!(
        count_of(&scan_values(&[with_mfa]), "console-login-without-mfa"),
        0
    );
}

#[test]
fn small_launches_are_not_a_burst() {
    // bert-jan's t3.micro launches (1 instance each) in invictus
    let small: Vec<Value> = all_records()
        .into_iter()
        .filter(|r| {
            r["eventName"] == "RunInstances" && r["requestParameters"]["instanceType"] == "t3.micro"
        })
        .collect();
    assert!(small.len() >= 2);
    assert_eq!(
        count_of(&scan_values(&small), "ec2-large-instance-launch-burst"),
        0
    );
}

// ------------------------------------------------------------------ WATCH-05

/// A realistic takeover built from real invictus/stratus events: bert-jan's leaked key creates
/// `malicious-iam-user` with AdministratorAccess and an access key (real events), the new user
/// deletes the legitimate user `alice` (real DeleteUser, user and caller edited) and launches
/// ten p2.xlarge (the real stratus RunInstances, caller edited, succeeded).
fn takeover_steps() -> Vec<Value> {
    let create = real(|r| {
        r["eventName"] == "CreateUser"
            && r["requestParameters"]["userName"] == "malicious-iam-user"
            && r["userIdentity"]["userName"] == "bert-jan"
    });
    let attach = real(|r| {
        r["eventName"] == "AttachUserPolicy" && r["userIdentity"]["userName"] == "bert-jan"
    });
    let key = real(|r| {
        r["eventName"] == "CreateAccessKey"
            && r["requestParameters"]["userName"] == "malicious-iam-user"
            && r["userIdentity"]["userName"] == "bert-jan"
    });
    let new_user = json!({"type": "IAMUser", "principalId": "AIDAEXAMPLEMALICIOUS", "arn": "arn:aws:iam::123837392027:user/malicious-iam-user", "accountId": "123837392027", "accessKeyId": concat!("AKIA", "EXAMPLENEWKEY001"), "userName": "malicious-iam-user"});
    let mut delete = real(|r| r["eventName"] == "DeleteUser" && r.get("errorCode").is_none());
    delete["userIdentity"] = new_user.clone();
    delete["requestParameters"]["userName"] = json!("alice");
    delete["eventTime"] = json!("2023-07-10T12:31:00Z");
    delete["eventID"] = json!("00000000-0000-0000-0000-0000000000d1");
    let mut launch = real(|r| {
        r["eventName"] == "RunInstances" && r["requestParameters"]["instanceType"] == "p2.xlarge"
    });
    launch.as_object_mut().unwrap().remove("errorCode");
    launch.as_object_mut().unwrap().remove("errorMessage");
    launch["userIdentity"] = new_user;
    launch["sourceIPAddress"] = json!("192.168.10.20");
    launch["eventTime"] = json!("2023-07-10T12:40:00Z");
    launch["eventID"] = json!("00000000-0000-0000-0000-0000000000e1");
    vec![create, attach, key, delete, launch]
}

#[test]
fn takeover_sequence_fires_once_linking_the_steps() {
    let ds = scan_values(&takeover_steps());
    let t: Vec<&Detection> = ds
        .iter()
        .filter(|d| d.id == "account-takeover-sequence")
        .collect();
    assert_eq!(t.len(), 1, "{:#?}", ids(&ds));
    let d = t[0];
    assert_eq!(d.spec, vec!["WATCH-05".to_string()]);
    assert_eq!(d.severity, yagura_core::Severity::Critical);
    let names: Vec<&str> = d.events.iter().map(|e| e.event_name.as_str()).collect();
    assert_eq!(
        names,
        [
            "CreateUser",
            "AttachUserPolicy",
            "CreateAccessKey",
            "DeleteUser",
            "RunInstances"
        ]
    );
    assert!(
        d.message.en.contains("malicious-iam-user") && d.message.en.contains("alice"),
        "{}",
        d.message.en
    );
    assert!(
        d.message.en.contains("AKIA")
            && !d.message.en.contains(concat!("AKIA", "TFQR7NSC8Q4X20BJ")),
        "key masked: {}",
        d.message.en
    );
    // the single detections are still there beside it
    for id in [
        "iam-user-created",
        "iam-admin-policy-attached",
        "iam-access-key-created",
        "iam-user-or-login-profile-deleted",
        "ec2-large-instance-launch-burst",
    ] {
        assert_eq!(count_of(&ds, id), 1, "{id}");
    }
}

#[test]
fn takeover_does_not_fire_on_any_part_alone() {
    let steps = takeover_steps();
    for (i, s) in steps.iter().enumerate() {
        assert_eq!(
            count_of(
                &scan_values(std::slice::from_ref(s)),
                "account-takeover-sequence"
            ),
            0,
            "step {i} alone"
        );
        // and not with any one step missing
        let mut rest = steps.clone();
        rest.remove(i);
        if i != 2 {
            assert_eq!(
                count_of(&scan_values(&rest), "account-takeover-sequence"),
                0,
                "without step {i}"
            );
        }
    }
    // without credentials for the new user (step 2 is the only key/login profile): no alert
    let mut no_creds = steps.clone();
    no_creds.remove(2);
    assert_eq!(
        count_of(&scan_values(&no_creds), "account-takeover-sequence"),
        0
    );
    // the real data (bert-jan creates and later deletes its own test users; the large
    // launches come from other roles) has no takeover
    assert_eq!(count_of(&all_real(), "account-takeover-sequence"), 0);
}

#[test]
fn takeover_needs_a_leaked_key_a_link_and_the_window() {
    // created from a console session (temporary ASIA key): not the leaked-key sequence
    let mut s = takeover_steps();
    s[0]["userIdentity"]["accessKeyId"] = json!(concat!("ASIA", "EXAMPLESESSION01"));
    assert_eq!(count_of(&scan_values(&s), "account-takeover-sequence"), 0);
    // the launch by an unrelated principal from elsewhere: not linked
    let mut s = takeover_steps();
    s[4]["userIdentity"] = json!({"type": "IAMUser", "arn": "arn:aws:iam::123837392027:user/carol", "accessKeyId": concat!("AKIA", "EXAMPLECAROL0001"), "userName": "carol"});
    s[4]["sourceIPAddress"] = json!("203.0.113.9");
    assert_eq!(count_of(&scan_values(&s), "account-takeover-sequence"), 0);
    // the launch two days later: outside the window
    let mut s = takeover_steps();
    s[4]["eventTime"] = json!("2023-07-12T12:40:00Z");
    assert_eq!(count_of(&scan_values(&s), "account-takeover-sequence"), 0);
    // removing a user the attacker created is not locking the owners out
    let mut s = takeover_steps();
    s[3]["requestParameters"]["userName"] = json!("malicious-iam-user");
    assert_eq!(count_of(&scan_values(&s), "account-takeover-sequence"), 0);
}

/// Copies of a real denied call by one principal: distinct event ids, one per `step_ms` from the
/// original time.
fn denied_copies(n: usize, step_ms: i64) -> Vec<Event> {
    let base = real(|r| {
        r.get("errorCode")
            .and_then(Value::as_str)
            .is_some_and(|c| c.contains("AccessDenied"))
    });
    let t0 = yagura_trail::event::parse_time_ms(base["eventTime"].as_str().unwrap()).unwrap();
    (0..n)
        .map(|i| {
            let mut v = base.clone();
            let t = t0 + step_ms * i as i64;
            v["eventTime"] = json!(yagura_trail::event::format_time_ms(t));
            v["eventID"] = json!(format!("00000000-0000-4000-8000-{i:012x}"));
            Event::parse(v.to_string()).unwrap()
        })
        .collect()
}

#[test]
fn burst_state_is_bounded_by_minutes_not_by_events() {
    // 20,000 denied calls within 100 s: the state keeps a count and the first 100 per minute,
    // not 20,000 events (before, a saved state held every one: about 8 MB here).
    let events = denied_copies(20_000, 5);
    let mut s = yagura_trail::Scanner::new(None, &Options::default());
    for ev in &events {
        s.push(ev);
    }
    assert_eq!(s.state_len().0, 20_000);
    let saved = s.save_state().unwrap();
    assert!(
        saved.len() < 400_000,
        "saved state is {} bytes",
        saved.len()
    );
    let r = s.finish();
    let bursts: Vec<&Detection> = r
        .detections
        .iter()
        .filter(|d| d.id == "access-denied-burst")
        .collect();
    assert_eq!(bursts.len(), 1);
    assert!(
        bursts[0].message.en.contains("denied 20000 times"),
        "{}",
        bursts[0].message.en
    );
    // the first 100 events, in time order
    let got: Vec<&str> = bursts[0]
        .events
        .iter()
        .map(|e| e.event_id.as_str())
        .collect();
    let want: Vec<String> = (0..100)
        .map(|i| format!("00000000-0000-4000-8000-{i:012x}"))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn burst_counts_survive_save_restore_and_old_single_signal_states() {
    // 12 denied calls (threshold 10), split over a save and a restore
    let events = denied_copies(12, 60_000);
    let mut a = yagura_trail::Scanner::new(None, &Options::default());
    for ev in &events[..7] {
        a.push(ev);
    }
    let saved = a.save_state().unwrap();
    let mut b = yagura_trail::Scanner::new(None, &Options::default());
    b.restore_state(&saved).unwrap();
    for ev in &events[7..] {
        b.push(ev);
    }
    let fired = b.finish().detections;
    assert_eq!(count_of(&fired, "access-denied-burst"), 1);
    assert!(fired
        .iter()
        .any(|d| d.message.en.contains("denied 12 times")));

    // A state saved before denied calls were counted per minute held each as a signal in
    // `native`: it is read and counted the same way.
    let mut old: Value = serde_json::from_str(&saved).unwrap();
    let mut native = old["native"].as_array().cloned().unwrap_or_default();
    for m in old["minutes"].as_array().unwrap() {
        for r in m["first"].as_array().unwrap() {
            native.push(json!({"kind": m["kind"], "ev": r}));
        }
    }
    old["native"] = Value::Array(native);
    old.as_object_mut().unwrap().remove("minutes");
    let mut c = yagura_trail::Scanner::new(None, &Options::default());
    let restored = c.restore_state(&old.to_string()).unwrap();
    assert_eq!(restored.signals, 7);
    for ev in &events[7..] {
        c.push(ev);
    }
    let fired_old = c.finish().detections;
    assert_eq!(count_of(&fired_old, "access-denied-burst"), 1);
    assert!(fired_old
        .iter()
        .any(|d| d.message.en.contains("denied 12 times")));
}

/// An event that is no signal (a successful describe call), at `t_ms`.
fn quiet_event_at(t_ms: i64) -> Event {
    let mut v = real(|r| {
        r.get("errorCode").is_none()
            && r["eventName"]
                .as_str()
                .is_some_and(|n| n.starts_with("Describe"))
    });
    v["eventTime"] = json!(yagura_trail::event::format_time_ms(t_ms));
    Event::parse(v.to_string()).unwrap()
}

fn fingerprints(ds: &[Detection]) -> BTreeSet<String> {
    ds.iter().map(Detection::fingerprint).collect()
}

#[test]
fn pruning_drops_closed_windows_and_changes_no_detection() {
    // 12 denied calls a minute apart (a burst), then the same two days later (another burst),
    // with quiet events in between that move time on
    const DAY: i64 = 86_400_000;
    let first = denied_copies(12, 60_000);
    let t0 = first[0].time_ms;
    let mut later = denied_copies(40, 60_000);
    let later = later.split_off(28); // 12 more, with other event ids
    let shift = |ev: &Event, by: i64| {
        let mut v: Value = serde_json::from_str(ev.raw()).unwrap();
        v["eventTime"] = json!(yagura_trail::event::format_time_ms(ev.time_ms + by));
        Event::parse(v.to_string()).unwrap()
    };
    let later: Vec<Event> = later.iter().map(|e| shift(e, 2 * DAY)).collect();
    let quiet = [
        quiet_event_at(t0 + DAY),
        quiet_event_at(t0 + 2 * DAY - 3_600_000),
    ];

    // one scan without pruning
    let mut all = yagura_trail::Scanner::new(None, &Options::default());
    for ev in first.iter().chain(&quiet).chain(&later) {
        all.push(ev);
    }
    let want = fingerprints(&all.evaluate());
    assert_eq!(want.len(), 2, "two bursts: {want:?}");

    // the same events as a watch sees them: evaluate and prune after each batch
    let mut w = yagura_trail::Scanner::new(None, &Options::default());
    let mut got = BTreeSet::new();
    for ev in &first {
        w.push(ev);
    }
    got.extend(fingerprints(&w.evaluate()));
    assert_eq!(
        w.prune(6 * 3_600_000),
        0,
        "the burst's window is still open"
    );
    for ev in &quiet {
        w.push(ev);
    }
    got.extend(fingerprints(&w.evaluate()));
    let before = w.save_state().unwrap().len();
    assert_eq!(
        w.prune(6 * 3_600_000),
        12,
        "a day later the first burst is closed"
    );
    assert!(w.save_state().unwrap().len() < before / 2);
    // pruned state is saved: the generation moved
    for ev in &later {
        w.push(ev);
    }
    let again = fingerprints(&w.evaluate());
    got.extend(again.iter().cloned());
    assert_eq!(got, want);
    assert_eq!(again.len(), 1, "only the second burst is left: {again:?}");
}
