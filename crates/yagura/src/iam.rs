//! `yagura iam`: simulate requests against policies, analyse an account's authorization
//! details, validate policy documents, and plan the bastion (MFA) pattern (IAM-01…IAM-04).

use crate::cli::{Global, OutputArgs};
use crate::common::{emit, now_rfc3339, sanitize};
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use yagura_core::Finding;
use yagura_iam::bastion::BastionPlan;
use yagura_iam::validate::{Level, PolicyKind};

/// `println!` that returns an error when stdout is closed (`yagura … | head`) instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)?
    }};
}

#[derive(Debug, Args)]
pub struct IamArgs {
    #[command(subcommand)]
    pub command: IamCommand,
}

#[derive(Debug, Subcommand)]
pub enum IamCommand {
    /// Decide requests against their policies the way AWS does (one case or an array of cases:
    /// `{"request": {"principal", "action", "resource", "context"}, "identity_policies": [...],
    /// "resource_policy", "scps": [[...]], "rcps": [[...]], "management_account",
    /// "permission_boundary", "session_policy"}`; SCP and RCP levels root first)
    Simulate {
        /// The case file (JSON); `-` reads stdin
        file: PathBuf,
        /// Output format: json or text
        #[arg(long, short, default_value = "json")]
        format: String,
    },
    /// Find over-broad and escalating permissions: in a GetAccountAuthorizationDetails document
    /// (`aws iam get-account-authorization-details > auth.json`), in a saved inventory, or in
    /// the account of the current credentials (read live, like `yagura audit`)
    Analyze {
        /// The GetAccountAuthorizationDetails document (JSON; `-` reads stdin). Without it and
        /// without --from-inventory, the account is read live
        file: Option<PathBuf>,
        /// Analyse an inventory snapshot saved by `yagura audit --save-inventory` (every account
        /// in it)
        #[arg(long, conflicts_with_all = ["file", "region"])]
        from_inventory: Option<PathBuf>,
        /// Live: AWS profile from ~/.aws/config (default: the standard credential chain)
        #[arg(long, env = "AWS_PROFILE")]
        profile: Option<String>,
        /// Live: the region to call from (default: the profile's, else us-east-1)
        #[arg(long, conflicts_with = "file")]
        region: Option<String>,
        /// Live: attempts per AWS call (standard retry mode with backoff; raise it for
        /// large Organizations that meet throttling)
        #[arg(long, default_value_t = yagura_collect::DEFAULT_MAX_ATTEMPTS)]
        max_attempts: u32,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Check a policy document like Access Analyzer's ValidatePolicy (exit 1 on an error or a
    /// security warning)
    Validate {
        file: PathBuf,
        /// The kind of policy: identity, resource, trust, scp, rcp, boundary, session
        #[arg(long, default_value = "identity")]
        kind: String,
        /// Output format: text or json
        #[arg(long, short, default_value = "text")]
        format: String,
    },
    /// The bastion pattern: users in one identity account assume roles in the others with MFA
    Bastion {
        #[command(subcommand)]
        command: BastionCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum BastionCommand {
    /// Print the policies to create: the users' group policy, each role's trust policy and
    /// permissions (JSON)
    Plan {
        /// The account that holds the IAM users
        #[arg(long)]
        identity_account: String,
        /// Accounts whose role the users assume (repeat or separate with commas)
        #[arg(long, required = true, value_delimiter = ',')]
        resource_account: Vec<String>,
        /// Name of the role created in every resource account
        #[arg(long, default_value = "PowerUser")]
        role_name: String,
        /// Require MFA younger than this many seconds
        #[arg(long)]
        max_mfa_age: Option<u32>,
    },
}

fn read_input(p: &Path) -> Result<(String, String)> {
    if p == Path::new("-") {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .context("cannot read stdin")?;
        return Ok(("stdin".to_string(), s));
    }
    let name = p.display().to_string();
    let text = std::fs::read_to_string(p).with_context(|| format!("cannot read `{name}`"))?;
    Ok((name, text))
}

/// The IAM-03 findings of every account of an inventory, and what could not be read.
fn analyze_inventory(inv: &yagura_inventory::Inventory) -> Result<(Vec<Finding>, Vec<String>)> {
    let db = yagura_iam::actions::db()?;
    let mut findings = Vec::new();
    let mut errors = Vec::new();
    for (_, auth) in yagura_iam::inventory::authorizations(inv) {
        findings.extend(yagura_iam::analyze::analyze(db, &auth)?);
        errors.extend(auth.errors);
    }
    Ok((findings, errors))
}

fn parse_kind(s: &str) -> Result<PolicyKind> {
    Ok(match s {
        "identity" => PolicyKind::Identity,
        "resource" => PolicyKind::Resource,
        "trust" => PolicyKind::Trust,
        "scp" => PolicyKind::ServiceControl,
        "rcp" => PolicyKind::ResourceControl,
        "boundary" => PolicyKind::Boundary,
        "session" => PolicyKind::Session,
        other => anyhow::bail!(
            "unknown policy kind `{}`: use identity, resource, trust, scp, rcp, boundary or session",
            sanitize(other)
        ),
    })
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

pub fn run(g: &Global, a: IamArgs) -> Result<u8> {
    match a.command {
        IamCommand::Simulate { file, format } => {
            let (name, text) = read_input(&file)?;
            let (cases, array) = yagura_iam::simulate::parse_cases(&name, &text)?;
            let responses = yagura_iam::simulate::simulate(&cases);
            match format.as_str() {
                "json" => {
                    let out = if array {
                        serde_json::to_string_pretty(&responses)?
                    } else {
                        match responses.first() {
                            Some(r) => serde_json::to_string_pretty(r)?,
                            None => "[]".to_string(),
                        }
                    };
                    say!("{out}");
                }
                "text" => {
                    for (c, r) in cases.iter().zip(&responses) {
                        let by: Vec<String> = r
                            .matched
                            .iter()
                            .map(|m| {
                                format!(
                                    "{} {}[{}]{}",
                                    m.effect,
                                    m.policy,
                                    m.statement,
                                    m.sid
                                        .as_ref()
                                        .map(|s| format!(" ({s})"))
                                        .unwrap_or_default()
                                )
                            })
                            .collect();
                        say!(
                            "{}",
                            sanitize(&format!(
                                "{:?}: {} {} on {}{}",
                                r.decision,
                                c.request.principal,
                                c.request.action,
                                c.request.resource,
                                if by.is_empty() {
                                    String::new()
                                } else {
                                    format!(" by {}", by.join(", "))
                                }
                            ))
                        );
                    }
                }
                other => anyhow::bail!("unknown format `{}`: use json or text", sanitize(other)),
            }
            Ok(0)
        }
        IamCommand::Analyze {
            file,
            from_inventory,
            profile,
            region,
            max_attempts,
            out,
        } => {
            let started = now_rfc3339();
            let (findings, errors) = match (file, from_inventory) {
                (Some(file), _) => {
                    let (name, text) = read_input(&file)?;
                    yagura_iam::analyze_authorization_details(&name, &text)?
                }
                (None, Some(p)) => analyze_inventory(&yagura_inventory::Inventory::load(&p)?)?,
                (None, None) => {
                    let inv =
                        crate::collecting::collect_iam(g, profile, region, max_attempts, &started)?;
                    analyze_inventory(&inv)?
                }
            };
            for e in &errors {
                eprintln!("warning: {}", sanitize(e));
            }
            emit(g, &out, "iam", &findings, &errors, None, &started)
        }
        IamCommand::Validate { file, kind, format } => {
            let kind = parse_kind(&kind)?;
            let (name, text) = read_input(&file)?;
            let db = yagura_iam::actions::db()?;
            let diags = yagura_iam::validate::validate_text(db, &name, &text, kind)?;
            match format.as_str() {
                "json" => say!("{}", serde_json::to_string_pretty(&diags)?),
                "text" => {
                    for d in &diags {
                        let level = match d.level {
                            Level::Error => "error",
                            Level::SecurityWarning => "security warning",
                            Level::Warning => "warning",
                            Level::Suggestion => "suggestion",
                        };
                        say!(
                            "{}",
                            sanitize(&format!(
                                "{name}:{}:{}: {level} [{}]: {}",
                                d.line, d.column, d.code, d.message
                            ))
                        );
                    }
                    if diags.is_empty() && !g.quiet {
                        eprintln!("{}: no problem found", sanitize(&name));
                    }
                }
                other => anyhow::bail!("unknown format `{}`: use text or json", sanitize(other)),
            }
            let blocking = diags
                .iter()
                .any(|d| matches!(d.level, Level::Error | Level::SecurityWarning));
            Ok(u8::from(blocking))
        }
        IamCommand::Bastion {
            command:
                BastionCommand::Plan {
                    identity_account,
                    resource_account,
                    role_name,
                    max_mfa_age,
                },
        } => {
            for acc in std::iter::once(&identity_account).chain(&resource_account) {
                if !is_account_id(acc) {
                    anyhow::bail!("`{}` is not a 12-digit AWS account id", sanitize(acc));
                }
            }
            if role_name.is_empty()
                || !role_name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
            {
                anyhow::bail!("`{}` is not a valid IAM role name", sanitize(&role_name));
            }
            let plan = yagura_iam::bastion::plan(&BastionPlan {
                identity_account,
                resource_accounts: resource_account,
                role_name,
                max_mfa_age_seconds: max_mfa_age,
            });
            let v = serde_json::json!({
                "identity_group_policy": plan.identity_group_policy,
                "trust_policies": plan.trust_policies,
                "role_managed_policy_arns": plan.role_managed_policy_arns,
                "role_inline_deny_iam": plan.role_inline_deny_iam,
            });
            say!("{}", serde_json::to_string_pretty(&v)?);
            Ok(0)
        }
    }
}
