//! The `accessanalyzer` checks.

pub(crate) mod access_analyzer_disabled;
pub(crate) mod access_analyzer_external_access;
