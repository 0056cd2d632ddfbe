//! The escalation graph over hand-made accounts: each case shows one rule of how edges are
//! decided (resources, conditions, denies in other policies, boundaries, SCPs, trust policies,
//! groups, chains, several accounts) with a vulnerable principal and its harmless twin. The
//! whole corpus of documented paths runs on moto in `crates/yagura/tests/iam_paths.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};
use yagura_iam::analyze::{analyze_accounts, AccountAuthorization};
use yagura_iam::graph::{Extra, Graph, InstanceInfo};

const A: &str = "111122223333";
const B: &str = "444455556666";
const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

fn doc(statements: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn allow(actions: &[&str], resource: Value) -> Value {
    json!({"Effect": "Allow", "Action": actions, "Resource": resource})
}

fn trust_service(svc: &str) -> Value {
    doc(json!([{"Effect": "Allow", "Principal": {"Service": svc}, "Action": "sts:AssumeRole"}]))
}

fn trust_aws(p: &str) -> Value {
    doc(json!([{"Effect": "Allow", "Principal": {"AWS": p}, "Action": "sts:AssumeRole"}]))
}

/// A GetAccountAuthorizationDetails document under construction.
struct Account {
    id: String,
    users: Vec<Value>,
    groups: Vec<Value>,
    roles: Vec<Value>,
    policies: Vec<Value>,
}

impl Account {
    fn new(id: &str) -> Account {
        let admin = json!({"PolicyName": "AdministratorAccess", "Arn": ADMIN, "DefaultVersionId": "v1",
            "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true,
                "Document": doc(json!([allow(&["*"], json!("*"))]))}]});
        Account {
            id: id.into(),
            users: vec![],
            groups: vec![],
            roles: vec![],
            policies: vec![admin],
        }
    }
    fn arn(&self, kind: &str, name: &str) -> String {
        format!("arn:aws:iam::{}:{kind}/{name}", self.id)
    }
    fn inline(statements: &[Value]) -> Vec<Value> {
        statements
            .iter()
            .enumerate()
            .map(|(i, s)| json!({"PolicyName": format!("p{i}"), "PolicyDocument": doc(json!([s]))}))
            .collect()
    }
    fn user(
        &mut self,
        name: &str,
        statements: &[Value],
        groups: &[&str],
        managed: &[&str],
    ) -> &mut Self {
        self.users.push(json!({"UserName": name, "Arn": self.arn("user", name), "Path": "/",
            "GroupList": groups, "AttachedManagedPolicies": managed.iter().map(|a| json!({"PolicyName": a.rsplit('/').next(), "PolicyArn": a})).collect::<Vec<_>>(),
            "UserPolicyList": Self::inline(statements)}));
        self
    }
    fn group(&mut self, name: &str, statements: &[Value], managed: &[&str]) -> &mut Self {
        self.groups.push(json!({"GroupName": name, "Arn": self.arn("group", name), "Path": "/",
            "AttachedManagedPolicies": managed.iter().map(|a| json!({"PolicyName": a.rsplit('/').next(), "PolicyArn": a})).collect::<Vec<_>>(),
            "GroupPolicyList": Self::inline(statements)}));
        self
    }
    fn role(
        &mut self,
        name: &str,
        trust: Value,
        statements: &[Value],
        managed: &[&str],
    ) -> &mut Self {
        self.roles.push(json!({"RoleName": name, "Arn": self.arn("role", name), "Path": "/",
            "AssumeRolePolicyDocument": trust,
            "InstanceProfileList": [{"InstanceProfileName": name, "Arn": self.arn("instance-profile", name)}],
            "AttachedManagedPolicies": managed.iter().map(|a| json!({"PolicyName": a.rsplit('/').next(), "PolicyArn": a})).collect::<Vec<_>>(),
            "RolePolicyList": Self::inline(statements)}));
        self
    }
    fn with_boundary(&mut self, user: &str, boundary_arn: &str, boundary: Value) -> &mut Self {
        self.policies.push(json!({"PolicyName": "boundary", "Arn": boundary_arn, "DefaultVersionId": "v1",
            "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": boundary}]}));
        for u in &mut self.users {
            if u["UserName"] == user {
                u["PermissionsBoundary"] = json!({"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary_arn});
            }
        }
        self
    }
    fn auth(&self) -> AccountAuthorization<'static> {
        let d = json!({"UserDetailList": self.users, "GroupDetailList": self.groups,
            "RoleDetailList": self.roles, "Policies": self.policies});
        let a = AccountAuthorization::from_json("test", &d.to_string()).unwrap();
        assert!(a.errors.is_empty(), "{:?}", a.errors);
        a
    }
}

