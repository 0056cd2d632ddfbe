//! The dispatcher against real local servers: an HTTP server as Slack and as a webhook
//! receiver (one that fails then recovers, one that stays down), aiosmtpd as the SMTP sink,
//! and a fake SNS publisher. Secrets are checked on every output.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use yagura_testkit::sinks as common;

use common::{closed_port, HttpSink, Reply, SmtpSink};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use yagura_core::{Finding, Lang, Severity, Status, Text};
use yagura_notify::{
    Config, Dispatcher, Kind, Notification, Outcome, PublishError, Publisher, SnsMessage,
};

const HOOK_PATH: &str = "/services/T0SECRET/B0SECRET/hooksecretpart";

fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: BTreeMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| map.get(k).cloned()
}

fn config(yaml: &str, vars: &[(&str, &str)]) -> Config {
    Config::parse("notify.yaml", yaml, &env(vars)).unwrap_or_else(|e| panic!("{e}"))
}

/// Fast retries for tests.
const FAST: &str =
    "settings:\n  initial_backoff_ms: 10\n  max_backoff_ms: 50\n  timeout_seconds: 5\n";

fn note(sev: Severity, title: &str) -> Notification {
    let f = Finding::new(
        "iam-user-created",
        Status::Fail,
        sev,
        "arn:aws:iam::123456789012:user/mallory",
        "123456789012",
        "us-east-1",
        Text::owned(format!("{title} happened"), format!("{title} が起きました")),
    )
    .with_evidence("title", title.to_string());
    let mut n = Notification::from_finding(Kind::Detection, &f, None);
    n.events = vec!["2026-01-01T00:00:00Z iam:CreateUser by root from 203.0.113.9".to_string()];
    n
}

#[tokio::test]
async fn slack_and_a_signed_webhook_receive_json() {
    let slack = HttpSink::start(vec![]);
    let hook = HttpSink::start(vec![]);
    let yaml = format!(
        "version: 1\n{FAST}destinations:\n  - name: sre-slack\n    kind: slack\n    url_env: SLACK_URL\n    min_severity: high\n  - name: siem\n    kind: webhook\n    url: {}\n    headers_env:\n      Authorization: SIEM_TOKEN\n    headers:\n      X-Team: sre\n    secret_env: SIEM_HMAC\n    min_severity: low\n",
        hook.url("/ingest")
    );
    let cfg = config(
        &yaml,
        &[
            ("SLACK_URL", &slack.url(HOOK_PATH)),
            ("SIEM_TOKEN", "Bearer tok-123456"),
            ("SIEM_HMAC", "hmac-key-98765"),
        ],
    );
    let d = Dispatcher::new(cfg, Lang::En, None);
    let report = d
        .dispatch(&[
            note(Severity::Critical, "Root login"),
            note(Severity::Low, "Noise"),
        ])
        .await;
    assert_eq!(report.failed(), 0, "{report:?}");

    let s = slack.requests();
    assert_eq!(
        s.len(),
        1,
        "only the critical one reaches min_severity high"
    );
    assert_eq!(s[0].path, HOOK_PATH);
    let body = s[0].json();
    assert!(body["text"]
        .as_str()
        .unwrap()
        .contains("CRITICAL: Root login"));
    let blocks = body["blocks"].as_array().unwrap();
    assert_eq!(blocks[0]["type"], "header");
    assert!(body.to_string().contains("iam:CreateUser"));

    let h = hook.requests();
    assert_eq!(h.len(), 2);
    assert_eq!(h[0].header("authorization"), Some("Bearer tok-123456"));
    assert_eq!(h[0].header("x-team"), Some("sre"));
    let sig = h[0].header("x-yagura-signature-256").unwrap();
    assert_eq!(
        sig,
        yagura_notify::sign(b"hmac-key-98765", h[0].body.as_bytes())
    );
    let j = h[0].json();
    assert_eq!(j["type"], "notification");
    assert_eq!(j["notification"]["severity"], "critical");
    assert_eq!(j["notification"]["kind"], "detection");
    assert_eq!(h[1].json()["notification"]["severity"], "low");
}

