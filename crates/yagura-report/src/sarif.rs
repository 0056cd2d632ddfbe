//! SARIF 2.1.0 (for GitHub code scanning and other SARIF viewers).
//!
//! - `runs[0].tool.driver.rules`: every check of the catalogue (sorted by id), with its title,
//!   what it finds, how to fix it (`help`), its first reference (`helpUri`), a default level
//!   from its severity and `security-severity`; checks named by findings but unknown to the
//!   catalogue get a bare rule so that every `ruleIndex` resolves.
//! - Results: FAIL is `kind: "fail"` with `level` error (critical, high), warning (medium) or
//!   note (low, info). UNKNOWN is `kind: "open"` (the tool could not decide; SARIF then requires
//!   `level: "none"`). A muted result keeps its kind and carries a `suppressions` entry
//!   (`accepted`, with the reason as justification). PASS results are not written: SARIF
//!   viewers list results as problems.
//! - Every result has a physical location, as GitHub code scanning requires ([`location`]): a
//!   host finding about a file names the file (relative to the scanned root, with the line when
//!   known), any other a stable relative URI of its resource, `aws/ACCOUNT/REGION/SERVICE/ID`;
//!   the resource itself is also a logical location (`kind: "resource"`); account and region are
//!   in the result properties; `partialFingerprints` carries the finding key so viewers track a result
//!   across runs. Collection errors are tool execution notifications.

use crate::labels::{labels, mute_kind_name};
use crate::{sorted, write_json, Report, ReportError, Seq, View, TOOL_NAME};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Write;
use yagura_core::{Finding, Severity, Status};

