//! Regression: `yagura iam analyze --from-inventory` (and live) ignored permissions boundaries,
//! which the GetAccountAuthorizationDetails path applies: a user or role with an admin policy
//! under a narrow boundary came out admin-equivalent from the inventory only. Both paths now
//! give the same findings, with and without a boundary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use yagura_iam::actions::db;
use yagura_iam::analyze::{analyze, AccountAuthorization};
use yagura_iam::inventory::account_authorization;
use yagura_inventory::{Account, AttachedPolicy, Collected, Iam, ManagedPolicy, Role, User};

const ACCOUNT: &str = "111122223333";
const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
const S3_ONLY: &str = "arn:aws:iam::111122223333:policy/s3-only";
const ADMIN_DOC: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
const S3_DOC: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

fn attached() -> Vec<AttachedPolicy> {
    vec![AttachedPolicy {
        name: "AdministratorAccess".into(),
        arn: ADMIN.into(),
    }]
}

fn inventory_account() -> Account {
    let user = |name: &str, boundary: Option<&str>| User {
        name: name.into(),
        arn: format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
        attached_policies: attached(),
        permissions_boundary: boundary.map(str::to_string),
        ..User::default()
    };
    let role = |name: &str, boundary: Option<&str>| Role {
        name: name.into(),
        arn: format!("arn:aws:iam::{ACCOUNT}:role/{name}"),
        path: "/".into(),
        trust_policy: TRUST.into(),
        attached_policies: attached(),
        permissions_boundary: boundary.map(str::to_string),
        ..Role::default()
    };
    Account {
        account_id: ACCOUNT.into(),
        iam: Iam {
            users: Collected::Ok(vec![user("bounded", Some(S3_ONLY)), user("free", None)]),
            roles: Collected::Ok(vec![
                role("bounded-role", Some(S3_ONLY)),
                role("free-role", None),
            ]),
            groups: Collected::Ok(vec![]),
            policies: Collected::Ok(vec![
                ManagedPolicy {
                    name: "AdministratorAccess".into(),
                    arn: ADMIN.into(),
                    document: ADMIN_DOC.into(),
                },
                ManagedPolicy {
                    name: "s3-only".into(),
                    arn: S3_ONLY.into(),
                    document: S3_DOC.into(),
                },
            ]),
            ..Iam::default()
        },
        ..Account::default()
    }
}

fn gaad_document() -> String {
    let boundary = |b: bool| {
        if b {
            serde_json::json!({"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": S3_ONLY})
        } else {
            serde_json::Value::Null
        }
    };
    let att = serde_json::json!([{"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN}]);
    let user = |name: &str, b: bool| {
        let mut u = serde_json::json!({"UserName": name, "Arn": format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
            "Path": "/", "GroupList": [], "UserPolicyList": [], "AttachedManagedPolicies": att});
        if b {
            u["PermissionsBoundary"] = boundary(true);
        }
        u
    };
    let role = |name: &str, b: bool| {
        let mut r = serde_json::json!({"RoleName": name, "Arn": format!("arn:aws:iam::{ACCOUNT}:role/{name}"),
            "Path": "/", "AssumeRolePolicyDocument": serde_json::from_str::<serde_json::Value>(TRUST).unwrap(),
            "RolePolicyList": [], "AttachedManagedPolicies": att});
        if b {
            r["PermissionsBoundary"] = boundary(true);
        }
        r
    };
    let policy = |name: &str, arn: &str, doc: &str| {
        serde_json::json!({"PolicyName": name, "Arn": arn, "DefaultVersionId": "v1",
            "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true,
                "Document": serde_json::from_str::<serde_json::Value>(doc).unwrap()}]})
    };
    serde_json::json!({
        "UserDetailList": [user("bounded", true), user("free", false)],
        "RoleDetailList": [role("bounded-role", true), role("free-role", false)],
        "GroupDetailList": [],
        "Policies": [policy("AdministratorAccess", ADMIN, ADMIN_DOC), policy("s3-only", S3_ONLY, S3_DOC)],
    })
    .to_string()
}

fn outcome(auth: &AccountAuthorization) -> BTreeSet<(String, String, String)> {
    assert!(auth.errors.is_empty(), "{:?}", auth.errors);
    analyze(db().unwrap(), auth)
        .unwrap()
        .into_iter()
        .map(|f| {
            (
                f.check_id.to_string(),
                f.resource.to_string(),
                format!("{:?}", f.status),
            )
        })
        .collect()
}

#[test]
fn boundaries_count_from_the_inventory_as_from_the_gaad_document() {
    let from_inventory = outcome(&account_authorization(&inventory_account()));
    let from_gaad = outcome(&AccountAuthorization::from_json("gaad", &gaad_document()).unwrap());
    assert_eq!(from_inventory, from_gaad);
    let admin = |res: &str| {
        from_inventory
            .iter()
            .filter(|(c, r, _)| c == "iam-principal-admin-equivalent" && r.ends_with(res))
            .map(|(_, _, s)| s.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(admin(":user/free"), ["Fail"]);
    assert_eq!(admin(":role/free-role"), ["Fail"]);
    assert_eq!(admin(":user/bounded"), ["Pass"]);
    assert_eq!(admin(":role/bounded-role"), ["Pass"]);
}
