//! The schedule configuration file (TOML). [`FORMAT`] is its documentation, shown by
//! `yagura schedule --help`; `examples/schedule.toml` is a commented example.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::tz::TimeZone;
use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

use crate::cron::Cron;
use crate::skip::SkipDays;
use crate::tag;

/// The default tag key that names a resource's schedule.
pub const DEFAULT_TAG_KEY: &str = "yagura:schedule";
/// The default time zone (the seed's).
pub const DEFAULT_TIMEZONE: &str = "Asia/Tokyo";
/// The default look-back for the last start/stop event.
pub const DEFAULT_LOOKBACK_DAYS: u32 = 8;
/// The default tag key of a temporary override.
pub const DEFAULT_OVERRIDE_TAG_KEY: &str = "yagura:schedule-override";

/// The file format, for `--help`.
pub const FORMAT: &str = r#"The schedule file (TOML):

  tag_key = "yagura:schedule"            # the tag that names a resource's schedule (default)
  override_tag_key = "yagura:schedule-override"   # default
  timezone = "Asia/Tokyo"                # default zone of every schedule (default Asia/Tokyo)
  lookback_days = 8                      # how far back the last event is searched (1-366)
  skip = ["jp-holidays", "12-29..01-03"] # skip days of every schedule (optional)

  [schedules.office-hours]
  start = "0 9 * * MON-FRI"              # cron (minute hour day month weekday), or a list
  stop = ["0 20 * * MON-FRI"]
  timezone = "Asia/Tokyo"                # optional, overrides the default
  skip = ["2026-08-13..2026-08-15"]      # optional, added to the file's skip days

  [guard]                                # optional; default: tag env/environment/stage in
  tags = { env = ["prod", "production"] }          # prod, production, prd
  name_patterns = ["(?i)prod"]           # regexes over the Name tag (or the id)

Skip days: `jp-holidays` (Japanese national holidays, substitute and citizens' holidays
included), `2026-12-29`, `2026-12-29..2027-01-03`, `12-29` (every year), `12-29..01-03`
(every year, over the new year). On a skip day the schedule's events do not fire.

The tag's value names a schedule of the file, or is a schedule itself:
  start=0 9 * * MON-FRI stop=0 20 * * MON-FRI tz=Asia/Tokyo skip=jp-holidays
  start=09:00 stop=20:00 days=mon-fri skip=jp-holidays    (characters RDS and ASG tags allow)
A tag naming a schedule the file does not define is an error (exit code 1).

A run acts only on events it has not applied yet: an instance started by hand after the
20:00 stop stays up until the next stop event. The override tag keeps a resource as it is
until a time, then the schedule applies again:
  yagura:schedule-override = until:2026-11-25T23:00     (the schedule's zone; or RFC 3339)

Resources: EC2 instances (not those of an Auto Scaling group: tag the group), RDS DB
instances, Aurora DB clusters, and Auto Scaling groups (stop saves min/desired/max in the
tag `yagura:saved-capacity` and sets them to 0; start restores them)."#;

/// A problem in the configuration, at a position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Why a configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    #[error("cannot read schedule config `{file}`: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error("{}", render(file, problems))]
    Invalid {
        file: String,
        problems: Vec<Problem>,
    },
}

fn render(file: &str, problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("{file}:{}:{}: {}", p.line, p.column, p.message))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A named schedule.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub name: String,
    pub start: Vec<Cron>,
    pub stop: Vec<Cron>,
    pub timezone: TimeZone,
    pub timezone_name: String,
    /// Local dates on which the events do not fire (the file's and the schedule's own).
    pub skip: SkipDays,
}

/// The production guard: a resource matching any rule is never stopped or started.
#[derive(Debug, Clone)]
pub struct Guard {
    /// Tag key (compared case-insensitively) → values (compared case-insensitively).
    pub tags: BTreeMap<String, Vec<String>>,
    /// Regexes over the `Name` tag, or the id when the resource has no `Name` tag.
    pub name_patterns: Vec<Regex>,
}

impl Default for Guard {
    fn default() -> Self {
        let prod: Vec<String> = ["prod", "production", "prd"]
            .iter()
            .map(|s| (*s).to_string())
            .collect();
        let tags = ["env", "environment", "stage"]
            .iter()
            .map(|k| ((*k).to_string(), prod.clone()))
            .collect();
        Guard {
            tags,
            name_patterns: Vec::new(),
        }
    }
}

/// A loaded, validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub tag_key: String,
    pub override_tag_key: String,
    /// The file's default zone, for schedules written in tags.
    pub timezone_name: String,
    pub timezone: TimeZone,
    /// The file's skip days, for schedules written in tags.
    pub skip: SkipDays,
    pub lookback_days: u32,
    pub schedules: BTreeMap<String, Schedule>,
    pub guard: Guard,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// The expressions with the span of the value (a list reports at its start).
