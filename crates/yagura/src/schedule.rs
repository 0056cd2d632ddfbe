//! `yagura schedule`: tag-based maintenance windows for EC2 instances, RDS DB instances, Aurora
//! DB clusters and Auto Scaling groups, in every chosen account and region (OPS-01).
//!
//! Each run acts on transitions only: the events already applied are kept in the store
//! (checkpoint namespace [`APPLIED`], one entry per resource), so a resource changed by hand
//! after an event stays as it is until the next event. A dry run and `plan` change nothing,
//! not even that memory.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use yagura_collect::ops::{Ops, PlaceError, Scope};
use yagura_collect::ConnectOptions;
use yagura_schedule::{Action, ActionKind, ActionResult, Applied, Config, Plan};

use crate::cli::{Global, TextOrJson};
use crate::common::{open_store, sanitize, sanitize_text};

/// The store's checkpoint namespace of the events already applied.
const APPLIED: &str = "schedule-applied";

#[derive(Debug, Args)]
#[command(after_long_help = yagura_schedule::FORMAT)]
pub struct ScheduleArgs {
    #[command(subcommand)]
    pub command: ScheduleCommand,
}

#[derive(Debug, Args, Clone)]
pub struct Target {
    /// The schedule configuration (TOML; its format is in `yagura schedule --help`)
    #[arg(long)]
    pub config: PathBuf,
    /// AWS profile from ~/.aws/config (default: the standard credential chain)
    #[arg(long, env = "AWS_PROFILE")]
    pub profile: Option<String>,
    /// The regions to cover (repeat or separate with commas; default: the profile's region)
    #[arg(long = "region", alias = "regions", value_delimiter = ',')]
    pub regions: Vec<String>,
    /// Every active account of the Organization, through --role-name assumed in each
    #[arg(long)]
    pub org: bool,
    /// The role assumed in each account of the Organization
    #[arg(
        long,
        default_value = "OrganizationAccountAccessRole",
        requires = "org"
    )]
    pub role_name: String,
    /// The external id of that role, if its trust policy asks for one
    #[arg(long, requires = "org")]
    pub external_id: Option<String>,
    /// Only these accounts of the Organization (repeat or separate with commas)
    #[arg(long = "account", value_delimiter = ',', requires = "org")]
    pub accounts: Vec<String>,
    /// Plan as of this RFC 3339 time instead of now (tests, rehearsals)
    #[arg(long)]
    pub now: Option<String>,
    /// Output format
    #[arg(long, short, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

#[derive(Debug, Subcommand)]
pub enum ScheduleCommand {
    /// Show what would be stopped, started or refused now
    Plan(Target),
    /// List the Japanese national holidays of a year or of years (`2026`, `2026..2030`): the
    /// days `skip = ["jp-holidays"]` skips
    Holidays {
        /// A year, or FROM..TO (both included)
        #[arg(default_value = "")]
        years: String,
        /// Output format
        #[arg(long, short, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
    },
    /// Stop and start what the schedules ask for (nothing changes without --apply)
    Run {
        #[command(flatten)]
        target: Target,
        /// Really stop and start resources
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
        region: t.regions.first().cloned(),
        endpoint_url: None,
        max_attempts: Some(4),
    };
    // each region once, in the order given
    let mut regions: Vec<String> = Vec::new();
    for r in &t.regions {
        if !regions.contains(r) {
            regions.push(r.clone());
        }
    }
    let scope = Scope {
        regions,
        org_role: t.org.then(|| t.role_name.clone()),
        external_id: t.external_id.clone(),
        accounts: t.accounts.clone(),
    };
    Ops::connect(&opts, &scope).map_err(|e| anyhow::anyhow!("{e}"))
}

/// The events already applied, from the store.
fn applied(store: &yagura_store::Store) -> Result<Applied> {
    let mut out = Applied::new();
    for (key, value) in store.checkpoints(APPLIED)? {
        // a value that does not parse is forgotten: the resource gets its latest event again
        if let Ok(t) = value.parse::<jiff::Timestamp>() {
            out.insert(key, t);
        }
    }
    Ok(out)
}

fn make_plan(
    config: &Config,
    ops: &Ops,
    now: jiff::Timestamp,
    applied: &Applied,
) -> (Plan, Vec<PlaceError>) {
    let (resources, errors) = ops.list_resources();
    (
        yagura_schedule::plan_with(now, config, &resources, applied),
        errors,
    )
}

