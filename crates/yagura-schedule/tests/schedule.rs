#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;
use std::collections::BTreeMap;

use jiff::tz::TimeZone;
use jiff::Timestamp;
use yagura_schedule::*;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// (cron, zone, now, look-back days, expected last fire) — DST gaps and folds, month ends,
/// day-of-month/day-of-week OR, the look-back bound.
#[test]
fn last_fire_table() {
    let cases: &[(&str, &str, &str, u32, Option<&str>)] = &[
        // America/New_York spring forward 2026-03-08 02:00 EST -> 03:00 EDT: 02:30 is skipped and
        // fires at 03:30 EDT
        (
            "30 2 * * *",
            "America/New_York",
            "2026-03-08T12:00:00Z",
            8,
            Some("2026-03-08T07:30:00Z"),
        ),
        (
            "30 2 * * *",
            "America/New_York",
            "2026-03-08T07:29:00Z",
            8,
            Some("2026-03-07T07:30:00Z"),
        ),
        // a time right after the gap keeps its own instant
        (
            "30 3 * * *",
            "America/New_York",
            "2026-03-08T12:00:00Z",
            8,
            Some("2026-03-08T07:30:00Z"),
        ),
        // fall back 2026-11-01 02:00 EDT -> 01:00 EST: 01:30 happens twice, fires once (first)
        (
            "30 1 * * *",
            "America/New_York",
            "2026-11-01T06:45:00Z",
            8,
            Some("2026-11-01T05:30:00Z"),
        ),
        (
            "30 1 * * *",
            "America/New_York",
            "2026-11-01T05:29:00Z",
            8,
            Some("2026-10-31T05:30:00Z"),
        ),
        // Europe/Berlin spring forward 2026-03-29 02:00 CET -> 03:00 CEST
        (
            "15 2 * * *",
            "Europe/Berlin",
            "2026-03-29T03:00:00Z",
            8,
            Some("2026-03-29T01:15:00Z"),
        ),
        // Europe/Berlin fall back 2026-10-25 03:00 CEST -> 02:00 CET: 02:30 first occurrence
        (
            "30 2 * * *",
            "Europe/Berlin",
            "2026-10-25T02:00:00Z",
            8,
            Some("2026-10-25T00:30:00Z"),
        ),
        // weekday schedule across a DST change (Friday in CET, Monday in CEST)
        (
            "0 9 * * MON-FRI",
            "Europe/Berlin",
            "2026-03-30T06:59:00Z",
            8,
            Some("2026-03-27T08:00:00Z"),
        ),
        (
            "0 9 * * MON-FRI",
            "Europe/Berlin",
            "2026-03-30T07:00:00Z",
            8,
            Some("2026-03-30T07:00:00Z"),
        ),
        // Asia/Tokyo has no DST; "at or before now" is inclusive
        (
            "0 20 * * MON-FRI",
            "Asia/Tokyo",
            "2026-11-24T11:00:00Z",
            8,
            Some("2026-11-24T11:00:00Z"),
        ),
        (
            "0 20 * * MON-FRI",
            "Asia/Tokyo",
            "2026-11-24T10:59:59Z",
            8,
            Some("2026-11-23T11:00:00Z"),
        ),
        // the 31st in a 30-day month does not exist
        ("0 9 31 * *", "Asia/Tokyo", "2026-05-01T00:00:00Z", 8, None),
        (
            "0 9 31 * *",
            "Asia/Tokyo",
            "2026-05-01T00:00:00Z",
            40,
            Some("2026-03-31T00:00:00Z"),
        ),
        // last day of month
        (
            "0 9 L * *",
            "Asia/Tokyo",
            "2026-05-01T00:00:00Z",
            8,
            Some("2026-04-30T00:00:00Z"),
        ),
        // Feb 29 in a leap year, and not in other years
        (
            "0 0 29 2 *",
            "Asia/Tokyo",
            "2028-03-01T00:00:00Z",
            8,
            Some("2028-02-28T15:00:00Z"),
        ),
        ("0 0 29 2 *", "Asia/Tokyo", "2027-03-01T00:00:00Z", 8, None),
        // day-of-month OR day-of-week when both are restricted
        (
            "0 12 1 * MON",
            "Asia/Tokyo",
            "2026-11-03T00:00:00Z",
            8,
            Some("2026-11-02T03:00:00Z"),
        ),
        (
            "0 12 1 * *",
            "Asia/Tokyo",
            "2026-11-03T00:00:00Z",
            8,
            Some("2026-11-01T03:00:00Z"),
        ),
        (
            "0 12 * * MON",
            "Asia/Tokyo",
            "2026-11-02T02:00:00Z",
            8,
            Some("2026-10-26T03:00:00Z"),
        ),
        // the look-back bound is inclusive
        (
            "0 0 1 1 *",
            "UTC",
            "2026-01-09T00:00:00Z",
            8,
            Some("2026-01-01T00:00:00Z"),
        ),
        ("0 0 1 1 *", "UTC", "2026-01-09T00:01:00Z", 8, None),
        // a zone west of UTC where the local date is still yesterday
        (
            "0 23 * * *",
            "America/Los_Angeles",
            "2026-11-24T06:59:00Z",
            8,
            Some("2026-11-23T07:00:00Z"),
        ),
        (
            "0 23 * * *",
            "America/Los_Angeles",
            "2026-11-24T07:00:00Z",
            8,
            Some("2026-11-24T07:00:00Z"),
        ),
    ];
    for (expr, zone, now, days, want) in cases {
        let cron = Cron::parse(expr).unwrap();
        let tz = TimeZone::get(zone).unwrap();
        let got = last_fire(&cron, &tz, ts(now), *days);
        assert_eq!(got, want.map(ts), "{expr} in {zone} at {now} ({days} days)");
    }
}

