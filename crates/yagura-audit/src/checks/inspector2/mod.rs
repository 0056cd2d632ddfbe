//! The `inspector2` checks.

pub(crate) mod inspector_disabled;
