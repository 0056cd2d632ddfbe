//! Which notifications a run sends: the choice belongs here, with the notifications, so the
//! binary only wires the store and prints.

use crate::{Kind, Notification};
use std::collections::BTreeSet;
use yagura_core::{Catalogue, Finding, Status};
use yagura_inventory::Inventory;

/// What `yagura audit --notify` tells, and the accounts whose AWS Health events could not be
/// read (account id, error code; data that was not collected at all is not listed).
#[derive(Debug, Default)]
pub struct AuditNotifications {
    pub notifications: Vec<Notification>,
    pub unread_health: Vec<(String, String)>,
}

/// Every AWS Health event of the inventory (WATCH-07) and, with `with_findings`, the unmuted
/// FAIL findings whose keys are not among `previous_fails` (the FAIL keys of the previous run
/// of the same scope; `None` when there is none: then all of them).
pub fn audit_notifications(
    inventory: &Inventory,
    findings: &[Finding],
    with_findings: bool,
    previous_fails: Option<&BTreeSet<String>>,
    catalogue: &Catalogue,
) -> AuditNotifications {
    let mut out = AuditNotifications::default();
    for acct in &inventory.accounts {
        match acct.health_events.as_ref() {
            Ok(events) => out.notifications.extend(
                events
                    .iter()
                    .map(|e| Notification::health_event(&acct.account_id, e)),
            ),
            Err(e) if e.code != "NotCollected" => out
                .unread_health
                .push((acct.account_id.clone(), e.code.clone())),
            Err(_) => {}
        }
    }
    if with_findings {
        out.notifications.extend(
            findings
                .iter()
                .filter(|f| f.mute.is_none() && f.status == Status::Fail)
                .filter(|f| previous_fails.is_none_or(|b| !b.contains(&f.key())))
                .map(|f| {
                    Notification::from_finding(Kind::AuditFinding, f, catalogue.get(&f.check_id))
                }),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use yagura_core::{Severity, Text};
    use yagura_inventory::{Account, CollectError, Collected, HealthEvent};

    fn finding(resource: &str, status: Status) -> Finding {
        Finding::new(
            "root-mfa-disabled",
            status,
            Severity::Critical,
            resource,
            "111122223333",
            "global",
            Text::new(
                "the root user has no MFA device",
                "ルートユーザーに MFA デバイスがありません",
            ),
        )
    }

    #[test]
    fn health_events_and_new_failures() {
        let event = HealthEvent {
            arn: "arn:aws:health:us-east-1::event/EC2/X/1".into(),
            service: "EC2".into(),
            event_type: "AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED".into(),
            region: "us-east-1".into(),
            status: "upcoming".into(),
            start_time: None,
        };
        let inv = Inventory {
            schema_version: 1,
            collected_at: String::new(),
            accounts: vec![
                Account {
                    account_id: "111122223333".into(),
                    health_events: Collected::Ok(vec![event]),
                    ..Account::default()
                },
                Account {
                    account_id: "444455556666".into(),
                    health_events: Collected::Error(CollectError::new(
                        "health:DescribeEvents",
                        "SubscriptionRequiredException",
                        "",
                    )),
                    ..Account::default()
                },
                Account::default(),
            ],
        };
        let fs = [
            finding("arn:aws:iam::111122223333:root", Status::Fail),
            finding("arn:aws:iam::444455556666:root", Status::Fail),
            finding("arn:aws:iam::777788889999:root", Status::Pass),
        ];
        let cat = Catalogue::new();
        let all = audit_notifications(&inv, &fs, true, None, &cat);
        assert_eq!(all.notifications.len(), 3);
        assert_eq!(
            all.unread_health,
            [(
                "444455556666".to_string(),
                "SubscriptionRequiredException".to_string()
            )]
        );
        let before: BTreeSet<String> = [fs[0].key()].into();
        let new = audit_notifications(&inv, &fs, true, Some(&before), &cat);
        assert_eq!(new.notifications.len(), 2);
        let health_only = audit_notifications(&inv, &fs, false, None, &cat);
        assert_eq!(health_only.notifications.len(), 1);
    }
}
