//! The only crate that talks to AWS. It reads an account (or every account of an Organization)
//! through the official AWS SDK for Rust into a [`yagura_inventory::Inventory`].
//!
//! Collection never fails as a whole because one call failed: every piece of the inventory is a
//! [`Collected`] holding the data or the reason (AccessDenied, throttling after retries, a service
//! not enabled). Progress goes to a callback; this crate never prints.
// Only the binary prints (ARCHITECTURE.md): a library returns data and typed errors.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod athena;
mod bound;
mod clients;
mod ec2_network;
mod ec2_resources;
mod elb;
mod encryption;
mod error;
pub mod fleet;
mod iam;
mod lambda;
mod local;
mod monitoring;
pub mod ops;
mod org;
mod rds;
mod regional;
mod s3;
mod s3_access_points;
mod s3_settings;
pub mod securityhub_import;
mod shard;
pub mod sns;
mod ssm_compliance;
mod ssm_documents;
pub mod sts_client;
pub mod trail_s3;
pub mod trail_sqs;

/// The loaded SDK configuration ([`load_config`]), named so that callers need not depend on the
/// SDK crates.
pub use aws_config::SdkConfig;
pub use clients::Clients;
pub use error::{collect_error, CollectorError};
pub use iam::AwsPolicyCache;
pub use org::{OrgOptions, DEFAULT_ACCOUNT_API_CONCURRENCY, DEFAULT_API_CONCURRENCY};
pub use shard::{BadShard, Shard, SHARD_HASH};

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::BehaviorVersion;
use futures::stream::{self, StreamExt};
use std::sync::Arc;
use std::time::Duration;
use yagura_inventory::{Account, Collected, Inventory, Region, SCHEMA_VERSION};

/// A progress event for long scans; the binary renders it on stderr.
#[derive(Debug, Clone)]
pub enum Progress {
    /// An Organization scan knows its accounts: `total` to audit, `context` read for IAM only
    /// (outside the shard).
    AccountsPlanned {
        total: usize,
        context: usize,
    },
    AccountStarted {
        account: String,
    },
    RegionDone {
        account: String,
        region: String,
    },
    AccountDone {
        account: String,
    },
    /// An account of an Organization could not be read (its role could not be assumed…); it is
    /// in the inventory with the reason on every piece.
    AccountFailed {
        account: String,
        reason: String,
    },
}

pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

/// Attempts per AWS call when [`ConnectOptions::max_attempts`] is not set.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;

/// How to reach AWS.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    pub profile: Option<String>,
    /// A region to start from (for the regional endpoint of STS and region discovery).
    pub region: Option<String>,
    /// Overrides the endpoint of every service (`AWS_ENDPOINT_URL` is honoured by the SDK too).
    pub endpoint_url: Option<String>,
    /// Attempts per call, including the first (standard retry mode with backoff). Default 3,
    /// as the AWS SDKs and Prowler: a throttled or failing call is retried twice with jittered
    /// backoff; a large Organization scan that meets heavy throttling can ask for more.
    pub max_attempts: Option<u32>,
}

/// Loads the SDK configuration through the standard credential chain (environment, profiles,
/// SSO, instance role), with standard retries and bounded timeouts.
pub async fn load_config(opts: &ConnectOptions) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(opts.max_attempts.unwrap_or(DEFAULT_MAX_ATTEMPTS))
                .with_initial_backoff(Duration::from_millis(200))
                .with_max_backoff(Duration::from_secs(5)),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_attempt_timeout(Duration::from_secs(30))
                .build(),
        );
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = &opts.region {
        loader = loader.region(aws_config::Region::new(r.clone()));
    }
    if let Some(e) = &opts.endpoint_url {
        loader = loader.endpoint_url(e);
    }
    let mut cfg = loader.load().await;
    if cfg.region().is_none() {
        cfg = cfg
            .into_builder()
            .region(aws_config::Region::from_static("us-east-1"))
            .build();
    }
    cfg
}

/// What to collect.
#[derive(Clone, Default)]
pub struct CollectOptions {
    /// Regions to scan; empty means every region enabled for the account.
    pub regions: Vec<String>,
    /// Concurrent regions per account.
    pub region_concurrency: usize,
    pub progress: Option<ProgressFn>,
    /// AWS managed policy documents already read in this run; clones share it, so the accounts
    /// of an Organization read each document once.
    pub aws_policies: AwsPolicyCache,
}

impl std::fmt::Debug for CollectOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CollectOptions")
            .field("regions", &self.regions)
            .field("region_concurrency", &self.region_concurrency)
            .field("aws_policies", &self.aws_policies)
            .finish()
    }
}

pub(crate) fn progress(opts: &CollectOptions, p: Progress) {
    if let Some(f) = &opts.progress {
        f(p);
    }
}

/// Collects the account the configuration's credentials belong to.
pub async fn collect(
    cfg: &SdkConfig,
    opts: &CollectOptions,
    collected_at: &str,
) -> Result<Inventory, CollectorError> {
    let account = collect_account(cfg, opts, None).await?;
    Ok(Inventory {
        schema_version: SCHEMA_VERSION,
        collected_at: collected_at.to_string(),
        accounts: vec![account],
    })
}

