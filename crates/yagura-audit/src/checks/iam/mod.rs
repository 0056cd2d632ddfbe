//! The `iam` checks.

pub(crate) mod account_alias_missing;
pub(crate) mod iam_access_key_not_rotated;
pub(crate) mod iam_access_key_unused;
pub(crate) mod iam_admin_permissions_attached;
pub(crate) mod iam_inline_policy_allows_kms_decrypt_all_keys;
pub(crate) mod iam_password_policy_below_fsbp;
pub(crate) mod iam_password_policy_below_pci;
pub(crate) mod iam_password_policy_weak;
pub(crate) mod iam_policy_allows_kms_decrypt_all_keys;
pub(crate) mod iam_policy_allows_service_wildcard;
pub(crate) mod iam_principal_can_become_admin;
pub(crate) mod iam_role_cross_account_trust_without_mfa;
pub(crate) mod iam_role_may_manage_iam;
pub(crate) mod iam_server_certificate_expired;
pub(crate) mod iam_support_role_missing;
pub(crate) mod iam_user_console_key_never_used;
pub(crate) mod iam_user_console_without_mfa;
pub(crate) mod iam_user_has_access_key;
pub(crate) mod iam_user_policy_attached_directly;
pub(crate) mod iam_user_several_active_access_keys;
pub(crate) mod iam_user_unused;
mod password;
pub(crate) mod root_access_key_present;
pub(crate) mod root_mfa_disabled;
pub(crate) mod root_mfa_not_hardware;
pub(crate) mod root_used_recently;

use crate::checks::prelude::*;
use yagura_inventory::ManagedPolicy;

/// The account's customer managed policies (every one GetAccountAuthorizationDetails lists,
/// attached or not), without the AWS managed policies the collector adds.
pub(super) fn customer_policies<'a>(cx: &Cx<'a>) -> Result<Vec<&'a ManagedPolicy>, Missing> {
    Ok(cx
        .need(&data::POLICIES)?
        .iter()
        .filter(|p| !p.arn.contains(":iam::aws:policy/"))
        .collect())
}
