//! A secret value: a secret access key, a session or sign-in token, an MFA code, a webhook URL,
//! a password, an HMAC key or a header value. It never shows itself: `Debug` prints
//! `Secret(<redacted>)` and `Display` `<redacted>`; [`Secret::expose`] is the only way to the
//! value, so every use is visible in review.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A secret string. Read it with [`Secret::expose`] only where it is sent or stored. It
/// serializes as the plain value, for yagura's 0600 credential cache only.
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

    /// `text` with every occurrence of the secret (and, for a URL, of its path and query, the
    /// part that is the credential of a Slack or similar webhook) replaced by `<redacted>`.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for part in self.parts() {
            if part.len() >= 4 && out.contains(part) {
                out = out.replace(part, "<redacted>");
            }
        }
        out
    }

    /// The whole value, then the path-and-query of a URL, longest first.
    fn parts(&self) -> Vec<&str> {
        let mut parts = vec![self.0.as_str()];
        if let Some(rest) = self.0.split_once("://").map(|(_, r)| r) {
            if let Some(i) = rest.find(['/', '?']) {
                if let Some(p) = rest.get(i..) {
                    if p.len() > 1 {
                        parts.push(p);
                    }
                }
            }
        }
        parts
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn never_shows_itself() {
        let s = Secret::new("https://hooks.example.com/services/T000/B000/XXXX");
        assert_eq!(format!("{s}"), "<redacted>");
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
        assert_eq!(format!("{:?}", Some(&s)), "Some(Secret(<redacted>))");
        assert!(!Secret::from("x").is_empty());
    }

    #[test]
    fn redacts_the_value_and_a_url_path() {
        let s = Secret::new("https://hooks.example.com/services/T000/B000/XXXX");
        assert_eq!(
            s.redact("error sending to https://hooks.example.com/services/T000/B000/XXXX: 404"),
            "error sending to <redacted>: 404"
        );
        assert_eq!(
            s.redact("GET /services/T000/B000/XXXX failed"),
            "GET <redacted> failed"
        );
        assert_eq!(s.redact("nothing here"), "nothing here");
    }

    #[test]
    fn serializes_as_the_plain_value_for_the_cache() {
        let s = Secret::new("cachedSECRET");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"cachedSECRET\"");
        let back: Secret = serde_json::from_str("\"cachedSECRET\"").unwrap();
        assert_eq!(back, s);
    }
}
