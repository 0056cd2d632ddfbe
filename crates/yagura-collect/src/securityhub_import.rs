//! `yagura audit --send-to-security-hub`: the audit's findings, in the AWS Security Finding
//! Format the report crate writes (`-f asff`), imported with `BatchImportFindings` into the
//! Security Hub of each finding's account and region, at most 100 findings a call (the API's
//! limit). A finding's `Id` is stable across runs (region, account, check and resource), so the
//! next run updates the finding Security Hub holds instead of adding a duplicate; a finding now
//! passing arrives as RESOLVED.
//!
//! With an Organization, a member account's findings go through the role the audit assumed in
//! it. A call that fails (Security Hub not enabled in a region, access denied) is reported with
//! the group it was for and the rest go on.

use crate::org::{assume, OrgOptions};
use crate::{collect_error, whoami, CollectorError};
use aws_config::SdkConfig;
use aws_sdk_securityhub::types::{
    AwsSecurityFinding, Compliance, ComplianceStatus, FindingProviderFields,
    FindingProviderSeverity, Partition, Recommendation, RecordState, Remediation, Resource,
    Severity, SeverityLabel, Workflow, WorkflowStatus,
};
use serde_json::Value;
use std::collections::BTreeMap;

/// The most findings one `BatchImportFindings` call takes.
pub const BATCH: usize = 100;

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    /// Findings Security Hub accepted.
    pub imported: usize,
    /// (account, region) groups sent to.
    pub targets: usize,
    /// Findings refused one by one: (finding id, code, message).
    pub refused: Vec<(String, String, String)>,
    /// Groups that could not be sent at all: (account, region, reason), with how many findings.
    pub failed: Vec<(String, String, String, usize)>,
}

/// The finding's `(account, region)`, from its ASFF fields.
fn target(f: &Value) -> (String, String) {
    let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
    (s("AwsAccountId"), s("Region"))
}

/// Splits ASFF findings by the account and region they belong to, in a stable order.
pub fn group(findings: Vec<Value>) -> BTreeMap<(String, String), Vec<Value>> {
    let mut m: BTreeMap<(String, String), Vec<Value>> = BTreeMap::new();
    for f in findings {
        m.entry(target(&f)).or_default().push(f);
    }
    m
}

/// Imports `findings` (ASFF objects as `yagura_report` writes them). `org`: the role to assume
/// in accounts other than the caller's.
pub async fn import(
    cfg: &SdkConfig,
    org: Option<&OrgOptions>,
    findings: Vec<Value>,
) -> Result<ImportSummary, CollectorError> {
    let (caller, partition) = whoami(cfg).await?;
    let mut sum = ImportSummary::default();
    let mut configs: BTreeMap<String, Result<SdkConfig, String>> = BTreeMap::new();
    for ((account, region), batch) in group(findings) {
        sum.targets += 1;
        if !configs.contains_key(&account) {
            let c = match org {
                Some(o) if account != caller => {
                    assume(cfg, &partition, &account, o, "yagura-security-hub")
                        .await
                        .map_err(|e| e.to_string())
                }
                _ if account == caller => Ok(cfg.clone()),
                _ => Err(format!(
                    "the findings of account {account} need --org (the credentials are account {caller}'s)"
                )),
            };
            configs.insert(account.clone(), c);
        }
        let acfg = match configs.get(&account) {
            Some(Ok(c)) => c,
            Some(Err(e)) => {
                sum.failed
                    .push((account.clone(), region.clone(), e.clone(), batch.len()));
                continue;
            }
            None => continue,
        };
        let conf = aws_sdk_securityhub::config::Builder::from(acfg)
            .region(aws_config::Region::new(region.clone()))
            .build();
        let client = aws_sdk_securityhub::Client::from_conf(conf);
        for chunk in batch.chunks(BATCH) {
            let mut req = client.batch_import_findings();
            for f in chunk {
                req = req.findings(to_sdk(f));
            }
            match req.send().await {
                Ok(out) => {
                    let refused = out.failed_findings();
                    sum.imported += chunk.len().saturating_sub(refused.len());
                    sum.refused.extend(refused.iter().map(|e| {
                        (
                            e.id().unwrap_or_default().to_string(),
                            e.error_code().unwrap_or_default().to_string(),
                            e.error_message().unwrap_or_default().to_string(),
                        )
                    }));
                }
                Err(e) => sum.failed.push((
                    account.clone(),
                    region.clone(),
                    collect_error("securityhub:BatchImportFindings", e).to_string(),
                    chunk.len(),
                )),
            }
        }
    }
    Ok(sum)
}

