#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The built binary's notifications (WATCH-02, WATCH-07) against real local servers: an HTTP
//! server as Slack and webhooks (one fails then recovers, one stays down), aiosmtpd as the
//! SMTP sink, SNS on moto with an SQS subscription. No secret appears on any output stream.

use yagura_testkit::sinks as common;

use common::{closed_port, ForwardProxy, HttpSink, Reply, SmtpSink};
use std::path::Path;
use std::process::Command;

const HOOK_PATH: &str = "/services/T0SECRET/B0SECRET/hooksecretpart";
const PASSWORD: &str = "mail-pass-31337";
const FAST: &str =
    "settings:\n  initial_backoff_ms: 10\n  max_backoff_ms: 50\n  timeout_seconds: 5\n";

use yagura_testkit::Run;

fn run(dir: &Path, lang: &str, args: &[&str], env: &[(&str, String)]) -> Run {
    let mut cmd = yagura_testkit::yagura_cmd();
    cmd.arg("--data-dir")
        .arg(dir.join("data"))
        .arg("--lang")
        .arg(lang)
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    yagura_testkit::run(&mut cmd)
}

/// No secret of the configuration on stdout or stderr.
fn assert_no_secret(r: &Run, secrets: &[&str]) {
    for s in secrets {
        assert!(!r.stdout.contains(s), "`{s}` on stdout:\n{}", r.stdout);
        assert!(!r.stderr.contains(s), "`{s}` on stderr:\n{}", r.stderr);
    }
}

#[test]
fn notify_test_reports_every_destination_and_shows_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let slack = HttpSink::start(vec![]);
    let flaky = HttpSink::start(vec![Reply::Status(500), Reply::TooMany(1)]);
    let down = closed_port();
    let smtp = common::aiosmtpd_available().then(|| SmtpSink::start(1, Some(("alerts", PASSWORD))));
    let mut yaml = format!(
        "version: 1\n{FAST}destinations:\n  - name: sre-slack\n    kind: slack\n    url_env: TEST_SLACK_URL\n    min_severity: high\n  - name: flaky-hook\n    kind: webhook\n    url: {}\n    secret_env: TEST_HMAC\n    min_severity: low\n  - name: down-hook\n    kind: webhook\n    url: http://127.0.0.1:{down}{HOOK_PATH}\n  - name: quiet-slack\n    kind: slack\n    url: {}\n    min_severity: critical\n",
        flaky.url(HOOK_PATH),
        slack.url("/other/secret-path-2"),
    );
    if let Some(s) = &smtp {
        yaml.push_str(&format!(
            "  - name: mail\n    kind: smtp\n    host: 127.0.0.1\n    port: {}\n    security: none\n    username: alerts\n    password_env: TEST_SMTP_PASSWORD\n    from: yagura@example.com\n    to: [sre@example.com]\n",
            s.port
        ));
    }
    let cfg = dir.path().join("notify.yaml");
    std::fs::write(&cfg, yaml).unwrap();
    let env = [
        ("TEST_SLACK_URL", slack.url(HOOK_PATH)),
        ("TEST_HMAC", "hmac-secret-555".to_string()),
        ("TEST_SMTP_PASSWORD", PASSWORD.to_string()),
    ];
    let r = run(
        dir.path(),
        "en",
        &[
            "notify",
            "test",
            "--config",
            cfg.to_str().unwrap(),
            "--severity",
            "high",
        ],
        &env,
    );
    assert_eq!(
        r.code, 2,
        "one destination stays down\n{}\n{}",
        r.stdout, r.stderr
    );
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(
        lines.contains(&"sre-slack (slack): delivered 1 message(s) (1 attempt(s))"),
        "{}",
        r.stdout
    );
    assert!(
        lines.contains(&"flaky-hook (webhook): delivered 1 message(s) (3 attempt(s))"),
        "{}",
        r.stdout
    );
    assert!(
        lines.contains(&"quiet-slack (slack): nothing at or above CRITICAL"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("down-hook (webhook): FAILED, 0 of 1 message(s) delivered: cannot connect"),
        "{}",
        r.stdout
    );
    if smtp.is_some() {
        assert!(
            lines.contains(&"mail (smtp): delivered 1 message(s) (2 attempt(s))"),
            "{}",
            r.stdout
        );
    }
    assert_no_secret(
        &r,
        &[
            "hooksecretpart",
            "secret-path-2",
            "hmac-secret-555",
            PASSWORD,
        ],
    );
    assert_eq!(slack.requests().len(), 1);
    assert_eq!(flaky.requests().len(), 3);
    if let Some(s) = &smtp {
        let m = &s.messages(1)[0];
        assert_eq!(m["authenticated"], true);
        assert!(m["subject"]
            .as_str()
            .unwrap()
            .contains("yagura test notification"));
    }
}

