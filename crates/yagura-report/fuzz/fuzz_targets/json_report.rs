//! The input of `yagura report merge` (and of `host fleet`'s per-host reports): a JSON report on
//! arbitrary bytes. Reading never panics; what reads is written in every format (nothing
//! panics, the text has no terminal control left) and the JSON written reads back to the same
//! findings.
#![no_main]
use libfuzzer_sys::fuzz_target;
use yagura_core::Catalogue;
use yagura_report::{read_json_report, write, Format, Report, WriteOptions};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(parsed) = read_json_report(&text) else {
        return;
    };
    let catalogue = Catalogue::default();
    let mut report = Report::new(
        "0.0.0",
        "2026-01-01T00:00:00Z",
        "fuzz",
        &parsed.findings,
        &catalogue,
    );
    report.errors = &parsed.errors;
    for format in Format::ALL {
        let mut out = Vec::new();
        if write(format, &report, &mut out, &WriteOptions::default()).is_err() {
            continue;
        }
        if format == Format::Text {
            let shown = String::from_utf8_lossy(&out);
            assert!(
                !shown.chars().any(|c| c.is_control() && c != '\n'),
                "a control character reaches the text report: {shown:?}"
            );
        }
        if format == Format::Json {
            let back = read_json_report(&String::from_utf8_lossy(&out));
            assert!(
                back.as_ref().is_ok_and(|b| b.findings == parsed.findings),
                "the JSON written does not read back the same: {back:?}"
            );
        }
    }
});
