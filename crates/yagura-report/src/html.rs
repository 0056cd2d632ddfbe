//! One self-contained HTML file: inline CSS, server-drawn SVG charts (results by status as a
//! donut, failed checks by severity as bars), a summary per compliance requirement, the
//! collection errors, and the findings table with CSS-only status filters. No script, font,
//! stylesheet or image is loaded from anywhere: the Content-Security-Policy forbids everything
//! but inline styles and `data:` images, so even an escaping bug could not run a script.
//!
//! Every outside string goes through [`html_escape`](crate::html_escape) (text and attributes
//! alike). The page is in the report language (`<html lang="ja">` for Japanese).

use crate::labels::{labels, mute_kind_name, severity_name, status_name, summary_line, Labels};
use crate::{html_escape as e, sorted, status_rank, Report, ReportError, Summary, View};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;
use yagura_core::{Lang, Severity, Status};

pub(crate) const CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const CSS: &str = r#"
:root{--fail:#cf222e;--unknown:#9a6700;--muted:#6e7781;--pass:#1a7f37;--crit:#8250df;--high:#cf222e;--med:#bc4c00;--low:#0969da;--info:#6e7781;--bg:#f6f8fa;--fg:#1f2328;--line:#d0d7de}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,-apple-system,"Segoe UI","Hiragino Sans","Noto Sans CJK JP","Yu Gothic",Meiryo,sans-serif}
header{background:#24292f;color:#fff;padding:20px 32px}
header h1{margin:0 0 6px;font-size:22px}
header dl{margin:0;display:flex;flex-wrap:wrap;gap:4px 24px;font-size:13px;opacity:.9}
header dt{font-weight:600}header dt::after{content:":"}
header dd{margin:0 0 0 -18px}
main{padding:20px 32px;max-width:1600px}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin:0 0 20px}
h2{font-size:17px;margin:0 0 12px}
.cards{display:flex;flex-wrap:wrap;gap:12px;border:0;background:none;padding:0}
.card{background:#fff;border:1px solid var(--line);border-left:6px solid var(--muted);border-radius:8px;padding:10px 18px;min-width:130px}
.card b{display:block;font-size:26px}
.card.fail{border-left-color:var(--fail)}.card.unknown{border-left-color:var(--unknown)}.card.pass{border-left-color:var(--pass)}
.charts{display:flex;flex-wrap:wrap;gap:40px;align-items:center}
.charts figure{margin:0}.charts figcaption{font-weight:600;margin-bottom:6px}
.graphbox{overflow:auto;max-height:80vh;border:1px solid #ddd;padding:4px}
.legend{list-style:none;padding:0;margin:8px 0 0;display:flex;gap:14px;flex-wrap:wrap;font-size:13px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa;font-size:12px;text-transform:uppercase;letter-spacing:.03em;white-space:nowrap}
th.n{text-align:right}
table.req{width:auto;min-width:50%}
table.req td,table.req th{padding:6px 16px}
td.n{text-align:right;font-variant-numeric:tabular-nums}
td.z{color:#8c959f}
.wrap{overflow-wrap:anywhere;word-break:break-word;max-width:48ch}
.msg{overflow-wrap:anywhere;word-break:break-word;max-width:70ch}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#eff1f3;border-radius:4px;padding:1px 4px;overflow-wrap:anywhere}
.badge{display:inline-block;border-radius:12px;padding:1px 9px;font-size:12px;font-weight:600;color:#fff;white-space:nowrap}
.st-FAIL{background:var(--fail)}.st-UNKNOWN{background:var(--unknown)}.st-MUTED{background:var(--muted)}.st-PASS{background:var(--pass)}
.sev{font-weight:600;white-space:nowrap}
.sev-critical{color:var(--crit)}.sev-high{color:var(--high)}.sev-medium{color:var(--med)}.sev-low{color:var(--low)}.sev-info{color:var(--info)}
.muted-note{color:var(--muted);font-size:12px}
details summary{cursor:pointer;color:#0969da;font-size:12px}
dl.ev{margin:4px 0 0;display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;font-size:12px}
dl.ev dt{font-weight:600}dl.ev dd{margin:0;overflow-wrap:anywhere}
.errors{border-color:var(--unknown);background:#fff8c5}
.errors li{overflow-wrap:anywhere}
.filters{margin:0 0 10px}
.filters label{display:inline-block;border:1px solid var(--line);border-radius:16px;padding:2px 12px;margin:0 6px 6px 0;cursor:pointer;font-size:13px;background:#fff}
#flt-problems:checked~.filters label[for=flt-problems],#flt-FAIL:checked~.filters label[for=flt-FAIL],#flt-UNKNOWN:checked~.filters label[for=flt-UNKNOWN],#flt-MUTED:checked~.filters label[for=flt-MUTED],#flt-PASS:checked~.filters label[for=flt-PASS],#flt-all:checked~.filters label[for=flt-all]{background:#24292f;color:#fff;border-color:#24292f}
#flt-problems:checked~table tr.r-PASS{display:none}
#flt-FAIL:checked~table tr.r:not(.r-FAIL),#flt-UNKNOWN:checked~table tr.r:not(.r-UNKNOWN),#flt-MUTED:checked~table tr.r:not(.r-MUTED),#flt-PASS:checked~table tr.r:not(.r-PASS){display:none}
.filter-radio{position:absolute;opacity:0;pointer-events:none}
footer{padding:0 32px 24px;color:#6e7781;font-size:12px}
"#;

fn status_color(s: Status) -> &'static str {
    match s {
        Status::Fail => "#cf222e",
        Status::Unknown => "#9a6700",
        Status::Muted => "#6e7781",
        Status::Pass => "#1a7f37",
    }
}

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "#8250df",
        Severity::High => "#cf222e",
        Severity::Medium => "#bc4c00",
        Severity::Low => "#0969da",
        Severity::Info => "#6e7781",
    }
}

/// The donut of results by status, drawn with stroked circle arcs (circumference 100).
fn donut(s: &Summary, l: &Labels) -> String {
    let parts = [
        (Status::Fail, s.fail),
        (Status::Unknown, s.unknown),
        (Status::Muted, s.muted),
        (Status::Pass, s.pass),
    ];
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"donut\" width=\"180\" height=\"180\" viewBox=\"0 0 42 42\" role=\"img\" aria-label=\"{}\">",
        e(l.results_by_status)
    );
    svg.push_str("<circle cx=\"21\" cy=\"21\" r=\"15.9155\" fill=\"none\" stroke=\"#eaeef2\" stroke-width=\"6\"/>");
    if s.total > 0 {
        let mut offset = 25.0_f64;
        for (status, n) in parts {
            if n == 0 {
                continue;
            }
            let pct = n as f64 * 100.0 / s.total as f64;
            let _ = write!(
                svg,
                "<circle cx=\"21\" cy=\"21\" r=\"15.9155\" fill=\"none\" stroke=\"{}\" stroke-width=\"6\" stroke-dasharray=\"{:.3} {:.3}\" stroke-dashoffset=\"{:.3}\"><title>{} {n}</title></circle>",
                status_color(status),
                pct,
                100.0 - pct,
                offset,
                status_name(status)
            );
            offset -= pct;
        }
    }
    let _ = write!(
        svg,
        "<text x=\"21\" y=\"21\" text-anchor=\"middle\" dominant-baseline=\"central\" font-size=\"7\" font-weight=\"700\" fill=\"#1f2328\">{}</text></svg>",
        s.total
    );
    svg.push_str("<ul class=\"legend\">");
    for (status, n) in parts {
        let _ = write!(
            svg,
            "<li><i style=\"background:{}\"></i>{} {n}</li>",
            status_color(status),
            status_name(status)
        );
    }
    svg.push_str("</ul>");
    svg
}

/// Horizontal bars of unmuted FAILs by severity.
fn bars(s: &Summary, lang: Lang, l: &Labels) -> String {
    let max = s.fail_by_severity.iter().copied().max().unwrap_or(0).max(1);
    let row_h = 26;
    let height = row_h * Severity::ALL.len() + 4;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"bars\" width=\"420\" height=\"{height}\" viewBox=\"0 0 420 {height}\" role=\"img\" aria-label=\"{}\">",
        e(l.failed_by_severity)
    );
    for (i, (sev, n)) in Severity::ALL
        .iter()
        .zip(s.fail_by_severity.iter())
        .enumerate()
    {
        let y = i * row_h + 2;
        let w = if *n == 0 { 0 } else { (*n * 300 / max).max(3) };
        let _ = write!(
            svg,
            "<text x=\"76\" y=\"{}\" text-anchor=\"end\" font-size=\"13\" fill=\"#1f2328\">{}</text>\
             <rect x=\"84\" y=\"{y}\" width=\"300\" height=\"18\" rx=\"3\" fill=\"#eaeef2\"/>\
             <rect x=\"84\" y=\"{y}\" width=\"{w}\" height=\"18\" rx=\"3\" fill=\"{}\"><title>{} {n}</title></rect>\
             <text x=\"{}\" y=\"{}\" font-size=\"13\" font-weight=\"600\" fill=\"#1f2328\">{n}</text>",
            y + 14,
            e(severity_name(*sev, lang)),
            severity_color(*sev),
            e(severity_name(*sev, lang)),
            84 + w + 6,
            y + 14,
        );
    }
    svg.push_str("</svg>");
    svg
}

type NaturalKey = Vec<(u8, u64, String)>;

/// Sorts control ids naturally: `1.10` after `1.9`.
fn natural_key(s: &str) -> NaturalKey {
    let mut out = Vec::new();
    let mut digits = String::new();
    let mut other = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            if !other.is_empty() {
                out.push((1, 0, std::mem::take(&mut other)));
            }
            digits.push(c);
        } else {
            if !digits.is_empty() {
                out.push((
                    0,
                    digits.parse().unwrap_or(u64::MAX),
                    std::mem::take(&mut digits),
                ));
            }
            other.push(c);
        }
    }
    if !digits.is_empty() {
        out.push((0, digits.parse().unwrap_or(u64::MAX), digits));
    }
    if !other.is_empty() {
        out.push((1, 0, other));
    }
    out
}

#[derive(Default)]
struct Counts([usize; 4]);

fn requirement_table(report: &Report, l: &Labels) -> String {
    let mut rows: BTreeMap<(&str, NaturalKey, &str), Counts> = BTreeMap::new();
    for f in report.findings {
        let Some(meta) = report.catalogue.get(&f.check_id) else {
            continue;
        };
        let i = usize::from(status_rank(f.shown_status()));
        for (fw, ids) in meta.compliance_map() {
            for id in ids {
                let c = rows.entry((fw, natural_key(id), id)).or_default();
                if let Some(x) = c.0.get_mut(i) {
                    *x += 1;
                }
            }
        }
    }
    let mut h = String::new();
    let _ = write!(
        h,
        "<section><h2>{}</h2><table class=\"req\"><thead><tr><th>{}</th><th>{}</th><th class=\"n\">FAIL</th><th class=\"n\">UNKNOWN</th><th class=\"n\">MUTED</th><th class=\"n\">PASS</th></tr></thead><tbody>",
        e(l.requirements),
        e(l.framework),
        e(l.control)
    );
    for ((fw, _, id), c) in &rows {
        let _ = write!(h, "<tr><td><code>{}</code></td><td>{}</td>", e(fw), e(id));
        for n in c.0 {
            let class = if n == 0 { "n z" } else { "n" };
            let _ = write!(h, "<td class=\"{class}\">{n}</td>");
        }
        h.push_str("</tr>");
    }
    if rows.is_empty() {
        let _ = write!(h, "<tr><td colspan=\"6\">{}</td></tr>", e(l.no_findings));
    }
    h.push_str("</tbody></table></section>");
    h
}

fn findings_table(report: &Report, s: &Summary, l: &Labels) -> String {
    let lang = report.lang;
    let mut h = String::new();
    let _ = write!(h, "<section><h2>{}</h2>", e(l.findings));
    let problems = s.fail + s.unknown + s.muted;
    let filters = [
        ("problems", "FAIL + UNKNOWN + MUTED".to_string(), problems),
        ("FAIL", "FAIL".into(), s.fail),
        ("UNKNOWN", "UNKNOWN".into(), s.unknown),
        ("MUTED", "MUTED".into(), s.muted),
        ("PASS", "PASS".into(), s.pass),
        ("all", l.total.to_string(), s.total),
    ];
    for (i, (id, _, _)) in filters.iter().enumerate() {
        let checked = if i == 0 { " checked" } else { "" };
        let _ = write!(
            h,
            "<input type=\"radio\" class=\"filter-radio\" name=\"flt\" id=\"flt-{id}\"{checked}>"
        );
    }
    h.push_str("<div class=\"filters\">");
    for (id, label, n) in &filters {
        let _ = write!(h, "<label for=\"flt-{id}\">{} ({n})</label>", e(label));
    }
    h.push_str("</div>");
    let _ = write!(
        h,
        "<table class=\"findings\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{} / {}</th><th>{}</th></tr></thead><tbody>",
        e(l.status),
        e(l.severity),
        e(l.check),
        e(l.resource),
        e(l.account),
        e(l.region),
        e(l.message)
    );
    for f in sorted(report.findings) {
        let v = View::new(report, f);
        let st = f.shown_status();
        let _ = write!(
            h,
            "<tr class=\"r r-{st}\"><td><span class=\"badge st-{st}\">{st}</span></td><td class=\"sev sev-{sev}\">{sev_name}</td><td class=\"wrap\">{title}<br><code>{id}</code></td><td class=\"wrap\"><code>{res}</code></td><td class=\"wrap\">{acct}<br>{region}</td><td class=\"msg\">",
            st = status_name(st),
            sev = f.severity.as_str(),
            sev_name = e(severity_name(f.severity, lang)),
            title = e(v.title()),
            id = e(&f.check_id),
            res = e(&f.resource),
            acct = e(&f.account),
            region = e(&f.region),
        );
        h.push_str(&e(&v.message()));
        if let Some(m) = &f.mute {
            let _ = write!(
                h,
                "<div class=\"muted-note\">{} ({}, {}): {}",
                e(l.muted_because),
                e(mute_kind_name(m.kind, lang)),
                status_name(f.status),
                e(&crate::labels::quoted(&m.reason, lang))
            );
            if let Some(x) = &m.expires {
                let _ = write!(h, " — {} {}", e(l.expires), e(x));
            }
            h.push_str("</div>");
        }
        let rec = v.recommendation();
        if !rec.is_empty() || !f.evidence.is_empty() {
            let _ = write!(
                h,
                "<details><summary>{}</summary>",
                e(if rec.is_empty() {
                    l.evidence
                } else {
                    l.recommendation
                })
            );
            if !rec.is_empty() {
                let _ = write!(h, "<p>{}</p>", e(rec));
                for r in v.references() {
                    // Only web links become links; anything else (a `javascript:` URL) is text.
                    if r.starts_with("https://") || r.starts_with("http://") {
                        let _ = write!(
                            h,
                            "<p><a href=\"{u}\" rel=\"noopener noreferrer\">{u}</a></p>",
                            u = e(r)
                        );
                    } else {
                        let _ = write!(h, "<p>{}</p>", e(r));
                    }
                }
            }
            if !f.evidence.is_empty() {
                let _ = write!(h, "<dl class=\"ev\">");
                for (k, val) in &f.evidence {
                    let _ = write!(h, "<dt>{}</dt><dd>{}</dd>", e(k), e(val));
                }
                h.push_str("</dl>");
            }
            h.push_str("</details>");
        }
        h.push_str("</td></tr>");
    }
    if report.findings.is_empty() {
        let _ = write!(h, "<tr><td colspan=\"6\">{}</td></tr>", e(l.no_findings));
    }
    h.push_str("</tbody></table></section>");
    h
}

pub(crate) fn write(report: &Report, out: &mut dyn Write) -> Result<(), ReportError> {
    let lang = report.lang;
    let l = labels(lang);
    let s = Summary::of(report.findings);
    let mut h = String::with_capacity(16 * 1024 + report.findings.len() * 600);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"yagura {}\">\n\
         <title>{} — {} — {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        match lang {
            Lang::En => "en",
            Lang::Ja => "ja",
        },
        e(report.tool_version),
        e(l.report_title),
        e(report.scope),
        e(report.generated_at),
    );
    let _ = write!(
        h,
        "<header><h1>{}</h1><dl><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>yagura {}</dd></dl></header>\n<main>\n",
        e(l.report_title),
        e(l.scope),
        e(report.scope),
        e(l.generated_at),
        e(report.generated_at),
        e(l.tool),
        e(report.tool_version),
    );
    // Cards.
    h.push_str("<section class=\"cards\">");
    for (class, label, n) in [
        ("fail", "FAIL", s.fail),
        ("unknown", "UNKNOWN", s.unknown),
        ("muted", "MUTED", s.muted),
        ("pass", "PASS", s.pass),
        ("total", l.total, s.total),
    ] {
        let _ = write!(
            h,
            "<div class=\"card {class}\"><b>{n}</b>{}</div>",
            e(label)
        );
    }
    h.push_str("</section>\n");
    // Charts.
    let _ = writeln!(
        h,
        "<section><h2>{}</h2><p>{}</p><div class=\"charts\"><figure><figcaption>{}</figcaption>{}</figure><figure><figcaption>{}</figcaption>{}</figure></div></section>",
        e(l.summary),
        e(&summary_line(&s, lang)),
        e(l.results_by_status),
        donut(&s, l),
        e(l.failed_by_severity),
        bars(&s, lang, l),
    );
    // A graph the caller drew up (the IAM escalation paths), in `extra.graph`.
    if let Some(g) = report
        .extra
        .and_then(|x| x.get("graph"))
        .and_then(crate::graph::section)
    {
        h.push_str(&g);
    }
    if !report.errors.is_empty() {
        let _ = write!(
            h,
            "<section class=\"errors\"><h2>{}</h2><p>{}</p><ul>",
            e(l.errors),
            e(l.errors_note)
        );
        for err in report.errors {
            let _ = write!(h, "<li>{}</li>", e(err));
        }
        h.push_str("</ul></section>\n");
    }
    h.push_str(&crate::compliance::html_section(report));
    h.push_str(&requirement_table(report, l));
    h.push('\n');
    h.push_str(&findings_table(report, &s, l));
    let _ = write!(
        h,
        "\n</main>\n<footer>{} · yagura {} · {}</footer>\n</body>\n</html>\n",
        e(l.report_title),
        e(report.tool_version),
        e(report.generated_at)
    );
    out.write_all(h.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_ids_sort_naturally() {
        let mut v = vec!["1.10", "1.9", "1.2", "AUD-10", "AUD-2"];
        v.sort_by_key(|s| natural_key(s));
        assert_eq!(v, ["1.2", "1.9", "1.10", "AUD-2", "AUD-10"]);
    }
}
