//! The evaluator (IAM-02): AWS's policy evaluation logic over identity policies, a resource
//! policy, SCP and RCP levels, a permissions boundary and a session policy. Shaped like cedar's
//! authorizer: [`authorize`] returns the decision and the statements that decided it.

use crate::condition::{self, Context};
use crate::pattern;
use crate::policy::{Effect, Matcher, Policy, Principal, Statement};
use serde::Serialize;
use std::collections::BTreeMap;

/// One authorization request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Request {
    /// The principal's ARN (`arn:aws:iam::111122223333:user/alice`,
    /// `arn:aws:sts::111122223333:assumed-role/R/s`), a service principal or an account id.
    pub principal: String,
    pub action: String,
    pub resource: String,
    /// The account that owns the resource; when absent, the account in the resource ARN, else
    /// the principal's account.
    pub resource_account: Option<String>,
    /// Context keys (any case) → values.
    pub context: BTreeMap<String, Vec<String>>,
}

/// Every policy that applies to a request.
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    pub identity_policies: Vec<Policy>,
    pub resource_policy: Option<Policy>,
    /// SCPs per organization level, root first; each level must allow. They apply to the
    /// principal's account: not to the management account's principals (see
    /// `management_account`) nor to service-linked roles.
    pub scps: Vec<Vec<Policy>>,
    /// Resource control policies per organization level of the resource's account, root first;
    /// each level must allow (RCPFullAWSAccess is attached at every level). They apply only to
    /// actions of the services that support RCPs ([`RCP_SERVICES`]), not to resources of the
    /// management account, not to calls by service-linked roles, and not to `kms:RetireGrant`.
    pub rcps: Vec<Vec<Policy>>,
    /// The Organization's management account, when known: SCPs do not restrict its principals
    /// and RCPs do not restrict its resources.
    pub management_account: Option<String>,
    pub permission_boundary: Option<Policy>,
    pub session_policy: Option<Policy>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Decision {
    Allow,
    ImplicitDeny,
    ExplicitDeny,
}

/// A statement that took part in the decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Matched {
    /// Which policy: `identity_policies[0]`, `resource_policy`, `scps[0][1]`,
    /// `permission_boundary`, `session_policy`.
    pub policy: String,
    /// The statement's index in its policy.
    pub statement: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    pub effect: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Response {
    pub decision: Decision,
    pub matched: Vec<Matched>,
}

/// How a resource-policy statement named the requesting principal; this decides which implicit
/// denies still apply in the same account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Grant {
    /// The account (or its root): identity policies must allow too.
    Account,
    /// The role of a role session, or the IAM user behind a federated session: limited by the
    /// boundary and the session policy.
    Parent,
    /// The user, the session itself, a service, or `*`: not limited by implicit denies.
    Direct,
}

/// The prepared request: lowercased action and context keys, derived principal facts.
struct Prepared<'a> {
    req: &'a Request,
    action: String,
    ctx: Vec<(String, &'a [String])>,
    /// Keys derived from the principal (`aws:PrincipalArn`, `aws:PrincipalAccount`,
    /// `aws:username`), computed on first use.
    derived: std::cell::OnceCell<Vec<(&'static str, Vec<String>)>>,
    principal_account: Option<&'a str>,
}

impl Context for Prepared<'_> {
    fn get(&self, key_lower: &str) -> Option<&[String]> {
        if let Some((_, v)) = self.ctx.iter().find(|(k, _)| k == key_lower) {
            return Some(v);
        }
        self.derived
            .get_or_init(|| self.derive())
            .iter()
            .find(|(k, _)| *k == key_lower)
            .map(|(_, v)| v.as_slice())
    }
}

fn arn_field(arn: &str, i: usize) -> Option<&str> {
    if !arn.starts_with("arn:") {
        return None;
    }
    arn.splitn(6, ':').nth(i)
}

fn account_of(principal: &str) -> Option<&str> {
    if principal.len() == 12 && principal.bytes().all(|b| b.is_ascii_digit()) {
        return Some(principal);
    }
    arn_field(principal, 4).filter(|a| !a.is_empty())
}

