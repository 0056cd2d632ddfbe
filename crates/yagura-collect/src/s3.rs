//! S3: account Block Public Access (s3control) and each bucket's access settings (the data
//! protection settings in `s3_settings.rs`).

use crate::error::{collect_error, is_code};
use crate::{ok, Clients};
use futures::stream::{self, StreamExt};
use yagura_inventory::{AclGrant, Bucket, Collected, PublicAccessBlock, S3};

pub(crate) async fn collect(clients: &Clients, account_id: &str) -> S3 {
    // The account's Block Public Access and the bucket list at once: neither waits for the other.
    let (account_public_access_block, buckets) = futures::join!(
        account_pab(&clients.s3control, account_id),
        buckets(&clients.s3)
    );
    S3 {
        account_public_access_block,
        buckets,
    }
}

/// Every bucket of the account with its settings, sorted by name.
async fn buckets(client: &aws_sdk_s3::Client) -> Collected<Vec<Bucket>> {
    let mut listed = Vec::new();
    let mut pages = client.list_buckets().into_paginator().send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(out) => listed.extend(out.buckets().iter().filter_map(|b| {
                let name = b.name()?.to_string();
                Some((name, b.bucket_region().map(str::to_string)))
            })),
            Err(e) => return Collected::Error(collect_error("s3:ListBuckets", e)),
        }
    }
    let mut buckets: Vec<Bucket> = stream::iter(listed)
        .map(|(name, region)| bucket(client, name, region))
        .buffer_unordered(8)
        .collect()
        .await;
    buckets.sort_by(|a, b| a.name.cmp(&b.name));
    ok(buckets)
}

/// The same client (endpoint, addressing style, interceptors) in another region.
fn in_region(client: &aws_sdk_s3::Client, region: &str) -> aws_sdk_s3::Client {
    let conf = client
        .config()
        .to_builder()
        .region(aws_sdk_s3::config::Region::new(region.to_string()))
        .build();
    aws_sdk_s3::Client::from_conf(conf)
}

fn pab(c: Option<&aws_sdk_s3::types::PublicAccessBlockConfiguration>) -> Option<PublicAccessBlock> {
    c.map(|c| PublicAccessBlock {
        block_public_acls: c.block_public_acls().unwrap_or(false),
        ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
        block_public_policy: c.block_public_policy().unwrap_or(false),
        restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
    })
}

/// s3control's Block Public Access settings (the account's, an access point's).
pub(crate) fn control_pab(
    c: &aws_sdk_s3control::types::PublicAccessBlockConfiguration,
) -> PublicAccessBlock {
    PublicAccessBlock {
        block_public_acls: c.block_public_acls().unwrap_or(false),
        ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
        block_public_policy: c.block_public_policy().unwrap_or(false),
        restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
    }
}

async fn account_pab(
    client: &aws_sdk_s3control::Client,
    account_id: &str,
) -> Collected<Option<PublicAccessBlock>> {
    match client
        .get_public_access_block()
        .account_id(account_id)
        .send()
        .await
    {
        Ok(out) => ok(out.public_access_block_configuration().map(control_pab)),
        Err(e) if is_code(&e, &["NoSuchPublicAccessBlockConfiguration"]) => ok(None),
        Err(e) => Collected::Error(collect_error("s3control:GetPublicAccessBlock", e)),
    }
}

/// One bucket's settings. `listed_region` is the region ListBuckets gave (AWS does; older
/// endpoints and emulators may not): without it GetBucketLocation asks first.
async fn bucket(
    default: &aws_sdk_s3::Client,
    name: String,
    listed_region: Option<String>,
) -> Bucket {
    let region = match listed_region.filter(|r| !r.is_empty()) {
        Some(r) => r,
        None => match default.get_bucket_location().bucket(&name).send().await {
            Ok(out) => match out.location_constraint().map(|l| l.as_str()) {
                None | Some("") => "us-east-1".to_string(),
                Some("EU") => "eu-west-1".to_string(),
                Some(r) => r.to_string(),
            },
            Err(_) => String::new(),
        },
    };
    // Bucket calls must go to the bucket's region; reuse the default client when it matches.
    let regional;
    let client = if region.is_empty()
        || Some(region.as_str()) == default.config().region().map(|r| r.as_ref())
    {
        default
    } else {
        regional = in_region(default, &region);
        &regional
    };
    let (p, pol, acl, logging, settings) = futures::join!(
        client.get_public_access_block().bucket(&name).send(),
        client.get_bucket_policy().bucket(&name).send(),
        client.get_bucket_acl().bucket(&name).send(),
        client.get_bucket_logging().bucket(&name).send(),
        crate::s3_settings::read(client, &name),
    );
    let access_logging = match logging {
        Ok(out) => ok(out.logging_enabled().map(|l| l.target_bucket().to_string())),
        Err(e) => Collected::Error(collect_error("s3:GetBucketLogging", e)),
    };
    let public_access_block = match p {
        Ok(out) => ok(pab(out.public_access_block_configuration())),
        Err(e) if is_code(&e, &["NoSuchPublicAccessBlockConfiguration"]) => ok(None),
        Err(e) => Collected::Error(collect_error("s3:GetPublicAccessBlock", e)),
    };
    let policy = match pol {
        Ok(out) => ok(out.policy().map(str::to_string)),
        Err(e) if is_code(&e, &["NoSuchBucketPolicy"]) => ok(None),
        Err(e) => Collected::Error(collect_error("s3:GetBucketPolicy", e)),
    };
    let acl_grants = match acl {
        Ok(out) => ok(out
            .grants()
            .iter()
            .map(|g| AclGrant {
                grantee: g
                    .grantee()
                    .and_then(|x| x.uri().or(x.id()).or(x.display_name()))
                    .unwrap_or_default()
                    .to_string(),
                permission: g
                    .permission()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default(),
            })
            .collect()),
        Err(e) => Collected::Error(collect_error("s3:GetBucketAcl", e)),
    };
    Bucket {
        name,
        region,
        public_access_block,
        policy,
        acl_grants,
        access_logging,
        versioning: settings.versioning,
        mfa_delete: settings.mfa_delete,
        lifecycle_rules: settings.lifecycle_rules,
        notifications: settings.notifications,
        default_encryption: settings.default_encryption,
        object_ownership: settings.object_ownership,
        object_lock: settings.object_lock,
        replication_destinations: settings.replication_destinations,
    }
}
