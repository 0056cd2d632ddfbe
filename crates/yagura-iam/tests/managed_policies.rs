//! Acceptance 2: wildcard expansion and classification agree with the `effective_actions` and the
//! flags of the 1,641 AWS managed policies in `shared/testdata/iam/aws-managed-policies.tar.gz`
//! (iam-dataset, MIT). The oracle was built with an older action database (2026-08-22) than ours,
//! so actions added or removed since then differ; every other difference must be explained below.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use yagura_iam::actions::db;
use yagura_iam::summary::summarize;
use yagura_iam::Policy;

const TARBALL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/testdata/iam/aws-managed-policies.tar.gz"
);

/// Policies whose differences are explained, with the reason.
const EXPLAINED: &[(&str, &str)] = &[(
    "AWSCodePipelineFullAccess",
    "deprecated since 2020 and frozen in iam-dataset: its `codepipeline:*` expansion lacks the \
     five actions added since (ListDeployActionExecutionTargets, ListRuleExecutions, \
     ListRuleTypes, OverrideStageCondition, RollbackStage), and its per-action data_access \
     fields are null, so its data_access flag is false although it grants s3:GetObject",
)];

struct Oracle {
    name: String,
    document: String,
    effective: BTreeMap<String, String>,
    flags: [bool; 4],
}

