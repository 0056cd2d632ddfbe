//! EC2 resources of a region that only the FSBP checks read: EBS volumes with their
//! attachments, Elastic IP addresses with their associations, VPC endpoints, transit gateways and
//! the account's EBS snapshots with their restore permission. Every list is read to its last
//! page; a page that fails leaves the list unread.

use crate::regional::{by_id, paged};
use futures::stream::{self, StreamExt};
use yagura_inventory::{Collected, EbsSnapshot, ElasticIp, TransitGateway, Volume, VpcEndpoint};

/// Snapshot attributes read at once.
const SNAPSHOT_CONCURRENCY: usize = 8;

/// Every EBS snapshot the account owns in the region (DescribeSnapshots with the owner `self`
/// and the same owner as an `owner-id` filter, every page; an answer's snapshot of another owner
/// is dropped — moto 5.2.6 ignores the owner but applies the filter, and without it answered
/// with the AMI snapshots of every account, 0.56 MB that it took seconds to render), each with
/// whether its
/// `createVolumePermission` lets anyone restore it.
pub(crate) async fn snapshots(
    c: &aws_sdk_ec2::Client,
    account_id: &str,
) -> Collected<Vec<EbsSnapshot>> {
    let ids = match paged(
        "ec2:DescribeSnapshots",
        c.describe_snapshots()
            .owner_ids("self")
            .filters(
                aws_sdk_ec2::types::Filter::builder()
                    .name("owner-id")
                    .values(account_id)
                    .build(),
            )
            .into_paginator()
            .send(),
        |page, out| {
            out.extend(
                page.snapshots()
                    .iter()
                    .filter(|s| s.owner_id() == Some(account_id))
                    .filter_map(|s| s.snapshot_id().map(str::to_string)),
            );
        },
    )
    .await
    {
        Collected::Ok(ids) => ids,
        Collected::Error(e) => return Collected::Error(e),
    };
    let list: Vec<EbsSnapshot> = stream::iter(ids)
        .map(|id| async move {
            let public = match c
                .describe_snapshot_attribute()
                .snapshot_id(&id)
                .attribute(aws_sdk_ec2::types::SnapshotAttributeName::CreateVolumePermission)
                .send()
                .await
            {
                Ok(o) => Collected::Ok(o.create_volume_permissions().iter().any(|p| {
                    p.group()
                        .is_some_and(|g| *g == aws_sdk_ec2::types::PermissionGroup::All)
                })),
                Err(e) => Collected::Error(crate::error::collect_error(
                    "ec2:DescribeSnapshotAttribute",
                    e,
                )),
            };
            EbsSnapshot { id, public }
        })
        .buffer_unordered(SNAPSHOT_CONCURRENCY)
        .collect()
        .await;
    Collected::Ok(by_id(list))
}

/// Every EBS volume of the region (DescribeVolumes, every page).
pub(crate) async fn volumes(c: &aws_sdk_ec2::Client) -> Collected<Vec<Volume>> {
    paged(
        "ec2:DescribeVolumes",
        c.describe_volumes().into_paginator().send(),
        |page, out| {
            for v in page.volumes() {
                out.push(Volume {
                    id: v.volume_id().unwrap_or_default().to_string(),
                    encrypted: v.encrypted().unwrap_or(false),
                    attached_to: v
                        .attachments()
                        .iter()
                        .filter(|a| {
                            a.state()
                                .is_some_and(|s| matches!(s.as_str(), "attached" | "attaching"))
                        })
                        .filter_map(|a| a.instance_id().map(str::to_string))
                        .collect(),
                });
            }
        },
    )
    .await
    .map(by_id)
}

/// Every Elastic IP address of the region (DescribeAddresses, which has no pages).
pub(crate) async fn addresses(c: &aws_sdk_ec2::Client) -> Collected<Vec<ElasticIp>> {
    match c.describe_addresses().send().await {
        Ok(o) => {
            let nonempty = |s: Option<&str>| s.filter(|s| !s.is_empty()).map(str::to_string);
            Collected::Ok(by_id(
                o.addresses()
                    .iter()
                    .map(|a| {
                        let ip = a.public_ip().unwrap_or_default().to_string();
                        ElasticIp {
                            id: nonempty(a.allocation_id()).unwrap_or_else(|| ip.clone()),
                            public_ip: ip,
                            association_id: nonempty(a.association_id()),
                            instance_id: nonempty(a.instance_id()),
                            network_interface_id: nonempty(a.network_interface_id()),
                        }
                    })
                    .collect(),
            ))
        }
        Err(e) => Collected::Error(crate::error::collect_error("ec2:DescribeAddresses", e)),
    }
}

/// Every VPC endpoint of the region (DescribeVpcEndpoints, every page).
pub(crate) async fn vpc_endpoints(c: &aws_sdk_ec2::Client) -> Collected<Vec<VpcEndpoint>> {
    paged(
        "ec2:DescribeVpcEndpoints",
        c.describe_vpc_endpoints().into_paginator().send(),
        |page, out| {
            for e in page.vpc_endpoints() {
                out.push(VpcEndpoint {
                    id: e.vpc_endpoint_id().unwrap_or_default().to_string(),
                    vpc_id: e.vpc_id().unwrap_or_default().to_string(),
                    service_name: e.service_name().unwrap_or_default().to_string(),
                    state: e
                        .state()
                        .map(|s| s.as_str().to_ascii_lowercase())
                        .unwrap_or_default(),
                });
            }
        },
    )
    .await
    .map(by_id)
}

/// Every transit gateway of the region (DescribeTransitGateways, every page).
pub(crate) async fn transit_gateways(c: &aws_sdk_ec2::Client) -> Collected<Vec<TransitGateway>> {
    paged(
        "ec2:DescribeTransitGateways",
        c.describe_transit_gateways().into_paginator().send(),
        |page, out| {
            for t in page.transit_gateways() {
                out.push(TransitGateway {
                    id: t.transit_gateway_id().unwrap_or_default().to_string(),
                    arn: t.transit_gateway_arn().unwrap_or_default().to_string(),
                    state: t
                        .state()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    auto_accept_shared_attachments: t
                        .options()
                        .and_then(|o| o.auto_accept_shared_attachments())
                        .is_some_and(|a| a.as_str() == "enable"),
                });
            }
        },
    )
    .await
    .map(by_id)
}
