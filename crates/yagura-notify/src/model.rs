//! What is notified: one [`Notification`] per detection, change, AWS Health event or audit
//! finding, in both languages; the destination picks the language when it renders.

use serde::Serialize;
use yagura_core::{CheckMeta, Finding, Severity, Text};
use yagura_inventory::HealthEvent;

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A CloudTrail detection (native, correlated or Sigma).
    Detection,
    /// A configuration change between two inventory snapshots.
    Change,
    /// An AWS Health event (WATCH-07).
    HealthEvent,
    /// A failed audit check.
    AuditFinding,
    /// `yagura notify test`.
    Test,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Detection,
        Kind::Change,
        Kind::HealthEvent,
        Kind::AuditFinding,
        Kind::Test,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Detection => "detection",
            Kind::Change => "change",
            Kind::HealthEvent => "health_event",
            Kind::AuditFinding => "audit_finding",
            Kind::Test => "test",
        }
    }

    pub fn label(self) -> Text {
        match self {
            Kind::Detection => Text::new("Detection", "検知"),
            Kind::Change => Text::new("Change", "変更"),
            Kind::HealthEvent => Text::new("AWS Health event", "AWS Health イベント"),
            Kind::AuditFinding => Text::new("Audit finding", "監査結果"),
            Kind::Test => Text::new("Test", "テスト"),
        }
    }
}

/// A link shown with the notification (console page, documentation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    pub label: String,
    pub url: String,
}

/// One thing to tell the operators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    pub kind: Kind,
    /// The check or detection id, or the AWS Health event ARN.
    pub id: String,
    pub title: Text,
    pub severity: Severity,
    pub summary: Text,
    pub resource: String,
    pub account: String,
    pub region: String,
    /// When it happened (RFC 3339), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// The events behind it, one line each (`time source:name by principal from ip`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recommendation: Option<Text>,
}

impl Notification {
    /// A finding (an audit result, or a detection already turned into a finding). The title is
    /// the check's when the catalogue knows it, else the finding's `title` evidence, else the id.
    pub fn from_finding(kind: Kind, f: &Finding, meta: Option<&CheckMeta>) -> Notification {
        let title = match (meta, f.evidence.get("title")) {
            (Some(m), _) => m.title.clone(),
            (None, Some(t)) => Text::owned(t.clone(), t.clone()),
            (None, None) => Text::owned(f.check_id.to_string(), f.check_id.to_string()),
        };
        let recommendation = f
            .recommendation
            .as_deref()
            .cloned()
            .or_else(|| meta.map(|m| m.fix.clone()));
        let time = f
            .evidence
            .get("first_event_time")
            .or_else(|| f.evidence.get("time"))
            .cloned();
        let links = meta
            .map(|m| {
                m.references
                    .iter()
                    .filter(|r| r.starts_with("https://"))
                    .take(3)
                    .map(|r| Link {
                        label: "reference".to_string(),
                        url: (*r).to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Notification {
            kind,
            id: f.check_id.to_string(),
            title,
            severity: f.severity,
            summary: f.message.to_text(),
            resource: f.resource.to_string(),
            account: f.account.to_string(),
            region: f.region.to_string(),
            time,
            events: Vec::new(),
            links,
            recommendation,
        }
    }

    /// An AWS Health event of `account` (WATCH-07). Open issues are high, scheduled changes
    /// medium, account notifications low; a closed event is informational.
    pub fn health_event(account: &str, e: &HealthEvent) -> Notification {
        let t = e.event_type.to_ascii_uppercase();
        let open = !e.status.eq_ignore_ascii_case("closed");
        let severity = if !open {
            Severity::Info
        } else if t.contains("SECURITY") || t.contains("ISSUE") || t.contains("ABUSE") {
            Severity::High
        } else if t.contains("SCHEDULED")
            || t.contains("MAINTENANCE")
            || t.contains("RETIREMENT")
            || t.contains("REBOOT")
        {
            Severity::Medium
        } else {
            Severity::Low
        };
        let (svc, ty, st) = (&e.service, &e.event_type, &e.status);
        Notification {
            kind: Kind::HealthEvent,
            id: e.arn.clone(),
            title: yagura_core::text!(
                "AWS Health: {svc} {ty}",
                "AWS Health: {svc} {ty}",
            ),
            severity,
            summary: yagura_core::text!(
                "AWS reports a {svc} event `{ty}` ({st}) affecting this account in {region}.",
                "AWS が {region} の {svc} でこのアカウントに影響するイベント `{ty}`（{st}）を報告しています。",
                region = e.region,
            ),
            resource: e.arn.clone(),
            account: account.to_string(),
            region: e.region.clone(),
            time: e.start_time.clone(),
            events: Vec::new(),
            links: vec![Link {
                label: "AWS Health Dashboard".to_string(),
                url: "https://health.aws.amazon.com/health/home#/account/dashboard/open-issues"
                    .to_string(),
            }],
            recommendation: Some(Text::new(
                "Read the event in the AWS Health Dashboard and act on the affected resources before the deadline it gives.",
                "AWS Health Dashboard でイベントを確認し、示された期限までに影響を受けるリソースに対処してください。",
            )),
        }
    }

    /// The notification `yagura notify test` sends.
    pub fn test(severity: Severity) -> Notification {
        Notification {
            kind: Kind::Test,
            id: "yagura-notify-test".to_string(),
            title: Text::new(
                "yagura test notification",
                "yagura テスト通知",
            ),
            severity,
            summary: Text::new(
                "This is a test from `yagura notify test`: this destination is configured correctly.",
                "`yagura notify test` からのテストです。この通知先は正しく設定されています。",
            ),
            resource: "yagura".to_string(),
            account: String::new(),
            region: String::new(),
            time: None,
            events: Vec::new(),
            links: Vec::new(),
            recommendation: None,
        }
    }
}
