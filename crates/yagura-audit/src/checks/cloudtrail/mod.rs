//! The `cloudtrail` checks.

pub(crate) mod cloudtrail_log_validation_off;
pub(crate) mod cloudtrail_multi_region_missing;

use crate::checks::prelude::*;
use std::collections::BTreeSet;
use yagura_inventory::{Region, Trail};

/// The account's trails, each once (a multi-region trail is listed in every region), and the
/// first region whose trails could not be read.
pub(super) fn trails<'a>(cx: &Cx<'a>) -> Result<(Vec<&'a Trail>, Option<&'a Region>), Missing> {
    let mut seen = BTreeSet::new();
    let mut trails = Vec::new();
    let mut unreadable = None;
    for r in &cx.account.regions {
        match cx.read_in(&data::CLOUDTRAIL, r)? {
            Ok(ts) => trails.extend(ts.iter().filter(|t| seen.insert(t.arn.as_str()))),
            Err(_) => {
                unreadable.get_or_insert(r);
            }
        }
    }
    Ok((trails, unreadable))
}