#[tokio::test]
async fn a_destination_that_fails_then_recovers_is_delivered_after_retries() {
    // 500, then 429 with Retry-After: 1, then 200.
    let flaky = HttpSink::start(vec![Reply::Status(500), Reply::TooMany(1)]);
    let yaml = format!(
        "version: 1\n{FAST}destinations:\n  - name: flaky\n    kind: slack\n    url: {}\n    min_severity: info\n",
        flaky.url(HOOK_PATH)
    );
    let d = Dispatcher::new(config(&yaml, &[]), Lang::En, None);
    let started = std::time::Instant::now();
    let report = d.dispatch(&[note(Severity::High, "x")]).await;
    let r = &report.destinations[0];
    assert_eq!(r.outcome(), Outcome::Delivered, "{r:?}");
    assert_eq!(r.attempts, 3);
    assert_eq!(flaky.requests().len(), 3);
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(1),
        "Retry-After was honoured"
    );
}

#[tokio::test]
async fn a_destination_that_stays_down_fails_alone() {
    let ok = HttpSink::start(vec![]);
    let erroring = HttpSink::start(vec![Reply::Status(503); 10]);
    let down = closed_port();
    let yaml = format!(
        "version: 1\n{FAST}destinations:\n  - name: down-hook\n    kind: webhook\n    url: http://127.0.0.1:{down}{HOOK_PATH}\n    min_severity: info\n  - name: erroring\n    kind: slack\n    url: {}\n    min_severity: info\n  - name: good\n    kind: slack\n    url: {}\n    min_severity: info\n",
        erroring.url(HOOK_PATH),
        ok.url(HOOK_PATH)
    );
    let d = Dispatcher::new(config(&yaml, &[]), Lang::En, None);
    let notes = vec![note(Severity::High, "a"), note(Severity::High, "b")];
    let report = d.dispatch(&notes).await;
    let by: BTreeMap<&str, _> = report
        .destinations
        .iter()
        .map(|r| (r.name.as_str(), r))
        .collect();
    assert_eq!(by["down-hook"].outcome(), Outcome::Failed);
    assert_eq!(by["down-hook"].attempts, 4, "default attempts");
    assert!(by["down-hook"]
        .error
        .as_ref()
        .unwrap()
        .contains("cannot connect"));
    assert_eq!(by["erroring"].outcome(), Outcome::Failed);
    assert!(by["erroring"].error.as_ref().unwrap().contains("HTTP 503"));
    assert_eq!(
        erroring.requests().len(),
        4,
        "the second message is not tried"
    );
    assert_eq!(by["good"].outcome(), Outcome::Delivered);
    assert_eq!(ok.requests().len(), 2);
    assert_eq!(report.failed(), 2);
    let all = format!("{report:?} {}", serde_json::to_string(&report).unwrap());
    assert!(!all.contains("hooksecretpart"), "{all}");
    assert!(
        !all.contains(&down.to_string()) || !all.contains(HOOK_PATH),
        "{all}"
    );
}

#[tokio::test]
async fn a_client_error_is_not_retried() {
    let gone = HttpSink::start(vec![Reply::Status(404)]);
    let yaml = format!(
        "version: 1\n{FAST}destinations:\n  - name: gone\n    kind: slack\n    url: {}\n",
        gone.url(HOOK_PATH)
    );
    let d = Dispatcher::new(config(&yaml, &[]), Lang::En, None);
    let report = d.dispatch(&[note(Severity::Critical, "x")]).await;
    assert_eq!(report.destinations[0].attempts, 1);
    assert_eq!(report.destinations[0].outcome(), Outcome::Failed);
}

