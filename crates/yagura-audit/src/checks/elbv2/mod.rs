//! The `elbv2` checks.

pub(crate) mod ec2_https_terminated_on_instance;
