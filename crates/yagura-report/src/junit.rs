//! JUnit XML for CI systems: `<testsuites>` with one `<testsuite>` per check (sorted by id) and
//! one `<testcase>` per resource. FAIL is a `<failure>` (type = severity), UNKNOWN and MUTED are
//! `<skipped>` with the reason, PASS is a plain test case. Collection errors form a last suite,
//! `yagura-collection-errors`, of `<error>` cases. Every string is XML-escaped and characters
//! illegal in XML 1.0 are replaced ([`xml_escape`](crate::xml_escape)).

use crate::labels::{labels, mute_kind_name};
use crate::{sorted, xml_escape as x, Report, ReportError, View, TOOL_NAME};
use std::collections::BTreeMap;
use std::io::Write;
use yagura_core::{Finding, Status};

#[derive(Default)]
struct Counts {
    tests: usize,
    failures: usize,
    skipped: usize,
}

impl Counts {
    fn add(&mut self, f: &Finding) {
        self.tests += 1;
        match f.shown_status() {
            Status::Fail => self.failures += 1,
            Status::Unknown | Status::Muted => self.skipped += 1,
            Status::Pass => {}
        }
    }
}

pub(crate) fn write(report: &Report, out: &mut dyn Write) -> Result<(), ReportError> {
    let lang = report.lang;
    let l = labels(lang);
    let mut suites: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in sorted(report.findings) {
        suites.entry(f.check_id.as_ref()).or_default().push(f);
    }
    let mut total = Counts::default();
    for f in report.findings {
        total.add(f);
    }
    let ts = x(report.generated_at);
    let mut s = String::with_capacity(4096);
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str(&format!(
        "<testsuites name=\"{} {}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" timestamp=\"{ts}\">\n",
        TOOL_NAME,
        x(report.scope),
        total.tests + report.errors.len(),
        total.failures,
        report.errors.len(),
        total.skipped,
    ));
    for (check_id, findings) in &suites {
        let mut c = Counts::default();
        for f in findings {
            c.add(f);
        }
        let first = findings.first().map(|f| View::new(report, f));
        s.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" timestamp=\"{ts}\">\n",
            x(check_id),
            c.tests,
            c.failures,
            c.skipped
        ));
        if let Some(v) = &first {
            s.push_str("    <properties>\n");
            s.push_str(&format!(
                "      <property name=\"title\" value=\"{}\"/>\n",
                x(v.title())
            ));
            for (fw, ids) in v.compliance() {
                s.push_str(&format!(
                    "      <property name=\"compliance:{}\" value=\"{}\"/>\n",
                    x(fw),
                    x(&ids.join(","))
                ));
            }
            s.push_str("    </properties>\n");
        }
        for f in findings {
            let v = View::new(report, f);
            s.push_str(&format!(
                "    <testcase name=\"{} ({}, {})\" classname=\"{}\">",
                x(&f.resource),
                x(&f.account),
                x(&f.region),
                x(check_id)
            ));
            match (f.shown_status(), &f.mute) {
                (Status::Fail, _) => {
                    let message = v.message();
                    let mut body = x(&message).into_owned();
                    if !v.recommendation().is_empty() {
                        body.push_str(&format!(
                            "\n{}: {}",
                            l.recommendation,
                            x(v.recommendation())
                        ));
                    }
                    s.push_str(&format!(
                        "\n      <failure message=\"{}\" type=\"{}\">{body}</failure>\n    ",
                        x(&message),
                        f.severity.as_str(),
                    ));
                }
                (Status::Muted, Some(m)) => {
                    let mut why = format!(
                        "MUTED ({}): {}: {}",
                        f.status.as_str(),
                        mute_kind_name(m.kind, lang),
                        m.reason
                    );
                    if let Some(e) = &m.expires {
                        why.push_str(&format!(" ({} {e})", l.expires));
                    }
                    s.push_str(&format!("\n      <skipped message=\"{}\"/>\n    ", x(&why)));
                }
                (Status::Unknown, _) | (Status::Muted, None) => {
                    s.push_str(&format!(
                        "\n      <skipped message=\"{}\"/>\n    ",
                        x(&format!("UNKNOWN: {}", v.message()))
                    ));
                }
                (Status::Pass, _) => {}
            }
            s.push_str("</testcase>\n");
        }
        s.push_str("  </testsuite>\n");
    }
    if !report.errors.is_empty() {
        s.push_str(&format!(
            "  <testsuite name=\"yagura-collection-errors\" tests=\"{n}\" failures=\"0\" errors=\"{n}\" skipped=\"0\" timestamp=\"{ts}\">\n",
            n = report.errors.len()
        ));
        for (i, e) in report.errors.iter().enumerate() {
            s.push_str(&format!(
                "    <testcase name=\"collection error {}\" classname=\"yagura\">\n      <error message=\"{}\"/>\n    </testcase>\n",
                i + 1,
                x(e)
            ));
        }
        s.push_str("  </testsuite>\n");
    }
    s.push_str("</testsuites>\n");
    out.write_all(s.as_bytes())?;
    Ok(())
}
