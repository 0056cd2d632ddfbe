//! The `securityhub` checks.

pub(crate) mod securityhub_disabled;
