//! Report writers: findings to every output format (REP-01), in English and Japanese (REP-03),
//! and the exit-code rule that gates CI (REP-04).
//!
//! Every writer writes to any [`std::io::Write`]; nothing here prints. Every string that comes
//! from outside (resource names, tag values, messages, evidence) is made inert for the format it
//! lands in: control characters and ANSI escapes are escaped in text, CSV cells that a
//! spreadsheet would read as a formula get a leading `'`, XML and HTML are escaped and
//! characters illegal in XML 1.0 are replaced.
//!
//! All writers present findings in one deterministic order ([`sorted`]): FAIL, UNKNOWN, MUTED,
//! PASS; within a status by severity (highest first), then check id, account, region, resource.
//!
//! Formats ([`Format`]), each documented in its module:
//! - `text`: a terminal table (FAIL and UNKNOWN first, PASS only with `show_pass`), a summary.
//! - `json`: schema version 1, every result; read back with [`read_json_report`].
//! - `csv`: RFC 4180, formula cells defused, a BOM for Japanese (Excel).
//! - `sarif`: 2.1.0; FAIL as `fail`, UNKNOWN as `open` (level `none`), muted results with a
//!   suppression, PASS left out.
//! - `ocsf`: OCSF 1.1 Compliance Finding events (class 2003).
//! - `asff`: Security Hub findings for `BatchImportFindings`, field limits enforced.
//! - `junit`: a suite per check, a case per resource; UNKNOWN and MUTED are skipped.
//! - `html`: one self-contained page under a strict Content-Security-Policy.
//!
//! [`exit_code`] and [`has_unknown`] give the CI gate (REP-04).
// Only the binary prints (ARCHITECTURE.md): a library returns data and typed errors.
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod asff;
mod compliance;
mod csv_out;
mod graph;
mod html;
mod json;
mod junit;
mod labels;
mod ocsf;
mod sarif;
mod text;

pub use json::{parse_json_report, read_json_report, ParsedReport, ShardCover};
pub use labels::all_labels;
pub use text::pad;
pub use yagura_core::escape::{csv_cell, html_escape, terminal_safe, xml_escape};

use std::borrow::Cow;
use std::cmp::Reverse;
use std::fmt;
use std::io::Write;
use std::str::FromStr;
use yagura_core::{Catalogue, CheckMeta, Finding, Lang, Severity, Status};

/// The JSON report schema version written by this crate and accepted by [`parse_json_report`].
pub const SCHEMA_VERSION: u32 = 1;

/// The tool name written into reports.
pub const TOOL_NAME: &str = "yagura";

/// Everything a writer needs: the findings and the context they were produced in.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    pub tool_version: &'a str,
    /// RFC 3339 time of the run, given by the caller (tests pass a fixed one).
    pub generated_at: &'a str,
    /// What was assessed: `audit`, `host`, `trail`, …
    pub scope: &'a str,
    pub findings: &'a [Finding],
    /// The checks, for titles, documentation and compliance mappings.
    pub catalogue: &'a Catalogue,
    pub lang: Lang,
    /// Collection errors, shown in the report (the result is incomplete when not empty).
    pub errors: &'a [String],
    /// Extra members merged into the JSON top level (e.g. `{"detections": [...]}`); members
    /// whose names the report itself uses are ignored.
    pub extra: Option<&'a serde_json::Value>,
    /// `audit --compliance`: the framework's per-requirement table, presented by the text,
    /// JSON, HTML and CSV writers.
    pub compliance: Option<&'a yagura_core::compliance::ComplianceTable>,
}

impl<'a> Report<'a> {
    /// A report of the current [`SCHEMA_VERSION`] in English, without errors or extra members;
    /// set the public fields for the rest.
    pub fn new(
        tool_version: &'a str,
        generated_at: &'a str,
        scope: &'a str,
        findings: &'a [Finding],
        catalogue: &'a Catalogue,
    ) -> Report<'a> {
        Report {
            schema_version: SCHEMA_VERSION,
            tool_version,
            generated_at,
            scope,
            findings,
            catalogue,
            lang: Lang::En,
            errors: &[],
            extra: None,
            compliance: None,
        }
    }
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Text,
    Json,
    Csv,
    Sarif,
    Ocsf,
    Asff,
    Junit,
    Html,
}

