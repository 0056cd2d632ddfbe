//! Pure planning: now + config + resources → what to stop, start, refuse.

use std::collections::BTreeMap;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::config::{Config, Guard, Schedule};
use crate::cron::Cron;

/// What kind of resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ResourceKind {
    Ec2Instance,
    RdsInstance,
}

/// The resource's current state, reduced to what planning needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResourceState {
    Running,
    Stopped,
    /// Anything else (pending, stopping, modifying, backing-up …): never acted upon.
    Other(String),
}

impl ResourceState {
    /// Maps an EC2 instance state name or an RDS DB instance status.
    pub fn from_aws(kind: ResourceKind, state: &str) -> ResourceState {
        match (kind, state) {
            (ResourceKind::Ec2Instance, "running") | (ResourceKind::RdsInstance, "available") => {
                ResourceState::Running
            }
            (_, "stopped") => ResourceState::Stopped,
            (_, other) => ResourceState::Other(other.to_string()),
        }
    }
}

/// A resource as the collector sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    pub kind: ResourceKind,
    pub id: String,
    pub state: ResourceState,
    pub tags: BTreeMap<String, String>,
}

impl Resource {
    /// The `Name` tag, else the id.
    pub fn display_name(&self) -> &str {
        self.tags
            .get("Name")
            .map_or(self.id.as_str(), String::as_str)
    }
}

/// An action on a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionKind {
    Stop,
    Start,
}

/// A schedule event found by the look-back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub action: ActionKind,
    pub at: Timestamp,
}

/// The decision for one scheduled resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Will be stopped.
    Stop,
    /// Will be started.
    Start,
    /// Already in the state the schedule wants, or in a transitional state.
    Keep,
    /// No start/stop event within the look-back.
    NoEvent,
    /// Production-guarded: never touched; `would` is what the schedule asked for.
    Refused { would: Option<ActionKind> },
    /// The tag names a schedule that the config does not define (a config error).
    UnknownSchedule,
}

/// One line of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanEntry {
    pub resource: Resource,
    pub schedule: String,
    pub decision: Decision,
    pub last_event: Option<Event>,
    pub reason: String,
}

/// What a run would do now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub now: Timestamp,
    /// Only resources carrying the schedule tag, in input order.
    pub entries: Vec<PlanEntry>,
}

impl Plan {
    fn with(&self, f: impl Fn(&Decision) -> bool) -> Vec<&PlanEntry> {
        self.entries.iter().filter(|e| f(&e.decision)).collect()
    }
    pub fn to_stop(&self) -> Vec<&PlanEntry> {
        self.with(|d| *d == Decision::Stop)
    }
    pub fn to_start(&self) -> Vec<&PlanEntry> {
        self.with(|d| *d == Decision::Start)
    }
    pub fn refused(&self) -> Vec<&PlanEntry> {
        self.with(|d| matches!(d, Decision::Refused { .. }))
    }
    pub fn unknown_schedule(&self) -> Vec<&PlanEntry> {
        self.with(|d| *d == Decision::UnknownSchedule)
    }

    /// One line per entry for a terminal: `STOP   ec2 i-0abc (dev-web) office-hours: reason`.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        for e in &self.entries {
            let what = match &e.decision {
                Decision::Stop => "STOP",
                Decision::Start => "START",
                Decision::Keep => "keep",
                Decision::NoEvent => "none",
                Decision::Refused { .. } => "REFUSED",
                Decision::UnknownSchedule => "ERROR",
            };
            let kind = match e.resource.kind {
                ResourceKind::Ec2Instance => "ec2",
                ResourceKind::RdsInstance => "rds",
            };
            let name = match e.resource.tags.get("Name") {
                Some(n) => format!(" ({n})"),
                None => String::new(),
            };
            out.push_str(&format!(
                "{what:<8} {kind} {}{name} {}: {}\n",
                e.resource.id, e.schedule, e.reason
            ));
        }
        out
    }
}

