#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Scans on several threads give the same report as on one; reports serialize for `--format json`.

use std::path::Path;
use yagura_trail::sigma::RuleSet;
use yagura_trail::{scan_paths, Options};

#[test]
fn threads_do_not_change_the_result() {
    let td = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/testdata/cloudtrail"
    ));
    let (rules, errors) = RuleSet::load_dir(&td.join("sigma/rules"));
    assert!(errors.is_empty());
    let paths = [td.join("invictus"), td.join("stratus")];
    let refs: Vec<&Path> = paths.iter().map(|p| p.as_path()).collect();
    let one = scan_paths(&refs, Some(&rules), &Options::default(), 1);
    let three = scan_paths(&refs, Some(&rules), &Options::default(), 3);
    assert_eq!(one.stats, three.stats);
    let key = |r: &yagura_trail::ScanReport| {
        let mut v: Vec<(String, Vec<String>)> = r
            .detections
            .iter()
            .map(|d| {
                (
                    d.id.clone(),
                    d.events.iter().map(|e| e.event_id.clone()).collect(),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert!(
        key(&one) == key(&three),
        "detections differ between 1 and 3 threads"
    );
    assert_eq!(one.stats.events, 3210);
    let json = serde_json::to_value(&one).unwrap();
    assert!(json["detections"].as_array().unwrap().len() > 100);
    assert_eq!(json["stats"]["events"], 3210);
    // a missing path is an error in the report, not a failure
    let missing = Path::new("/nonexistent/AWSLogs");
    let r = scan_paths(&[missing], None, &Options::default(), 2);
    assert_eq!((r.stats.events, r.stats.errors), (0, 1));
    assert!(
        r.errors[0].en.contains("/nonexistent/AWSLogs"),
        "{}",
        r.errors[0].en
    );
}