impl Format {
    pub const ALL: [Format; 8] = [
        Format::Text,
        Format::Json,
        Format::Csv,
        Format::Sarif,
        Format::Ocsf,
        Format::Asff,
        Format::Junit,
        Format::Html,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Sarif => "sarif",
            Format::Ocsf => "ocsf",
            Format::Asff => "asff",
            Format::Junit => "junit",
            Format::Html => "html",
        }
    }

    /// The usual file extension of the format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Text => "txt",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Sarif => "sarif",
            Format::Ocsf => "ocsf.json",
            Format::Asff => "asff.json",
            Format::Junit => "xml",
            Format::Html => "html",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown format name.
#[derive(Debug, thiserror::Error)]
#[error("unknown report format `{0}` (expected text, json, csv, sarif, ocsf, asff, junit or html)")]
pub struct ParseFormatError(pub String);

impl FromStr for Format {
    type Err = ParseFormatError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "text" | "txt" | "table" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            "sarif" => Ok(Format::Sarif),
            "ocsf" => Ok(Format::Ocsf),
            "asff" => Ok(Format::Asff),
            "junit" | "junit-xml" => Ok(Format::Junit),
            "html" => Ok(Format::Html),
            _ => Err(ParseFormatError(s.to_string())),
        }
    }
}

/// Options of the writers.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// Text: colour the status and severity with ANSI escapes (only yagura's own escapes are
    /// ever written; outside text is escaped either way).
    pub color: bool,
    /// Text: list PASS results too (they are always counted in the summary).
    pub show_pass: bool,
    /// ASFF: the AWS account id used for findings whose `account` is not a 12-digit account id
    /// (host findings carry the host identity). Without it such findings are an error.
    pub aws_account: Option<String>,
    /// ASFF: the region used for findings whose region is `global` or empty (default
    /// `us-east-1`); it is also the region of the Security Hub product ARN for them.
    pub aws_region: Option<String>,
}

/// A report that could not be written or read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    #[error("cannot write the report: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot write the CSV report: {0}")]
    Csv(String),
    #[error("cannot encode the {format} report: {message}")]
    Encode {
        format: &'static str,
        message: String,
    },
    #[error("invalid generated_at time `{value}`: {message}")]
    Time { value: String, message: String },
    #[error("finding `{key}`: account `{account}` is not a 12-digit AWS account id (ASFF needs one; set an AWS account for host findings)")]
    AsffAccount { key: String, account: String },
    #[error("invalid JSON report at line {line}, column {column}: {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("unsupported JSON report schema_version `{found}` (this yagura reads {expected})")]
    SchemaVersion { found: u64, expected: u32 },
}

/// Writes `report` in `format` to `out`.
pub fn write(
    format: Format,
    report: &Report,
    out: &mut dyn Write,
    opts: &WriteOptions,
) -> Result<(), ReportError> {
    match format {
        Format::Text => text::write(report, out, opts),
        Format::Json => json::write(report, out),
        Format::Csv => match report.compliance {
            Some(t) => compliance::write_csv(report, t, out),
            None => csv_out::write(report, out),
        },
        Format::Sarif => sarif::write(report, out),
        Format::Ocsf => ocsf::write(report, out),
        Format::Asff => asff::write(report, out, opts),
        Format::Junit => junit::write(report, out),
        Format::Html => html::write(report, out),
    }
}

/// The exit code of a run (REP-04): 1 when an unmuted FAIL is at or above `fail_on`, else 0.
/// (2, an error, is the binary's business.)
pub fn exit_code(findings: &[Finding], fail_on: Severity) -> i32 {
    if findings.iter().any(|f| f.fails_at(fail_on)) {
        1
    } else {
        0
    }
}