impl<'a> Prepared<'a> {
    fn new(req: &'a Request) -> Prepared<'a> {
        let ctx = req
            .context
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.as_slice()))
            .collect();
        Prepared {
            req,
            action: req.action.to_ascii_lowercase(),
            ctx,
            derived: std::cell::OnceCell::new(),
            principal_account: account_of(&req.principal),
        }
    }

    fn derive(&self) -> Vec<(&'static str, Vec<String>)> {
        let req = self.req;
        let mut out = Vec::new();
        if req.principal.starts_with("arn:") {
            // For a role session the key holds the role's ARN, not the session's
            // (reference_policies_condition-keys.md, aws:PrincipalArn); the role's path is
            // not in the session ARN, so a role with a path needs the key in the context.
            let session_role = arn_field(&req.principal, 5)
                .and_then(|r| r.strip_prefix("assumed-role/"))
                .and_then(|r| r.split('/').next())
                .filter(|_| arn_field(&req.principal, 2) == Some("sts"));
            let arn = match (session_role, self.principal_account) {
                (Some(role), Some(acct)) => {
                    let partition = arn_field(&req.principal, 1).unwrap_or("aws");
                    format!("arn:{partition}:iam::{acct}:role/{role}")
                }
                _ => req.principal.clone(),
            };
            out.push(("aws:principalarn", vec![arn]));
        }
        if let Some(a) = self.principal_account {
            out.push(("aws:principalaccount", vec![a.to_string()]));
        }
        if arn_field(&req.principal, 2) == Some("iam") {
            if let Some(name) = arn_field(&req.principal, 5).and_then(|r| r.strip_prefix("user/")) {
                if let Some(n) = name.rsplit('/').next() {
                    out.push(("aws:username", vec![n.to_string()]));
                }
            }
        }
        out
    }

    fn lookup(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(|v| v.first()).map(String::as_str)
    }

    fn action_matches(&self, m: &Option<Matcher>) -> bool {
        let Some(m) = m else {
            return false;
        };
        let any = m
            .patterns
            .iter()
            .any(|p| p.matches_action_lower(&self.action));
        any != m.not
    }

    fn resource_matches(&self, m: &Option<Matcher>) -> bool {
        let Some(m) = m else {
            return true;
        };
        let any = m
            .patterns
            .iter()
            .any(|p| match p.render(|k| self.lookup(k)) {
                Some(toks) => pattern::match_resource(&toks, &self.req.resource),
                None => false,
            });
        any != m.not
    }

    /// How `principal` names the request's principal, if it does.
    fn principal_grant(&self, principal: &Principal) -> Option<Grant> {
        let entries = match principal {
            Principal::Any => return Some(Grant::Direct),
            Principal::Map(e) => e,
        };
        let p = self.req.principal.as_str();
        let mut best: Option<Grant> = None;
        for (kind, values, _) in entries {
            for v in values {
                let g = match kind.as_str() {
                    "AWS" => self.aws_principal_grant(v),
                    _ => (v == p || v == "*").then_some(Grant::Direct),
                };
                best = best.max(g);
            }
        }
        best
    }

    fn principal_named_exactly(&self, principal: &Principal) -> bool {
        match principal {
            Principal::Any => true,
            Principal::Map(entries) => entries
                .iter()
                .flat_map(|(_, vals, _)| vals.iter())
                .any(|v| v == "*" || *v == self.req.principal),
        }
    }

    fn aws_principal_grant(&self, v: &str) -> Option<Grant> {
        let p = self.req.principal.as_str();
        if v == "*" || v == p {
            return Some(Grant::Direct);
        }
        let acct = self.principal_account?;
        if v == acct || v == format!("arn:aws:iam::{acct}:root") {
            return Some(Grant::Account);
        }
        let service = arn_field(p, 2)?;
        let res = arn_field(p, 5)?;
        if service == "sts" {
            if let Some(rest) = res.strip_prefix("assumed-role/") {
                let role = rest.split('/').next()?;
                if arn_field(v, 2) == Some("iam")
                    && arn_field(v, 4) == Some(acct)
                    && arn_field(v, 5)
                        .and_then(|r| r.strip_prefix("role/"))
                        .and_then(|r| r.rsplit('/').next())
                        == Some(role)
                {
                    return Some(Grant::Parent);
                }
            }
            if let Some(user) = res.strip_prefix("federated-user/") {
                if arn_field(v, 2) == Some("iam")
                    && arn_field(v, 4) == Some(acct)
                    && arn_field(v, 5)
                        .and_then(|r| r.strip_prefix("user/"))
                        .and_then(|r| r.rsplit('/').next())
                        == Some(user)
                {
                    return Some(Grant::Parent);
                }
            }
        }
        None
    }

    fn statement_applies_with(
        &self,
        s: &Statement,
        resource_policy: bool,
        known: Known<'_>,
    ) -> Option<Grant> {
        if !self.action_matches(&s.action) || !self.resource_matches(&s.resource) {
            return None;
        }
        let grant = if resource_policy {
            let pe = s.principal.as_ref()?;
            if pe.not {
                // NotPrincipal excludes only the principals it names exactly: a session is not
                // excluded by its role's or its account's ARN (the doc's examples list all three).
                if self.principal_named_exactly(&pe.principal) {
                    return None;
                }
                Grant::Direct
            } else {
                self.principal_grant(&pe.principal)?
            }
        } else {
            Grant::Direct
        };
        let holds = |c: &crate::policy::Condition| match known {
            Known::All => condition::eval(c, self),
            Known::Only(keys) => {
                let key = c.key.as_str();
                let in_context = self.ctx.iter().any(|(k, _)| k.eq_ignore_ascii_case(key));
                if in_context || keys.iter().any(|k| known_key(k, key)) {
                    condition::eval(c, self)
                } else {
                    // A key the request does not know may hold any value: an Allow is assumed
                    // to apply and a Deny not to, so the answer is what may be allowed.
                    s.effect == Effect::Allow
                }
            }
        };
        if !s.conditions.iter().all(holds) {
            return None;
        }
        Some(grant)
    }
}

