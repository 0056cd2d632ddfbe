//! Maintenance windows (OPS-01): tag-based schedules with cron expressions in a time zone, skip
//! days (Japanese national holidays built in), schedules written in tag values, overrides, a
//! production guard, a pure dry-run plan that acts only on transitions not yet applied, and a
//! runner that changes nothing without `apply`.
//!
//! Architecture invariant: no I/O except [`Config::load`]; the AWS calls live behind
//! [`Executor`], implemented by the collector; what was applied comes in and goes out as
//! [`Applied`], kept by the binary in the store.
// Only the binary prints (ARCHITECTURE.md): a library returns data and typed errors.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod config;
pub mod cron;
pub mod holidays;
pub mod plan;
pub mod run;
pub mod skip;
pub mod tag;

pub use config::{Config, ConfigError, Guard, Problem, Schedule, TagError, FORMAT};
pub use cron::{Cron, CronError};
pub use plan::{
    guard_reason, last_event, last_fire, last_fire_except, next_event, next_fire, next_fire_except,
    plan, plan_with, ActionKind, Applied, Capacity, Decision, Event, Plan, PlanEntry, Resource,
    ResourceKind, ResourceState, SAVED_CAPACITY_TAG,
};
pub use run::{run, Action, ActionResult, Executor, Outcome};
pub use skip::SkipDays;