/// True when an unmuted finding is UNKNOWN: the result is incomplete and the binary says so.
pub fn has_unknown(findings: &[Finding]) -> bool {
    findings
        .iter()
        .any(|f| f.mute.is_none() && f.status == Status::Unknown)
}

/// The rank of a shown status in every listing: FAIL, UNKNOWN, MUTED, PASS.
pub(crate) fn status_rank(s: Status) -> u8 {
    match s {
        Status::Fail => 0,
        Status::Unknown => 1,
        Status::Muted => 2,
        Status::Pass => 3,
    }
}

/// The findings in the order every writer uses: FAIL, UNKNOWN, MUTED, PASS; then severity
/// (highest first), check id, account, region, resource, message.
pub fn sorted(findings: &[Finding]) -> Vec<&Finding> {
    let mut v: Vec<&Finding> = findings.iter().collect();
    v.sort_by(|a, b| {
        let ka = (
            status_rank(a.shown_status()),
            Reverse(a.severity),
            &a.check_id,
            &a.account,
            &a.region,
            &a.resource,
        );
        let kb = (
            status_rank(b.shown_status()),
            Reverse(b.severity),
            &b.check_id,
            &b.account,
            &b.region,
            &b.resource,
        );
        // The message only breaks ties (rendering a template is not free).
        ka.cmp(&kb)
            .then_with(|| a.message.en().cmp(&b.message.en()))
    });
    v
}

/// Counts of a report: by shown status, and unmuted FAILs by severity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub total: usize,
    pub pass: usize,
    pub fail: usize,
    pub unknown: usize,
    pub muted: usize,
    /// Unmuted FAILs by severity, in [`Severity::ALL`] order (critical first).
    pub fail_by_severity: [usize; 5],
}

impl Summary {
    pub fn of(findings: &[Finding]) -> Summary {
        let mut s = Summary {
            total: findings.len(),
            ..Summary::default()
        };
        for f in findings {
            match f.shown_status() {
                Status::Pass => s.pass += 1,
                Status::Unknown => s.unknown += 1,
                Status::Muted => s.muted += 1,
                Status::Fail => {
                    s.fail += 1;
                    if let Some(i) = Severity::ALL.iter().position(|x| *x == f.severity) {
                        if let Some(c) = s.fail_by_severity.get_mut(i) {
                            *c += 1;
                        }
                    }
                }
            }
        }
        s
    }
}

/// What a writer knows about a finding's check: the catalogue entry when there is one.
pub(crate) struct View<'r> {
    pub f: &'r Finding,
    pub meta: Option<&'static CheckMeta>,
    pub lang: Lang,
}

impl<'r> View<'r> {
    pub fn new(report: &Report<'r>, f: &'r Finding) -> View<'r> {
        View {
            f,
            meta: report.catalogue.get(&f.check_id),
            lang: report.lang,
        }
    }

    /// The check's title in the report language, or the check id for a check this catalogue
    /// does not know (a merged report from another version).
    pub fn title(&self) -> &'r str {
        match self.meta {
            Some(m) => m.title.get(self.lang),
            None => {
                let f: &'r Finding = self.f;
                &f.check_id
            }
        }
    }

    /// The message in the report's language (rendered now when the finding keeps a template).
    pub fn message(&self) -> Cow<'r, str> {
        let f: &'r Finding = self.f;
        f.message.get(self.lang)
    }

    /// The finding's own recommendation, else the check's `fix`, else empty.
    pub fn recommendation(&self) -> &'r str {
        let f: &'r Finding = self.f;
        match (&f.recommendation, self.meta) {
            (Some(r), _) => r.get(self.lang),
            (None, Some(m)) => m.fix.get(self.lang),
            (None, None) => "",
        }
    }

    pub fn compliance(&self) -> std::collections::BTreeMap<&'static str, Vec<&'static str>> {
        self.meta.map(|m| m.compliance_map()).unwrap_or_default()
    }

    pub fn references(&self) -> &'static [&'static str] {
        self.meta.map(|m| m.references).unwrap_or(&[])
    }
}