#[test]
fn a_bad_destinations_file_stops_the_run_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("notify.yaml");
    std::fs::write(
        &cfg,
        "version: 1\ndestinations:\n  - name: s\n    kind: slack\n    url: http://hooks.example.com/services/very/secret/x\n",
    )
    .unwrap();
    let r = run(
        dir.path(),
        "en",
        &["notify", "test", "--config", cfg.to_str().unwrap()],
        &[],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("notify.yaml:5:5: destination `s`:"),
        "{}",
        r.stderr
    );
    assert_no_secret(&r, &["very/secret"]);
    // trail scan refuses before reading a single log.
    let r = run(
        dir.path(),
        "en",
        &[
            "trail",
            "scan",
            "/nonexistent",
            "--notify",
            cfg.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("notify.yaml:5:5"), "{}", r.stderr);
}

/// `n` calls by the root user, with a hostile source address.
fn root_trail(dir: &Path, n: usize) -> std::path::PathBuf {
    let records: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            serde_json::json!({
                "eventVersion": "1.08",
                "userIdentity": {"type": "Root", "principalId": "123456789012", "arn": "arn:aws:iam::123456789012:root", "accountId": "123456789012"},
                "eventTime": format!("2026-01-01T00:{:02}:{:02}Z", i / 60, i % 60),
                "eventSource": "iam.amazonaws.com",
                "eventName": "ListUsers",
                "awsRegion": "us-east-1",
                "sourceIPAddress": "<!channel> <https://evil.example|x>",
                "userAgent": "aws-cli",
                "eventID": format!("00000000-0000-0000-0000-{i:012}"),
                "eventType": "AwsApiCall",
                "recipientAccountId": "123456789012"
            })
        })
        .collect();
    let p = dir.join("trail.json");
    std::fs::write(&p, serde_json::json!({"Records": records}).to_string()).unwrap();
    p
}