fn print_place_errors(errors: &[PlaceError]) {
    for e in errors {
        eprintln!(
            "{}: {}",
            crate::i18n::error_prefix(),
            sanitize(&e.to_string())
        );
    }
}

/// `schedule holidays`.
fn holidays(g: &Global, years: &str, format: TextOrJson) -> Result<u8> {
    let parse = |s: &str| {
        s.trim()
            .parse::<i16>()
            .ok()
            .filter(|y| (yagura_schedule::holidays::FIRST_YEAR..=9999).contains(y))
            .with_context(|| {
                format!(
                    "`{}` is not a year from {} to 9999",
                    sanitize(s),
                    yagura_schedule::holidays::FIRST_YEAR
                )
            })
    };
    let (from, to) = match years.split_once("..") {
        _ if years.is_empty() => {
            let y = jiff::tz::TimeZone::UTC
                .to_datetime(jiff::Timestamp::now())
                .year();
            (y, y)
        }
        Some((a, b)) => (parse(a)?, parse(b)?),
        None => {
            let y = parse(years)?;
            (y, y)
        }
    };
    if to < from {
        anyhow::bail!(crate::tr!(
            "`{y}` runs backwards",
            "`{y}` は範囲が逆順です",
            y = sanitize(years)
        ));
    }
    let ja = crate::common::lang(g) == yagura_core::Lang::Ja;
    let mut out = Vec::new();
    for y in from..=to {
        out.extend(yagura_schedule::holidays::japanese_holidays(y));
    }
    if format == TextOrJson::Json {
        let v: Vec<_> = out
            .iter()
            .map(|h| serde_json::json!({"date": h.date.to_string(), "name_ja": h.name_ja, "name_en": h.name_en}))
            .collect();
        crate::outln!("{}", yagura_core::escape::json_string(&v)?);
    } else {
        use std::fmt::Write as _;
        let mut text = String::new();
        for h in &out {
            let name = if ja { h.name_ja } else { h.name_en };
            let day = if ja {
                // 日月火水木金土, the weekday as a Japanese calendar writes it
                ["(日)", "(月)", "(火)", "(水)", "(木)", "(金)", "(土)"]
                    [usize::try_from(h.date.weekday().to_sunday_zero_offset()).unwrap_or(0)]
                .to_string()
            } else {
                h.date.strftime("%a").to_string()
            };
            writeln!(text, "{} {day} {name}", h.date)?;
        }
        crate::out::write_stdout(text.as_bytes())?;
    }
    Ok(0)
}

