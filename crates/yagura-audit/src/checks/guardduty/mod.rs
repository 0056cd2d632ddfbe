//! The `guardduty` checks.

pub(crate) mod guardduty_disabled;
pub(crate) mod guardduty_no_notification;
