//! What the `cloudwatch` checks share (a folder, so that `build.rs` registers no check here): the
//! table of CIS's patterns and the one judgement.

mod cis;
mod judge;

pub(in crate::checks) use cis::{at, Watched, CIS};
pub(in crate::checks) use judge::monitored;
