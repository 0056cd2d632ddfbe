//! Load balancer details the FSBP ELB controls read: each Application, Network or Gateway Load
//! Balancer's listeners and attributes, and the region's Classic Load Balancers with theirs.

use crate::error::collect_error;
use crate::regional::paged;
use std::collections::BTreeMap;
use yagura_inventory::{
    ClassicAttributes, ClassicListener, ClassicLoadBalancer, Collected, Listener,
};

/// The listeners of a v2 load balancer as the inventory keeps them.
pub(crate) fn listeners(ls: &[aws_sdk_elasticloadbalancingv2::types::Listener]) -> Vec<Listener> {
    ls.iter()
        .map(|l| Listener {
            protocol: l
                .protocol()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
            port: l.port().unwrap_or(0),
            redirects_to_https: l.default_actions().iter().any(|a| {
                a.redirect_config()
                    .and_then(|r| r.protocol())
                    .is_some_and(|p| p.eq_ignore_ascii_case("HTTPS"))
            }),
        })
        .collect()
}

/// A v2 load balancer's attributes (DescribeLoadBalancerAttributes), by key.
pub(crate) async fn attributes(
    c: &aws_sdk_elasticloadbalancingv2::Client,
    arn: &str,
) -> Collected<BTreeMap<String, String>> {
    match c
        .describe_load_balancer_attributes()
        .load_balancer_arn(arn)
        .send()
        .await
    {
        Ok(o) => Collected::Ok(
            o.attributes()
                .iter()
                .filter_map(|a| Some((a.key()?.to_string(), a.value()?.to_string())))
                .collect(),
        ),
        Err(e) => Collected::Error(collect_error(
            "elasticloadbalancing:DescribeLoadBalancerAttributes",
            e,
        )),
    }
}

/// The AWS WAF web ACL an Application Load Balancer is associated with
/// (GetWebACLForResource): its name, `None` when it has none.
pub(crate) async fn web_acl(c: &aws_sdk_wafv2::Client, arn: &str) -> Collected<Option<String>> {
    match c.get_web_acl_for_resource().resource_arn(arn).send().await {
        Ok(o) => Collected::Ok(o.web_acl().map(|w| w.name().to_string())),
        Err(e) if crate::error::is_code(&e, &["WAFNonexistentItemException"]) => {
            Collected::Ok(None)
        }
        Err(e) => Collected::Error(collect_error("wafv2:GetWebACLForResource", e)),
    }
}

/// The region's Classic Load Balancers (every page), each with its attributes; a load
/// balancer whose attributes could not be read keeps the error.
pub(crate) async fn classic(
    c: &aws_sdk_elasticloadbalancing::Client,
    region: &str,
    account_id: &str,
) -> Collected<Vec<ClassicLoadBalancer>> {
    let lbs = match paged(
        "elasticloadbalancing:DescribeLoadBalancers",
        c.describe_load_balancers().into_paginator().send(),
        |p, out| out.extend(p.load_balancer_descriptions().iter().cloned()),
    )
    .await
    {
        Collected::Ok(v) => v,
        Collected::Error(e) => return Collected::Error(e),
    };
    let mut out = Vec::with_capacity(lbs.len());
    for lb in lbs {
        let name = lb.load_balancer_name().unwrap_or_default().to_string();
        let attributes = classic_attributes(c, &name).await;
        out.push(ClassicLoadBalancer {
            arn: format!("arn:aws:elasticloadbalancing:{region}:{account_id}:loadbalancer/{name}"),
            name,
            zones: lb.availability_zones().to_vec(),
            listeners: lb
                .listener_descriptions()
                .iter()
                .filter_map(|d| d.listener())
                .map(|l| ClassicListener {
                    protocol: l.protocol().to_ascii_uppercase(),
                    port: l.load_balancer_port(),
                    certificate: l.ssl_certificate_id().map(str::to_string),
                })
                .collect(),
            attributes,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Collected::Ok(out)
}

async fn classic_attributes(
    c: &aws_sdk_elasticloadbalancing::Client,
    name: &str,
) -> Collected<ClassicAttributes> {
    match c
        .describe_load_balancer_attributes()
        .load_balancer_name(name)
        .send()
        .await
    {
        Ok(o) => {
            let a = o.load_balancer_attributes();
            Collected::Ok(ClassicAttributes {
                access_log: a.and_then(|a| a.access_log()).is_some_and(|l| l.enabled()),
                connection_draining: a
                    .and_then(|a| a.connection_draining())
                    .is_some_and(|d| d.enabled()),
                cross_zone: a
                    .and_then(|a| a.cross_zone_load_balancing())
                    .is_some_and(|z| z.enabled()),
                desync_mitigation_mode: a.and_then(|a| {
                    a.additional_attributes()
                        .iter()
                        .find(|x| x.key() == Some("elb.http.desyncmitigationmode"))
                        .and_then(|x| x.value())
                        .map(str::to_string)
                }),
            })
        }
        Err(e) => Collected::Error(collect_error(
            "elasticloadbalancing:DescribeLoadBalancerAttributes",
            e,
        )),
    }
}
