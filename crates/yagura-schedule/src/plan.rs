//! Pure planning: now + config + resources + what was already applied → what to stop,
//! start, refuse, keep.
//!
//! A run acts on *transitions*: the latest start or stop event of a resource's schedule is
//! applied once. [`Applied`] holds, per resource, the time of the event last applied to it;
//! an event at or before that time is not applied again, so an instance started by hand after
//! the evening's stop stays up until the next stop event. A resource seen for the first time
//! gets its schedule's latest event.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::config::{Config, Guard, Schedule, TagError};
use crate::cron::Cron;
use crate::tag::parse_override;

/// The tag in which a stopped Auto Scaling group keeps the capacity to restore.
pub const SAVED_CAPACITY_TAG: &str = "yagura:saved-capacity";

/// The tag AWS puts on the instances of an Auto Scaling group.
const ASG_MEMBER_TAG: &str = "aws:autoscaling:groupName";

/// What kind of resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ResourceKind {
    Ec2Instance,
    RdsInstance,
    /// An Aurora DB cluster (its instances stop and start with it).
    AuroraCluster,
    /// An Auto Scaling group: stopped by setting its capacity to 0.
    AutoScalingGroup,
}

impl ResourceKind {
    /// The short name in text output and resource keys.
    pub fn short(self) -> &'static str {
        match self {
            ResourceKind::Ec2Instance => "ec2",
            ResourceKind::RdsInstance => "rds",
            ResourceKind::AuroraCluster => "aurora",
            ResourceKind::AutoScalingGroup => "asg",
        }
    }
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
    /// Maps an EC2 instance state name, an RDS DB instance or DB cluster status.
    pub fn from_aws(kind: ResourceKind, state: &str) -> ResourceState {
        match (kind, state) {
            (ResourceKind::Ec2Instance, "running")
            | (ResourceKind::RdsInstance | ResourceKind::AuroraCluster, "available") => {
                ResourceState::Running
            }
            (_, "stopped") => ResourceState::Stopped,
            (_, other) => ResourceState::Other(other.to_string()),
        }
    }
}

/// An Auto Scaling group's sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capacity {
    pub min: i32,
    pub desired: i32,
    pub max: i32,
}

impl Capacity {
    /// The value of [`SAVED_CAPACITY_TAG`]: `min=1 desired=2 max=4`.
    pub fn to_tag(self) -> String {
        format!("min={} desired={} max={}", self.min, self.desired, self.max)
    }

    /// Reads [`Capacity::to_tag`]'s form back.
    pub fn from_tag(value: &str) -> Result<Capacity, String> {
        let (mut min, mut desired, mut max) = (None, None, None);
        for word in value.split_whitespace() {
            let (k, v) = word.split_once('=').unwrap_or((word, ""));
            let n: i32 = v
                .parse()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| format!("`{word}` is not `NAME=COUNT`"))?;
            match k {
                "min" => min = Some(n),
                "desired" => desired = Some(n),
                "max" => max = Some(n),
                _ => return Err(format!("unknown size `{k}`")),
            }
        }
        match (min, desired, max) {
            (Some(min), Some(desired), Some(max)) if min <= desired && desired <= max => {
                Ok(Capacity { min, desired, max })
            }
            (Some(_), Some(_), Some(_)) => {
                Err(format!("`{value}` does not satisfy min <= desired <= max"))
            }
            _ => Err(format!("`{value}` lacks min, desired or max")),
        }
    }
}

/// A resource as the collector sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    pub kind: ResourceKind,
    pub id: String,
    /// The account and region it lives in (empty when the run covers one of each and the
    /// collector did not say).
    #[serde(default)]
    pub account: String,
    #[serde(default)]
    pub region: String,
    pub state: ResourceState,
    pub tags: BTreeMap<String, String>,
    /// An Auto Scaling group's current sizes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<Capacity>,
}

