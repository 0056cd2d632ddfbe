//! Fleet scans (HOST-07), the SDK side: SSM Run Command sends the scan to every instance with
//! a tag (`AWS-RunShellScript`), SSM writes each instance's output to S3
//! (`PREFIX/COMMAND_ID/INSTANCE_ID/awsrunShellScript/STEP/stdout`), and the outputs are read back
//! from there. What the script is and what the outputs mean is the caller's business.

use crate::{collect_error, local::is_local_endpoint};
use aws_config::SdkConfig;
use std::time::Duration;
use yagura_inventory::CollectError;

/// The largest output object read (a host report with every package is a few MB).
pub const MAX_OUTPUT: usize = 64 << 20;

/// The SSM and S3 clients of a fleet scan (injectable: tests use recorded SSM responses).
#[derive(Debug, Clone)]
pub struct Fleet {
    pub ssm: aws_sdk_ssm::Client,
    pub s3: aws_sdk_s3::Client,
}

/// What to run where.
#[derive(Debug, Clone)]
pub struct FleetRequest {
    /// `tag:KEY` = VALUE selects the instances.
    pub tag_key: String,
    pub tag_value: String,
    /// The shell commands (`AWS-RunShellScript`'s `commands`).
    pub commands: Vec<String>,
    /// Where SSM writes the outputs.
    pub bucket: String,
    pub key_prefix: String,
    /// The script's own time limit on each instance.
    pub execution_timeout: Duration,
    pub comment: String,
    /// The document to run (default `AWS-RunShellScript`).
    pub document: String,
}

/// One instance's invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub instance_id: String,
    /// `Success`, `Failed`, `TimedOut`, `Cancelled`, `InProgress`, …
    pub status: String,
    pub details: String,
}

/// One instance's output object.
#[derive(Debug)]
pub struct HostOutput {
    pub instance_id: String,
    pub key: String,
    pub body: Result<Vec<u8>, CollectError>,
}

/// The instance id in an SSM output key (`…/COMMAND_ID/i-0abc…/awsrunShellScript/…/stdout`).
pub fn instance_of_key(key: &str) -> Option<&str> {
    key.split('/').find(|part| {
        let id = part.strip_prefix("i-").or_else(|| part.strip_prefix("mi-"));
        id.is_some_and(|h| (8..=32).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_hexdigit()))
    })
}

fn terminal(status: &str) -> bool {
    matches!(
        status,
        "Success" | "Failed" | "TimedOut" | "Cancelled" | "Undeliverable" | "Terminated"
    )
}

impl Fleet {
    /// Clients for the configuration's region (path-style S3 on a loopback endpoint).
    pub fn from_config(cfg: &SdkConfig) -> Fleet {
        let local = is_local_endpoint(cfg);
        let s3 = aws_sdk_s3::config::Builder::from(cfg).force_path_style(local);
        Fleet {
            ssm: aws_sdk_ssm::Client::new(cfg),
            s3: aws_sdk_s3::Client::from_conf(s3.build()),
        }
    }

    /// Sends the command to every instance with the tag; returns the command id.
    pub async fn send(&self, req: &FleetRequest) -> Result<String, CollectError> {
        let target = aws_sdk_ssm::types::Target::builder()
            .key(format!("tag:{}", req.tag_key))
            .values(req.tag_value.clone())
            .build();
        let out = self
            .ssm
            .send_command()
            .document_name(&req.document)
            .targets(target)
            .parameters("commands", req.commands.clone())
            .parameters(
                "executionTimeout",
                vec![req.execution_timeout.as_secs().max(60).to_string()],
            )
            .output_s3_bucket_name(&req.bucket)
            .output_s3_key_prefix(&req.key_prefix)
            .comment(req.comment.chars().take(100).collect::<String>())
            .max_concurrency("50")
            // one host failing must not cancel the others
            .max_errors("100%")
            .send()
            .await
            .map_err(|e| collect_error("ssm:SendCommand", e))?;
        out.command()
            .and_then(|c| c.command_id())
            .map(str::to_string)
            .ok_or_else(|| {
                CollectError::new(
                    "ssm:SendCommand",
                    "NoCommandId",
                    "the answer names no command id",
                )
            })
    }

