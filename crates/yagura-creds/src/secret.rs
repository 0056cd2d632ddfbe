//! A string that never reaches a log: `Debug` and `Display` print `***`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A secret value (secret access key, session token, sign-in token, MFA code).
///
/// `Debug` and `Display` print `***`; [`Secret::expose`] is the only way to the value, so every
/// use is visible in review. It serializes as the plain value, for the 0600 cache file only.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value. Never format it into a message or a log line.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Secret {
        Secret(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Secret {
        Secret(s.to_string())
    }
}

/// A JSON error of a document that may hold secrets, without any value from it: serde's own
/// message quotes values (`invalid type: string "…"`), so only a missing field (its name is
/// ours) or the kind of problem and its position are kept.
pub fn json_error_text(e: &serde_json::Error) -> String {
    let m = e.to_string();
    if m.starts_with("missing field `") || m.starts_with("unknown field `") {
        // `missing field `X` at line 1 column 2`: the names are the format's, not values
        if let Some(name) = m.split('`').nth(1) {
            let what = if m.starts_with("missing") {
                "missing"
            } else {
                "unknown"
            };
            return format!(
                "{what} field `{name}` at line {} column {}",
                e.line(),
                e.column()
            );
        }
    }
    let kind = match e.classify() {
        serde_json::error::Category::Syntax => "not valid JSON",
        serde_json::error::Category::Eof => "the JSON ends early",
        serde_json::error::Category::Data => "a value has the wrong type",
        serde_json::error::Category::Io => "cannot be read",
    };
    format!("{kind} at line {} column {}", e.line(), e.column())
}