/// The latest instant at or before `now`, and not before `now - lookback`, at which `cron`
/// fires in `tz`.
///
/// Local times are mapped to instants with the "compatible" rule (as RFC 5545 and most cron
/// daemons): a local time skipped by a spring-forward gap fires at the same offset after the
/// gap (02:30 in a 02:00→03:00 gap fires at 03:30 new time); a local time repeated by a
/// fall-back fold fires once, at its first occurrence.
pub fn last_fire(
    cron: &Cron,
    tz: &TimeZone,
    now: Timestamp,
    lookback_days: u32,
) -> Option<Timestamp> {
    let earliest = now
        .checked_sub(SignedDuration::from_hours(24 * i64::from(lookback_days)))
        .unwrap_or(Timestamp::MIN);
    let today = tz.to_datetime(now).date();
    let mut best: Option<Timestamp> = None;
    let mut found_on: Option<i32> = None;
    // One day of slack on either side for offsets and gaps that cross midnight.
    for back in -1..=i32::try_from(lookback_days).unwrap_or(366) + 1 {
        if let Some(f) = found_on {
            // Local days earlier than the day after the find cannot beat it (a gap moves
            // times forward by at most a few hours).
            if back > f + 1 {
                break;
            }
        }
        let Ok(day) = today.checked_sub(jiff::Span::new().days(back)) else {
            continue;
        };
        if !cron.matches_date(day) {
            continue;
        }
        for (h, m) in cron.times_of_day() {
            let dt = day.at(h, m, 0, 0);
            let Ok(ts) = tz.to_ambiguous_timestamp(dt).compatible() else {
                continue;
            };
            if ts <= now && ts >= earliest && best.is_none_or(|b| ts > b) {
                best = Some(ts);
                if found_on.is_none() {
                    found_on = Some(back);
                }
            }
        }
    }
    best
}

/// The earliest instant strictly after `after`, and not later than `after + horizon_days`, at
/// which `cron` fires in `tz` (same local-time rules as [`last_fire`]). For `--daemon`: sleep
/// until the next event, then plan and run.
pub fn next_fire(
    cron: &Cron,
    tz: &TimeZone,
    after: Timestamp,
    horizon_days: u32,
) -> Option<Timestamp> {
    let latest = after
        .checked_add(SignedDuration::from_hours(24 * i64::from(horizon_days)))
        .unwrap_or(Timestamp::MAX);
    let today = tz.to_datetime(after).date();
    let mut best: Option<Timestamp> = None;
    let mut found_on: Option<i32> = None;
    for fwd in -1..=i32::try_from(horizon_days).unwrap_or(366) + 1 {
        if found_on.is_some_and(|f| fwd > f + 1) {
            break;
        }
        let Ok(day) = today.checked_add(jiff::Span::new().days(fwd)) else {
            continue;
        };
        if !cron.matches_date(day) {
            continue;
        }
        for (h, m) in cron.times_of_day() {
            let Ok(ts) = tz.to_ambiguous_timestamp(day.at(h, m, 0, 0)).compatible() else {
                continue;
            };
            if ts > after && ts <= latest && best.is_none_or(|b| ts < b) {
                best = Some(ts);
                found_on.get_or_insert(fwd);
            }
        }
    }
    best
}

/// The next start or stop event of any schedule after `now`, within `horizon_days`.
pub fn next_event(config: &Config, now: Timestamp, horizon_days: u32) -> Option<Timestamp> {
    config
        .schedules
        .values()
        .flat_map(|s| s.start.iter().chain(&s.stop).map(move |c| (c, &s.timezone)))
        .filter_map(|(c, tz)| next_fire(c, tz, now, horizon_days))
        .min()
}

