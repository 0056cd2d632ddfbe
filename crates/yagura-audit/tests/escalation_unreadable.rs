//! Regression: `iam-principal-can-become-admin` said PASS ("no path to an administrator") for a
//! principal that may assume a role whose own policy could not be read — the role may be an
//! administrator, so the path cannot be ruled out. Now UNKNOWN, naming the unreadable policy;
//! with the policy readable (and harmless) the same principal passes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use yagura_audit::{evaluate, AuditConfig};
use yagura_core::Status;
use yagura_inventory::{
    Account, Collected, Iam, InlinePolicy, Inventory, Role, User, SCHEMA_VERSION,
};

const ACCOUNT: &str = "123456789012";

fn inventory(target_policy: &str) -> Inventory {
    let assume_any = InlinePolicy {
        name: "assume".into(),
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}"#.into(),
    };
    let user = User {
        name: "dev".into(),
        arn: format!("arn:aws:iam::{ACCOUNT}:user/dev"),
        inline_policies: vec![assume_any],
        ..Default::default()
    };
    let role = Role {
        name: "ops".into(),
        arn: format!("arn:aws:iam::{ACCOUNT}:role/ops"),
        path: "/".into(),
        trust_policy: format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}},"Action":"sts:AssumeRole"}}]}}"#
        ),
        inline_policies: vec![InlinePolicy {
            name: "ops".into(),
            document: target_policy.into(),
        }],
        ..Default::default()
    };
    Inventory {
        schema_version: SCHEMA_VERSION,
        collected_at: "2026-12-06T00:00:00Z".into(),
        accounts: vec![Account {
            account_id: ACCOUNT.into(),
            partition: "aws".into(),
            iam: Iam {
                users: Collected::Ok(vec![user]),
                groups: Collected::Ok(vec![]),
                roles: Collected::Ok(vec![role]),
                policies: Collected::Ok(vec![]),
                ..Default::default()
            },
            ..Default::default()
        }],
    }
}

fn dev(inv: &Inventory) -> yagura_core::Finding {
    evaluate(inv, &AuditConfig::default())
        .into_iter()
        .find(|f| {
            f.check_id == "iam-principal-can-become-admin" && f.resource.ends_with("user/dev")
        })
        .expect("a finding for user dev")
}

#[test]
fn a_role_whose_policy_cannot_be_read_leaves_who_may_assume_it_unknown() {
    // Not a policy document: the role's permissions are unknown.
    let f = dev(&inventory(
        r#"{"Version":"2012-10-17","Statement":"everything"}"#,
    ));
    assert_eq!(f.status, Status::Unknown, "{}", f.message.en());
    assert!(
        f.message.en().contains("role ops inline ops"),
        "{}",
        f.message.en()
    );
}

#[test]
fn the_same_role_with_a_readable_harmless_policy_passes() {
    let f = dev(&inventory(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
    ));
    assert_eq!(f.status, Status::Pass, "{}", f.message.en());
}
