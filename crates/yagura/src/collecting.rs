//! Reading an account or an Organization through the collector, shared by `audit`, `watch` and
//! `iam analyze`: the options the user gives and the progress lines on stderr.

use crate::cli::Global;
use crate::common::sanitize;
use anyhow::{Context, Result};
use clap::Args;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use yagura_collect::{CollectOptions, ConnectOptions, OrgOptions, Progress, Shard};
use yagura_inventory::Inventory;

/// Where and how to read AWS.
#[derive(Debug, Args, Clone)]
pub struct CollectArgs {
    /// AWS profile from ~/.aws/config (default: the standard credential chain)
    #[arg(long, env = "AWS_PROFILE")]
    pub profile: Option<String>,
    /// Regions to scan (repeat or separate with commas; default: every enabled region)
    #[arg(long, visible_alias = "region", value_delimiter = ',')]
    pub regions: Vec<String>,
    /// Scan every account of the Organization through AssumeRole
    #[arg(long, requires = "role_name")]
    pub org: bool,
    /// Role assumed in each member account with --org
    #[arg(long)]
    pub role_name: Option<String>,
    /// The identity (bastion) account of the Organization, the only one that may hold users
    #[arg(long)]
    pub identity_account: Option<String>,
    /// External id for AssumeRole with --org
    #[arg(long)]
    pub external_id: Option<String>,
    /// Accounts scanned at once with --org
    #[arg(long, default_value_t = 4)]
    pub account_concurrency: usize,
    /// AWS calls in flight at once in a whole --org scan
    #[arg(long, default_value_t = yagura_collect::DEFAULT_API_CONCURRENCY)]
    pub api_concurrency: usize,
    /// AWS calls in flight at once in any one account of an --org scan
    #[arg(long, default_value_t = yagura_collect::DEFAULT_ACCOUNT_API_CONCURRENCY)]
    pub account_api_concurrency: usize,
    /// Regions scanned at once per account
    #[arg(long, default_value_t = 4)]
    pub region_concurrency: usize,
    /// Attempts per AWS call (standard retry mode with backoff; with --org the adaptive mode,
    /// which also slows a throttled service down; raise it for large Organizations)
    #[arg(long, default_value_t = yagura_collect::DEFAULT_MAX_ATTEMPTS)]
    pub max_attempts: u32,
}

/// Runs `f` with the SDK configuration of `connect` on a fresh multi-threaded runtime.
fn with_sdk<T, F, Fut>(connect: ConnectOptions, f: F) -> Result<T>
where
    F: FnOnce(yagura_collect::SdkConfig) -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    rt.block_on(async {
        let sdk = yagura_collect::load_config(&connect).await;
        f(sdk).await
    })
}

/// Collects the IAM part of the account of the current credentials (`yagura iam analyze`).
pub fn collect_iam(
    g: &Global,
    profile: Option<String>,
    region: Option<String>,
    max_attempts: u32,
    collected_at: &str,
) -> Result<Inventory> {
    if !g.quiet {
        eprintln!("reading the account's IAM authorization details…");
    }
    let connect = ConnectOptions {
        profile,
        region,
        endpoint_url: None,
        max_attempts: Some(max_attempts),
    };
    with_sdk(connect, |sdk| async move {
        Ok(yagura_collect::collect_iam(&sdk, collected_at).await?)
    })
}

/// Collects the inventory of the account (or, with `--org`, of every account of the
/// Organization, only those of `shard` whole), printing progress on stderr unless `--quiet`.
pub fn collect(
    g: &Global,
    a: &CollectArgs,
    shard: Option<Shard>,
    collected_at: &str,
) -> Result<Inventory> {
    let progress: yagura_collect::ProgressFn = if g.quiet {
        Arc::new(|_| {})
    } else if a.org {
        let board = Mutex::new(Board::new());
        Arc::new(move |p| {
            if let Ok(mut b) = board.lock() {
                if let Some(line) = b.update(p) {
                    eprintln!("{}", sanitize(&line));
                }
            }
        })
    } else {
        Arc::new(|p| match p {
            Progress::AccountStarted { account } => eprintln!("collecting account {account}…"),
            Progress::RegionDone { account, region } => {
                eprintln!("  {account} {}", sanitize(&format!("{region} done")))
            }
            Progress::AccountDone { account } => eprintln!("account {account} collected"),
            _ => {}
        })
    };
    with_sdk(a.connect(), |sdk| async move {
        let opts = CollectOptions {
            regions: a.regions.clone(),
            region_concurrency: a.region_concurrency,
            progress: Some(progress),
            ..CollectOptions::default()
        };
        if a.org {
            let org = a.org_options(shard);
            let sdk = yagura_collect::adaptive_retries(&sdk, a.max_attempts);
            Ok(yagura_collect::collect_organization(&sdk, &opts, &org, collected_at).await?)
        } else {
            Ok(yagura_collect::collect(&sdk, &opts, collected_at).await?)
        }
    })
}

