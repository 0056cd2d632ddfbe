//! Maintenance windows (OPS-01): tag-based schedules with cron expressions in a time zone, a
//! production guard, a pure dry-run plan and a runner that changes nothing without `apply`.
//!
//! Architecture invariant: no I/O except [`Config::load`]; the AWS calls live behind
//! [`Executor`], implemented by the collector.

pub mod config;
pub mod cron;
pub mod holidays;
pub mod plan;
pub mod run;

pub use config::{Config, ConfigError, Guard, Problem, Schedule};
pub use cron::{Cron, CronError};
pub use plan::{
    guard_reason, last_event, last_fire, next_event, next_fire, plan, ActionKind, Decision, Event,
    Plan, PlanEntry, Resource, ResourceKind, ResourceState,
};
pub use run::{run, Action, ActionResult, Executor};