fn load() -> Option<Vec<Oracle>> {
    let f = std::fs::File::open(TARBALL).ok()?;
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(f));
    let mut out = Vec::new();
    for e in ar.entries().unwrap() {
        let mut e = e.unwrap();
        let path = e.path().unwrap().to_string_lossy().into_owned();
        if !path.contains("/managedpolicies/") || !path.ends_with(".json") {
            continue;
        }
        let mut s = String::new();
        e.read_to_string(&mut s).unwrap();
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        let effective = v["effective_actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["effective_action"].as_str().unwrap().to_ascii_lowercase(),
                    a["access_level"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let b = |k: &str| v[k].as_bool().unwrap_or(false);
        out.push(Oracle {
            name: v["name"].as_str().unwrap().to_string(),
            document: v["document"].to_string(),
            effective,
            flags: [
                b("privesc"),
                b("resource_exposure"),
                b("credentials_exposure"),
                b("data_access"),
            ],
        });
    }
    Some(out)
}

#[test]
fn expansion_and_flags_agree_with_iam_dataset() {
    let Some(policies) = load() else {
        if std::env::var_os("CI").is_some() {
            panic!("{TARBALL} is missing");
        }
        eprintln!("skip: {TARBALL} not found");
        return;
    };
    assert_eq!(policies.len(), 1641);
    let db = db().unwrap();
    // Every action name the oracle knows, to tell "newer database" from "wrong expansion".
    let oracle_universe: BTreeSet<&str> = policies
        .iter()
        .flat_map(|p| p.effective.keys().map(String::as_str))
        .collect();
    let mut extra_new = 0usize; // actions we expand that the oracle never saw: added since
    let mut missing_gone = 0usize; // oracle actions our database no longer has: removed/renamed
    let mut unexplained: Vec<String> = Vec::new();
    let mut level_diff = 0usize;
    let mut level_samples = BTreeSet::new();
    let mut flag_diff: Vec<String> = Vec::new();
    let mut compared = 0usize;
    for p in &policies {
        if EXPLAINED.iter().any(|(n, _)| *n == p.name) {
            continue;
        }
        let policy = Policy::parse(&p.name, &p.document).unwrap();
        let s = summarize(db, &policy);
        compared += s.actions.len();
        for k in s.actions.keys() {
            if !p.effective.contains_key(k) {
                if oracle_universe.contains(k.as_str()) {
                    unexplained.push(format!("{}: extra {k}", p.name));
                } else {
                    extra_new += 1;
                }
            }
        }
        for (k, level) in &p.effective {
            match s.actions.get(k) {
                Some(g) => {
                    // The oracle joins levels ("Permissions management, Write") when its source
                    // lists one action twice; ours must be one of them.
                    if !level.split(", ").any(|l| l == g.access_level.as_str())
                        && level != "Unknown"
                    {
                        level_diff += 1;
                        level_samples.insert(format!(
                            "{k}: ours {} oracle {level}",
                            g.access_level.as_str()
                        ));
                    }
                }
                None if db.lookup(k).is_none() => missing_gone += 1,
                None => unexplained.push(format!("{}: missing {k}", p.name)),
            }
        }
        let ours = [
            s.privesc,
            s.resource_exposure,
            s.credentials_exposure,
            s.data_access,
        ];
        if ours != p.flags {
            flag_diff.push(format!("{}: ours {ours:?} oracle {:?}", p.name, p.flags));
        }
    }
    eprintln!(
        "compared {compared} granted actions over {} policies: {extra_new} added since the oracle, \
         {missing_gone} removed since, {} unexplained, {level_diff} access-level differences, {} flag differences",
        policies.len(),
        unexplained.len(),
        flag_diff.len()
    );
    for u in unexplained.iter().take(30) {
        eprintln!("  {u}");
    }
    eprintln!("{} distinct access-level differences", level_samples.len());
    for u in level_samples.iter().take(40) {
        eprintln!("  {u}");
    }
    for u in flag_diff.iter().take(30) {
        eprintln!("  {u}");
    }
    assert!(
        unexplained.is_empty(),
        "{} unexplained expansion differences",
        unexplained.len()
    );
    assert!(flag_diff.is_empty(), "{} flag differences", flag_diff.len());
    // Access levels: the oracle applies the same overrides; what remains are actions AWS has
    // re-levelled since the oracle's snapshot. Keep it below 1% of the compared grants.
    assert!(
        level_diff * 100 < compared,
        "{level_diff} access-level differences"
    );
}

/// Acceptance 2 of issue 15: AWS's read-only job-function policies, attached alone, give no
/// write, escalation or admin finding (their write-levelled actions are the ones AWS itself
/// put in a read-only policy: `read_only_in_aws_policies`), and IAMFullAccess alone is described
/// as what it is: it can grant itself anything, a path of one step.
#[test]
fn read_only_job_policies_are_clean_and_iam_full_access_escalates() {
    let Some(policies) = load() else {
        if std::env::var_os("CI").is_some() {
            panic!("{TARBALL} is missing");
        }
        return;
    };
    let db = db().unwrap();
    let by_name = |n: &str| {
        policies
            .iter()
            .find(|p| p.name == n)
            .unwrap_or_else(|| panic!("{n}"))
    };
    let names = [
        "ReadOnlyAccess",
        "SecurityAudit",
        "ViewOnlyAccess",
        "IAMFullAccess",
    ];
    let acct = "111122223333";
    let users: Vec<serde_json::Value> = names
        .iter()
        .map(|n| {
            serde_json::json!({"UserName": n.to_lowercase(), "Arn": format!("arn:aws:iam::{acct}:user/{}", n.to_lowercase()),
                "GroupList": [], "UserPolicyList": [],
                "AttachedManagedPolicies": [{"PolicyName": n, "PolicyArn": format!("arn:aws:iam::aws:policy/{n}")}]})
        })
        .collect();
    let docs: Vec<serde_json::Value> = names
        .iter()
        .map(|n| {
            let doc: serde_json::Value = serde_json::from_str(&by_name(n).document).unwrap();
            serde_json::json!({"PolicyName": n, "Arn": format!("arn:aws:iam::aws:policy/{n}"), "DefaultVersionId": "v1",
                "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": doc}]})
        })
        .collect();
    // An admin role the read-only users could reach if they had any path.
    let gaad = serde_json::json!({"UserDetailList": users, "GroupDetailList": [], "Policies": docs,
        "RoleDetailList": [{"RoleName": "Admin", "Arn": format!("arn:aws:iam::{acct}:role/Admin"),
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{acct}:root")}, "Action": "sts:AssumeRole"}]},
            "AttachedManagedPolicies": [], "RolePolicyList": [{"PolicyName": "all", "PolicyDocument":
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}]}]});
    let auth =
        yagura_iam::analyze::AccountAuthorization::from_json("gaad", &gaad.to_string()).unwrap();
    assert!(auth.errors.is_empty(), "{:?}", auth.errors);
    let findings = yagura_iam::analyze::analyze(db, &auth).unwrap();
    let status = |user: &str, check: &str| {
        findings
            .iter()
            .find(|f| f.check_id == check && f.resource.ends_with(&format!(":user/{user}")))
            .unwrap_or_else(|| panic!("{check} {user}"))
    };
    for n in ["readonlyaccess", "securityaudit", "viewonlyaccess"] {
        for check in [
            "iam-principal-admin-equivalent",
            "iam-write-on-all-resources",
            "iam-privilege-escalation-path",
            "iam-can-make-other-principal-admin",
            "iam-potential-escalation-path",
        ] {
            let f = status(n, check);
            assert_eq!(
                f.status,
                yagura_core::Status::Pass,
                "{n} {check}: {}",
                f.message.en()
            );
        }
    }
    let admin = status("iamfullaccess", "iam-principal-admin-equivalent");
    assert_eq!(admin.status, yagura_core::Status::Fail);
    assert!(
        admin
            .message
            .en()
            .contains("on itself and so grant itself anything"),
        "{}",
        admin.message.en()
    );
    let path = status("iamfullaccess", "iam-privilege-escalation-path");
    assert_eq!(path.status, yagura_core::Status::Fail);
    assert!(
        path.message.en().contains("user/iamfullaccess → iam:"),
        "{}",
        path.message.en()
    );
    assert!(
        path.message
            .en()
            .ends_with("→ user/iamfullaccess (made admin)"),
        "{}",
        path.message.en()
    );

    // Every AWS read-only managed policy: no write action on every resource.
    let mut checked = 0;
    for p in policies.iter().filter(|p| {
        p.name.contains("ReadOnly") || p.name.contains("ViewOnly") || p.name == "SecurityAudit"
    }) {
        let s = summarize(db, &Policy::parse(&p.name, &p.document).unwrap());
        let writes: Vec<&str> = s
            .actions
            .values()
            .filter(|g| g.all_resources && !g.conditional)
            .filter_map(|g| db.lookup(&g.action))
            .filter(|a| db.changes_state(a))
            .map(|a| a.name.as_str())
            .collect();
        assert!(writes.is_empty(), "{}: {writes:?}", p.name);
        checked += 1;
    }
    assert!(checked > 150, "{checked}");
}