impl CollectArgs {
    fn connect(&self) -> ConnectOptions {
        ConnectOptions {
            profile: self.profile.clone(),
            region: self.regions.first().cloned(),
            endpoint_url: None,
            max_attempts: Some(self.max_attempts),
        }
    }

    fn org_options(&self, shard: Option<Shard>) -> OrgOptions {
        OrgOptions {
            role_name: self.role_name.clone().unwrap_or_default(),
            identity_account: self.identity_account.clone(),
            concurrency: self.account_concurrency,
            external_id: self.external_id.clone(),
            api_concurrency: self.api_concurrency,
            account_api_concurrency: self.account_api_concurrency,
            shard,
        }
    }
}

/// Imports an audit's ASFF findings into Security Hub (`audit --send-to-security-hub`), with
/// the credentials of the collection (and, with `--org`, the role assumed in each account).
pub fn send_to_security_hub(
    a: &CollectArgs,
    findings: Vec<serde_json::Value>,
) -> Result<yagura_collect::securityhub_import::ImportSummary> {
    with_sdk(a.connect(), |sdk| async move {
        let org = a.org.then(|| a.org_options(None));
        Ok(yagura_collect::securityhub_import::import(&sdk, org.as_ref(), findings).await?)
    })
}

/// The state of an Organization scan, one line per account that starts, ends or fails, with
/// the counts and an estimate of the time left (from the pace of the accounts ended so far).
struct Board {
    started: Instant,
    total: usize,
    running: usize,
    done: usize,
    failed: usize,
}

impl Board {
    fn new() -> Board {
        Board {
            started: Instant::now(),
            total: 0,
            running: 0,
            done: 0,
            failed: 0,
        }
    }

    fn update(&mut self, p: Progress) -> Option<String> {
        let (account, what) = match p {
            Progress::AccountsPlanned { total, context } => {
                self.total = total;
                let mut line = format!("auditing {total} account(s) of the Organization");
                if context > 0 {
                    line.push_str(&format!(
                        "; reading the IAM of {context} other account(s) for cross-account paths"
                    ));
                }
                return Some(line);
            }
            Progress::RegionDone { .. } => return None,
            Progress::AccountStarted { account } => {
                self.running += 1;
                (account, "running".to_string())
            }
            Progress::AccountDone { account } => {
                self.running = self.running.saturating_sub(1);
                self.done += 1;
                (account, "done".to_string())
            }
            Progress::AccountFailed { account, reason } => {
                self.failed += 1;
                (account, format!("failed ({reason})"))
            }
        };
        let ended = self.done + self.failed;
        let left = self.total.saturating_sub(ended);
        let eta = if ended == 0 || left == 0 {
            String::new()
        } else {
            let per = self.started.elapsed().as_secs_f64() / ended as f64;
            format!(", ETA {}", eta(per * left as f64))
        };
        Some(format!(
            "account {account} {what} [{ended}/{} ended: {} done, {} failed, {} running{eta}]",
            self.total, self.done, self.failed, self.running
        ))
    }
}

fn eta(secs: f64) -> String {
    let s = secs.round() as u64;
    if s >= 3600 {
        format!("{}h{:02}m", s / 3600, s % 3600 / 60)
    } else if s >= 60 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_board_counts_and_estimates() {
        let mut b = Board::new();
        let l = b.update(Progress::AccountsPlanned {
            total: 3,
            context: 2,
        });
        assert!(l.is_some_and(|l| l.contains("3 account(s)") && l.contains("IAM of 2")));
        let l = b.update(Progress::AccountStarted {
            account: "111".into(),
        });
        assert!(
            l.is_some_and(|l| l.contains("111 running [0/3 ended: 0 done, 0 failed, 1 running]"))
        );
        let l = b.update(Progress::AccountDone {
            account: "111".into(),
        });
        assert!(l.is_some_and(|l| l.contains("[1/3 ended: 1 done, 0 failed, 0 running, ETA ")));
        let l = b.update(Progress::AccountFailed {
            account: "222".into(),
            reason: "sts:AssumeRole: AccessDenied".into(),
        });
        assert!(l.is_some_and(|l| l.contains("222 failed (sts:AssumeRole: AccessDenied) [2/3")));
        assert_eq!(eta(75.0), "1m15s");
        assert_eq!(eta(3725.0), "1h02m");
        assert_eq!(eta(4.2), "4s");
    }
}
