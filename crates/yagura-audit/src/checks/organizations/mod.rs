//! The `organizations` checks.

pub(crate) mod org_identity_account_has_resources;
pub(crate) mod org_resource_account_has_iam_users;
