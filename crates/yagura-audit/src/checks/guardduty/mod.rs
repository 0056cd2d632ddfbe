//! The `guardduty` checks.

pub(crate) mod guardduty_disabled;
pub(crate) mod guardduty_no_notification;
pub(crate) mod guardduty_rds_protection_off;
pub(crate) mod guardduty_s3_protection_off;

use crate::checks::prelude::*;
use yagura_inventory::CollectError;

/// GuardDuty's protection plan `feature` (`RDS_LOGIN_EVENTS`, `S3_DATA_EVENTS`) on every
/// enabled detector of the region, named `what` in English and Japanese: one finding per
/// detector, or one FAIL on the region when no detector is enabled (the plan cannot run).
pub(super) fn feature_enabled(
    cx: &mut Cx<'_>,
    reg: &Reg<'_>,
    at: At<'_>,
    feature: &str,
    what: (&str, &str),
) -> Outcome {
    let gd = cx.need_in(&data::GUARDDUTY, reg.region)?;
    let (en, ja) = what;
    let enabled: Vec<&String> = gd
        .detectors
        .iter()
        .filter(|(_, on)| *on)
        .map(|(id, _)| id)
        .collect();
    if enabled.is_empty() {
        let msg = Text::owned(
            format!("no GuardDuty detector is enabled in the region: {en} is off"),
            format!("このリージョンでは GuardDuty が有効ではないため、{ja}は無効です"),
        );
        cx.emit(at, Status::Fail, msg);
        return Ok(());
    }
    let (partition, account) = (cx.partition(), cx.account.account_id.as_str());
    let region = reg.name();
    for id in enabled {
        let arn = format!("arn:{partition}:guardduty:{region}:{account}:detector/{id}");
        let at = At {
            resource: &arn,
            region,
        };
        let Some(features) = gd.features.get(id) else {
            let e = CollectError::new(
                "guardduty:GetDetector",
                "NotCollected",
                "the detector's protection plans were not collected",
            );
            cx.unknown_on(at, e);
            continue;
        };
        let on = features.get(feature).is_some_and(|s| s == "ENABLED");
        let (status, msg) = if on {
            let msg = Text::owned(
                format!("detector {id} has {en} enabled"),
                format!("検出器 {id} の{ja}は有効です"),
            );
            (Status::Pass, msg)
        } else {
            let msg = Text::owned(
                format!("detector {id} does not have {en} enabled"),
                format!("検出器 {id} の{ja}は有効ではありません"),
            );
            (Status::Fail, msg)
        };
        cx.emit(at, status, msg);
    }
    Ok(())
}
