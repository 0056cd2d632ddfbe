//! `yagura schedule`: tag-based maintenance windows for EC2 and RDS instances (OPS-01).

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use yagura_collect::ops::Ops;
use yagura_collect::ConnectOptions;
use yagura_schedule::{Action, ActionKind, ActionResult, Config, Plan, ResourceKind};

use crate::cli::Global;
use crate::common::{open_store, sanitize};

#[derive(Debug, Args)]
pub struct ScheduleArgs {
    #[command(subcommand)]
    pub command: ScheduleCommand,
}

#[derive(Debug, Args, Clone)]
pub struct Target {
    /// The schedule configuration (TOML)
    #[arg(long)]
    pub config: PathBuf,
    /// AWS profile from ~/.aws/config (default: the standard credential chain)
    #[arg(long, env = "AWS_PROFILE")]
    pub profile: Option<String>,
    /// The region of the instances
    #[arg(long)]
    pub region: Option<String>,
    /// Plan as of this RFC 3339 time instead of now (tests, rehearsals)
    #[arg(long)]
    pub now: Option<String>,
    /// Output format: text or json
    #[arg(long, short, default_value = "text")]
    pub format: String,
}

#[derive(Debug, Subcommand)]
pub enum ScheduleCommand {
    /// Show what would be stopped, started or refused now
    Plan(Target),
    /// Stop and start what the schedules ask for (nothing changes without --apply)
    Run {
        #[command(flatten)]
        target: Target,
        /// Really stop and start instances
        #[arg(long)]
        apply: bool,
        /// Keep running, acting at every schedule event. With --now (and --max-ticks): a
        /// rehearsal on a simulated clock that starts at --now and jumps from one schedule
        /// event to the next without sleeping
        #[arg(long)]
        daemon: bool,
        /// Stop the daemon after this many rounds (tests, rehearsals)
        #[arg(long, requires = "daemon")]
        max_ticks: Option<u64>,
    },
}

fn parse_now(now: Option<&str>) -> Result<jiff::Timestamp> {
    match now {
        Some(s) => s
            .parse::<jiff::Timestamp>()
            .with_context(|| format!("`--now {}` is not an RFC 3339 time", sanitize(s))),
        None => Ok(jiff::Timestamp::now()),
    }
}

fn connect(t: &Target) -> Result<Ops> {
    let opts = ConnectOptions {
        profile: t.profile.clone(),
        region: t.region.clone(),
        endpoint_url: None,
        max_attempts: Some(4),
    };
    Ops::connect(&opts).map_err(|e| anyhow::anyhow!("{e}"))
}

fn make_plan(config: &Config, ops: &Ops, now: jiff::Timestamp) -> Result<Plan> {
    let resources = ops
        .list_resources()
        .map_err(|e| anyhow::anyhow!("cannot list the instances: {e}"))?;
    Ok(yagura_schedule::plan(now, config, &resources))
}

pub fn run(g: &Global, a: ScheduleArgs) -> Result<u8> {
    match a.command {
        ScheduleCommand::Plan(t) => {
            let config = Config::load(&t.config)?;
            let now = parse_now(t.now.as_deref())?;
            let ops = connect(&t)?;
            let plan = make_plan(&config, &ops, now)?;
            if t.format == "json" {
                println!("{}", serde_json::to_string_pretty(&plan)?);
            } else {
                print!("{}", sanitize(&plan.render_text()));
                if plan.entries.is_empty() {
                    println!(
                        "no instance carries the tag `{}`",
                        sanitize(&config.tag_key)
                    );
                }
            }
            Ok(0)
        }
        ScheduleCommand::Run {
            target,
            apply,
            daemon,
            max_ticks,
        } => {
            let config = Config::load(&target.config)?;
            if !daemon {
                let ops = connect(&target)?;
                let now = parse_now(target.now.as_deref())?;
                return once(g, &target, &config, &ops, apply, now);
            }
            // A simulated clock must end: it would otherwise run through the schedule as
            // fast as the API answers.
            let simulated = match target.now.as_deref() {
                Some(_) if max_ticks.is_none() => {
                    anyhow::bail!(
                        "`--daemon --now` rehearses on a simulated clock: give --max-ticks too"
                    )
                }
                Some(s) => Some(parse_now(Some(s))?),
                None => None,
            };
            let ops = connect(&target)?;
            daemon_loop(g, &target, &config, &ops, apply, simulated, max_ticks)
        }
    }
}

