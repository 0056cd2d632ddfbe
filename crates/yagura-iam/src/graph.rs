//! The escalation graph (IAM-03): who can become whom. Nodes are the users, roles and groups of
//! one or several accounts; an edge `A → B` means that A, with the permissions it has now, can
//! act with B's permissions. Every edge is decided by the evaluator ([`authorize_with`]) with the
//! permission's resource and condition context, every policy of A (several policies combine as
//! AWS combines them, a `Deny` anywhere wins), A's permissions boundary, the SCPs of A's account
//! and, for `sts:AssumeRole`, B's trust policy (a same-account trust naming A needs no identity
//! grant, as AWS decides it).
//!
//! The kinds of edges come from the documented paths of pathfinding.cloud
//! (`data/privesc-paths.json`, 65 paths), read as data: a `new-passrole` path is an edge to a
//! role that trusts the path's service, its other permissions asked on some resource; an
//! `existing-passrole` path acts on a running resource (an EC2 instance's role when instances
//! are known, otherwise a *potential* path that waits for the resource); the IAM paths
//! (`self-escalation`, `principal-access`) combine the actions that *become* a principal
//! (assume, rewrite its trust, create its keys or password, join a group) with those that *make
//! it admin* (put or attach a policy, write a policy version, add it to an admin group).
//!
//! Conditions: the keys an edge defines are known (the principal's ARN, account, user name and
//! tags, the target's tags, `iam:PassedToService`, `iam:PolicyARN`); any other key may hold in an
//! `Allow` and is taken not to hold in a `Deny` (the "may" convention of [`crate::facts`]), so
//! an edge is reported whenever some request of that shape can be allowed.
//!
//! Every principal's shortest paths are found by a backward breadth-first search from the
//! admin-equivalent principals, one layer at a time, so only edges into principals that can
//! reach admin are ever decided.

use crate::analyze::{escalation_paths, AccountAuthorization, EscalationPath, PrincipalKind};
use crate::eval::{authorize_with, Decision, Known, Policies, Request};
use crate::policy::{Effect, Policy, Principal as PolicyPrincipal};
use crate::Error;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use yagura_core::{text, Lang, Text};

/// A [`Text`] as data: its English.
fn english<S: serde::Serializer>(t: &Text, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.en)
}

/// Maps keyed by inventory strings hash with foldhash (randomly seeded), not SipHash.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// A permission used by an edge: the action, the resource it was asked on, and the statement
/// that grants it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grant {
    pub action: String,
    pub resource: String,
    /// The policy's label (`user ci inline deploy`, `managed arn:…`, `role X trust policy`).
    pub policy: String,
    pub statement: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

/// How an edge lets its source act as its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum How {
    /// `sts:AssumeRole`: the trust policy and the caller's permissions allow it.
    AssumeRole,
    /// `iam:UpdateAssumeRolePolicy`: rewrite the role's trust to name oneself, then assume it.
    RewriteTrust,
    /// Create an access key or a console password for a user.
    UserCredentials,
    /// `iam:AddUserToGroup` on oneself: the group's permissions become one's own.
    JoinGroup,
    /// Pass a role to a service together with the permissions to run something with it.
    PassRole,
    /// Run code on an EC2 instance whose instance profile holds the role.
    Instance,
    /// Make the target admin (a policy on it) and become it.
    MakeAdmin,
}

/// One edge of the graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub how: How,
    /// The permissions used, in order (`iam:PassRole`, `lambda:CreateFunction`, …).
    pub actions: Vec<String>,
    /// The pathfinding.cloud paths this edge realises (`lambda-001`).
    pub paths: Vec<String>,
    /// Each permission with the statement that grants it.
    pub grants: Vec<Grant>,
    /// What the edge goes through: the service (`lambda.amazonaws.com`), the instance id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

impl Edge {
    /// `iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction`.
    pub fn label(&self) -> String {
        self.actions.join(" + ")
    }
}

/// Why a node is admin-equivalent on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdminReason {
    /// `full` (`*` on `*`) or `self-grant` (can give itself any permission).
    pub kind: &'static str,
    /// `allows * on *`, `may call iam:PutUserPolicy on itself`, in English and Japanese (data
    /// in JSON carries the English).
    #[serde(serialize_with = "english")]
    pub reason: Text,
    pub grants: Vec<Grant>,
    /// The pathfinding.cloud paths of a self-grant (`iam-007`).
    pub paths: Vec<String>,
}

/// A node: a user, role or group.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    pub kind: PrincipalKind,
    pub name: String,
    pub arn: String,
    pub account: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin: Option<AdminReason>,
}

impl Serialize for PrincipalKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A principal that can make another principal admin without becoming it.
#[derive(Debug, Clone, Serialize)]
pub struct Empowerment {
    pub target: usize,
    pub actions: Vec<String>,
    pub grants: Vec<Grant>,
}

/// A path that opens as soon as a resource exists that does not exist (or was not seen) now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Potential {
    pub actions: Vec<String>,
    pub paths: Vec<String>,
    /// What it waits for, in English and Japanese.
    pub waits_for: Text,
    pub grants: Vec<Grant>,
}

/// As data: `waits_for` in English and `waits_for_ja` in Japanese.
impl Serialize for Potential {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Potential", 5)?;
        st.serialize_field("actions", &self.actions)?;
        st.serialize_field("paths", &self.paths)?;
        st.serialize_field("waits_for", self.waits_for.en.as_ref())?;
        st.serialize_field("waits_for_ja", self.waits_for.ja.as_ref())?;
        st.serialize_field("grants", &self.grants)?;
        st.end()
    }
}

/// An EC2 instance as the graph sees it (for the instance edges and the exposure analysis).
#[derive(Debug, Clone, Default)]
pub struct InstanceInfo {
    pub id: String,
    pub arn: String,
    pub account: String,
    pub region: String,
    pub profile_arn: String,
}

/// What the graph is built from, beyond the accounts' IAM.
#[derive(Debug, Clone, Default)]
pub struct Extra {
    /// SCP levels (root first) per account id.
    pub scps: BTreeMap<String, Vec<Vec<Policy>>>,
    /// EC2 instances with an instance profile; `None` when instances were not collected (the
    /// instance paths are then potential).
    pub instances: Option<Vec<InstanceInfo>>,
    /// Leave [`Graph::potential`] empty (a caller that reads only paths and empowerments, as
    /// the audit does, saves the search for them).
    pub without_potentials: bool,
}

/// The escalation graph with every principal's shortest paths.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub nodes: Vec<Node>,
    /// The edges that take part in a shortest path: `first[i]` lists node i's first hops.
    pub edges: Vec<Edge>,
    /// Distance (hops) to an admin-equivalent node; `None` when it cannot reach one.
    pub dist: Vec<Option<u32>>,
    /// Per node, its first hops on shortest paths (indices into `edges`), best first.
    pub first: Vec<Vec<usize>>,
    /// Per node that cannot reach admin, the principals it can make admin.
    pub empowers: Vec<Vec<Empowerment>>,
    /// Per node that cannot reach admin, its potential paths.
    pub potential: Vec<Vec<Potential>>,
    /// The nodes span several accounts (labels then name the account).
    pub multi_account: bool,
}

/// How many alternative first hops a node keeps.
const ALTERNATIVES: usize = 3;
/// How many principals a node that makes others admin names (the finding says "or more").
pub const MAX_EMPOWERED: usize = 25;

// ------------------------------------------------------------------------------------ actions

/// Every action the graph asks about, indexed for the per-policy bit sets.
struct Actions {
    names: Vec<String>,
    /// Lowercase name → index.
    index: HashMap<String, usize>,
    /// The names as they were given → index (no lowercasing on the hot path).
    exact: HashMap<String, usize>,
}

impl Actions {
    fn id(&mut self, a: &str) -> usize {
        let k = a.to_ascii_lowercase();
        if let Some(i) = self.index.get(&k) {
            return *i;
        }
        self.names.push(a.to_string());
        self.index.insert(k, self.names.len() - 1);
        self.exact.insert(a.to_string(), self.names.len() - 1);
        self.names.len() - 1
    }
    fn get(&self, a: &str) -> Option<usize> {
        self.exact
            .get(a)
            .or_else(|| self.index.get(&a.to_ascii_lowercase()))
            .copied()
    }
}

/// A set of asked actions (no allocation: the graph asks fewer than [`Bits::CAPACITY`]; an
/// index beyond is always "set", so nothing is ever left out).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Bits([u64; 4]);

impl Bits {
    const CAPACITY: usize = 256;
    fn with_len(_n: usize) -> Bits {
        Bits::default()
    }
    fn set(&mut self, i: usize) {
        if let Some(w) = self.0.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }
    fn has(&self, i: usize) -> bool {
        i >= Self::CAPACITY || self.0.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
    fn or(&mut self, o: &Bits) {
        for (a, b) in self.0.iter_mut().zip(&o.0) {
            *a |= b;
        }
    }
    fn any(&self) -> bool {
        self.0.iter().any(|w| *w != 0)
    }
}

/// Per policy: which asked actions some `Allow` statement names (whatever its resource and
/// conditions), and which actions some statement names with a resource other than `*` or a
/// condition on the target (their answer depends on the target).
#[derive(Debug, Clone)]
struct PolicyBits {
    allows: Bits,
    targeted: Bits,
    /// Some `Deny` statement names an asked action.
    denies: bool,
}

fn target_dependent_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.starts_with("aws:resource") || k.contains(":resourcetag/")
}

