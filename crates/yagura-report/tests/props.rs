//! Properties of the sanitizers and the JSON reader over arbitrary strings.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use proptest::prelude::*;
use yagura_core::{Finding, Lang, Severity, Status, Text};
use yagura_report::{
    csv_cell, html_escape, parse_json_report, terminal_safe, write, xml_escape, Format,
    WriteOptions,
};

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
