//! `yagura trail consume --sqs` against moto (issue 20, acceptance 3): the bucket's
//! ObjectCreated notifications go to an SQS queue with a dead-letter queue (moto delivers
//! them on PutObject); real invictus and stratus CloudTrail files arrive while the consumer
//! runs; it is killed with SIGKILL between an object's fetch and its commit and restarted.
//! Every event is read exactly once, the detections equal one `trail scan` of the same
//! objects, no message of an uncommitted object was deleted, a re-notified object is not read
//! again, and a truncated gzip object is reported with its key and its message ends in the
//! dead-letter queue after the queue's retries. Also `--since` on `trail scan s3://…`: only
//! the days from the given one are listed and fetched.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use yagura_store::Store;
use yagura_testkit::{moto_available, Moto};

const BUCKET: &str = "org-trail";
/// The same good objects without notifications, for the reference scan.
const COPY: &str = "org-trail-copy";

/// A JSON report, detections not failing the run.
const REPORT: [&str; 5] = [
    "--format",
    "json",
    "--allow-incomplete",
    "--fail-on",
    "critical",
];

use yagura_testkit::{cloudtrail_testdata as testdata, gzip};

fn records_of(text: &[u8]) -> u64 {
    let v: Value = serde_json::from_slice(text).unwrap();
    match v {
        Value::Array(a) => a.len() as u64,
        v => v["Records"].as_array().unwrap().len() as u64,
    }
}

