//! `credential_process` as a source: runs the command as the AWS CLI does and reads its JSON
//! (`Version` 1, `AccessKeyId`, `SecretAccessKey`, optional `SessionToken` and `Expiration`).
//!
//! The command runs with `sh -c`, standard input and error inherited (so a tool that asks for
//! a code on the terminal can), standard output read up to 64 KiB and never quoted in an error
//! (it holds secrets). A command that calls yagura which calls the command again would loop:
//! every run raises `YAGURA_CREDENTIAL_PROCESS_DEPTH`, and yagura refuses past
//! [`MAX_DEPTH`].

use std::io::Read;
use std::process::{Command, Stdio};

use jiff::Timestamp;
use serde::Deserialize;

use crate::credentials::Credentials;
use yagura_core::Secret;

/// The environment variable counting nested `credential_process` runs.
pub const DEPTH_VAR: &str = "YAGURA_CREDENTIAL_PROCESS_DEPTH";
/// Nested runs allowed.
pub const MAX_DEPTH: u32 = 4;
/// Largest output read.
const MAX_OUTPUT: u64 = 64 * 1024;

/// Why the process gave no credentials.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProcessError {
    #[error("credential_process `{command}`: cannot run it: {source}")]
    Spawn {
        command: String,
        source: std::io::Error,
    },
    #[error("credential_process `{command}` failed ({status})")]
    Failed { command: String, status: String },
    #[error("credential_process `{command}` printed no valid credentials: {reason} (the output is not shown: it may hold secrets)")]
    BadOutput { command: String, reason: String },
    #[error("credential_process runs nested more than {MAX_DEPTH} deep: a profile's `credential_process` calls yagura for a profile that runs it again")]
    Loop,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Output {
    version: u32,
    access_key_id: String,
    secret_access_key: Secret,
    #[serde(default)]
    session_token: Option<Secret>,
    #[serde(default)]
    expiration: Option<String>,
}

/// Reads a `credential_process` output (the AWS CLI's rules: `Version` 1; the keys non-empty;
/// `Expiration` RFC 3339 when present). The reason never quotes the input.
pub fn parse_output(text: &str) -> Result<Credentials, String> {
    let o: Output = serde_json::from_str(text).map_err(|e| crate::fsutil::json_error_text(&e))?;
    if o.version != 1 {
        return Err(format!("`Version` is {}, expected 1", o.version));
    }
    if o.access_key_id.is_empty() || o.secret_access_key.is_empty() {
        return Err("`AccessKeyId` or `SecretAccessKey` is empty".to_string());
    }
    let expiration = match o.expiration.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(e) => Some(
            e.parse::<Timestamp>()
                .map_err(|_| "`Expiration` is not an RFC 3339 time".to_string())?,
        ),
    };
    Ok(Credentials {
        access_key_id: o.access_key_id,
        secret_access_key: o.secret_access_key,
        session_token: o.session_token.filter(|t| !t.is_empty()),
        expiration,
    })
}

/// The current nesting depth (from the environment).
pub fn depth() -> u32 {
    std::env::var(DEPTH_VAR)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Runs `command` and reads its credentials.
pub fn run(command: &str) -> Result<Credentials, ProcessError> {
    let d = depth();
    if d >= MAX_DEPTH {
        return Err(ProcessError::Loop);
    }
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(command)
        .env(DEPTH_VAR, (d + 1).to_string())
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|source| ProcessError::Spawn {
            command: command.to_string(),
            source,
        })?;
    let mut out = String::new();
    let read = match child.stdout.take() {
        Some(s) => s.take(MAX_OUTPUT).read_to_string(&mut out).map(|_| ()),
        None => Ok(()),
    };
    let status = child.wait().map_err(|source| ProcessError::Spawn {
        command: command.to_string(),
        source,
    })?;
    if !status.success() {
        return Err(ProcessError::Failed {
            command: command.to_string(),
            status: status.to_string(),
        });
    }
    read.map_err(|e| ProcessError::BadOutput {
        command: command.to_string(),
        reason: format!("cannot read it: {e}"),
    })?;
    parse_output(&out).map_err(|reason| ProcessError::BadOutput {
        command: command.to_string(),
        reason,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn outputs() {
        let ok = parse_output(
            r#"{"Version":1,"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"s3cr3t","SessionToken":"tok","Expiration":"2026-11-24T12:00:00Z"}"#,
        )
        .unwrap();
        assert_eq!(ok.access_key_id, "ASIAEXAMPLE");
        assert!(ok.expiration.is_some());
        let long =
            parse_output(r#"{"Version":1,"AccessKeyId":"AKIAEXAMPLE","SecretAccessKey":"s"}"#)
                .unwrap();
        assert!(long.session_token.is_none() && long.expiration.is_none());
        for (bad, want) in [
            (
                r#"{"Version":2,"AccessKeyId":"a","SecretAccessKey":"b"}"#,
                "expected 1",
            ),
            (
                r#"{"Version":1,"AccessKeyId":"","SecretAccessKey":"b"}"#,
                "empty",
            ),
            (
                r#"{"Version":1,"AccessKeyId":"a","SecretAccessKey":"b","Expiration":"later"}"#,
                "RFC 3339",
            ),
            (r#"{"Version":1,"AccessKeyId":"a"}"#, "missing field"),
            ("not json hunter2", "not valid JSON"),
            (r#"{"Version":"hunter2"}"#, "wrong type"),
        ] {
            let e = parse_output(bad).unwrap_err();
            assert!(e.contains(want), "{bad}: {e}");
            assert!(!e.contains("hunter2"), "{e}");
        }
    }
}
