//! IAM-03 analysis over a GetAccountAuthorizationDetails fixture, and the escalation-path table
//! checked against the pathfinding.cloud YAML files it is derived from.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use yagura_iam::actions::db;
use yagura_iam::analyze::{analyze, escalation_paths, AccountAuthorization};

const FIXTURE: &str = include_str!("fixtures/account-authorization-details.json");
const PATHS_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/testdata/iam/pathfinding/data/paths"
);

#[test]
fn findings_over_account_authorization_details() {
    let auth = AccountAuthorization::from_json("fixture.json", FIXTURE).unwrap();
    assert!(auth.errors.is_empty(), "{:?}", auth.errors);
    let findings = analyze(db().unwrap(), &auth).unwrap();
    let lines: Vec<String> = findings
        .iter()
        .map(|f| {
            let ev: Vec<String> = f
                .evidence
                .iter()
                .filter(|(k, _)| *k != "principal_type")
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            format!(
                "{} {} {} | {} | {}",
                f.status,
                f.check_id,
                f.resource,
                f.message.en(),
                ev.join(" ")
            )
        })
        .collect();
    insta::assert_snapshot!(lines.join("\n"));
}

#[test]
fn unreadable_parts_are_reported() {
    let text = r#"{"UserDetailList": [{"UserName": "x", "Arn": "arn:aws:iam::1:user/x",
        "AttachedManagedPolicies": [{"PolicyArn": "arn:aws:iam::1:policy/Gone"}],
        "UserPolicyList": [{"PolicyName": "bad", "PolicyDocument": "%7B%22Statement%22%3A3%7D"}]}]}"#;
    let auth = AccountAuthorization::from_json("a.json", text).unwrap();
    assert_eq!(auth.errors.len(), 2, "{:?}", auth.errors);
    assert!(auth
        .errors
        .iter()
        .any(|e| e.contains("`Statement` must be an object or an array")));
    assert!(auth
        .errors
        .iter()
        .any(|e| e.contains("`arn:aws:iam::1:policy/Gone` is not in `Policies`")));
    let (findings, errors) = yagura_iam::analyze_authorization_details("a.json", text).unwrap();
    assert_eq!(errors.len(), 2);
    assert_eq!(findings.len(), 6);
    let e = AccountAuthorization::from_json("a.json", "[1]").unwrap_err();
    assert_eq!(
        e.to_string(),
        "a.json:1:1: expected a GetAccountAuthorizationDetails object, found an array"
    );
}

#[test]
fn escalation_table_matches_pathfinding_yaml() {
    let Ok(dir) = std::fs::read_dir(PATHS_DIR) else {
        if std::env::var_os("CI").is_some() {
            panic!("{PATHS_DIR} is missing");
        }
        eprintln!("skip: {PATHS_DIR} not found");
        return;
    };
    let mut from_yaml = Vec::new();
    for svc in dir {
        for f in std::fs::read_dir(svc.unwrap().path()).unwrap() {
            let path = f.unwrap().path();
            // Typed, so that keys we do not read may repeat (one file repeats
            // `learningEnvironments`).
            #[derive(serde::Deserialize)]
            struct Perm {
                permission: String,
            }
            #[derive(serde::Deserialize, Default)]
            struct Perms {
                #[serde(default)]
                required: Vec<Perm>,
            }
            #[derive(serde::Deserialize)]
            struct PathYaml {
                id: String,
                category: String,
                #[serde(default)]
                permissions: Perms,
            }
            let v: PathYaml =
                serde_yaml_ng::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let required: Vec<String> = v
                .permissions
                .required
                .into_iter()
                .map(|p| p.permission)
                .collect();
            from_yaml.push((v.id, v.category, required));
        }
    }
    from_yaml.sort();
    let mut table: Vec<(String, String, Vec<String>)> = escalation_paths()
        .unwrap()
        .into_iter()
        .map(|p| (p.id, p.category, p.required))
        .collect();
    table.sort();
    assert_eq!(table.len(), 65);
    assert_eq!(table, from_yaml, "run scripts/refresh-paths.sh");
    // Every required permission is a known action, so a principal can match every path.
    let db = db().unwrap();
    for (id, _, req) in &table {
        for p in req {
            assert!(db.lookup(p).is_some(), "{id}: unknown action {p}");
        }
    }
}

/// Regression: `iam analyze` evaluated its admin question as AWS does with an empty request
/// context, so `Allow *` under an MFA condition (or any condition) was not admin-equivalent
/// there while the audit (AUD-05) counted it. Both now follow the "may" convention: conditions
/// hold in `Allow` statements and not in `Deny` statements; unconditional denials count.
#[test]
fn admin_equivalence_follows_the_audits_convention() {
    let user = |name: &str, statements: serde_json::Value| {
        serde_json::json!({"UserName": name, "Arn": format!("arn:aws:iam::111122223333:user/{name}"),
            "Path": "/", "GroupList": [], "AttachedManagedPolicies": [],
            "UserPolicyList": [{"PolicyName": "p", "PolicyDocument":
                {"Version": "2012-10-17", "Statement": statements}}]})
    };
    let all = serde_json::json!({"Effect": "Allow", "Action": "*", "Resource": "*"});
    let doc = serde_json::json!({
        "UserDetailList": [
            user("mfa-admin", serde_json::json!([{"Effect": "Allow", "Action": "*", "Resource": "*",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}])),
            user("office-admin", serde_json::json!([{"Effect": "Allow", "Action": "*", "Resource": "*",
                "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}])),
            user("force-mfa-admin", serde_json::json!([all, {"Effect": "Deny", "Action": "*", "Resource": "*",
                "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}])),
            user("no-iam", serde_json::json!([all, {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}])),
            user("reader", serde_json::json!([{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}])),
        ],
        "GroupDetailList": [], "RoleDetailList": [], "Policies": [],
    });
    let auth = AccountAuthorization::from_json("doc", &doc.to_string()).unwrap();
    let findings = analyze(db().unwrap(), &auth).unwrap();
    let admin = |name: &str| {
        findings
            .iter()
            .find(|f| {
                f.check_id == "iam-principal-admin-equivalent"
                    && f.resource.ends_with(&format!(":user/{name}"))
            })
            .map(|f| f.status)
            .unwrap()
    };
    use yagura_core::Status::{Fail, Pass};
    assert_eq!(admin("mfa-admin"), Fail);
    assert_eq!(admin("office-admin"), Fail);
    assert_eq!(admin("force-mfa-admin"), Fail);
    assert_eq!(admin("no-iam"), Pass);
    assert_eq!(admin("reader"), Pass);
}