/// The most recent start or stop event of a schedule. A stop and a start at the same
/// instant resolve to stop.
pub fn last_event(schedule: &Schedule, now: Timestamp, lookback_days: u32) -> Option<Event> {
    let latest = |crons: &[Cron]| {
        crons
            .iter()
            .filter_map(|c| last_fire(c, &schedule.timezone, now, lookback_days))
            .max()
    };
    let start = latest(&schedule.start).map(|at| Event {
        action: ActionKind::Start,
        at,
    });
    let stop = latest(&schedule.stop).map(|at| Event {
        action: ActionKind::Stop,
        at,
    });
    match (start, stop) {
        (Some(a), Some(o)) => Some(if a.at > o.at { a } else { o }),
        (a, o) => a.or(o),
    }
}

/// Why a resource is production-guarded, if it is.
pub fn guard_reason(guard: &Guard, r: &Resource) -> Option<String> {
    for (key, values) in &guard.tags {
        for (k, v) in &r.tags {
            if k.eq_ignore_ascii_case(key)
                && values
                    .iter()
                    .any(|want| want.eq_ignore_ascii_case(v.trim()))
            {
                return Some(format!("tag `{k}={v}` marks it as production"));
            }
        }
    }
    let name = r.display_name();
    for p in &guard.name_patterns {
        if p.is_match(name) {
            return Some(format!(
                "name `{name}` matches the production pattern `{}`",
                p.as_str()
            ));
        }
    }
    None
}

/// Computes the plan. Resources without the schedule tag are left out.
pub fn plan(now: Timestamp, config: &Config, resources: &[Resource]) -> Plan {
    let mut cache: BTreeMap<&str, Option<Event>> = BTreeMap::new();
    let mut entries = Vec::new();
    for r in resources {
        let Some(sched_name) = r.tags.get(&config.tag_key) else {
            continue;
        };
        let sched_name = sched_name.trim();
        let schedule = config.schedules.get(sched_name);
        let last = schedule.and_then(|s| {
            *cache
                .entry(s.name.as_str())
                .or_insert_with(|| last_event(s, now, config.lookback_days))
        });
        let wanted = last.and_then(|e| match (e.action, &r.state) {
            (ActionKind::Stop, ResourceState::Running) => Some(ActionKind::Stop),
            (ActionKind::Start, ResourceState::Stopped) => Some(ActionKind::Start),
            _ => None,
        });
        let event_text = |e: &Event| {
            let verb = match e.action {
                ActionKind::Stop => "stop",
                ActionKind::Start => "start",
            };
            match schedule {
                Some(s) => format!(
                    "last {verb} event at {} ({})",
                    e.at.to_zoned_datetime(s.timezone.clone())
                        .strftime("%Y-%m-%d %H:%M %Z"),
                    s.timezone_name
                ),
                None => format!("last {verb} event at {}", e.at),
            }
        };
        let (decision, reason) = if let Some(why) = guard_reason(&config.guard, r) {
            let would = match wanted {
                Some(ActionKind::Stop) => " (the schedule asks to stop it)",
                Some(ActionKind::Start) => " (the schedule asks to start it)",
                None => "",
            };
            (
                Decision::Refused { would: wanted },
                format!("refused: {why}{would}"),
            )
        } else if schedule.is_none() {
            (
                Decision::UnknownSchedule,
                format!(
                    "tag `{}` names schedule `{sched_name}`, which the config does not define",
                    config.tag_key
                ),
            )
        } else if let Some(e) = last {
            match (wanted, &r.state) {
                (Some(ActionKind::Stop), _) => (Decision::Stop, event_text(&e)),
                (Some(ActionKind::Start), _) => (Decision::Start, event_text(&e)),
                (None, ResourceState::Other(s)) => (
                    Decision::Keep,
                    format!("state `{s}` is in transition; {}", event_text(&e)),
                ),
                (None, _) => (
                    Decision::Keep,
                    format!("already as scheduled; {}", event_text(&e)),
                ),
            }
        } else {
            (
                Decision::NoEvent,
                format!(
                    "no start or stop event in the last {} days",
                    config.lookback_days
                ),
            )
        };
        entries.push(PlanEntry {
            resource: r.clone(),
            schedule: sched_name.to_string(),
            decision,
            last_event: last,
            reason,
        });
    }
    Plan { now, entries }
}
