#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Fleet scans (HOST-07) through the real SDK clients.
//!
//! RECORDED RESPONSES for SSM: moto's Run Command neither targets instances by tag nor runs the
//! script nor writes outputs to S3, so SendCommand, ListCommands and ListCommandInvocations are
//! recorded responses (aws-smithy-mocks, shaped as the SSM API reference shows them). S3 is
//! moto: the outputs SSM would write (`PREFIX/COMMAND_ID/INSTANCE_ID/awsrunShellScript/
//! 0.awsrunShellScript/stdout`) are put there and read back through the same client code.

use aws_smithy_mocks::{create_mock_http_client, mock, MockResponseInterceptor, RuleMode};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use yagura_collect::fleet::{instance_of_key, Fleet, FleetRequest};

const COMMAND: &str = "8b1d1a2c-3e4f-4a5b-9c6d-7e8f9a0b1c2d";
const HOSTS: [&str; 3] = [
    "i-0aaaaaaaaaaaaaaa1",
    "i-0bbbbbbbbbbbbbbb2",
    "i-0ccccccccccccccc3",
];

fn ssm(sent: Arc<Mutex<Vec<String>>>) -> aws_sdk_ssm::Client {
    use aws_sdk_ssm::operation::list_command_invocations::ListCommandInvocationsOutput;
    use aws_sdk_ssm::operation::list_commands::ListCommandsOutput;
    use aws_sdk_ssm::operation::send_command::SendCommandOutput;
    use aws_sdk_ssm::types::{Command, CommandInvocation, CommandInvocationStatus, CommandStatus};
    let seen = sent.clone();
    let send = mock!(aws_sdk_ssm::Client::send_command)
        .match_requests(move |req| {
            let mut s = seen.lock().unwrap();
            s.push(format!(
                "document={}",
                req.document_name().unwrap_or_default()
            ));
            for t in req.targets() {
                s.push(format!(
                    "target={}={}",
                    t.key().unwrap_or_default(),
                    t.values().join(",")
                ));
            }
            if let Some(p) = req.parameters() {
                for c in p.get("commands").into_iter().flatten() {
                    s.push(format!("command={c}"));
                }
            }
            s.push(format!(
                "output=s3://{}/{}",
                req.output_s3_bucket_name().unwrap_or_default(),
                req.output_s3_key_prefix().unwrap_or_default()
            ));
            s.push(format!(
                "max_errors={}",
                req.max_errors().unwrap_or_default()
            ));
            true
        })
        .then_output(|| {
            SendCommandOutput::builder()
                .command(
                    Command::builder()
                        .command_id(COMMAND)
                        .document_name("AWS-RunShellScript")
                        .status(CommandStatus::Pending)
                        .build(),
                )
                .build()
        });
    let polls = Arc::new(Mutex::new(0usize));
    let p = polls.clone();
    let list = mock!(aws_sdk_ssm::Client::list_commands).then_output(move || {
        let mut n = p.lock().unwrap();
        *n += 1;
        // in progress at the first poll, done at the second
        let status = if *n < 2 {
            CommandStatus::InProgress
        } else {
            CommandStatus::Success
        };
        ListCommandsOutput::builder()
            .commands(
                Command::builder()
                    .command_id(COMMAND)
                    .status(status)
                    .build(),
            )
            .build()
    });
    let polls2 = polls.clone();
    let inv = mock!(aws_sdk_ssm::Client::list_command_invocations).then_output(move || {
        let done = *polls2.lock().unwrap() >= 2;
        let mut out = ListCommandInvocationsOutput::builder();
        for (i, h) in HOSTS.iter().enumerate() {
            let (status, details) = match (done, i) {
                (false, _) => (CommandInvocationStatus::InProgress, "InProgress"),
                (true, 2) => (CommandInvocationStatus::Failed, "Failed"),
                (true, _) => (CommandInvocationStatus::Success, "Success"),
            };
            out = out.command_invocations(
                CommandInvocation::builder()
                    .command_id(COMMAND)
                    .instance_id(*h)
                    .status(status)
                    .status_details(details)
                    .build(),
            );
        }
        out.build()
    });
    let interceptor = MockResponseInterceptor::new()
        .rule_mode(RuleMode::MatchAny)
        .with_rule(&send)
        .with_rule(&list)
        .with_rule(&inv);
    aws_sdk_ssm::Client::from_conf(
        aws_sdk_ssm::Config::builder()
            .behavior_version(aws_sdk_ssm::config::BehaviorVersion::latest())
            .region(aws_sdk_ssm::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_ssm::config::Credentials::new(
                "AKIDEXAMPLE",
                "recorded",
                None,
                None,
                "recorded",
            ))
            .http_client(create_mock_http_client())
            .interceptor(interceptor)
            .build(),
    )
}

