//! The `cloudtrail` checks.

pub(crate) mod cloudtrail_bucket_access_logging_off;
pub(crate) mod cloudtrail_bucket_public;
pub(crate) mod cloudtrail_log_validation_off;
pub(crate) mod cloudtrail_logs_not_kms_encrypted;
pub(crate) mod cloudtrail_multi_region_missing;
pub(crate) mod cloudtrail_no_cloudwatch_logs;
pub(crate) mod cloudtrail_no_logging_trail;
pub(crate) mod cloudtrail_s3_object_reads_not_logged;
pub(crate) mod cloudtrail_s3_object_writes_not_logged;

use crate::checks::prelude::*;
use std::collections::BTreeSet;
use yagura_inventory::{Bucket, CollectError, Region, S3DataEvents, Trail};

/// The account's trails, each once (a multi-region trail is listed in every region: the copy of
/// its home region first, which alone carries its event selectors), and the first region whose
/// trails could not be read.
pub(in crate::checks) fn trails<'a>(
    cx: &Cx<'a>,
) -> Result<(Vec<&'a Trail>, Option<&'a Region>), Missing> {
    let mut seen = BTreeSet::new();
    let mut trails = Vec::new();
    let mut unreadable = None;
    for home in [true, false] {
        for r in &cx.account.regions {
            match cx.read_in(&data::CLOUDTRAIL, r)? {
                Ok(ts) => {
                    trails.extend(ts.iter().filter(|t| {
                        (t.home_region == r.name) == home && seen.insert(t.arn.as_str())
                    }))
                }
                Err(_) => {
                    unreadable.get_or_insert(r);
                }
            }
        }
    }
    Ok((trails, unreadable))
}

/// CIS's object-level logging requirement: a logging multi-region trail records the S3 object
/// events `pick` chooses (read or write, named `what` in English and Japanese) for every bucket.
/// A trail whose selectors were not read (its home region not scanned) leaves the answer
/// unknown unless another trail passes.
pub(super) fn s3_object_logging(
    cx: &mut Cx<'_>,
    at: At<'_>,
    pick: fn(&S3DataEvents) -> bool,
    what: (&str, &str),
) -> Outcome {
    let (trails, unreadable) = trails(cx)?;
    let candidates: Vec<&Trail> = trails
        .into_iter()
        .filter(|t| t.multi_region && t.logging)
        .collect();
    let (en, ja) = what;
    if let Some(t) = candidates
        .iter()
        .find(|t| t.s3_data_events.as_ref().is_some_and(pick))
    {
        cx.emit(
            at,
            Status::Pass,
            Text::owned(
                format!(
                    "trail `{}` logs S3 object {en} events of every bucket",
                    t.name
                ),
                format!(
                    "証跡 `{}` はすべてのバケットの S3 オブジェクトの{ja}イベントを記録しています",
                    t.name
                ),
            ),
        );
        return Ok(());
    }
    if let Some(r) = unreadable {
        cx.need_in(&data::CLOUDTRAIL, r)?;
    }
    if let Some(t) = candidates.iter().find(|t| t.s3_data_events.is_none()) {
        return Err(Missing::new(CollectError::new(
            "cloudtrail:GetEventSelectors",
            "NotCollected",
            &format!(
                "the event selectors of trail `{}` are read in its home region {}, which was not scanned",
                t.name, t.home_region
            ),
        )));
    }
    if !cx.account.regions.is_empty() {
        cx.emit(
            at,
            Status::Fail,
            Text::owned(
                format!("no logging multi-region trail records S3 object {en} events of every bucket"),
                format!("すべてのバケットの S3 オブジェクトの{ja}イベントを記録するマルチリージョン証跡がありません"),
            ),
        );
    }
    Ok(())
}

/// The account's trails that log to a bucket in this account (`s3.buckets`), with the bucket;
/// a trail whose bucket is in another account (an Organization's log archive, judged there) is
/// UNKNOWN here, with `operation` as the call that would have read it.
pub(super) fn trail_buckets<'a>(
    cx: &mut Cx<'a>,
    operation: &str,
) -> Result<Vec<(&'a Trail, &'a Bucket)>, Missing> {
    let trails = trails(cx)?.0;
    let buckets = cx.need(&data::BUCKETS)?;
    let mut out = Vec::new();
    for t in trails.into_iter().filter(|t| !t.s3_bucket.is_empty()) {
        let (n, b) = (&t.name, &t.s3_bucket);
        match buckets.iter().find(|x| &x.name == b) {
            Some(bucket) => out.push((t, bucket)),
            None => {
                let at = At {
                    resource: &t.arn,
                    region: &t.home_region,
                };
                let e = CollectError::new(
                    operation,
                    "OtherAccount",
                    &format!("bucket `{b}` of trail `{n}` is not in this account; audit the account that owns it"),
                );
                cx.unknown_on(at, e);
            }
        }
    }
    Ok(out)
}