/// Collects only the IAM part (and the alias) of the account the configuration's credentials
/// belong to, for `yagura iam analyze`: GetAccountAuthorizationDetails, the AWS managed policies
/// in use and the account-level IAM reads, nothing regional; the other parts are left not
/// collected. Needs IAM read access only.
pub async fn collect_iam(cfg: &SdkConfig, collected_at: &str) -> Result<Inventory, CollectorError> {
    let account = collect_iam_account(cfg, &AwsPolicyCache::default()).await?;
    Ok(Inventory {
        schema_version: SCHEMA_VERSION,
        collected_at: collected_at.to_string(),
        accounts: vec![account],
    })
}

/// The IAM part (and the alias) of the account of the configuration's credentials, the rest
/// left not collected.
pub(crate) async fn collect_iam_account(
    cfg: &SdkConfig,
    cache: &AwsPolicyCache,
) -> Result<Account, CollectorError> {
    let global = Clients::from_config(cfg, local::is_local_endpoint(cfg));
    let (account_id, partition) = whoami_with(&global.sts).await?;
    let (iam, alias) = futures::join!(iam::collect(&global.iam, cache), iam::alias(&global.iam));
    Ok(Account {
        account_id,
        partition,
        alias,
        iam,
        ..Account::default()
    })
}

/// `cfg` with the SDK's adaptive retry mode: standard retries, and after a throttling answer a
/// client-side rate limiter (per service, for the whole process) that slows every later call
/// of that service down and speeds up again as calls succeed. `audit --org` uses it.
pub fn adaptive_retries(cfg: &SdkConfig, max_attempts: u32) -> SdkConfig {
    cfg.clone()
        .into_builder()
        .retry_config(
            RetryConfig::adaptive()
                .with_max_attempts(max_attempts)
                .with_initial_backoff(Duration::from_millis(200))
                .with_max_backoff(Duration::from_secs(20)),
        )
        .build()
}

/// The account id and partition of the caller.
pub async fn whoami(cfg: &SdkConfig) -> Result<(String, String), CollectorError> {
    whoami_with(&aws_sdk_sts::Client::new(cfg)).await
}

async fn whoami_with(sts: &aws_sdk_sts::Client) -> Result<(String, String), CollectorError> {
    let id = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| CollectorError::Identity(collect_error("sts:GetCallerIdentity", e)))?;
    let account = id.account().unwrap_or_default().to_string();
    let partition = id
        .arn()
        .and_then(|a| a.split(':').nth(1))
        .unwrap_or("aws")
        .to_string();
    Ok((account, partition))
}

/// Collects one account with the given configuration (already assumed into the account).
pub async fn collect_account(
    cfg: &SdkConfig,
    opts: &CollectOptions,
    org: Option<yagura_inventory::OrgMembership>,
) -> Result<Account, CollectorError> {
    let local = local::is_local_endpoint(cfg);
    let global = Clients::from_config(cfg, local);
    let (account_id, partition) = whoami_with(&global.sts).await?;
    let regions = if opts.regions.is_empty() {
        regional::enabled_regions(&global.ec2).await?
    } else {
        opts.regions.clone()
    };
    let for_region = |r: &str| Clients::from_config(&regional::in_region(cfg, r), local);
    let mut account = collect_account_with(
        &for_region,
        &global,
        &account_id,
        &partition,
        &regions,
        opts,
    )
    .await;
    account.org = org;
    Ok(account)
}

/// Collects one account through the given clients: `global` for the account-wide services
/// (IAM, S3, Budgets, Cost Explorer, Health), `clients_for_region` for each of `regions`.
/// `opts.regions` is not read; the account's `org` is left empty. Tests inject clients that
/// answer with recorded responses.
pub async fn collect_account_with(
    clients_for_region: &dyn Fn(&str) -> Clients,
    global: &Clients,
    account_id: &str,
    partition: &str,
    regions: &[String],
    opts: &CollectOptions,
) -> Account {
    let account_id = account_id.to_string();
    progress(
        opts,
        Progress::AccountStarted {
            account: account_id.clone(),
        },
    );
    // Every account-wide service at once: a service that is slow or retried (backoff) does not
    // hold up the others.
    let global_part = async {
        futures::join!(
            iam::collect(&global.iam, &opts.aws_policies),
            iam::alias(&global.iam),
            s3::collect(global, &account_id),
            regional::budgets(&global.budgets, &account_id),
            regional::anomaly_monitors(&global.costexplorer),
            regional::health_events(&global.health),
        )
    };
    let concurrency = opts.region_concurrency.max(1);
    let regional = stream::iter(regions.iter().cloned())
        .map(|region| {
            let account_id = account_id.clone();
            async move {
                let clients = clients_for_region(&region);
                let r = regional::collect(&clients, &region, &account_id).await;
                progress(
                    opts,
                    Progress::RegionDone {
                        account: account_id.clone(),
                        region,
                    },
                );
                r
            }
        })
        .buffered(concurrency)
        .collect::<Vec<Region>>();
    let ((iam, alias, s3, budgets, anomaly_monitors, health_events), regions) =
        futures::join!(global_part, regional);
    progress(
        opts,
        Progress::AccountDone {
            account: account_id.clone(),
        },
    );
    Account {
        account_id,
        partition: partition.to_string(),
        org: None,
        alias,
        iam,
        s3,
        budgets,
        anomaly_monitors,
        health_events,
        regions,
    }
}

/// Collects every account of the Organization (AUD-19).
pub use org::collect_organization;

fn ok<T>(v: T) -> Collected<T> {
    Collected::Ok(v)
}
