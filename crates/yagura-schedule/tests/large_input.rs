#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The schedule file over random and mutated input up to and past a megabyte (issue 16: the
//! fuzz targets' 4 KB never reaches a budget): parsing never panics, an error names the file,
//! and a megabyte is read in well under seconds.

use proptest::prelude::*;
use yagura_schedule::Config;
use yagura_testkit::mutate::{edit, edits, grown, random_bytes, random_text, timed};

const EXAMPLE: &str = include_str!("../../../examples/schedule.toml");
const MB: usize = 1 << 20;

fn exercise(text: &str) -> Option<Config> {
    let r = timed(text.len(), || Config::parse(text, "s.toml"));
    if let Err(e) = &r {
        assert!(e.to_string().starts_with("s.toml"), "{e}");
    }
    r.ok()
}

/// The example file with schedules added (every kind of value: one or several expressions, a
/// zone, skip days) until it passes `at_least` bytes.
fn large_file(at_least: usize) -> String {
    grown(
        EXAMPLE,
        |i| {
            format!(
                "\n[schedules.s{i}]\nstart = \"0 {} * * MON-FRI\"\nstop = [\"0 20 * * 1-4\", \"30 16 * * FRI\"]\ntimezone = \"{}\"\nskip = [\"jp-holidays\", \"12-29..01-03\"]\n",
                i % 24,
                ["UTC", "Asia/Tokyo", "Europe/Berlin"][i % 3]
            )
        },
        "",
        at_least,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn mutated_example_never_panics(e in edits("[ \\[\\]{}\"'=,.#\\n0-9a-zA-Z*/\\-]")) {
        let mut text = EXAMPLE.to_string();
        edit(&mut text, &e);
        exercise(&text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// Files of one to three megabytes, mutated, and a megabyte of random bytes and of TOML
    /// punctuation (deep arrays and inline tables, long strings).
    #[test]
    fn files_past_a_megabyte_never_panic(mb in 1usize..4, seed in any::<u64>(), e in edits("[ \\[\\]{}\"'=,.#\\n0-9a-zA-Z*/\\-]")) {
        let mut text = large_file(mb * MB);
        prop_assert!(text.len() >= mb * MB);
        edit(&mut text, &e);
        exercise(&text);
        exercise(&String::from_utf8_lossy(&random_bytes(seed, MB)));
        exercise(&random_text(seed, MB, "[]{}\"'=,.\n x0123456789"));
    }
}

#[test]
fn a_large_valid_file_reads_and_deep_nesting_is_refused() {
    let c = exercise(&large_file(2 * MB)).unwrap();
    assert!(c.schedules.len() > 1000);
    for deep in [
        format!("x = {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
        format!("x = {}1{}\n", "{a = ".repeat(100_000), "}".repeat(100_000)),
    ] {
        assert!(exercise(&deep).is_none());
    }
}