#[test]
fn fleet_sends_by_tag_waits_and_reads_each_hosts_output_from_s3() {
    if !yagura_testkit::required_in_ci(yagura_testkit::moto_available(), "moto_server") {
        return;
    }
    let moto = yagura_testkit::Moto::start();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let s3 = {
        let cfg = aws_sdk_s3::Config::builder()
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .region(aws_sdk_s3::config::Region::new("us-east-1"))
            .endpoint_url(moto.endpoint())
            .force_path_style(true)
            .credentials_provider(aws_sdk_s3::config::Credentials::new(
                "AKIAIOSFODNN7EXAMPLE",
                "moto",
                None,
                None,
                "moto",
            ))
            .build();
        aws_sdk_s3::Client::from_conf(cfg)
    };
    let bucket = "fleet-results";
    let prefix = "yagura-fleet/1700000000";
    rt.block_on(async {
        s3.create_bucket().bucket(bucket).send().await.unwrap();
        // what SSM writes: stdout and stderr per instance; the third host failed (stderr only)
        for (i, h) in HOSTS.iter().enumerate() {
            let base = format!("{prefix}/{COMMAND}/{h}/awsrunShellScript/0.awsrunShellScript");
            if i < 2 {
                s3.put_object()
                    .bucket(bucket)
                    .key(format!("{base}/stdout"))
                    .body(format!("{{\"host\": \"{h}\"}}").into_bytes().into())
                    .send()
                    .await
                    .unwrap();
            }
            s3.put_object()
                .bucket(bucket)
                .key(format!("{base}/stderr"))
                .body(b"assessing the root filesystem /".to_vec().into())
                .send()
                .await
                .unwrap();
        }
    });
    let sent = Arc::new(Mutex::new(Vec::new()));
    let fleet = Fleet {
        ssm: ssm(sent.clone()),
        s3,
    };
    let req = FleetRequest {
        tag_key: "Role".to_string(),
        tag_value: "web".to_string(),
        commands: vec![
            "u='https://example.com/yagura'".to_string(),
            "echo {}".to_string(),
        ],
        bucket: bucket.to_string(),
        key_prefix: prefix.to_string(),
        execution_timeout: Duration::from_secs(1800),
        comment: "yagura host fleet".to_string(),
        document: "AWS-RunShellScript".to_string(),
    };
    let (id, inv, outputs) = rt.block_on(async {
        let id = fleet.send(&req).await.unwrap();
        let mut seen_progress = 0;
        let inv = fleet
            .wait(
                &id,
                Duration::from_secs(30),
                Duration::from_millis(10),
                &mut |i| {
                    seen_progress += i.len();
                },
            )
            .await
            .unwrap();
        assert!(seen_progress >= 6, "polled until done");
        let outputs = fleet
            .outputs(bucket, &format!("{prefix}/{id}/"))
            .await
            .unwrap();
        (id, inv, outputs)
    });
    assert_eq!(id, COMMAND);
    let sent = sent.lock().unwrap().clone();
    assert!(
        sent.contains(&"document=AWS-RunShellScript".to_string()),
        "{sent:?}"
    );
    assert!(
        sent.contains(&"target=tag:Role=web".to_string()),
        "{sent:?}"
    );
    assert!(
        sent.contains(&"command=u='https://example.com/yagura'".to_string()),
        "{sent:?}"
    );
    assert!(
        sent.contains(&format!("output=s3://{bucket}/{prefix}")),
        "{sent:?}"
    );
    assert!(sent.contains(&"max_errors=100%".to_string()), "{sent:?}");
    let statuses: Vec<(&str, &str)> = inv
        .iter()
        .map(|i| (i.instance_id.as_str(), i.status.as_str()))
        .collect();
    assert_eq!(
        statuses,
        [
            (HOSTS[0], "Success"),
            (HOSTS[1], "Success"),
            (HOSTS[2], "Failed")
        ]
    );
    let got: Vec<(String, String)> = outputs
        .into_iter()
        .map(|o| (o.instance_id, String::from_utf8(o.body.unwrap()).unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            (
                HOSTS[0].to_string(),
                format!("{{\"host\": \"{}\"}}", HOSTS[0])
            ),
            (
                HOSTS[1].to_string(),
                format!("{{\"host\": \"{}\"}}", HOSTS[1])
            ),
        ]
    );
}

#[test]
fn instance_ids_in_output_keys() {
    assert_eq!(
        instance_of_key(
            "p/run/cmd/i-0123456789abcdef0/awsrunShellScript/0.awsrunShellScript/stdout"
        ),
        Some("i-0123456789abcdef0")
    );
    assert_eq!(
        instance_of_key("p/launch/mi-0123456789abcdef0/awsrunShellScript/user-data/stdout"),
        Some("mi-0123456789abcdef0")
    );
    assert_eq!(instance_of_key("p/run/cmd/i-notanid/stdout"), None);
}
