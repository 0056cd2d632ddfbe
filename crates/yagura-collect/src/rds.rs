//! RDS beyond the instance list: the settings of each instance that the FSBP controls read,
//! the DB clusters, the snapshots the account owns (with whether each is public) and the event
//! notification subscriptions of a region.

use crate::error::collect_error;
use crate::regional::paged;
use futures::stream::{self, StreamExt};
use std::collections::BTreeMap;
use yagura_inventory::{
    Collected, DbCluster, DbParameterGroup, DbSettings, DbSnapshot, RdsEventSubscription,
};

/// Snapshot attribute reads in flight per region.
const ATTRIBUTE_READS: usize = 8;

/// The settings of one instance, from its DescribeDBInstances entry.
pub(crate) fn settings(d: &aws_sdk_rds::types::DbInstance) -> DbSettings {
    DbSettings {
        cluster: d.db_cluster_identifier().map(str::to_string),
        replica_of: d
            .read_replica_source_db_instance_identifier()
            .or(d.read_replica_source_db_cluster_identifier())
            .map(str::to_string),
        monitoring_interval: d.monitoring_interval().unwrap_or(0),
        deletion_protection: d.deletion_protection().unwrap_or(false),
        log_exports: d.enabled_cloudwatch_logs_exports().to_vec(),
        iam_auth: d.iam_database_authentication_enabled().unwrap_or(false),
        backup_retention: d.backup_retention_period().unwrap_or(0),
        copy_tags_to_snapshot: d.copy_tags_to_snapshot().unwrap_or(false),
        vpc_id: d
            .db_subnet_group()
            .and_then(|g| g.vpc_id())
            .filter(|v| !v.is_empty())
            .map(str::to_string),
        port: d
            .endpoint()
            .and_then(|e| e.port())
            .or(d.db_instance_port().filter(|p| *p != 0)),
        master_username: d.master_username().unwrap_or_default().to_string(),
        parameter_groups: d
            .db_parameter_groups()
            .iter()
            .filter_map(|g| g.db_parameter_group_name().map(str::to_string))
            .collect(),
    }
}

/// What [`rest`] reads.
pub(crate) type Rest = (
    Collected<Vec<DbCluster>>,
    Collected<Vec<DbSnapshot>>,
    Collected<Vec<RdsEventSubscription>>,
    Collected<Vec<DbParameterGroup>>,
);

/// The region's DB clusters, snapshots, event subscriptions and MySQL/PostgreSQL parameter
/// groups, read concurrently.
pub(crate) async fn rest(c: &aws_sdk_rds::Client) -> Rest {
    futures::join!(
        clusters(c),
        snapshots(c),
        event_subscriptions(c),
        parameter_groups(c)
    )
}

/// The parameters RDS.38 and RDS.39 read.
const IN_TRANSIT: &[&str] = &["rds.force_ssl", "require_secure_transport"];

/// The region's MySQL and PostgreSQL DB parameter groups (every page), each with the
/// in-transit parameters it gives a value (every page of DescribeDBParameters; a group whose
/// parameters could not be read keeps the error).
async fn parameter_groups(c: &aws_sdk_rds::Client) -> Collected<Vec<DbParameterGroup>> {
    let names = match paged(
        "rds:DescribeDBParameterGroups",
        c.describe_db_parameter_groups().into_paginator().send(),
        |p, out| {
            out.extend(
                p.db_parameter_groups()
                    .iter()
                    .filter(|g| {
                        g.db_parameter_group_family()
                            .is_some_and(|f| f.starts_with("postgres") || f.starts_with("mysql"))
                    })
                    .filter_map(|g| g.db_parameter_group_name().map(str::to_string)),
            );
        },
    )
    .await
    {
        Collected::Ok(v) => v,
        Collected::Error(e) => return Collected::Error(e),
    };
    let groups: Vec<DbParameterGroup> = stream::iter(names)
        .map(|name| async move {
            let parameters = match paged(
                "rds:DescribeDBParameters",
                c.describe_db_parameters()
                    .db_parameter_group_name(&name)
                    .into_paginator()
                    .send(),
                |p, out| {
                    out.extend(p.parameters().iter().filter_map(|x| {
                        let n = x.parameter_name()?;
                        IN_TRANSIT
                            .contains(&n)
                            .then(|| Some((n.to_string(), x.parameter_value()?.to_string())))
                            .flatten()
                    }));
                },
            )
            .await
            {
                Collected::Ok(v) => Collected::Ok(v.into_iter().collect::<BTreeMap<_, _>>()),
                Collected::Error(e) => Collected::Error(e),
            };
            DbParameterGroup { name, parameters }
        })
        .buffered(ATTRIBUTE_READS)
        .collect()
        .await;
    Collected::Ok(groups)
}

async fn clusters(c: &aws_sdk_rds::Client) -> Collected<Vec<DbCluster>> {
    paged(
        "rds:DescribeDBClusters",
        c.describe_db_clusters().into_paginator().send(),
        |p, out| {
            out.extend(p.db_clusters().iter().map(|d| DbCluster {
                id: d.db_cluster_identifier().unwrap_or_default().to_string(),
                arn: d.db_cluster_arn().unwrap_or_default().to_string(),
                engine: d.engine().unwrap_or_default().to_string(),
                multi_az: d.multi_az().unwrap_or(false),
                deletion_protection: d.deletion_protection().unwrap_or(false),
                iam_auth: d.iam_database_authentication_enabled().unwrap_or(false),
                backtrack_window: d.backtrack_window().unwrap_or(0),
                copy_tags_to_snapshot: d.copy_tags_to_snapshot().unwrap_or(false),
                master_username: d.master_username().unwrap_or_default().to_string(),
                storage_encrypted: d.storage_encrypted().unwrap_or(false),
                auto_minor_version_upgrade: d.auto_minor_version_upgrade(),
                log_exports: d.enabled_cloudwatch_logs_exports().to_vec(),
                port: d.port(),
            }));
        },
    )
    .await
}

