//! The `rds` checks, and what several of them share.

pub(crate) mod ec2_database_on_instance;
pub(crate) mod rds_aurora_backtracking_off;
pub(crate) mod rds_aurora_mysql_audit_logs_not_exported;
pub(crate) mod rds_aurora_postgres_logs_not_exported;
pub(crate) mod rds_auto_minor_upgrade_off;
pub(crate) mod rds_cluster_auto_minor_upgrade_off;
pub(crate) mod rds_cluster_copy_tags_off;
pub(crate) mod rds_cluster_default_admin_username;
pub(crate) mod rds_cluster_deletion_protection_off;
pub(crate) mod rds_cluster_iam_auth_off;
pub(crate) mod rds_cluster_single_az;
pub(crate) mod rds_cluster_storage_not_encrypted;
pub(crate) mod rds_default_port;
pub(crate) mod rds_enhanced_monitoring_off;
pub(crate) mod rds_instance_backups_short;
pub(crate) mod rds_instance_copy_tags_off;
pub(crate) mod rds_instance_default_admin_username;
pub(crate) mod rds_instance_deletion_protection_off;
pub(crate) mod rds_instance_iam_auth_off;
pub(crate) mod rds_instance_logs_not_exported;
pub(crate) mod rds_instance_not_in_vpc;
pub(crate) mod rds_instance_publicly_accessible;
pub(crate) mod rds_instance_single_az;
pub(crate) mod rds_mysql_not_encrypted_in_transit;
pub(crate) mod rds_no_cluster_event_subscription;
pub(crate) mod rds_no_instance_event_subscription;
pub(crate) mod rds_no_parameter_group_event_subscription;
pub(crate) mod rds_no_security_group_event_subscription;
pub(crate) mod rds_postgres_logs_not_exported;
pub(crate) mod rds_postgres_not_encrypted_in_transit;
pub(crate) mod rds_snapshot_not_encrypted;
pub(crate) mod rds_snapshot_public;
pub(crate) mod rds_storage_not_encrypted;

use crate::checks::prelude::*;
use yagura_inventory::{CollectError, DbCluster, DbInstance, DbParameterGroup, DbSettings};

/// FSBP RDS.11's default minimum backup retention, in days.
pub(super) const BACKUP_DAYS: i32 = 7;

/// The settings of an instance the FSBP controls read; UNKNOWN on an older snapshot.
fn settings(db: &DbInstance) -> Result<&DbSettings, Missing> {
    db.settings
        .as_ref()
        .ok_or_else(|| rds_storage_not_encrypted::not_collected("settings"))
}

/// Whether a control judges the members of a cluster (most judge the cluster instead).
pub(super) enum Members {
    Judge,
    Skip,
}

/// Judges an instance on its settings (`judge` returns `None` where the control does not
/// apply); UNKNOWN on an older snapshot without them.
pub(super) fn judge_instance(
    cx: &mut Cx<'_>,
    db: &DbInstance,
    at: At<'_>,
    members: Members,
    judge: impl FnOnce(&DbSettings) -> Option<(Status, Message)>,
) -> Outcome {
    let s = settings(db)?;
    if matches!(members, Members::Skip) && s.cluster.is_some() {
        return Ok(());
    }
    if let Some((status, msg)) = judge(s) {
        cx.emit(at, status, msg);
    }
    Ok(())
}

/// Judges each RDS cluster of the region (DocumentDB and Neptune clusters, which the same call
/// lists, aside); `judge` returns `None` for a cluster its control does not apply to.
pub(super) fn each_cluster(
    cx: &mut Cx<'_>,
    reg: &Reg<'_>,
    judge: impl Fn(&DbCluster) -> Option<(Status, Message)>,
) -> Outcome {
    let clusters = cx.need_in(&data::RDS_CLUSTERS, reg.region)?;
    let region = reg.name();
    for c in clusters
        .iter()
        .filter(|c| !matches!(c.engine.as_str(), "docdb" | "neptune"))
    {
        if let Some((status, msg)) = judge(c) {
            let at = At {
                resource: &c.arn,
                region,
            };
            cx.emit(at, status, msg);
        }
    }
    Ok(())
}