#[tokio::test]
async fn thresholds_and_kinds_filter() {
    let sink = HttpSink::start(vec![]);
    let yaml = format!(
        "version: 1\n{FAST}destinations:\n  - name: health-only\n    kind: webhook\n    url: {}\n    min_severity: low\n    kinds: [health_event]\n",
        sink.url("/h")
    );
    let d = Dispatcher::new(config(&yaml, &[]), Lang::En, None);
    let health = Notification::health_event(
        "123456789012",
        &yagura_inventory::HealthEvent {
            arn: "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/x".into(),
            service: "EC2".into(),
            event_type: "AWS_EC2_OPERATIONAL_ISSUE".into(),
            region: "us-east-1".into(),
            status: "open".into(),
            start_time: None,
        },
    );
    let notes = vec![
        note(Severity::Critical, "detection"),
        health,
        note(Severity::Info, "info"),
    ];
    let report = d.dispatch(&notes).await;
    assert_eq!(report.destinations[0].matched, 1);
    let r = sink.requests();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].json()["notification"]["kind"], "health_event");
    assert_eq!(r[0].json()["notification"]["severity"], "high");
}

#[tokio::test]
async fn ten_thousand_detections_make_one_digest() {
    let slack = HttpSink::start(vec![]);
    let yaml = format!(
        "version: 1\n{FAST}  max_per_run: 20\ndestinations:\n  - name: sre-slack\n    kind: slack\n    url: {}\n    min_severity: low\n",
        slack.url(HOOK_PATH)
    );
    let d = Dispatcher::new(config(&yaml, &[]), Lang::En, None);
    let mut notes: Vec<Notification> = (0..9_999)
        .map(|i| note(Severity::Medium, &format!("burst {i}")))
        .collect();
    notes.push(note(Severity::Critical, "the real alarm"));
    let report = d.dispatch(&notes).await;
    let r = &report.destinations[0];
    assert!(r.digest);
    assert_eq!((r.matched, r.messages, r.delivered), (10_000, 1, 1));
    let reqs = slack.requests();
    assert_eq!(reqs.len(), 1);
    let body = reqs[0].body.clone();
    assert!(body.contains("10000 notifications"), "{body}");
    assert!(body.contains("CRITICAL 1, MEDIUM 9999"), "{body}");
    // The real alarm comes first, not buried under the noise.
    let first = body.find("the real alarm").unwrap();
    assert!(first < body.find("burst 0").unwrap());
    assert!(body.contains("and 9980 more"), "{body}");
    assert!(body.len() < 40_000, "a digest stays small: {}", body.len());
}

/// Microsoft Teams: a local server receives the real Adaptive Card message, in Japanese, with
/// every outside string escaped for the card's Markdown (no link, no emphasis, no control).
#[tokio::test]
async fn teams_receives_an_adaptive_card() {
    let teams = HttpSink::start(vec![]);
    let yaml = format!(
        "version: 1\n{FAST}destinations:\n  - name: ops-teams\n    kind: teams\n    url: {}\n    min_severity: info\n",
        teams.url(HOOK_PATH)
    );
    let d = Dispatcher::new(config(&yaml, &[]), Lang::Ja, None);
    let mut n = note(
        Severity::High,
        "[click](https://evil.example) **now** <at>all</at>",
    );
    n.resource = "arn:x`code`\u{1b}[31m_y_".to_string();
    let report = d.dispatch(&[n]).await;
    let r = &report.destinations[0];
    assert_eq!(r.outcome(), Outcome::Delivered, "{r:?}");
    let reqs = teams.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].path, HOOK_PATH);
    let body = reqs[0].json();
    assert_eq!(body["type"], "message");
    let att = &body["attachments"][0];
    assert_eq!(
        att["contentType"],
        "application/vnd.microsoft.card.adaptive"
    );
    let card = &att["content"];
    assert_eq!(card["type"], "AdaptiveCard");
    assert_eq!(card["version"], "1.4");
    let text = serde_json::to_string(&card["body"]).unwrap();
    assert!(text.contains("重要度"), "{text}");
    assert!(!text.contains("重大度"), "{text}");
    // the outside strings arrive escaped: shown as written, never a link or emphasis
    assert!(
        text.contains(r"\\[click\\]\\(https://evil\\.example\\)"),
        "{text}"
    );
    assert!(text.contains(r"\\*\\*now\\*\\*"), "{text}");
    assert!(text.contains(r"\\`code\\`"), "{text}");
    assert!(!text.contains("\\u001b"), "{text}");
}

