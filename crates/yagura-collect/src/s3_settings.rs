//! A bucket's data protection settings, read concurrently with its access settings: versioning
//! and MFA delete, lifecycle rules, event notifications, default encryption, Object Ownership, Object Lock and
//! replication. "Not configured" answers (`NoSuchLifecycleConfiguration` …) are data; any
//! other error is kept as the setting's error.

use crate::error::{collect_error, is_code};
use crate::ok;
use yagura_inventory::Collected;

/// What [`read`] found.
pub(crate) struct Settings {
    pub versioning: Collected<Option<String>>,
    pub mfa_delete: Collected<bool>,
    pub lifecycle_rules: Collected<u32>,
    pub notifications: Collected<bool>,
    pub default_encryption: Collected<Option<String>>,
    pub object_ownership: Collected<Option<String>>,
    pub object_lock: Collected<bool>,
    pub replication_destinations: Collected<Vec<String>>,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The settings of bucket `name`, through a client of the bucket's region.
pub(crate) async fn read(c: &aws_sdk_s3::Client, name: &str) -> Settings {
    let (ver, life, notif, enc, own, lock, repl) = futures::join!(
        c.get_bucket_versioning().bucket(name).send(),
        c.get_bucket_lifecycle_configuration().bucket(name).send(),
        c.get_bucket_notification_configuration()
            .bucket(name)
            .send(),
        c.get_bucket_encryption().bucket(name).send(),
        c.get_bucket_ownership_controls().bucket(name).send(),
        c.get_object_lock_configuration().bucket(name).send(),
        c.get_bucket_replication().bucket(name).send(),
    );
    let (versioning, mfa_delete) = match ver {
        Ok(o) => (
            ok(o.status().map(|s| s.as_str().to_string())),
            ok(o.mfa_delete().is_some_and(|m| m.as_str() == "Enabled")),
        ),
        Err(e) => {
            let e = collect_error("s3:GetBucketVersioning", e);
            (Collected::Error(e.clone()), Collected::Error(e))
        }
    };
    let lifecycle_rules = match life {
        Ok(o) => ok(count(
            o.rules()
                .iter()
                .filter(|r| r.status().as_str() == "Enabled")
                .count(),
        )),
        Err(e) if is_code(&e, &["NoSuchLifecycleConfiguration"]) => ok(0),
        Err(e) => Collected::Error(collect_error("s3:GetBucketLifecycleConfiguration", e)),
    };
    let notifications = match notif {
        Ok(o) => ok(!o.topic_configurations().is_empty()
            || !o.queue_configurations().is_empty()
            || !o.lambda_function_configurations().is_empty()
            || o.event_bridge_configuration().is_some()),
        Err(e) => Collected::Error(collect_error("s3:GetBucketNotificationConfiguration", e)),
    };
    let default_encryption = match enc {
        Ok(o) => ok(o
            .server_side_encryption_configuration()
            .and_then(|c| c.rules().first())
            .and_then(|r| r.apply_server_side_encryption_by_default())
            .map(|d| d.sse_algorithm().as_str().to_string())),
        Err(e) if is_code(&e, &["ServerSideEncryptionConfigurationNotFoundError"]) => ok(None),
        Err(e) => Collected::Error(collect_error("s3:GetBucketEncryption", e)),
    };
    let object_ownership = match own {
        Ok(o) => ok(o
            .ownership_controls()
            .and_then(|c| c.rules().first())
            .map(|r| r.object_ownership().as_str().to_string())),
        Err(e) if is_code(&e, &["OwnershipControlsNotFoundError"]) => ok(None),
        Err(e) => Collected::Error(collect_error("s3:GetBucketOwnershipControls", e)),
    };
    let object_lock = match lock {
        Ok(o) => ok(o
            .object_lock_configuration()
            .and_then(|c| c.object_lock_enabled())
            .is_some_and(|s| s.as_str() == "Enabled")),
        Err(e) if is_code(&e, &["ObjectLockConfigurationNotFoundError"]) => ok(false),
        Err(e) => Collected::Error(collect_error("s3:GetObjectLockConfiguration", e)),
    };
    let replication_destinations = match repl {
        Ok(o) => ok(o
            .replication_configuration()
            .map(|c| {
                c.rules()
                    .iter()
                    .filter(|r| r.status().as_str() == "Enabled")
                    .filter_map(|r| r.destination().map(|d| d.bucket().to_string()))
                    .collect()
            })
            .unwrap_or_default()),
        Err(e) if is_code(&e, &["ReplicationConfigurationNotFoundError"]) => ok(Vec::new()),
        Err(e) => Collected::Error(collect_error("s3:GetBucketReplication", e)),
    };
    Settings {
        versioning,
        mfa_delete,
        lifecycle_rules,
        notifications,
        default_encryption,
        object_ownership,
        object_lock,
        replication_destinations,
    }
}