fn policy_bits(policy: &Policy, actions: &Actions) -> PolicyBits {
    let n = actions.names.len();
    let mut out = PolicyBits {
        allows: Bits::with_len(n),
        targeted: Bits::with_len(n),
        denies: false,
    };
    let lower: Vec<String> = actions
        .names
        .iter()
        .map(|n| n.to_ascii_lowercase())
        .collect();
    for s in &policy.statements {
        let Some(m) = &s.action else { continue };
        let uniform = match &s.resource {
            None => true,
            Some(r) => !r.not && r.patterns.iter().any(|p| p.raw == "*"),
        } && !s.conditions.iter().any(|c| target_dependent_key(&c.key));
        for (i, lower) in lower.iter().enumerate() {
            let hit = m.patterns.iter().any(|p| p.matches_action_lower(lower)) != m.not;
            if !hit {
                continue;
            }
            if s.effect == Effect::Allow {
                out.allows.set(i);
            } else {
                out.denies = true;
            }
            if !uniform {
                out.targeted.set(i);
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------- templates

/// The service principals a role must trust for a `new-passrole` path of a service, and what
/// `iam:PassedToService` is then (the first).
fn service_principals(service: &str) -> Option<&'static [&'static str]> {
    Some(match service {
        "apprunner" => &["tasks.apprunner.amazonaws.com"],
        "bedrock-agentcore" => &["bedrock-agentcore.amazonaws.com"],
        "cloudformation" => &["cloudformation.amazonaws.com"],
        "codebuild" => &["codebuild.amazonaws.com"],
        "datapipeline" => &[
            "datapipeline.amazonaws.com",
            "elasticmapreduce.amazonaws.com",
        ],
        "ec2" => &["ec2.amazonaws.com"],
        "ecs" => &["ecs-tasks.amazonaws.com"],
        "glue" => &["glue.amazonaws.com"],
        "lambda" => &["lambda.amazonaws.com"],
        "sagemaker" => &["sagemaker.amazonaws.com"],
        _ => return None,
    })
}

/// What an `existing-passrole` path of a service acts on (English, Japanese).
fn resource_kind(service: &str, actions: &[String]) -> (&'static str, &'static str) {
    let any = |s: &str| actions.iter().any(|a| a.eq_ignore_ascii_case(s));
    match service {
        "apprunner" => ("an App Runner service", "App Runner サービス"),
        "bedrock-agentcore" => (
            "a Bedrock AgentCore code interpreter",
            "Bedrock AgentCore コードインタープリター",
        ),
        "cloudformation" if actions.iter().any(|a| a.contains("StackSet")) => {
            ("a CloudFormation StackSet", "CloudFormation StackSet")
        }
        "cloudformation" => ("a CloudFormation stack", "CloudFormation スタック"),
        "codebuild" => ("a CodeBuild project", "CodeBuild プロジェクト"),
        "ec2" if any("ec2:CreateLaunchTemplateVersion") => {
            ("an EC2 launch template", "EC2 起動テンプレート")
        }
        "ec2" | "ssm" | "ec2-instance-connect" => ("an EC2 instance", "EC2 インスタンス"),
        "glue" => ("a Glue development endpoint", "Glue 開発エンドポイント"),
        "lambda" => ("a Lambda function", "Lambda 関数"),
        "sagemaker" => (
            "a SageMaker notebook instance",
            "SageMaker ノートブックインスタンス",
        ),
        _ => ("a resource", "リソース"),
    }
}

/// A documented path read as an edge template.
#[derive(Debug, Clone)]
enum Template {
    /// Pass a role that trusts `services` (and has an instance profile, for EC2) with
    /// `actions` allowed on some resource.
    PassRole {
        id: String,
        services: &'static [&'static str],
        actions: Vec<String>,
        instance_profile: bool,
    },
    /// Act on a running EC2 instance (its role).
    Instance { id: String, actions: Vec<String> },
    /// Act on an existing resource the graph does not see: potential only.
    Existing {
        id: String,
        actions: Vec<String>,
        kind: (&'static str, &'static str),
    },
}

/// The IAM paths: the action set (lowercase, sorted) → path id.
type IamPaths = BTreeMap<Vec<String>, String>;

fn templates(paths: &[EscalationPath]) -> (Vec<Template>, IamPaths, Vec<String>) {
    let mut out = Vec::new();
    let mut iam = IamPaths::new();
    let mut unclassified = Vec::new();
    for p in paths {
        let services: BTreeSet<&str> = p
            .required
            .iter()
            .filter_map(|a| a.split(':').next())
            .filter(|s| *s != "iam" && *s != "sts")
            .collect();
        let has_pass = p
            .required
            .iter()
            .any(|a| a.eq_ignore_ascii_case("iam:PassRole"));
        let others: Vec<String> = p
            .required
            .iter()
            .filter(|a| !a.eq_ignore_ascii_case("iam:PassRole"))
            .cloned()
            .collect();
        let main = services.iter().next().copied().unwrap_or("");
        match p.category.as_str() {
            "self-escalation" | "principal-access" if services.is_empty() => {
                let mut k: Vec<String> =
                    p.required.iter().map(|a| a.to_ascii_lowercase()).collect();
                k.sort();
                iam.insert(k, p.id.clone());
            }
            "new-passrole" if has_pass => match service_principals(main) {
                Some(sp) => out.push(Template::PassRole {
                    id: p.id.clone(),
                    services: sp,
                    actions: others,
                    instance_profile: main == "ec2",
                }),
                None => unclassified.push(p.id.clone()),
            },
            "new-passrole" | "existing-passrole" if !others.is_empty() => {
                let instance = services.contains("ssm")
                    || services.contains("ec2-instance-connect")
                    || p.required
                        .iter()
                        .any(|a| a.eq_ignore_ascii_case("ec2:ModifyInstanceAttribute"));
                // `ec2:DescribeInstances` only finds the instance: not a permission on it.
                let actions: Vec<String> = others
                    .into_iter()
                    .filter(|a| !a.eq_ignore_ascii_case("ec2:DescribeInstances"))
                    .collect();
                if instance {
                    out.push(Template::Instance {
                        id: p.id.clone(),
                        actions,
                    });
                } else {
                    let kind = resource_kind(main, &actions);
                    out.push(Template::Existing {
                        id: p.id.clone(),
                        actions,
                        kind,
                    });
                }
            }
            _ => unclassified.push(p.id.clone()),
        }
    }
    (out, iam, unclassified)
}

/// The IAM actions that become another principal or make one admin.
const BECOME_USER: [&str; 3] = [
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
];
const IAM_ACTIONS: [&str; 18] = [
    "sts:AssumeRole",
    "iam:UpdateAssumeRolePolicy",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:AddUserToGroup",
    "iam:PutUserPolicy",
    "iam:AttachUserPolicy",
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:PutGroupPolicy",
    "iam:AttachGroupPolicy",
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:DeleteUserPermissionsBoundary",
    "iam:DeleteRolePermissionsBoundary",
    "iam:PassRole",
    "iam:DeleteAccessKey",
];

/// The probes of "`*` on `*`": IAM, an ordinary service and an action of no service (only `*`,
/// `NotAction` and wildcards over services match it), as in [`crate::facts`].
const FULL_PROBES: [&str; 3] = ["iam:CreateUser", "ec2:RunInstances", "zzz:AnyAction"];

/// The condition keys every graph question knows; keys ending in `/` are prefixes.
const KNOWN_TARGET: &[&str] = &[
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:username",
    "aws:PrincipalTag/",
    "aws:ResourceTag/",
    "iam:ResourceTag/",
    "aws:ResourceAccount",
    "iam:PassedToService",
    "iam:PolicyARN",
];
/// For "on some resource" questions (a resource the caller creates and names and tags itself):
/// nothing is known about the resource.
const KNOWN_ANY: &[&str] = &[
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:username",
    "aws:PrincipalTag/",
    "iam:PassedToService",
    "iam:PolicyARN",
];

// ----------------------------------------------------------------------------------- subjects

/// A cache several subjects may share.
type Shared<T> = std::rc::Rc<std::cell::RefCell<T>>;

/// Answers of "on some resource" questions: (action, variant) → grants.
type AnyAnswers = Shared<HashMap<(String, String), Option<Vec<Grant>>>>;

/// Per asked action, the reduced policies with the index of the policy each came from.
type Reductions = Shared<HashMap<usize, std::rc::Rc<Vec<(std::rc::Rc<Reduced>, usize)>>>>;

/// The indices of the asked actions a pattern matches.
type PatternHits = std::rc::Rc<Vec<usize>>;

/// The caches of one policy set: subjects with the same policies (in the same account) share
/// the reductions, and, when no statement reads the principal (its ARN, name, tags, or a policy
/// variable in a condition), the answers too.
#[derive(Clone, Default)]
struct Caches {
    answers: Shared<HashMap<Signature, Option<Vec<Grant>>>>,
    any: AnyAnswers,
    reduced: Reductions,
}

/// Whether a policy's answers may depend on who asks: a condition on a principal key, or a
/// policy variable in a condition value.
fn reads_principal(p: &Policy) -> bool {
    p.statements.iter().any(|s| {
        s.conditions.iter().any(|c| {
            let k = c.key.to_ascii_lowercase();
            k.starts_with("aws:principal")
                || k.starts_with("aws:user")
                || k.starts_with("aws:sourceidentity")
                || k.starts_with("aws:federatedprovider")
                || c.values.iter().any(|v| v.as_str().contains("${"))
        })
    })
}

/// What an answer depends on: (action, the edge's context keys, resource in another account,
/// which statements' `Resource` match).
type Signature = (usize, u64, bool, u128);

/// A policy cut down to the statements that name one action, each with only the `Action`
/// patterns that match it: the same answer for that action, decided without scanning the
/// thousands of patterns of the large managed policies. `orig` maps back to statement indices.
#[derive(Debug)]
struct Reduced {
    policy: Policy,
    orig: Vec<usize>,
}

/// The reductions, shared by every subject (keyed by the policy's address and the action).
#[derive(Debug, Default)]
struct Reducer {
    cache: std::cell::RefCell<HashMap<(usize, usize), std::rc::Rc<Reduced>>>,
}

impl Reducer {
    fn get(&self, p: &Policy, action: usize, lower: &str) -> std::rc::Rc<Reduced> {
        let key = (p as *const Policy as usize, action);
        if let Some(r) = self.cache.borrow().get(&key) {
            return r.clone();
        }
        let mut statements = Vec::new();
        let mut orig = Vec::new();
        for (i, st) in p.statements.iter().enumerate() {
            let Some(m) = &st.action else { continue };
            let hits: Vec<&crate::pattern::Pattern> = m
                .patterns
                .iter()
                .filter(|x| x.matches_action_lower(lower))
                .collect();
            if hits.is_empty() == m.not {
                let mut st = st.clone();
                if let Some(am) = st.action.as_mut() {
                    if !am.not {
                        am.patterns = hits.into_iter().cloned().collect();
                    }
                }
                statements.push(st);
                orig.push(i);
            }
        }
        let r = std::rc::Rc::new(Reduced {
            policy: Policy {
                version: p.version.clone(),
                id: None,
                statements,
            },
            orig,
        });
        self.cache.borrow_mut().insert(key, r.clone());
        r
    }
}

/// A node as the one asking: its policies borrowed, its request principal and context.
struct Subject<'a> {
    /// The principal: its request ARN and context are built when a question needs them (most
    /// principals are asked nothing).
    who: &'a crate::analyze::Principal<'a>,
    account: &'a str,
    identity: Vec<&'a Policy>,
    labels: Vec<&'a str>,
    boundary: Option<&'a Policy>,
    scps: &'a [Vec<Policy>],
    allows: Bits,
    targeted: Bits,
    /// Answers by [`Signature`]: the same for every target that has it.
    cache: Shared<HashMap<Signature, Option<Vec<Grant>>>>,
    /// Answers of "on some resource" questions: (action, variant) → grants.
    any_cache: AnyAnswers,
    reducer: std::rc::Rc<Reducer>,
    /// Per asked action, the reduced policies ([`Subject::reduced`]).
    reduced_cache: Reductions,
    /// Lowercase action → index in the asked actions, and back.
    index: std::rc::Rc<HashMap<String, usize>>,
    names_lower: std::rc::Rc<Vec<String>>,
}

/// One question: an action on a resource, with the edge's context.
struct Ask<'q> {
    action: &'q str,
    resource: &'q str,
    resource_account: Option<&'q str>,
    /// Context keys of the edge (`iam:PassedToService`, `iam:PolicyARN`).
    extra: &'q [(&'q str, &'q str)],
    /// The target's tags, when the resource is a principal.
    tags: Option<&'q BTreeMap<String, String>>,
    /// The trust policy, for `sts:AssumeRole`.
    trust: Option<(&'q Policy, &'q str)>,
}

