//! Maintenance windows (OPS-01), the SDK side: EC2 and RDS instances with their tags as
//! [`yagura_schedule::Resource`]s, and [`yagura_schedule::Executor`] over
//! StopInstances/StartInstances and StopDBInstance/StartDBInstance.

use std::collections::BTreeMap;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use yagura_schedule::{Resource, ResourceKind, ResourceState};

use crate::{load_config, ConnectOptions};

/// A failed EC2 or RDS call: the operation, the error code and the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{operation}: {code}: {message}")]
pub struct OpsError {
    pub operation: String,
    pub code: String,
    pub message: String,
}

fn ops_error<E, R>(operation: &str, err: SdkError<E, R>) -> OpsError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let code = err.code().unwrap_or(match &err {
        SdkError::DispatchFailure(_) => "DispatchFailure",
        SdkError::TimeoutError(_) => "Timeout",
        _ => "Error",
    });
    let message = match err.message() {
        Some(m) => m.to_string(),
        None => DisplayErrorContext(&err).to_string(),
    };
    OpsError {
        operation: operation.to_string(),
        code: code.to_string(),
        message,
    }
}

/// EC2 and RDS clients of one region, with their own runtime (the schedule runner is
/// synchronous).
#[derive(Debug)]
pub struct Ops {
    rt: tokio::runtime::Runtime,
    ec2: aws_sdk_ec2::Client,
    rds: aws_sdk_rds::Client,
    pub region: String,
}

impl Ops {
    /// Connects through the standard credential chain (see [`ConnectOptions`]).
    pub fn connect(opts: &ConnectOptions) -> Result<Ops, OpsError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| OpsError {
                operation: "runtime".to_string(),
                code: "Runtime".to_string(),
                message: e.to_string(),
            })?;
        let cfg = rt.block_on(load_config(opts));
        let region = cfg
            .region()
            .map(|r| r.as_ref().to_string())
            .unwrap_or_default();
        Ok(Ops {
            ec2: aws_sdk_ec2::Client::new(&cfg),
            rds: aws_sdk_rds::Client::new(&cfg),
            rt,
            region,
        })
    }

    /// Every EC2 instance (except terminated ones) and RDS DB instance of the region, with tags.
    pub fn list_resources(&self) -> Result<Vec<Resource>, OpsError> {
        self.rt.block_on(async {
            let mut out = Vec::new();
            let mut pages = self.ec2.describe_instances().into_paginator().send();
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
                        let tags: BTreeMap<String, String> = i
                            .tags()
                            .iter()
                            .filter_map(|t| Some((t.key()?.to_string(), t.value()?.to_string())))
                            .collect();
                        out.push(Resource {
                            kind: ResourceKind::Ec2Instance,
                            id: id.to_string(),
                            state: ResourceState::from_aws(ResourceKind::Ec2Instance, &state),
                            tags,
                        });
                    }
                }
            }
            let mut pages = self.rds.describe_db_instances().into_paginator().send();
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
                    let tags: BTreeMap<String, String> = d
                        .tag_list()
                        .iter()
                        .filter_map(|t| Some((t.key()?.to_string(), t.value()?.to_string())))
                        .collect();
                    out.push(Resource {
                        kind: ResourceKind::RdsInstance,
                        id: id.to_string(),
                        state: ResourceState::from_aws(
                            ResourceKind::RdsInstance,
                            d.db_instance_status().unwrap_or_default(),
                        ),
                        tags,
                    });
                }
            }
            Ok(out)
        })
    }
}

impl yagura_schedule::Executor for Ops {
    type Error = OpsError;

    fn stop(&self, r: &Resource) -> Result<(), OpsError> {
        self.rt.block_on(async {
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
            }
        })
    }

    fn start(&self, r: &Resource) -> Result<(), OpsError> {
        self.rt.block_on(async {
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
            }
        })
    }
}
