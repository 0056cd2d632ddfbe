#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Transitions, overrides, skip days, schedules written in tags, Auto Scaling groups and Aurora
//! clusters, on the pure planner.

use std::collections::BTreeMap;

use jiff::Timestamp;
use yagura_schedule::*;

const CONFIG: &str = r#"
timezone = "Asia/Tokyo"
[schedules.office-hours]
start = "0 9 * * MON-FRI"
stop = "0 20 * * MON-FRI"
skip = ["jp-holidays", "12-29..01-03"]
"#;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn res(kind: ResourceKind, id: &str, state: &str, tags: &[(&str, &str)]) -> Resource {
    let mut r = Resource::new(
        kind,
        id,
        ResourceState::from_aws(kind, state),
        tags.iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect::<BTreeMap<_, _>>(),
    );
    r.account = "111111111111".into();
    r.region = "ap-northeast-1".into();
    r
}

fn apply(p: &Plan, applied: &mut Applied) {
    for e in &p.entries {
        if let Some(t) = e.transition {
            if matches!(
                e.decision,
                Decision::Stop | Decision::Start | Decision::Keep
            ) {
                applied.insert(e.resource.key(), t);
            }
        }
    }
}

/// The seed's complaint: an instance started by hand after the 20:00 stop was stopped again
/// by the 22:15 run. Now the 20:00 event is applied once; the hand-started instance stays up
/// until the next day's stop.
#[test]
fn hand_started_instance_stays_up_until_the_next_stop() {
    let config = Config::parse(CONFIG, "s.toml").unwrap();
    let tag = [("yagura:schedule", "office-hours")];
    let mut applied = Applied::new();
    // Wednesday 2026-11-25 20:00 JST: the stop is applied
    let running = vec![res(ResourceKind::Ec2Instance, "i-1", "running", &tag)];
    let p = plan_with(ts("2026-11-25T11:00:00Z"), &config, &running, &applied);
    assert_eq!(p.entries[0].decision, Decision::Stop);
    apply(&p, &mut applied);
    // 21:00 started by hand; the 22:15 run leaves it
    let p = plan_with(ts("2026-11-25T13:15:00Z"), &config, &running, &applied);
    assert_eq!(p.entries[0].decision, Decision::Keep);
    assert!(
        p.entries[0].reason.contains("already applied"),
        "{}",
        p.entries[0].reason
    );
    assert_eq!(p.entries[0].transition, None);
    // Thursday 09:00: the start finds it running (already as scheduled), recorded
    let p = plan_with(ts("2026-11-26T00:00:00Z"), &config, &running, &applied);
    assert_eq!(p.entries[0].decision, Decision::Keep);
    assert!(p.entries[0].transition.is_some());
    apply(&p, &mut applied);
    // Thursday 20:00: stopped again
    let p = plan_with(ts("2026-11-26T11:00:00Z"), &config, &running, &applied);
    assert_eq!(p.entries[0].decision, Decision::Stop);
    // and without the memory (a first run), the last event is applied
    let p = plan(ts("2026-11-25T13:15:00Z"), &config, &running);
    assert_eq!(p.entries[0].decision, Decision::Stop);
}

#[test]
fn override_keeps_then_hands_back() {
    let config = Config::parse(CONFIG, "s.toml").unwrap();
    let r = vec![res(
        ResourceKind::Ec2Instance,
        "i-1",
        "running",
        &[
            ("yagura:schedule", "office-hours"),
            ("yagura:schedule-override", "until:2026-11-25T23:00"),
        ],
    )];
    // 20:30 JST: overridden
    let p = plan_with(ts("2026-11-25T11:30:00Z"), &config, &r, &Applied::new());
    assert_eq!(p.entries[0].decision, Decision::Keep);
    assert!(p.entries[0]
        .reason
        .contains("override: kept as it is until 2026-11-25 23:00 JST"));
    // 23:05 JST: the override ended after the stop event: stop now
    let p = plan_with(ts("2026-11-25T14:05:00Z"), &config, &r, &Applied::new());
    assert_eq!(p.entries[0].decision, Decision::Stop);
    assert_eq!(p.entries[0].transition, Some(ts("2026-11-25T14:00:00Z")));
    assert!(p.entries[0].reason.contains("the override ended"));
    // a bad override is an error of the run
    let bad = vec![res(
        ResourceKind::Ec2Instance,
        "i-2",
        "running",
        &[
            ("yagura:schedule", "office-hours"),
            ("yagura:schedule-override", "tomorrow"),
        ],
    )];
    let p = plan(ts("2026-11-25T14:05:00Z"), &config, &bad);
    assert_eq!(p.entries[0].decision, Decision::InvalidTag);
    assert_eq!(p.errors().len(), 1);
}