impl Resource {
    /// A resource of no particular account or region.
    pub fn new(
        kind: ResourceKind,
        id: impl Into<String>,
        state: ResourceState,
        tags: BTreeMap<String, String>,
    ) -> Resource {
        Resource {
            kind,
            id: id.into(),
            account: String::new(),
            region: String::new(),
            state,
            tags,
            capacity: None,
        }
    }

    /// The `Name` tag, else the id.
    pub fn display_name(&self) -> &str {
        self.tags
            .get("Name")
            .map_or(self.id.as_str(), String::as_str)
    }

    /// `ACCOUNT/REGION/KIND/ID`: the key of [`Applied`].
    pub fn key(&self) -> String {
        format!(
            "{}/{}/{}/{}",
            self.account,
            self.region,
            self.kind.short(),
            self.id
        )
    }
}

/// Per resource key ([`Resource::key`]), the time of the schedule event last applied to it.
pub type Applied = BTreeMap<String, Timestamp>;

/// An action on a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionKind {
    Stop,
    Start,
}

impl ActionKind {
    fn verb(self) -> &'static str {
        match self {
            ActionKind::Stop => "stop",
            ActionKind::Start => "start",
        }
    }
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
    /// Left as it is: already as scheduled, in a transitional state, the event already
    /// applied, an override in force, or an instance of an Auto Scaling group.
    Keep,
    /// No start/stop event within the look-back.
    NoEvent,
    /// Production-guarded: never touched; `would` is what the schedule asked for.
    Refused { would: Option<ActionKind> },
    /// The tag names a schedule that the config does not define (an error).
    UnknownSchedule,
    /// The schedule written in the tag, or the override tag, is not valid (an error).
    InvalidTag,
}

impl Decision {
    /// Whether the entry is an error of the run (it fails the exit code).
    pub fn is_error(&self) -> bool {
        matches!(self, Decision::UnknownSchedule | Decision::InvalidTag)
    }
}

/// One line of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanEntry {
    pub resource: Resource,
    /// The tag's value: a schedule's name or an inline schedule.
    pub schedule: String,
    pub decision: Decision,
    pub last_event: Option<Event>,
    /// The time of the transition this entry applies, when it has not been applied yet: kept
    /// in [`Applied`] once the action is done (or the resource was already as scheduled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transition: Option<Timestamp>,
    pub reason: String,
}

