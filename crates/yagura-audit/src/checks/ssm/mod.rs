//! The `ssm` checks.

pub(crate) mod ec2_instance_not_ssm_managed;
pub(crate) mod ssm_document_public;