/// Whether `key` is the known key `k`, or starts with `k` when `k` ends with `/` (a prefix such
/// as `aws:ResourceTag/`: every tag key is known, and absent unless in the context).
fn known_key(k: &str, key: &str) -> bool {
    if k.ends_with('/') {
        key.len() > k.len()
            && key
                .get(..k.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(k))
    } else {
        k.eq_ignore_ascii_case(key)
    }
}

/// Which condition keys a request knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known<'a> {
    /// Every key outside the request context is absent: AWS's evaluation.
    All,
    /// Only the keys in the request context and these (any case; absent when not in the
    /// context; an entry ending with `/` names every key it starts, as `aws:ResourceTag/`) are
    /// known. A condition on any other key may hold or not: an `Allow` statement
    /// is assumed to apply and a `Deny` statement not to, so the answer is an upper bound of
    /// what some request of that shape may be allowed (used by the analyses: "may this policy
    /// grant admin", "may a caller without MFA assume this role").
    Only(&'a [&'a str]),
}

/// How one policy answers one request on its own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PolicyMatch {
    /// An `Allow` statement applies.
    pub allows: bool,
    /// A `Deny` statement applies.
    pub denies: bool,
}

/// Evaluates one policy against a request: whether any of its `Allow` and any of its `Deny`
/// statements apply. `resource_policy` says whether the `Principal` element must name the
/// request's principal (resource and trust policies) or the policy is attached to it
/// (identity, boundary, session, SCP and RCP). Cheaper than [`authorize`] when the caller
/// combines policies itself.
pub fn policy_match(
    req: &Request,
    policy: &Policy,
    resource_policy: bool,
    known: Known<'_>,
) -> PolicyMatch {
    let p = Prepared::new(req);
    let mut out = PolicyMatch::default();
    for s in &policy.statements {
        let already = match s.effect {
            Effect::Allow => out.allows,
            Effect::Deny => out.denies,
        };
        if already {
            continue;
        }
        if p.statement_applies_with(s, resource_policy, known)
            .is_some()
        {
            match s.effect {
                Effect::Allow => out.allows = true,
                Effect::Deny => out.denies = true,
            }
        }
    }
    out
}

/// Which policy of the set a statement belongs to; turned into a label only for the statements
/// that end up in the response.
#[derive(Debug, Clone, Copy)]
enum Which {
    Identity(usize),
    Resource,
    Scp(usize, usize),
    Rcp(usize, usize),
    Boundary,
    Session,
}

