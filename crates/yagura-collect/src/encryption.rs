//! Encryption at rest of a region: its KMS keys with their rotation, its EFS file systems.

use crate::error::collect_error;
use crate::regional::paged;
use futures::stream::{self, StreamExt};
use yagura_inventory::{CollectError, Collected, EfsFileSystem, KmsKey};

/// KMS calls in flight per region.
const KEY_READS: usize = 8;

/// Every key of the region (ListKeys, every page), each described (DescribeKey) and, when it is
/// an enabled customer managed symmetric key with key material from KMS, its rotation
/// (GetKeyRotationStatus), and a customer managed key's policy (GetKeyPolicy). A key whose DescribeKey fails (its key policy may deny the auditor)
/// is kept with that error as its rotation, so a check on it is UNKNOWN, never silently absent.
pub(crate) async fn kms_keys(c: &aws_sdk_kms::Client) -> Collected<Vec<KmsKey>> {
    let ids = match paged(
        "kms:ListKeys",
        c.list_keys().into_paginator().send(),
        |p, out| {
            out.extend(p.keys().iter().filter_map(|k| {
                let arn = k.key_arn().unwrap_or_default().to_string();
                k.key_id().map(|id| (id.to_string(), arn))
            }));
        },
    )
    .await
    {
        Collected::Ok(v) => v,
        Collected::Error(e) => return Collected::Error(e),
    };
    let mut keys: Vec<KmsKey> = stream::iter(ids)
        .map(|(id, arn)| key(c, id, arn))
        .buffer_unordered(KEY_READS)
        .collect()
        .await;
    keys.sort_by(|a, b| a.id.cmp(&b.id));
    Collected::Ok(keys)
}

async fn key(c: &aws_sdk_kms::Client, id: String, arn: String) -> KmsKey {
    let meta = match c.describe_key().key_id(&id).send().await {
        Ok(o) => o.key_metadata,
        Err(e) => {
            return KmsKey {
                id,
                arn,
                rotation: Some(Collected::Error(collect_error("kms:DescribeKey", e))),
                ..KmsKey::default()
            }
        }
    };
    let Some(m) = meta else {
        return KmsKey {
            id,
            arn,
            rotation: Some(Collected::Error(CollectError::new(
                "kms:DescribeKey",
                "NoKeyMetadata",
                "the answer had no key metadata",
            ))),
            ..KmsKey::default()
        };
    };
    let s = |v: Option<&str>| v.unwrap_or_default().to_string();
    let mut k = KmsKey {
        arn: m.arn().map_or(arn, str::to_string),
        manager: s(m.key_manager().map(|v| v.as_str())),
        spec: s(m.key_spec().map(|v| v.as_str())),
        state: s(m.key_state().map(|v| v.as_str())),
        origin: s(m.origin().map(|v| v.as_str())),
        id,
        rotation: None,
        policy: None,
    };
    if k.manager == "CUSTOMER" {
        k.policy = Some(
            match c
                .get_key_policy()
                .key_id(&k.id)
                .policy_name("default")
                .send()
                .await
            {
                Ok(o) => Collected::Ok(o.policy().unwrap_or_default().to_string()),
                Err(e) => Collected::Error(collect_error("kms:GetKeyPolicy", e)),
            },
        );
    }
    if k.rotation_applies() {
        k.rotation = Some(
            match c.get_key_rotation_status().key_id(&k.id).send().await {
                Ok(o) => Collected::Ok(o.key_rotation_enabled),
                Err(e) => Collected::Error(collect_error("kms:GetKeyRotationStatus", e)),
            },
        );
    }
    k
}

/// Every EFS file system of the region (DescribeFileSystems, every page).
pub(crate) async fn efs_file_systems(c: &aws_sdk_efs::Client) -> Collected<Vec<EfsFileSystem>> {
    let mut fs = paged(
        "elasticfilesystem:DescribeFileSystems",
        c.describe_file_systems().into_paginator().send(),
        |p, out| {
            out.extend(p.file_systems().iter().map(|f| EfsFileSystem {
                id: f.file_system_id().to_string(),
                arn: f.file_system_arn().unwrap_or_default().to_string(),
                encrypted: f.encrypted().unwrap_or(false),
            }));
        },
    )
    .await;
    if let Collected::Ok(v) = &mut fs {
        v.sort_by(|a, b| a.id.cmp(&b.id));
    }
    fs
}