impl<'q> Ask<'q> {
    fn on(action: &'q str, resource: &'q str) -> Ask<'q> {
        Ask {
            action,
            resource,
            resource_account: None,
            extra: &[],
            tags: None,
            trust: None,
        }
    }
}

impl Subject<'_> {
    /// The ARN a request of this principal carries (a role acts as its assumed-role session).
    fn request_principal(&self) -> String {
        let p = self.who;
        match p.kind {
            PrincipalKind::Role => format!(
                "arn:{}:sts::{}:assumed-role/{}/yagura",
                p.arn.split(':').nth(1).unwrap_or("aws"),
                self.account,
                p.name
            ),
            _ => p.arn.to_string(),
        }
    }

    /// The principal's own context keys (`aws:PrincipalArn` of a role, `aws:PrincipalTag/…`).
    fn context(&self) -> BTreeMap<String, Vec<String>> {
        let p = self.who;
        let mut context = BTreeMap::new();
        if p.kind == PrincipalKind::Role {
            context.insert("aws:PrincipalArn".to_string(), vec![p.arn.to_string()]);
        }
        for (k, v) in p.tags.iter() {
            context.insert(format!("aws:PrincipalTag/{k}"), vec![v.clone()]);
        }
        context
    }

    /// The `Resource` patterns of the `Allow` statements that name an action (`*` for a
    /// statement without `Resource` or with `NotResource`).
    fn allow_patterns(&self, action: &str) -> BTreeSet<String> {
        let lower = action.to_ascii_lowercase();
        let mut out = BTreeSet::new();
        let Some(i) = self.action_index(&lower) else {
            out.insert("*".to_string());
            return out;
        };
        for p in &self.identity {
            let r = self.reducer.get(p, i, &lower);
            for st in r
                .policy
                .statements
                .iter()
                .filter(|s| s.effect == Effect::Allow)
            {
                match &st.resource {
                    Some(m) if !m.not => {
                        for x in &m.patterns {
                            out.insert(x.raw.clone());
                        }
                    }
                    _ => {
                        out.insert("*".to_string());
                    }
                }
            }
        }
        out
    }

    fn action_index(&self, lower: &str) -> Option<usize> {
        self.index.get(lower).copied()
    }

    fn may_match(&self, actions: &Actions, a: &str) -> bool {
        actions.get(a).is_some_and(|i| self.allows.has(i))
    }

    /// Whether the request may be allowed; the granting statements when it is.
    fn ask(&self, actions: &Actions, q: &Ask) -> Option<Vec<Grant>> {
        let id = actions.get(q.action);
        if let Some(i) = id {
            if !self.allows.has(i) && q.trust.is_none() {
                return None;
            }
        }
        // Answers are the same for every target with the same signature.
        let key = match id {
            Some(i) if q.trust.is_none() => self.signature(i, q),
            _ => None,
        };
        if let Some(k) = &key {
            if let Some(hit) = self.cache.borrow().get(k) {
                return hit.clone().map(|g| with_resource(g, q.resource));
            }
        }
        let answer = self.decide(q);
        if let Some(k) = key {
            self.cache.borrow_mut().insert(k, answer.clone());
        }
        answer
    }

    /// What the answer for action `i` depends on, beyond the subject: the edge's context, whether
    /// the resource is in another account, and, when some statement for the action names
    /// resources, which of those statements' `Resource` elements match this resource. `None`
    /// when a statement's condition reads the target (its tags) or its resource holds a policy
    /// variable: then every target is decided on its own.
    fn signature(&self, i: usize, q: &Ask) -> Option<Signature> {
        let account = q.resource_account.or_else(|| concrete_account(q.resource));
        let foreign = account.is_some_and(|r| r != self.account);
        // The edge's context keys, hashed (a handful of distinct values per subject).
        let extra = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            q.extra.hash(&mut h);
            h.finish()
        };
        let mut mask: u128 = 0;
        if self.targeted.has(i) {
            let mut bit = 0u32;
            for (r, _) in self.reduced(i).iter() {
                for st in &r.policy.statements {
                    if bit >= 128 || st.conditions.iter().any(|c| target_dependent_key(&c.key)) {
                        return None;
                    }
                    let hit = match &st.resource {
                        None => true,
                        Some(m) => {
                            let mut any = false;
                            for pat in &m.patterns {
                                let toks = pat.toks.as_ref()?;
                                if crate::pattern::match_resource(toks, q.resource) {
                                    any = true;
                                    break;
                                }
                            }
                            any != m.not
                        }
                    };
                    if hit {
                        mask |= 1 << bit;
                    }
                    bit += 1;
                }
            }
        }
        Some((i, extra, foreign, mask))
    }

    /// The policies of the subject (identity, then boundary, then SCPs) cut down to action
    /// `i`, with the position of each in its list; empty identity reductions left out.
    fn reduced(&self, i: usize) -> std::rc::Rc<Vec<(std::rc::Rc<Reduced>, usize)>> {
        if let Some(r) = self.reduced_cache.borrow().get(&i) {
            return r.clone();
        }
        let lower = self.names_lower.get(i).cloned().unwrap_or_default();
        let mut v: Vec<(std::rc::Rc<Reduced>, usize)> = self
            .identity
            .iter()
            .enumerate()
            .map(|(k, p)| (self.reducer.get(p, i, &lower), k))
            .filter(|(r, _)| !r.policy.statements.is_empty())
            .collect();
        // Boundary and SCPs after the identity policies, marked by an index past them.
        let n = self.identity.len();
        for (k, p) in self
            .boundary
            .into_iter()
            .chain(self.scps.iter().flatten())
            .enumerate()
        {
            v.push((self.reducer.get(p, i, &lower), n + k));
        }
        let v = std::rc::Rc::new(v);
        self.reduced_cache.borrow_mut().insert(i, v.clone());
        v
    }

    fn decide(&self, q: &Ask) -> Option<Vec<Grant>> {
        let mut context = self.context();
        for (k, v) in q.extra {
            context.insert((*k).to_string(), vec![(*v).to_string()]);
        }
        if let Some(tags) = q.tags {
            for (k, v) in tags {
                context.insert(format!("aws:ResourceTag/{k}"), vec![v.clone()]);
                context.insert(format!("iam:ResourceTag/{k}"), vec![v.clone()]);
            }
        }
        if let Some(acct) = q.resource_account {
            context.insert("aws:ResourceAccount".into(), vec![acct.to_string()]);
        }
        let req = Request {
            principal: self.request_principal(),
            action: q.action.to_string(),
            resource: q.resource.to_string(),
            resource_account: q.resource_account.map(str::to_string),
            context,
        };
        // Only the statements that name the action, when it is one the graph indexed.
        let lower = q.action.to_ascii_lowercase();
        let idx = self.action_index(&lower);
        let all = idx.map(|a| self.reduced(a)).unwrap_or_default();
        let n = self.identity.len();
        let reduced: Vec<&(std::rc::Rc<Reduced>, usize)> =
            all.iter().filter(|(_, k)| *k < n).collect();
        let reduced_refs: Vec<&Policy> = reduced.iter().map(|(r, _)| &r.policy).collect();
        let mut rest = all.iter().filter(|(_, k)| *k >= n);
        let boundary = if self.boundary.is_some() {
            rest.next().map(|(r, _)| r.clone())
        } else {
            None
        };
        let scps: Vec<Vec<Policy>> = match idx {
            Some(_) if !self.scps.is_empty() => self
                .scps
                .iter()
                .map(|level| {
                    level
                        .iter()
                        .filter_map(|_| rest.next().map(|(r, _)| r.policy.clone()))
                        .collect()
                })
                .collect(),
            _ => Vec::new(),
        };
        let set = match idx {
            Some(_) => Policies {
                identity: &reduced_refs,
                resource: q.trust.map(|(t, _)| t),
                scps: &scps,
                boundary: boundary.as_ref().map(|b| &b.policy),
                ..Policies::default()
            },
            None => Policies {
                identity: &self.identity,
                resource: q.trust.map(|(t, _)| t),
                scps: self.scps,
                boundary: self.boundary,
                ..Policies::default()
            },
        };
        let known = if q.tags.is_some() || q.trust.is_some() {
            KNOWN_TARGET
        } else {
            KNOWN_ANY
        };
        let r = authorize_with(&req, &set, Known::Only(known));

        if r.decision != Decision::Allow {
            return None;
        }
        let mut grants: Vec<Grant> = Vec::new();
        // The first identity statement that allows (else the trust policy's), with its label
        // and its index in the policy as written.
        for m in &r.matched {
            let identity = m
                .policy
                .strip_prefix("identity_policies[")
                .and_then(|s| s.strip_suffix(']'))
                .and_then(|s| s.parse::<usize>().ok());
            let (label, statement) = match (identity, idx) {
                (Some(i), Some(_)) => match reduced.get(i) {
                    Some(&(r, orig_policy)) => (
                        self.labels
                            .get(*orig_policy)
                            .copied()
                            .unwrap_or("?")
                            .to_string(),
                        r.orig.get(m.statement).copied().unwrap_or(m.statement),
                    ),
                    None => ("?".to_string(), m.statement),
                },
                (Some(i), None) => (
                    self.labels.get(i).copied().unwrap_or("?").to_string(),
                    m.statement,
                ),
                (None, _) if m.policy == "resource_policy" => (
                    q.trust.map(|(_, l)| l.to_string()).unwrap_or_default(),
                    m.statement,
                ),
                (None, _) => continue,
            };
            grants.push(Grant {
                action: q.action.to_string(),
                resource: q.resource.to_string(),
                policy: label,
                statement,
                sid: m.sid.clone(),
            });
            break;
        }
        if grants.is_empty() {
            grants.push(Grant {
                action: q.action.to_string(),
                resource: q.resource.to_string(),
                policy: String::new(),
                statement: 0,
                sid: None,
            });
        }
        Some(grants)
    }

    /// Whether every one of `asked` may be allowed on some resource; their granting
    /// statements when they all are.
    fn ask_all_any(&self, actions: &Actions, asked: &[String]) -> Option<Vec<Grant>> {
        let mut grants = Vec::new();
        for x in asked {
            grants.extend(self.ask_any(actions, x, &[])?);
        }
        Some(grants)
    }

    /// Whether the action may be allowed on some resource the caller chooses (a resource it
    /// creates, or any of those a pattern names): asked on each `Resource` pattern of the
    /// `Allow` statements that name the action, taken literally (a pattern matches itself, and
    /// a `Deny` whose pattern covers it applies).
    fn ask_any(
        &self,
        actions: &Actions,
        action: &str,
        extra: &[(&str, &str)],
    ) -> Option<Vec<Grant>> {
        if !self.may_match(actions, action) {
            return None;
        }
        let key = (
            action.to_string(),
            extra
                .iter()
                .map(|(k, v)| format!("{k}={v};"))
                .collect::<String>(),
        );
        if let Some(hit) = self.any_cache.borrow().get(&key) {
            return hit.clone();
        }
        let answer = self.ask_any_uncached(actions, action, extra);
        self.any_cache.borrow_mut().insert(key, answer.clone());
        answer
    }

    fn ask_any_uncached(
        &self,
        actions: &Actions,
        action: &str,
        extra: &[(&str, &str)],
    ) -> Option<Vec<Grant>> {
        let lower = action.to_ascii_lowercase();
        let mut candidates: BTreeSet<String> = BTreeSet::new();
        for p in &self.identity {
            for s in &p.statements {
                if s.effect != Effect::Allow {
                    continue;
                }
                let Some(m) = &s.action else { continue };
                if m.patterns.iter().any(|p| p.matches_action_lower(&lower)) == m.not {
                    continue;
                }
                match &s.resource {
                    Some(r) if !r.not => {
                        for p in &r.patterns {
                            candidates.insert(p.raw.clone());
                        }
                    }
                    _ => {
                        candidates.insert("*".to_string());
                    }
                }
            }
        }
        candidates.into_iter().find_map(|c| {
            // The caller makes the resource in its own account, unless the pattern names
            // another one (a wildcard account is not "another account").
            let account = concrete_account(&c).unwrap_or(self.account);
            self.ask(
                actions,
                &Ask {
                    action,
                    resource: &c,
                    resource_account: Some(account),
                    extra,
                    tags: None,
                    trust: None,
                },
            )
        })
    }
}