#[test]
fn trail_scan_notifies_detections_with_a_digest_above_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let slack = HttpSink::start(vec![]);
    let hook = HttpSink::start(vec![]);
    let cfg = dir.path().join("notify.yaml");
    std::fs::write(
        &cfg,
        format!(
            "version: 1\n{FAST}  max_per_run: 5\ndestinations:\n  - name: sre-slack\n    kind: slack\n    url: {}\n    min_severity: low\n  - name: one-each\n    kind: webhook\n    url: {}\n    min_severity: low\n    max_per_run: 100\n",
            slack.url(HOOK_PATH),
            hook.url("/h")
        ),
    )
    .unwrap();
    let trail = root_trail(dir.path(), 30);
    let r = run(
        dir.path(),
        "ja",
        &[
            "trail",
            "scan",
            trail.to_str().unwrap(),
            "--notify",
            cfg.to_str().unwrap(),
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(r.code, 1, "root use fails the gate\n{}", r.stderr);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let detections = report["detections"].as_array().unwrap().len();
    assert!(detections >= 30, "{detections}");
    assert!(
        r.stderr.contains(&format!(
            "通知 `sre-slack`(`slack`): 通知 {detections} 件のダイジェストを 1 件配信しました"
        )),
        "{}",
        r.stderr
    );
    let s = slack.requests();
    assert_eq!(s.len(), 1, "one digest, not {detections} messages");
    let body = &s[0].body;
    assert!(
        body.contains("ダイジェスト"),
        "Japanese with --lang ja: {body}"
    );
    assert!(!body.contains("<!channel>"), "{body}");
    let h = hook.requests();
    assert_eq!(h.len(), detections, "max_per_run 100: one message each");
    let first = h[0].json();
    assert_eq!(first["lang"], "ja");
    assert!(first["notification"]["summary"]
        .as_str()
        .unwrap()
        .contains("ルートユーザー"));
    assert!(first["notification"]["events"][0]
        .as_str()
        .unwrap()
        .contains("iam.amazonaws.com:ListUsers"));
    assert_no_secret(&r, &["hooksecretpart"]);
}

#[test]
fn audit_forwards_health_events_and_new_findings() {
    let dir = tempfile::tempdir().unwrap();
    let mut inv: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/demo/inventory.json"))
            .unwrap(),
    )
    .unwrap();
    inv["accounts"][0]["health_events"] = serde_json::json!({"ok": [{
        "arn": "arn:aws:health:ap-northeast-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/abc",
        "service": "EC2",
        "event_type": "AWS_EC2_OPERATIONAL_ISSUE",
        "region": "ap-northeast-1",
        "status": "open",
        "start_time": "2026-01-01T00:00:00Z"
    }]});
    let inv_path = dir.path().join("inventory.json");
    std::fs::write(&inv_path, inv.to_string()).unwrap();
    let health = HttpSink::start(vec![]);
    let findings = HttpSink::start(vec![]);
    let cfg = dir.path().join("notify.yaml");
    std::fs::write(
        &cfg,
        format!(
            "version: 1\n{FAST}destinations:\n  - name: health\n    kind: webhook\n    url: {}\n    min_severity: low\n    kinds: [health_event]\n  - name: findings\n    kind: webhook\n    url: {}\n    min_severity: high\n    kinds: [audit_finding]\n    max_per_run: 1000\n",
            health.url("/health"),
            findings.url("/findings")
        ),
    )
    .unwrap();
    let args = [
        "audit",
        "--from-inventory",
        inv_path.to_str().unwrap(),
        "--as-of",
        "2026-11-24T00:00:00Z",
        "--notify",
        cfg.to_str().unwrap(),
        "--notify-findings",
        "--format",
        "json",
        "--allow-incomplete",
    ];
    let r = run(dir.path(), "en", &args, &[]);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    let h = health.requests();
    assert_eq!(h.len(), 1, "{}", r.stderr);
    let n = &h[0].json()["notification"];
    assert_eq!(n["kind"], "health_event");
    assert_eq!(n["severity"], "high");
    assert_eq!(n["region"], "ap-northeast-1");
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let high_fails = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            // `status` is the shown one: a muted FAIL says MUTED and is not notified.
            f["status"] == "FAIL" && matches!(f["severity"].as_str(), Some("high" | "critical"))
        })
        .count();
    assert!(high_fails > 0);
    assert_eq!(
        findings.requests().len(),
        high_fails,
        "first stored run: every FAIL is new"
    );
    // The same audit again: nothing is new, so no finding is sent; the health event still is.
    let r = run(dir.path(), "en", &args, &[]);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    assert_eq!(findings.requests().len(), high_fails, "{}", r.stderr);
    assert_eq!(health.requests().len(), 2);
}

