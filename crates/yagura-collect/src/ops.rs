//! Maintenance windows (OPS-01), the SDK side: EC2 instances, RDS DB instances, Aurora DB
//! clusters and Auto Scaling groups with their tags as [`yagura_schedule::Resource`]s, in every
//! chosen account (the caller's, or every active account of the Organization through a role)
//! and region; and [`yagura_schedule::Executor`] over StopInstances/StartInstances,
//! StopDBInstance/StartDBInstance, StopDBCluster/StartDBCluster and, for a group,
//! UpdateAutoScalingGroup with the capacity saved in a tag.

use std::collections::BTreeMap;

use aws_config::SdkConfig;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use futures::stream::{self, StreamExt};
use yagura_schedule::{Capacity, Resource, ResourceKind, ResourceState, SAVED_CAPACITY_TAG};

use crate::{load_config, ConnectOptions};

/// A failed EC2, RDS, Auto Scaling, Organizations or STS call: the operation, the error code
/// and the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{operation}: {code}: {message}")]
pub struct OpsError {
    pub operation: String,
    pub code: String,
    pub message: String,
}

impl OpsError {
    fn local(operation: &str, code: &str, message: impl Into<String>) -> OpsError {
        OpsError {
            operation: operation.to_string(),
            code: code.to_string(),
            message: message.into(),
        }
    }
}

impl From<yagura_inventory::CollectError> for OpsError {
    fn from(e: yagura_inventory::CollectError) -> OpsError {
        // what was said with yagura's hint, as the English `Display` of the CollectError
        let message = e.detail(yagura_core::Lang::En);
        OpsError {
            operation: e.operation,
            code: e.code,
            message,
        }
    }
}

fn ops_error<E, R>(operation: &str, err: SdkError<E, R>) -> OpsError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    let code = err.code().unwrap_or(match &err {
        SdkError::DispatchFailure(_) => "DispatchFailure",
        SdkError::TimeoutError(_) => "Timeout",
        _ => "Error",
    });
    let message = match err.message() {
        Some(m) => m.to_string(),
        None => crate::error::one_line(&err),
    };
    OpsError {
        operation: operation.to_string(),
        code: code.to_string(),
        message,
    }
}

/// Which accounts and regions a run covers.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// The regions; empty: the connection's region.
    pub regions: Vec<String>,
    /// Every active account of the Organization, through this role assumed in each (the
    /// caller's own account directly); `None`: the caller's account only.
    pub org_role: Option<String>,
    pub external_id: Option<String>,
    /// Only these accounts of the Organization (empty: all).
    pub accounts: Vec<String>,
}

/// An account and region that could not be reached or read; the rest of the run goes on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("account {account} region {region}: {error}")]
pub struct PlaceError {
    pub account: String,
    pub region: String,
    pub error: OpsError,
}

/// The clients of one account and region.
#[derive(Debug)]
struct Place {
    account: String,
    region: String,
    ec2: aws_sdk_ec2::Client,
    rds: aws_sdk_rds::Client,
    asg: aws_sdk_autoscaling::Client,
}

/// The clients of every account and region of a run, with their own runtime (the schedule
/// runner is synchronous).
#[derive(Debug)]
pub struct Ops {
    rt: tokio::runtime::Runtime,
    places: Vec<Place>,
    /// The accounts whose role could not be assumed (one error per region).
    pub unreachable: Vec<PlaceError>,
}

/// Accounts and regions read at once.
const CONCURRENCY: usize = 8;

fn tags<'a>(
    pairs: impl Iterator<Item = (Option<&'a str>, Option<&'a str>)>,
) -> BTreeMap<String, String> {
    pairs
        .filter_map(|(k, v)| Some((k?.to_string(), v?.to_string())))
        .collect()
}

