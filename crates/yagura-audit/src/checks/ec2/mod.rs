//! The `ec2` checks.

pub(crate) mod ec2_instance_ami_deprecated_or_old;
pub(crate) mod ec2_instance_ami_untrusted_owner;
pub(crate) mod ec2_instance_no_iam_role;
pub(crate) mod ec2_instance_scheduled_event;
pub(crate) mod security_group_admin_port_open_to_world;
pub(crate) mod security_group_port_open_to_world;
pub(crate) mod security_group_unused;
