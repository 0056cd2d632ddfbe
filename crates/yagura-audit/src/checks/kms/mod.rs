//! The `kms` checks.

pub(crate) mod kms_key_pending_deletion;
pub(crate) mod kms_key_policy_public;
pub(crate) mod kms_key_rotation_off;
