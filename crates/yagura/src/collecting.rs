//! Reading an account or an Organization through the collector, shared by `audit`, `watch` and
//! `iam analyze`: the options the user gives and the progress lines on stderr.

use crate::cli::Global;
use anyhow::{Context, Result};
use clap::Args;
use std::sync::Arc;
use yagura_collect::{CollectOptions, ConnectOptions, OrgOptions, Progress};
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
    /// Regions scanned at once per account
    #[arg(long, default_value_t = 4)]
    pub region_concurrency: usize,
    /// Attempts per AWS call (standard retry mode with backoff; raise it for large
    /// Organizations that meet throttling)
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
/// Organization), printing progress on stderr unless `--quiet`.
pub fn collect(g: &Global, a: &CollectArgs, collected_at: &str) -> Result<Inventory> {
    let quiet = g.quiet;
    let progress: yagura_collect::ProgressFn = Arc::new(move |p| {
        if quiet {
            return;
        }
        match p {
            Progress::AccountStarted { account } => eprintln!("collecting account {account}…"),
            Progress::RegionDone { account, region } => eprintln!("  {account} {region} done"),
            Progress::AccountDone { account } => eprintln!("account {account} collected"),
        }
    });
    let connect = ConnectOptions {
        profile: a.profile.clone(),
        region: a.regions.first().cloned(),
        endpoint_url: None,
        max_attempts: Some(a.max_attempts),
    };
    with_sdk(connect, |sdk| async move {
        let opts = CollectOptions {
            regions: a.regions.clone(),
            region_concurrency: a.region_concurrency,
            progress: Some(progress),
            ..CollectOptions::default()
        };
        if a.org {
            let org = OrgOptions {
                role_name: a.role_name.clone().unwrap_or_default(),
                identity_account: a.identity_account.clone(),
                concurrency: a.account_concurrency,
                external_id: a.external_id.clone(),
            };
            Ok(yagura_collect::collect_organization(&sdk, &opts, &org, collected_at).await?)
        } else {
            Ok(yagura_collect::collect(&sdk, &opts, collected_at).await?)
        }
    })
}
