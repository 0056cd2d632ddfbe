#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Property tests (stable; the fuzz targets in `fuzz/` cover the same ground on nightly).

use proptest::prelude::*;
use serde_json::json;
use yagura_trail::sigma::{LoadOptions, RuleSet};
use yagura_trail::{read_stream, Event};

fn record(name: &str, agent: &str, i: usize) -> serde_json::Value {
    json!({
        "eventTime": "2023-07-10T11:42:36Z",
        "eventSource": "ec2.amazonaws.com",
        "eventName": name,
        "eventID": format!("id-{i}"),
        "userAgent": agent,
        "requestParameters": {"nested": [agent, {"x": name}]},
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn reader_never_panics_and_terminates(data in proptest::collection::vec(any::<u8>(), 0..600)) {
        let n = read_stream("p", std::io::Cursor::new(data.clone())).take(10_000).count();
        prop_assert!(n <= data.len() + 1);
    }

    #[test]
    fn all_shapes_give_back_the_records(
        recs in proptest::collection::vec(("[A-Za-z]{1,12}", "\\PC{0,20}"), 0..12),
        shape in 0u8..4,
    ) {
        let vals: Vec<serde_json::Value> =
            recs.iter().enumerate().map(|(i, (n, a))| record(n, a, i)).collect();
        let text = match shape {
            0 => json!({"Records": vals}).to_string(),
            1 => serde_json::to_string_pretty(&vals).unwrap(),
            2 => vals.iter().map(|v| v.to_string() + "\n").collect(),
            _ => serde_json::to_string_pretty(&json!({"Records": vals})).unwrap(),
        };
        let got: Vec<Event> = read_stream("p", std::io::Cursor::new(text.into_bytes()))
            .map(|r| r.unwrap())
            .collect();
        prop_assert_eq!(got.len(), recs.len());
        for (ev, (n, a)) in got.iter().zip(&recs) {
            prop_assert_eq!(ev.event_name(), n.as_str());
            prop_assert_eq!(ev.str_field("userAgent"), Some(a.as_str()));
        }
    }

    /// The engine's wildcard matching (with its exact/prefix/suffix/contains fast paths) agrees
    /// with a plain regular-expression translation of the Sigma pattern.
    #[test]
    fn wildcards_agree_with_a_regex_oracle(pat in "[abA*?\\\\]{0,6}", value in "[abAB*?\\\\]{0,6}") {
        let yaml = format!(
            "title: p\nlogsource: {{product: aws}}\ndetection:\n  sel:\n    userAgent: '{}'\n  condition: sel\n",
            pat.replace('\'', "''")
        );
        let (set, errors) = RuleSet::from_sources([("p.yml", yaml.as_str())], &LoadOptions::default());
        prop_assert!(errors.is_empty(), "{:?}", errors);
        let ev = Event::parse(record("RunInstances", &value, 0).to_string()).unwrap();
        let mut out = vec![];
        set.matches(&ev, &mut out);
        // oracle
        let mut re = String::from("(?is)^");
        let mut chars = pat.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.peek() {
                    Some(&n @ ('*' | '?' | '\\')) => { re.push_str(&regex::escape(&n.to_string())); chars.next(); }
                    _ => re.push_str(&regex::escape("\\")),
                },
                '*' => re.push_str(".*"),
                '?' => re.push('.'),
                c => re.push_str(&regex::escape(&c.to_string())),
            }
        }
        re.push('$');
        let want = regex::Regex::new(&re).unwrap().is_match(&value);
        prop_assert_eq!(!out.is_empty(), want, "pattern {:?} value {:?}", pat, value);
    }
}