#[test]
fn japanese_holidays_and_own_dates_are_skipped() {
    let config = Config::parse(CONFIG, "s.toml").unwrap();
    let tag = [("yagura:schedule", "office-hours")];
    let stopped = vec![res(ResourceKind::Ec2Instance, "i-1", "stopped", &tag)];
    // Monday 2026-11-23 (Labour Thanksgiving Day) 10:00 JST: no start; the last event is
    // Friday's stop
    let p = plan(ts("2026-11-23T01:00:00Z"), &config, &stopped);
    assert_eq!(p.entries[0].decision, Decision::Keep);
    assert_eq!(
        p.entries[0].last_event.unwrap().at,
        ts("2026-11-20T11:00:00Z")
    );
    // Tuesday 10:00: started
    let p = plan(ts("2026-11-24T01:00:00Z"), &config, &stopped);
    assert_eq!(p.entries[0].decision, Decision::Start);
    // 2026-12-29 (own yearly range) 10:00: nothing fires
    let p = plan(ts("2026-12-29T01:00:00Z"), &config, &stopped);
    assert_eq!(p.entries[0].decision, Decision::Keep);
    // the daemon's next wake-up skips the holiday too: after Friday 2026-11-20 20:00 the next
    // event is Tuesday 09:00, not Monday 09:00
    let next = next_event(&config, &[], ts("2026-11-20T11:00:00Z"), 8).unwrap();
    assert_eq!(next, ts("2026-11-24T00:00:00Z"));
}

#[test]
fn schedules_written_in_tags() {
    let config = Config::parse(CONFIG, "s.toml").unwrap();
    let r = vec![
        res(
            ResourceKind::RdsInstance,
            "db-1",
            "available",
            // the form RDS and Auto Scaling tags allow (no `*`, no `,`)
            &[(
                "yagura:schedule",
                "start=08:30 stop=19:00 days=mon-fri skip=jp-holidays",
            )],
        ),
        res(
            ResourceKind::Ec2Instance,
            "i-1",
            "running",
            &[("yagura:schedule", "start=0 7 * * * stop=0 18 * * * tz=UTC")],
        ),
        res(
            ResourceKind::Ec2Instance,
            "i-2",
            "running",
            &[("yagura:schedule", "start=07:00 sotp=18:00")],
        ),
        res(
            ResourceKind::Ec2Instance,
            "i-3",
            "running",
            &[("yagura:schedule", "night-shift")],
        ),
    ];
    // Wednesday 2026-11-25 19:30 JST = 10:30 UTC
    let p = plan(ts("2026-11-25T10:30:00Z"), &config, &r);
    let d: Vec<_> = p.entries.iter().map(|e| e.decision.clone()).collect();
    assert_eq!(
        d,
        vec![
            Decision::Stop,
            Decision::Keep,
            Decision::InvalidTag,
            Decision::UnknownSchedule
        ]
    );
    assert!(p.entries[2].reason.contains("unknown key `sotp=`"));
    assert!(p.entries[3].reason.contains("`night-shift`"));
    assert_eq!(p.inline.len(), 2);
    assert_eq!(p.errors().len(), 2);
    // the runner reports both errors and fails
    struct Never;
    impl Executor for Never {
        type Error = String;
        fn stop(&self, _: &Resource) -> Result<(), String> {
            Ok(())
        }
        fn start(&self, _: &Resource) -> Result<(), String> {
            Ok(())
        }
    }
    let out = run(&p, &Never, true, p.now);
    assert!(out.failed());
    assert_eq!(
        out.actions
            .iter()
            .filter(|a| a.result == ActionResult::Error)
            .count(),
        2
    );
}

#[test]
fn groups_clusters_and_group_members() {
    let config = Config::parse(CONFIG, "s.toml").unwrap();
    let tag = ("yagura:schedule", "office-hours");
    let mut asg = res(ResourceKind::AutoScalingGroup, "web-asg", "", &[tag]);
    asg.state = ResourceState::Running;
    asg.capacity = Some(Capacity {
        min: 1,
        desired: 2,
        max: 4,
    });
    let r = vec![
        asg,
        res(ResourceKind::AuroraCluster, "aurora-1", "available", &[tag]),
        res(
            ResourceKind::Ec2Instance,
            "i-member",
            "running",
            &[tag, ("aws:autoscaling:groupName", "web-asg")],
        ),
    ];
    let p = plan(ts("2026-11-25T11:30:00Z"), &config, &r);
    assert_eq!(p.entries[0].decision, Decision::Stop);
    assert_eq!(p.entries[1].decision, Decision::Stop);
    assert_eq!(p.entries[2].decision, Decision::Keep);
    assert!(p.entries[2].reason.contains("Auto Scaling group `web-asg`"));
    let text = p.render_text();
    assert!(
        text.contains("STOP     111111111111 ap-northeast-1 asg web-asg office-hours"),
        "{text}"
    );
    assert!(text.contains("aurora aurora-1"), "{text}");
    // the saved capacity round-trips through its tag
    let c = Capacity {
        min: 1,
        desired: 2,
        max: 4,
    };
    assert_eq!(Capacity::from_tag(&c.to_tag()), Ok(c));
    for bad in [
        "min=1 desired=2",
        "min=3 desired=2 max=4",
        "min=-1 desired=0 max=0",
        "size=1",
    ] {
        assert!(Capacity::from_tag(bad).is_err(), "{bad}");
    }
}
