//! OCSF 1.1 Compliance Finding events (`class_uid` 2003): a JSON array, one event per finding.
//!
//! - `status_id`/`status`: the finding workflow status, New (1) or Suppressed (3) when muted;
//!   `status_code` carries yagura's status (PASS, FAIL, UNKNOWN, MUTED) and `status_detail` the
//!   message.
//! - `compliance.status_id`: Pass (1), Fail (3), Warning (2: "did not yield a result due to
//!   missing information", i.e. UNKNOWN) from the evaluated status;
//!   `compliance.requirements` the `framework:control` pairs, `compliance.standards` the
//!   frameworks, `compliance.control` the check id.
//! - `severity_id`: Informational 1, Low 2, Medium 3, High 4, Critical 5.
//! - `resources`: one resource with its `uid`, `region`, `type` (the service) and
//!   `cloud_partition`; `cloud` names the provider, region and account.

use crate::{sorted, write_json, Report, ReportError, Seq, View, TOOL_NAME};
use serde_json::{json, Value};
use std::io::Write;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use yagura_core::{Finding, Severity, Status};

/// The OCSF schema version the events follow.
const OCSF_VERSION: &str = "1.1.0";

/// The time of the run as milliseconds since the epoch, as OCSF wants it.
pub(crate) fn epoch_millis(generated_at: &str) -> Result<i128, ReportError> {
    let t = OffsetDateTime::parse(generated_at, &Rfc3339).map_err(|e| ReportError::Time {
        value: generated_at.to_string(),
        message: e.to_string(),
    })?;
    Ok(t.unix_timestamp_nanos() / 1_000_000)
}

fn severity(sev: Severity) -> (u8, &'static str) {
    match sev {
        Severity::Info => (1, "Informational"),
        Severity::Low => (2, "Low"),
        Severity::Medium => (3, "Medium"),
        Severity::High => (4, "High"),
        Severity::Critical => (5, "Critical"),
    }
}

/// The AWS partition of a region name.
pub(crate) fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else {
        "aws"
    }
}

pub(crate) fn write(report: &Report, out: &mut dyn Write) -> Result<(), ReportError> {
    let time = epoch_millis(report.generated_at)?;
    let events = sorted(report.findings)
        .into_iter()
        .map(move |f| event(report, f, time));
    write_json(out, &Seq::new(events), "OCSF")
}

fn event(report: &Report, f: &Finding, time: i128) -> Value {
    {
        let v = View::new(report, f);
        let (severity_id, severity_name) = severity(f.severity);
        let (status_id, status) = if f.mute.is_some() {
            (3, "Suppressed")
        } else {
            (1, "New")
        };
        let (compliance_status_id, compliance_status) = match f.status {
            Status::Pass => (1, "Pass"),
            Status::Fail => (3, "Fail"),
            // OCSF: "the compliance check did not yield a result due to missing information".
            Status::Unknown | Status::Muted => (2, "Warning"),
        };
        let compliance = v.compliance();
        let requirements: Vec<String> = compliance
            .iter()
            .flat_map(|(fw, ids)| ids.iter().map(move |id| format!("{fw}:{id}")))
            .collect();
        let mut standards: Vec<&str> = compliance.keys().copied().collect();
        if standards.is_empty() {
            standards.push(TOOL_NAME); // `standards` is required
        }
        let service = v.meta.map(|m| m.service).unwrap_or("");
        let mut unmapped = json!({"evidence": f.evidence, "scope": report.scope});
        if let (Some(m), Some(obj)) = (&f.mute, unmapped.as_object_mut()) {
            obj.insert("mute".into(), json!(m));
        }
        json!({
            "activity_id": 1,
            "activity_name": "Create",
            "category_uid": 2,
            "category_name": "Findings",
            "class_uid": 2003,
            "class_name": "Compliance Finding",
            "type_uid": 200301,
            "type_name": "Compliance Finding: Create",
            "time": time,
            "severity_id": severity_id,
            "severity": severity_name,
            "status_id": status_id,
            "status": status,
            "status_code": f.shown_status().as_str(),
            "status_detail": v.message(),
            "message": v.message(),
            "finding_info": {
                "uid": format!("yagura-{:016x}", crate::fnv64(&f.key())),
                "title": v.title(),
                "desc": v.message(),
                "types": [service],
                "created_time": time,
                "product_uid": TOOL_NAME,
            },
            "compliance": {
                "control": f.check_id,
                "requirements": requirements,
                "standards": standards,
                "status": compliance_status,
                "status_id": compliance_status_id,
                "status_code": f.status.as_str(),
                "status_detail": v.message(),
            },
            "remediation": {
                "desc": v.recommendation(),
                "references": v.references(),
            },
            "resources": [{
                "uid": &*f.resource,
                "region": f.region,
                "type": service,
                "cloud_partition": partition(&f.region),
            }],
            "cloud": {
                "provider": "AWS",
                "region": f.region,
                "account": {"uid": f.account, "type": "AWS Account", "type_id": 10},
            },
            "metadata": {
                "version": OCSF_VERSION,
                "product": {"name": TOOL_NAME, "vendor_name": TOOL_NAME, "version": report.tool_version},
                "event_code": f.check_id,
                "profiles": ["cloud"],
            },
            "unmapped": unmapped,
        })
    }
}
