//! The `ec2` checks.

pub(crate) mod ec2_client_vpn_connection_logging_off;
pub(crate) mod ec2_ebs_default_encryption_off;
pub(crate) mod ec2_ebs_snapshot_public;
pub(crate) mod ec2_elastic_ip_unused;
pub(crate) mod ec2_instance_ami_deprecated_or_old;
pub(crate) mod ec2_instance_ami_untrusted_owner;
pub(crate) mod ec2_instance_imdsv2_not_required;
pub(crate) mod ec2_instance_multiple_enis;
pub(crate) mod ec2_instance_no_iam_role;
pub(crate) mod ec2_instance_paravirtual;
pub(crate) mod ec2_instance_public_ip;
pub(crate) mod ec2_instance_scheduled_event;
pub(crate) mod ec2_instance_stopped_too_long;
pub(crate) mod ec2_launch_template_assigns_public_ip;
pub(crate) mod ec2_subnet_assigns_public_ip;
pub(crate) mod ec2_transit_gateway_auto_accepts;
pub(crate) mod ec2_volume_not_encrypted;
pub(crate) mod ec2_vpn_tunnel_down;
pub(crate) mod network_acl_admin_port_open_to_world;
pub(crate) mod network_acl_unused;
pub(crate) mod security_group_admin_port_open_to_world;
pub(crate) mod security_group_default_not_restricted;
pub(crate) mod security_group_port_open_to_world;
pub(crate) mod security_group_unused;
pub(crate) mod vpc_flow_logs_off;
pub(crate) mod vpc_no_ec2_endpoint;