/// One ASFF object as the SDK's finding. Fields absent from `f` stay unset (Security Hub then
/// refuses the finding by itself, and the refusal is reported).
pub fn to_sdk(f: &Value) -> AwsSecurityFinding {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let sev = &f["Severity"];
    let mut b = AwsSecurityFinding::builder()
        .schema_version(s(&f["SchemaVersion"]))
        .id(s(&f["Id"]))
        .product_arn(s(&f["ProductArn"]))
        .product_name(s(&f["ProductName"]))
        .company_name(s(&f["CompanyName"]))
        .generator_id(s(&f["GeneratorId"]))
        .aws_account_id(s(&f["AwsAccountId"]))
        .region(s(&f["Region"]))
        .created_at(s(&f["CreatedAt"]))
        .updated_at(s(&f["UpdatedAt"]))
        .title(s(&f["Title"]))
        .description(s(&f["Description"]))
        .set_types(Some(strings(&f["Types"])))
        .severity(
            Severity::builder()
                .label(SeverityLabel::from(s(&sev["Label"]).as_str()))
                .original(s(&sev["Original"]))
                .build(),
        )
        .finding_provider_fields(
            FindingProviderFields::builder()
                .severity(
                    FindingProviderSeverity::builder()
                        .label(SeverityLabel::from(s(&sev["Label"]).as_str()))
                        .original(s(&sev["Original"]))
                        .build(),
                )
                .set_types(Some(strings(&f["FindingProviderFields"]["Types"])))
                .build(),
        )
        .compliance(
            Compliance::builder()
                .status(ComplianceStatus::from(
                    s(&f["Compliance"]["Status"]).as_str(),
                ))
                .set_related_requirements(Some(strings(&f["Compliance"]["RelatedRequirements"])))
                .build(),
        )
        .workflow(
            Workflow::builder()
                .status(WorkflowStatus::from(s(&f["Workflow"]["Status"]).as_str()))
                .build(),
        )
        .record_state(RecordState::from(s(&f["RecordState"]).as_str()));
    let rec = &f["Remediation"]["Recommendation"];
    let mut r = Recommendation::builder().text(s(&rec["Text"]));
    if let Some(url) = rec["Url"].as_str() {
        r = r.url(url);
    }
    b = b.remediation(Remediation::builder().recommendation(r.build()).build());
    if let Some(fields) = f["ProductFields"].as_object() {
        for (k, v) in fields {
            b = b.product_fields(k, s(v));
        }
    }
    for res in f["Resources"].as_array().into_iter().flatten() {
        b = b.resources(
            Resource::builder()
                .r#type(s(&res["Type"]))
                .id(s(&res["Id"]))
                .partition(Partition::from(s(&res["Partition"]).as_str()))
                .region(s(&res["Region"]))
                .build(),
        );
    }
    b.build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn finding(account: &str, region: &str, n: usize) -> Value {
        json!({"Id": format!("{region}/{account}/yagura/x/{n:016x}"), "AwsAccountId": account,
               "Region": region, "Severity": {"Label": "HIGH", "Original": "high"},
               "Resources": [{"Type": "Other", "Id": "r", "Partition": "aws", "Region": region}],
               "Compliance": {"Status": "FAILED", "RelatedRequirements": ["aws-fsbp/IAM.7"]},
               "Workflow": {"Status": "NEW"}, "RecordState": "ACTIVE",
               "ProductFields": {"yagura/CheckId": "x"}})
    }

    #[test]
    fn findings_are_grouped_by_account_and_region_and_batched_by_100() {
        let mut all: Vec<Value> = (0..250)
            .map(|n| finding("111122223333", "us-east-1", n))
            .collect();
        all.push(finding("111122223333", "eu-west-1", 0));
        all.push(finding("444455556666", "us-east-1", 0));
        let g = group(all);
        let sizes: Vec<(String, usize, usize)> = g
            .iter()
            .map(|((a, r), v)| (format!("{a}/{r}"), v.len(), v.chunks(BATCH).count()))
            .collect();
        assert_eq!(
            sizes,
            [
                ("111122223333/eu-west-1".to_string(), 1, 1),
                ("111122223333/us-east-1".to_string(), 250, 3),
                ("444455556666/us-east-1".to_string(), 1, 1),
            ]
        );
    }

    #[test]
    fn the_sdk_finding_carries_every_field_of_the_asff_object() {
        let f = to_sdk(&finding("111122223333", "us-east-1", 7));
        assert_eq!(
            f.id(),
            Some("us-east-1/111122223333/yagura/x/0000000000000007")
        );
        assert_eq!(
            f.severity().and_then(|s| s.label()),
            Some(&SeverityLabel::High)
        );
        assert_eq!(
            f.compliance().and_then(|c| c.status()),
            Some(&ComplianceStatus::Failed)
        );
        assert_eq!(
            f.compliance().map(|c| c.related_requirements()),
            Some(&["aws-fsbp/IAM.7".to_string()][..])
        );
        assert_eq!(
            f.workflow().and_then(|w| w.status()),
            Some(&WorkflowStatus::New)
        );
        assert_eq!(f.resources().len(), 1);
        assert_eq!(
            f.product_fields()
                .and_then(|m| m.get("yagura/CheckId"))
                .map(String::as_str),
            Some("x")
        );
    }
}