/// The account an ARN names, when it names one (twelve digits; not `*` nor empty).
fn concrete_account(arn: &str) -> Option<&str> {
    arn.split(':')
        .nth(4)
        .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
}

fn with_resource(mut g: Vec<Grant>, resource: &str) -> Vec<Grant> {
    for x in &mut g {
        x.resource = resource.to_string();
    }
    g
}

// --------------------------------------------------------------------------------- the build

/// Which principals a trust policy may admit: `*`, accounts, exact ARNs.
#[derive(Debug, Default)]
struct Admits {
    any: bool,
    accounts: BTreeSet<String>,
    arns: BTreeSet<String>,
}

fn admits(trust: &Policy) -> Admits {
    let mut out = Admits::default();
    for s in &trust.statements {
        if s.effect != Effect::Allow {
            continue;
        }
        let Some(pe) = &s.principal else { continue };
        if pe.not {
            out.any = true;
            continue;
        }
        match &pe.principal {
            PolicyPrincipal::Any => out.any = true,
            PolicyPrincipal::Map(m) => {
                for (t, vals, _) in m {
                    if t != "AWS" {
                        continue;
                    }
                    for v in vals {
                        if v == "*" {
                            out.any = true;
                        } else if v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit()) {
                            out.accounts.insert(v.clone());
                        } else if let Some(a) =
                            v.strip_suffix(":root").and_then(|r| r.rsplit(':').next())
                        {
                            out.accounts.insert(a.to_string());
                        } else {
                            out.arns.insert(v.clone());
                        }
                    }
                }
            }
        }
    }
    out
}

/// The service principals among `all` that the trust policy of role `arn` lets assume it.
fn services_trusted(trust: &Policy, all: &[&'static str], arn: &str) -> BTreeSet<&'static str> {
    let named = trusted_services(trust);
    let mut services = BTreeSet::new();
    for sp in all
        .iter()
        .filter(|sp| named.as_ref().is_none_or(|n| n.contains(*sp)))
    {
        let req = Request {
            principal: (*sp).to_string(),
            action: "sts:AssumeRole".to_string(),
            resource: arn.to_string(),
            ..Request::default()
        };
        let set = Policies {
            resource: Some(trust),
            ..Policies::default()
        };
        if authorize_with(&req, &set, Known::Only(&[])).decision == Decision::Allow {
            services.insert(*sp);
        }
    }
    services
}

/// The targets of one layer of the search, indexed by what lets a source reach them: every
/// edge needs the source and the target in the same account, or the target's trust admitting
/// the source (by ARN, by account, or anyone). A source is tried only against those, in the
/// layer's order, instead of against every target of the layer.
struct TargetIndex<'b> {
    targets: &'b [usize],
    by_account: HashMap<&'b str, Vec<usize>>,
    trusting_account: HashMap<&'b str, Vec<usize>>,
    trusting_arn: HashMap<&'b str, Vec<usize>>,
    trusting_anyone: Vec<usize>,
}

impl<'b> TargetIndex<'b> {
    fn new(b: &'b Builder<'_>, targets: &'b [usize]) -> TargetIndex<'b> {
        let mut x = TargetIndex {
            targets,
            by_account: HashMap::default(),
            trusting_account: HashMap::default(),
            trusting_arn: HashMap::default(),
            trusting_anyone: Vec::new(),
        };
        for (pos, &t) in targets.iter().enumerate() {
            x.by_account
                .entry(b.nodes[t].account.as_str())
                .or_default()
                .push(pos);
            if b.nodes[t].kind != PrincipalKind::Role {
                continue;
            }
            let adm = &b.admits[t];
            if adm.any {
                x.trusting_anyone.push(pos);
            }
            for a in &adm.accounts {
                x.trusting_account.entry(a.as_str()).or_default().push(pos);
            }
            for a in &adm.arns {
                x.trusting_arn.entry(a.as_str()).or_default().push(pos);
            }
        }
        x
    }

    /// The targets `s` may have an edge to, in the layer's order (a superset of those it has:
    /// [`Builder::become_edges`] decides).
    fn candidates(&self, b: &Builder<'_>, s: usize) -> Vec<usize> {
        let (sn, caps) = (&b.nodes[s], &b.caps[s]);
        let mut pos: Vec<usize> = Vec::new();
        let mut add = |v: Option<&Vec<usize>>| pos.extend(v.into_iter().flatten().copied());
        let same_account = caps.update_trust
            || caps.user_creds
            || caps.join
            || !caps.pass.is_empty()
            || caps.instance;
        if same_account {
            add(self.by_account.get(sn.account.as_str()));
        }
        if caps.assume {
            add(self.trusting_account.get(sn.account.as_str()));
            add(Some(&self.trusting_anyone));
        }
        add(self.trusting_arn.get(sn.arn.as_str()));
        pos.sort_unstable();
        pos.dedup();
        pos.into_iter().map(|p| self.targets[p]).collect()
    }
}

/// What a subject may do at all, decided once: the per-target questions are asked only for
/// the kinds of edges it has.
#[derive(Debug, Clone, Default)]
struct Caps {
    assume: bool,
    named: bool,
    update_trust: bool,
    user_creds: bool,
    join: bool,
    /// The `PassRole` templates whose other permissions it has on some resource, with their
    /// grants.
    pass: Vec<(usize, Vec<Grant>)>,
    instance: bool,
    empower: bool,
}

impl Caps {
    fn any(&self) -> bool {
        self.assume
            || self.named
            || self.update_trust
            || self.user_creds
            || self.join
            || !self.pass.is_empty()
            || self.instance
            || self.empower
    }
}

/// The service principals a trust policy names in `Allow` statements, or `None` when one of
/// them admits anyone (`*`, `NotPrincipal`): only these can be passed the role.
fn trusted_services(trust: &Policy) -> Option<BTreeSet<&str>> {
    let mut out = BTreeSet::new();
    for s in trust
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Allow)
    {
        let Some(pe) = &s.principal else { continue };
        if pe.not {
            return None;
        }
        match &pe.principal {
            PolicyPrincipal::Any => return None,
            PolicyPrincipal::Map(m) => {
                for (t, vals, _) in m {
                    for v in vals {
                        if v == "*" {
                            return None;
                        }
                        if t == "Service" {
                            out.insert(v.as_str());
                        }
                    }
                }
            }
        }
    }
    Some(out)
}

struct Builder<'a> {
    accounts: &'a [AccountAuthorization<'a>],
    extra: &'a Extra,
    actions: Actions,
    templates: Vec<Template>,
    iam_paths: IamPaths,
    nodes: Vec<Node>,
    /// (account index, principal index) of each node.
    origin: Vec<(usize, usize)>,
    subjects: Vec<Subject<'a>>,
    /// Per role node: the services its trust admits; its admitted principals.
    trusts_service: Vec<std::rc::Rc<BTreeSet<&'static str>>>,
    admits: Vec<std::rc::Rc<Admits>>,
    /// Nodes by ARN (for the potential paths only).
    by_arn: HashMap<&'a str, usize>,
    /// Per node: the customer managed policies attached to it (directly or through a group).
    attached_customer: Vec<Vec<&'a str>>,
    /// Per group node, its member user nodes; per user node, its group nodes.
    groups_of: Vec<Vec<usize>>,
    /// Instances per role node.
    instances_of: Vec<Vec<&'a InstanceInfo>>,
    /// Admin-equivalent managed policies one may attach, per partition prefix.
    admin_policies: Vec<String>,
    /// Per node, what it can do as a source (computed by [`Builder::run`] once the
    /// administrators are known).
    caps: Vec<Caps>,
    /// The principal ARNs trust policies name.
    named: BTreeSet<String>,
    /// Resource pattern (and kind) → the nodes it matches.
    pattern_cache: std::cell::RefCell<HashMap<(String, u8), PatternHits>>,
}

fn node_label(n: &Node) -> String {
    format!("{}/{}", n.kind.as_str(), n.name)
}

impl Graph {
    /// Builds the graph of one or several accounts (several GAAD files, or an Organization's
    /// inventory) and finds every node's shortest paths to an admin-equivalent node.
    pub fn build(accounts: &[AccountAuthorization], extra: &Extra) -> Result<Graph, Error> {
        let paths = escalation_paths()?;
        let (templates, iam_paths, _) = templates(&paths);
        let mut b = Builder::new(accounts, extra, templates, iam_paths);
        Ok(b.run())
    }

    /// The node of an ARN or of `kind/name` (the first in account order).
    pub fn find(&self, key: &str) -> Option<usize> {
        self.nodes
            .iter()
            .position(|n| n.arn == key)
            .or_else(|| self.nodes.iter().position(|n| node_label(n) == key))
    }

    /// `user/ci`, or `111122223333:user/ci` when the graph spans several accounts.
    pub fn label(&self, i: usize) -> String {
        let Some(n) = self.nodes.get(i) else {
            return String::new();
        };
        if self.multi_account {
            format!("{}:{}", n.account, node_label(n))
        } else {
            node_label(n)
        }
    }

