//! EC2 network resources of a region that only the FSBP checks read: launch templates with the
//! network interfaces of their `$Default` and `$Latest` versions, Site-to-Site VPN connections
//! with their tunnels' status, and Client VPN endpoints with their connection logging. Every list
//! is read to its last page; a page that fails leaves the list unread.

use crate::error::collect_error;
use crate::regional::{by_id, paged};
use aws_sdk_ec2::types::Filter;
use std::collections::{BTreeMap, BTreeSet};
use yagura_inventory::{
    ClientVpnEndpoint, CollectError, Collected, LaunchTemplate, LaunchTemplateVersion,
    TemplateInterface, VpnConnection, VpnTunnel,
};

/// Values one EC2 filter takes at most.
const FILTER_VALUES: usize = 200;

/// Every launch template of the region (DescribeLaunchTemplates, every page) with its
/// `$Default` and `$Latest` versions: one DescribeLaunchTemplateVersions of the whole region
/// (`Versions=[$Latest, $Default]` without a template id, every page), not one call per
/// template. An existing interface a version attaches is looked up for its public address
/// (DescribeNetworkInterfaces filtered by id, only when a version names one).
pub(crate) async fn launch_templates(c: &aws_sdk_ec2::Client) -> Collected<Vec<LaunchTemplate>> {
    let templates = paged(
        "ec2:DescribeLaunchTemplates",
        c.describe_launch_templates().into_paginator().send(),
        |page, out| {
            for t in page.launch_templates() {
                out.push((
                    t.launch_template_id().unwrap_or_default().to_string(),
                    t.launch_template_name().unwrap_or_default().to_string(),
                    t.latest_version_number(),
                ));
            }
        },
    )
    .await;
    let templates = match templates {
        Collected::Ok(t) if t.is_empty() => return Collected::Ok(Vec::new()),
        Collected::Ok(t) => t,
        Collected::Error(e) => return Collected::Error(e),
    };
    let versions = paged(
        "ec2:DescribeLaunchTemplateVersions",
        c.describe_launch_template_versions()
            .versions("$Latest")
            .versions("$Default")
            .into_paginator()
            .send(),
        |page, out| {
            for v in page.launch_template_versions() {
                out.push((
                    v.launch_template_id().unwrap_or_default().to_string(),
                    v.version_number().unwrap_or_default(),
                    v.default_version().unwrap_or(false),
                    interfaces(v),
                ));
            }
        },
    )
    .await;
    let mut versions = match versions {
        Collected::Ok(v) => v,
        Collected::Error(e) => return Collected::Error(e),
    };
    let named: BTreeSet<String> = versions
        .iter()
        .flat_map(|v| &v.3)
        .filter_map(|i| i.network_interface_id.clone())
        .collect();
    if !named.is_empty() {
        let ips = match public_ips(c, named).await {
            Collected::Ok(ips) => ips,
            Collected::Error(e) => return Collected::Error(e),
        };
        for i in versions.iter_mut().flat_map(|v| &mut v.3) {
            if let Some(id) = &i.network_interface_id {
                i.existing_public_ip = ips.get(id).cloned();
            }
        }
    }
    let mut by_template: BTreeMap<String, Vec<LaunchTemplateVersion>> = BTreeMap::new();
    for (template, number, is_default, interfaces) in versions {
        let list = by_template.entry(template).or_default();
        if list.iter().all(|v| v.number != number) {
            list.push(LaunchTemplateVersion {
                number,
                is_default,
                is_latest: false,
                interfaces,
            });
        }
    }
    let list = templates
        .into_iter()
        .map(|(id, name, latest)| {
            let versions = match by_template.remove(&id) {
                Some(mut v) => {
                    for v in &mut v {
                        v.is_latest = Some(v.number) == latest;
                    }
                    v.sort_by_key(|v| v.number);
                    Collected::Ok(v)
                }
                None => Collected::Error(CollectError::new(
                    "ec2:DescribeLaunchTemplateVersions",
                    "NotReturned",
                    "neither the $Default nor the $Latest version of the template was returned",
                )),
            };
            LaunchTemplate { id, name, versions }
        })
        .collect();
    Collected::Ok(by_id(list))
}

