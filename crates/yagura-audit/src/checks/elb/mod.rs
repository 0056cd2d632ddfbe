//! The `elb` checks (Classic Load Balancers), and what they share.

pub(crate) mod elb_access_logging_off;
pub(crate) mod elb_certificate_not_from_acm;
pub(crate) mod elb_connection_draining_off;
pub(crate) mod elb_cross_zone_off;
pub(crate) mod elb_desync_mitigation_weak;
pub(crate) mod elb_listener_not_encrypted;
pub(crate) mod elb_single_az;

use crate::checks::prelude::*;
use yagura_inventory::{ClassicAttributes, ClassicLoadBalancer, CollectError};

/// Judges each Classic Load Balancer of the region (`None`: the control does not apply to it);
/// a judgement that lacks data is UNKNOWN on that load balancer with the reason.
pub(super) fn each_classic(
    cx: &mut Cx<'_>,
    reg: &Reg<'_>,
    judge: impl Fn(&ClassicLoadBalancer) -> Result<Option<(Status, Message)>, CollectError>,
) -> Outcome {
    let lbs = cx.need_in(&data::CLASSIC_LOAD_BALANCERS, reg.region)?;
    let region = reg.name();
    for lb in lbs {
        let at = At {
            resource: &lb.arn,
            region,
        };
        match judge(lb) {
            Ok(Some((status, msg))) => cx.emit(at, status, msg),
            Ok(None) => {}
            Err(e) => cx.unknown_on(at, e),
        }
    }
    Ok(())
}

/// Its attributes, or the error that kept them unread.
pub(super) fn attributes(lb: &ClassicLoadBalancer) -> Result<&ClassicAttributes, CollectError> {
    lb.attributes.as_ref().map_err(CollectError::clone)
}

/// A certificate issued or imported by AWS Certificate Manager.
pub(super) fn from_acm(arn: &str) -> bool {
    arn.split(':').nth(2) == Some("acm")
}
