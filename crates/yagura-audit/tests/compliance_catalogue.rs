//! The compliance catalogue against the frameworks' published requirement lists in
//! `shared/testdata/compliance` (Prowler's format): the embedded tables are those lists (ids in
//! order, sections, titles, Automated/Manual), every mapping of a check names a requirement
//! that exists, every Manual requirement of CIS is a check or a MANUAL entry, and the
//! per-requirement statuses follow the findings.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use yagura_audit::compliance::{framework, FRAMEWORKS, MANUAL};
use yagura_audit::CHECKS;
use yagura_core::compliance::RequirementStatus;
use yagura_core::{Finding, Mute, MuteKind, Severity, Status, Text};

const SHARED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/testdata/compliance/"
);

fn source(key: &str) -> serde_json::Value {
    let file = match key {
        "cis-aws-foundations-3.0" => "cis_3.0_aws.json",
        "cis-aws-foundations-7.0" => "cis_7.0_aws.json",
        "aws-fsbp" => "aws_foundational_security_best_practices_aws.json",
        other => panic!("no source for {other}"),
    };
    serde_json::from_slice(&std::fs::read(format!("{SHARED}{file}")).unwrap()).unwrap()
}

fn words(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_tables_are_the_published_lists() {
    for (fw, count) in [
        ("cis-aws-foundations-3.0", 62),
        ("cis-aws-foundations-7.0", 70),
        ("aws-fsbp", 286),
    ] {
        let f = framework(fw).unwrap();
        let src = source(fw);
        let reqs = src["Requirements"].as_array().unwrap();
        let rows: Vec<_> = f.table_rows().collect();
        assert_eq!(rows.len(), count, "{fw}");
        assert_eq!(reqs.len(), count, "{fw}");
        for (r, s) in rows.iter().zip(reqs) {
            let a = &s["Attributes"][0];
            assert_eq!(r.id, s["Id"].as_str().unwrap(), "{fw}");
            assert_eq!(
                r.section,
                words(a["Section"].as_str().unwrap()),
                "{fw} {}",
                r.id
            );
            let title = s["Name"].as_str().or(s["Description"].as_str()).unwrap();
            assert_eq!(r.title, words(title), "{fw} {}", r.id);
            let manual = a["AssessmentStatus"].as_str() == Some("Manual");
            assert_eq!(r.manual, manual, "{fw} {}", r.id);
        }
    }
    let cis7 = framework("cis-7.0").unwrap().table_rows();
    let (manual, automated): (Vec<_>, Vec<_>) = cis7.partition(|r| r.manual);
    assert_eq!((automated.len(), manual.len()), (34, 36));
}

#[test]
fn every_mapping_names_a_requirement_of_its_framework() {
    for c in CHECKS {
        for (key, ids) in c.compliance {
            let Ok(f) = framework(key) else { continue };
            for id in *ids {
                assert!(
                    f.table_rows().any(|r| r.id == *id),
                    "{} maps to `{key}` `{id}`, which the framework does not have",
                    c.id
                );
            }
        }
    }
}

#[test]
fn manual_entries_name_manual_requirements_once() {
    let mut seen = std::collections::BTreeSet::new();
    for m in MANUAL {
        assert!(!m.look_at.en.is_empty() && !m.look_at.ja.is_empty());
        assert!(!m.look_at.en.contains('\n') && !m.look_at.ja.contains('\n'));
        for (key, id) in m.ids {
            assert!(seen.insert((*key, *id)), "{key} {id} declared twice");
            let f = framework(key).unwrap();
            let r = f.table_rows().find(|r| r.id == *id);
            assert!(
                r.is_some_and(|r| r.manual),
                "{key} {id} is not a Manual requirement"
            );
        }
    }
}

#[test]
fn no_manual_cis_requirement_is_silently_missing() {
    for key in ["cis-7.0", "cis-3.0"] {
        let f = framework(key).unwrap();
        for r in f.table_rows().filter(|r| r.manual) {
            assert!(
                !f.checks_of(r.id).is_empty() || f.manual(r.id).is_some(),
                "{key} {} is Manual with neither a check nor a MANUAL entry",
                r.id
            );
        }
        let c = f.coverage();
        assert_eq!(
            c.automated + c.manual + c.not_covered,
            f.table_rows().count()
        );
    }
}

#[test]
fn names_and_aliases_resolve_and_others_are_refused() {
    for f in FRAMEWORKS {
        assert_eq!(framework(f.key).unwrap().key, f.key);
        assert_eq!(framework(f.alias).unwrap().key, f.key);
    }
    let e = framework("cis-9.9").unwrap_err().to_string();
    assert!(
        e.starts_with("unknown compliance framework `cis-9.9`"),
        "{e}"
    );
}

fn finding(check: &'static str, status: Status, resource: &str) -> Finding {
    Finding::new(
        check,
        status,
        Severity::High,
        resource,
        "123456789012",
        "global",
        Text::new("m", "m"),
    )
}

#[test]
fn a_requirement_fails_on_any_failing_resource_and_is_unknown_before_passing() {
    let f = framework("cis-7.0").unwrap();
    let mut muted = finding("root-mfa-disabled", Status::Fail, "root");
    muted.mute = Some(Box::new(Mute {
        kind: MuteKind::Accepted,
        reason: "break-glass".into(),
        expires: None,
    }));
    let findings = vec![
        finding("iam-user-unused", Status::Pass, "alice"),
        finding("iam-access-key-unused", Status::Fail, "bob"),
        finding("iam-access-key-unused", Status::Fail, "bob"),
        finding("root-access-key-present", Status::Unknown, "root"),
        finding("iam-access-key-not-rotated", Status::Pass, "alice"),
        muted,
    ];
    let t = f.table(&findings, &|_| true);
    let get = |id: &str| t.requirements.iter().find(|r| r.id == id).unwrap();
    let r = get("2.11");
    assert_eq!(r.status, RequirementStatus::Fail);
    assert_eq!((r.pass, r.fail), (1, 2));
    assert_eq!(r.failing, ["123456789012/global/bob"]);
    assert_eq!(get("2.4").status, RequirementStatus::Unknown);
    assert_eq!(get("2.12").status, RequirementStatus::Pass);
    assert_eq!(
        (get("2.5").status, get("2.5").muted),
        (RequirementStatus::Pass, 1)
    );
    let m = get("2.2");
    assert_eq!(m.status, RequirementStatus::Manual);
    assert!(m.look_at.unwrap().en.contains("Contact information"));
    // A check left out of the run cannot vouch for its requirement.
    let t = f.table(&[], &|c| c != "iam-access-key-not-rotated");
    let r = t.requirements.iter().find(|r| r.id == "2.12").unwrap();
    assert_eq!(r.status, RequirementStatus::Unknown);
    // Natural order: 2.9 before 2.10.
    let ids: Vec<_> = t.requirements.iter().map(|r| r.id).collect();
    let (p9, p10) = (
        ids.iter().position(|i| *i == "2.9").unwrap(),
        ids.iter().position(|i| *i == "2.10").unwrap(),
    );
    assert!(p9 < p10);
    let total: usize = t.counts().iter().map(|(_, n)| n).sum();
    assert_eq!(total, 70);
}