/// Aurora MySQL (`aurora` is its engine name for MySQL 5.6 compatibility).
pub(super) fn aurora_mysql(engine: &str) -> bool {
    matches!(engine, "aurora" | "aurora-mysql")
}

/// Engines with IAM database authentication.
pub(super) fn iam_auth_engine(engine: &str) -> bool {
    matches!(engine, "mysql" | "mariadb" | "postgres") || engine.starts_with("aurora")
}

/// The engine's default port (RDS.23).
pub(super) fn default_port(engine: &str) -> Option<i32> {
    Some(match engine {
        "mysql" | "mariadb" | "aurora" | "aurora-mysql" => 3306,
        "postgres" | "aurora-postgresql" => 5432,
        e if e.starts_with("oracle") || e.starts_with("custom-oracle") => 1521,
        e if e.starts_with("sqlserver") || e.starts_with("custom-sqlserver") => 1433,
        e if e.starts_with("db2") => 50000,
        _ => return None,
    })
}

/// The default administrator usernames RDS.24 and RDS.25 reject.
pub(super) fn default_admin(user: &str) -> bool {
    matches!(user, "admin" | "postgres")
}

/// The log types RDS.9 wants an instance of `engine` to publish.
pub(super) fn instance_logs(engine: &str) -> Option<&'static [&'static str]> {
    Some(match engine {
        "postgres" => &["postgresql", "upgrade"],
        "mysql" | "mariadb" => &["audit", "error", "general", "slowquery"],
        e if e.starts_with("oracle") => &["alert", "audit", "trace", "listener"],
        e if e.starts_with("sqlserver") => &["error", "agent"],
        _ => return None,
    })
}

/// The wanted log types an instance does not publish.
pub(super) fn missing_logs<'w>(wanted: &[&'w str], published: &[String]) -> Vec<&'w str> {
    wanted
        .iter()
        .copied()
        .filter(|w| !published.iter().any(|p| p == w))
        .collect()
}

/// The events an RDS event subscription must cover (RDS.19 to RDS.22).
pub(super) mod events {
    pub(crate) struct Wanted {
        pub source_type: &'static str,
        pub categories: &'static [&'static str],
    }
    pub(crate) const CLUSTER: Wanted = Wanted {
        source_type: "db-cluster",
        categories: &["failure", "maintenance"],
    };
    pub(crate) const INSTANCE: Wanted = Wanted {
        source_type: "db-instance",
        categories: &["maintenance", "configuration change", "failure"],
    };
    pub(crate) const PARAMETER_GROUP: Wanted = Wanted {
        source_type: "db-parameter-group",
        categories: &["configuration change"],
    };
    pub(crate) const SECURITY_GROUP: Wanted = Wanted {
        source_type: "db-security-group",
        categories: &["configuration change", "failure"],
    };
}

/// In a region with RDS instances or clusters: PASS when an enabled subscription covers every
/// source of the wanted type (no source ids) and every wanted category (or all categories),
/// else FAIL naming what is missing.
pub(super) fn event_subscription(
    cx: &mut Cx<'_>,
    reg: &Reg<'_>,
    at: At<'_>,
    wanted: &events::Wanted,
) -> Outcome {
    // A region without RDS databases needs no subscription (and would only add noise).
    if cx.need_in(&data::RDS, reg.region)?.is_empty()
        && cx.need_in(&data::RDS_CLUSTERS, reg.region)?.is_empty()
    {
        return Ok(());
    }
    let subs = cx.need_in(&data::RDS_EVENT_SUBSCRIPTIONS, reg.region)?;
    let covering = subs.iter().find(|s| {
        s.enabled
            && (s.source_type.is_empty() || s.source_type == wanted.source_type)
            && s.source_ids.is_empty()
            && (s.categories.is_empty()
                || wanted
                    .categories
                    .iter()
                    .all(|w| s.categories.iter().any(|c| c == w)))
    });
    let (status, msg) = match covering {
        Some(s) => (
            Status::Pass,
            text!(
                "RDS event subscription {s} covers {t} events ({c})",
                "RDS イベントサブスクリプション {s} は `{t}` のイベント(`{c}`)を対象にしています",
                s = s.name,
                t = wanted.source_type,
                c = wanted.categories.join(", ")
            ),
        ),
        None => (
            Status::Fail,
            text!(
                "no enabled RDS event subscription covers every {t} for {c}",
                "すべての `{t}` の `{c}` を対象とする有効な RDS イベントサブスクリプションがありません",
                t = wanted.source_type,
                c = wanted.categories.join(", ")
            ),
        ),
    };
    cx.emit(at, status, msg);
    Ok(())
}

