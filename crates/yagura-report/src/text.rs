//! The terminal table: status, severity, check, resource, message; FAIL and UNKNOWN first, PASS
//! only with `show_pass`, then a summary line. Outside strings go through
//! [`terminal_safe`](crate::terminal_safe), so no escape sequence from a resource name or tag
//! reaches the terminal; colour (yagura's own escapes) only when asked.

use crate::labels::{labels, mute_kind_name, severity_name, status_name, summary_line};
use crate::{sorted, terminal_safe, Report, ReportError, Summary, View, WriteOptions};
use std::io::Write;
use yagura_core::{Severity, Status};

const CHECK_MAX: usize = 48;
const RESOURCE_MAX: usize = 64;
const MESSAGE_MAX: usize = 400;

/// Display width of a character on a terminal: 2 for East Asian wide and fullwidth characters,
/// 0 for combining marks, else 1 (a small table, enough for Japanese).
fn char_width(c: char) -> usize {
    let u = u32::from(c);
    if (0x0300..=0x036f).contains(&u) || (0x200b..=0x200d).contains(&u) || u == 0xfe0f {
        return 0;
    }
    let wide = (0x1100..=0x115f).contains(&u)
        || (0x2e80..=0x303e).contains(&u)
        || (0x3041..=0x33ff).contains(&u)
        || (0x3400..=0x4dbf).contains(&u)
        || (0x4e00..=0x9fff).contains(&u)
        || (0xa000..=0xa4cf).contains(&u)
        || (0xac00..=0xd7a3).contains(&u)
        || (0xf900..=0xfaff).contains(&u)
        || (0xfe30..=0xfe4f).contains(&u)
        || (0xff00..=0xff60).contains(&u)
        || (0xffe0..=0xffe6).contains(&u)
        || (0x1f300..=0x1f64f).contains(&u)
        || (0x1f900..=0x1f9ff).contains(&u)
        || (0x20000..=0x3fffd).contains(&u);
    if wide {
        2
    } else {
        1
    }
}

fn width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// Cuts `s` to at most `max` columns, marking a cut with `…`.
fn fit(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = char_width(c);
        if w + cw + 1 > max {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// `s` padded with spaces to `cols` terminal columns (a Japanese character takes two).
pub fn pad(s: &str, cols: usize) -> String {
    let w = width(s);
    let mut out = s.to_string();
    for _ in w..cols {
        out.push(' ');
    }
    out
}

fn status_color(s: Status) -> &'static str {
    match s {
        Status::Fail => "\x1b[1;31m",
        Status::Unknown => "\x1b[1;33m",
        Status::Muted => "\x1b[2m",
        Status::Pass => "\x1b[32m",
    }
}

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "\x1b[1;35m",
        Severity::High => "\x1b[31m",
        Severity::Medium => "\x1b[33m",
        Severity::Low => "\x1b[36m",
        Severity::Info => "\x1b[2m",
    }
}

const RESET: &str = "\x1b[0m";

struct Row {
    status: Status,
    severity: Severity,
    cells: [String; 5],
}

pub(crate) fn write(
    report: &Report,
    out: &mut dyn Write,
    opts: &WriteOptions,
) -> Result<(), ReportError> {
    let lang = report.lang;
    let l = labels(lang);
    let paint = |code: &str, cell: String| -> String {
        if opts.color {
            format!("{code}{cell}{RESET}")
        } else {
            cell
        }
    };

    let mut rows: Vec<Row> = Vec::new();
    for f in sorted(report.findings) {
        let shown = f.shown_status();
        if shown == Status::Pass && !opts.show_pass {
            continue;
        }
        let v = View::new(report, f);
        let mut message = terminal_safe(&v.message()).into_owned();
        if let Some(m) = &f.mute {
            message = format!(
                "[{}: {}: {}] {message}",
                l.muted_because,
                mute_kind_name(m.kind, lang),
                crate::labels::quoted(&terminal_safe(&m.reason), lang)
            );
        }
        rows.push(Row {
            status: shown,
            severity: f.severity,
            cells: [
                status_name(shown).to_string(),
                severity_name(f.severity, lang).to_string(),
                fit(&terminal_safe(&f.check_id), CHECK_MAX),
                fit(&terminal_safe(&f.resource), RESOURCE_MAX),
                fit(&message, MESSAGE_MAX),
            ],
        });
    }

    let headers = [l.status, l.severity, l.check, l.resource, l.message];
    let mut widths = headers.map(width);
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r.cells.iter()) {
            *w = (*w).max(width(c));
        }
    }

    if rows.is_empty() {
        writeln!(out, "{}", l.no_findings)?;
    } else {
        let mut line = String::new();
        for (i, h) in headers.iter().enumerate() {
            let w = widths.get(i).copied().unwrap_or(0);
            if i + 1 == headers.len() {
                line.push_str(h);
            } else {
                line.push_str(&pad(h, w));
                line.push_str("  ");
            }
        }
        writeln!(out, "{}", paint("\x1b[1m", line))?;
        for r in &rows {
            let mut line = String::new();
            for (i, c) in r.cells.iter().enumerate() {
                let w = widths.get(i).copied().unwrap_or(0);
                let last = i + 1 == r.cells.len();
                let cell = if last { c.clone() } else { pad(c, w) };
                let cell = match i {
                    0 => paint(status_color(r.status), cell),
                    1 => paint(severity_color(r.severity), cell),
                    _ => cell,
                };
                line.push_str(&cell);
                if !last {
                    line.push_str("  ");
                }
            }
            writeln!(out, "{}", line.trim_end())?;
        }
    }

    let s = Summary::of(report.findings);
    writeln!(out)?;
    writeln!(out, "{}", summary_line(&s, lang))?;
    if !opts.show_pass && s.pass > 0 {
        writeln!(out, "{}", l.pass_hidden)?;
    }
    if !report.errors.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}: {}", l.errors, l.errors_note)?;
        for e in report.errors {
            writeln!(out, "  - {}", terminal_safe(e))?;
        }
    }
    crate::compliance::write_text(report, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_count_japanese_as_two_columns() {
        assert_eq!(width("abc"), 3);
        assert_eq!(width("日本"), 4);
        assert_eq!(fit("日本語テキスト", 7), "日本語…");
        assert_eq!(pad("日本", 6), "日本  ");
    }
}
