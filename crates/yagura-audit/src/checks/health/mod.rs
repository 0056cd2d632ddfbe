//! The `health` checks.

pub(crate) mod health_event_open;