const CONFIG: &str = r#"
[schedules.office-hours]
start = "0 9 * * MON-FRI"
stop = "0 20 * * MON-FRI"

[schedules.nightly-stop]
stop = "0 22 * * *"
timezone = "Europe/Berlin"

[guard]
tags = { env = ["prod", "production"] }
name_patterns = ["(?i)^prod-"]
"#;

fn res(kind: ResourceKind, id: &str, state: &str, tags: &[(&str, &str)]) -> Resource {
    Resource::new(
        kind,
        id,
        ResourceState::from_aws(kind, state),
        tags.iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect::<BTreeMap<_, _>>(),
    )
}

fn fleet() -> Vec<Resource> {
    use ResourceKind::*;
    let s = "yagura:schedule";
    vec![
        res(
            Ec2Instance,
            "i-dev",
            "running",
            &[(s, "office-hours"), ("env", "dev")],
        ),
        res(
            Ec2Instance,
            "i-prod",
            "running",
            &[(s, "office-hours"), ("Env", "Production")],
        ),
        res(
            Ec2Instance,
            "i-prodname",
            "running",
            &[(s, "office-hours"), ("Name", "prod-web")],
        ),
        res(Ec2Instance, "i-untagged", "running", &[("env", "dev")]),
        res(Ec2Instance, "i-typo", "running", &[(s, "office-hour")]),
        res(Ec2Instance, "i-pending", "pending", &[(s, "office-hours")]),
        res(Ec2Instance, "i-stopped", "stopped", &[(s, "office-hours")]),
        res(RdsInstance, "db-dev", "available", &[(s, "office-hours")]),
        res(RdsInstance, "db-night", "available", &[(s, "nightly-stop")]),
    ]
}

fn decisions(p: &Plan) -> Vec<(String, Decision)> {
    p.entries
        .iter()
        .map(|e| (e.resource.id.clone(), e.decision.clone()))
        .collect()
}

#[test]
fn plan_after_office_hours_stops_dev_and_refuses_prod() {
    let config = Config::parse(CONFIG, "schedule.toml").unwrap();
    // Tuesday 2026-11-24 21:00 JST, 13:00 CET
    let p = plan(ts("2026-11-24T12:00:00Z"), &config, &fleet());
    use Decision::*;
    let d = |id: &str, d: Decision| (id.to_string(), d);
    assert_eq!(
        decisions(&p),
        vec![
            d("i-dev", Stop),
            d(
                "i-prod",
                Refused {
                    would: Some(ActionKind::Stop)
                }
            ),
            d(
                "i-prodname",
                Refused {
                    would: Some(ActionKind::Stop)
                }
            ),
            d("i-typo", UnknownSchedule),
            d("i-pending", Keep),
            d("i-stopped", Keep),
            d("db-dev", Stop),
            // Berlin: last 22:00 was yesterday; stop wins
            d("db-night", Stop),
        ]
    );
    assert_eq!(p.to_stop().len(), 3);
    assert_eq!(p.refused().len(), 2);
    let reasons: Vec<&str> = p.refused().iter().map(|e| e.reason.as_str()).collect();
    assert_eq!(
        reasons,
        vec![
            "refused: tag `Env=Production` marks it as production (the schedule asks to stop it)",
            "refused: name `prod-web` matches the production pattern `(?i)^prod-` (the schedule asks to stop it)",
        ]
    );
    assert!(p.unknown_schedule()[0].reason.contains("`office-hour`"));
    assert_eq!(
        p.to_stop()[0].reason,
        "last stop event at 2026-11-24 20:00 JST (Asia/Tokyo)"
    );
    assert!(p.entries[4]
        .reason
        .contains("state `pending` is in transition"));
}

