//! Organizations (AUD-19): every active account through an assumed read-only role.
//!
//! Accounts are collected concurrently (`concurrency` at once) under two bounds on the AWS calls
//! in flight (`bound.rs`): one for the run, one per account. With a [`Shard`], only the accounts
//! of the shard are collected whole; the others are read for their IAM part only (one
//! GetAccountAuthorizationDetails and the AWS managed policies in use), because the escalation
//! graph links principals across accounts (a role trusting another account): every shard
//! builds the graph the single run builds, and keeps the findings of its own accounts.

use crate::bound::ApiBounds;
use crate::error::{collect_error, CollectorError};
use crate::shard::Shard;
use crate::{collect_account, progress, whoami, CollectOptions, Progress};
use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use futures::stream::{self, StreamExt};
use yagura_inventory::{
    Account, AccountKind, CollectError, Collected, Inventory, OrgMembership, SCHEMA_VERSION,
};

/// AWS calls in flight in a whole Organization scan, by default.
pub const DEFAULT_API_CONCURRENCY: usize = 64;
/// AWS calls in flight in any one account of an Organization scan, by default.
pub const DEFAULT_ACCOUNT_API_CONCURRENCY: usize = 16;

/// How to reach the member accounts.
#[derive(Debug, Clone)]
pub struct OrgOptions {
    /// The role to assume in every member account (`arn:…:role/{role_name}`).
    pub role_name: String,
    /// The identity (bastion) account, whose users are the only users expected (AUD-19).
    pub identity_account: Option<String>,
    /// Accounts collected at once.
    pub concurrency: usize,
    pub external_id: Option<String>,
    /// AWS calls in flight in the whole run.
    pub api_concurrency: usize,
    /// AWS calls in flight in any one account.
    pub account_api_concurrency: usize,
    /// Only the accounts of this shard are audited (the others are read for IAM only).
    pub shard: Option<Shard>,
}

impl Default for OrgOptions {
    fn default() -> OrgOptions {
        OrgOptions {
            role_name: String::new(),
            identity_account: None,
            concurrency: 4,
            external_id: None,
            api_concurrency: DEFAULT_API_CONCURRENCY,
            account_api_concurrency: DEFAULT_ACCOUNT_API_CONCURRENCY,
            shard: None,
        }
    }
}

/// Collects every active account of the Organization the credentials' account manages.
/// An account whose role cannot be assumed appears with every piece UNKNOWN and the reason.
pub async fn collect_organization(
    cfg: &SdkConfig,
    opts: &CollectOptions,
    org_opts: &OrgOptions,
    collected_at: &str,
) -> Result<Inventory, CollectorError> {
    let bounds = ApiBounds::new(org_opts.api_concurrency, org_opts.account_api_concurrency);
    let cfg = &bounds.for_account(cfg);
    let orgs = aws_sdk_organizations::Client::new(cfg);
    let org = orgs.describe_organization().send().await.map_err(|e| {
        CollectorError::Organization(collect_error("organizations:DescribeOrganization", e))
    })?;
    let org = org.organization();
    let org_id = org.and_then(|o| o.id()).unwrap_or_default().to_string();
    let management = org
        .and_then(|o| o.master_account_id())
        .unwrap_or_default()
        .to_string();

    let members = active_accounts(&orgs)
        .await
        .map_err(CollectorError::Organization)?;
    let (caller, partition) = whoami(cfg).await?;
    let audited = |id: &str| org_opts.shard.is_none_or(|s| s.contains(id));
    progress(
        opts,
        Progress::AccountsPlanned {
            total: members.iter().filter(|(id, _)| audited(id)).count(),
            context: members.iter().filter(|(id, _)| !audited(id)).count(),
        },
    );

    let accounts: Vec<Account> = stream::iter(members)
        .map(|(id, name)| {
            let kind = if id == management {
                AccountKind::Management
            } else if org_opts.identity_account.as_deref() == Some(id.as_str()) {
                AccountKind::Identity
            } else {
                AccountKind::Resource
            };
            let membership = OrgMembership {
                organization_id: org_id.clone(),
                kind,
                name,
                identity_account: org_opts.identity_account.clone(),
            };
            let (caller, partition, bounds) = (caller.clone(), partition.clone(), &bounds);
            let whole = audited(&id);
            async move {
                let assumed = if id == caller {
                    Ok(cfg.clone())
                } else {
                    assume(cfg, &partition, &id, org_opts, "yagura-audit").await
                };
                let collected = match assumed {
                    Ok(acfg) => {
                        let acfg = bounds.for_account(&acfg);
                        let got = if whole {
                            collect_account(&acfg, opts, Some(membership.clone())).await
                        } else {
                            crate::collect_iam_account(&acfg, &opts.aws_policies)
                                .await
                                .map(|a| Account {
                                    org: Some(membership.clone()),
                                    ..a
                                })
                        };
                        // the failed call's own error, its hint data and AWS's words apart
                        got.map_err(CollectorError::into_collect_error)
                    }
                    Err(e) => Err(e),
                };
                match collected {
                    Ok(a) => a,
                    Err(e) => {
                        if whole {
                            progress(
                                opts,
                                Progress::AccountFailed {
                                    account: id.clone(),
                                    reason: e.to_string(),
                                },
                            );
                        }
                        unreachable_account(&id, &partition, membership, e)
                    }
                }
            }
        })
        .buffered(org_opts.concurrency.max(1))
        .collect()
        .await;
    Ok(Inventory {
        schema_version: SCHEMA_VERSION,
        collected_at: collected_at.to_string(),
        accounts,
    })
}