#[tokio::test]
async fn hostile_strings_are_escaped_for_slack() {
    let slack = HttpSink::start(vec![]);
    let yaml = format!(
        "version: 1\n{FAST}destinations:\n  - name: s\n    kind: slack\n    url: {}\n    min_severity: info\n",
        slack.url(HOOK_PATH)
    );
    let d = Dispatcher::new(config(&yaml, &[]), Lang::En, None);
    let mut n = note(
        Severity::High,
        "<!channel> <https://evil.example|click> & more",
    );
    n.resource = "arn:x`<!here>`\u{1b}[31m".to_string();
    d.dispatch(&[n]).await;
    let body = slack.requests()[0].json();
    // Slack parses links and mentions in the fallback `text` and in mrkdwn, not in plain_text.
    let mut parsed = vec![body["text"].as_str().unwrap().to_string()];
    for b in body["blocks"].as_array().unwrap() {
        if b["text"]["type"] == "mrkdwn" {
            parsed.push(b["text"]["text"].as_str().unwrap().to_string());
        }
        for f in b["fields"].as_array().into_iter().flatten() {
            parsed.push(f["text"].as_str().unwrap().to_string());
        }
    }
    let all = parsed.join("\n");
    assert!(!all.contains("<!channel>"), "{all}");
    assert!(!all.contains("<!here>"), "{all}");
    assert!(!all.contains("<https://evil"), "{all}");
    assert!(!all.contains('\u{1b}'), "{all}");
    assert!(all.contains("&lt;!channel&gt;"), "{all}");
}

struct FakeSns {
    calls: AtomicUsize,
    fail_first: usize,
    seen: Mutex<Vec<SnsMessage>>,
}

impl Publisher for FakeSns {
    fn publish<'a>(
        &'a self,
        msg: &'a SnsMessage,
    ) -> futures::future::BoxFuture<'a, Result<String, PublishError>> {
        Box::pin(async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            if n < self.fail_first {
                return Err(PublishError {
                    message: "Throttling: Rate exceeded".into(),
                    transient: true,
                });
            }
            self.seen.lock().unwrap().push(msg.clone());
            Ok(format!("msg-{n}"))
        })
    }
}

#[tokio::test]
async fn sns_goes_through_the_publisher_with_retries() {
    let fake = Arc::new(FakeSns {
        calls: AtomicUsize::new(0),
        fail_first: 1,
        seen: Mutex::default(),
    });
    let yaml = format!(
        "version: 1\n{FAST}destinations:\n  - name: alarms\n    kind: sns\n    topic_arn: arn:aws:sns:ap-northeast-1:123456789012:alarms\n    min_severity: medium\n"
    );
    let d = Dispatcher::new(config(&yaml, &[]), Lang::Ja, Some(fake.clone()));
    let report = d.dispatch(&[note(Severity::High, "ルート利用")]).await;
    assert_eq!(report.destinations[0].outcome(), Outcome::Delivered);
    assert_eq!(report.destinations[0].attempts, 2);
    let seen = fake.seen.lock().unwrap();
    assert_eq!(seen[0].region, "ap-northeast-1");
    assert!(seen[0].subject.is_ascii() && seen[0].subject.len() < 100);
    assert!(
        seen[0].message.contains("ルート利用 が起きました"),
        "{}",
        seen[0].message
    );
    assert!(seen[0].message.contains("推奨対応") || seen[0].message.contains("重要度"));
    assert!(seen[0]
        .attributes
        .contains(&("yagura.severity".to_string(), "high".to_string())));
}

#[tokio::test]
async fn sns_without_a_publisher_is_reported_not_fatal() {
    let yaml = format!(
        "version: 1\n{FAST}destinations:\n  - name: alarms\n    kind: sns\n    topic_arn: arn:aws:sns:us-east-1:123456789012:alarms\n"
    );
    let d = Dispatcher::new(config(&yaml, &[]), Lang::En, None);
    let report = d.dispatch(&[note(Severity::High, "x")]).await;
    assert_eq!(report.destinations[0].outcome(), Outcome::Failed);
}