/// The network interfaces a launch template version gives an instance.
fn interfaces(v: &aws_sdk_ec2::types::LaunchTemplateVersion) -> Vec<TemplateInterface> {
    v.launch_template_data()
        .map(|d| d.network_interfaces())
        .unwrap_or_default()
        .iter()
        .map(|i| TemplateInterface {
            device_index: i.device_index(),
            associate_public_ip_address: i.associate_public_ip_address().unwrap_or(false),
            network_interface_id: i
                .network_interface_id()
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            existing_public_ip: None,
        })
        .collect()
}

/// The public IPv4 address of each of the `ids` network interfaces that has one
/// (DescribeNetworkInterfaces filtered by id, every page; an id that no longer exists is
/// simply absent).
async fn public_ips(
    c: &aws_sdk_ec2::Client,
    ids: BTreeSet<String>,
) -> Collected<BTreeMap<String, String>> {
    let ids: Vec<String> = ids.into_iter().collect();
    let mut out = BTreeMap::new();
    for chunk in ids.chunks(FILTER_VALUES) {
        let filter = Filter::builder()
            .name("network-interface-id")
            .set_values(Some(chunk.to_vec()))
            .build();
        let found = paged(
            "ec2:DescribeNetworkInterfaces",
            c.describe_network_interfaces()
                .filters(filter)
                .into_paginator()
                .send(),
            |page, out| {
                for n in page.network_interfaces() {
                    if let (Some(id), Some(ip)) = (
                        n.network_interface_id(),
                        n.association().and_then(|a| a.public_ip()),
                    ) {
                        out.push((id.to_string(), ip.to_string()));
                    }
                }
            },
        )
        .await;
        match found {
            Collected::Ok(found) => out.extend(found),
            Collected::Error(e) => return Collected::Error(e),
        }
    }
    Collected::Ok(out)
}

/// Every Site-to-Site VPN connection of the region with its tunnels as `VgwTelemetry` reports
/// them (DescribeVpnConnections, which has no pages).
pub(crate) async fn vpn_connections(c: &aws_sdk_ec2::Client) -> Collected<Vec<VpnConnection>> {
    match c.describe_vpn_connections().send().await {
        Ok(o) => Collected::Ok(by_id(
            o.vpn_connections()
                .iter()
                .map(|v| VpnConnection {
                    id: v.vpn_connection_id().unwrap_or_default().to_string(),
                    state: v
                        .state()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    tunnels: v
                        .vgw_telemetry()
                        .iter()
                        .map(|t| VpnTunnel {
                            outside_ip: t.outside_ip_address().unwrap_or_default().to_string(),
                            status: t
                                .status()
                                .map(|s| s.as_str().to_ascii_uppercase())
                                .unwrap_or_default(),
                            status_message: t.status_message().unwrap_or_default().to_string(),
                        })
                        .collect(),
                })
                .collect(),
        )),
        Err(e) => Collected::Error(collect_error("ec2:DescribeVpnConnections", e)),
    }
}

/// Every Client VPN endpoint of the region (DescribeClientVpnEndpoints, every page).
pub(crate) async fn client_vpn_endpoints(
    c: &aws_sdk_ec2::Client,
) -> Collected<Vec<ClientVpnEndpoint>> {
    paged(
        "ec2:DescribeClientVpnEndpoints",
        c.describe_client_vpn_endpoints().into_paginator().send(),
        |page, out| {
            for e in page.client_vpn_endpoints() {
                out.push(ClientVpnEndpoint {
                    id: e.client_vpn_endpoint_id().unwrap_or_default().to_string(),
                    status: e
                        .status()
                        .and_then(|s| s.code())
                        .map(|c| c.as_str().to_string())
                        .unwrap_or_default(),
                    connection_logging: e
                        .connection_log_options()
                        .and_then(|o| o.enabled())
                        .unwrap_or(false),
                });
            }
        },
    )
    .await
    .map(by_id)
}
