//! The finding model shared by every yagura capability.
//!
//! A *check* is declared once, with its documentation in English and Japanese, its severity, the
//! SPEC requirements it serves, the compliance controls it maps to and the data it needs
//! ([`CheckMeta`], declared with [`declare_check!`]). Evaluating
//! a check over collected data yields [`Finding`]s: one per (check, resource), each with a
//! [`Status`]. Nothing here does I/O.
// Only the binary prints (ARCHITECTURE.md): a library returns data and typed errors.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod base64;
mod check;
pub mod compliance;
pub mod escape;
mod evidence;
pub mod file;
mod finding;
pub mod message;
mod secret;
mod text;
pub mod yaml;

pub use check::{Catalogue, CheckMeta, Compliance, DuplicateCheck, SourceLocation};
pub use evidence::Evidence;
pub use finding::{Finding, Mute, MuteKind, Status};
pub use message::{Message, Template};
pub use secret::Secret;
pub use text::{Lang, Text};

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How bad a failed check is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown severity name.
#[derive(Debug, thiserror::Error)]
#[error("unknown severity `{0}` (expected critical, high, medium, low or info)")]
pub struct ParseSeverityError(pub String);

impl FromStr for Severity {
    type Err = ParseSeverityError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" | "informational" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" | "moderate" => Ok(Severity::Medium),
            "high" | "important" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            _ => Err(ParseSeverityError(s.to_string())),
        }
    }
}

/// Masks an AWS access key id for display: `AKIA************WXYZ`.
///
/// Access key ids are not secret by themselves but the guideline asks to show them masked.
pub fn mask_key_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars.iter().take(4).collect();
    let tail: String = chars.iter().skip(chars.len() - 4).collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_orders_and_parses() {
        assert!(Severity::Critical > Severity::High);
        assert_eq!("HIGH".parse::<Severity>().ok(), Some(Severity::High));
        assert!("severe".parse::<Severity>().is_err());
    }

    #[test]
    fn key_ids_are_masked() {
        assert_eq!(
            mask_key_id(concat!("AKIA", "ABCDEFGHIJKLWXYZ")),
            "AKIA************WXYZ"
        );
        assert_eq!(mask_key_id("short"), "*****");
    }
}
