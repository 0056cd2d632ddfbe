#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The whole SigmaHQ repository (3,780 rule files of every log source) pointed at CloudTrail:
//! only the 57 CloudTrail rules run, with the same detections, rule by rule, as the 57 alone;
//! every other rule is accounted for (skipped by log source, unsupported, or failed with a
//! reason and position); and every rule of the repository compiles when the log source is
//! ignored (every construct SigmaHQ uses parses, `|all` keyword lists included).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use yagura_trail::sigma::{LoadOptions, LoadSummary, RuleSet};
use yagura_trail::{read_path, Detection, DetectionKind, Options, Scanner};

fn testdata() -> PathBuf {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/testdata/cloudtrail"
    ))
    .into()
}

fn load(dir: &Path, opts: &LoadOptions) -> &'static (RuleSet, LoadSummary) {
    static SIGMAHQ: std::sync::OnceLock<(RuleSet, LoadSummary)> = std::sync::OnceLock::new();
    static ANY: std::sync::OnceLock<(RuleSet, LoadSummary)> = std::sync::OnceLock::new();
    let cell = if opts.any_logsource { &ANY } else { &SIGMAHQ };
    cell.get_or_init(|| RuleSet::load_dir_summary(dir, opts))
}

/// Rule files below `dir`, counted without the loader.
fn rule_files(dir: &Path) -> usize {
    let mut n = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "yml" || e == "yaml") {
                n += 1;
            }
        }
    }
    n
}

fn scan(rules: &RuleSet) -> yagura_trail::ScanReport {
    let opts = Options {
        native: false,
        ..Options::default()
    };
    let mut s = Scanner::new(Some(rules), &opts);
    for dir in ["invictus", "stratus"] {
        for item in read_path(&testdata().join(dir)) {
            s.push_item(&item);
        }
    }
    s.finish()
}

/// (rule id, first event id) of every Sigma detection.
fn hits(ds: &[Detection]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = ds
        .iter()
        .filter(|d| d.kind == DetectionKind::Sigma)
        .map(|d| (d.id.clone(), d.events[0].event_id.clone()))
        .collect();
    v.sort();
    v
}

#[test]
fn the_whole_repository_runs_the_cloudtrail_rules_only_and_accounts_for_every_rule() {
    let dir = testdata().join("sigmahq");
    let (all, summary) = load(&dir, &LoadOptions::default());
    let files = rule_files(&dir);
    assert_eq!(summary.files, files);
    // one document per file in SigmaHQ; every document accounted for
    assert_eq!(summary.documents, files);
    assert_eq!(summary.accounted(), summary.documents, "{summary:#?}");
    assert_eq!(summary.loaded, 57, "{:#?}", summary.failed);
    assert!(summary.failed.is_empty(), "{:#?}", summary.failed);
    // the placeholder rule of rules-placeholder/ needs values: unsupported, with the reason
    assert_eq!(summary.unsupported.len(), 1, "{:#?}", summary.unsupported);
    let u = &summary.unsupported[0];
    assert!(u.reason.contains("placeholder"), "{u}");
    assert!(u.location.is_some(), "{u:?}");
    assert!(summary.unreadable.is_empty());
    // skipped by log source: Windows first, and no AWS CloudTrail rule among them
    assert!(summary.skipped.get("windows").copied().unwrap_or(0) > 2000);
    assert!(
        summary
            .skipped
            .get("windows/security")
            .copied()
            .unwrap_or(0)
            > 100
    );
    assert!(summary.skipped.contains_key("webserver"));
    assert!(!summary.skipped.keys().any(|k| k.starts_with("aws")));
    assert_eq!(summary.skipped_total(), files - 58);
    // only rules that can match reach the hot loop: the CloudTrail rules, indexed as alone
    assert_eq!(all.rules.len(), 57);
    let (alone, errors) = RuleSet::load_dir(&testdata().join("sigma/rules"));
    assert!(errors.is_empty());
    assert_eq!(all.unindexed_len(), alone.unindexed_len());
}

#[test]
fn the_whole_repository_detects_exactly_what_the_57_rules_detect() {
    let (all, _) = load(&testdata().join("sigmahq"), &LoadOptions::default());
    let (alone, _) = RuleSet::load_dir(&testdata().join("sigma/rules"));
    let a = scan(all);
    let b = scan(&alone);
    assert_eq!(a.stats.events, b.stats.events);
    // rule by rule (rule ids), then detection by detection
    assert_eq!(a.stats.sigma_matches, b.stats.sigma_matches);
    let per_rule: BTreeMap<&str, u64> = a
        .stats
        .sigma_matches
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(per_rule.values().sum::<u64>(), 189);
    assert_eq!(hits(&a.detections), hits(&b.detections));
    assert_eq!(hits(&a.detections).len(), 189);
}

#[test]
fn every_sigmahq_rule_compiles_when_the_log_source_is_ignored() {
    let opts = LoadOptions {
        any_logsource: true,
        ..LoadOptions::default()
    };
    let (set, summary) = load(&testdata().join("sigmahq"), &opts);
    assert!(summary.failed.is_empty(), "{:#?}", summary.failed);
    // placeholders without values are the only rules left out
    assert!(
        summary
            .unsupported
            .iter()
            .all(|u| u.reason.contains("placeholder")),
        "{:#?}",
        summary.unsupported
    );
    assert_eq!(summary.skipped_total(), 0);
    assert_eq!(
        set.rules.len() + summary.unsupported.len(),
        summary.documents
    );
}
