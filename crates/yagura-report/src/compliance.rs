//! The per-requirement table of `yagura audit --compliance` ([`ComplianceTable`]) in the
//! formats that present it: a section after the text report and in the HTML page, a
//! `compliance` member of the JSON report, and the CSV report itself (one row per
//! requirement: a compliance owner's spreadsheet). SARIF, OCSF, ASFF and JUnit carry the
//! mapping of each finding's check instead. Outside strings (the failing resources) are escaped
//! for each format like every other.

use crate::{csv_cell, html_escape as e, terminal_safe, Report, ReportError};
use std::fmt::Write as _;
use std::io::Write;
use yagura_core::compliance::{ComplianceTable, RequirementResult, RequirementStatus};
use yagura_core::Lang;

/// Failing resources listed per requirement in the text report (all are in JSON, CSV, HTML).
const TEXT_RESOURCES_MAX: usize = 10;

struct L {
    heading: &'static str,
    requirement: &'static str,
    status: &'static str,
    title: &'static str,
    look_at: &'static str,
    more: &'static str,
    requirements: &'static str,
}

fn labels(lang: Lang) -> L {
    match lang {
        Lang::Ja => L {
            heading: "コンプライアンス",
            requirement: "要件",
            status: "状態",
            title: "タイトル",
            look_at: "確認すること",
            more: "件 ほか",
            requirements: "要件",
        },
        Lang::En => L {
            heading: "Compliance",
            requirement: "requirement",
            status: "status",
            title: "title",
            look_at: "look at",
            more: "more",
            requirements: "requirements",
        },
    }
}

/// `5 FAIL, 1 UNKNOWN, 20 PASS, 31 MANUAL, 13 NOT COVERED (70 requirements)`.
pub(crate) fn summary(t: &ComplianceTable, lang: Lang) -> String {
    let parts: Vec<String> = t
        .counts()
        .iter()
        .map(|(s, n)| format!("{n} {}", s.as_str()))
        .collect();
    format!(
        "{} ({} {})",
        parts.join(", "),
        t.requirements.len(),
        labels(lang).requirements
    )
}

fn counts(r: &RequirementResult) -> String {
    if r.checks.is_empty() {
        return String::new();
    }
    format!(
        "{} PASS / {} FAIL / {} UNKNOWN / {} MUTED",
        r.pass, r.fail, r.unknown, r.muted
    )
}

pub(crate) fn write_text(report: &Report, out: &mut dyn Write) -> Result<(), ReportError> {
    let Some(t) = report.compliance else {
        return Ok(());
    };
    let l = labels(report.lang);
    writeln!(out)?;
    writeln!(out, "{}: {} ({})", l.heading, t.name, t.framework)?;
    writeln!(out, "{:<11} {:<12} {}", l.requirement, l.status, l.title)?;
    for r in &t.requirements {
        writeln!(out, "{:<11} {:<12} {}", r.id, r.status.as_str(), r.title)?;
        let c = counts(r);
        if !c.is_empty() {
            writeln!(out, "{:25}{c}: {}", "", r.checks.join(", "))?;
        }
        for res in r.failing.iter().take(TEXT_RESOURCES_MAX) {
            writeln!(out, "{:25}- {}", "", terminal_safe(res))?;
        }
        if r.failing.len() > TEXT_RESOURCES_MAX {
            let n = r.failing.len() - TEXT_RESOURCES_MAX;
            writeln!(out, "{:25}… {n} {}", "", l.more)?;
        }
        if let Some(m) = r.look_at {
            writeln!(out, "{:25}{}: {}", "", l.look_at, m.get(report.lang))?;
        }
    }
    writeln!(out, "{}", summary(t, report.lang))?;
    Ok(())
}

pub(crate) fn html_section(report: &Report) -> String {
    let Some(t) = report.compliance else {
        return String::new();
    };
    let l = labels(report.lang);
    let mut h = String::new();
    let _ = write!(
        h,
        "<section><h2>{}: {}</h2><p>{}</p><table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th class=\"n\">PASS</th><th class=\"n\">FAIL</th><th class=\"n\">UNKNOWN</th><th class=\"n\">MUTED</th></tr></thead><tbody>",
        e(l.heading),
        e(t.name),
        e(&summary(t, report.lang)),
        e(l.requirement),
        e(l.status),
        e(l.title),
    );
    for r in &t.requirements {
        let class = match r.status {
            RequirementStatus::Fail => "st-FAIL",
            RequirementStatus::Unknown => "st-UNKNOWN",
            RequirementStatus::Pass => "st-PASS",
            RequirementStatus::NoResources
            | RequirementStatus::Manual
            | RequirementStatus::NotCovered => "st-MUTED",
        };
        let _ = write!(
            h,
            "<tr><td><code>{}</code></td><td><span class=\"badge {class}\">{}</span></td><td class=\"msg\">{}",
            e(r.id),
            e(r.status.as_str()),
            e(r.title)
        );
        if !r.checks.is_empty() {
            let _ = write!(
                h,
                "<br><span class=\"muted-note\">{}</span>",
                e(&r.checks.join(", "))
            );
        }
        if let Some(m) = r.look_at {
            let _ = write!(
                h,
                "<br><span class=\"muted-note\">{}: {}</span>",
                e(l.look_at),
                e(m.get(report.lang))
            );
        }
        if !r.failing.is_empty() {
            h.push_str("<ul>");
            for res in &r.failing {
                let _ = write!(h, "<li><code>{}</code></li>", e(res));
            }
            h.push_str("</ul>");
        }
        h.push_str("</td>");
        for n in [r.pass, r.fail, r.unknown, r.muted] {
            let class = if n == 0 { "n z" } else { "n" };
            let _ = write!(h, "<td class=\"{class}\">{n}</td>");
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table></section>\n");
    h
}

const CSV_HEADER: [&str; 13] = [
    "framework",
    "requirement",
    "section",
    "status",
    "pass",
    "fail",
    "unknown",
    "muted",
    "checks",
    "failing_resources",
    "title",
    "look_at",
    "generated_at",
];

/// The CSV report of a compliance run: one row per requirement.
pub(crate) fn write_csv(
    report: &Report,
    t: &ComplianceTable,
    out: &mut dyn Write,
) -> Result<(), ReportError> {
    if report.lang == Lang::Ja {
        out.write_all("\u{feff}".as_bytes())?;
    }
    let err = |e: csv::Error| ReportError::Csv(e.to_string());
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(CSV_HEADER).map_err(err)?;
    for r in &t.requirements {
        let nums = [r.pass, r.fail, r.unknown, r.muted].map(|n| n.to_string());
        let row: [&str; 13] = [
            t.framework,
            r.id,
            r.section,
            r.status.as_str(),
            &nums[0],
            &nums[1],
            &nums[2],
            &nums[3],
            &r.checks.join(" "),
            &r.failing.join("; "),
            r.title,
            r.look_at.map_or("", |m| m.get(report.lang)),
            report.generated_at,
        ];
        w.write_record(row.map(|c| csv_cell(c).into_owned()))
            .map_err(err)?;
    }
    w.flush()?;
    Ok(())
}