/// What a run would do now.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Plan {
    pub now: Timestamp,
    /// Only resources carrying the schedule tag, in input order.
    pub entries: Vec<PlanEntry>,
    /// The schedules written in tags, for [`next_event`].
    #[serde(skip)]
    pub inline: Vec<Schedule>,
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
    /// Entries that are errors (unknown schedule, invalid tag).
    pub fn errors(&self) -> Vec<&PlanEntry> {
        self.with(Decision::is_error)
    }

    /// One line per entry for a terminal:
    /// `STOP     ec2 i-0abc (dev-web) office-hours: reason`, with `ACCOUNT REGION` first when
    /// the collector named them.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        for e in &self.entries {
            let what = match &e.decision {
                Decision::Stop => "STOP",
                Decision::Start => "START",
                Decision::Keep => "keep",
                Decision::NoEvent => "none",
                Decision::Refused { .. } => "REFUSED",
                Decision::UnknownSchedule | Decision::InvalidTag => "ERROR",
            };
            let r = &e.resource;
            // ids, tags and reasons quoting them are outside text: one line each
            let line = yagura_core::escape::one_line;
            let place = if r.account.is_empty() && r.region.is_empty() {
                String::new()
            } else {
                format!("{} {} ", line(&r.account), line(&r.region))
            };
            let name = match r.tags.get("Name") {
                Some(n) => format!(" ({})", line(n)),
                None => String::new(),
            };
            out.push_str(&format!(
                "{what:<8} {place}{} {}{name} {}: {}\n",
                r.kind.short(),
                line(&r.id),
                line(&e.schedule),
                line(&e.reason)
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
    last_fire_except(cron, tz, now, lookback_days, &|_| false)
}

/// [`last_fire`], not firing on the local dates `skip` names.
pub fn last_fire_except(
    cron: &Cron,
    tz: &TimeZone,
    now: Timestamp,
    lookback_days: u32,
    skip: &dyn Fn(Date) -> bool,
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
        if !cron.matches_date(day) || skip(day) {
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
    next_fire_except(cron, tz, after, horizon_days, &|_| false)
}

/// [`next_fire`], not firing on the local dates `skip` names.
pub fn next_fire_except(
    cron: &Cron,
    tz: &TimeZone,
    after: Timestamp,
    horizon_days: u32,
    skip: &dyn Fn(Date) -> bool,
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
        if !cron.matches_date(day) || skip(day) {
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

/// The next start or stop event after `now`, within `horizon_days`, of any schedule of the
/// file or of `inline` (the schedules written in tags, [`Plan::inline`]).
pub fn next_event(
    config: &Config,
    inline: &[Schedule],
    now: Timestamp,
    horizon_days: u32,
) -> Option<Timestamp> {
    config
        .schedules
        .values()
        .chain(inline)
        .flat_map(|s| s.start.iter().chain(&s.stop).map(move |c| (c, s)))
        .filter_map(|(c, s)| {
            next_fire_except(c, &s.timezone, now, horizon_days, &|d| s.skip.contains(d))
        })
        .min()
}

/// The most recent start or stop event of a schedule. A stop and a start at the same
/// instant resolve to stop.
pub fn last_event(schedule: &Schedule, now: Timestamp, lookback_days: u32) -> Option<Event> {
    let latest = |crons: &[Cron]| {
        crons
            .iter()
            .filter_map(|c| {
                last_fire_except(c, &schedule.timezone, now, lookback_days, &|d| {
                    schedule.skip.contains(d)
                })
            })
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

/// Computes the plan with nothing applied yet (every resource gets its schedule's latest
/// event). Resources without the schedule tag are left out.
pub fn plan(now: Timestamp, config: &Config, resources: &[Resource]) -> Plan {
    plan_with(now, config, resources, &Applied::new())
}

fn local(at: Timestamp, s: &Schedule) -> String {
    format!(
        "{} ({})",
        at.to_zoned_datetime(s.timezone.clone())
            .strftime("%Y-%m-%d %H:%M %Z"),
        s.timezone_name
    )
}

/// Computes the plan: what each resource carrying the schedule tag needs now, given the
/// events already `applied`.
pub fn plan_with(
    now: Timestamp,
    config: &Config,
    resources: &[Resource],
    applied: &Applied,
) -> Plan {
    // Schedules of the file by name, and inline ones by tag value, each computed once.
    let mut events: BTreeMap<String, Option<Event>> = BTreeMap::new();
    let mut inline: BTreeMap<String, Schedule> = BTreeMap::new();
    let mut entries = Vec::new();
    for r in resources {
        let Some(tag_value) = r.tags.get(&config.tag_key) else {
            continue;
        };
        let tag_value = tag_value.trim();
        let entry = |decision: Decision, last_event, transition, reason: String| PlanEntry {
            resource: r.clone(),
            schedule: tag_value.to_string(),
            decision,
            last_event,
            transition,
            reason,
        };
        let schedule = match config.schedule_for(tag_value) {
            Ok(s) => Some(s),
            Err(e) => {
                if let Some(why) = guard_reason(&config.guard, r) {
                    entries.push(entry(
                        Decision::Refused { would: None },
                        None,
                        None,
                        format!("refused: {why}"),
                    ));
                    continue;
                }
                let (d, reason) = match e {
                    TagError::Unknown(name) => (
                        Decision::UnknownSchedule,
                        format!(
                            "tag `{}` names schedule `{name}`, which the config does not define",
                            config.tag_key
                        ),
                    ),
                    TagError::Invalid(m) => (
                        Decision::InvalidTag,
                        format!(
                            "tag `{}`: the schedule written in it is not valid: {m}",
                            config.tag_key
                        ),
                    ),
                };
                entries.push(entry(d, None, None, reason));
                None
            }
        };
        let Some(schedule) = schedule else { continue };
        if matches!(schedule, std::borrow::Cow::Owned(_)) && !inline.contains_key(tag_value) {
            inline.insert(tag_value.to_string(), schedule.clone().into_owned());
        }
        let last = *events
            .entry(tag_value.to_string())
            .or_insert_with(|| last_event(&schedule, now, config.lookback_days));

        // An override: kept as it is until then; when it ended after the last event, its end
        // is the transition.
        let override_until = match r.tags.get(&config.override_tag_key) {
            None => None,
            Some(v) => match parse_override(v, &schedule.timezone) {
                Ok(t) => Some(t),
                Err(m) => {
                    entries.push(entry(
                        Decision::InvalidTag,
                        last,
                        None,
                        format!("tag `{}`: {m}", config.override_tag_key),
                    ));
                    continue;
                }
            },
        };
        let wanted = |e: &Event| match (e.action, &r.state) {
            (ActionKind::Stop, ResourceState::Running) => Some(ActionKind::Stop),
            (ActionKind::Start, ResourceState::Stopped) => Some(ActionKind::Start),
            _ => None,
        };
        if let Some(why) = guard_reason(&config.guard, r) {
            let would = last.as_ref().and_then(wanted);
            let asks = match would {
                Some(a) => format!(" (the schedule asks to {} it)", a.verb()),
                None => String::new(),
            };
            entries.push(entry(
                Decision::Refused { would },
                last,
                None,
                format!("refused: {why}{asks}"),
            ));
            continue;
        }
        if r.kind == ResourceKind::Ec2Instance {
            if let Some(group) = r.tags.get(ASG_MEMBER_TAG) {
                entries.push(entry(
                    Decision::Keep,
                    last,
                    None,
                    format!("an instance of Auto Scaling group `{group}`, which would replace it: schedule the group"),
                ));
                continue;
            }
        }
        if let Some(until) = override_until.filter(|u| *u > now) {
            entries.push(entry(
                Decision::Keep,
                last,
                None,
                format!("override: kept as it is until {}", local(until, &schedule)),
            ));
            continue;
        }
        let Some(e) = last else {
            entries.push(entry(
                Decision::NoEvent,
                None,
                None,
                format!(
                    "no start or stop event in the last {} days",
                    config.lookback_days
                ),
            ));
            continue;
        };
        let (at, what) = match override_until {
            Some(u) if u > e.at => (
                u,
                format!(
                    "the override ended at {}; last {} event at {}",
                    local(u, &schedule),
                    e.action.verb(),
                    local(e.at, &schedule)
                ),
            ),
            _ => (
                e.at,
                format!(
                    "last {} event at {}",
                    e.action.verb(),
                    local(e.at, &schedule)
                ),
            ),
        };
        if applied.get(&r.key()).is_some_and(|done| *done >= at) {
            entries.push(entry(
                Decision::Keep,
                last,
                None,
                format!(
                    "{what}, already applied: a change made since is left until the next event"
                ),
            ));
            continue;
        }
        let (decision, transition, reason) = match (wanted(&e), &r.state) {
            (Some(ActionKind::Stop), _) => (Decision::Stop, Some(at), what),
            (Some(ActionKind::Start), _) => (Decision::Start, Some(at), what),
            (None, ResourceState::Other(s)) => (
                Decision::Keep,
                None,
                format!("state `{s}` is in transition; {what}"),
            ),
            (None, _) => (
                Decision::Keep,
                Some(at),
                format!("already as scheduled; {what}"),
            ),
        };
        entries.push(entry(decision, last, transition, reason));
    }
    Plan {
        now,
        entries,
        inline: inline.into_values().collect(),
    }
}
