//! The `rds` checks.

pub(crate) mod ec2_database_on_instance;
pub(crate) mod rds_auto_minor_upgrade_off;
pub(crate) mod rds_instance_publicly_accessible;
pub(crate) mod rds_instance_single_az;
pub(crate) mod rds_storage_not_encrypted;