    /// The shortest paths of a node: each a list of edge indices ending at an admin node (or
    /// at the node a `MakeAdmin` edge makes admin).
    pub fn paths(&self, i: usize) -> Vec<Vec<usize>> {
        let mut out = Vec::new();
        for &e in self.first.get(i).map(Vec::as_slice).unwrap_or(&[]) {
            let mut path = vec![e];
            let mut last = e;
            while path.len() <= self.nodes.len() {
                let Some(edge) = self.edges.get(last) else {
                    break;
                };
                if edge.how == How::MakeAdmin
                    || self.nodes.get(edge.to).is_none_or(|n| n.admin.is_some())
                {
                    break;
                }
                match self.first.get(edge.to).and_then(|f| f.first()) {
                    Some(&next) => {
                        path.push(next);
                        last = next;
                    }
                    None => break,
                }
            }
            out.push(path);
        }
        out
    }

    /// `user/ci → iam:PassRole + lambda:CreateFunction → role/LambdaAdmin (admin)`.
    pub fn describe(&self, path: &[usize]) -> String {
        self.describe_in(path, Lang::En)
    }

    /// [`Self::describe`] in English and Japanese.
    pub fn describe_text(&self, path: &[usize]) -> Text {
        Text::owned(
            self.describe_in(path, Lang::En),
            self.describe_in(path, Lang::Ja),
        )
    }

    fn describe_in(&self, path: &[usize], lang: Lang) -> String {
        let ja = lang == Lang::Ja;
        let mut s = String::new();
        for (k, &e) in path.iter().enumerate() {
            let Some(edge) = self.edges.get(e) else {
                continue;
            };
            if k == 0 {
                s.push_str(&self.label(edge.from));
            }
            s.push_str(" → ");
            s.push_str(&edge.label());
            if let Some(v) = &edge.via {
                if edge.how == How::Instance {
                    s.push_str(&if ja {
                        format!("({v} 上)")
                    } else {
                        format!(" on {v}")
                    });
                }
            }
            s.push_str(" → ");
            s.push_str(&self.label(edge.to));
            if k + 1 == path.len() {
                s.push_str(match (edge.how == How::MakeAdmin, ja) {
                    (true, false) => " (made admin)",
                    (false, false) => " (admin)",
                    (true, true) => "(管理者化)",
                    (false, true) => "(管理者)",
                });
            }
        }
        s
    }

    /// Every edge out of one node, to any target (for `--explain`): decided afresh, not only
    /// the edges on shortest paths.
    pub fn explain(
        accounts: &[AccountAuthorization],
        extra: &Extra,
        node: &str,
    ) -> Result<Option<(Graph, usize, Vec<Edge>)>, Error> {
        let g = Graph::build(accounts, extra)?;
        let Some(i) = g.find(node) else {
            return Ok(None);
        };
        let paths = escalation_paths()?;
        let (templates, iam_paths, _) = templates(&paths);
        let mut b = Builder::new(accounts, extra, templates, iam_paths);
        // the edges out of `i` are asked of its capabilities (`run` computes them for the graph)
        b.caps = (0..b.nodes.len()).map(|s| b.capabilities(s)).collect();
        let all: Vec<usize> = (0..b.nodes.len()).collect();
        let mut edges = b.edges_to(i, &all, usize::MAX);
        for t in 0..b.nodes.len() {
            if t == i {
                continue;
            }
            if let Some(e) = b.make_admin_and_become(i, t) {
                edges.push(e);
            }
        }
        edges.sort_by_key(|e| (e.to, e.how));
        Ok(Some((g, i, edges)))
    }
}

