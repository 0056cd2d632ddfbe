//! What the user typed (stage one): every value typed and validated by clap, so a bad flag fails
//! before any work; `main` and `common` resolve it into ready-to-use objects (stage two).

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;
use yagura_core::{Lang, Severity};
use yagura_report::Format;

/// Examples and exit codes under `yagura --help` (and in the man page).
const EXAMPLES: &str = "\
Examples:
  yagura audit --demo                         the built-in sample account, no AWS needed
  yagura audit --profile prod --region ap-northeast-1 --format sarif -o audit.sarif
  yagura audit --org --role-name OrganizationAccountAccessRole --fail-on critical
  yagura host --root / --format json -o host.json
  yagura trail scan ./cloudtrail-logs --sigma ./rules
  yagura iam validate policy.json --kind trust
  yagura creds exec prod -- aws s3 ls
  yagura completions bash > /etc/bash_completion.d/yagura

Exit codes:
  0  nothing at or above --fail-on failed
  1  a finding at or above --fail-on (default: high) failed, or a policy has an error
  2  an error, a bad flag, or an incomplete result (some data could not be read) without
     --allow-incomplete
  The code does not depend on whether stdout was read to the end: `yagura audit | head -1`
  exits with the same code (read it with `set -o pipefail` or PIPESTATUS).

Environment:
  YAGURA_LANG, YAGURA_DATA_DIR  as --lang and --data-dir
  NO_COLOR                      set and not empty: no colour unless --color always
  RUST_LOG                      log filter (tracing's syntax), replaces -v/-q's; logs go to stderr";

#[derive(Debug, Parser)]
#[command(
    name = "yagura",
    version,
    about = "Keeps an AWS estate safe, the way a careful SRE team would by hand",
    after_help = EXAMPLES
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Language of titles, messages and recommendations: en or ja (default: from the locale)
    #[arg(long, global = true, env = "YAGURA_LANG", ignore_case = true, value_parser = lang_parser())]
    pub lang: Option<Lang>,
    /// Where runs, findings and checkpoints are kept (default: the platform's data directory)
    #[arg(long, global = true, env = "YAGURA_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Do not print progress on stderr, and log errors only
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Log more on stderr: -v what yagura does, -vv with the AWS SDK's, -vvv everything
    #[arg(long, short, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Colour in terminal output (auto: when the stream is a terminal and NO_COLOR is unset)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// `--format` of the commands that print either a text or a JSON document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextOrJson {
    Text,
    Json,
}

/// `--format` of the commands whose output is JSON by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum JsonOrText {
    Json,
    Text,
}

/// The report formats, by the names `yagura_report::Format` parses.
pub fn format_parser() -> impl TypedValueParser<Value = Format> {
    PossibleValuesParser::new(Format::ALL.map(|f| match f {
        Format::Text => PossibleValue::new("text").aliases(["txt", "table"]),
        Format::Junit => PossibleValue::new("junit").alias("junit-xml"),
        other => PossibleValue::new(other.as_str()),
    }))
    .try_map(|s| s.parse::<Format>())
}

/// Severities, lowest to highest (and the names `yagura_core::Severity` parses besides).
pub fn severity_parser() -> impl TypedValueParser<Value = Severity> {
    PossibleValuesParser::new([
        PossibleValue::new("info").alias("informational"),
        PossibleValue::new("low"),
        PossibleValue::new("medium").alias("moderate"),
        PossibleValue::new("high").alias("important"),
        PossibleValue::new("critical"),
    ])
    .try_map(|s| s.parse::<Severity>())
}

fn lang_parser() -> impl TypedValueParser<Value = Lang> {
    PossibleValuesParser::new([
        PossibleValue::new("en").alias("english"),
        PossibleValue::new("ja").aliases(["jp", "japanese"]),
    ])
    .try_map(|s| s.parse::<Lang>())
}

/// The one duration grammar of every option that takes a time span: a bare number of seconds,
/// or numbers with units `s`, `m`, `h`, `d`, one after the other (`90s`, `15m`, `1h30m`, `2d`).
/// Zero is refused: no option of yagura's means anything by it.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let bad = || format!("`{s}` is not a duration such as 90s, 15m, 1h30m or 2d");
    let t = s.trim();
    if t.is_empty() {
        return Err(bad());
    }
    let mut secs: u64 = 0;
    let mut rest = t;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let n: u64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "" if digits == t.len() => 1,
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            _ => return Err(bad()),
        };
        rest = &rest[unit_len..];
        secs = n
            .checked_mul(factor)
            .and_then(|v| secs.checked_add(v))
            .ok_or_else(|| format!("`{s}` is too long"))?;
    }
    if secs == 0 {
        return Err(format!("`{s}`: a duration must be at least 1s"));
    }
    Ok(Duration::from_secs(secs))
}

