//! AWS Security Finding Format (ASFF): a JSON array of findings for Security Hub's
//! `BatchImportFindings` (which takes at most 100 findings a call: the caller batches).
//!
//! - `ProductArn` is the account's default product,
//!   `arn:{partition}:securityhub:{region}:{account}:product/{account}/default`.
//! - `AwsAccountId` must be 12 digits: a finding whose account is not (host findings carry the
//!   host identity) takes [`WriteOptions::aws_account`](crate::WriteOptions), else it is an
//!   error. A `global` region takes [`WriteOptions::aws_region`](crate::WriteOptions), else
//!   `us-east-1`.
//! - Field limits are enforced by cutting on a character boundary: `Title` 256, `Description`
//!   1024, `Remediation.Recommendation.Text` 512, `Id`/`GeneratorId`/resource `Id` 512,
//!   `ProductFields` 50 entries (keys 128, values 2048), `RelatedRequirements` 32.
//! - `Compliance.Status`: PASSED, FAILED, NOT_AVAILABLE (UNKNOWN). `Workflow.Status`: NEW,
//!   SUPPRESSED for a muted finding, RESOLVED for a pass (as Security Hub itself sets for
//!   passed controls).

use crate::ocsf::{epoch_millis, partition};
use crate::{
    sorted, truncate_chars, write_json, Report, ReportError, Seq, View, WriteOptions, TOOL_NAME,
};
use serde_json::{json, Map, Value};
use std::io::Write;
use yagura_core::{Finding, Severity, Status};

pub const TITLE_MAX: usize = 256;
pub const DESCRIPTION_MAX: usize = 1024;
pub const RECOMMENDATION_MAX: usize = 512;
pub const ID_MAX: usize = 512;
pub const PRODUCT_FIELDS_MAX: usize = 50;
pub const PRODUCT_FIELD_KEY_MAX: usize = 128;
pub const PRODUCT_FIELD_VALUE_MAX: usize = 2048;
pub const RELATED_REQUIREMENTS_MAX: usize = 32;

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_region(s: &str) -> bool {
    !s.is_empty()
        && s != "global"
        && s.len() <= 32
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn severity_label(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical => "CRITICAL",
        Severity::High => "HIGH",
        Severity::Medium => "MEDIUM",
        Severity::Low => "LOW",
        Severity::Info => "INFORMATIONAL",
    }
}

/// The ASFF resource type of a resource id or ARN; `Other` when it is not recognised.
pub fn resource_type(resource: &str) -> &'static str {
    if let Some(rest) = resource.strip_prefix("arn:") {
        // arn:partition:service:region:account:resource
        let mut parts = rest.splitn(5, ':');
        let _partition = parts.next();
        let service = parts.next().unwrap_or("");
        let _region = parts.next();
        let _account = parts.next();
        let res = parts.next().unwrap_or("");
        let kind = res.split(['/', ':']).next().unwrap_or("");
        return match (service, kind) {
            ("ec2", "instance") => "AwsEc2Instance",
            ("ec2", "security-group") => "AwsEc2SecurityGroup",
            ("ec2", "volume") => "AwsEc2Volume",
            ("ec2", "vpc") => "AwsEc2Vpc",
            ("ec2", "subnet") => "AwsEc2Subnet",
            ("ec2", "network-interface") => "AwsEc2NetworkInterface",
            ("ec2", "network-acl") => "AwsEc2NetworkAcl",
            ("ec2", "snapshot") => "AwsEc2Snapshot",
            ("ec2", "image") => "AwsEc2Image",
            ("s3", _) => "AwsS3Bucket",
            ("iam", "user") => "AwsIamUser",
            ("iam", "role") => "AwsIamRole",
            ("iam", "group") => "AwsIamGroup",
            ("iam", "policy") => "AwsIamPolicy",
            ("iam", "root") => "AwsAccount",
            ("kms", "key") => "AwsKmsKey",
            ("lambda", "function") => "AwsLambdaFunction",
            ("rds", "db") => "AwsRdsDbInstance",
            ("rds", "cluster") => "AwsRdsDbCluster",
            ("rds", "snapshot") => "AwsRdsDbSnapshot",
            ("cloudtrail", "trail") => "AwsCloudTrailTrail",
            ("elasticloadbalancing", "loadbalancer") => "AwsElbv2LoadBalancer",
            ("sns", _) => "AwsSnsTopic",
            ("sqs", _) => "AwsSqsQueue",
            ("secretsmanager", _) => "AwsSecretsManagerSecret",
            _ => "Other",
        };
    }
    if resource.starts_with("i-") {
        "AwsEc2Instance"
    } else if resource.starts_with("sg-") {
        "AwsEc2SecurityGroup"
    } else if resource.starts_with("vpc-") {
        "AwsEc2Vpc"
    } else if resource.starts_with("vol-") {
        "AwsEc2Volume"
    } else if is_account_id(resource) {
        "AwsAccount"
    } else {
        "Other"
    }
}