impl Ops {
    /// Connects through the standard credential chain (see [`ConnectOptions`]) and, for an
    /// Organization, assumes `scope.org_role` in every member account.
    pub fn connect(opts: &ConnectOptions, scope: &Scope) -> Result<Ops, OpsError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| OpsError::local("runtime", "Runtime", e.to_string()))?;
        let (places, unreachable) = rt.block_on(connect_places(opts, scope))?;
        Ok(Ops {
            rt,
            places,
            unreachable,
        })
    }

    /// The (account, region) pairs reached.
    pub fn places(&self) -> Vec<(String, String)> {
        self.places
            .iter()
            .map(|p| (p.account.clone(), p.region.clone()))
            .collect()
    }

    /// Every EC2 instance (except terminated ones), RDS DB instance (outside a cluster), Aurora
    /// DB cluster and Auto Scaling group of every place, with tags; and the places (or the
    /// services of a place) that could not be read.
    pub fn list_resources(&self) -> (Vec<Resource>, Vec<PlaceError>) {
        self.rt.block_on(async {
            let results: Vec<(Vec<Resource>, Vec<PlaceError>)> = stream::iter(&self.places)
                .map(list_place)
                .buffered(CONCURRENCY)
                .collect()
                .await;
            let mut resources = Vec::new();
            let mut errors = self.unreachable.clone();
            for (r, e) in results {
                resources.extend(r);
                errors.extend(e);
            }
            (resources, errors)
        })
    }

    fn place(&self, r: &Resource) -> Result<&Place, OpsError> {
        self.places
            .iter()
            .find(|p| p.account == r.account && p.region == r.region)
            .ok_or_else(|| {
                OpsError::local(
                    "schedule",
                    "UnknownPlace",
                    format!(
                        "account `{}` region `{}` is not part of this run",
                        r.account, r.region
                    ),
                )
            })
    }
}

async fn connect_places(
    opts: &ConnectOptions,
    scope: &Scope,
) -> Result<(Vec<Place>, Vec<PlaceError>), OpsError> {
    let cfg = load_config(opts).await;
    let home_region = cfg
        .region()
        .map(|r| r.as_ref().to_string())
        .unwrap_or_default();
    let regions = if scope.regions.is_empty() {
        vec![home_region]
    } else {
        scope.regions.clone()
    };
    let (caller, partition) = crate::whoami(&cfg)
        .await
        .map_err(|e| OpsError::local("sts:GetCallerIdentity", "Identity", e.to_string()))?;
    let mut accounts: Vec<(String, Result<SdkConfig, OpsError>)> = Vec::new();
    match &scope.org_role {
        None => accounts.push((caller.clone(), Ok(cfg.clone()))),
        Some(role) => {
            let orgs = aws_sdk_organizations::Client::new(&cfg);
            let members = crate::org::active_accounts(&orgs).await?;
            let org_opts = crate::OrgOptions {
                role_name: role.clone(),
                identity_account: None,
                concurrency: CONCURRENCY,
                external_id: scope.external_id.clone(),
                ..crate::OrgOptions::default()
            };
            let chosen = members
                .into_iter()
                .map(|(id, _)| id)
                .filter(|id| scope.accounts.is_empty() || scope.accounts.contains(id));
            accounts = stream::iter(chosen)
                .map(|id| {
                    let (cfg, caller, partition, org_opts) = (&cfg, &caller, &partition, &org_opts);
                    async move {
                        let c = if id == *caller {
                            Ok(cfg.clone())
                        } else {
                            crate::org::assume(cfg, partition, &id, org_opts, "yagura-schedule")
                                .await
                                .map_err(OpsError::from)
                        };
                        (id, c)
                    }
                })
                .buffered(CONCURRENCY)
                .collect()
                .await;
        }
    }
    let mut places = Vec::new();
    let mut unreachable = Vec::new();
    for (account, c) in accounts {
        for region in &regions {
            match &c {
                Ok(c) => {
                    let rc = c
                        .clone()
                        .into_builder()
                        .region(aws_config::Region::new(region.clone()))
                        .build();
                    places.push(Place {
                        account: account.clone(),
                        region: region.clone(),
                        ec2: aws_sdk_ec2::Client::new(&rc),
                        rds: aws_sdk_rds::Client::new(&rc),
                        asg: aws_sdk_autoscaling::Client::new(&rc),
                    });
                }
                Err(e) => unreachable.push(PlaceError {
                    account: account.clone(),
                    region: region.clone(),
                    error: e.clone(),
                }),
            }
        }
    }
    Ok((places, unreachable))
}

async fn list_place(p: &Place) -> (Vec<Resource>, Vec<PlaceError>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let fail = |e: OpsError| PlaceError {
        account: p.account.clone(),
        region: p.region.clone(),
        error: e,
    };
    let (ec2, rds, aurora, asg) = futures::join!(
        list_ec2(p),
        list_rds_instances(p),
        list_aurora(p),
        list_asgs(p)
    );
    for r in [ec2, rds, aurora, asg] {
        match r {
            Ok(v) => out.extend(v),
            Err(e) => errors.push(fail(e)),
        }
    }
    for r in &mut out {
        r.account.clone_from(&p.account);
        r.region.clone_from(&p.region);
    }
    (out, errors)
}

