//! CIS's monitoring section over inventories built here: a filter written otherwise than CIS
//! (other spacing, order, quoting, more event names) passes; a filter with an extra restriction
//! fails; an unreadable link of the chain (the alarms of the log group's region) is UNKNOWN with
//! the collector's error, never PASS or FAIL; the log group may sit in another region than the
//! trail's home.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use yagura_audit::{evaluate, AuditConfig};
use yagura_core::Status;
use yagura_inventory::{
    Account, CollectError, Collected, Inventory, MetricAlarm, MetricFilter, Region,
    SnsSubscription, Trail, SCHEMA_VERSION,
};

const ACCOUNT: &str = "123456789012";
const CHECK: &str = "cloudwatch-alarm-cloudtrail-changes-missing";

fn inventory(pattern: &str, alarms: Collected<Vec<MetricAlarm>>) -> Inventory {
    let trail = Trail {
        name: "main".into(),
        arn: format!("arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/main"),
        home_region: "us-east-1".into(),
        multi_region: true,
        logging: true,
        cloudwatch_logs_log_group_arn: Some(format!(
            "arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:trail-events:*"
        )),
        ..Default::default()
    };
    let topic = format!("arn:aws:sns:eu-west-1:{ACCOUNT}:alarms");
    let east = Region {
        name: "us-east-1".into(),
        cloudtrail: Collected::Ok(vec![trail.clone()]),
        ..Default::default()
    };
    let west = Region {
        name: "eu-west-1".into(),
        cloudtrail: Collected::Ok(vec![trail]),
        metric_filters: Collected::Ok(vec![MetricFilter {
            name: "trail-changes".into(),
            log_group: "trail-events".into(),
            pattern: pattern.into(),
            metrics: vec![("Security".into(), "TrailChanges".into())],
        }]),
        metric_alarms: alarms,
        sns_subscriptions: Collected::Ok(vec![SnsSubscription {
            topic_arn: topic.clone(),
            protocol: "email".into(),
            arn: format!("{topic}:5e3f"),
        }]),
        ..Default::default()
    };
    Inventory {
        schema_version: SCHEMA_VERSION,
        collected_at: "2026-11-24T00:00:00Z".into(),
        accounts: vec![Account {
            account_id: ACCOUNT.into(),
            partition: "aws".into(),
            regions: vec![east, west],
            ..Default::default()
        }],
    }
}

fn alarm() -> Collected<Vec<MetricAlarm>> {
    Collected::Ok(vec![MetricAlarm {
        name: "trail-changes".into(),
        arn: format!("arn:aws:cloudwatch:eu-west-1:{ACCOUNT}:alarm:trail-changes"),
        namespace: "Security".into(),
        metric: "TrailChanges".into(),
        actions_enabled: true,
        alarm_actions: vec![format!("arn:aws:sns:eu-west-1:{ACCOUNT}:alarms")],
    }])
}

fn status(inv: &Inventory) -> Vec<(Status, String)> {
    evaluate(inv, &AuditConfig::default())
        .into_iter()
        .filter(|f| f.check_id == CHECK)
        .map(|f| (f.status, f.message.en().to_string()))
        .collect()
}

#[test]
fn a_wider_filter_written_otherwise_passes() {
    let pattern = r#"{($.eventName="StopLogging")||($.eventName=DeleteTrail)||($.eventName = "CreateTrail")||
        ($.eventName=UpdateTrail) || ($.eventName=StartLogging) || ($.eventName=PutEventSelectors)}"#;
    let s = status(&inventory(pattern, alarm()));
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!(s[0].0, Status::Pass, "{s:?}");
}

#[test]
fn a_narrower_filter_fails() {
    let pattern = "{ (($.eventName = StopLogging) || ($.eventName = DeleteTrail)) && ($.userIdentity.type = Root) }";
    let s = status(&inventory(pattern, alarm()));
    assert_eq!(s[0].0, Status::Fail, "{s:?}");
    assert!(s[0].1.contains("no metric filter"), "{s:?}");
}

#[test]
fn unreadable_alarms_are_unknown_with_the_error() {
    let pattern = "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }";
    let denied = Collected::Error(CollectError::new(
        "cloudwatch:DescribeAlarms",
        "AccessDenied",
        "not authorized",
    ));
    let s = status(&inventory(pattern, denied));
    assert_eq!(s[0].0, Status::Unknown, "{s:?}");
    assert!(s[0].1.contains("cloudwatch:DescribeAlarms"), "{s:?}");
}