fn account_of(f: &Finding, opts: &WriteOptions) -> Result<String, ReportError> {
    if is_account_id(&f.account) {
        return Ok(f.account.to_string());
    }
    match &opts.aws_account {
        Some(a) if is_account_id(a) => Ok(a.clone()),
        _ => Err(ReportError::AsffAccount {
            key: f.key(),
            account: f.account.to_string(),
        }),
    }
}

/// A string fit for an ASFF field: one line (Security Hub's `NonEmptyString` pattern `.*\S.*`
/// does not cross lines; line breaks become spaces, other controls and bidi U+FFFD, with
/// `yagura_core::escape`), then cut to `max` characters.
fn cut(s: &str, max: usize) -> String {
    let cleaned = yagura_core::escape::one_line(s);
    truncate_chars(&cleaned, max).into_owned()
}

/// The first of `candidates` with a non-blank character (Security Hub refuses blank text).
fn non_blank<'a>(candidates: &[&'a str]) -> &'a str {
    candidates
        .iter()
        .copied()
        .find(|s| s.chars().any(|c| !c.is_whitespace() && !c.is_control()))
        .unwrap_or("-")
}

pub(crate) fn write(
    report: &Report,
    out: &mut dyn Write,
    opts: &WriteOptions,
) -> Result<(), ReportError> {
    epoch_millis(report.generated_at)?;
    let default_region = opts
        .aws_region
        .as_deref()
        .filter(|r| is_region(r))
        .unwrap_or("us-east-1");
    // Every account is checked before anything is written.
    for f in report.findings {
        account_of(f, opts)?;
    }
    let items = sorted(report.findings)
        .into_iter()
        .map(move |f| finding(report, f, opts, default_region));
    write_json(out, &Seq::new(items), "ASFF")
}

