//! The `ce` checks.

pub(crate) mod cost_anomaly_monitor_missing;
