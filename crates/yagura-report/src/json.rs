//! The JSON report (schema version 1) and its reader.
//!
//! ```json
//! {"schema_version": 1, "tool": {"name": "yagura", "version": "…"}, "generated_at": "…",
//!  "scope": "audit", "lang": "en",
//!  "summary": {"total": 3, "pass": 1, "fail": 1, "unknown": 1, "muted": 0,
//!              "fail_by_severity": {"critical": 0, "high": 1, …}},
//!  "errors": ["…"],
//!  "results": [{"check_id", "title", "status", "raw_status", "severity", "resource", "account",
//!               "region", "compliance": {framework: [ids]}, "message", "recommendation",
//!               "evidence": {…}, "mute": {kind, reason, expires} | null,
//!               "i18n": {"message": {"en", "ja"}, "recommendation": {"en", "ja"} | null}}]}
//! ```
//!
//! `message`, `title` and `recommendation` are in the report language; `i18n` keeps both
//! languages of the finding's own text so that [`parse_json_report`] gives the findings back
//! whole (for `yagura report merge`).

use crate::{sorted, Report, ReportError, Summary, View, SCHEMA_VERSION, TOOL_NAME};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Write;
use yagura_core::{Finding, Lang, Mute, Severity, Status, Text};

#[derive(Serialize)]
struct Tool<'a> {
    name: &'a str,
    version: &'a str,
}

#[derive(Serialize)]
struct JsonSummary {
    total: usize,
    pass: usize,
    fail: usize,
    unknown: usize,
    muted: usize,
    fail_by_severity: BySeverity,
}

#[derive(Serialize)]
struct BySeverity {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

#[derive(Serialize)]
struct I18n<'a> {
    message: &'a yagura_core::Message,
    recommendation: Option<&'a Text>,
}

#[derive(Serialize)]
struct JsonResult<'a> {
    check_id: &'a str,
    title: &'a str,
    status: Status,
    raw_status: Status,
    severity: Severity,
    resource: &'a str,
    account: &'a str,
    region: &'a str,
    compliance: BTreeMap<&'static str, Vec<&'static str>>,
    message: Cow<'a, str>,
    recommendation: &'a str,
    evidence: &'a yagura_core::Evidence,
    mute: Option<&'a Mute>,
    i18n: I18n<'a>,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    schema_version: u32,
    tool: Tool<'a>,
    generated_at: &'a str,
    scope: &'a str,
    lang: Lang,
    summary: JsonSummary,
    errors: &'a [String],
    results: Vec<JsonResult<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    compliance: Option<&'a yagura_core::compliance::ComplianceTable>,
    #[serde(flatten)]
    extra: BTreeMap<&'a str, &'a serde_json::Value>,
}

const RESERVED: [&str; 10] = [
    "compliance",
    "schema_version",
    "tool",
    "generated_at",
    "scope",
    "lang",
    "summary",
    "errors",
    "results",
    "i18n",
];

fn fail_by_severity(s: &Summary) -> BySeverity {
    let [critical, high, medium, low, info] = s.fail_by_severity;
    BySeverity {
        critical,
        high,
        medium,
        low,
        info,
    }
}

pub(crate) fn write(report: &Report, out: &mut dyn Write) -> Result<(), ReportError> {
    let s = Summary::of(report.findings);
    let results = sorted(report.findings)
        .into_iter()
        .map(|f| {
            let v = View::new(report, f);
            JsonResult {
                check_id: &f.check_id,
                title: v.title(),
                status: f.shown_status(),
                raw_status: f.status,
                severity: f.severity,
                resource: &f.resource,
                account: &f.account,
                region: &f.region,
                compliance: v.compliance(),
                message: v.message(),
                recommendation: v.recommendation(),
                evidence: &f.evidence,
                mute: f.mute.as_deref(),
                i18n: I18n {
                    message: &f.message,
                    recommendation: f.recommendation.as_deref(),
                },
            }
        })
        .collect();
    let mut extra = BTreeMap::new();
    if let Some(serde_json::Value::Object(map)) = report.extra {
        for (k, v) in map {
            if !RESERVED.contains(&k.as_str()) {
                extra.insert(k.as_str(), v);
            }
        }
    }
    let doc = JsonReport {
        schema_version: report.schema_version,
        tool: Tool {
            name: TOOL_NAME,
            version: report.tool_version,
        },
        generated_at: report.generated_at,
        scope: report.scope,
        lang: report.lang,
        summary: JsonSummary {
            total: s.total,
            pass: s.pass,
            fail: s.fail,
            unknown: s.unknown,
            muted: s.muted,
            fail_by_severity: fail_by_severity(&s),
        },
        errors: report.errors,
        results,
        compliance: report.compliance,
        extra,
    };
    yagura_core::escape::write_json(&mut *out, &doc).map_err(|e| ReportError::Encode {
        format: "JSON",
        message: e.to_string(),
    })?;
    out.write_all(b"\n")?;
    Ok(())
}

// ------------------------------------------------------------------------------------ reading