fn finding(report: &Report, f: &Finding, opts: &WriteOptions, default_region: &str) -> Value {
    {
        let v = View::new(report, f);
        let account = account_of(f, opts).unwrap_or_default();
        let region = if is_region(&f.region) {
            f.region.as_str()
        } else {
            default_region
        };
        let part = partition(region);
        let compliance = v.compliance();
        let finding_type = if compliance.contains_key("cis-aws-foundations-3.0")
            || compliance.contains_key("cis-aws-foundations-7.0")
        {
            "Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark"
        } else {
            "Software and Configuration Checks/AWS Security Best Practices"
        };
        let related: Vec<String> = compliance
            .iter()
            .flat_map(|(fw, ids)| ids.iter().map(move |id| format!("{fw}/{id}")))
            .take(RELATED_REQUIREMENTS_MAX)
            .map(|s| cut(&s, 256))
            .collect();
        let compliance_status = match f.status {
            Status::Pass => "PASSED",
            Status::Fail => "FAILED",
            Status::Unknown | Status::Muted => "NOT_AVAILABLE",
        };
        let workflow = if f.mute.is_some() {
            "SUPPRESSED"
        } else if f.status == Status::Pass {
            "RESOLVED"
        } else {
            "NEW"
        };
        let title = non_blank(&[v.title(), &f.check_id]);
        let message = v.message();
        let description = non_blank(&[&message, title]);
        let resource_id = non_blank(&[&f.resource, &account]);
        let mut recommendation = Map::new();
        recommendation.insert(
            "Text".into(),
            json!(cut(
                non_blank(&[v.recommendation(), title]),
                RECOMMENDATION_MAX
            )),
        );
        if let Some(url) = v.references().first() {
            recommendation.insert("Url".into(), json!(url));
        }
        let mut product_fields = Map::new();
        let mut add = |k: &str, val: &str| {
            if product_fields.len() < PRODUCT_FIELDS_MAX {
                product_fields.insert(
                    cut(k, PRODUCT_FIELD_KEY_MAX),
                    json!(cut(val, PRODUCT_FIELD_VALUE_MAX)),
                );
            }
        };
        add("ProviderName", TOOL_NAME);
        add("ProviderVersion", report.tool_version);
        add("yagura/CheckId", &f.check_id);
        add("yagura/Status", f.shown_status().as_str());
        add("yagura/Account", &f.account);
        add("yagura/Region", &f.region);
        if let Some(m) = &f.mute {
            add("yagura/MuteReason", &m.reason);
            if let Some(e) = &m.expires {
                add("yagura/MuteExpires", e);
            }
        }
        for (k, val) in &f.evidence {
            add(&format!("yagura/evidence/{k}"), val);
        }
        let severity =
            json!({"Label": severity_label(f.severity), "Original": f.severity.as_str()});
        let id = cut(
            &format!(
                "{region}/{account}/yagura/{}/{:016x}",
                f.check_id,
                crate::fnv64(&f.key())
            ),
            ID_MAX,
        );
        json!({
            "SchemaVersion": "2018-10-08",
            "Id": id,
            "ProductArn": format!("arn:{part}:securityhub:{region}:{account}:product/{account}/default"),
            "ProductName": TOOL_NAME,
            "CompanyName": TOOL_NAME,
            "GeneratorId": cut(&format!("yagura/{}", f.check_id), ID_MAX),
            "AwsAccountId": account,
            "Region": region,
            "Types": [finding_type],
            "CreatedAt": report.generated_at,
            "UpdatedAt": report.generated_at,
            "Severity": severity,
            "FindingProviderFields": {"Severity": severity, "Types": [finding_type]},
            "Title": cut(title, TITLE_MAX),
            "Description": cut(description, DESCRIPTION_MAX),
            "Remediation": {"Recommendation": recommendation},
            "ProductFields": product_fields,
            "Resources": [{
                "Type": resource_type(&f.resource),
                "Id": cut(resource_id, ID_MAX),
                "Partition": part,
                "Region": region,
            }],
            "Compliance": {
                "Status": compliance_status,
                "RelatedRequirements": related,
            },
            "RecordState": "ACTIVE",
            "Workflow": {"Status": workflow},
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_types_come_from_arns_and_ids() {
        assert_eq!(
            resource_type("arn:aws:ec2:us-east-1:123456789012:instance/i-1"),
            "AwsEc2Instance"
        );
        assert_eq!(resource_type("arn:aws:s3:::bucket"), "AwsS3Bucket");
        assert_eq!(
            resource_type("arn:aws:iam::123456789012:user/alice"),
            "AwsIamUser"
        );
        assert_eq!(
            resource_type("arn:aws:iam::123456789012:role/x/y"),
            "AwsIamRole"
        );
        assert_eq!(
            resource_type("arn:aws:rds:us-east-1:123456789012:db:mydb"),
            "AwsRdsDbInstance"
        );
        assert_eq!(resource_type("sg-0123"), "AwsEc2SecurityGroup");
        assert_eq!(resource_type("123456789012"), "AwsAccount");
        assert_eq!(resource_type("web-01"), "Other");
        assert_eq!(resource_type("arn:"), "Other");
    }

    #[test]
    fn regions_and_accounts_are_validated() {
        assert!(is_region("ap-northeast-1"));
        assert!(!is_region("global"));
        assert!(!is_region("<x>"));
        assert!(is_account_id("123456789012"));
        assert!(!is_account_id("12345678901a"));
    }
}