async fn list_ec2(p: &Place) -> Result<Vec<Resource>, OpsError> {
    let mut out = Vec::new();
    let mut pages = p.ec2.describe_instances().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| ops_error("ec2:DescribeInstances", e))?;
        for r in page.reservations() {
            for i in r.instances() {
                let Some(id) = i.instance_id() else { continue };
                let state = i
                    .state()
                    .and_then(|s| s.name())
                    .map(|n| n.as_str().to_string())
                    .unwrap_or_default();
                if state == "terminated" || state == "shutting-down" {
                    continue;
                }
                out.push(Resource::new(
                    ResourceKind::Ec2Instance,
                    id,
                    ResourceState::from_aws(ResourceKind::Ec2Instance, &state),
                    tags(i.tags().iter().map(|t| (t.key(), t.value()))),
                ));
            }
        }
    }
    Ok(out)
}

async fn list_rds_instances(p: &Place) -> Result<Vec<Resource>, OpsError> {
    let mut out = Vec::new();
    let mut pages = p.rds.describe_db_instances().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| ops_error("rds:DescribeDBInstances", e))?;
        for d in page.db_instances() {
            let Some(id) = d.db_instance_identifier() else {
                continue;
            };
            // Aurora instances stop and start with their cluster, not one by one.
            if d.db_cluster_identifier().is_some() {
                continue;
            }
            out.push(Resource::new(
                ResourceKind::RdsInstance,
                id,
                ResourceState::from_aws(
                    ResourceKind::RdsInstance,
                    d.db_instance_status().unwrap_or_default(),
                ),
                tags(d.tag_list().iter().map(|t| (t.key(), t.value()))),
            ));
        }
    }
    Ok(out)
}

/// Aurora DB clusters only: DescribeDBClusters also lists Neptune and DocumentDB clusters and
/// Multi-AZ DB clusters, which this does not schedule.
async fn list_aurora(p: &Place) -> Result<Vec<Resource>, OpsError> {
    let mut out = Vec::new();
    let mut pages = p.rds.describe_db_clusters().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| ops_error("rds:DescribeDBClusters", e))?;
        for c in page.db_clusters() {
            let Some(id) = c.db_cluster_identifier() else {
                continue;
            };
            if !c.engine().is_some_and(|e| e.starts_with("aurora")) {
                continue;
            }
            out.push(Resource::new(
                ResourceKind::AuroraCluster,
                id,
                ResourceState::from_aws(
                    ResourceKind::AuroraCluster,
                    c.status().unwrap_or_default(),
                ),
                tags(c.tag_list().iter().map(|t| (t.key(), t.value()))),
            ));
        }
    }
    Ok(out)
}

async fn list_asgs(p: &Place) -> Result<Vec<Resource>, OpsError> {
    let mut out = Vec::new();
    let mut pages = p.asg.describe_auto_scaling_groups().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| ops_error("autoscaling:DescribeAutoScalingGroups", e))?;
        for g in page.auto_scaling_groups() {
            let Some(name) = g.auto_scaling_group_name() else {
                continue;
            };
            let capacity = Capacity {
                min: g.min_size().unwrap_or(0),
                desired: g.desired_capacity().unwrap_or(0),
                max: g.max_size().unwrap_or(0),
            };
            let state = if g.status().is_some_and(|s| !s.is_empty()) {
                // `Delete in progress`
                ResourceState::Other(g.status().unwrap_or_default().to_string())
            } else if capacity.desired > 0 {
                ResourceState::Running
            } else {
                ResourceState::Stopped
            };
            let mut r = Resource::new(
                ResourceKind::AutoScalingGroup,
                name,
                state,
                tags(g.tags().iter().map(|t| (t.key(), t.value()))),
            );
            r.capacity = Some(capacity);
            out.push(r);
        }
    }
    Ok(out)
}