#[test]
fn sns_on_moto_reaches_a_subscribed_queue() {
    if !yagura_testkit::moto_available() {
        return;
    }
    let moto = yagura_testkit::Moto::start();
    let setup = r#"
import boto3, json, sys
kw = dict(endpoint_url=sys.argv[1], region_name="ap-northeast-1", aws_access_key_id="testing", aws_secret_access_key="testing")
sns, sqs = boto3.client("sns", **kw), boto3.client("sqs", **kw)
topic = sns.create_topic(Name="yagura-alarms")["TopicArn"]
q = sqs.create_queue(QueueName="alarms")["QueueUrl"]
qarn = sqs.get_queue_attributes(QueueUrl=q, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=qarn)
print(json.dumps({"topic": topic, "queue": q}))
"#;
    let py = yagura_testkit::venv().join("bin/python");
    let out = Command::new(&py)
        .args(["-c", setup, &moto.endpoint()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("notify.yaml");
    std::fs::write(
        &cfg,
        format!(
            "version: 1\n{FAST}destinations:\n  - name: alarms\n    kind: sns\n    topic_arn: {}\n    min_severity: high\n",
            v["topic"].as_str().unwrap()
        ),
    )
    .unwrap();
    let env = [
        ("AWS_ENDPOINT_URL", moto.endpoint()),
        ("AWS_ACCESS_KEY_ID", "testing".to_string()),
        ("AWS_SECRET_ACCESS_KEY", "testing".to_string()),
        ("AWS_REGION", "ap-northeast-1".to_string()),
        ("AWS_CONFIG_FILE", "/nonexistent".to_string()),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent".to_string()),
        ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
    ];
    let r = run(
        dir.path(),
        "ja",
        &["notify", "test", "--config", cfg.to_str().unwrap()],
        &env,
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("`alarms`(`sns`): メッセージ 1 件を配信しました"),
        "{}",
        r.stdout
    );
    let receive = r#"
import boto3, json, sys
kw = dict(endpoint_url=sys.argv[1], region_name="ap-northeast-1", aws_access_key_id="testing", aws_secret_access_key="testing")
sqs = boto3.client("sqs", **kw)
msgs = sqs.receive_message(QueueUrl=sys.argv[2], MaxNumberOfMessages=10, MessageAttributeNames=["All"]).get("Messages", [])
print(json.dumps([json.loads(m["Body"]) for m in msgs]))
"#;
    let out = Command::new(&py)
        .args([
            "-c",
            receive,
            &moto.endpoint(),
            v["queue"].as_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let msgs: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert_eq!(
        msgs[0]["Subject"],
        "[yagura] CRITICAL: yagura test notification"
    );
    assert!(
        msgs[0]["Message"]
            .as_str()
            .unwrap()
            .contains("yagura テスト通知"),
        "{}",
        msgs[0]
    );
    assert_eq!(
        msgs[0]["MessageAttributes"]["yagura.severity"]["Value"],
        "critical"
    );
}

/// Behind a corporate proxy the webhooks go through it (`HTTP_PROXY`; `HTTPS_PROXY` for https
/// URLs, the same client): with the proxy down nothing is delivered (the variable is read, not
/// bypassed), through a real proxy (proxy.py) the webhook gets its message (issue 19).
#[test]
fn webhooks_go_through_the_proxy_of_the_environment() {
    let Some(proxy) = ForwardProxy::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let hook = HttpSink::start(vec![]);
    let cfg = dir.path().join("notify.yaml");
    std::fs::write(
        &cfg,
        format!(
            "version: 1\n{FAST}destinations:\n  - name: hook\n    kind: webhook\n    url: {}\n",
            hook.url(HOOK_PATH)
        ),
    )
    .unwrap();
    let send = |proxy_url: String| {
        run(
            dir.path(),
            "en",
            &["notify", "test", "--config", cfg.to_str().unwrap()],
            &[("HTTP_PROXY", proxy_url), ("NO_PROXY", String::new())],
        )
    };
    let r = send(format!("http://127.0.0.1:{}", closed_port()));
    assert!(
        r.stdout.contains("hook (webhook): FAILED"),
        "{}\n{}",
        r.stdout,
        r.stderr
    );
    assert!(hook.requests().is_empty(), "the proxy was bypassed");
    let r = send(proxy.url());
    assert!(
        r.stdout.contains("hook (webhook): delivered 1 message(s)"),
        "{}\n{}",
        r.stdout,
        r.stderr
    );
    assert_eq!(hook.requests().len(), 1);
    assert_eq!(hook.requests()[0].method, "POST");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let line = format!("POST 127.0.0.1:{}{HOOK_PATH}", hook.port);
    while !proxy.log().contains(&line) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(proxy.log().contains(&line), "{}", proxy.log());
    assert_no_secret(&r, &["T0SECRET", "hooksecretpart"]);
}

/// SMTP over TLS on lettre, against aiosmtpd with a certificate of a test CA (made with the
/// `openssl` command line): STARTTLS with the CA as `ca_file`, SMTPS from the first byte, AUTH
/// XOAUTH2 with an access token; a destination that asks for STARTTLS from a server that does
/// not offer it fails and is never downgraded; an unknown CA fails the handshake.
#[test]
fn smtp_over_starttls_and_tls_with_plain_and_xoauth2_logins() {
    if !common::aiosmtpd_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = common::test_certificates(dir.path());
    let (cert, key) = (cert.to_str().unwrap(), key.to_str().unwrap());
    const TOKEN: &str = "ya29.oauth-access-token-77";
    let starttls = SmtpSink::start_with(
        0,
        Some(("alerts", PASSWORD)),
        &[
            ("SMTP_SINK_TLS", "starttls"),
            ("SMTP_SINK_CERT", cert),
            ("SMTP_SINK_KEY", key),
        ],
    );
    let smtps = SmtpSink::start_with(
        0,
        Some(("alerts@example.com", "unused")),
        &[
            ("SMTP_SINK_TLS", "tls"),
            ("SMTP_SINK_CERT", cert),
            ("SMTP_SINK_KEY", key),
            ("SMTP_SINK_XOAUTH2", TOKEN),
        ],
    );
    let plain = SmtpSink::start(0, None);
    let other_ca = SmtpSink::start_with(
        0,
        None,
        &[
            ("SMTP_SINK_TLS", "tls"),
            ("SMTP_SINK_CERT", cert),
            ("SMTP_SINK_KEY", key),
        ],
    );
    let dest = |name: &str, port: u16, rest: &str| {
        format!(
            "  - name: {name}\n    kind: smtp\n    host: 127.0.0.1\n    port: {port}\n{rest}    from: yagura@example.com\n    to: [sre@example.com]\n"
        )
    };
    let ca = ca.to_str().unwrap();
    let yaml = format!(
        "version: 1\n{FAST}  attempts: 1\ndestinations:\n{}{}{}{}",
        dest(
            "mail-starttls",
            starttls.port,
            &format!("    security: starttls\n    ca_file: {ca}\n    username: alerts\n    password_env: TEST_SMTP_PASSWORD\n")
        ),
        dest(
            "mail-oauth",
            smtps.port,
            &format!("    security: tls\n    ca_file: {ca}\n    auth: xoauth2\n    username: alerts@example.com\n    password_env: TEST_SMTP_TOKEN\n")
        ),
        dest("mail-no-starttls", plain.port, "    security: starttls\n"),
        dest("mail-unknown-ca", other_ca.port, "    security: tls\n"),
    );
    let cfg = dir.path().join("notify.yaml");
    std::fs::write(&cfg, yaml).unwrap();
    let r = run(
        dir.path(),
        "en",
        &[
            "notify",
            "test",
            "--config",
            cfg.to_str().unwrap(),
            "--severity",
            "high",
        ],
        &[
            ("TEST_SMTP_PASSWORD", PASSWORD.to_string()),
            ("TEST_SMTP_TOKEN", TOKEN.to_string()),
        ],
    );
    let lines: Vec<&str> = r.stdout.lines().collect();
    for ok in ["mail-starttls", "mail-oauth"] {
        assert!(
            lines.contains(&format!("{ok} (smtp): delivered 1 message(s) (1 attempt(s))").as_str()),
            "{}\n{}",
            r.stdout,
            r.stderr
        );
    }
    for bad in ["mail-no-starttls", "mail-unknown-ca"] {
        assert!(
            r.stdout.contains(&format!("{bad} (smtp): FAILED")),
            "{}\n{}",
            r.stdout,
            r.stderr
        );
    }
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert_no_secret(&r, &[PASSWORD, TOKEN]);
    for s in [&starttls, &smtps] {
        let m = &s.messages(1)[0];
        assert_eq!(m["authenticated"], true, "{m}");
        assert!(m["subject"]
            .as_str()
            .unwrap()
            .contains("yagura test notification"));
    }
    assert!(plain.messages(0).is_empty(), "nothing sent in plain text");
}
