//! Systems Manager compliance summaries of the region's managed nodes
//! (ListResourceComplianceSummaries, every page): one call filtered to `ComplianceType=Patch`
//! and one to `ComplianceType=Association`, run at once. Two filtered calls rather than one
//! unfiltered: the unfiltered list also holds every custom compliance type of every node, which
//! the checks do not read, so it would cost more pages, not fewer.

use crate::regional::paged;
use aws_sdk_ssm::types::{ComplianceQueryOperatorType, ComplianceStringFilter, SeveritySummary};
use yagura_inventory::{Collected, ComplianceSummary, SeverityCounts};

/// The patch and association compliance summaries, in that order.
pub(crate) async fn compliance(
    c: &aws_sdk_ssm::Client,
) -> (
    Collected<Vec<ComplianceSummary>>,
    Collected<Vec<ComplianceSummary>>,
) {
    futures::join!(summaries(c, "Patch"), summaries(c, "Association"))
}

/// Every page of the summaries of one compliance type.
async fn summaries(c: &aws_sdk_ssm::Client, kind: &str) -> Collected<Vec<ComplianceSummary>> {
    let filter = ComplianceStringFilter::builder()
        .key("ComplianceType")
        .values(kind)
        .r#type(ComplianceQueryOperatorType::Equal)
        .build();
    paged(
        "ssm:ListResourceComplianceSummaries",
        c.list_resource_compliance_summaries()
            .filters(filter)
            .into_paginator()
            .send(),
        |page, out| {
            out.extend(
                page.resource_compliance_summary_items()
                    .iter()
                    .filter_map(|s| {
                        Some(ComplianceSummary {
                            resource_id: s.resource_id()?.to_string(),
                            resource_type: s.resource_type().unwrap_or_default().to_string(),
                            status: s.status()?.as_str().to_string(),
                            compliant: count(
                                s.compliant_summary().map_or(0, |c| c.compliant_count()),
                            ),
                            non_compliant: s
                                .non_compliant_summary()
                                .and_then(|n| n.severity_summary())
                                .map(counts)
                                .unwrap_or_default(),
                        })
                    }),
            )
        },
    )
    .await
}

fn count(n: i32) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

fn counts(s: &SeveritySummary) -> SeverityCounts {
    SeverityCounts {
        critical: count(s.critical_count()),
        high: count(s.high_count()),
        medium: count(s.medium_count()),
        low: count(s.low_count()),
        informational: count(s.informational_count()),
        unspecified: count(s.unspecified_count()),
    }
}
