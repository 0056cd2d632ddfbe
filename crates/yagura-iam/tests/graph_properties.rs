//! Property tests of the escalation graph over random accounts (users, roles, groups whose
//! policies are drawn from the actions and resources the edges are made of): the build never
//! panics; every path is a chain of edges from the principal to an admin-equivalent node (or to
//! the node a make-admin edge makes admin) and has the length the principal's distance says;
//! and a principal denied everything by one more policy has no edge out and no path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use serde_json::{json, Value};
use yagura_iam::analyze::AccountAuthorization;
use yagura_iam::graph::{Extra, Graph, How};

const ACCT: &str = "111122223333";
const ACTIONS: &[&str] = &[
    "sts:AssumeRole",
    "iam:PassRole",
    "lambda:CreateFunction",
    "lambda:InvokeFunction",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateAssumeRolePolicy",
    "iam:AddUserToGroup",
    "iam:PutUserPolicy",
    "iam:AttachRolePolicy",
    "iam:PutRolePolicy",
    "iam:CreatePolicyVersion",
    "ec2:RunInstances",
    "s3:GetObject",
    "*",
];

fn resource(n_users: usize, n_roles: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        Just("*".to_string()),
        (0..n_users).prop_map(|u| format!("arn:aws:iam::{ACCT}:user/u{u}")),
        (0..n_roles).prop_map(|r| format!("arn:aws:iam::{ACCT}:role/r{r}")),
        Just(format!("arn:aws:iam::{ACCT}:group/g0")),
        Just(format!("arn:aws:iam::{ACCT}:user/${{aws:username}}")),
    ]
}

fn statement(n_users: usize, n_roles: usize) -> impl Strategy<Value = Value> {
    (
        any::<bool>(),
        prop::sample::subsequence(ACTIONS.to_vec(), 1..3),
        resource(n_users, n_roles),
        prop::option::of(prop_oneof![
            Just(json!({"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}})),
            Just(json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}})),
        ]),
    )
        .prop_map(|(deny, actions, resource, cond)| {
            let mut s = json!({"Effect": if deny { "Deny" } else { "Allow" }, "Action": actions, "Resource": resource});
            if let Some(c) = cond {
                s["Condition"] = c;
            }
            s
        })
}

fn account() -> impl Strategy<Value = Value> {
    (1usize..6, 1usize..6).prop_flat_map(|(nu, nr)| {
        let pol = move || prop::collection::vec(statement(nu, nr), 0..3);
        let trust = prop_oneof![
            Just(json!({"Service": "lambda.amazonaws.com"})),
            Just(json!({"AWS": format!("arn:aws:iam::{ACCT}:root")})),
            (0..nu).prop_map(|u| json!({"AWS": format!("arn:aws:iam::{ACCT}:user/u{u}")})),
        ];
        (
            prop::collection::vec((pol(), any::<bool>()), nu),
            prop::collection::vec((pol(), trust), nr),
            pol(),
        )
            .prop_map(move |(users, roles, group)| {
                let doc = |st: &Vec<Value>| json!({"Version": "2012-10-17", "Statement": st});
                json!({
                    "UserDetailList": users.iter().enumerate().map(|(i, (p, member))| json!({
                        "UserName": format!("u{i}"), "Arn": format!("arn:aws:iam::{ACCT}:user/u{i}"),
                        "GroupList": if *member { vec!["g0"] } else { vec![] }, "AttachedManagedPolicies": [],
                        "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": doc(p)}]})).collect::<Vec<_>>(),
                    "RoleDetailList": roles.iter().enumerate().map(|(i, (p, t))| json!({
                        "RoleName": format!("r{i}"), "Arn": format!("arn:aws:iam::{ACCT}:role/r{i}"),
                        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": t, "Action": "sts:AssumeRole"}]},
                        "AttachedManagedPolicies": [], "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": doc(p)}]})).collect::<Vec<_>>(),
                    "GroupDetailList": [{"GroupName": "g0", "Arn": format!("arn:aws:iam::{ACCT}:group/g0"),
                        "AttachedManagedPolicies": [], "GroupPolicyList": [{"PolicyName": "p", "PolicyDocument": doc(&group)}]}],
                    "Policies": [],
                })
            })
    })
}

fn build(doc: &Value) -> Graph {
    let auth = AccountAuthorization::from_json("prop", &doc.to_string()).unwrap();
    Graph::build(&[auth], &Extra::default()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn paths_are_chains_to_an_admin(doc in account()) {
        let g = build(&doc);
        for i in 0..g.nodes.len() {
            let paths = g.paths(i);
            prop_assert_eq!(paths.is_empty(), g.dist[i].is_none() || g.nodes[i].admin.is_some());
            for p in paths {
                let mut at = i;
                for (k, e) in p.iter().enumerate() {
                    let edge = &g.edges[*e];
                    prop_assert_eq!(edge.from, at);
                    at = edge.to;
                    if k + 1 == p.len() {
                        prop_assert!(g.nodes[at].admin.is_some() || edge.how == How::MakeAdmin);
                    }
                }
                prop_assert_eq!(Some(p.len() as u32), g.dist[i]);
            }
        }
    }

    #[test]
    fn a_deny_of_everything_removes_every_edge_out(doc in account(), who in 0usize..5) {
        let mut doc = doc;
        let users = doc["UserDetailList"].as_array_mut().unwrap();
        let who = who % users.len();
        users[who]["UserPolicyList"].as_array_mut().unwrap().push(json!({"PolicyName": "deny",
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}}));
        let g = build(&doc);
        let i = g.find(&format!("user/u{who}")).unwrap();
        prop_assert!(g.nodes[i].admin.is_none());
        prop_assert!(g.dist[i].is_none(), "{:?}", g.paths(i).iter().map(|p| g.describe(p)).collect::<Vec<_>>());
        prop_assert!(g.empowers[i].is_empty());
    }
}
