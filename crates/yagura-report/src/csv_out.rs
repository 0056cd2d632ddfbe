//! CSV (RFC 4180: CRLF line ends, fields quoted when needed) with one row per finding.
//!
//! Every cell goes through [`csv_cell`](crate::csv_cell): a cell a spreadsheet would run as a
//! formula (`=`, `+`, `-`, `@`, tab, carriage return first) gets a leading `'`. A Japanese
//! report starts with a UTF-8 byte order mark so that Excel does not read it as Shift_JIS.

use crate::{csv_cell, sorted, Report, ReportError, View};
use std::io::Write;
use yagura_core::{Lang, MuteKind};

const HEADER: [&str; 16] = [
    "status",
    "raw_status",
    "severity",
    "check_id",
    "title",
    "account",
    "region",
    "resource",
    "message",
    "recommendation",
    "compliance",
    "evidence",
    "mute_kind",
    "mute_reason",
    "mute_expires",
    "generated_at",
];

fn csv_err(e: csv::Error) -> ReportError {
    ReportError::Csv(e.to_string())
}

pub(crate) fn write(report: &Report, out: &mut dyn Write) -> Result<(), ReportError> {
    if report.lang == Lang::Ja {
        out.write_all("\u{feff}".as_bytes())?;
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(HEADER).map_err(csv_err)?;
    for f in sorted(report.findings) {
        let v = View::new(report, f);
        let compliance = v
            .compliance()
            .iter()
            .map(|(fw, ids)| format!("{fw}:{}", ids.join(",")))
            .collect::<Vec<_>>()
            .join("; ");
        let evidence = f
            .evidence
            .iter()
            .map(|(k, val)| format!("{k}={val}"))
            .collect::<Vec<_>>()
            .join("; ");
        let (mute_kind, mute_reason, mute_expires) = match &f.mute {
            Some(m) => (
                match m.kind {
                    MuteKind::NotAdopted => "not_adopted",
                    MuteKind::Accepted => "accepted",
                },
                m.reason.as_str(),
                m.expires.as_deref().unwrap_or(""),
            ),
            None => ("", "", ""),
        };
        let row: [&str; 16] = [
            f.shown_status().as_str(),
            f.status.as_str(),
            f.severity.as_str(),
            &f.check_id,
            v.title(),
            &f.account,
            &f.region,
            &f.resource,
            &v.message(),
            v.recommendation(),
            &compliance,
            &evidence,
            mute_kind,
            mute_reason,
            mute_expires,
            report.generated_at,
        ];
        w.write_record(row.iter().map(|c| csv_cell(c).into_owned()))
            .map_err(csv_err)?;
    }
    w.flush()?;
    Ok(())
}
