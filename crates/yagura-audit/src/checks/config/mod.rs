//! The `config` checks.

pub(crate) mod config_no_change_notification;
pub(crate) mod config_not_recording;
