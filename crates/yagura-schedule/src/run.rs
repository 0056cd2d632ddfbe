//! Executing a plan: dry run by default, every decision recorded as an [`Action`].

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::plan::{ActionKind, Decision, Plan, PlanEntry, Resource, ResourceKind};

/// Performs the stop and start calls (the collector implements it with the SDK).
pub trait Executor {
    type Error: std::fmt::Display;
    fn stop(&self, resource: &Resource) -> Result<(), Self::Error>;
    fn start(&self, resource: &Resource) -> Result<(), Self::Error>;
}

/// What happened to one planned resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "result", content = "detail")]
pub enum ActionResult {
    /// Without `--apply`: the action was not performed.
    DryRun,
    Done,
    Failed(String),
    /// Production-guarded: not performed.
    Refused,
    /// The resource's schedule tag names an unknown schedule, or a tag is not valid: an
    /// error of the run, nothing performed.
    Error,
}

/// A record for the store: one per stop, start, refusal or skip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    pub time: Timestamp,
    pub resource_kind: ResourceKind,
    pub resource_id: String,
    #[serde(default)]
    pub account: String,
    #[serde(default)]
    pub region: String,
    pub schedule: String,
    /// The action asked for by the schedule (`None` for an unknown schedule or a guarded
    /// resource that needed nothing).
    pub action: Option<ActionKind>,
    pub result: ActionResult,
    pub reason: String,
}

fn record(
    e: &PlanEntry,
    now: Timestamp,
    action: Option<ActionKind>,
    result: ActionResult,
) -> Action {
    Action {
        time: now,
        resource_kind: e.resource.kind,
        resource_id: e.resource.id.clone(),
        account: e.resource.account.clone(),
        region: e.resource.region.clone(),
        schedule: e.schedule.clone(),
        action,
        result,
        reason: e.reason.clone(),
    }
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// One record per stop, start, refusal or error.
    pub actions: Vec<Action>,
    /// The transitions applied by this run (empty without `apply`): per resource key, the
    /// event time to keep in [`crate::Applied`].
    pub applied: Vec<(String, Timestamp)>,
}

impl Outcome {
    /// Whether an action failed or an entry was an error.
    pub fn failed(&self) -> bool {
        self.actions
            .iter()
            .any(|a| matches!(a.result, ActionResult::Failed(_) | ActionResult::Error))
    }
}

/// Runs a plan. With `apply == false` the executor is never called and nothing counts as
/// applied. `now` stamps the records. Keep and no-event entries produce no record; a kept
/// resource already as scheduled counts as applied.
pub fn run<E: Executor>(plan: &Plan, executor: &E, apply: bool, now: Timestamp) -> Outcome {
    let mut out = Vec::new();
    let mut applied = Vec::new();
    for e in &plan.entries {
        if apply && e.decision == Decision::Keep {
            if let Some(t) = e.transition {
                applied.push((e.resource.key(), t));
            }
        }
        let (action, result) = match &e.decision {
            Decision::Stop | Decision::Start => {
                let kind = if e.decision == Decision::Stop {
                    ActionKind::Stop
                } else {
                    ActionKind::Start
                };
                let result = if !apply {
                    ActionResult::DryRun
                } else {
                    let r = match kind {
                        ActionKind::Stop => executor.stop(&e.resource),
                        ActionKind::Start => executor.start(&e.resource),
                    };
                    match r {
                        Ok(()) => {
                            if let Some(t) = e.transition {
                                applied.push((e.resource.key(), t));
                            }
                            ActionResult::Done
                        }
                        Err(err) => ActionResult::Failed(err.to_string()),
                    }
                };
                (Some(kind), result)
            }
            Decision::Refused { would } => (*would, ActionResult::Refused),
            Decision::UnknownSchedule | Decision::InvalidTag => (None, ActionResult::Error),
            Decision::Keep | Decision::NoEvent => continue,
        };
        out.push(record(e, now, action, result));
    }
    Outcome {
        actions: out,
        applied,
    }
}
