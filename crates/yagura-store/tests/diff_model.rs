#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

//! The store's diff against a model written from the rules, over random runs.

use proptest::prelude::*;
use std::collections::BTreeMap;
use time::macros::datetime;
use yagura_core::{Finding, Severity, Status, Text};
use yagura_store::{RunMeta, Store};

fn finding(resource: u8, status: Status) -> Finding {
    Finding::new(
        "check",
        status,
        Severity::Low,
        format!("r{resource}"),
        "1",
        "global",
        Text::new("m", "m"),
    )
}

fn status() -> impl Strategy<Value = Status> {
    prop_oneof![
        Just(Status::Pass),
        Just(Status::Fail),
        Just(Status::Unknown)
    ]
}

/// A key's status in a run: FAIL if any finding fails, else UNKNOWN if any is unknown, else PASS.
fn model_status(run: &[(u8, Status)]) -> BTreeMap<u8, Status> {
    let mut out: BTreeMap<u8, Status> = BTreeMap::new();
    for &(r, s) in run {
        let e = out.entry(r).or_insert(s);
        let rank = |s: Status| match s {
            Status::Fail => 2,
            Status::Unknown => 1,
            _ => 0,
        };
        if rank(s) > rank(*e) {
            *e = s;
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn diff_matches_the_model(
        prev in prop::collection::vec((0u8..12, status()), 0..20),
        cur in prop::collection::vec((0u8..12, status()), 0..20),
        complete in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&Store::path_in(dir.path())).unwrap();
        let meta = |complete| RunMeta {
            scope: "s".to_string(),
            started_at: datetime!(2026-01-01 00:00 UTC),
            finished_at: datetime!(2026-01-01 00:01 UTC),
            tool_version: "t".to_string(),
            accounts: vec![],
            complete,
        };
        let to_findings = |run: &[(u8, Status)]| run.iter().map(|&(r, s)| finding(r, s)).collect::<Vec<_>>();
        let a = store.record_run(&meta(true), &to_findings(&prev)).unwrap();
        let b = store.record_run(&meta(complete), &to_findings(&cur)).unwrap();
        let d = store.diff(a, b).unwrap();

        let (before, now) = (model_status(&prev), model_status(&cur));
        let key = |r: u8| finding(r, Status::Pass).key();
        // Every finding has one check, account and region here.
        let only_unknown = cur.iter().all(|&(_, s)| s == Status::Unknown);
        let mut want: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for r in 0u8..12 {
            let list = match (before.get(&r), now.get(&r)) {
                (Some(Status::Fail), Some(Status::Fail)) => "still_open",
                (_, Some(Status::Fail)) => "new",
                (Some(Status::Fail), Some(Status::Unknown)) => "unknown_now",
                (Some(Status::Fail), Some(_)) => "fixed",
                // Gone where its check was read (the run looked in its account and region
                // and the check was not only UNKNOWN there): fixed; else not checked.
                (Some(Status::Fail), None) if cur.is_empty() || only_unknown => "not_checked",
                (Some(Status::Fail), None) => "fixed",
                _ => continue,
            };
            want.entry(list).or_default().push(key(r));
        }
        let got: BTreeMap<&str, Vec<String>> = [
            ("new", &d.new),
            ("fixed", &d.fixed),
            ("still_open", &d.still_open),
            ("unknown_now", &d.unknown_now),
            ("not_checked", &d.not_checked),
        ]
        .into_iter()
        .filter(|(_, l)| !l.is_empty())
        .map(|(n, l)| (n, l.iter().map(|e| e.key.clone()).collect()))
        .collect();
        for l in want.values_mut() {
            l.sort();
        }
        prop_assert_eq!(got, want);
        // Each entry carries the findings its list promises.
        for e in d.new.iter().chain(&d.still_open) {
            prop_assert_eq!(e.now.as_ref().map(|f| f.status), Some(Status::Fail));
        }
        for e in d.fixed.iter().chain(&d.unknown_now).chain(&d.not_checked).chain(&d.still_open) {
            prop_assert_eq!(e.before.as_ref().map(|f| f.status), Some(Status::Fail));
        }
        // What could not be checked says why.
        for e in d.unknown_now.iter().chain(&d.not_checked) {
            prop_assert!(e.reason.is_some());
        }
    }
}