impl Which {
    fn label(self) -> String {
        match self {
            Which::Identity(i) => format!("identity_policies[{i}]"),
            Which::Resource => "resource_policy".to_string(),
            Which::Scp(l, i) => format!("scps[{l}][{i}]"),
            Which::Rcp(l, i) => format!("rcps[{l}][{i}]"),
            Which::Boundary => "permission_boundary".to_string(),
            Which::Session => "session_policy".to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Hit<'p> {
    which: Which,
    index: usize,
    statement: &'p Statement,
}

impl Hit<'_> {
    fn matched(&self) -> Matched {
        Matched {
            policy: self.which.label(),
            statement: self.index,
            sid: self.statement.sid.clone(),
            effect: self.statement.effect.as_str(),
        }
    }
}

#[derive(Default)]
struct PolicyResult<'p> {
    denies: Vec<Hit<'p>>,
    allows: Vec<(Hit<'p>, Grant)>,
}

/// Each level of an organization policy type (SCPs, RCPs), each policy of a level, labelled by
/// `which(level, index)`.
fn by_level<'p>(
    p: &Prepared,
    levels: &'p [Vec<Policy>],
    which: fn(usize, usize) -> Which,
    known: Known<'_>,
) -> Vec<Vec<PolicyResult<'p>>> {
    levels
        .iter()
        .enumerate()
        .map(|(l, level)| {
            level
                .iter()
                .enumerate()
                .map(|(i, pol)| evaluate_policy(p, pol, which(l, i), false, known))
                .collect()
        })
        .collect()
}

fn evaluate_policy<'p>(
    p: &Prepared,
    policy: &'p Policy,
    which: Which,
    resource: bool,
    known: Known<'_>,
) -> PolicyResult<'p> {
    let mut out = PolicyResult::default();
    for (i, s) in policy.statements.iter().enumerate() {
        if let Some(g) = p.statement_applies_with(s, resource, known) {
            let h = Hit {
                which,
                index: i,
                statement: s,
            };
            match s.effect {
                Effect::Deny => out.denies.push(h),
                Effect::Allow => out.allows.push((h, g)),
            }
        }
    }
    out
}

/// The service prefixes whose actions RCPs apply to (AWS Organizations User Guide, "List of AWS
/// services that support RCPs").
pub const RCP_SERVICES: &[&str] = &[
    "aoss",
    "appconfig",
    "appstream",
    "autoscaling",
    "autoscaling-plans",
    "budgets",
    "clouddirectory",
    "cloudfront",
    "cloudsearch",
    "cloudtrail-data",
    "codeartifact",
    "codebuild",
    "codecommit",
    "codepipeline",
    "cognito-identity",
    "cognito-idp",
    "comprehend",
    "comprehendmedical",
    "compute-optimizer",
    "cost-optimization-hub",
    "dax",
    "dsql",
    "dynamodb",
    "ecr",
    "ecr-public",
    "events",
    "firehose",
    "fis",
    "fms",
    "gamelift",
    "health",
    "inspector-scan",
    "kendra",
    "kinesisvideo",
    "kms",
    "logs",
    "memorydb",
    "networkmonitor",
    "notifications",
    "opensearch",
    "pca-connector-ad",
    "personalize",
    "polly",
    "pricing",
    "resource-groups",
    "rolesanywhere",
    "s3",
    "secretsmanager",
    "servicediscovery",
    "signin",
    "sqs",
    "sts",
    "support",
    "swf",
    "textract",
    "timestream-influxdb",
    "transcribe",
    "transfer",
    "translate",
    "wafv2",
    "workspaces",
    "xray",
];

/// Whether RCPs apply to an action (lowercase `service:name`).
fn rcp_applies_to(action_lower: &str) -> bool {
    let service = action_lower.split(':').next().unwrap_or("");
    action_lower != "kms:retiregrant" && RCP_SERVICES.contains(&service)
}

/// Whether the principal is a service-linked role (or a session of one, when the context
/// carries `aws:PrincipalArn`): its path is `/aws-service-role/`.
fn service_linked(p: &Prepared) -> bool {
    let slr = |arn: &str| arn.contains(":role/aws-service-role/");
    slr(&p.req.principal)
        || p.get("aws:principalarn")
            .is_some_and(|v| v.iter().any(|a| slr(a)))
}

/// Every policy that applies to a request, borrowed: what [`authorize_with`] decides over. The
/// analyses keep a principal's policies once and ask many requests of them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Policies<'a> {
    pub identity: &'a [&'a Policy],
    pub resource: Option<&'a Policy>,
    pub scps: &'a [Vec<Policy>],
    pub rcps: &'a [Vec<Policy>],
    pub management_account: Option<&'a str>,
    pub boundary: Option<&'a Policy>,
    pub session: Option<&'a Policy>,
}

/// Decides a request against a set of policies.
pub fn authorize(req: &Request, set: &PolicySet) -> Response {
    let identity: Vec<&Policy> = set.identity_policies.iter().collect();
    authorize_with(
        req,
        &Policies {
            identity: &identity,
            resource: set.resource_policy.as_ref(),
            scps: &set.scps,
            rcps: &set.rcps,
            management_account: set.management_account.as_deref(),
            boundary: set.permission_boundary.as_ref(),
            session: set.session_policy.as_ref(),
        },
        Known::All,
    )
}

