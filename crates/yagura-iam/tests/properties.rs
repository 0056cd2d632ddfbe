//! Property tests: parse → print → parse round trip; the wildcard matcher against a regular
//! expression oracle; the parser never panics on arbitrary input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use serde_json::{json, Map, Value};
use yagura_iam::pattern::glob_str;
use yagura_iam::Policy;

fn oracle(pattern: &str, s: &str) -> bool {
    let mut re = String::from("(?s-u)^");
    for c in pattern.chars() {
        match c {
            '*' => re.push_str(".*"),
            // `?` is one character, which for the oracle is one Unicode scalar.
            '?' => re.push_str("(?u:.)"),
            _ => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    regex::bytes::Regex::new(&re)
        .unwrap()
        .is_match(s.as_bytes())
}

fn strings() -> impl Strategy<Value = Value> {
    prop_oneof![
        "[a-z0-9:*?/]{0,12}".prop_map(Value::String),
        prop::collection::vec("[a-zA-Z0-9:*?/${}]{0,10}", 1..4)
            .prop_map(|v| Value::Array(v.into_iter().map(Value::String).collect())),
    ]
}

fn statement() -> impl Strategy<Value = Value> {
    (
        prop::option::of("[A-Za-z0-9]{1,8}"),
        any::<bool>(),
        any::<bool>(),
        strings(),
        any::<bool>(),
        strings(),
        prop::option::of(prop_oneof![
            Just(json!("*")),
            strings().prop_map(|s| json!({"AWS": s})),
            strings()
                .prop_map(|s| json!({"Service": s, "Federated": "cognito-identity.amazonaws.com"})),
        ]),
        prop::collection::vec(
            (
                prop_oneof![
                    Just("StringEquals"),
                    Just("ForAnyValue:StringLike"),
                    Just("NumericLessThan"),
                    Just("BoolIfExists"),
                    Just("Null")
                ],
                "[a-z]{1,5}:[A-Za-z]{1,8}",
                prop_oneof![
                    strings(),
                    any::<bool>().prop_map(Value::Bool),
                    (0u32..1000).prop_map(|n| json!(n))
                ],
            ),
            0..3,
        ),
    )
        .prop_map(
            |(sid, deny, not_action, action, not_resource, resource, principal, conds)| {
                let mut m = Map::new();
                if let Some(s) = sid {
                    m.insert("Sid".into(), json!(s));
                }
                m.insert("Effect".into(), json!(if deny { "Deny" } else { "Allow" }));
                m.insert(
                    (if not_action { "NotAction" } else { "Action" }).into(),
                    action,
                );
                m.insert(
                    (if not_resource {
                        "NotResource"
                    } else {
                        "Resource"
                    })
                    .into(),
                    resource,
                );
                if let Some(p) = principal {
                    m.insert("Principal".into(), p);
                }
                if !conds.is_empty() {
                    let mut c = Map::new();
                    for (op, key, v) in conds {
                        let e = c.entry(op.to_string()).or_insert_with(|| json!({}));
                        e.as_object_mut().unwrap().insert(key, v);
                    }
                    m.insert("Condition".into(), Value::Object(c));
                }
                Value::Object(m)
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn parse_print_parse_round_trips(stmts in prop::collection::vec(statement(), 1..4), single in any::<bool>()) {
        let doc = if single && stmts.len() == 1 {
            json!({"Version": "2012-10-17", "Statement": stmts[0].clone()})
        } else {
            json!({"Version": "2012-10-17", "Statement": stmts})
        };
        let p = Policy::parse("p", &doc.to_string()).unwrap();
        let printed = p.to_canonical_string();
        let q = Policy::parse("p", &printed).unwrap();
        prop_assert_eq!(p.to_json(), q.to_json());
        prop_assert_eq!(printed, q.to_canonical_string());
    }

    #[test]
    fn wildcard_matches_like_a_regex(pattern in "[ab*?é:]{0,8}", s in "[abé:]{0,10}") {
        prop_assert_eq!(glob_str(&pattern, &s), oracle(&pattern, &s), "pattern {} on {}", pattern, s);
    }

    #[test]
    fn wildcard_on_action_names(pattern in "(s3|iam|\\*):[A-Za-z*?]{0,10}", s in "(s3|iam):[A-Za-z]{0,12}") {
        let expected = oracle(&pattern.to_ascii_lowercase(), &s.to_ascii_lowercase());
        let p = yagura_iam::pattern::Pattern::action(&pattern);
        prop_assert_eq!(p.matches_action_lower(&s.to_ascii_lowercase()), expected);
    }

    #[test]
    fn parser_never_panics(s in "\\PC{0,200}") {
        let _ = Policy::parse("p", &s);
        let _ = yagura_iam::simulate_json(&s);
    }
}

#[test]
fn hostile_documents_get_positioned_errors() {
    let deep = format!(
        "{{\"Statement\": {}{}",
        "[".repeat(200_000),
        "]".repeat(200_000)
    );
    let e = Policy::parse("deep.json", &deep).unwrap_err().to_string();
    assert!(
        e.starts_with("deep.json:1:") && e.contains("nesting"),
        "{e}"
    );
    // A 10 MB document parses in linear time.
    let stmt =
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/key"},"#;
    let n = 10_000_000 / stmt.len();
    let big = format!(
        "{{\"Statement\":[{}{}]}}",
        stmt.repeat(n),
        &stmt[..stmt.len() - 1]
    );
    let start = std::time::Instant::now();
    let p = Policy::parse("big.json", &big).unwrap();
    assert_eq!(p.statements.len(), n + 1);
    // A hang guard for a loaded CI machine, not a speed measurement (that is bench/iam.sh).
    assert!(start.elapsed().as_secs() < 120);
    // Wrong types and invalid JSON.
    let e = Policy::parse(
        "t.json",
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Condition\": {\"Bool\": {\"k\": {}}}}]}",
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        e,
        "t.json:1:64: condition value for `k` must be a string, boolean or number, found an object"
    );
    let e = Policy::parse("t.json", "{\"Statement\": [\n{\"Effect\": \"Allow\",}]}")
        .unwrap_err()
        .to_string();
    assert_eq!(e, "t.json:2:20: invalid JSON: expected a string key");
    let e = Policy::parse("t.json", "[]").unwrap_err().to_string();
    assert_eq!(
        e,
        "t.json:1:1: a policy must be a JSON object, found an array"
    );
}