/// `run --daemon`: one round now, then one at every schedule event (and at least hourly, to
/// catch drift and instances started by hand). `simulated`: the clock starts there and jumps
/// to each next event instead of sleeping. Ends after `max_ticks` rounds when given.
fn daemon_loop(
    g: &Global,
    t: &Target,
    config: &Config,
    ops: &Ops,
    apply: bool,
    simulated: Option<jiff::Timestamp>,
    max_ticks: Option<u64>,
) -> Result<u8> {
    let mut clock = simulated;
    let mut ticks = 0u64;
    let mut worst = 0u8;
    loop {
        let now = clock.unwrap_or_else(jiff::Timestamp::now);
        if t.format != "json" {
            println!("== {now}");
        }
        match once(g, t, config, ops, apply, now) {
            Ok(code) => worst = worst.max(code),
            Err(e) => {
                eprintln!("error: {}", sanitize(&format!("{e:#}")));
                worst = worst.max(1);
            }
        }
        ticks += 1;
        if max_ticks.is_some_and(|m| ticks >= m) {
            return Ok(worst);
        }
        let next = yagura_schedule::next_event(config, now, 8);
        match clock {
            Some(_) => {
                clock = Some(next.unwrap_or_else(|| {
                    now.checked_add(jiff::SignedDuration::from_hours(1))
                        .unwrap_or(now)
                }));
            }
            None => {
                let wait = next
                    .and_then(|t| t.duration_since(jiff::Timestamp::now()).try_into().ok())
                    .unwrap_or(std::time::Duration::from_secs(3600))
                    .clamp(
                        std::time::Duration::from_secs(5),
                        std::time::Duration::from_secs(3600),
                    );
                std::thread::sleep(wait + std::time::Duration::from_secs(1));
            }
        }
    }
}

fn kind(k: ResourceKind) -> &'static str {
    match k {
        ResourceKind::Ec2Instance => "ec2",
        ResourceKind::RdsInstance => "rds",
    }
}

fn result_text(r: &ActionResult) -> String {
    match r {
        ActionResult::DryRun => "dry-run".to_string(),
        ActionResult::Done => "ok".to_string(),
        ActionResult::Failed(e) => format!("failed: {e}"),
        ActionResult::Refused => "refused".to_string(),
        ActionResult::Skipped => "skipped".to_string(),
    }
}

fn once(
    g: &Global,
    t: &Target,
    config: &Config,
    ops: &Ops,
    apply: bool,
    now: jiff::Timestamp,
) -> Result<u8> {
    let plan = make_plan(config, ops, now)?;
    let actions: Vec<Action> = yagura_schedule::run(&plan, ops, apply, now);
    let mut store = open_store(g)?;
    for a in &actions {
        let time = time::OffsetDateTime::from_unix_timestamp_nanos(a.time.as_nanosecond())
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        let action = match a.action {
            Some(ActionKind::Stop) => "stop",
            Some(ActionKind::Start) => "start",
            None => "none",
        };
        store.record_action(&yagura_store::ActionRecord {
            time,
            resource: format!("{}:{}", kind(a.resource_kind), a.resource_id),
            action: action.to_string(),
            result: result_text(&a.result),
            reason: format!("schedule `{}`: {}", a.schedule, a.reason),
        })?;
    }
    if t.format == "json" {
        println!("{}", serde_json::to_string_pretty(&actions)?);
    } else {
        for a in &actions {
            let what = match a.action {
                Some(ActionKind::Stop) => "stop",
                Some(ActionKind::Start) => "start",
                None => "-",
            };
            println!(
                "{:<8} {:<5} {} {} {}: {}",
                result_text(&a.result).to_uppercase(),
                what,
                kind(a.resource_kind),
                sanitize(&a.resource_id),
                sanitize(&a.schedule),
                sanitize(&a.reason)
            );
        }
        if actions.is_empty() {
            println!("nothing to do");
        }
        if !apply && !g.quiet && actions.iter().any(|a| a.result == ActionResult::DryRun) {
            eprintln!("dry run: nothing was changed; add --apply to act");
        }
    }
    let refused = actions
        .iter()
        .filter(|a| a.result == ActionResult::Refused)
        .count();
    if refused > 0 && !g.quiet {
        eprintln!("{refused} production-guarded resource(s) refused (see REFUSED lines)");
    }
    let failed = actions
        .iter()
        .any(|a| matches!(a.result, ActionResult::Failed(_)));
    Ok(if failed { 1 } else { 0 })
}
