//! The `s3` checks.

pub(crate) mod s3_account_public_access_block_off;
pub(crate) mod s3_bucket_acl_public;
pub(crate) mod s3_bucket_allows_plain_http;
pub(crate) mod s3_bucket_policy_public;
pub(crate) mod s3_bucket_public_access_block_off;

use crate::checks::prelude::*;
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