/// Whether an attribute list shares `restore` with `all`.
fn restorable_by_all<'a>(attrs: impl Iterator<Item = (Option<&'a str>, &'a [String])>) -> bool {
    attrs
        .filter(|(name, _)| *name == Some("restore"))
        .any(|(_, values)| values.iter().any(|v| v == "all"))
}

/// The DB snapshots and DB cluster snapshots the account owns (every page of each), each
/// manual one with its `restore` attribute read; a snapshot whose attributes could not be
/// read keeps the error, so RDS.1 is UNKNOWN on it.
async fn snapshots(c: &aws_sdk_rds::Client) -> Collected<Vec<DbSnapshot>> {
    let (db, cluster) = futures::join!(
        paged(
            "rds:DescribeDBSnapshots",
            c.describe_db_snapshots().into_paginator().send(),
            |p, out| {
                out.extend(p.db_snapshots().iter().map(|s| DbSnapshot {
                    id: s.db_snapshot_identifier().unwrap_or_default().to_string(),
                    arn: s.db_snapshot_arn().unwrap_or_default().to_string(),
                    cluster: false,
                    kind: s.snapshot_type().unwrap_or_default().to_string(),
                    encrypted: s.encrypted().unwrap_or(false),
                    public: Collected::Ok(false),
                }));
            },
        ),
        paged(
            "rds:DescribeDBClusterSnapshots",
            c.describe_db_cluster_snapshots().into_paginator().send(),
            |p, out| {
                out.extend(p.db_cluster_snapshots().iter().map(|s| {
                    DbSnapshot {
                        id: s
                            .db_cluster_snapshot_identifier()
                            .unwrap_or_default()
                            .to_string(),
                        arn: s.db_cluster_snapshot_arn().unwrap_or_default().to_string(),
                        cluster: true,
                        kind: s.snapshot_type().unwrap_or_default().to_string(),
                        encrypted: s.storage_encrypted().unwrap_or(false),
                        public: Collected::Ok(false),
                    }
                }));
            },
        ),
    );
    let mut all = match (db, cluster) {
        (Collected::Ok(mut a), Collected::Ok(b)) => {
            a.extend(b);
            a
        }
        (Collected::Error(e), _) | (_, Collected::Error(e)) => return Collected::Error(e),
    };
    let publics: Vec<Collected<bool>> = stream::iter(all.iter())
        .map(|s| public(c, s))
        .buffered(ATTRIBUTE_READS)
        .collect()
        .await;
    for (s, p) in all.iter_mut().zip(publics) {
        s.public = p;
    }
    all.sort_by(|a, b| a.arn.cmp(&b.arn));
    Collected::Ok(all)
}

/// Whether a manual snapshot is restorable by every account; automated snapshots cannot be
/// shared.
async fn public(c: &aws_sdk_rds::Client, s: &DbSnapshot) -> Collected<bool> {
    if s.kind != "manual" {
        return Collected::Ok(false);
    }
    if s.cluster {
        match c
            .describe_db_cluster_snapshot_attributes()
            .db_cluster_snapshot_identifier(&s.id)
            .send()
            .await
        {
            Ok(o) => Collected::Ok(restorable_by_all(
                o.db_cluster_snapshot_attributes_result()
                    .map(|r| r.db_cluster_snapshot_attributes())
                    .unwrap_or_default()
                    .iter()
                    .map(|a| (a.attribute_name(), a.attribute_values())),
            )),
            Err(e) => Collected::Error(collect_error("rds:DescribeDBClusterSnapshotAttributes", e)),
        }
    } else {
        match c
            .describe_db_snapshot_attributes()
            .db_snapshot_identifier(&s.id)
            .send()
            .await
        {
            Ok(o) => Collected::Ok(restorable_by_all(
                o.db_snapshot_attributes_result()
                    .map(|r| r.db_snapshot_attributes())
                    .unwrap_or_default()
                    .iter()
                    .map(|a| (a.attribute_name(), a.attribute_values())),
            )),
            Err(e) => Collected::Error(collect_error("rds:DescribeDBSnapshotAttributes", e)),
        }
    }
}

async fn event_subscriptions(c: &aws_sdk_rds::Client) -> Collected<Vec<RdsEventSubscription>> {
    paged(
        "rds:DescribeEventSubscriptions",
        c.describe_event_subscriptions().into_paginator().send(),
        |p, out| {
            out.extend(
                p.event_subscriptions_list()
                    .iter()
                    .map(|s| RdsEventSubscription {
                        name: s.cust_subscription_id().unwrap_or_default().to_string(),
                        arn: s.event_subscription_arn().unwrap_or_default().to_string(),
                        source_type: s.source_type().unwrap_or_default().to_string(),
                        categories: s.event_categories_list().to_vec(),
                        source_ids: s.source_ids_list().to_vec(),
                        enabled: s.enabled().unwrap_or(false),
                    }),
            );
        },
    )
    .await
}