#[derive(Deserialize)]
struct Probe {
    schema_version: Option<u64>,
}

#[derive(Deserialize)]
struct InReport {
    #[serde(default)]
    tool: Option<InTool>,
    #[serde(default)]
    generated_at: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    errors: Vec<String>,
    #[serde(default)]
    shard: Option<ShardCover>,
    results: Vec<InResult>,
}

#[derive(Deserialize)]
struct InTool {
    #[serde(default)]
    version: Option<String>,
}

/// A JSON report read back: its findings and the context it was written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedReport {
    pub tool_version: Option<String>,
    pub generated_at: Option<String>,
    pub scope: Option<String>,
    /// The collection errors of the run that wrote the report.
    pub errors: Vec<String>,
    /// What part of an Organization the report covers, when it is one shard of an audit.
    pub shard: Option<ShardCover>,
    pub findings: Vec<Finding>,
}

/// The `shard` member of the report of `audit --org --shard I/N`: which shard of how many, the
/// hash that assigned the accounts, and the accounts audited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardCover {
    pub index: u32,
    pub count: u32,
    pub hash: String,
    pub accounts: Vec<String>,
}

#[derive(Deserialize)]
struct InI18n {
    message: Option<Text>,
    #[serde(default)]
    recommendation: Option<Text>,
}

#[derive(Deserialize)]
#[serde(try_from = "RawResult")]
struct InResult(Finding);

#[derive(Deserialize)]
struct RawResult {
    check_id: String,
    status: Status,
    #[serde(default)]
    raw_status: Option<Status>,
    severity: Severity,
    resource: String,
    account: String,
    region: String,
    message: String,
    #[serde(default)]
    evidence: yagura_core::Evidence,
    #[serde(default)]
    mute: Option<Mute>,
    #[serde(default)]
    i18n: Option<InI18n>,
}

impl TryFrom<RawResult> for InResult {
    type Error = String;
    fn try_from(r: RawResult) -> Result<Self, String> {
        if r.status == Status::Muted && r.mute.is_none() {
            return Err(format!(
                "result `{}` of `{}` is MUTED but has no mute object",
                r.check_id, r.resource
            ));
        }
        let raw = r.raw_status.unwrap_or(r.status);
        if raw == Status::Muted {
            return Err(format!(
                "result `{}` of `{}`: raw_status must be PASS, FAIL or UNKNOWN",
                r.check_id, r.resource
            ));
        }
        let (message, recommendation) = match r.i18n {
            Some(i) => (
                i.message
                    .unwrap_or_else(|| Text::owned(r.message.clone(), r.message.clone())),
                i.recommendation,
            ),
            None => (Text::owned(r.message.clone(), r.message), None),
        };
        Ok(InResult(Finding {
            check_id: Cow::Owned(r.check_id),
            status: raw,
            severity: r.severity,
            resource: r.resource.into(),
            account: r.account.into(),
            region: r.region.into(),
            message: message.into(),
            recommendation: recommendation.map(Box::new),
            evidence: r.evidence,
            mute: r.mute.map(Box::new),
        }))
    }
}

fn positioned(e: &serde_json::Error) -> ReportError {
    // serde_json appends " at line L column C" to its messages; the position is reported apart.
    let full = e.to_string();
    let message = match full.rfind(" at line ") {
        Some(i) => full.get(..i).unwrap_or(&full).to_string(),
        None => full,
    };
    ReportError::Json {
        line: e.line(),
        column: e.column(),
        message,
    }
}

/// Reads a JSON report written by [`crate::write`] with [`crate::Format::Json`] back into
/// findings (muted ones keep their evaluated status and their mute). Errors name the line and
/// column; a report of another schema version is refused.
pub fn parse_json_report(text: &str) -> Result<Vec<Finding>, ReportError> {
    read_json_report(text).map(|r| r.findings)
}

/// Like [`parse_json_report`], with the report's context (tool version, time, scope and
/// collection errors), for `yagura report merge` of many hosts' reports.
pub fn read_json_report(text: &str) -> Result<ParsedReport, ReportError> {
    let probe: Probe = serde_json::from_str(text).map_err(|e| positioned(&e))?;
    match probe.schema_version {
        Some(v) if v == u64::from(SCHEMA_VERSION) => {}
        Some(v) => {
            return Err(ReportError::SchemaVersion {
                found: v,
                expected: SCHEMA_VERSION,
            })
        }
        None => {
            return Err(ReportError::Json {
                line: 1,
                column: 1,
                message: "missing field `schema_version` (not a yagura JSON report)".into(),
            })
        }
    }
    let doc: InReport = serde_json::from_str(text).map_err(|e| positioned(&e))?;
    Ok(ParsedReport {
        tool_version: doc.tool.and_then(|t| t.version),
        generated_at: doc.generated_at,
        scope: doc.scope,
        errors: doc.errors,
        shard: doc.shard,
        findings: doc.results.into_iter().map(|r| r.0).collect(),
    })
}
