//! The `s3` checks.

pub(crate) mod s3_access_point_public_access_block_off;
pub(crate) mod s3_account_public_access_block_off;
pub(crate) mod s3_bucket_access_logging_off;
pub(crate) mod s3_bucket_acl_public;
pub(crate) mod s3_bucket_acls_enabled;
pub(crate) mod s3_bucket_allows_plain_http;
pub(crate) mod s3_bucket_mfa_delete_off;
pub(crate) mod s3_bucket_no_cross_region_replication;
pub(crate) mod s3_bucket_no_event_notifications;
pub(crate) mod s3_bucket_no_lifecycle_rules;
pub(crate) mod s3_bucket_not_kms_encrypted;
pub(crate) mod s3_bucket_object_lock_off;
pub(crate) mod s3_bucket_policy_grants_other_accounts;
pub(crate) mod s3_bucket_policy_public;
pub(crate) mod s3_bucket_public_access_block_off;
pub(crate) mod s3_bucket_versioned_without_lifecycle;
pub(crate) mod s3_bucket_versioning_off;

use crate::checks::prelude::*;
use crate::policy::policy_error;
use yagura_iam::{facts, Policy};
use yagura_inventory::{Bucket, PublicAccessBlock};

/// Whether Block Public Access setting `f` is on for the bucket, at the account or the bucket
/// level (a level that could not be read counts as off; the bucket's own check reports it).
pub(super) fn blocks(
    cx: &Cx<'_>,
    b: &Bucket,
    f: fn(&PublicAccessBlock) -> bool,
) -> Result<bool, Missing> {
    let account = cx
        .read(&data::ACCOUNT_PUBLIC_ACCESS_BLOCK)?
        .ok()
        .copied()
        .flatten();
    let bucket = cx
        .read_in(&data::BUCKET_PUBLIC_ACCESS_BLOCK, b)?
        .ok()
        .copied()
        .flatten();
    Ok(account.as_ref().is_some_and(f) || bucket.as_ref().is_some_and(f))
}

/// What a bucket's policy makes of it, as S3 Block Public Access judges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::checks) enum PolicyExposure {
    /// No bucket policy.
    NoPolicy,
    NotPublic,
    /// Public, neutralised by `RestrictPublicBuckets` (account or bucket).
    Restricted,
    Public,
}

/// Whether the bucket's policy is public ([`facts::allows_anyone`]); an unreadable or
/// unparsable policy is [`Missing`], never "not public".
pub(in crate::checks) fn policy_exposure(
    cx: &Cx<'_>,
    b: &Bucket,
) -> Result<PolicyExposure, Missing> {
    let restrict = blocks(cx, b, |p| p.restrict_public_buckets)?;
    let Some(doc) = cx.need_in(&data::BUCKET_POLICY, b)? else {
        return Ok(PolicyExposure::NoPolicy);
    };
    let policy = Policy::parse("bucket policy", doc).map_err(|e| Missing::new(policy_error(&e)))?;
    Ok(if !facts::allows_anyone(&policy) {
        PolicyExposure::NotPublic
    } else if restrict {
        PolicyExposure::Restricted
    } else {
        PolicyExposure::Public
    })
}

/// The permissions the bucket's ACL grants to AllUsers or AuthenticatedUsers, unless
/// `IgnorePublicAcls` (account or bucket) neutralises them.
pub(in crate::checks) fn acl_public_grants<'b>(
    cx: &Cx<'_>,
    b: &'b Bucket,
) -> Result<Vec<&'b str>, Missing> {
    let ignore_acls = blocks(cx, b, |p| p.ignore_public_acls)?;
    let public: Vec<&str> = cx
        .need_in(&data::BUCKET_ACL, b)?
        .iter()
        .filter(|g| {
            g.grantee.ends_with("/global/AllUsers")
                || g.grantee.ends_with("/global/AuthenticatedUsers")
        })
        .map(|g| g.permission.as_str())
        .collect();
    Ok(if ignore_acls { Vec::new() } else { public })
}