    /// The invocations of a command so far, one per instance.
    pub async fn invocations(&self, command_id: &str) -> Result<Vec<Invocation>, CollectError> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..1000 {
            let page = self
                .ssm
                .list_command_invocations()
                .command_id(command_id)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| collect_error("ssm:ListCommandInvocations", e))?;
            for inv in page.command_invocations() {
                out.push(Invocation {
                    instance_id: inv.instance_id().unwrap_or_default().to_string(),
                    status: inv
                        .status()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    details: inv.status_details().unwrap_or_default().to_string(),
                });
            }
            token = page.next_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        out.sort_by(|a, b| a.instance_id.cmp(&b.instance_id));
        Ok(out)
    }

    /// Waits until the command has ended on every instance (or `limit` has passed), polling
    /// every `every`; returns the last invocations seen.
    pub async fn wait(
        &self,
        command_id: &str,
        limit: Duration,
        every: Duration,
        progress: &mut (dyn FnMut(&[Invocation]) + Send),
    ) -> Result<Vec<Invocation>, CollectError> {
        let start = tokio::time::Instant::now();
        loop {
            let status = self
                .ssm
                .list_commands()
                .command_id(command_id)
                .send()
                .await
                .map_err(|e| collect_error("ssm:ListCommands", e))?;
            let done = status
                .commands()
                .first()
                .and_then(|c| c.status())
                .is_some_and(|s| terminal(s.as_str()));
            let inv = self.invocations(command_id).await?;
            progress(&inv);
            if done || (!inv.is_empty() && inv.iter().all(|i| terminal(&i.status))) {
                return Ok(inv);
            }
            if start.elapsed() >= limit {
                return Ok(inv);
            }
            tokio::time::sleep(every).await;
        }
    }

    /// Every `stdout` object under a prefix, read (at most [`MAX_OUTPUT`] bytes each).
    pub async fn outputs(
        &self,
        bucket: &str,
        prefix: &str,
    ) -> Result<Vec<HostOutput>, CollectError> {
        let mut keys = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..10_000 {
            let page = self
                .s3
                .list_objects_v2()
                .bucket(bucket)
                .prefix(prefix)
                .set_continuation_token(token.take())
                .send()
                .await
                .map_err(|e| collect_error("s3:ListObjectsV2", e))?;
            for o in page.contents() {
                if let Some(k) = o.key() {
                    if k.ends_with("/stdout") {
                        keys.push((k.to_string(), o.size().unwrap_or(0)));
                    }
                }
            }
            token = page.next_continuation_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        keys.sort();
        let mut out = Vec::new();
        for (key, size) in keys {
            let Some(instance_id) = instance_of_key(&key).map(str::to_string) else {
                continue;
            };
            let body = if usize::try_from(size).unwrap_or(usize::MAX) > MAX_OUTPUT {
                Err(CollectError::new(
                    "s3:GetObject",
                    "TooLarge",
                    &format!("s3://{bucket}/{key} is larger than {MAX_OUTPUT} bytes"),
                ))
            } else {
                self.read(bucket, &key).await
            };
            out.push(HostOutput {
                instance_id,
                key,
                body,
            });
        }
        Ok(out)
    }

    async fn read(&self, bucket: &str, key: &str) -> Result<Vec<u8>, CollectError> {
        let obj = self
            .s3
            .get_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| collect_error("s3:GetObject", e))?;
        let bytes = obj.body.collect().await.map_err(|e| {
            CollectError::new("s3:GetObject", "Read", &format!("s3://{bucket}/{key}: {e}"))
        })?;
        let v = bytes.into_bytes().to_vec();
        if v.len() > MAX_OUTPUT {
            return Err(CollectError::new(
                "s3:GetObject",
                "TooLarge",
                &format!("s3://{bucket}/{key} is larger than {MAX_OUTPUT} bytes"),
            ));
        }
        Ok(v)
    }
}
