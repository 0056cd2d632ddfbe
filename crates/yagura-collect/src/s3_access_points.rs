//! The S3 access points of a region (s3control ListAccessPoints, every page) with each one's
//! Block Public Access settings (GetAccessPoint; its error kept on the access point).

use crate::error::collect_error;
use crate::regional::paged;
use futures::stream::{self, StreamExt};
use yagura_inventory::{AccessPoint, Collected};

/// GetAccessPoint calls in flight per region.
const READS: usize = 8;

pub(crate) async fn access_points(
    c: &aws_sdk_s3control::Client,
    region: &str,
    account_id: &str,
) -> Collected<Vec<AccessPoint>> {
    // An answer's access point of another region is dropped (moto 5.2.6 lists the account's
    // access points in every region).
    let in_region = format!(":{region}:");
    let listed = paged(
        "s3control:ListAccessPoints",
        c.list_access_points()
            .account_id(account_id)
            .into_paginator()
            .send(),
        |page, out| {
            out.extend(
                page.access_point_list()
                    .iter()
                    .filter(|a| {
                        a.access_point_arn()
                            .is_none_or(|arn| arn.contains(&in_region))
                    })
                    .map(|a| AccessPoint {
                        name: a.name().to_string(),
                        arn: a.access_point_arn().unwrap_or_default().to_string(),
                        bucket: a.bucket().to_string(),
                        network_origin: a.network_origin().as_str().to_string(),
                        public_access_block: Collected::Ok(None),
                    }),
            )
        },
    )
    .await;
    let listed = match listed {
        Collected::Ok(l) => l,
        Collected::Error(e) => return Collected::Error(e),
    };
    let mut points: Vec<AccessPoint> = stream::iter(listed)
        .map(|mut a| async move {
            a.public_access_block = match c
                .get_access_point()
                .account_id(account_id)
                .name(&a.name)
                .send()
                .await
            {
                Ok(o) => Collected::Ok(
                    o.public_access_block_configuration()
                        .map(crate::s3::control_pab),
                ),
                Err(e) => Collected::Error(collect_error("s3control:GetAccessPoint", e)),
            };
            a
        })
        .buffer_unordered(READS)
        .collect()
        .await;
    points.sort_by(|a, b| a.name.cmp(&b.name));
    Collected::Ok(points)
}