pub fn run(g: &Global, a: ScheduleArgs) -> Result<u8> {
    match a.command {
        ScheduleCommand::Holidays { years, format } => holidays(g, &years, format),
        ScheduleCommand::Plan(t) => {
            let config = Config::load(&t.config)?;
            let now = parse_now(t.now.as_deref())?;
            let ops = connect(&t)?;
            let store = open_store(g)?;
            let (plan, errors) = make_plan(&config, &ops, now, &applied(&store)?);
            if t.format == TextOrJson::Json {
                let v = serde_json::json!({
                    "now": plan.now,
                    "entries": plan.entries,
                    "errors": errors.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
                });
                crate::outln!("{}", yagura_core::escape::json_string(&v)?);
            } else {
                print_place_errors(&errors);
                let text = plan.render_text();
                crate::out::write_stdout(sanitize_text(&text).as_bytes())?;
                if plan.entries.is_empty() {
                    crate::outln!(
                        "{}",
                        crate::tr!(
                            "no resource carries the tag `{t}`",
                            "タグ `{t}` の付いたリソースはありません",
                            t = sanitize(&config.tag_key)
                        )
                    );
                }
            }
            Ok(u8::from(!errors.is_empty() || !plan.errors().is_empty()))
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
                return once(g, &target, &config, &ops, apply, now).map(|(code, _)| code);
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

/// `run --daemon`: one round now, then one at every schedule event (and at least hourly).
/// `simulated`: the clock starts there and jumps to each next event instead of sleeping. Ends
/// after `max_ticks` rounds when given.
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
        if t.format != TextOrJson::Json {
            crate::outln!("== {now}");
        }
        let inline = match once(g, t, config, ops, apply, now) {
            Ok((code, inline)) => {
                worst = worst.max(code);
                inline
            }
            Err(e) if crate::out::is_broken_pipe(&e) => return Err(e),
            Err(e) => {
                eprintln!(
                    "{}: {}",
                    crate::i18n::error_prefix(),
                    sanitize(&crate::i18n::error_text(&e))
                );
                worst = worst.max(1);
                Vec::new()
            }
        };
        ticks += 1;
        if max_ticks.is_some_and(|m| ticks >= m) {
            return Ok(worst);
        }
        let next = yagura_schedule::next_event(config, &inline, now, 8);
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

fn result_text(r: &ActionResult) -> String {
    match r {
        ActionResult::DryRun => "dry-run".to_string(),
        ActionResult::Done => "ok".to_string(),
        ActionResult::Failed(e) => format!("failed: {e}"),
        ActionResult::Refused => "refused".to_string(),
        ActionResult::Error => "error".to_string(),
    }
}

/// One round: plan, act, record. Returns the exit code and the inline schedules seen (for the
/// daemon's next wake-up).
fn once(
    g: &Global,
    t: &Target,
    config: &Config,
    ops: &Ops,
    apply: bool,
    now: jiff::Timestamp,
) -> Result<(u8, Vec<yagura_schedule::Schedule>)> {
    let mut store = open_store(g)?;
    let (plan, errors) = make_plan(config, ops, now, &applied(&store)?);
    let outcome = yagura_schedule::run(&plan, ops, apply, now);
    let actions: &[Action] = &outcome.actions;
    for a in actions {
        let time = time::OffsetDateTime::from_unix_timestamp_nanos(a.time.as_nanosecond())
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        let action = match a.action {
            Some(ActionKind::Stop) => "stop",
            Some(ActionKind::Start) => "start",
            None => "none",
        };
        let place = if a.account.is_empty() {
            String::new()
        } else {
            format!("{}/{}/", a.account, a.region)
        };
        store.record_action(&yagura_store::ActionRecord {
            time,
            resource: format!("{place}{}:{}", a.resource_kind.short(), a.resource_id),
            action: action.to_string(),
            result: result_text(&a.result),
            reason: format!("schedule `{}`: {}", a.schedule, a.reason),
        })?;
    }
    if apply && !outcome.applied.is_empty() {
        let values: Vec<(String, String)> = outcome
            .applied
            .iter()
            .map(|(k, t)| (k.clone(), t.to_string()))
            .collect();
        let refs: Vec<(&str, &str)> = values
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        store.put_checkpoints(APPLIED, &refs)?;
    }
    if t.format == TextOrJson::Json {
        let v = serde_json::json!({
            "now": now,
            "actions": actions,
            "errors": errors.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
        });
        crate::outln!("{}", yagura_core::escape::json_string(&v)?);
    } else {
        print_place_errors(&errors);
        for a in actions {
            let what = match a.action {
                Some(ActionKind::Stop) => "stop",
                Some(ActionKind::Start) => "start",
                None => "-",
            };
            let place = if a.account.is_empty() && a.region.is_empty() {
                String::new()
            } else {
                format!("{} {} ", sanitize(&a.account), sanitize(&a.region))
            };
            crate::outln!(
                "{:<8} {:<5} {place}{} {} {}: {}",
                result_text(&a.result).to_uppercase(),
                what,
                a.resource_kind.short(),
                sanitize(&a.resource_id),
                sanitize(&a.schedule),
                sanitize(&a.reason)
            );
        }
        if actions.is_empty() {
            crate::outln!(
                "{}",
                crate::tr!("nothing to do", "実行することはありません")
            );
        }
        if !apply && !g.quiet && actions.iter().any(|a| a.result == ActionResult::DryRun) {
            crate::etr!(
                "dry run: nothing was changed; add --apply to act",
                "ドライラン: 何も変更していません。実行するには --apply を付けてください"
            );
        }
    }
    let refused = actions
        .iter()
        .filter(|a| a.result == ActionResult::Refused)
        .count();
    if refused > 0 && !g.quiet {
        crate::etr!(
            "{refused} production-guarded resource(s) refused (see REFUSED lines)",
            "本番保護のリソース {refused} 件を拒否しました(REFUSED の行を参照)"
        );
    }
    let bad = plan.errors().len();
    if bad > 0 && !g.quiet {
        crate::etr!(
            "{bad} resource(s) with a schedule tag in error (see ERROR lines)",
            "スケジュールタグに誤りのあるリソース {bad} 件(ERROR の行を参照)"
        );
    }
    let code = u8::from(outcome.failed() || !errors.is_empty());
    Ok((code, plan.inline))
}
