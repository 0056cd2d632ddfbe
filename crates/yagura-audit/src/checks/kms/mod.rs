//! The `kms` checks.

pub(crate) mod kms_key_pending_deletion;
pub(crate) mod kms_key_policy_public;
pub(crate) mod kms_key_rotation_off;

use crate::checks::prelude::*;
use yagura_inventory::{CollectError, Collected, KmsKey};

/// The region's customer managed keys, each with where its finding goes, and the keys that
/// could not be described (empty manager, the error as their rotation) made UNKNOWN here.
pub(super) fn customer_keys<'a>(
    cx: &mut Cx<'_>,
    reg: &Reg<'a>,
) -> Result<Vec<&'a KmsKey>, Missing> {
    let keys = cx.need_in(&data::KMS_KEYS, reg.region)?;
    let mut out = Vec::new();
    for k in keys {
        if k.manager == "CUSTOMER" {
            out.push(k);
        } else if k.manager.is_empty() {
            let e = match &k.rotation {
                Some(Collected::Error(e)) => e.clone(),
                _ => CollectError::new(
                    "kms:DescribeKey",
                    "NotCollected",
                    "the key was not described",
                ),
            };
            let at = At {
                resource: &k.arn,
                region: reg.name(),
            };
            cx.unknown_on(at, e);
        }
    }
    Ok(out)
}
