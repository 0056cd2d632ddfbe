//! The audit's own catalogue tests: one check per file, named after its id, in the folder of its
//! service; every piece of data a check needs exists; the list a scope walks is declared by each
//! check of the scope; no file over 400 lines and no function over 120 lines.
//! (Ids across capabilities, documentation and fixtures: `crates/yagura/tests/checks.rs`.)

use crate::checks::{ALL, CHECKS, FILES};
use crate::data::NAMES;
use std::collections::BTreeSet;
use std::path::Path;

#[test]
fn catalogue_is_well_formed() {
    let mut ids = BTreeSet::new();
    for c in CHECKS {
        assert!(ids.insert(c.id), "duplicate id {}", c.id);
        assert!(!c.spec.is_empty(), "{} serves no SPEC id", c.id);
        assert!(
            c.id.chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
            "{} is not kebab-case",
            c.id
        );
        for t in [&c.title, &c.what, &c.why, &c.fix] {
            assert!(
                !t.en.is_empty() && !t.ja.is_empty(),
                "{} lacks a text",
                c.id
            );
            assert!(!t.en.ends_with(' '), "{}", c.id);
        }
        assert!(!c.references.is_empty(), "{} has no reference", c.id);
    }
    // Every AUD requirement but AUD-22 (exceptions, not a check) is served.
    for n in 1..=21 {
        let id = format!("AUD-{n:02}");
        assert!(
            CHECKS.iter().any(|c| c.spec.contains(&id.as_str())),
            "no check serves {id}"
        );
    }
}

#[test]
fn one_check_per_file_named_after_its_id_in_its_service_folder() {
    assert_eq!(ALL.len(), CHECKS.len());
    assert_eq!(FILES.len(), CHECKS.len());
    for ((check, meta), file) in ALL.iter().zip(CHECKS).zip(FILES) {
        assert!(std::ptr::eq(check.meta, *meta));
        let expected = format!(
            "src/checks/{}/{}.rs",
            meta.service,
            meta.id.replace('-', "_")
        );
        assert_eq!(*file, expected, "check `{}` is in the wrong file", meta.id);
        assert!(
            meta.location.file.ends_with(&expected),
            "`{}` is declared at {}, not in {expected}",
            meta.id,
            meta.location
        );
    }
}

#[test]
fn checks_need_data_that_exists_and_their_scope_s_list() {
    for c in ALL {
        for n in c.meta.needs {
            assert!(
                NAMES.contains(n),
                "`{}` needs `{n}`, which is no inventory piece",
                c.meta.id
            );
        }
        if let Some(list) = c.eval.list() {
            assert!(
                c.meta.needs.contains(&list),
                "`{}` walks `{list}` but does not declare it",
                c.meta.id
            );
        }
    }
}

/// Source files of the crate with their lines.
fn sources(dir: &Path, out: &mut Vec<(String, Vec<String>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            out.push((
                p.display().to_string(),
                text.lines().map(str::to_string).collect(),
            ));
        }
    }
}

#[test]
fn files_and_functions_stay_small() {
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(files.len() > 45);
    for (path, lines) in &files {
        assert!(lines.len() <= 400, "{path} has {} lines", lines.len());
        // rustfmt'd code: a function ends at the first `}` at its own indentation.
        for (i, l) in lines.iter().enumerate() {
            let t = l.trim_start();
            let is_fn = [
                "fn ",
                "pub fn ",
                "pub(crate) fn ",
                "pub(super) fn ",
                "const fn ",
            ]
            .iter()
            .any(|p| t.starts_with(p));
            if !is_fn || l.ends_with(';') {
                continue;
            }
            let indent = l.len() - t.len();
            let end = lines
                .iter()
                .skip(i + 1)
                .position(|m| m.len() - m.trim_start().len() == indent && m.trim() == "}");
            let len = end.map_or(0, |e| e + 2);
            assert!(len <= 120, "{path}:{} a function of {len} lines", i + 1);
        }
    }
}
