//! One-time codes from a configured command (`yagura_mfa_command = ykman oath accounts code -s aws`).

use std::process::{Command, Stdio};

use crate::flow::validate_mfa_code;
use yagura_core::Secret;

/// Why the configured code command gave no code. Its standard output is never quoted (it
/// may hold a code); its standard error is, shortened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MfaCommandError {
    #[error("cannot run MFA code command `{command}`: {source}")]
    Spawn {
        command: String,
        source: std::io::Error,
    },
    #[error("MFA code command `{command}` failed ({status}): {stderr}")]
    Failed {
        command: String,
        status: String,
        stderr: String,
    },
    #[error("MFA code command `{command}` did not print a 6-digit code on its last line")]
    NoCode { command: String },
}

/// Runs `command` with `sh -c` (no standard input) and reads the code from the last
/// non-empty line of its output.
pub fn code_from_command(command: &str) -> Result<Secret, MfaCommandError> {
    let out = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(|source| MfaCommandError::Spawn {
            command: command.to_string(),
            source,
        })?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let short: String = stderr.trim().chars().take(200).collect();
        return Err(MfaCommandError::Failed {
            command: command.to_string(),
            status: out.status.to_string(),
            stderr: short,
        });
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    // `ykman oath accounts code` prints `NAME  123456`: take the last word
    let word = last.split_whitespace().last().unwrap_or("");
    validate_mfa_code(word).map_err(|_| MfaCommandError::NoCode {
        command: command.to_string(),
    })
}