fn graph(accounts: &[&Account]) -> Graph {
    graph_with(accounts, &Extra::default())
}

fn graph_with(accounts: &[&Account], extra: &Extra) -> Graph {
    let auths: Vec<AccountAuthorization> = accounts.iter().map(|a| a.auth()).collect();
    Graph::build(&auths, extra).unwrap()
}

/// The first shortest path of a node, described.
fn path(g: &Graph, label: &str) -> Option<String> {
    let i = g.find(label).unwrap_or_else(|| panic!("no node {label}"));
    g.paths(i).first().map(|p| g.describe(p))
}

fn admin(g: &Graph, label: &str) -> Option<String> {
    let i = g.find(label).unwrap();
    g.nodes[i].admin.as_ref().map(|a| a.reason.en.to_string())
}

#[test]
fn pass_role_to_lambda_names_the_role_and_respects_resource_and_condition() {
    let mut a = Account::new(A);
    let admin_role = a.arn("role", "LambdaAdmin");
    let reader = a.arn("role", "LambdaReader");
    a.role(
        "LambdaAdmin",
        trust_service("lambda.amazonaws.com"),
        &[],
        &[ADMIN],
    )
    .role(
        "LambdaReader",
        trust_service("lambda.amazonaws.com"),
        &[allow(&["s3:GetObject"], json!("arn:aws:s3:::b/*"))],
        &[],
    )
    .user(
        "ci",
        &[
            allow(&["iam:PassRole"], json!(admin_role)),
            allow(
                &["lambda:CreateFunction", "lambda:InvokeFunction"],
                json!("*"),
            ),
        ],
        &[],
        &[],
    )
    // The false positive: PassRole and AssumeRole only on a harmless role.
    .user(
        "harmless",
        &[
            allow(&["iam:PassRole", "sts:AssumeRole"], json!(reader)),
            allow(
                &["lambda:CreateFunction", "lambda:InvokeFunction"],
                json!("*"),
            ),
        ],
        &[],
        &[],
    )
    // Restricted by condition: may pass roles to EC2 only.
    .user(
        "ec2-only",
        &[
            json!({"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
            "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}}),
            allow(
                &["lambda:CreateFunction", "lambda:InvokeFunction"],
                json!("*"),
            ),
        ],
        &[],
        &[],
    )
    // Denied in another policy.
    .user(
        "denied",
        &[
            allow(&["iam:PassRole"], json!("*")),
            allow(
                &["lambda:CreateFunction", "lambda:InvokeFunction"],
                json!("*"),
            ),
            json!({"Effect": "Deny", "Action": "lambda:CreateFunction", "Resource": "*"}),
        ],
        &[],
        &[],
    )
    // Without the permission to invoke, CreateEventSourceMapping etc.: no path.
    .user(
        "no-invoke",
        &[
            allow(&["iam:PassRole"], json!("*")),
            allow(&["lambda:CreateFunction"], json!("*")),
        ],
        &[],
        &[],
    );
    let g = graph(&[&a]);
    assert_eq!(
        path(&g, "user/ci").unwrap(),
        "user/ci → iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction → role/LambdaAdmin (admin)"
    );
    let i = g.find("user/ci").unwrap();
    let e = &g.edges[g.first[i][0]];
    assert_eq!(e.paths, ["lambda-001"]);
    assert_eq!(e.grants[0].resource, admin_role);
    assert_eq!(e.grants[0].policy, "user ci inline p0");
    for twin in [
        "user/harmless",
        "user/ec2-only",
        "user/denied",
        "user/no-invoke",
    ] {
        assert_eq!(path(&g, twin), None, "{twin}");
    }
    // CreateFunction alone waits for nothing; PassRole to lambda on `*` without an admin role
    // trusting lambda would be potential, here it is a path for `denied`'s twin only.
    assert!(g.potential[g.find("user/no-invoke").unwrap()].is_empty());
}

#[test]
fn assume_role_follows_the_trust_policy_as_aws_does() {
    let mut a = Account::new(A);
    let named_user = a.arn("user", "named");
    let by_account = a.arn("role", "ByAccount");
    a.role("ByName", trust_aws(&named_user), &[], &[ADMIN])
        .role(
            "ByAccount",
            trust_aws(&format!("arn:aws:iam::{A}:root")),
            &[],
            &[ADMIN],
        )
        .user("named", &[], &[], &[])
        .user(
            "assumer",
            &[allow(&["sts:AssumeRole"], json!(by_account))],
            &[],
            &[],
        )
        .user(
            "no-grant",
            &[allow(&["s3:ListAllMyBuckets"], json!("*"))],
            &[],
            &[],
        );
    let g = graph(&[&a]);
    // Named in the trust, same account: no identity grant needed.
    assert_eq!(
        path(&g, "user/named").unwrap(),
        "user/named → sts:AssumeRole → role/ByName (admin)"
    );
    assert_eq!(
        path(&g, "user/assumer").unwrap(),
        "user/assumer → sts:AssumeRole → role/ByAccount (admin)"
    );
    // The account root in the trust needs the caller's permission too.
    assert_eq!(path(&g, "user/no-grant"), None);
    let i = g.find("user/named").unwrap();
    assert_eq!(
        g.edges[g.first[i][0]].grants[0].policy,
        "role ByName trust policy"
    );
}

#[test]
fn credentials_of_a_self_escalating_user_is_two_named_steps() {
    // PMapper's example: key-maker → iam:CreateAccessKey → user/self-attach (admin).
    let mut a = Account::new(A);
    let sa = a.arn("user", "self-attach");
    let other = a.arn("user", "other");
    a.user(
        "self-attach",
        &[allow(&["iam:AttachUserPolicy"], json!(sa))],
        &[],
        &[],
    )
    .user(
        "key-maker",
        &[allow(&["iam:CreateAccessKey"], json!(sa))],
        &[],
        &[],
    )
    .user("other", &[], &[], &[])
    .user(
        "key-maker-twin",
        &[allow(&["iam:CreateAccessKey"], json!(other))],
        &[],
        &[],
    );
    let g = graph(&[&a]);
    assert!(admin(&g, "user/self-attach")
        .unwrap()
        .contains("iam:AttachUserPolicy"));
    assert_eq!(
        path(&g, "user/key-maker").unwrap(),
        "user/key-maker → iam:CreateAccessKey → user/self-attach (admin)"
    );
    assert_eq!(path(&g, "user/key-maker-twin"), None);
}

#[test]
fn chains_of_two_and_three_hops_and_a_group() {
    let mut a = Account::new(A);
    let admin_role = a.arn("role", "Admin");
    let mid = a.arn("role", "Mid");
    let hop = a.arn("user", "hop");
    let joinable = a.arn("group", "joinable");
    a.role(
        "Admin",
        trust_service("lambda.amazonaws.com"),
        &[],
        &[ADMIN],
    )
    .role(
        "Mid",
        trust_aws(&format!("arn:aws:iam::{A}:root")),
        &[
            allow(&["iam:PassRole"], json!(admin_role)),
            allow(&["lambda:*"], json!("*")),
        ],
        &[],
    )
    .user("hop", &[allow(&["sts:AssumeRole"], json!(mid))], &[], &[])
    .user(
        "three",
        &[allow(&["iam:CreateLoginProfile"], json!(hop))],
        &[],
        &[],
    )
    .group("deployers", &[allow(&["sts:AssumeRole"], json!(mid))], &[])
    .user("member", &[], &["deployers"], &[])
    .group(
        "joinable",
        &[
            allow(&["iam:PassRole"], json!(admin_role)),
            allow(
                &["lambda:CreateFunction", "lambda:InvokeFunction"],
                json!("*"),
            ),
        ],
        &[],
    )
    .user(
        "joiner",
        &[allow(&["iam:AddUserToGroup"], json!(joinable))],
        &[],
        &[],
    );
    let g = graph(&[&a]);
    assert_eq!(path(&g, "role/Mid").unwrap(), "role/Mid → iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction → role/Admin (admin)");
    assert_eq!(
        path(&g, "user/hop").unwrap(),
        "user/hop → sts:AssumeRole → role/Mid → iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction → role/Admin (admin)"
    );
    assert_eq!(
        path(&g, "user/three").unwrap(),
        "user/three → iam:CreateLoginProfile → user/hop → sts:AssumeRole → role/Mid → iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction → role/Admin (admin)"
    );
    // Through a group's policy, and through joining a group.
    assert_eq!(
        path(&g, "user/member").unwrap(),
        "user/member → sts:AssumeRole → role/Mid → iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction → role/Admin (admin)"
    );
    assert!(g.paths(g.find("user/member").unwrap())[0].len() == 2);
    assert_eq!(
        path(&g, "user/joiner").unwrap(),
        "user/joiner → iam:AddUserToGroup → group/joinable → iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction → role/Admin (admin)"
    );
    assert_eq!(g.dist[g.find("user/three").unwrap()], Some(3));
}

#[test]
fn across_two_accounts_through_a_role_trust() {
    let mut a = Account::new(A);
    let mut b = Account::new(B);
    let target = b.arn("role", "CrossAdmin");
    b.role(
        "CrossAdmin",
        trust_aws(&format!("arn:aws:iam::{A}:root")),
        &[],
        &[ADMIN],
    )
    .role(
        "CrossNamed",
        trust_aws(&format!("arn:aws:iam::{A}:user/nogrant")),
        &[],
        &[ADMIN],
    );
    a.user(
        "dev",
        &[allow(&["sts:AssumeRole"], json!(target))],
        &[],
        &[],
    )
    .user("nogrant", &[], &[], &[])
    .user(
        "elsewhere",
        &[allow(
            &["sts:AssumeRole"],
            json!(format!("arn:aws:iam::{A}:role/*")),
        )],
        &[],
        &[],
    );
    let g = graph(&[&a, &b]);
    assert_eq!(
        path(&g, "user/dev").unwrap(),
        format!("{A}:user/dev → sts:AssumeRole → {B}:role/CrossAdmin (admin)")
    );
    // Across accounts, the trust naming the user is not enough: its account must allow too.
    assert_eq!(path(&g, "user/nogrant"), None);
    assert_eq!(path(&g, "user/elsewhere"), None);
}

#[test]
fn boundaries_and_scps_remove_edges() {
    let mut a = Account::new(A);
    let admin_role = a.arn("role", "Admin");
    let self_put = a.arn("user", "self-put");
    let self_put_bounded = a.arn("user", "self-put-bounded");
    let rights = [
        allow(&["iam:PassRole"], json!("*")),
        allow(
            &["lambda:CreateFunction", "lambda:InvokeFunction"],
            json!("*"),
        ),
    ];
    a.role(
        "Admin",
        trust_service("lambda.amazonaws.com"),
        &[],
        &[ADMIN],
    )
    .user("free", &rights, &[], &[])
    .user("bounded", &rights, &[], &[])
    .with_boundary(
        "bounded",
        &format!("arn:aws:iam::{A}:policy/no-pass"),
        doc(json!([allow(&["lambda:*"], json!("*"))])),
    )
    .user(
        "self-put",
        &[allow(&["iam:PutUserPolicy"], json!(self_put))],
        &[],
        &[],
    )
    .user(
        "self-put-bounded",
        &[allow(&["iam:PutUserPolicy"], json!(self_put_bounded))],
        &[],
        &[],
    )
    .with_boundary(
        "self-put-bounded",
        &format!("arn:aws:iam::{A}:policy/iam-only"),
        doc(json!([allow(&["iam:*"], json!("*"))])),
    );
    let g = graph(&[&a]);
    assert!(path(&g, "user/free")
        .unwrap()
        .ends_with("role/Admin (admin)"));
    assert_eq!(path(&g, "user/bounded"), None);
    assert!(admin(&g, "user/self-put").is_some());
    // A self-grant inside a boundary that caps it does not make the user admin.
    assert!(admin(&g, "user/self-put-bounded").is_none());
    let _ = admin_role;
    // An SCP that denies iam:PassRole removes the edge.
    let mut extra = Extra::default();
    extra.scps.insert(
        A.to_string(),
        vec![vec![yagura_iam::Policy::parse("scp", &doc(json!([allow(&["*"], json!("*")), {"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*"}])).to_string()).unwrap()]],
    );
    let g = graph_with(&[&a], &extra);
    assert_eq!(path(&g, "user/free"), None);
}

#[test]
fn make_admin_and_become_and_the_weaker_kinds() {
    let mut a = Account::new(A);
    let t = a.arn("role", "Target");
    let other = a.arn("user", "other");
    a.role("Target", trust_aws(&format!("arn:aws:iam::{A}:root")), &[], &[])
        .user("attacher", &[allow(&["iam:AttachRolePolicy", "sts:AssumeRole"], json!(t))], &[], &[])
        // Attach restricted by condition to a harmless policy.
        .user("attacher-twin", &[json!({"Effect": "Allow", "Action": "iam:AttachRolePolicy", "Resource": t,
            "Condition": {"ArnEquals": {"iam:PolicyARN": "arn:aws:iam::aws:policy/ReadOnlyAccess"}}}),
            allow(&["sts:AssumeRole"], json!(t))], &[], &[])
        .user("other", &[], &[], &[])
        .user("empowerer", &[allow(&["iam:PutUserPolicy"], json!(other))], &[], &[])
        .user("waiter", &[allow(&["lambda:UpdateFunctionCode"], json!("*")), allow(&["ssm:SendCommand"], json!("*"))], &[], &[]);
    let g = graph(&[&a]);
    assert_eq!(
        path(&g, "user/attacher").unwrap(),
        "user/attacher → iam:AttachRolePolicy + sts:AssumeRole → role/Target (made admin)"
    );
    let i = g.find("user/attacher").unwrap();
    assert_eq!(g.edges[g.first[i][0]].paths, ["iam-014"]);
    assert_eq!(path(&g, "user/attacher-twin"), None);
    let e = g.find("user/empowerer").unwrap();
    assert_eq!(path(&g, "user/empowerer"), None);
    assert_eq!(g.empowers[e].len(), 1);
    assert_eq!(g.nodes[g.empowers[e][0].target].arn, other);
    let w = g.find("user/waiter").unwrap();
    let waits: Vec<&str> = g.potential[w]
        .iter()
        .map(|p| p.waits_for.en.as_ref())
        .collect();
    assert!(
        waits.iter().any(|x| x.starts_with("a Lambda function")),
        "{waits:?}"
    );
    assert!(
        waits.iter().any(|x| x.starts_with("an EC2 instance")),
        "{waits:?}"
    );
}

#[test]
fn ssm_on_an_instance_reaches_its_role_when_instances_are_known() {
    let mut a = Account::new(A);
    a.role(
        "WebAdmin",
        trust_service("ec2.amazonaws.com"),
        &[],
        &[ADMIN],
    )
    .role("WebPlain", trust_service("ec2.amazonaws.com"), &[], &[])
    .user(
        "operator",
        &[allow(
            &["ssm:SendCommand"],
            json!(format!("arn:aws:ec2:us-east-1:{A}:instance/i-admin")),
        )],
        &[],
        &[],
    )
    .user(
        "operator-twin",
        &[allow(
            &["ssm:SendCommand"],
            json!(format!("arn:aws:ec2:us-east-1:{A}:instance/i-plain")),
        )],
        &[],
        &[],
    );
    let inst = |id: &str, role: &str| InstanceInfo {
        id: id.into(),
        arn: format!("arn:aws:ec2:us-east-1:{A}:instance/{id}"),
        account: A.into(),
        region: "us-east-1".into(),
        profile_arn: a.arn("instance-profile", role),
    };
    let extra = Extra {
        instances: Some(vec![
            inst("i-admin", "WebAdmin"),
            inst("i-plain", "WebPlain"),
        ]),
        ..Extra::default()
    };
    let g = graph_with(&[&a], &extra);
    assert_eq!(
        path(&g, "user/operator").unwrap(),
        "user/operator → ssm:SendCommand on i-admin → role/WebAdmin (admin)"
    );
    assert_eq!(path(&g, "user/operator-twin"), None);
    // Without instance data it is only potential.
    let g = graph(&[&a]);
    assert_eq!(path(&g, "user/operator"), None);
    assert!(!g.potential[g.find("user/operator").unwrap()].is_empty());
}

#[test]
fn every_documented_path_is_an_edge_kind() {
    assert!(yagura_iam::graph::unclassified_paths().unwrap().is_empty());
    let covered = yagura_iam::graph::covered_paths().unwrap();
    assert_eq!(covered.len(), 65, "{covered:?}");
}

#[test]
fn findings_carry_the_path() {
    let mut a = Account::new(A);
    let admin_role = a.arn("role", "LambdaAdmin");
    a.role(
        "LambdaAdmin",
        trust_service("lambda.amazonaws.com"),
        &[],
        &[ADMIN],
    )
    .user(
        "ci",
        &[
            allow(&["iam:PassRole"], json!(admin_role)),
            allow(
                &["lambda:CreateFunction", "lambda:InvokeFunction"],
                json!("*"),
            ),
        ],
        &[],
        &[],
    );
    let an = analyze_accounts(
        yagura_iam::actions::db().unwrap(),
        &[a.auth()],
        &Extra::default(),
    )
    .unwrap();
    let f = an
        .findings
        .iter()
        .find(|f| f.check_id == "iam-privilege-escalation-path" && f.resource.ends_with("user/ci"))
        .unwrap();
    assert_eq!(f.status, yagura_core::Status::Fail);
    let ev = |k: &str| {
        f.evidence
            .iter()
            .find(|(x, _)| *x == k)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    assert_eq!(ev("path"), "user/ci → iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction → role/LambdaAdmin (admin)");
    assert_eq!(ev("target"), admin_role);
    assert_eq!(ev("pathfinding"), "lambda-001");
    assert!(ev("statements").contains(
        "iam:PassRole on arn:aws:iam::111122223333:role/LambdaAdmin by user ci inline p0#0"
    ));
}
