#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use time::macros::date;
use yagura_core::{Finding, Severity, Status, Text};
use yagura_exceptions::{Exceptions, Glob};

const GOOD: &str = include_str!("fixtures/good.yaml");

fn findings() -> Vec<Finding> {
    [
        "inspector-disabled",
        "security-group-port-open-to-world",
        "s3-bucket-public-read",
    ]
    .into_iter()
    .flat_map(|c| {
        [Status::Pass, Status::Fail, Status::Unknown].map(|s| {
            Finding::new(
                c,
                s,
                Severity::Low,
                "arn:aws:ec2:ap-northeast-1:123456789012:security-group/sg-0abc1",
                "123456789012",
                "ap-northeast-1",
                Text::new("m", "m"),
            )
        })
    })
    .collect()
}

/// Parses, validates and applies; only checks that nothing panics and errors carry a position
/// inside the text.
fn exercise(text: &str) {
    match Exceptions::parse("fuzz.yaml", text) {
        Ok(ex) => {
            let _ = ex.validate(&|id| id.len() % 2 == 0);
            let mut f = findings();
            let stats = ex.apply(&mut f, date!(2026 - 06 - 01));
            assert!(stats.muted() <= f.len());
            let lines = text.lines().count().max(1);
            for e in ex.entries() {
                let l = e.location.expect("every parsed entry has a position");
                assert!(l.line >= 1 && l.line <= lines + 1, "{l:?} in {text:?}");
            }
        }
        Err(e) => {
            let shown = e.to_string();
            assert!(shown.starts_with("fuzz.yaml"), "{shown}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(text in "\\PC{0,200}") {
        exercise(&text);
    }

    #[test]
    fn yaml_like_text_never_panics(text in "[ \\-:a-z0-9\\n\\[\\]{}\"'#|>*&?,.]{0,300}") {
        exercise(&text);
    }

    #[test]
    fn mutated_good_file_never_panics(
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..4, "[ \\-:a-z0-9\\n\\[\\]{}\"#*&]{0,3}"), 1..6)
    ) {
        let mut text = GOOD.to_string();
        for (at, op, s) in edits {
            let mut i = at.index(text.len() + 1);
            while !text.is_char_boundary(i) { i -= 1; }
            match op {
                0 => text.insert_str(i, &s),
                1 => { let mut j = (i + s.len() + 1).min(text.len()); while !text.is_char_boundary(j) { j -= 1; } text.replace_range(i..j, ""); }
                2 => { let mut j = (i + 1).min(text.len()); while !text.is_char_boundary(j) { j -= 1; } text.replace_range(i..j, &s); }
                _ => text.truncate(i),
            }
        }
        exercise(&text);
    }

    /// The wildcard matcher against a regex oracle.
    #[test]
    fn glob_matches_like_a_regex(pat in "[ab*?:]{0,8}", text in "[ab:]{0,10}") {
        let re = format!(
            "^(?s:{})$",
            pat.chars()
                .map(|c| match c {
                    '*' => ".*".to_string(),
                    '?' => ".".to_string(),
                    c => regex::escape(&c.to_string()),
                })
                .collect::<String>()
        );
        let oracle = regex::Regex::new(&re).unwrap().is_match(&text);
        prop_assert_eq!(Glob::new(&pat).matches(&text), oracle, "{} vs {}", pat, text);
    }

    /// Generated block-style files: every entry's position is where its first key is written.
    #[test]
    fn generated_files_have_exact_positions(
        indent in 0usize..4,
        entries in prop::collection::vec(("[a-z][a-z-]{0,10}", prop::option::of("[a-z*?]{1,8}"), "[a-z][a-z ]{0,19}", any::<bool>()), 0..12)
    ) {
        let pad = " ".repeat(indent);
        let mut text = String::from("version: 1\naccepted:\n");
        let mut expected = Vec::new();
        for (check, resource, reason, folded) in &entries {
            expected.push((text.lines().count() + 1, indent + 3));
            text.push_str(&format!("{pad}- check: {check}\n"));
            if let Some(r) = resource {
                text.push_str(&format!("{pad}  resource: \"{r}\"\n"));
            }
            if *folded {
                text.push_str(&format!("{pad}  reason: >\n{pad}    - {reason}\n{pad}    x\n"));
            } else {
                text.push_str(&format!("{pad}  reason: \"{reason}\"\n"));
            }
        }
        let ex = Exceptions::parse("g.yaml", &text).unwrap();
        let got: Vec<(usize, usize)> = ex.entries().iter().map(|e| {
            let l = e.location.unwrap();
            (l.line, l.column)
        }).collect();
        prop_assert_eq!(got, expected);
    }
}