impl Place {
    async fn stop(&self, r: &Resource) -> Result<(), OpsError> {
        match r.kind {
            ResourceKind::Ec2Instance => self
                .ec2
                .stop_instances()
                .instance_ids(r.id.clone())
                .send()
                .await
                .map(|_| ())
                .map_err(|e| ops_error("ec2:StopInstances", e)),
            ResourceKind::RdsInstance => self
                .rds
                .stop_db_instance()
                .db_instance_identifier(r.id.clone())
                .send()
                .await
                .map(|_| ())
                .map_err(|e| ops_error("rds:StopDBInstance", e)),
            ResourceKind::AuroraCluster => self
                .rds
                .stop_db_cluster()
                .db_cluster_identifier(r.id.clone())
                .send()
                .await
                .map(|_| ())
                .map_err(|e| ops_error("rds:StopDBCluster", e)),
            ResourceKind::AutoScalingGroup => {
                let c = r.capacity.ok_or_else(|| {
                    OpsError::local(
                        "autoscaling:UpdateAutoScalingGroup",
                        "NoCapacity",
                        "the group's capacity was not read",
                    )
                })?;
                // Save first: a group set to 0 without its saved sizes could not be restored.
                let tag = aws_sdk_autoscaling::types::Tag::builder()
                    .resource_id(r.id.clone())
                    .resource_type("auto-scaling-group")
                    .key(SAVED_CAPACITY_TAG)
                    .value(c.to_tag())
                    .propagate_at_launch(false)
                    .build();
                self.asg
                    .create_or_update_tags()
                    .tags(tag)
                    .send()
                    .await
                    .map_err(|e| ops_error("autoscaling:CreateOrUpdateTags", e))?;
                self.asg
                    .update_auto_scaling_group()
                    .auto_scaling_group_name(r.id.clone())
                    .min_size(0)
                    .desired_capacity(0)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| ops_error("autoscaling:UpdateAutoScalingGroup", e))
            }
        }
    }

    async fn start(&self, r: &Resource) -> Result<(), OpsError> {
        match r.kind {
            ResourceKind::Ec2Instance => self
                .ec2
                .start_instances()
                .instance_ids(r.id.clone())
                .send()
                .await
                .map(|_| ())
                .map_err(|e| ops_error("ec2:StartInstances", e)),
            ResourceKind::RdsInstance => self
                .rds
                .start_db_instance()
                .db_instance_identifier(r.id.clone())
                .send()
                .await
                .map(|_| ())
                .map_err(|e| ops_error("rds:StartDBInstance", e)),
            ResourceKind::AuroraCluster => self
                .rds
                .start_db_cluster()
                .db_cluster_identifier(r.id.clone())
                .send()
                .await
                .map(|_| ())
                .map_err(|e| ops_error("rds:StartDBCluster", e)),
            ResourceKind::AutoScalingGroup => {
                let saved = r.tags.get(SAVED_CAPACITY_TAG).ok_or_else(|| {
                    OpsError::local(
                        "autoscaling:UpdateAutoScalingGroup",
                        "NoSavedCapacity",
                        format!("the group has no `{SAVED_CAPACITY_TAG}` tag: nothing to restore (set its capacity by hand)"),
                    )
                })?;
                let c = Capacity::from_tag(saved).map_err(|m| {
                    OpsError::local(
                        "autoscaling:UpdateAutoScalingGroup",
                        "BadSavedCapacity",
                        format!("tag `{SAVED_CAPACITY_TAG}`: {m}"),
                    )
                })?;
                self.asg
                    .update_auto_scaling_group()
                    .auto_scaling_group_name(r.id.clone())
                    .min_size(c.min)
                    .max_size(c.max)
                    .desired_capacity(c.desired)
                    .send()
                    .await
                    .map_err(|e| ops_error("autoscaling:UpdateAutoScalingGroup", e))?;
                let tag = aws_sdk_autoscaling::types::Tag::builder()
                    .resource_id(r.id.clone())
                    .resource_type("auto-scaling-group")
                    .key(SAVED_CAPACITY_TAG)
                    .build();
                self.asg
                    .delete_tags()
                    .tags(tag)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| ops_error("autoscaling:DeleteTags", e))
            }
        }
    }
}

impl yagura_schedule::Executor for Ops {
    type Error = OpsError;

    fn stop(&self, r: &Resource) -> Result<(), OpsError> {
        let p = self.place(r)?;
        self.rt.block_on(p.stop(r))
    }

    fn start(&self, r: &Resource) -> Result<(), OpsError> {
        let p = self.place(r)?;
        self.rt.block_on(p.start(r))
    }
}
