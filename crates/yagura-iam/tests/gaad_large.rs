#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! GetAccountAuthorizationDetails documents (`iam analyze FILE`) over random and mutated input
//! up to and past a megabyte (issue 16: the fuzz targets' 4 KB never reaches a budget): the
//! reader never panics, an error names the input, and a megabyte reads in well under seconds.

use proptest::prelude::*;
use serde_json::Value;
use yagura_iam::analyze::AccountAuthorization;
use yagura_testkit::mutate::{edit, edits, grown, random_bytes, random_text, timed};

const FIXTURE: &str = include_str!("fixtures/account-authorization-details.json");
const MB: usize = 1 << 20;

fn exercise(text: &str) -> Option<AccountAuthorization<'static>> {
    let r = timed(text.len(), || {
        AccountAuthorization::from_json("gaad.json", text)
    });
    if let Err(e) = &r {
        assert!(e.to_string().starts_with("gaad.json"), "{e}");
    }
    r.ok()
}

/// The fixture's users repeated under new names until the document passes `at_least`
/// bytes (its groups, roles and managed policies once, as the users refer to them).
fn large_gaad(at_least: usize) -> String {
    let v: Value = serde_json::from_str(FIXTURE).unwrap();
    let users = v["UserDetailList"].as_array().unwrap().clone();
    let head = format!(
        "{{\"GroupDetailList\":{},\"Policies\":{},\"RoleDetailList\":{},\"UserDetailList\":[",
        v["GroupDetailList"], v["Policies"], v["RoleDetailList"]
    );
    grown(
        &head,
        |i| {
            let mut u = users[i % users.len()].clone();
            let name = format!("user{i}");
            u["Arn"] = format!("arn:aws:iam::111122223333:user/{name}").into();
            u["UserName"] = name.into();
            format!("{}{u}", if i == 0 { "" } else { "," })
        },
        "]}",
        at_least,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn mutated_fixture_never_panics(e in edits("[ {}\\[\\]\":,0-9a-zA-Z*%\\-.\\\\]")) {
        let mut text = FIXTURE.to_string();
        edit(&mut text, &e);
        exercise(&text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// Documents of one to three megabytes, mutated, and a megabyte of random bytes and of
    /// JSON punctuation (deep nesting, long strings, percent-encoded trust policies).
    #[test]
    fn documents_past_a_megabyte_never_panic(mb in 1usize..4, seed in any::<u64>(), e in edits("[ {}\\[\\]\":,0-9a-zA-Z*%\\-.\\\\]")) {
        let mut text = large_gaad(mb * MB);
        prop_assert!(text.len() >= mb * MB);
        edit(&mut text, &e);
        exercise(&text);
        exercise(&String::from_utf8_lossy(&random_bytes(seed, MB)));
        exercise(&random_text(seed, MB, "{}[]\":,0123456789e.-tfnul \\%7BAa"));
    }
}

#[test]
fn a_large_valid_document_reads_whole() {
    let text = large_gaad(2 * MB);
    let auth = exercise(&text).unwrap();
    assert!(auth.principals.len() > 1000, "{}", auth.principals.len());
    assert!(
        auth.errors.is_empty(),
        "{:?}",
        &auth.errors[..3.min(auth.errors.len())]
    );
}