/// A JSON array serialized from an iterator, one element at a time: a large report never holds
/// every element's tree in memory at once.
pub(crate) struct Seq<'a>(
    std::cell::RefCell<Option<Box<dyn Iterator<Item = serde_json::Value> + 'a>>>,
);

impl<'a> Seq<'a> {
    pub fn new(it: impl Iterator<Item = serde_json::Value> + 'a) -> Seq<'a> {
        Seq(std::cell::RefCell::new(Some(Box::new(it))))
    }
}

impl serde::Serialize for Seq<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let it = self.0.borrow_mut().take();
        s.collect_seq(it.into_iter().flatten())
    }
}

/// Writes `value` as pretty JSON (with `yagura_core::escape::write_json`'s escapes: no
/// character of it acts on a terminal) and a final newline.
pub(crate) fn write_json<T: serde::Serialize>(
    out: &mut dyn Write,
    value: &T,
    format: &'static str,
) -> Result<(), ReportError> {
    yagura_core::escape::write_json(&mut *out, value).map_err(|e| {
        if e.is_io() {
            ReportError::Io(std::io::Error::other(e.to_string()))
        } else {
            ReportError::Encode {
                format,
                message: e.to_string(),
            }
        }
    })?;
    out.write_all(b"\n")?;
    Ok(())
}

/// A stable 64-bit FNV-1a hash, for identifiers derived from a finding key.
pub(crate) fn fnv64(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Truncates `s` to at most `max` characters on a character boundary, marking the cut with `…`.
pub fn truncate_chars(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if s.chars().count() <= max {
        return std::borrow::Cow::Borrowed(s);
    }
    if max == 0 {
        return std::borrow::Cow::Borrowed("");
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use yagura_core::Text;

    fn f(status: Status, sev: Severity) -> Finding {
        Finding::new("c", status, sev, "r", "a", "g", Text::new("m", "m"))
    }

    #[test]
    fn formats_parse_and_print() {
        for fmt in Format::ALL {
            assert_eq!(fmt.as_str().parse::<Format>().unwrap(), fmt);
        }
        assert!("pdf".parse::<Format>().is_err());
        assert_eq!(
            "pdf".parse::<Format>().unwrap_err().to_string(),
            "unknown report format `pdf` (expected text, json, csv, sarif, ocsf, asff, junit or html)"
        );
    }

    #[test]
    fn exit_code_gates_on_threshold_and_ignores_muted() {
        let mut muted = f(Status::Fail, Severity::Critical);
        muted.mute = Some(Box::new(yagura_core::Mute {
            kind: yagura_core::MuteKind::Accepted,
            reason: "ok".into(),
            expires: None,
        }));
        let fs = vec![
            f(Status::Fail, Severity::Medium),
            f(Status::Pass, Severity::Critical),
            muted,
        ];
        assert_eq!(exit_code(&fs, Severity::High), 0);
        assert_eq!(exit_code(&fs, Severity::Medium), 1);
        assert_eq!(exit_code(&fs, Severity::Info), 1);
        assert_eq!(exit_code(&[], Severity::Info), 0);
        assert!(!has_unknown(&fs));
        assert!(has_unknown(&[f(Status::Unknown, Severity::Low)]));
    }

    #[test]
    fn truncation_respects_char_boundaries() {
        assert_eq!(truncate_chars("日本語テキスト", 4), "日本語…");
        assert_eq!(truncate_chars("abc", 3), "abc");
        assert_eq!(truncate_chars("abc", 0), "");
    }

    #[test]
    fn summary_counts() {
        let s = Summary::of(&[
            f(Status::Fail, Severity::Critical),
            f(Status::Fail, Severity::Low),
            f(Status::Unknown, Severity::Low),
            f(Status::Pass, Severity::Low),
        ]);
        assert_eq!(
            (s.total, s.fail, s.unknown, s.pass, s.muted),
            (4, 2, 1, 1, 0)
        );
        assert_eq!(s.fail_by_severity, [1, 0, 0, 1, 0]);
    }
}