#[tokio::test]
async fn smtp_with_auth_through_a_sink_that_refuses_then_accepts() {
    if !common::aiosmtpd_available() {
        return;
    }
    let sink = SmtpSink::start(1, Some(("alerts", "s3cret-pass-4242")));
    let yaml = format!(
        "version: 1\n{FAST}destinations:\n  - name: mail\n    kind: smtp\n    host: 127.0.0.1\n    port: {}\n    security: none\n    username: alerts\n    password_env: SMTP_PASSWORD\n    from: yagura@example.com\n    to: [sre@example.com, oncall@example.com]\n    min_severity: high\n",
        sink.port
    );
    let d = Dispatcher::new(
        config(&yaml, &[("SMTP_PASSWORD", "s3cret-pass-4242")]),
        Lang::Ja,
        None,
    );
    let mut n = note(Severity::Critical, "<script>alert(1)</script> ルート利用");
    n.resource = "arn:aws:iam::123456789012:user/<b>x</b>".to_string();
    let report = d.dispatch(&[n, note(Severity::Low, "noise")]).await;
    let r = &report.destinations[0];
    assert_eq!(r.outcome(), Outcome::Delivered, "{r:?}");
    assert_eq!(r.attempts, 2, "451 first, then accepted");
    let msgs = sink.messages(1);
    assert_eq!(msgs.len(), 1, "the low one is below the threshold");
    let m = &msgs[0];
    assert_eq!(m["authenticated"], true);
    assert_eq!(
        m["rcpt_tos"],
        serde_json::json!(["sre@example.com", "oncall@example.com"])
    );
    assert!(
        m["subject"]
            .as_str()
            .unwrap()
            .contains("CRITICAL: <script>alert(1)</script> ルート利用"),
        "{m}"
    );
    let html = m["html"].as_str().unwrap();
    assert!(!html.contains("<script>"), "{html}");
    assert!(html.contains("&lt;script&gt;"), "{html}");
    assert!(html.contains("&lt;b&gt;x&lt;/b&gt;"), "{html}");
    assert!(
        m["text"].as_str().unwrap().contains("推奨対応")
            || m["text"].as_str().unwrap().contains("重要度")
    );
    assert!(!m["raw"].as_str().unwrap().contains("s3cret-pass-4242"));
}

#[tokio::test]
async fn smtp_with_a_wrong_password_fails_without_showing_it() {
    if !common::aiosmtpd_available() {
        return;
    }
    let sink = SmtpSink::start(0, Some(("alerts", "right-password")));
    let yaml = format!(
        "version: 1\n{FAST}destinations:\n  - name: mail\n    kind: smtp\n    host: 127.0.0.1\n    port: {}\n    security: none\n    username: alerts\n    password: wrong-password-777\n    from: yagura@example.com\n    to: [sre@example.com]\n",
        sink.port
    );
    let d = Dispatcher::new(config(&yaml, &[]), Lang::En, None);
    let report = d.dispatch(&[note(Severity::Critical, "x")]).await;
    let r = &report.destinations[0];
    assert_eq!(r.outcome(), Outcome::Failed);
    assert_eq!(r.attempts, 1, "535 is permanent: {r:?}");
    let e = r.error.clone().unwrap();
    // lettre's error: the server's answer to the login (535 5.7.8 …), without the password.
    assert!(e.contains("535") && e.contains("Authentication"), "{e}");
    assert!(!format!("{report:?}").contains("wrong-password-777"));
}

// ------------------------------------------------------------------------------ config file

fn parse_err(yaml: &str, vars: &[(&str, &str)]) -> String {
    Config::parse("notify.yaml", yaml, &env(vars))
        .map(|_| ())
        .unwrap_err()
        .to_string()
}