fn files(dir: &str) -> Vec<PathBuf> {
    let mut f: Vec<PathBuf> = std::fs::read_dir(testdata().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    f.sort();
    f
}

/// An object to upload: key, body, records.
type Obj = (String, Vec<u8>, u64);

/// (key, body, records): invictus under its account (one day, every third gzip), stratus
/// over an Organization trail's account, two regions and five days (every other gzip).
fn objects() -> (Vec<Obj>, Vec<Obj>) {
    let mut inv = Vec::new();
    for (i, f) in files("invictus/CloudTrail").iter().enumerate() {
        let text = std::fs::read(f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let key = format!("AWSLogs/218007301253/CloudTrail/us-east-1/2023/07/10/{name}");
        let n = records_of(&text);
        if i % 3 == 0 {
            inv.push((format!("{key}.gz"), gzip(&text), n));
        } else {
            inv.push((key, text, n));
        }
    }
    let mut strat = Vec::new();
    for (i, f) in files("stratus").iter().enumerate() {
        let text = std::fs::read(f).unwrap();
        let region = ["eu-west-1", "ap-northeast-1"][i % 2];
        let day = 1 + i % 5;
        let key = format!(
            "AWSLogs/o-abc123def4/111122223333/CloudTrail/{region}/2024/08/0{day}/111122223333_CloudTrail_{region}_2024080{day}T{:02}{:02}Z_s{i:02}.json",
            i % 24,
            (i * 7) % 60
        );
        let n = records_of(&text);
        if i % 2 == 0 {
            strat.push((format!("{key}.gz"), gzip(&text), n));
        } else {
            strat.push((key, text, n));
        }
    }
    (inv, strat)
}

fn put(moto: &Moto, bucket: &str, objs: &[Obj]) {
    let pairs: Vec<(String, Vec<u8>)> = objs
        .iter()
        .map(|(k, b, _)| (k.clone(), b.clone()))
        .collect();
    yagura_testkit::put_objects(&moto.endpoint(), bucket, &pairs);
}

/// The queue (visibility timeout 2 s, to the dead-letter queue after 2 receives) and the
/// bucket's notification configuration; returns (queue URL, dead-letter queue URL).
fn setup(moto: &Moto) -> (String, String) {
    let v = moto.python(&format!(
        r#"
import boto3, json, sys
kw = dict(endpoint_url=sys.argv[1], region_name="us-east-1")
s3, sqs = boto3.client("s3", **kw), boto3.client("sqs", **kw)
s3.create_bucket(Bucket="{BUCKET}")
dlq = sqs.create_queue(QueueName="trail-dlq")["QueueUrl"]
dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
q = sqs.create_queue(QueueName="trail-q", Attributes={{
    "VisibilityTimeout": "2",
    "RedrivePolicy": json.dumps({{"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2}}),
}})["QueueUrl"]
arn = sqs.get_queue_attributes(QueueUrl=q, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
s3.put_bucket_notification_configuration(Bucket="{BUCKET}", NotificationConfiguration={{
    "QueueConfigurations": [{{"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}}]}})
print(json.dumps([q, dlq]))
"#
    ));
    (
        v[0].as_str().unwrap().to_string(),
        v[1].as_str().unwrap().to_string(),
    )
}

/// Messages on a queue: (visible, in flight).
fn depth(moto: &Moto, url: &str) -> (u64, u64) {
    let v = moto.python(&format!(
        r#"
import boto3, json, sys
sqs = boto3.client("sqs", endpoint_url=sys.argv[1], region_name="us-east-1")
a = sqs.get_queue_attributes(QueueUrl="{url}", AttributeNames=["All"])["Attributes"]
print(json.dumps([int(a["ApproximateNumberOfMessages"]), int(a["ApproximateNumberOfMessagesNotVisible"])]))
"#
    ));
    (v[0].as_u64().unwrap(), v[1].as_u64().unwrap())
}

/// The object keys named by the messages of the dead-letter queue.
fn dead_letters(moto: &Moto, url: &str) -> Vec<String> {
    let v = moto.python(&format!(
        r#"
import boto3, json, sys, urllib.parse
sqs = boto3.client("sqs", endpoint_url=sys.argv[1], region_name="us-east-1")
out = []
for m in sqs.receive_message(QueueUrl="{url}", MaxNumberOfMessages=10, VisibilityTimeout=0).get("Messages", []):
    for r in json.loads(m["Body"]).get("Records", []):
        out.append(urllib.parse.unquote_plus(r["s3"]["object"]["key"]))
print(json.dumps(out))
"#
    ));
    v.as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_string())
        .collect()
}

fn yagura(data: &Path, moto: &Moto, args: &[&str], env: &[(&str, &str)]) -> Command {
    yagura_testkit::yagura_against(&moto.endpoint(), data, args, env)
}

fn consume(data: &Path, moto: &Moto, queue: &str, env: &[(&str, &str)]) -> Child {
    let rules = testdata().join("sigma/rules").display().to_string();
    let mut args = vec![
        "trail", "consume", "--sqs", queue, "--wait", "1", "--sigma", &rules,
    ];
    args.extend(REPORT);
    yagura(data, moto, &args, env)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn store(data: &Path) -> Store {
    Store::open(&Store::path_in(data)).unwrap()
}

/// (key → events) of the committed objects of `source`; `strip` is taken off the keys.
fn committed(data: &Path, source: &str, strip: &str) -> BTreeMap<String, u64> {
    if !data.join("yagura.sqlite3").exists() {
        return BTreeMap::new();
    }
    let mut out = BTreeMap::new();
    for o in store(data).trail_objects(source).unwrap() {
        let k = o.key.strip_prefix(strip).unwrap_or(&o.key).to_string();
        assert!(out.insert(k, o.events).is_none(), "{} twice", o.key);
    }
    out
}

/// (fingerprint → (detection id, multi-event)) of the stored detections of `source`.
fn detections(data: &Path, source: &str) -> BTreeMap<String, (String, bool)> {
    store(data)
        .trail_detections(source)
        .unwrap()
        .into_iter()
        .map(|d| (d.fingerprint, (d.detection_id, d.object_key.is_none())))
        .collect()
}

fn wait_for(what: &str, secs: u64, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn consume_reads_every_notified_event_once_across_a_sigkill() {
    if !moto_available() {
        return;
    }
    let moto = Moto::start();
    let (queue, dlq) = setup(&moto);
    let (inv, strat) = objects();
    let good: Vec<Obj> = inv.iter().chain(&strat).cloned().collect();
    let prefix = format!("s3://{BUCKET}/");
    let data = tempfile::tempdir().unwrap();
    let d = data.path();

    // part of the invictus day is there before the consumer starts, the rest arrives while
    // it runs; each object waits 100 ms after its fetch and after its commit
    put(&moto, BUCKET, &inv[..30]);
    let mut child = consume(d, &moto, &queue, &[("YAGURA_TEST_OBJECT_DELAY_MS", "100")]);
    put(&moto, BUCKET, &inv[30..]);
    wait_for("20 committed objects", 120, || {
        assert!(child.try_wait().unwrap().is_none(), "consume ended");
        committed(d, &queue, &prefix).len() >= 20
    });
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let at_kill = committed(d, &queue, &prefix);
    assert!(at_kill.len() < inv.len(), "killed midway");
    // no message of an object not committed was deleted
    let (visible, in_flight) = depth(&moto, &queue);
    assert!(
        visible + in_flight >= (inv.len() - at_kill.len()) as u64,
        "{visible} + {in_flight} messages for {} uncommitted objects",
        inv.len() - at_kill.len()
    );
    assert!(store(d).trail_state(&queue).unwrap().is_some());

    // restarted; the Organization trail's objects, a re-notified object and a truncated
    // gzip arrive while it runs
    let mut child = consume(d, &moto, &queue, &[]);
    wait_for("the invictus day", 120, || {
        committed(d, &queue, &prefix).len() >= inv.len()
    });
    put(&moto, BUCKET, &strat);
    put(&moto, BUCKET, &inv[..1]);
    let text = std::fs::read(&files("stratus")[3]).unwrap();
    let gz = gzip(&text);
    let cut_key = "AWSLogs/o-abc123def4/111122223333/CloudTrail/eu-west-1/2024/08/05/111122223333_CloudTrail_eu-west-1_20240805T2300Z_cut.json.gz";
    put(
        &moto,
        BUCKET,
        &[(cut_key.to_string(), gz[..gz.len() / 2].to_vec(), 0)],
    );
    wait_for("every object and the dead letter", 180, || {
        assert!(child.try_wait().unwrap().is_none(), "consume ended");
        committed(d, &queue, &prefix).len() >= good.len() && depth(&moto, &dlq).0 >= 1
    });
    // a graceful stop (SIGTERM) between batches
    Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(cut_key) && stderr.contains("gzip stream is truncated"),
        "the poison object is named: {stderr}"
    );
    assert!(
        stderr.contains("1 already read") || stderr.contains("already read"),
        "{stderr}"
    );

    // every event exactly once; the poison object never committed
    let objs = committed(d, &queue, &prefix);
    let want: BTreeMap<String, u64> = good.iter().map(|(k, _, n)| (k.clone(), *n)).collect();
    assert_eq!(objs, want, "{stderr}");
    assert_eq!(dead_letters(&moto, &dlq), vec![cut_key.to_string()]);
    assert_eq!(depth(&moto, &queue), (0, 0), "{stderr}");

    // the same detections as one scan of the same objects
    put(&moto, COPY, &good);
    let scan_data = tempfile::tempdir().unwrap();
    let rules = testdata().join("sigma/rules").display().to_string();
    let source = format!("s3://{COPY}/AWSLogs/");
    let mut args = vec!["trail", "scan", &source, "--sigma", &rules];
    args.extend(REPORT);
    let out = yagura(scan_data.path(), &moto, &args, &[])
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let scanned = committed(scan_data.path(), &source, "");
    assert_eq!(scanned, want);
    let consumed = detections(d, &queue);
    assert!(consumed.values().any(|(_, multi)| *multi));
    assert_eq!(consumed, detections(scan_data.path(), &source));
}

/// `trail scan s3://… --since`: the streams are listed from the day given, so the objects of
/// earlier days are neither listed nor fetched (requests counted by a proxy in front of moto).
#[test]
fn since_limits_the_listing_to_later_days() {
    if !moto_available() {
        return;
    }
    let moto = Moto::start();
    let (_, strat) = objects();
    put(&moto, COPY, &strat);
    let proxy = yagura_testkit::FaultProxy::start(moto.port, 0);
    let run = |since: Option<&str>| -> (Value, usize) {
        let data = tempfile::tempdir().unwrap();
        let before = proxy.requests.load(std::sync::atomic::Ordering::SeqCst);
        let source = format!("s3://{COPY}/AWSLogs/");
        let mut args = vec!["trail", "scan", &source];
        args.extend(REPORT);
        if let Some(s) = since {
            args.extend(["--since", s]);
        }
        let mut c = yagura_testkit::yagura_cmd();
        yagura_testkit::aws_env(&mut c, &proxy.endpoint(), ("test", "test"))
            .arg("--data-dir")
            .arg(data.path())
            .args(&args);
        let out = c.output().unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let n = proxy.requests.load(std::sync::atomic::Ordering::SeqCst) - before;
        (report, n)
    };
    let (all, all_requests) = run(None);
    let (later, later_requests) = run(Some("2024-08-04"));
    let days_4_5 = strat
        .iter()
        .filter(|(k, _, _)| k.contains("/2024/08/04/") || k.contains("/2024/08/05/"))
        .count();
    assert_eq!(all["trail"]["objects"], json!(strat.len()));
    assert_eq!(later["trail"]["objects"], json!(days_4_5));
    // a listing's requests plus one GetObject per object: the earlier days cost nothing
    assert!(
        later_requests + (strat.len() - days_4_5) <= all_requests,
        "{later_requests} requests with --since, {all_requests} without"
    );
    let events = |v: &Value| v["trail"]["events"].as_u64().unwrap();
    assert!(events(&later) < events(&all));
}
