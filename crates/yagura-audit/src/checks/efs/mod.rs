//! The `efs` checks.

pub(crate) mod efs_not_encrypted;