impl<'a> Builder<'a> {
    fn new(
        accounts: &'a [AccountAuthorization],
        extra: &'a Extra,
        templates: Vec<Template>,
        iam_paths: IamPaths,
    ) -> Builder<'a> {
        let mut actions = Actions {
            names: Vec::new(),
            index: HashMap::default(),
            exact: HashMap::default(),
        };
        for a in IAM_ACTIONS.iter().chain(FULL_PROBES.iter()) {
            actions.id(a);
        }
        actions.id("ssm:SendCommand");
        for t in &templates {
            let list = match t {
                Template::PassRole { actions, .. }
                | Template::Instance { actions, .. }
                | Template::Existing { actions, .. } => actions,
            };
            for a in list {
                actions.id(a);
            }
        }
        let mut b = Builder {
            accounts,
            extra,
            actions,
            templates,
            iam_paths,
            nodes: Vec::new(),
            origin: Vec::new(),
            subjects: Vec::new(),
            trusts_service: Vec::new(),
            admits: Vec::new(),
            by_arn: HashMap::default(),
            attached_customer: Vec::new(),
            groups_of: Vec::new(),
            instances_of: Vec::new(),
            admin_policies: Vec::new(),
            caps: Vec::new(),
            named: BTreeSet::new(),
            pattern_cache: Default::default(),
        };
        b.index();
        b.named = b
            .admits
            .iter()
            .flat_map(|a| a.arns.iter().cloned())
            .collect();
        b
    }

    fn index(&mut self) {
        let accounts = self.accounts;
        let extra: &'a Extra = self.extra;
        let total: usize = accounts.iter().map(|a| a.principals.len()).sum();
        self.nodes.reserve_exact(total);
        self.origin.reserve_exact(total);
        self.subjects.reserve_exact(total);
        self.trusts_service.reserve_exact(total);
        self.admits.reserve_exact(total);
        self.attached_customer.reserve_exact(total);
        self.groups_of.reserve_exact(total);
        self.instances_of.reserve_exact(total);
        let reducer = std::rc::Rc::new(Reducer::default());
        let action_index = std::rc::Rc::new(self.actions.index.clone());
        let names_lower = std::rc::Rc::new(
            self.actions
                .names
                .iter()
                .map(|n| n.to_ascii_lowercase())
                .collect::<Vec<_>>(),
        );
        let mut bits_of: HashMap<*const Policy, PolicyBits> = HashMap::default();
        let mut bits = |p: &Policy, actions: &Actions| -> PolicyBits {
            bits_of
                .entry(p as *const Policy)
                .or_insert_with(|| policy_bits(p, actions))
                .clone()
        };
        let all_services: Vec<&'static str> = [
            "apprunner",
            "bedrock-agentcore",
            "cloudformation",
            "codebuild",
            "datapipeline",
            "ec2",
            "ecs",
            "glue",
            "lambda",
            "sagemaker",
        ]
        .iter()
        .filter_map(|s| service_principals(s))
        .flat_map(|s| s.iter().copied())
        .collect();
        let mut reads: HashMap<usize, bool> = HashMap::default();
        type Trusts = (std::rc::Rc<Admits>, std::rc::Rc<BTreeSet<&'static str>>);
        let mut trusts: HashMap<usize, Trusts> = HashMap::default();
        // Reductions are shared by subjects with the same policies; answers name the granting
        // policies by their labels (`user ci inline p0`), so only subjects whose policies also
        // carry the same labels share them (an inventory may hold one policy object for several
        // principals' identical inline policies).
        type PolicySet<'k> = (&'k str, bool, Vec<usize>, usize);
        let mut groups: HashMap<PolicySet, Caches> = HashMap::default();
        let mut answers: HashMap<(PolicySet, Vec<&str>), Caches> = HashMap::default();
        let mut last: Option<(PolicySet, Vec<&str>, Caches)> = None;
        for (ai, acct) in accounts.iter().enumerate() {
            let account_id = acct.account_id();
            let scps: &'a [Vec<Policy>] =
                extra.scps.get(account_id).map(Vec::as_slice).unwrap_or(&[]);
            for (pi, p) in acct.principals.iter().enumerate() {
                let idx = self.nodes.len();
                let account = p.arn.split(':').nth(4).unwrap_or_default();
                self.nodes.push(Node {
                    kind: p.kind,
                    name: p.name.to_string(),
                    arn: p.arn.to_string(),
                    account: account.to_string(),
                    admin: None,
                });
                self.origin.push((ai, pi));
                if !extra.without_potentials {
                    self.by_arn.insert(&p.arn, idx);
                }
                let n = self.actions.names.len();
                let mut allows = Bits::with_len(n);
                let mut targeted = Bits::with_len(n);
                let mut denies = false;
                for (_, pol) in &p.policies {
                    let pb = bits(pol, &self.actions);
                    allows.or(&pb.allows);
                    targeted.or(&pb.targeted);
                    denies |= pb.denies;
                }
                for pol in p
                    .permission_boundary
                    .iter()
                    .map(Arc::as_ref)
                    .chain(scps.iter().flatten())
                {
                    targeted.or(&bits(pol, &self.actions).targeted);
                }
                // A principal none of whose statements names an asked action can be asked
                // nothing: keep none of its policies (a trust naming it still admits it). Its
                // denies stay: they bind even where a trust naming it would admit it.
                let inert = !allows.any() && !denies;
                let (identity, labels): (Vec<&Policy>, Vec<&str>) = if inert {
                    (Vec::new(), Vec::new())
                } else {
                    p.policies.iter().map(|(l, x)| (x.as_ref(), &**l)).unzip()
                };
                // One set of caches per set of policies.
                let boundary = p.permission_boundary.as_deref();
                let key = (
                    account,
                    // SCPs do not restrict service-linked roles.
                    p.arn.contains(":role/aws-service-role/"),
                    identity
                        .iter()
                        .map(|x| *x as *const Policy as usize)
                        .collect::<Vec<_>>(),
                    boundary.map_or(0, |b| b as *const Policy as usize),
                );
                let personal = identity
                    .iter()
                    .copied()
                    .chain(boundary)
                    .chain(scps.iter().flatten())
                    .any(|x| {
                        *reads
                            .entry(x as *const Policy as usize)
                            .or_insert_with(|| reads_principal(x))
                    });
                // Consecutive principals mostly share their policy set (and every principal
                // with none of its policies kept shares the empty one): the last set's caches
                // are reused without hashing its key again.
                let caches = match &last {
                    Some((k, l, c)) if !personal && *k == key && *l == labels => c.clone(),
                    _ => {
                        let reduced = match groups.get(&key) {
                            Some(c) => c.reduced.clone(),
                            None => {
                                let c = Caches::default();
                                let r = c.reduced.clone();
                                groups.insert(key.clone(), c);
                                r
                            }
                        };
                        if personal {
                            Caches {
                                reduced,
                                ..Caches::default()
                            }
                        } else {
                            let shared = answers
                                .entry((key.clone(), labels.clone()))
                                .or_default()
                                .clone();
                            let caches = Caches { reduced, ..shared };
                            last = Some((key, labels.clone(), caches.clone()));
                            caches
                        }
                    }
                };
                self.subjects.push(Subject {
                    who: p,
                    account,
                    identity,
                    labels,
                    boundary,
                    scps,
                    allows,
                    targeted,
                    cache: caches.answers,
                    any_cache: caches.any,
                    reducer: reducer.clone(),
                    index: action_index.clone(),
                    names_lower: names_lower.clone(),
                    reduced_cache: caches.reduced,
                });
                // What the role trusts: the same for every role with the same trust document
                // when the answer cannot depend on the role (no `Resource`, no condition).
                let trust = p.trust_policy.as_ref();
                let shared = trust.filter(|t| {
                    t.statements
                        .iter()
                        .all(|st| st.resource.is_none() && st.conditions.is_empty())
                });
                let key = shared.map(|t| Arc::as_ptr(t) as usize);
                let (adm, services) = match key.and_then(|k| trusts.get(&k)) {
                    Some(hit) => hit.clone(),
                    None => {
                        let v = trust.map_or_else(Default::default, |t| {
                            (
                                std::rc::Rc::new(admits(t)),
                                std::rc::Rc::new(services_trusted(t, &all_services, &p.arn)),
                            )
                        });
                        if let Some(k) = key {
                            trusts.insert(k, v.clone());
                        }
                        v
                    }
                };
                self.trusts_service.push(services);
                self.admits.push(adm);
                self.attached_customer.push(
                    p.attached_policy_arns
                        .iter()
                        .filter(|a| !a.contains(":iam::aws:policy/"))
                        .map(|a| &**a)
                        .collect(),
                );
                self.groups_of.push(Vec::new());
                self.instances_of.push(Vec::new());
            }
        }
        // Groups ↔ members.
        let mut group_index: HashMap<(&str, &str), usize> = HashMap::default();
        for (j, n) in self.nodes.iter().enumerate() {
            if n.kind == PrincipalKind::Group {
                group_index.insert((n.account.as_str(), n.name.as_str()), j);
            }
        }
        let mut links = Vec::new();
        for i in 0..self.nodes.len() {
            let (ai, pi) = self.origin[i];
            let p = &accounts[ai].principals[pi];
            if p.kind != PrincipalKind::User {
                continue;
            }
            for g in p.groups.iter() {
                if let Some(&gi) = group_index.get(&(self.nodes[i].account.as_str(), g.as_str())) {
                    links.push((i, gi));
                }
            }
        }
        for (i, gi) in links {
            self.groups_of[i].push(gi);
            self.groups_of[gi].push(i);
        }
        // Instances → roles through their instance profiles.
        if let Some(list) = &extra.instances {
            let mut by_profile: HashMap<&str, usize> = HashMap::default();
            for (i, (ai, pi)) in self.origin.iter().enumerate() {
                for ip in accounts[*ai].principals[*pi].instance_profiles.iter() {
                    by_profile.insert(ip.as_str(), i);
                }
            }
            for inst in list {
                if let Some(&r) = by_profile.get(inst.profile_arn.as_str()) {
                    self.instances_of[r].push(inst);
                }
            }
        }
        // The admin policies one may attach: AdministratorAccess always exists; customer
        // managed policies that allow `*` on `*`.
        let mut admin_policies = BTreeSet::new();
        for acct in accounts {
            let partition = acct
                .principals
                .first()
                .and_then(|p| p.arn.split(':').nth(1))
                .unwrap_or("aws");
            admin_policies.insert(format!(
                "arn:{partition}:iam::aws:policy/AdministratorAccess"
            ));
            for (arn, pol) in &acct.managed {
                if !arn.contains(":iam::aws:policy/") && grants_everything(pol) {
                    admin_policies.insert(arn.clone());
                }
            }
        }
        self.admin_policies = admin_policies.into_iter().collect();
    }

    /// Whether no identity statement of node `i` allows an action the graph indexed (so every
    /// question on one is answered no without asking, unless a resource policy names it).
    fn asks_nothing(&self, i: usize) -> bool {
        self.actions.names.len() <= Bits::CAPACITY && !self.subjects[i].allows.any()
    }

    fn principal(&self, i: usize) -> &'a crate::analyze::Principal<'a> {
        let (ai, pi) = self.origin[i];
        &self.accounts[ai].principals[pi]
    }

    /// Whether a node is admin-equivalent on its own, and why.
    fn admin_reason(&self, i: usize) -> Option<AdminReason> {
        let s = &self.subjects[i];
        // Every question below is on an action the graph indexed: none is allowed.
        if self.asks_nothing(i) {
            return None;
        }
        let full: Option<Vec<Grant>> = FULL_PROBES.iter().try_fold(Vec::new(), |mut acc, a| {
            let g = s.ask(&self.actions, &Ask::on(a, "*"))?;
            if acc.is_empty() {
                acc.extend(g);
            }
            Some(acc)
        });
        if let Some(mut g) = full {
            for x in &mut g {
                x.action = "*".into();
            }
            return Some(AdminReason {
                kind: "full",
                reason: Text::new("allows `*` on `*`", "`*` を `*` に許可しています"),
                grants: g,
                paths: Vec::new(),
            });
        }
        // Can it give itself anything: a policy on itself or its group, a new version of a
        // policy attached to it?
        let mut targets = vec![i];
        targets.extend(self.groups_of[i].iter().copied().filter(|g| {
            self.nodes[*g].kind == PrincipalKind::Group && self.nodes[i].kind == PrincipalKind::User
        }));
        for t in targets {
            if let Some((actions, grants)) = self.empower(i, t) {
                let calls = actions.join("` + `");
                let reason = if t == i {
                    text!(
                        "may call `{calls}` on itself and so grant itself anything",
                        "自身に `{calls}` を実行でき、自身に任意の権限を付与できます"
                    )
                } else {
                    let group = &self.nodes[t].name;
                    text!(
                        "may call `{calls}` on its group `{group}` and so grant itself anything",
                        "所属するグループ `{group}` に `{calls}` を実行でき、自身に任意の権限を付与できます"
                    )
                };
                return Some(AdminReason {
                    kind: "self-grant",
                    reason,
                    paths: self.iam_ids(&actions),
                    grants,
                });
            }
        }
        None
    }

    /// Whether `s` can make `t` admin-equivalent (a policy on `t`, on a group of `t`, a new
    /// version of a policy attached to `t`), with the actions and grants. A boundary on `t`
    /// that does not allow everything must be removable by `s` too.
    fn empower(&self, s: usize, t: usize) -> Option<(Vec<String>, Vec<Grant>)> {
        let sub = &self.subjects[s];
        let tn = &self.nodes[t];
        if tn.account != sub.account {
            return None;
        }
        let tp = self.principal(t);
        let a = &self.actions;
        let (put, attach) = match tn.kind {
            PrincipalKind::User => ("iam:PutUserPolicy", "iam:AttachUserPolicy"),
            PrincipalKind::Role => ("iam:PutRolePolicy", "iam:AttachRolePolicy"),
            PrincipalKind::Group => ("iam:PutGroupPolicy", "iam:AttachGroupPolicy"),
        };
        let on_target = |action: &'static str, resource: &str, extra: &[(&str, &str)]| {
            sub.ask(
                a,
                &Ask {
                    action,
                    resource,
                    resource_account: Some(&tn.account),
                    extra,
                    tags: Some(&tp.tags),
                    trust: None,
                },
            )
        };
        let mut found: Option<(Vec<String>, Vec<Grant>)> = None;
        if sub.may_match(a, put) {
            if let Some(g) = on_target(put, &tn.arn, &[]) {
                found = Some((vec![put.to_string()], g));
            }
        }
        if found.is_none() && sub.may_match(a, attach) {
            for pol in &self.admin_policies {
                if let Some(g) = on_target(attach, &tn.arn, &[("iam:PolicyARN", pol)]) {
                    found = Some((vec![attach.to_string()], g));
                    break;
                }
            }
        }
        if found.is_none() && sub.may_match(a, "iam:CreatePolicyVersion") {
            for pol in &self.attached_customer[t] {
                if let Some(g) = on_target("iam:CreatePolicyVersion", pol, &[]) {
                    found = Some((vec!["iam:CreatePolicyVersion".to_string()], g));
                    break;
                }
            }
        }
        let (mut actions, mut grants) = found?;
        // A boundary that caps the target must go too.
        if let Some(b) = tp.permission_boundary.as_deref() {
            if !grants_everything(b) {
                let del = match tn.kind {
                    PrincipalKind::User => "iam:DeleteUserPermissionsBoundary",
                    PrincipalKind::Role => "iam:DeleteRolePermissionsBoundary",
                    PrincipalKind::Group => return None,
                };
                let g = on_target(del, &tn.arn, &[])?;
                actions.push(del.to_string());
                grants.extend(g);
            }
        } else if tp.permission_boundary_arn.is_some() {
            // A boundary whose document is unknown: it may cap anything.
            return None;
        }
        Some((actions, grants))
    }

    /// The pathfinding ids of an IAM action set.
    fn iam_ids(&self, actions: &[String]) -> Vec<String> {
        let mut k: Vec<String> = actions.iter().map(|a| a.to_ascii_lowercase()).collect();
        k.sort();
        self.iam_paths.get(&k).cloned().into_iter().collect()
    }

    /// The ways `s` can become `t` (without changing `t`'s permissions).
    fn become_edges(&self, s: usize, t: usize, limit: usize) -> Vec<Edge> {
        let mut out = Vec::new();
        if s == t {
            return out;
        }
        let sub = &self.subjects[s];
        let sn = &self.nodes[s];
        let tn = &self.nodes[t];
        let tp = self.principal(t);
        let a = &self.actions;
        let caps = &self.caps[s];
        let same = sn.account == tn.account;
        let edge = |how: How,
                    actions: Vec<String>,
                    grants: Vec<Grant>,
                    via: Option<String>,
                    paths: Vec<String>| Edge {
            from: s,
            to: t,
            how,
            actions,
            paths,
            grants,
            via,
        };
        let target_ask = |action: &'static str| {
            sub.ask(
                a,
                &Ask {
                    action,
                    resource: &tn.arn,
                    resource_account: Some(&tn.account),
                    extra: &[],
                    tags: Some(&tp.tags),
                    trust: None,
                },
            )
        };
        match tn.kind {
            PrincipalKind::Role => {
                // sts:AssumeRole, decided with the trust policy.
                if let Some(trust) = &tp.trust_policy {
                    let adm = &self.admits[t];
                    let named = adm.arns.contains(&sn.arn);
                    let admitted = adm.any || named || adm.accounts.contains(&sn.account);
                    if admitted && (named || caps.assume) {
                        let label = format!("role {} trust policy", tn.name);
                        if let Some(g) = sub.ask(
                            a,
                            &Ask {
                                action: "sts:AssumeRole",
                                resource: &tn.arn,
                                resource_account: Some(&tn.account),
                                extra: &[],
                                tags: Some(&tp.tags),
                                trust: Some((trust, &label)),
                            },
                        ) {
                            out.push(edge(
                                How::AssumeRole,
                                vec!["sts:AssumeRole".into()],
                                g,
                                None,
                                self.iam_ids(&["sts:AssumeRole".into()]),
                            ));
                        }
                    }
                }
                if out.len() < limit && same && caps.update_trust {
                    if let Some(g) = target_ask("iam:UpdateAssumeRolePolicy") {
                        out.push(edge(
                            How::RewriteTrust,
                            vec!["iam:UpdateAssumeRolePolicy".into()],
                            g,
                            None,
                            self.iam_ids(&["iam:UpdateAssumeRolePolicy".into()]),
                        ));
                    }
                }
                if out.len() < limit && same && !caps.pass.is_empty() {
                    out.extend(self.pass_edges(s, t, limit - out.len()));
                }
                if out.len() < limit && same && caps.instance && !self.instances_of[t].is_empty() {
                    out.extend(self.instance_edges(s, t, limit - out.len()));
                }
            }
            PrincipalKind::User if same && caps.user_creds => {
                for action in BECOME_USER {
                    if out.len() >= limit {
                        break;
                    }
                    if !sub.may_match(a, action) {
                        continue;
                    }
                    if let Some(g) = target_ask(action) {
                        out.push(edge(
                            How::UserCredentials,
                            vec![action.to_string()],
                            g,
                            None,
                            self.iam_ids(&[action.to_string()]),
                        ));
                    }
                }
            }
            PrincipalKind::Group if same && caps.join && !self.groups_of[s].contains(&t) => {
                if let Some(g) = target_ask("iam:AddUserToGroup") {
                    out.push(edge(
                        How::JoinGroup,
                        vec!["iam:AddUserToGroup".into()],
                        g,
                        None,
                        self.iam_ids(&["iam:AddUserToGroup".into()]),
                    ));
                }
            }
            _ => {}
        }
        out
    }

    /// `new-passrole` edges from `s` to role `t`.
    fn pass_edges(&self, s: usize, t: usize, limit: usize) -> Vec<Edge> {
        let mut out: Vec<Edge> = Vec::new();
        let sub = &self.subjects[s];
        let a = &self.actions;
        if self.trusts_service[t].is_empty() {
            return out;
        }
        let tn = &self.nodes[t];
        let tp = self.principal(t);
        // One PassRole question per service.
        let mut passes: Vec<(&str, Option<Vec<Grant>>)> = Vec::new();
        for (k, others) in &self.caps[s].pass {
            let Some(Template::PassRole {
                id,
                services,
                actions,
                instance_profile,
            }) = self.templates.get(*k)
            else {
                continue;
            };
            if let Some(e) = out.iter_mut().find(|e| {
                e.actions.get(1..) == Some(&actions[..])
                    && e.via.as_deref().is_some_and(|v| services.contains(&v))
            }) {
                e.paths.push(id.clone());
                continue;
            }
            if out.len() >= limit {
                continue;
            }
            let Some(service) = services
                .iter()
                .find(|sp| self.trusts_service[t].contains(*sp))
            else {
                continue;
            };
            if *instance_profile && tp.instance_profiles.is_empty() {
                continue;
            }
            let pass = match passes.iter().find(|(sv, _)| sv == service) {
                Some((_, g)) => g.clone(),
                None => {
                    let g = sub.ask(
                        a,
                        &Ask {
                            action: "iam:PassRole",
                            resource: &tn.arn,
                            resource_account: Some(&tn.account),
                            extra: &[("iam:PassedToService", service)],
                            tags: Some(&tp.tags),
                            trust: None,
                        },
                    );
                    passes.push((service, g.clone()));
                    g
                }
            };
            let Some(mut grants) = pass else {
                continue;
            };
            grants.extend(others.iter().cloned());
            let mut acts = vec!["iam:PassRole".to_string()];
            acts.extend(actions.iter().cloned());
            out.push(Edge {
                from: s,
                to: t,
                how: How::PassRole,
                actions: acts,
                paths: vec![id.clone()],
                grants,
                via: Some((*service).to_string()),
            });
        }
        // Fewest permissions first.
        out.sort_by_key(|e| e.actions.len());
        out
    }

    /// Edges through a running EC2 instance whose profile holds role `t`.
    fn instance_edges(&self, s: usize, t: usize, limit: usize) -> Vec<Edge> {
        let mut out: Vec<Edge> = Vec::new();
        let sub = &self.subjects[s];
        let a = &self.actions;
        for inst in &self.instances_of[t] {
            for tpl in &self.templates {
                let Template::Instance { id, actions } = tpl else {
                    continue;
                };
                if let Some(e) = out
                    .iter_mut()
                    .find(|e| e.actions == *actions && e.via.as_deref() == Some(inst.id.as_str()))
                {
                    e.paths.push(id.clone());
                    continue;
                }
                if out.len() >= limit || !actions.iter().all(|x| sub.may_match(a, x)) {
                    continue;
                }
                let mut grants = Vec::new();
                let mut ok = true;
                for x in actions {
                    let g = sub.ask(
                        a,
                        &Ask {
                            action: x,
                            resource: &inst.arn,
                            resource_account: Some(&inst.account),
                            extra: &[],
                            tags: None,
                            trust: None,
                        },
                    );
                    match g {
                        Some(g) => grants.extend(g),
                        None => {
                            ok = false;
                            break;
                        }
                    }
                }
                if ok {
                    out.push(Edge {
                        from: s,
                        to: t,
                        how: How::Instance,
                        actions: actions.clone(),
                        paths: vec![id.clone()],
                        grants,
                        via: Some(inst.id.clone()),
                    });
                }
            }
        }
        out
    }

    /// `s` makes `t` admin and becomes it (iam-014…iam-021 and the like).
    fn make_admin_and_become(&self, s: usize, t: usize) -> Option<Edge> {
        if s == t || self.nodes[t].admin.is_some() {
            return None;
        }
        let (mut actions, mut grants) = self.empower(s, t)?;
        let b = self.become_edges(s, t, 1).into_iter().next()?;
        actions.extend(b.actions.iter().cloned());
        grants.extend(b.grants);
        let paths = self.iam_ids(&actions);
        Some(Edge {
            from: s,
            to: t,
            how: How::MakeAdmin,
            actions,
            paths,
            grants,
            via: b.via,
        })
    }

    /// Edges from `s` to any of `targets`, at most `limit`.
    fn edges_to(&self, s: usize, targets: &[usize], limit: usize) -> Vec<Edge> {
        let mut out = Vec::new();
        for &t in targets {
            if out.len() >= limit {
                break;
            }
            out.extend(self.become_edges(s, t, limit - out.len()));
        }
        out
    }

    fn capabilities(&self, s: usize) -> Caps {
        let sub = &self.subjects[s];
        let named = self.named.contains(self.nodes[s].arn.as_str());
        // Allowed none of the indexed actions: only a trust naming it lets it act.
        if self.asks_nothing(s) {
            return Caps {
                named,
                ..Caps::default()
            };
        }
        let a = &self.actions;
        let m = |x: &str| sub.may_match(a, x);
        let mut pass = Vec::new();
        if m("iam:PassRole") {
            for (k, tpl) in self.templates.iter().enumerate() {
                let Template::PassRole { actions, .. } = tpl else {
                    continue;
                };
                if !actions.iter().all(|x| m(x)) {
                    continue;
                }
                let mut grants = Vec::new();
                let ok = actions.iter().all(|x| match sub.ask_any(a, x, &[]) {
                    Some(g) => {
                        grants.extend(g);
                        true
                    }
                    None => false,
                });
                if ok {
                    pass.push((k, grants));
                }
            }
        }
        let instance = self.extra.instances.as_ref().is_some_and(|v| !v.is_empty())
            && self.templates.iter().any(|t| match t {
                Template::Instance { actions, .. } => actions.iter().all(|x| m(x)),
                _ => false,
            });
        Caps {
            assume: m("sts:AssumeRole"),
            named,
            update_trust: m("iam:UpdateAssumeRolePolicy"),
            user_creds: BECOME_USER.iter().any(|x| m(x)),
            join: self.nodes[s].kind == PrincipalKind::User && m("iam:AddUserToGroup"),
            pass,
            instance,
            empower: self.may_empower(s),
        }
    }

    /// The principals `s` might make admin: those whose ARN (or whose attached customer
    /// managed policy, for `iam:CreatePolicyVersion`) a `Resource` pattern of `s`'s `Allow`
    /// statements for an empowering action matches. A superset: [`Self::empower`] decides.
    fn empower_candidates(&self, s: usize) -> Vec<usize> {
        let sub = &self.subjects[s];
        let a = &self.actions;
        let mut out: BTreeSet<usize> = BTreeSet::new();
        let kinds = [
            ("iam:PutUserPolicy", PrincipalKind::User),
            ("iam:AttachUserPolicy", PrincipalKind::User),
            ("iam:PutRolePolicy", PrincipalKind::Role),
            ("iam:AttachRolePolicy", PrincipalKind::Role),
            ("iam:PutGroupPolicy", PrincipalKind::Group),
            ("iam:AttachGroupPolicy", PrincipalKind::Group),
            ("iam:CreatePolicyVersion", PrincipalKind::User),
        ];
        for (action, kind) in kinds {
            if !sub.may_match(a, action) {
                continue;
            }
            let policy_version = action == "iam:CreatePolicyVersion";
            for pat in sub.allow_patterns(action) {
                let matched = self.pattern_targets(&pat, kind, policy_version);
                out.extend(matched.iter().copied());
            }
        }
        out.remove(&s);
        out.into_iter()
            .filter(|t| self.nodes[*t].account == self.nodes[s].account)
            .collect()
    }

    /// The nodes of a kind whose ARN a resource pattern matches (policy variables read as
    /// `*`), or, for `policy_version`, the nodes with an attached customer managed policy it
    /// matches. Cached per pattern.
    fn pattern_targets(
        &self,
        pat: &str,
        kind: PrincipalKind,
        policy_version: bool,
    ) -> std::rc::Rc<Vec<usize>> {
        let key = (pat.to_string(), if policy_version { 3 } else { kind as u8 });
        if let Some(v) = self.pattern_cache.borrow().get(&key) {
            return v.clone();
        }
        let mut glob = String::with_capacity(pat.len());
        let mut rest = pat;
        while let Some(i) = rest.find("${") {
            glob.push_str(&rest[..i]);
            glob.push('*');
            rest = rest[i..]
                .find('}')
                .map(|j| &rest[i + j + 1..])
                .unwrap_or("");
        }
        glob.push_str(rest);
        let toks = crate::pattern::compile(&glob);
        let v: Vec<usize> = if policy_version {
            (0..self.nodes.len())
                .filter(|&i| {
                    self.attached_customer[i]
                        .iter()
                        .any(|arn| crate::pattern::match_resource(&toks, arn))
                })
                .collect()
        } else {
            (0..self.nodes.len())
                .filter(|&i| {
                    self.nodes[i].kind == kind
                        && crate::pattern::match_resource(&toks, &self.nodes[i].arn)
                })
                .collect()
        };
        let v = std::rc::Rc::new(v);
        self.pattern_cache.borrow_mut().insert(key, v.clone());
        v
    }

    /// Whether `s` may call some action that makes a principal admin.
    fn may_empower(&self, s: usize) -> bool {
        let sub = &self.subjects[s];
        [
            "iam:PutUserPolicy",
            "iam:AttachUserPolicy",
            "iam:PutRolePolicy",
            "iam:AttachRolePolicy",
            "iam:PutGroupPolicy",
            "iam:AttachGroupPolicy",
            "iam:CreatePolicyVersion",
        ]
        .iter()
        .any(|x| sub.may_match(&self.actions, x))
    }

    fn run(&mut self) -> Graph {
        let n = self.nodes.len();
        for i in 0..n {
            let r = self.admin_reason(i);
            self.nodes[i].admin = r;
        }
        // What each node can do as a source: an administrator is no source (its distance is 0).
        self.caps = (0..n)
            .map(|s| match self.nodes[s].admin {
                Some(_) => Caps::default(),
                None => self.capabilities(s),
            })
            .collect();
        let empowering: Vec<bool> = (0..n).map(|s| self.caps[s].empower).collect();
        // A user in an admin group is admin through it.
        let mut dist: Vec<Option<u32>> = self
            .nodes
            .iter()
            .map(|x| x.admin.as_ref().map(|_| 0))
            .collect();
        let mut edges: Vec<Edge> = Vec::new();
        let mut first: Vec<Vec<usize>> = vec![Vec::new(); n];
        let capable: Vec<bool> = (0..n).map(|s| self.caps[s].any()).collect();
        // Anything asked about at all (the weaker kinds look further than the edges).
        let asks_anything: Vec<bool> = (0..n).map(|s| self.subjects[s].allows.any()).collect();
        // Layer 1 also holds "make admin and become".
        let mut layer: Vec<usize> = (0..n).filter(|&i| dist[i] == Some(0)).collect();
        let mut d = 0u32;
        while !layer.is_empty() || d == 0 {
            let mut next = Vec::new();
            // Targets sorted by name for deterministic choices.
            let mut targets = layer.clone();
            targets.sort_by(|x, y| {
                (
                    &self.nodes[*x].account,
                    self.nodes[*x].kind.as_str(),
                    &self.nodes[*x].name,
                )
                    .cmp(&(
                        &self.nodes[*y].account,
                        self.nodes[*y].kind.as_str(),
                        &self.nodes[*y].name,
                    ))
            });
            let index = TargetIndex::new(self, &targets);
            for s in 0..n {
                if dist[s].is_some() || !capable[s] {
                    continue;
                }
                let mut found = self.edges_to(s, &index.candidates(self, s), ALTERNATIVES);
                if d == 0 && found.len() < ALTERNATIVES && empowering[s] {
                    for t in self.empower_candidates(s) {
                        if found.len() >= ALTERNATIVES {
                            break;
                        }
                        if let Some(e) = self.make_admin_and_become(s, t) {
                            found.push(e);
                        }
                    }
                }
                if !found.is_empty() {
                    for e in found {
                        first[s].push(edges.len());
                        edges.push(e);
                    }
                    next.push(s);
                }
            }
            for &s in &next {
                dist[s] = Some(d + 1);
            }
            layer = next;
            d += 1;
            if d as usize > n + 1 {
                break;
            }
        }
        // The weaker kinds, for principals that cannot reach admin.
        let mut empowers = vec![Vec::new(); n];
        let mut potential = vec![Vec::new(); n];
        for s in 0..n {
            if dist[s].is_some() || !asks_anything[s] {
                continue;
            }
            if empowering[s] || self.subjects[s].may_match(&self.actions, "iam:AddUserToGroup") {
                empowers[s] = self.empowerments(s);
            }
            if !self.extra.without_potentials {
                potential[s] = self.potentials(s, &dist);
            }
        }
        let multi_account = self
            .nodes
            .first()
            .is_some_and(|f| self.nodes.iter().any(|m| m.account != f.account));
        Graph {
            multi_account,
            nodes: std::mem::take(&mut self.nodes),
            edges,
            dist,
            first,
            empowers,
            potential,
        }
    }

    /// The principals `s` can make admin without becoming them.
    fn empowerments(&self, s: usize) -> Vec<Empowerment> {
        let sub = &self.subjects[s];
        let a = &self.actions;
        let any_empower = [
            "iam:PutUserPolicy",
            "iam:AttachUserPolicy",
            "iam:PutRolePolicy",
            "iam:AttachRolePolicy",
            "iam:PutGroupPolicy",
            "iam:AttachGroupPolicy",
            "iam:CreatePolicyVersion",
            "iam:AddUserToGroup",
        ]
        .iter()
        .any(|x| sub.may_match(a, x));
        if !any_empower {
            return Vec::new();
        }
        let mut out = Vec::new();
        for t in self.empower_candidates(s) {
            if out.len() >= MAX_EMPOWERED {
                break;
            }
            if self.nodes[t].admin.is_some() {
                continue;
            }
            if let Some((actions, grants)) = self.empower(s, t) {
                out.push(Empowerment {
                    target: t,
                    actions,
                    grants,
                });
            }
        }
        // Add another user to an admin group: the answer does not depend on the user.
        if sub.may_match(a, "iam:AddUserToGroup") && out.len() < MAX_EMPOWERED {
            let account = &self.nodes[s].account;
            for g in (0..self.nodes.len()).filter(|&g| {
                self.nodes[g].kind == PrincipalKind::Group
                    && self.nodes[g].admin.is_some()
                    && self.nodes[g].account == *account
            }) {
                let gp = self.principal(g);
                let Some(gr) = sub.ask(
                    a,
                    &Ask {
                        action: "iam:AddUserToGroup",
                        resource: &self.nodes[g].arn,
                        resource_account: Some(&self.nodes[g].account),
                        extra: &[],
                        tags: Some(&gp.tags),
                        trust: None,
                    },
                ) else {
                    continue;
                };
                for t in (0..self.nodes.len()).filter(|&t| {
                    t != s
                        && self.nodes[t].kind == PrincipalKind::User
                        && self.nodes[t].account == *account
                        && self.nodes[t].admin.is_none()
                        && !self.groups_of[t].contains(&g)
                }) {
                    if out.len() >= MAX_EMPOWERED {
                        break;
                    }
                    if !out.iter().any(|e: &Empowerment| e.target == t) {
                        out.push(Empowerment {
                            target: t,
                            actions: vec!["iam:AddUserToGroup".into()],
                            grants: gr.clone(),
                        });
                    }
                }
            }
        }
        out
    }

    /// The potential paths of `s`: permissions that open a path as soon as a resource exists.
    fn potentials(&self, s: usize, dist: &[Option<u32>]) -> Vec<Potential> {
        let sub = &self.subjects[s];
        let a = &self.actions;
        let mut out: Vec<Potential> = Vec::new();
        let push = |out: &mut Vec<Potential>, p: Potential| {
            if let Some(e) = out
                .iter_mut()
                .find(|e| e.waits_for == p.waits_for && e.actions == p.actions)
            {
                e.paths.extend(p.paths);
            } else {
                out.push(p);
            }
        };
        for tpl in &self.templates {
            match tpl {
                Template::PassRole {
                    id,
                    services,
                    actions,
                    ..
                } => {
                    if !sub.may_match(a, "iam:PassRole")
                        || !actions.iter().all(|x| sub.may_match(a, x))
                    {
                        continue;
                    }
                    let service = services.first().copied().unwrap_or_default();
                    let Some(mut grants) =
                        sub.ask_any(a, "iam:PassRole", &[("iam:PassedToService", service)])
                    else {
                        continue;
                    };
                    let Some(rest) = sub.ask_all_any(a, actions) else {
                        continue;
                    };
                    grants.extend(rest);
                    let pattern = grants
                        .first()
                        .map(|g| g.resource.clone())
                        .unwrap_or_default();
                    // Passable roles named one by one that exist are judged as they are: the
                    // path waits only when the pattern can name a role that does not exist yet.
                    if !pattern.contains(['*', '?']) && self.by_arn.contains_key(pattern.as_str()) {
                        continue;
                    }
                    let mut acts = vec!["iam:PassRole".to_string()];
                    acts.extend(actions.iter().cloned());
                    push(
                        &mut out,
                        Potential {
                            actions: acts,
                            paths: vec![id.clone()],
                            waits_for: text!(
                                "an admin-equivalent role that trusts `{service}` (passable: `{pattern}`)",
                                "`{service}` を信頼する管理者相当のロール (渡せる範囲: `{pattern}`)"
                            ),
                            grants,
                        },
                    );
                }
                Template::Instance { id, actions } | Template::Existing { id, actions, .. } => {
                    let instance = matches!(tpl, Template::Instance { .. });
                    // Instance paths are real edges when instances were collected; they stay
                    // potential for the instances that may come.
                    let Some(grants) = sub.ask_all_any(a, actions) else {
                        continue;
                    };
                    let (en, ja) = match tpl {
                        Template::Existing { kind, .. } => *kind,
                        _ => ("an EC2 instance", "EC2 インスタンス"),
                    };
                    let (seen, seen_ja) = if instance && self.extra.instances.is_some() {
                        (
                            " (none of the collected instances runs with one)",
                            " (収集したインスタンスには該当するものがありません)",
                        )
                    } else {
                        ("", "")
                    };
                    let _ = dist;
                    push(
                        &mut out,
                        Potential {
                            actions: actions.clone(),
                            paths: vec![id.clone()],
                            waits_for: text!(
                                "{en} whose role can reach admin{seen}",
                                "管理者に到達できるロールを持つ {ja}{seen_ja}"
                            ),
                            grants,
                        },
                    );
                }
            }
        }
        if let Some(g) = sub.ask_any(a, "iam:SetDefaultPolicyVersion", &[]) {
            push(
                &mut out,
                Potential {
                    actions: vec!["iam:SetDefaultPolicyVersion".into()],
                    paths: Vec::new(),
                    waits_for: Text::new(
                        "a non-default version of a policy attached to it that grants more",
                        "自身にアタッチされたポリシーの、より多くを許可する既定以外のバージョン",
                    ),
                    grants: g,
                },
            );
        }
        out
    }
}

