#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Saved inventories (`--from-inventory`) over random and mutated input up to and past a
//! megabyte (issue 16): reading never panics, an error names the file, a snapshot that reads
//! writes back to one that reads the same, and a megabyte reads in well under seconds.

use proptest::prelude::*;
use yagura_testkit::mutate::{edit, edits, grown, random_bytes, random_text, timed};

const DEMO: &str = include_str!("../../yagura/demo/inventory.json");
const MB: usize = 1 << 20;

fn exercise(text: &str) {
    match timed(text.len(), || yagura_inventory::from_json("inv.json", text)) {
        Ok(inv) => {
            let again = serde_json::to_string(&inv).unwrap();
            assert_eq!(
                yagura_inventory::from_json("again.json", &again).unwrap(),
                inv
            );
        }
        Err(e) => assert!(e.to_string().contains("inv.json"), "{e}"),
    }
}

/// The demo's accounts repeated (each under its own id) until the snapshot passes `at_least`.
fn large_inventory(at_least: usize) -> String {
    let v: serde_json::Value = serde_json::from_str(DEMO).unwrap();
    let accounts: Vec<serde_json::Value> = v["accounts"].as_array().unwrap().clone();
    let head = format!(
        "{{\"schema_version\":1,\"collected_at\":{},\"accounts\":[",
        v["collected_at"]
    );
    grown(
        &head,
        |i| {
            let mut a = accounts[i % accounts.len()].clone();
            a["account_id"] = format!("{i:012}").into();
            format!("{}{a}", if i == 0 { "" } else { "," })
        },
        "]}",
        at_least,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn small_random_text_never_panics(text in "\\PC{0,300}") {
        exercise(&text);
    }

    #[test]
    fn mutated_demo_inventory_never_panics(e in edits("[ {}\\[\\]\":,0-9a-zA-Z\\-.\\\\]")) {
        let mut text = DEMO.to_string();
        edit(&mut text, &e);
        exercise(&text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// Inventories of one to three megabytes, mutated: what the fuzz targets cannot reach.
    #[test]
    fn mutated_inventories_past_a_megabyte_never_panic(mb in 1usize..4, e in edits("[ {}\\[\\]\":,0-9a-zA-Z\\-.\\\\]")) {
        let mut text = large_inventory(mb * MB);
        prop_assert!(text.len() >= mb * MB);
        edit(&mut text, &e);
        exercise(&text);
    }

    /// A megabyte of random bytes, and of JSON punctuation (deep nesting, long strings).
    #[test]
    fn a_megabyte_of_random_input_never_panics(seed in any::<u64>()) {
        exercise(&String::from_utf8_lossy(&random_bytes(seed, MB)));
        exercise(&random_text(seed, MB, "{}[]\":,0123456789e.-tfnul \\abc"));
    }
}

/// A large valid snapshot reads whole and round-trips (the property tests mostly see errors).
#[test]
fn a_large_valid_inventory_reads() {
    let text = large_inventory(2 * MB);
    let inv = yagura_inventory::from_json("inv.json", &text).unwrap();
    assert!(inv.accounts.len() > 10);
    exercise(&text);
}