/// [`parse_duration`] in whole seconds, for the options AWS takes in seconds.
pub fn parse_duration_secs(s: &str) -> Result<u32, String> {
    let d = parse_duration(s)?;
    u32::try_from(d.as_secs()).map_err(|_| format!("`{s}` is too long"))
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit an AWS account or a whole Organization against the guideline
    #[command(after_help = "Examples:
  yagura audit --demo
  yagura audit --profile prod --region ap-northeast-1,us-east-1
  yagura audit --org --role-name OrganizationAccountAccessRole --format html -o audit.html
  yagura audit --save-inventory inv.json && yagura audit --from-inventory inv.json --format sarif")]
    Audit(AuditArgs),
    /// Show the findings of the latest run and what is new, fixed or still open; set status,
    /// assignee and note of a finding
    Findings(FindingsArgs),
    /// Explain one check: what, why, how to fix, references
    Rule(RuleArgs),
    /// List every check
    Rules,
    /// MFA sessions and role credentials: every source kind, keys in the OS keyring, login, exec,
    /// credential_process, console, a local credentials server, profiles
    Creds(crate::creds::CredsArgs),
    /// Maintenance windows: stop and start tagged EC2 and RDS instances, Aurora clusters and Auto
    /// Scaling groups on a schedule, in every account and region
    Schedule(crate::schedule::ScheduleArgs),
    /// Assess this host or a root filesystem: packages, vulnerabilities, end of life,
    /// configuration, hardening, keys on disk
    #[command(after_help = "Examples:
  yagura host
  yagura host --root /mnt/snapshot --no-runtime --format json -o host.json
  yagura host fleet --tag Env=prod --binary-url s3://my-bucket/yagura --bucket my-ssm-output")]
    Host(crate::host::HostArgs),
    /// The offline vulnerability database of host assessments: import feeds, show status
    Db(crate::host::DbArgs),
    /// Work with reports: merge JSON reports of many hosts or accounts into one
    Report(crate::merge::ReportArgs),
    /// IAM policies: simulate, analyze, validate, bastion plan
    #[command(after_help = "Examples:
  yagura iam validate policy.json --kind trust
  aws iam get-account-authorization-details > auth.json && yagura iam analyze auth.json
  yagura iam analyze --explain role/deploy auth.json")]
    Iam(crate::iam::IamArgs),
    /// CloudTrail logs: native detections, correlation and Sigma rules
    #[command(after_help = "Examples:
  yagura trail scan ./AWSLogs --since 2026-11-01 --sigma ./sigma/rules/cloud/aws
  yagura trail scan s3://my-trail-bucket/AWSLogs/123456789012/ --format sarif -o trail.sarif
  yagura trail watch s3://my-trail-bucket/AWSLogs/ --interval 5m --notify notify.yaml")]
    Trail(crate::trail::TrailArgs),
    /// Take inventory snapshots, once or on an interval, and report what changed per resource
    /// as AWS Config-style items and diffs
    #[command(after_help = "Examples:
  yagura watch --regions ap-northeast-1
  yagura watch --interval 1h --min-severity high --notify notify.yaml")]
    Watch(crate::watch::WatchArgs),
    /// The recorded configuration history of one resource
    Timeline(crate::watch::TimelineArgs),
    /// Notifications to Slack, webhooks, SNS and e-mail: test a destinations file
    Notify(crate::notify::NotifyArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    #[command(after_help = "Examples:
  yagura completions bash > ~/.local/share/bash-completion/completions/yagura
  yagura completions zsh > \"${fpath[1]}/_yagura\"
  yagura completions fish > ~/.config/fish/completions/yagura.fish")]
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) of yagura, or of one of its commands
    #[command(after_help = "Examples:
  yagura man > /usr/local/share/man/man1/yagura.1
  yagura man audit > /usr/local/share/man/man1/yagura-audit.1")]
    Man {
        /// The command (default: yagura itself)
        command: Option<String>,
    },
}

#[derive(Debug, Args, Clone)]
pub struct OutputArgs {
    /// Output format; several, comma-separated, with --output-dir (`-f json,html,sarif`)
    #[arg(long, short, default_value = "text", ignore_case = true, value_delimiter = ',', value_parser = format_parser())]
    pub format: Vec<Format>,
    /// Write the report to FILE instead of stdout
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Write one report per format into DIR, named `yagura-COMMAND.EXT` (`yagura-audit.json`,
    /// `yagura-audit.html`, `yagura-audit.sarif` …), each replaced atomically
    #[arg(long, conflicts_with = "output", value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Exit 1 when an unmuted FAIL at or above this severity exists
    #[arg(long, default_value = "high", ignore_case = true, value_parser = severity_parser())]
    pub fail_on: Severity,
    /// Text format: list passing results too
    #[arg(long)]
    pub show_pass: bool,
    /// Exit 0 even when some checks could not read their data (UNKNOWN results)
    #[arg(long)]
    pub allow_incomplete: bool,
}

impl OutputArgs {
    /// The formats asked for, each once, in the order given.
    pub fn formats(&self) -> Vec<Format> {
        let mut v: Vec<Format> = Vec::new();
        for f in &self.format {
            if !v.contains(f) {
                v.push(*f);
            }
        }
        v
    }