#[test]
fn plan_during_office_hours_starts_stopped_instances() {
    let config = Config::parse(CONFIG, "schedule.toml").unwrap();
    // Wednesday 2026-11-25 09:30 JST
    let p = plan(ts("2026-11-25T00:30:00Z"), &config, &fleet());
    let starts: Vec<&str> = p
        .to_start()
        .iter()
        .map(|e| e.resource.id.as_str())
        .collect();
    assert_eq!(starts, vec!["i-stopped"]);
    assert!(p.to_stop().iter().all(|e| e.resource.id == "db-night"));
    // the guarded resource needs nothing, yet the refusal is still reported
    let prod = &p.refused()[0];
    assert_eq!(prod.decision, Decision::Refused { would: None });
    assert!(prod.reason.starts_with("refused: tag `Env=Production`"));
}

#[test]
fn weekend_keeps_friday_stop() {
    let config = Config::parse(CONFIG, "schedule.toml").unwrap();
    // Saturday 2026-11-28 10:00 JST: no start on weekends
    let p = plan(ts("2026-11-28T01:00:00Z"), &config, &fleet());
    assert_eq!(p.entries[0].decision, Decision::Stop);
    assert_eq!(
        p.entries[0].last_event.unwrap().at,
        ts("2026-11-27T11:00:00Z")
    );
    assert!(p.to_start().is_empty());
}

#[test]
fn default_guard_refuses_env_prod() {
    let config = Config::parse(
        "[schedules.s]\nstop = \"@hourly\"\ntimezone = \"UTC\"\n",
        "s.toml",
    )
    .unwrap();
    let r = vec![
        res(
            ResourceKind::Ec2Instance,
            "i-1",
            "running",
            &[("yagura:schedule", "s"), ("environment", "prd")],
        ),
        res(
            ResourceKind::Ec2Instance,
            "i-2",
            "running",
            &[("yagura:schedule", "s")],
        ),
    ];
    let p = plan(ts("2026-11-24T12:30:00Z"), &config, &r);
    assert_eq!(
        p.entries[0].decision,
        Decision::Refused {
            would: Some(ActionKind::Stop)
        }
    );
    assert_eq!(p.entries[1].decision, Decision::Stop);
}

#[test]
fn no_event_within_lookback() {
    let config = Config::parse(
        "lookback_days = 2\n[schedules.s]\nstop = \"0 0 1 1 *\"\n",
        "s.toml",
    )
    .unwrap();
    let r = vec![res(
        ResourceKind::Ec2Instance,
        "i-1",
        "running",
        &[("yagura:schedule", "s")],
    )];
    let p = plan(ts("2026-06-01T00:00:00Z"), &config, &r);
    assert_eq!(p.entries[0].decision, Decision::NoEvent);
    assert_eq!(
        p.entries[0].reason,
        "no start or stop event in the last 2 days"
    );
}

#[derive(Default)]
struct Fake {
    calls: RefCell<Vec<String>>,
    fail: bool,
}

impl Executor for Fake {
    type Error = String;
    fn stop(&self, r: &Resource) -> Result<(), String> {
        let (kind, id) = (r.kind, &r.id);
        self.calls.borrow_mut().push(format!("stop {kind:?} {id}"));
        if self.fail {
            Err(format!("IncorrectInstanceState: `{id}`"))
        } else {
            Ok(())
        }
    }
    fn start(&self, r: &Resource) -> Result<(), String> {
        let (kind, id) = (r.kind, &r.id);
        self.calls.borrow_mut().push(format!("start {kind:?} {id}"));
        Ok(())
    }
}

