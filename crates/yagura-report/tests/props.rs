//! Properties of the sanitizers and the JSON reader over arbitrary strings, and of the JSON
//! reader over `report merge` inputs past a megabyte.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use proptest::prelude::*;
use yagura_core::{Finding, Lang, Severity, Status, Text};
use yagura_report::{
    csv_cell, html_escape, parse_json_report, read_json_report, terminal_safe, write, xml_escape,
    Format, WriteOptions,
};
use yagura_testkit::mutate;

fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[=+@\\-\t\r<>\"'&\u{1b}\u{0}\u{9b}\u{202e}a-zあ]{0,24}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn terminal_safe_leaves_no_control(s in hostile()) {
        let t = terminal_safe(&s);
        let bad = t.chars().any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c));
        prop_assert!(!bad, "control left in {:?}", t);
    }

    #[test]
    fn csv_cells_never_start_a_formula(s in hostile()) {
        let c = csv_cell(&s);
        prop_assert!(!c.starts_with(['=', '+', '-', '@', '\t', '\r']));
        prop_assert!(!c.contains('\0'));
    }

    #[test]
    fn html_and_xml_escapes_leave_no_markup(s in hostile()) {
        for out in [html_escape(&s), xml_escape(&s)] {
            prop_assert!(!out.contains(['<', '>', '"', '\'']));
            let bad = out.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n'));
            prop_assert!(!bad, "control left in {:?}", out);
        }
    }

    #[test]
    fn json_reader_never_panics(s in any::<String>()) {
        let _ = parse_json_report(&s);
    }

    #[test]
    fn findings_round_trip_through_json(res in hostile(), msg in hostile(), ja in hostile(), ev in hostile()) {
        let f = Finding::new("c", Status::Fail, Severity::High, res, "123456789012", "us-east-1",
                             Text::owned(msg, ja)).with_evidence("k", ev);
        let findings = vec![f];
        let catalogue = common::catalogue();
        let report = common::report(&findings, &catalogue, &[], Lang::En);
        for format in Format::ALL {
            let mut out = Vec::new();
            write(format, &report, &mut out, &WriteOptions::default()).unwrap();
            if format == Format::Text {
                prop_assert!(!out.contains(&0x1b));
            }
            if format == Format::Asff {
                let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
                for field in ["Title", "Description"] {
                    let t = v[0][field].as_str().unwrap();
                    let ok = t.chars().any(|c| !c.is_whitespace()) && !t.chars().any(char::is_control);
                    prop_assert!(ok, "{} {:?}", field, t);
                }
                let id = v[0]["Resources"][0]["Id"].as_str().unwrap();
                prop_assert!(id.chars().any(|c| !c.is_whitespace()) && !id.chars().any(char::is_control));
            }
            if format == Format::Json {
                let back = parse_json_report(std::str::from_utf8(&out).unwrap()).unwrap();
                prop_assert_eq!(&back, &findings);
            }
        }
    }
}

/// A JSON report of at least `at_least` bytes: the fixture's findings repeated, each on its own
/// resource, written by the JSON writer (what `report merge` reads).
fn large_report(at_least: usize) -> String {
    let base = common::findings();
    let mut findings = Vec::new();
    let catalogue = common::catalogue();
    let mut bytes = 0;
    let mut i = 0;
    while bytes < at_least {
        let mut f = base[i % base.len()].clone();
        f.resource = format!("{}-{i}", f.resource).into();
        bytes += f.resource.len() + 600;
        findings.push(f);
        i += 1;
    }
    let report = common::report(&findings, &catalogue, &[], Lang::En);
    let mut out = Vec::new();
    write(Format::Json, &report, &mut out, &WriteOptions::default()).unwrap();
    String::from_utf8(out).unwrap()
}

/// What `report merge` does with one input: read it, and when it reads, nothing is lost.
fn merge_input(text: &str) {
    if let Ok(r) = mutate::timed(text.len(), || read_json_report(text)) {
        let n = r.findings.len();
        let catalogue = common::catalogue();
        let report = common::report(&r.findings, &catalogue, &r.errors, Lang::En);
        let mut out = Vec::new();
        write(Format::Json, &report, &mut out, &WriteOptions::default()).unwrap();
        let back = read_json_report(std::str::from_utf8(&out).unwrap()).unwrap();
        assert_eq!(back.findings.len(), n);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    /// `report merge` inputs of one to three megabytes, mutated, and a megabyte of random bytes
    /// and of JSON punctuation (issue 16: past the fuzz targets' 4 KB).
    #[test]
    fn merge_inputs_past_a_megabyte_never_panic(
        mb in 1usize..4,
        seed in any::<u64>(),
        edits in mutate::edits("[ {}\\[\\]\":,0-9a-z\\-.\\\\]"),
    ) {
        let mut text = large_report(mb << 20);
        prop_assert!(text.len() >= mb << 20);
        mutate::edit(&mut text, &edits);
        merge_input(&text);
        merge_input(&String::from_utf8_lossy(&mutate::random_bytes(seed, 1 << 20)));
        merge_input(&mutate::random_text(seed, 1 << 20, "{}[]\":,0123456789e.-tfnul \\abc"));
    }
}

#[test]
fn a_large_report_merges_whole() {
    let text = large_report(2 << 20);
    let r = read_json_report(&text).unwrap();
    assert!(r.findings.len() > 1000);
    merge_input(&text);
}
