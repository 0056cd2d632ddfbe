//! The `cloudwatch` checks: CIS's monitoring section. Each check is one entry of [`CIS`];
//! [`monitored`] judges them all the same way.

pub(crate) mod cloudwatch_alarm_cloudtrail_changes_missing;
pub(crate) mod cloudwatch_alarm_cmk_disable_or_deletion_missing;
pub(crate) mod cloudwatch_alarm_config_changes_missing;
pub(crate) mod cloudwatch_alarm_console_auth_failures_missing;
pub(crate) mod cloudwatch_alarm_console_signin_without_mfa_missing;
pub(crate) mod cloudwatch_alarm_iam_policy_changes_missing;
pub(crate) mod cloudwatch_alarm_nacl_changes_missing;
pub(crate) mod cloudwatch_alarm_network_gateway_changes_missing;
pub(crate) mod cloudwatch_alarm_organizations_changes_missing;
pub(crate) mod cloudwatch_alarm_root_usage_missing;
pub(crate) mod cloudwatch_alarm_route_table_changes_missing;
pub(crate) mod cloudwatch_alarm_s3_bucket_policy_changes_missing;
pub(crate) mod cloudwatch_alarm_security_group_changes_missing;
pub(crate) mod cloudwatch_alarm_unauthorized_api_calls_missing;
pub(crate) mod cloudwatch_alarm_vpc_changes_missing;

pub(super) mod monitor;

use monitor::{at, monitored, CIS};