#[test]
fn run_without_apply_changes_nothing() {
    let config = Config::parse(CONFIG, "schedule.toml").unwrap();
    let now = ts("2026-11-24T12:00:00Z");
    let p = plan(now, &config, &fleet());
    let fake = Fake::default();
    let actions = run(&p, &fake, false, now).actions;
    assert!(fake.calls.borrow().is_empty());
    let results: Vec<(&str, &ActionResult)> = actions
        .iter()
        .map(|a| (a.resource_id.as_str(), &a.result))
        .collect();
    assert_eq!(
        results,
        vec![
            ("i-dev", &ActionResult::DryRun),
            ("i-prod", &ActionResult::Refused),
            ("i-prodname", &ActionResult::Refused),
            ("i-typo", &ActionResult::Error),
            ("db-dev", &ActionResult::DryRun),
            ("db-night", &ActionResult::DryRun),
        ]
    );
    assert!(actions.iter().all(|a| a.time == now));
}

#[test]
fn run_with_apply_calls_executor_and_records_failures() {
    let config = Config::parse(CONFIG, "schedule.toml").unwrap();
    let now = ts("2026-11-24T12:00:00Z");
    let p = plan(now, &config, &fleet());
    let fake = Fake::default();
    let actions = run(&p, &fake, true, now).actions;
    assert_eq!(
        *fake.calls.borrow(),
        vec![
            "stop Ec2Instance i-dev",
            "stop RdsInstance db-dev",
            "stop RdsInstance db-night"
        ]
    );
    assert_eq!(actions[0].result, ActionResult::Done);
    assert_eq!(actions[0].action, Some(ActionKind::Stop));
    let failing = Fake {
        fail: true,
        ..Fake::default()
    };
    let actions = run(&p, &failing, true, now).actions;
    assert_eq!(
        actions[0].result,
        ActionResult::Failed("IncorrectInstanceState: `i-dev`".to_string())
    );
    // records serialize for the store
    let json = serde_json::to_string(&actions[1]).unwrap();
    assert!(json.contains(r#""result":"refused""#), "{json}");
    assert!(json.contains(r#""time":"2026-11-24T12:00:00Z""#), "{json}");
}

#[test]
fn next_fire_table() {
    let cases: &[(&str, &str, &str, Option<&str>)] = &[
        // NY gap: 02:30 on 2026-03-08 fires at 03:30 EDT
        (
            "30 2 * * *",
            "America/New_York",
            "2026-03-08T06:00:00Z",
            Some("2026-03-08T07:30:00Z"),
        ),
        // NY fold: 01:30 fires once, at the first occurrence; the next is the day after
        (
            "30 1 * * *",
            "America/New_York",
            "2026-11-01T05:30:00Z",
            Some("2026-11-02T06:30:00Z"),
        ),
        // strictly after
        (
            "0 9 * * MON-FRI",
            "Asia/Tokyo",
            "2026-11-24T00:00:00Z",
            Some("2026-11-25T00:00:00Z"),
        ),
        // Berlin: Friday 20:00 CET to Monday
        (
            "0 9 * * MON-FRI",
            "Europe/Berlin",
            "2026-03-27T19:00:00Z",
            Some("2026-03-30T07:00:00Z"),
        ),
        ("0 0 29 2 *", "UTC", "2026-11-24T00:00:00Z", None),
    ];
    for (expr, zone, after, want) in cases {
        let cron = Cron::parse(expr).unwrap();
        let tz = TimeZone::get(zone).unwrap();
        assert_eq!(
            next_fire(&cron, &tz, ts(after), 8),
            want.map(ts),
            "{expr} in {zone} after {after}"
        );
    }
    let config = Config::parse(CONFIG, "schedule.toml").unwrap();
    // Tuesday 2026-11-24 12:00 UTC: next is Berlin 22:00 CET = 21:00Z
    assert_eq!(
        next_event(&config, &[], ts("2026-11-24T12:00:00Z"), 8),
        Some(ts("2026-11-24T21:00:00Z"))
    );
}

#[test]
fn example_config_loads() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/schedule.toml");
    let c = Config::load(std::path::Path::new(path)).unwrap();
    assert_eq!(c.schedules.len(), 3);
    assert_eq!(c.schedules["berlin-office"].stop.len(), 2);
    assert_eq!(c.guard.name_patterns.len(), 1);
    let err = Config::load(std::path::Path::new("/nonexistent/schedule.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("cannot read schedule config `/nonexistent/schedule.toml`"),
        "{err}"
    );
}