fn expressions(v: Option<Spanned<OneOrMany>>) -> Vec<(std::ops::Range<usize>, String)> {
    let Some(v) = v else { return Vec::new() };
    let span = v.span();
    match v.into_inner() {
        OneOrMany::One(s) => vec![(span, s)],
        OneOrMany::Many(l) => l.into_iter().map(|s| (span.clone(), s)).collect(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    tag_key: Option<String>,
    override_tag_key: Option<String>,
    skip: Option<Vec<Spanned<String>>>,
    timezone: Option<Spanned<String>>,
    lookback_days: Option<Spanned<u32>>,
    #[serde(default)]
    schedules: BTreeMap<Spanned<String>, RawSchedule>,
    guard: Option<RawGuard>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSchedule {
    start: Option<Spanned<OneOrMany>>,
    stop: Option<Spanned<OneOrMany>>,
    timezone: Option<Spanned<String>>,
    skip: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGuard {
    #[serde(default)]
    tags: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    name_patterns: Vec<Spanned<String>>,
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let col = before.rfind('\n').map_or(before.chars().count(), |i| {
        before.get(i + 1..).unwrap_or("").chars().count()
    }) + 1;
    (line, col)
}

pub(crate) fn tz(name: &str) -> Result<TimeZone, String> {
    TimeZone::get(name).map_err(|e| format!("unknown time zone `{name}`: {e}"))
}

/// Why a schedule tag's value gives no schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagError {
    /// It names a schedule the file does not define.
    Unknown(String),
    /// It is an inline schedule with a mistake.
    Invalid(String),
}

/// `toml::from_str` on a thread of its own with a large stack. The TOML parser recurses once
/// per level of nesting up to its limit (about a hundred): within the limit, a crafted file
/// overflowed a 2 MiB thread's stack in a debug build (a proptest's random megabyte did), and
/// the caller may be any thread. When no thread can be started, the caller's own is used.
fn parse_toml<T: serde::de::DeserializeOwned + Send>(text: &str) -> Result<T, toml::de::Error> {
    const STACK: usize = 64 << 20;
    std::thread::scope(|s| {
        match std::thread::Builder::new()
            .name("toml".into())
            .stack_size(STACK)
            .spawn_scoped(s, || toml::from_str(text))
        {
            Ok(h) => h
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => toml::from_str(text),
        }
    })
}

impl Config {
    /// The schedule a tag value names, or the one it writes inline (with the file's zone and
    /// skip days as defaults).
    pub fn schedule_for(&self, value: &str) -> Result<std::borrow::Cow<'_, Schedule>, TagError> {
        let value = value.trim();
        if let Some(s) = self.schedules.get(value) {
            return Ok(std::borrow::Cow::Borrowed(s));
        }
        if tag::is_inline(value) {
            return tag::parse_inline(value, (&self.timezone_name, &self.timezone), &self.skip)
                .map(std::borrow::Cow::Owned)
                .map_err(TagError::Invalid);
        }
        Err(TagError::Unknown(value.to_string()))
    }

    /// Reads and validates a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            file: path.display().to_string(),
            source,
        })?;
        Config::parse(&text, &path.display().to_string())
    }

    /// Parses a configuration; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Config, ConfigError> {
        let invalid = |problems| ConfigError::Invalid {
            file: file.to_string(),
            problems,
        };
        let raw: RawConfig = parse_toml(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
            invalid(vec![Problem {
                line,
                column,
                message: e.message().trim_end_matches('\n').to_string(),
            }])
        })?;
        let mut problems = Vec::new();
        let mut problem = |span: std::ops::Range<usize>, message: String| {
            let (line, column) = line_col(text, span.start);
            problems.push(Problem {
                line,
                column,
                message,
            });
        };

        let (default_tz_name, default_tz) = match &raw.timezone {
            Some(s) => match tz(s.get_ref()) {
                Ok(t) => (s.get_ref().clone(), t),
                Err(m) => {
                    problem(s.span(), m);
                    (s.get_ref().clone(), TimeZone::UTC)
                }
            },
            None => (
                DEFAULT_TIMEZONE.to_string(),
                tz(DEFAULT_TIMEZONE).unwrap_or(TimeZone::UTC),
            ),
        };
        let lookback_days = match &raw.lookback_days {
            Some(d) if *d.get_ref() == 0 || *d.get_ref() > 366 => {
                problem(
                    d.span(),
                    format!("lookback_days `{}` must be 1 to 366", d.get_ref()),
                );
                DEFAULT_LOOKBACK_DAYS
            }
            Some(d) => *d.get_ref(),
            None => DEFAULT_LOOKBACK_DAYS,
        };

        let mut skip_all = SkipDays::default();
        for item in raw.skip.iter().flatten() {
            if let Err(m) = skip_all.add(item.get_ref()) {
                problem(item.span(), format!("skip: {m}"));
            }
        }

        let mut schedules = BTreeMap::new();
        for (name, rs) in raw.schedules {
            let span = name.span();
            let name = name.into_inner();
            let (timezone_name, timezone) = match &rs.timezone {
                Some(s) => match tz(s.get_ref()) {
                    Ok(t) => (s.get_ref().clone(), t),
                    Err(m) => {
                        problem(s.span(), format!("schedule `{name}`: {m}"));
                        (s.get_ref().clone(), TimeZone::UTC)
                    }
                },
                None => (default_tz_name.clone(), default_tz.clone()),
            };
            let mut skip = SkipDays::default();
            for item in rs.skip.iter().flatten() {
                if let Err(m) = skip.add(item.get_ref()) {
                    problem(item.span(), format!("schedule `{name}` skip: {m}"));
                }
            }
            if tag::is_inline(&name) {
                problem(
                    span.clone(),
                    format!(
                        "schedule name `{name}` has `=`, which marks a schedule written in a tag"
                    ),
                );
            }
            let mut parse_all = |list: Option<Spanned<OneOrMany>>, what: &str| -> Vec<Cron> {
                let mut out = Vec::new();
                for (span, s) in expressions(list) {
                    match Cron::parse(&s) {
                        Ok(c) => out.push(c),
                        Err(e) => problem(span, format!("schedule `{name}` {what}: {e}")),
                    }
                }
                out
            };
            let start = parse_all(rs.start, "start");
            let stop = parse_all(rs.stop, "stop");
            if start.is_empty() && stop.is_empty() {
                problem(
                    span,
                    format!("schedule `{name}` has neither `start` nor `stop`"),
                );
            }
            schedules.insert(
                name.clone(),
                Schedule {
                    name,
                    start,
                    stop,
                    timezone,
                    timezone_name,
                    skip: skip_all.merged(&skip),
                },
            );
        }

        let guard = match raw.guard {
            None => Guard::default(),
            Some(g) => {
                let mut name_patterns = Vec::new();
                for p in g.name_patterns {
                    match Regex::new(p.get_ref()) {
                        Ok(r) => name_patterns.push(r),
                        Err(e) => problem(
                            p.span(),
                            format!("guard name pattern `{}`: {e}", p.get_ref()),
                        ),
                    }
                }
                Guard {
                    tags: g.tags,
                    name_patterns,
                }
            }
        };

        if !problems.is_empty() {
            return Err(invalid(problems));
        }
        Ok(Config {
            tag_key: raw.tag_key.unwrap_or_else(|| DEFAULT_TAG_KEY.to_string()),
            override_tag_key: raw
                .override_tag_key
                .unwrap_or_else(|| DEFAULT_OVERRIDE_TAG_KEY.to_string()),
            timezone_name: default_tz_name,
            timezone: default_tz,
            skip: skip_all,
            lookback_days,
            schedules,
            guard,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn seed_like_config_loads_with_defaults() {
        let c = Config::parse(
            "[schedules.office-hours]\nstart = \"0 9 * * MON-FRI\"\nstop = \"0 20 * * MON-FRI\"\n",
            "schedule.toml",
        )
        .unwrap();
        assert_eq!(c.tag_key, "yagura:schedule");
        assert_eq!(c.lookback_days, 8);
        let s = &c.schedules["office-hours"];
        assert_eq!(s.timezone_name, "Asia/Tokyo");
        assert_eq!(s.start.len(), 1);
        assert!(c.guard.tags.contains_key("env"));
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let cases = [
            (
                "[schedules.a]\nstart = \"0 25 * * *\"\n",
                "s.toml:2:9: schedule `a` start: cron hour field `25`",
            ),
            (
                "timezone = \"Mars/Olympus\"\n[schedules.a]\nstop = \"@daily\"\n",
                "s.toml:1:12: unknown time zone `Mars/Olympus`",
            ),
            (
                "[schedules.a]\ntimezone = \"UTC\"\n",
                "s.toml:1:12: schedule `a` has neither `start` nor `stop`",
            ),
            ("tag_key = \n", "s.toml:1:"),
            (
                "[schedules.a]\nstop = \"@daily\"\nbogus = 1\n",
                "s.toml:3:1: unknown field `bogus`",
            ),
            (
                "[guard]\nname_patterns = [\"(\"]\n",
                "s.toml:2:18: guard name pattern `(`",
            ),
            (
                "lookback_days = 0\n",
                "s.toml:1:17: lookback_days `0` must be 1 to 366",
            ),
        ];
        for (text, want) in cases {
            let err = Config::parse(text, "s.toml").unwrap_err().to_string();
            assert!(err.contains(want), "{text:?}: got {err}");
        }
    }

    #[test]
    fn all_problems_are_reported_at_once() {
        let text = "[schedules.a]\nstart = \"x\"\nstop = [\"0 0 * * *\", \"0 0 32 * *\"]\n";
        match Config::parse(text, "s.toml").unwrap_err() {
            ConfigError::Invalid { problems, .. } => {
                assert_eq!(problems.len(), 2, "{problems:?}");
                assert_eq!((problems[1].line, problems[1].column), (3, 8));
            }
            e => panic!("{e}"),
        }
    }
}