    /// The first format asked for (commands that print one report).
    pub fn first_format(&self) -> Format {
        self.format.first().copied().unwrap_or(Format::Text)
    }
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub collect: crate::collecting::CollectArgs,
    /// Write the collected inventory snapshot (versioned JSON) to FILE
    #[arg(long)]
    pub save_inventory: Option<PathBuf>,
    /// Evaluate a saved inventory snapshot instead of calling AWS
    #[arg(long, conflicts_with_all = ["org", "profile"])]
    pub from_inventory: Option<PathBuf>,
    /// Evaluate the sample inventory built into yagura (no AWS needed)
    #[arg(long, conflicts_with_all = ["org", "from_inventory"])]
    pub demo: bool,
    /// Audit only the accounts of shard I of N (1-based): those whose id hashes there
    /// (FNV-1a 64 of the id, mod N); `report merge` of the N JSON reports makes the whole run
    #[arg(long, value_name = "I/N", conflicts_with = "demo")]
    pub shard: Option<yagura_collect::Shard>,
    /// Exceptions file: rules not adopted and findings accepted, with reasons
    #[arg(long, env = "YAGURA_EXCEPTIONS")]
    pub exceptions: Option<PathBuf>,
    /// Audit settings (thresholds, allow-lists) as JSON
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Evaluate as of this RFC 3339 time instead of now (reproducible reports)
    #[arg(long)]
    pub as_of: Option<String>,
    /// Do not keep this run in the store
    #[arg(long)]
    pub no_store: bool,
    /// Send the account's AWS Health events to the destinations in this file
    #[arg(long, env = "YAGURA_NOTIFY")]
    pub notify: Option<PathBuf>,
    /// With --notify: also send FAIL findings that are new since the previous stored run
    #[arg(long, requires = "notify")]
    pub notify_findings: bool,
    /// Import the findings into AWS Security Hub (BatchImportFindings, 100 a call, in each
    /// finding's account and region; the next run updates them). Needs
    /// securityhub:BatchImportFindings
    #[arg(long, conflicts_with_all = ["demo", "from_inventory"])]
    pub send_to_security_hub: bool,
    /// Report only these checks (comma-separated ids)
    #[arg(long, value_delimiter = ',', value_name = "ID,...")]
    pub checks: Vec<String>,
    /// Leave out these checks (comma-separated ids)
    #[arg(long, value_delimiter = ',', value_name = "ID,...")]
    pub excluded_checks: Vec<String>,
    /// Report only the checks of these services (comma-separated: ec2, s3, iam …)
    #[arg(long, value_delimiter = ',', value_name = "SERVICE,...")]
    pub services: Vec<String>,
    /// Report only the checks of these severities (comma-separated: critical, high, medium, low, info)
    #[arg(long, value_delimiter = ',', value_name = "SEVERITY,...")]
    pub severity: Vec<String>,
    /// List the checks the run would report (after the filters above) and exit
    #[arg(long)]
    pub list_checks: bool,
    /// Judge the run against a compliance framework (cis-7.0, cis-3.0, fsbp or the full key):
    /// only its checks run, and the report adds the per-requirement table
    #[arg(long, value_name = "FRAMEWORK")]
    pub compliance: Option<String>,
    /// List the compliance frameworks with their coverage (automated / manual / not covered)
    /// and exit
    #[arg(long)]
    pub list_compliance: bool,
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Args)]
pub struct FindingsArgs {
    /// The scope to show (default: the most recent run's)
    #[arg(long)]
    pub scope: Option<String>,
    /// Set workflow attributes of the finding with this key (see the `key` column of --format json)
    #[arg(long)]
    pub set: Option<String>,
    /// With --set: open, acknowledged, in-progress, resolved, risk-accepted
    #[arg(long, requires = "set")]
    pub status: Option<String>,
    #[arg(long, requires = "set")]
    pub assignee: Option<String>,
    #[arg(long, requires = "set")]
    pub note: Option<String>,
    /// Output format
    #[arg(long, short, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// The check id, e.g. security-group-admin-port-open-to-world
    pub id: String,
}