/// The Organization's active accounts (id, name), sorted by id.
pub(crate) async fn active_accounts(
    orgs: &aws_sdk_organizations::Client,
) -> Result<Vec<(String, String)>, CollectError> {
    let mut members = Vec::new();
    let mut pages = orgs.list_accounts().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| collect_error("organizations:ListAccounts", e))?;
        for a in page.accounts() {
            let active = a
                .state()
                .map(|s| s.as_str() == "ACTIVE")
                .unwrap_or_else(|| {
                    #[allow(deprecated)]
                    a.status().map(|s| s.as_str() == "ACTIVE").unwrap_or(true)
                });
            if active {
                members.push((
                    a.id().unwrap_or_default().to_string(),
                    a.name().unwrap_or_default().to_string(),
                ));
            }
        }
    }
    members.sort();
    Ok(members)
}

/// The configuration of `account` through `o.role_name`, assumed with `cfg`'s credentials.
pub(crate) async fn assume(
    cfg: &SdkConfig,
    partition: &str,
    account: &str,
    o: &OrgOptions,
    session_name: &str,
) -> Result<SdkConfig, CollectError> {
    let sts = aws_sdk_sts::Client::new(cfg);
    let arn = format!("arn:{partition}:iam::{account}:role/{}", o.role_name);
    let mut req = sts
        .assume_role()
        .role_arn(&arn)
        .role_session_name(session_name);
    if let Some(x) = &o.external_id {
        req = req.external_id(x);
    }
    let out = req
        .send()
        .await
        .map_err(|e| collect_error("sts:AssumeRole", e))?;
    let c = out.credentials().ok_or_else(|| {
        CollectError::new(
            "sts:AssumeRole",
            "NoCredentials",
            "the response carried no credentials",
        )
    })?;
    let creds = Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        std::time::SystemTime::try_from(*c.expiration()).ok(),
        "yagura-assume-role",
    );
    Ok(cfg
        .clone()
        .into_builder()
        .credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(creds))
        .build())
}

/// An account that could not be reached: every piece carries the reason, so every check of it
/// reports UNKNOWN instead of silently disappearing from the report.
fn unreachable_account(id: &str, partition: &str, org: OrgMembership, e: CollectError) -> Account {
    Account {
        account_id: id.to_string(),
        partition: partition.to_string(),
        org: Some(org),
        alias: err(&e),
        iam: yagura_inventory::Iam {
            users: err(&e),
            roles: err(&e),
            groups: err(&e),
            policies: err(&e),
            password_policy: err(&e),
            summary: err(&e),
            credential_report: err(&e),
            virtual_mfa_devices: err(&e),
            server_certificates: err(&e),
        },
        s3: yagura_inventory::S3 {
            account_public_access_block: err(&e),
            buckets: err(&e),
        },
        budgets: err(&e),
        anomaly_monitors: err(&e),
        health_events: err(&e),
        regions: Vec::new(),
    }
}

fn err<T>(e: &CollectError) -> Collected<T> {
    Collected::Error(e.clone())
}