/// The value `param` has in the first of `names` that gives it one, with that group's name;
/// the reason when a group was not read or none gives it a value (the engine default, which
/// the API does not say here, applies).
fn parameter<'g>(
    groups: &'g [DbParameterGroup],
    names: &[String],
    param: &str,
) -> Result<(&'g str, &'g str), CollectError> {
    let none = |why: String| CollectError::new("rds:DescribeDBParameters", "NoValue", &why);
    for name in names {
        let Some(g) = groups.iter().find(|g| &g.name == name) else {
            return Err(CollectError::new(
                "rds:DescribeDBParameterGroups",
                "NotListed",
                &format!("parameter group `{name}` was not listed"),
            ));
        };
        let params = g.parameters.as_ref().map_err(CollectError::clone)?;
        if let Some(v) = params.get(param) {
            return Ok((v.as_str(), g.name.as_str()));
        }
    }
    Err(none(format!(
        "no parameter group of the instance gives `{param}` a value (the engine default applies)"
    )))
}

/// RDS.38 and RDS.39: each `engine` instance of the region (cluster members aside) passes when
/// its parameter group sets `param` on (`1`, `ON`, `true`).
pub(super) fn in_transit(cx: &mut Cx<'_>, reg: &Reg<'_>, engine: &str, param: &str) -> Outcome {
    let dbs = cx.need_in(&data::RDS, reg.region)?;
    let groups = cx.need_in(&data::RDS_PARAMETER_GROUPS, reg.region)?;
    let region = reg.name();
    for db in dbs.iter().filter(|d| d.engine == engine) {
        let at = At {
            resource: &db.arn,
            region,
        };
        let Some(s) = &db.settings else {
            let e = CollectError::new(
                "rds:DescribeDBInstances",
                "NotCollected",
                "the settings of the instance were not collected",
            );
            cx.unknown_on(at, e);
            continue;
        };
        if s.cluster.is_some() {
            continue;
        }
        match parameter(groups, &s.parameter_groups, param) {
            Ok((v, g)) => {
                let on = matches!(v.to_ascii_lowercase().as_str(), "1" | "on" | "true");
                let (status, msg) = verdict(
                    on,
                    || {
                        Message::from(text!(
                            "RDS instance {d} forces encrypted connections ({p} = {v} in {g})",
                            "RDS インスタンス {d} は暗号化された接続を強制しています(パラメータグループ {g} の `{p}` = `{v}`)",
                            d = db.id,
                            p = param,
                            v = v,
                            g = g
                        ))
                    },
                    || {
                        Message::from(text!(
                            "RDS instance {d} accepts unencrypted connections ({p} = {v} in {g})",
                            "RDS インスタンス {d} は暗号化されていない接続を受け付けます(パラメータグループ {g} の `{p}` = `{v}`)",
                            d = db.id,
                            p = param,
                            v = v,
                            g = g
                        ))
                    },
                );
                cx.emit(at, status, msg);
            }
            Err(e) => cx.unknown_on(at, e),
        }
    }
    Ok(())
}
