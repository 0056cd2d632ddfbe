use crate::{Message, Severity, Text};
pub use compact_str::CompactString;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// The outcome of one check on one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Status {
    Pass,
    Fail,
    /// The data the check needs could not be read; the message says why. Never a pass.
    Unknown,
    /// Only in output: a muted result (see [`Finding::mute`]).
    Muted,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Unknown => "UNKNOWN",
            Status::Muted => "MUTED",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a result is muted (AUD-22).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MuteKind {
    /// The rule is not adopted by this organisation.
    NotAdopted,
    /// The finding is a known, accepted risk.
    Accepted,
}

/// The exception that muted a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mute {
    pub kind: MuteKind,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// One evaluated (check, resource) pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub check_id: Cow<'static, str>,
    /// The evaluated status; a muted finding keeps it and carries [`Finding::mute`].
    pub status: Status,
    pub severity: Severity,
    /// ARN or id of the resource (or the host, or the account); shared by the findings of one
    /// subject (an audit emits several per resource).
    #[serde(with = "shared_str")]
    pub resource: Arc<str>,
    /// The AWS account id, or the host identity for host findings. Account ids and region
    /// names fit inline (up to 24 bytes): no allocation for either in most findings.
    pub account: CompactString,
    /// The region, `global` for account-wide resources.
    pub region: CompactString,
    pub message: Message,
    /// A finding-specific recommendation (the package version that fixes it, the line to change);
    /// when absent the check's own `fix` text applies. Boxed, as `mute`: most findings have
    /// neither, and an audit holds millions of findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recommendation: Option<Box<Text>>,
    #[serde(default, skip_serializing_if = "crate::Evidence::is_empty")]
    pub evidence: crate::Evidence,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mute: Option<Box<Mute>>,
}

impl Finding {
    pub fn new(
        check_id: &'static str,
        status: Status,
        severity: Severity,
        resource: impl Into<Arc<str>>,
        account: impl Into<CompactString>,
        region: impl Into<CompactString>,
        message: impl Into<Message>,
    ) -> Finding {
        Finding {
            check_id: Cow::Borrowed(check_id),
            status,
            severity,
            resource: resource.into(),
            account: account.into(),
            region: region.into(),
            message: message.into(),
            recommendation: None,
            evidence: crate::Evidence::new(),
            mute: None,
        }
    }

    pub fn with_evidence(mut self, key: &str, value: impl Into<String>) -> Finding {
        self.evidence.insert(key.to_string(), value.into());
        self
    }

    pub fn with_recommendation(mut self, rec: Text) -> Finding {
        self.recommendation = Some(Box::new(rec));
        self
    }

    /// The status shown in reports: `MUTED` for a muted finding, else the evaluated one.
    pub fn shown_status(&self) -> Status {
        if self.mute.is_some() {
            Status::Muted
        } else {
            self.status
        }
    }

    /// True when the finding counts against `--fail-on`: an unmuted FAIL at or above the threshold.
    pub fn fails_at(&self, threshold: Severity) -> bool {
        self.mute.is_none() && self.status == Status::Fail && self.severity >= threshold
    }

    /// A stable key for tracking one finding across runs (REP-02).
    pub fn key(&self) -> String {
        format!(
            "{}|{}|{}|{}",
            self.check_id, self.account, self.region, self.resource
        )
    }
}

/// `Arc<str>` as a plain string (serde's `rc` feature would change serde for every crate).
mod shared_str {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::sync::Arc;

    pub fn serialize<S: Serializer>(v: &Arc<str>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(v)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Arc<str>, D::Error> {
        String::deserialize(d).map(Arc::from)
    }
}