/// Decides a request against borrowed policies. With [`Known::Only`], conditions on keys the
/// request does not know are assumed to hold in `Allow` statements and not in `Deny`
/// statements: `Allow` then means "some request of this shape may be allowed".
pub fn authorize_with(req: &Request, set: &Policies<'_>, known: Known<'_>) -> Response {
    let p = Prepared::new(req);
    let resource_account = req
        .resource_account
        .as_deref()
        .filter(|a| !a.is_empty())
        .or_else(|| account_of(&req.resource));
    let management = set.management_account.filter(|a| !a.is_empty());
    let slr = (!set.scps.is_empty() || !set.rcps.is_empty()) && service_linked(&p);
    // SCPs restrict the principal's account, RCPs the resource's: neither the management
    // account nor service-linked roles (AWS Organizations User Guide, "SCP effects on
    // permissions" and "Resources and entities not restricted by RCPs").
    let scps_apply = !slr && (management.is_none() || p.principal_account != management);
    let rcps_apply = !slr
        && rcp_applies_to(&p.action)
        && (management.is_none() || resource_account != management);
    let no_levels: &[Vec<Policy>] = &[];
    let scp_levels = if scps_apply { set.scps } else { no_levels };
    let rcp_levels = if rcps_apply { set.rcps } else { no_levels };
    let mut denies = Vec::new();
    let identity: Vec<PolicyResult> = set
        .identity
        .iter()
        .enumerate()
        .map(|(i, pol)| evaluate_policy(&p, pol, Which::Identity(i), false, known))
        .collect();
    let resource = set
        .resource
        .map(|pol| evaluate_policy(&p, pol, Which::Resource, true, known));
    let scps = by_level(&p, scp_levels, Which::Scp, known);
    // An RCP's `Principal` is always `*`: its statements apply to every principal.
    let rcps = by_level(&p, rcp_levels, Which::Rcp, known);
    let boundary = set
        .boundary
        .map(|pol| evaluate_policy(&p, pol, Which::Boundary, false, known));
    let session = set
        .session
        .map(|pol| evaluate_policy(&p, pol, Which::Session, false, known));

    let all = identity
        .iter()
        .chain(resource.iter())
        .chain(rcps.iter().flatten())
        .chain(scps.iter().flatten())
        .chain(boundary.iter())
        .chain(session.iter());
    for r in all.clone() {
        denies.extend(r.denies.iter().map(Hit::matched));
    }
    if !denies.is_empty() {
        return Response {
            decision: Decision::ExplicitDeny,
            matched: denies,
        };
    }
    let implicit = Response {
        decision: Decision::ImplicitDeny,
        matched: Vec::new(),
    };
    // RCPs, then SCPs: every level, root first, must allow.
    if rcps
        .iter()
        .chain(scps.iter())
        .any(|level| level.iter().all(|r| r.allows.is_empty()))
    {
        return implicit;
    }
    let identity_allows = identity.iter().any(|r| !r.allows.is_empty());
    let best_grant = resource
        .as_ref()
        .and_then(|r| r.allows.iter().map(|(_, g)| *g).max());
    let boundary_ok = boundary.as_ref().is_none_or(|r| !r.allows.is_empty());
    let session_ok = session.as_ref().is_none_or(|r| !r.allows.is_empty());

    let same_account = match (p.principal_account, resource_account) {
        (Some(pa), Some(ra)) => pa == ra,
        _ => true,
    };
    // Role trust policies and KMS key policies must allow the principal themselves, even in
    // the same account (reference_policies_evaluation-logic.md, "Resource-based policies").
    let must_name_principal = set.resource.is_some()
        && (p.action.starts_with("sts:assumerole") || p.action.starts_with("kms:"));
    let allowed = if must_name_principal && best_grant.is_none() {
        false
    } else if same_account {
        match best_grant {
            Some(Grant::Direct) => true,
            Some(Grant::Parent) => boundary_ok && session_ok,
            _ => identity_allows && boundary_ok && session_ok,
        }
    } else {
        best_grant.is_some() && identity_allows && boundary_ok && session_ok
    };
    if !allowed {
        return implicit;
    }
    let mut matched = Vec::new();
    for r in all {
        matched.extend(r.allows.iter().map(|(h, _)| h.matched()));
    }
    Response {
        decision: Decision::Allow,
        matched,
    }
}
