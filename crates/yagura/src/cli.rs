//! What the user typed (stage one); `common` resolves it into ready-to-use objects.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "yagura",
    version,
    about = "Keeps an AWS estate safe, the way a careful SRE team would by hand"
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
    #[arg(long, global = true, env = "YAGURA_LANG")]
    pub lang: Option<String>,
    /// Where runs, findings and checkpoints are kept (default: the platform's data directory)
    #[arg(long, global = true, env = "YAGURA_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Do not print progress on stderr
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit an AWS account or a whole Organization against the guideline (AUD-01…AUD-22)
    Audit(AuditArgs),
    /// Show the findings of the latest run and what is new, fixed or still open; set status,
    /// assignee and note of a finding (REP-02)
    Findings(FindingsArgs),
    /// Explain one check: what, why, how to fix, references
    Rule(RuleArgs),
    /// List every check
    Rules,
    /// MFA sessions and role credentials: every source kind, keys in the OS keyring, login, exec,
    /// credential_process, console, a local credentials server, profiles (CRED-01…CRED-03)
    Creds(crate::creds::CredsArgs),
    /// Maintenance windows: stop and start tagged EC2 and RDS instances, Aurora clusters and Auto
    /// Scaling groups on a schedule, in every account and region (OPS-01)
    Schedule(crate::schedule::ScheduleArgs),
    /// Assess this host or a root filesystem: packages, vulnerabilities, end of life,
    /// configuration, hardening, keys on disk (HOST-01…HOST-08)
    Host(crate::host::HostArgs),
    /// The offline vulnerability database of host assessments: import feeds, show status (HOST-02)
    Db(crate::host::DbArgs),
    /// Work with reports: merge JSON reports of many hosts or accounts into one (HOST-07)
    Report(crate::merge::ReportArgs),
    /// IAM policies: simulate, analyze, validate, bastion plan (IAM-01…IAM-04)
    Iam(crate::iam::IamArgs),
    /// CloudTrail logs: native detections, correlation and Sigma rules (WATCH-03…WATCH-06)
    Trail(crate::trail::TrailArgs),
    /// Take inventory snapshots, once or on an interval, and report what changed per resource
    /// as AWS Config-style items and diffs (WATCH-01)
    Watch(crate::watch::WatchArgs),
    /// The recorded configuration history of one resource (WATCH-01)
    Timeline(crate::watch::TimelineArgs),
    /// Notifications to Slack, webhooks, SNS and e-mail: test a destinations file (WATCH-02, WATCH-07)
    Notify(crate::notify::NotifyArgs),
}

#[derive(Debug, Args, Clone)]
pub struct OutputArgs {
    /// Output format: text, json, csv, sarif, ocsf, asff, junit, html
    #[arg(long, short, default_value = "text")]
    pub format: String,
    /// Write the report to FILE instead of stdout
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Exit 1 when an unmuted FAIL at or above this severity exists
    #[arg(long, default_value = "high")]
    pub fail_on: String,
    /// Text format: list passing results too
    #[arg(long)]
    pub show_pass: bool,
    /// Exit 0 even when some checks could not read their data (UNKNOWN results)
    #[arg(long)]
    pub allow_incomplete: bool,
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
    /// Exceptions file: rules not adopted and findings accepted, with reasons (AUD-22)
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
    /// Send the account's AWS Health events to the destinations in this file (WATCH-07)
    #[arg(long, env = "YAGURA_NOTIFY")]
    pub notify: Option<PathBuf>,
    /// With --notify: also send FAIL findings that are new since the previous stored run
    #[arg(long, requires = "notify")]
    pub notify_findings: bool,
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
    /// Output format: text or json
    #[arg(long, short, default_value = "text")]
    pub format: String,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// The check id, e.g. security-group-admin-port-open-to-world
    pub id: String,
}