#[test]
fn config_errors_name_file_line_and_column_and_never_a_secret() {
    let e = parse_err(
        "version: 1\ndestinations:\n  - name: a\n    kind: slack\n    url: https://hooks.example.com/x/y/z\n    min_severity: severe\n",
        &[],
    );
    assert!(e.starts_with("notify.yaml:6:19: "), "{e}");
    assert!(e.contains("unknown severity `severe`"), "{e}");

    let e = parse_err(
        "version: 1\ndestinations:\n  - name: a\n    kind: slack\n    url_env: NOT_SET_ANYWHERE\n",
        &[],
    );
    assert!(e.starts_with("notify.yaml:5:5: destination `a`:"), "{e}");
    assert!(
        e.contains("`NOT_SET_ANYWHERE`") && e.contains("not set"),
        "{e}"
    );

    let e = parse_err(
        "version: 1\ndestinations:\n  - name: a\n    kind: discord\n",
        &[],
    );
    assert!(e.starts_with("notify.yaml:4:11: "), "{e}");

    let e = parse_err(
        "version: 1\ndestinations:\n  - name: a\n    kind: webhook\n    url: http://hooks.example.com/very-secret-path\n",
        &[],
    );
    assert!(e.starts_with("notify.yaml:5:5: destination `a`:"), "{e}");
    assert!(e.contains("plain http"), "{e}");
    assert!(!e.contains("very-secret-path"), "{e}");

    let e = parse_err(
        "version: 1\ndestinations:\n  - name: a\n    kind: slack\n    url: https://x.example/1\n  - name: a\n    kind: slack\n    url: https://x.example/2\n",
        &[],
    );
    assert!(e.starts_with("notify.yaml:6:5: "), "{e}");
    assert!(e.contains("already defined at line 3"), "{e}");

    let e = parse_err(
        "version: 1\ndestinations:\n  - name: a\n    kind: slack\n    url: https://x.example/1\n    topic_arn: arn:aws:sns:us-east-1:1:t\n",
        &[],
    );
    assert!(e.starts_with("notify.yaml:6:5: "), "{e}");
    assert!(e.contains("does not apply to a `slack` destination"), "{e}");

    let e = parse_err(
        "version: 1\ndestinations:\n  - name: m\n    kind: smtp\n    host: smtp.example.com\n    security: none\n    username: u\n    password: hunter2-secret\n    from: a@example.com\n    to: [b@example.com]\n",
        &[],
    );
    assert!(e.contains("without TLS"), "{e}");
    assert!(!e.contains("hunter2-secret"), "{e}");

    let e = parse_err(
        "version: 1\ndestinations:\n  - name: m\n    kind: smtp\n    host: smtp.example.com\n    from: a@example.com\n    to: [\"b@example.com\\r\\nDATA\"]\n",
        &[],
    );
    assert!(
        e.contains("recipient 1 is not a plain e-mail address"),
        "{e}"
    );

    let e = parse_err("version: 2\ndestinations: []\n", &[]);
    assert!(e.contains("unsupported version `2`"), "{e}");
}

#[test]
fn debug_of_a_loaded_config_shows_no_secret() {
    let cfg = config(
        "version: 1\ndestinations:\n  - name: a\n    kind: slack\n    url: https://hooks.example.com/services/AAA/BBB/CCCsecret\n  - name: w\n    kind: webhook\n    url_env: HOOK\n    headers:\n      Authorization: Bearer header-secret-1\n    secret: hmac-secret-2\n  - name: m\n    kind: smtp\n    host: smtp.example.com\n    username: u\n    password_env: PW\n    from: a@example.com\n    to: [b@example.com]\n",
        &[("HOOK", "https://h.example/env-secret-3"), ("PW", "pw-secret-4")],
    );
    let dbg = format!("{cfg:?} {cfg:#?}");
    for s in [
        "CCCsecret",
        "header-secret-1",
        "hmac-secret-2",
        "env-secret-3",
        "pw-secret-4",
    ] {
        assert!(!dbg.contains(s), "{s} in {dbg}");
    }
    assert!(dbg.contains("<redacted>"));
}