/// Whether a policy on its own may allow `*` on `*` (the probes of [`FULL_PROBES`]).
fn grants_everything(p: &Policy) -> bool {
    FULL_PROBES.iter().all(|a| {
        let req = Request {
            action: (*a).to_string(),
            resource: "*".to_string(),
            ..Request::default()
        };
        let m = crate::eval::policy_match(&req, p, false, Known::Only(&[]));
        m.allows && !m.denies
    })
}

/// Every documented path is read as an edge kind: the ids that are not (empty when the data and
/// the code agree).
pub fn unclassified_paths() -> Result<Vec<String>, Error> {
    let paths = escalation_paths()?;
    let (_, _, unclassified) = templates(&paths);
    Ok(unclassified)
}

/// The pathfinding ids each kind of edge covers, for the documentation and the tests.
pub fn covered_paths() -> Result<BTreeMap<String, &'static str>, Error> {
    let paths = escalation_paths()?;
    let (tpls, iam, _) = templates(&paths);
    let mut out = BTreeMap::new();
    for t in tpls {
        match t {
            Template::PassRole { id, .. } => out.insert(id, "pass-role"),
            Template::Instance { id, .. } => out.insert(id, "instance"),
            Template::Existing { id, .. } => out.insert(id, "potential"),
        };
    }
    for id in iam.into_values() {
        out.insert(id, "iam");
    }
    Ok(out)
}
