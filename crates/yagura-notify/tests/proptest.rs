#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The destinations file on random and mutated input, small and past a megabyte (issue 16):
//! nothing panics, every error names the file, no error repeats a secret, and a large file is
//! read in seconds.

use proptest::prelude::*;
use yagura_notify::Config;

const EXAMPLE: &str = include_str!("../../../examples/notify.yaml");
const SECRET: &str = "SECRETVALUEnotify0123456789";

/// The environment: URLs for the `*_URL` variables, a secret for the others.
fn env(name: &str) -> Option<String> {
    Some(if name.contains("URL") {
        format!("https://hooks.example.com/{SECRET}")
    } else {
        SECRET.to_string()
    })
}

fn exercise(text: &str) {
    let t = std::time::Instant::now();
    match Config::parse("fuzz.yaml", text, &env) {
        Ok(c) => {
            let shown = format!("{c:?}");
            assert!(!shown.contains(SECRET), "{shown}");
        }
        Err(e) => {
            let shown = e.to_string();
            assert!(shown.starts_with("fuzz.yaml"), "{shown}");
            assert!(!shown.contains(SECRET), "{shown}");
        }
    }
    assert!(
        t.elapsed().as_secs_f64() < 10.0,
        "{} bytes took {:?}",
        text.len(),
        t.elapsed()
    );
}

fn mutate(text: &mut String, edits: Vec<(prop::sample::Index, u8, String)>) {
    for (at, op, s) in edits {
        let mut i = at.index(text.len() + 1);
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        let end = |text: &String, mut j: usize| {
            j = j.min(text.len());
            while !text.is_char_boundary(j) {
                j -= 1;
            }
            j
        };
        match op {
            0 => text.insert_str(i, &s),
            1 => {
                let j = end(text, i + s.len() + 1);
                text.replace_range(i..j, "");
            }
            2 => {
                let j = end(text, i + 1);
                text.replace_range(i..j, &s);
            }
            _ => text.truncate(i),
        }
    }
}

/// The example's destinations, renamed `d0`, `d1`… and repeated until the file passes `bytes`.
fn large(bytes: usize) -> String {
    let (head, dests) = EXAMPLE.split_once("destinations:").unwrap();
    let mut text = format!("{head}destinations:");
    let mut n = 0;
    while text.len() < bytes {
        for line in dests.lines() {
            match line.trim_start().strip_prefix("- name: ") {
                Some(_) => {
                    let indent = &line[..line.len() - line.trim_start().len()];
                    text.push_str(&format!("\n{indent}- name: d{n}"));
                    n += 1;
                }
                None => {
                    text.push('\n');
                    text.push_str(line);
                }
            }
        }
    }
    text.push('\n');
    text
}

#[test]
fn the_example_and_its_large_copy_parse() {
    Config::parse("example.yaml", EXAMPLE, &env).unwrap();
    let text = large(1 << 20);
    let c = Config::parse("large.yaml", &text, &env).unwrap();
    assert!(c.destinations.len() > 1000, "{}", c.destinations.len());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(text in "\\PC{0,300}") {
        exercise(&text);
    }

    #[test]
    fn mutated_example_never_panics(
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..4, "[ \\-:a-z0-9\\n\\[\\]{}\"#*&]{0,3}"), 1..6)
    ) {
        let mut text = EXAMPLE.to_string();
        mutate(&mut text, edits);
        exercise(&text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// Past a megabyte, where the fuzz targets' default 4 KB inputs never go.
    #[test]
    fn mutated_files_of_a_megabyte_never_panic(
        megabytes in 1usize..4,
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..4, "[ \\-:a-z0-9\\n\\[\\]{}\"#*&]{0,3}"), 0..6)
    ) {
        let mut text = large(megabytes << 20);
        mutate(&mut text, edits);
        exercise(&text);
    }
}
