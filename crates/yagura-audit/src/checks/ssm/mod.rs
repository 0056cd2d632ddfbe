//! The `ssm` checks.

pub(crate) mod ec2_instance_not_ssm_managed;
pub(crate) mod ssm_document_public;
pub(crate) mod ssm_instance_association_non_compliant;
pub(crate) mod ssm_instance_patch_non_compliant;

use crate::checks::prelude::*;
use yagura_inventory::{CollectError, ComplianceSummary, Region, SeverityCounts};

/// The compliance summaries of `piece` in the region, each with the ARN its finding goes to:
/// the EC2 instance's for `i-…`, the managed node's (`managed-instance/mi-…`) otherwise.
pub(super) fn summaries<'a>(
    cx: &Cx<'_>,
    reg: &Reg<'a>,
    piece: &data::Data<Region, Vec<ComplianceSummary>>,
) -> Result<Vec<(String, &'a ComplianceSummary)>, Missing> {
    let list = cx.need_in(piece, reg.region)?;
    let region = reg.name();
    Ok(list
        .iter()
        .map(|s| {
            let arn = if s.resource_id.starts_with("i-") {
                crate::tags::ec2_arn(cx.account, region, "instance", &s.resource_id)
            } else {
                format!(
                    "arn:{}:ssm:{region}:{}:managed-instance/{}",
                    cx.partition(),
                    cx.account.account_id,
                    s.resource_id
                )
            };
            (arn, s)
        })
        .collect())
}

/// The non-compliant counts by severity, as AWS names them (`CRITICAL 1, HIGH 2`); the
/// severities with none left out.
pub(super) fn by_severity(c: &SeverityCounts) -> String {
    [
        ("CRITICAL", c.critical),
        ("HIGH", c.high),
        ("MEDIUM", c.medium),
        ("LOW", c.low),
        ("INFORMATIONAL", c.informational),
        ("UNSPECIFIED", c.unspecified),
    ]
    .iter()
    .filter(|(_, n)| *n > 0)
    .map(|(s, n)| format!("{s} {n}"))
    .collect::<Vec<_>>()
    .join(", ")
}

/// The sum of the counts.
pub(super) fn total(c: &SeverityCounts) -> u32 {
    [
        c.critical,
        c.high,
        c.medium,
        c.low,
        c.informational,
        c.unspecified,
    ]
    .iter()
    .fold(0u32, |t, n| t.saturating_add(*n))
}

/// One finding per summary of `piece` in the region: PASS when `COMPLIANT`, FAIL when
/// `NON_COMPLIANT` (`fail` writes its message from the count of non-compliant items and their
/// counts by severity, also kept as evidence), UNKNOWN for a status AWS did not document.
pub(super) fn judge(
    cx: &mut Cx<'_>,
    reg: &Reg<'_>,
    piece: &data::Data<Region, Vec<ComplianceSummary>>,
    pass: fn(&str) -> Message,
    fail: fn(&str, u32, &str) -> Message,
) -> Outcome {
    let region = reg.name();
    for (arn, s) in summaries(cx, reg, piece)? {
        let at = At {
            resource: &arn,
            region,
        };
        match s.status.as_str() {
            "COMPLIANT" => cx.emit(at, Status::Pass, pass(&s.resource_id)),
            "NON_COMPLIANT" => {
                let by = by_severity(&s.non_compliant);
                let n = total(&s.non_compliant);
                cx.emit(at, Status::Fail, fail(&s.resource_id, n, &by));
                cx.evidence("non_compliant_by_severity", by);
                cx.evidence("compliant_items", s.compliant.to_string());
            }
            other => cx.unknown_on(
                at,
                CollectError::new(
                    "ssm:ListResourceComplianceSummaries",
                    "UnknownStatus",
                    &format!("compliance status `{other}` is not one AWS documents"),
                ),
            ),
        }
    }
    Ok(())
}
