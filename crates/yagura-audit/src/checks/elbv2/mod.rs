//! The `elbv2` checks (Application, Network and Gateway Load Balancers), and what several of
//! them share.

pub(crate) mod ec2_https_terminated_on_instance;
pub(crate) mod elbv2_access_logging_off;
pub(crate) mod elbv2_deletion_protection_off;
pub(crate) mod elbv2_desync_mitigation_weak;
pub(crate) mod elbv2_http_not_redirected_to_https;
pub(crate) mod elbv2_invalid_headers_kept;
pub(crate) mod elbv2_single_az;
pub(crate) mod elbv2_waf_not_associated;

use crate::checks::prelude::*;
use yagura_inventory::{CollectError, Collected, Listener, LoadBalancer};

/// FSBP ELB.10's and ELB.13's default minimum number of Availability Zones.
pub(crate) const MIN_ZONES: usize = 2;

/// A desync mitigation mode that FSBP ELB.12 and ELB.14 accept.
pub(crate) fn desync_safe(mode: &str) -> bool {
    matches!(mode, "defensive" | "strictest")
}

fn not_collected(what: &str) -> CollectError {
    CollectError::new(
        "elasticloadbalancing:DescribeLoadBalancers",
        "NotCollected",
        &format!("the load balancer's {what} were not collected"),
    )
}

/// Judges each load balancer of `kinds` in the region; a judgement that lacks data is UNKNOWN
/// on that load balancer with the reason.
pub(super) fn each_lb(
    cx: &mut Cx<'_>,
    reg: &Reg<'_>,
    kinds: &[&str],
    judge: impl Fn(&LoadBalancer) -> Result<(Status, Message), CollectError>,
) -> Outcome {
    let lbs = cx.need_in(&data::LOAD_BALANCERS, reg.region)?;
    let region = reg.name();
    for lb in lbs.iter().filter(|lb| kinds.contains(&lb.kind.as_str())) {
        let at = At {
            resource: &lb.arn,
            region,
        };
        match judge(lb) {
            Ok((status, msg)) => cx.emit(at, status, msg),
            Err(e) => cx.unknown_on(at, e),
        }
    }
    Ok(())
}

/// An attribute's value (`None`: the load balancer does not report it, which means AWS's
/// default); the error when the attributes could not be read.
pub(super) fn attribute<'a>(
    lb: &'a LoadBalancer,
    key: &str,
) -> Result<Option<&'a str>, CollectError> {
    match &lb.attributes {
        Some(Collected::Ok(m)) => Ok(m.get(key).map(String::as_str)),
        Some(Collected::Error(e)) => Err(e.clone()),
        None => Err(not_collected("attributes")),
    }
}

pub(super) fn listeners(lb: &LoadBalancer) -> Result<&[Listener], CollectError> {
    lb.listeners
        .as_deref()
        .ok_or_else(|| not_collected("listeners"))
}

/// An Application Load Balancer's web ACL (`None`: none associated).
pub(super) fn web_acl(lb: &LoadBalancer) -> Result<Option<&str>, CollectError> {
    match &lb.web_acl {
        Some(Collected::Ok(a)) => Ok(a.as_deref()),
        Some(Collected::Error(e)) => Err(e.clone()),
        None => Err(not_collected("AWS WAF web ACL")),
    }
}

pub(super) fn zones(lb: &LoadBalancer) -> Result<&[String], CollectError> {
    lb.zones
        .as_deref()
        .ok_or_else(|| not_collected("Availability Zones"))
}
