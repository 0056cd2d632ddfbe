//! The audit checks: one folder per service (the `service` of the declaration), one file per
//! check named after its id, holding its declaration ([`yagura_core::declare_check!`]) and its
//! evaluation, a function of one scope ([`crate::run::Eval`]). `build.rs` lists the files into
//! [`ALL`] and [`CHECKS`].

mod accessanalyzer;
mod budgets;
mod ce;
mod cloudtrail;
mod cloudwatch;
mod config;
mod ec2;
mod efs;
mod elb;
mod elbv2;
mod guardduty;
mod health;
mod iam;
mod inspector2;
mod kms;
mod lambda;
mod organizations;
mod rds;
mod s3;
mod securityhub;
mod ssm;

include!(concat!(env!("OUT_DIR"), "/registry.rs"));

/// What a check file uses.
pub(crate) mod prelude {
    pub(crate) use crate::data;
    pub(crate) use crate::run::{At, Check, Cx, Eval, Kind, Missing, Outcome};
    pub(crate) use crate::scope::{Principal, Reg, GLOBAL};
    pub(crate) use time::format_description::well_known::Rfc3339;
    pub(crate) use time::OffsetDateTime;
    pub(crate) use yagura_core::{declare_check, msg, text, Message, Status, Text};

    /// PASS with `pass`'s message when `ok`, else FAIL with `fail`'s (only the one returned is
    /// built).
    pub(crate) fn verdict(
        ok: bool,
        pass: impl FnOnce() -> Message,
        fail: impl FnOnce() -> Message,
    ) -> (Status, Message) {
        if ok {
            (Status::Pass, pass())
        } else {
            (Status::Fail, fail())
        }
    }

    /// Whole days from `t` (RFC 3339) to `now`; `None` when `t` is not a time.
    pub(crate) fn days_since(now: OffsetDateTime, t: &str) -> Option<i64> {
        OffsetDateTime::parse(t, &Rfc3339)
            .ok()
            .map(|t| (now - t).whole_days())
    }
}
