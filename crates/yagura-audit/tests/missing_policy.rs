//! An attached managed policy whose document was not collected leaves the principal UNKNOWN,
//! naming where the document should have come from: the account's own policies from
//! GetAccountAuthorizationDetails, AWS managed ones from ListPolicies (the collector reads them
//! apart since the AWS managed policies stopped coming through GetAccountAuthorizationDetails).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use yagura_audit::{evaluate, AuditConfig};
use yagura_core::Status;
use yagura_inventory::{Account, AttachedPolicy, Collected, Iam, Inventory, Role, SCHEMA_VERSION};

fn role(name: &str, policy_arn: &str) -> Role {
    Role {
        name: name.into(),
        arn: format!("arn:aws:iam::123456789012:role/{name}"),
        path: "/".into(),
        trust_policy: r#"{"Version":"2012-10-17","Statement":[]}"#.into(),
        attached_policies: vec![AttachedPolicy {
            name: policy_arn.rsplit('/').next().unwrap().into(),
            arn: policy_arn.into(),
        }],
        ..Default::default()
    }
}

#[test]
fn a_missing_document_is_unknown_and_names_its_source() {
    let account = Account {
        account_id: "123456789012".into(),
        partition: "aws".into(),
        iam: Iam {
            users: Collected::Ok(vec![]),
            groups: Collected::Ok(vec![]),
            roles: Collected::Ok(vec![
                role("aws-managed", "arn:aws:iam::aws:policy/PowerUserAccess"),
                role("own", "arn:aws:iam::123456789012:policy/deploy"),
            ]),
            policies: Collected::Ok(vec![]),
            ..Default::default()
        },
        ..Default::default()
    };
    let inv = Inventory {
        schema_version: SCHEMA_VERSION,
        collected_at: "2026-11-24T00:00:00Z".into(),
        accounts: vec![account],
    };
    let f = evaluate(&inv, &AuditConfig::default());
    let of = |name: &str| {
        f.iter()
            .find(|f| {
                f.check_id == "iam-admin-permissions-attached"
                    && f.resource.ends_with(&format!("role/{name}"))
            })
            .unwrap_or_else(|| panic!("no finding for {name}"))
    };
    let aws = of("aws-managed");
    assert_eq!(aws.status, Status::Unknown);
    assert!(
        aws.message.en().contains("iam:ListPolicies"),
        "{}",
        aws.message.en()
    );
    let own = of("own");
    assert_eq!(own.status, Status::Unknown);
    assert!(
        own.message
            .en()
            .contains("iam:GetAccountAuthorizationDetails"),
        "{}",
        own.message.en()
    );
}