fn level(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` score (critical > 9.0, high 7.0–8.9, medium 4.0–6.9, low < 4).
fn security_severity(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

pub(crate) fn write(report: &Report, out: &mut dyn Write) -> Result<(), ReportError> {
    let lang = report.lang;
    let mut rules: Vec<Value> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for m in report.catalogue.iter() {
        index.insert(m.id.to_string(), rules.len());
        let help_md = format!(
            "{}\n\n{}\n\n**{}:** {}",
            m.what.get(lang),
            m.why.get(lang),
            labels(lang).recommendation,
            m.fix.get(lang)
        );
        let mut rule = json!({
            "id": m.id,
            "name": rule_name(m.id),
            "shortDescription": {"text": m.title.get(lang)},
            "fullDescription": {"text": m.what.get(lang)},
            "help": {"text": m.fix.get(lang), "markdown": help_md},
            "defaultConfiguration": {"level": level(m.severity)},
            "properties": {
                "tags": ["security", m.service],
                "precision": "high",
                "problem.severity": level(m.severity),
                "security-severity": security_severity(m.severity),
                "severity": m.severity.as_str(),
                "compliance": m.compliance_map(),
            },
        });
        if let (Some(uri), Some(obj)) = (m.references.first(), rule.as_object_mut()) {
            obj.insert("helpUri".into(), json!(uri));
        }
        rules.push(rule);
    }
    // Checks the catalogue does not know get a bare rule, before any result refers to them.
    for f in sorted(report.findings) {
        if f.status == Status::Pass || index.contains_key(f.check_id.as_ref()) {
            continue;
        }
        index.insert(f.check_id.to_string(), rules.len());
        rules.push(json!({
            "id": f.check_id,
            "name": rule_name(&f.check_id),
            "shortDescription": {"text": f.check_id},
            "defaultConfiguration": {"level": level(f.severity)},
            "properties": {"security-severity": security_severity(f.severity),
                           "severity": f.severity.as_str()},
        }));
    }
    let index = &index;
    let results = sorted(report.findings)
        .into_iter()
        .filter(|f| f.status != Status::Pass)
        .map(move |f| {
            result(
                report,
                f,
                index.get(f.check_id.as_ref()).copied().unwrap_or(0),
            )
        });
    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|e| json!({"level": "error", "message": {"text": e}}))
        .collect();
    let doc = Sarif {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool: json!({"driver": {
                "name": TOOL_NAME,
                "version": report.tool_version,
                "informationUri": "https://github.com/yagura-sec/yagura",
                "rules": rules,
            }}),
            invocations: json!([{
                "executionSuccessful": report.errors.is_empty(),
                "endTimeUtc": report.generated_at,
                "toolExecutionNotifications": notifications,
            }]),
            language: match lang {
                yagura_core::Lang::En => "en",
                yagura_core::Lang::Ja => "ja",
            },
            properties: json!({"scope": report.scope}),
            results: Seq::new(results),
        }],
    };
    write_json(out, &doc, "SARIF")
}

#[derive(Serialize)]
struct Sarif<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
struct Run<'a> {
    tool: Value,
    invocations: Value,
    language: &'static str,
    properties: Value,
    results: Seq<'a>,
}

fn result(report: &Report, f: &Finding, rule_index: usize) -> Value {
    let lang = report.lang;
    {
        let v = View::new(report, f);
        let (kind, lvl) = if f.status == Status::Fail {
            ("fail", level(f.severity))
        } else {
            ("open", "none")
        };
        let mut result = json!({
            "ruleId": f.check_id,
            "ruleIndex": rule_index,
            "kind": kind,
            "level": lvl,
            "message": {"text": v.message()},
            "locations": [{
                "physicalLocation": location(f, report.scope == "host"),
                "logicalLocations": [{
                    "name": &*f.resource,
                    "fullyQualifiedName": &*f.resource,
                    "kind": "resource",
                }],
            }],
            "partialFingerprints": {"yaguraFindingKey/v1": f.key()},
            "properties": {
                "status": f.shown_status().as_str(),
                "severity": f.severity.as_str(),
                "account": f.account,
                "region": f.region,
                "recommendation": v.recommendation(),
                "evidence": f.evidence,
            },
        });
        if let (Some(m), Some(obj)) = (&f.mute, result.as_object_mut()) {
            let justification = format!("{}: {}", mute_kind_name(m.kind, lang), m.reason);
            obj.insert(
                "suppressions".into(),
                json!([{"kind": "external", "status": "accepted", "justification": justification}]),
            );
        }
        result
    }
}

/// A rule's name for people, distinct from its id as SARIF asks: `root-mfa-disabled` →
/// `RootMfaDisabled`.
fn rule_name(id: &str) -> String {
    id.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .flat_map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_uppercase().chain(cs))
                .into_iter()
                .flatten()
        })
        .collect()
}

/// The physical location of a result. GitHub code scanning shows only results with a relative
/// `artifactLocation.uri` (no scheme) and a `region.startLine`:
/// - a host finding about a file (`HOST:/etc/ssh/sshd_config`): the file relative to the
///   scanned root, `etc/ssh/sshd_config`, at the line of its `at` evidence (`/etc/x:12`), else 1;
/// - another host finding (`HOST:packages`, or any finding of a host report): `host/HOST/…`;
/// - an ARN: `aws/ACCOUNT/REGION/SERVICE/RESOURCE` (the finding's account and region where the
///   ARN has none);
/// - anything else: `aws/ACCOUNT/REGION/RESOURCE`.
///
/// Each segment is percent-encoded but for unreserved characters, so a resource name cannot
/// add a scheme, a query, `.`/`..` segments or a character a viewer would misread.
pub(crate) fn location(f: &Finding, host_report: bool) -> Value {
    let on_host = f
        .resource
        .strip_prefix(f.account.as_str())
        .and_then(|r| r.strip_prefix(':'))
        .filter(|_| !f.account.is_empty());
    let (segments, line): (Vec<&str>, u64) = match on_host {
        Some(path) if path.starts_with('/') => {
            let line = f
                .evidence
                .get("at")
                .and_then(|at| at.strip_prefix(path)?.strip_prefix(':')?.parse().ok())
                .filter(|l| *l >= 1)
                .unwrap_or(1);
            (path.split('/').collect(), line)
        }
        Some(rest) => (vec!["host", f.account.as_str(), rest], 1),
        None if host_report => (vec!["host", f.account.as_str(), &f.resource], 1),
        None => match f
            .resource
            .strip_prefix("arn:")
            .map(|a| a.splitn(5, ':').collect::<Vec<_>>())
        {
            Some(parts) if parts.len() == 5 => {
                let region = or_else(parts[2], f.region.as_str());
                let account = or_else(parts[3], f.account.as_str());
                let mut v = vec!["aws", account, region, parts[1]];
                v.extend(parts[4].split('/'));
                (v, 1)
            }
            _ => {
                let mut v = vec!["aws", f.account.as_str(), f.region.as_str()];
                v.extend(f.resource.split('/'));
                (v, 1)
            }
        },
    };
    let uri = segments
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| encode_segment(s))
        .collect::<Vec<_>>()
        .join("/");
    json!({
        "artifactLocation": {"uri": uri},
        "region": {"startLine": line},
    })
}

fn or_else<'a>(s: &'a str, default: &'a str) -> &'a str {
    if s.is_empty() {
        default
    } else {
        s
    }
}

/// A URI path segment: percent-encoded but for unreserved characters; `.` and `..` are
/// encoded too, so that no segment walks the path.
fn encode_segment(s: &str) -> String {
    if s == "." || s == ".." {
        return s.replace('.', "%2E");
    }
    yagura_core::escape::uri_component(s)
}
