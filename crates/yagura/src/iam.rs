//! `yagura iam`: simulate requests against policies, analyse an account's authorization
//! details, validate policy documents, and plan the bastion (MFA) pattern (IAM-01…IAM-04).

use crate::cli::{Global, JsonOrText, OutputArgs, TextOrJson};
use crate::common::{emit, now_rfc3339, sanitize};
use anyhow::{Context, Result};
use clap::ValueEnum;
use clap::{Args, Subcommand};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use yagura_iam::analyze::AccountAuthorization;
use yagura_iam::bastion::BastionPlan;
use yagura_iam::graph::{Extra, Graph};
use yagura_iam::validate::{Level, PolicyKind};
use yagura_report::Format;

/// `iam bastion plan --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    Json,
    Cloudformation,
    Terraform,
}

#[derive(Debug, Args)]
pub struct IamArgs {
    #[command(subcommand)]
    pub command: IamCommand,
}

#[derive(Debug, Subcommand)]
pub enum IamCommand {
    /// Decide requests against their policies the way AWS does (one case or an array of cases:
    /// `{"request": {"principal", "action", "resource", "context"}, "identity_policies": [...],
    /// "resource_policy", "scps": [[...]], "rcps": [[...]], "management_account",
    /// "permission_boundary", "session_policy"}`; SCP and RCP levels root first)
    Simulate {
        /// The case file (JSON); `-` reads stdin
        file: PathBuf,
        /// Output format
        #[arg(long, short, value_enum, default_value_t = JsonOrText::Json)]
        format: JsonOrText,
    },
    /// Find over-broad and escalating permissions, and every principal's shortest paths to an
    /// admin-equivalent principal: in GetAccountAuthorizationDetails documents (`aws iam
    /// get-account-authorization-details > auth.json`; several files are several accounts of
    /// one graph), in a saved inventory, or in the account of the current credentials (read
    /// live, like `yagura audit`)
    Analyze {
        /// GetAccountAuthorizationDetails documents (JSON; `-` reads stdin). Without one and
        /// without --from-inventory, the account is read live
        files: Vec<PathBuf>,
        /// Analyse an inventory snapshot saved by `yagura audit --save-inventory` (every account
        /// in it)
        #[arg(long, conflicts_with_all = ["files", "region"])]
        from_inventory: Option<PathBuf>,
        /// Show every edge out of one principal (ARN or `user/NAME`, `role/NAME`,
        /// `group/NAME`) instead of the report
        #[arg(long)]
        explain: Option<String>,
        /// Also judge internet-reachable resources (public instances with a world-open
        /// security group, instances behind internet-facing load balancers) whose role can reach
        /// admin. Needs an inventory or a live read (which then also reads EC2 and ELB in
        /// --region)
        #[arg(long, conflicts_with = "files")]
        exposure: bool,
        /// Live: AWS profile from ~/.aws/config (default: the standard credential chain)
        #[arg(long, env = "AWS_PROFILE")]
        profile: Option<String>,
        /// Live: the region to call from (default: the profile's, else us-east-1)
        #[arg(long, conflicts_with = "files")]
        region: Option<String>,
        /// Live: attempts per AWS call (standard retry mode with backoff; raise it for
        /// large Organizations that meet throttling)
        #[arg(long, default_value_t = yagura_collect::DEFAULT_MAX_ATTEMPTS)]
        max_attempts: u32,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Check policy documents like Access Analyzer's ValidatePolicy (exit 1 on an error or a
    /// security warning in any of them)
    Validate {
        /// The policy files (or `-` for stdin)
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The kind of policy
        #[arg(long, value_enum, default_value_t = Kind::Identity)]
        kind: Kind,
        /// Output format
        #[arg(long, short, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
    },
    /// The bastion pattern: users in one identity account assume roles in the others with MFA
    Bastion {
        #[command(subcommand)]
        command: BastionCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum BastionCommand {
    /// Print the policies to create: the users' group policy, each role's trust policy and
    /// permissions (JSON)
    Plan {
        /// The account that holds the IAM users
        #[arg(long)]
        identity_account: String,
        /// Accounts whose role the users assume (repeat or separate with commas)
        #[arg(long, required = true, value_delimiter = ',')]
        resource_account: Vec<String>,
        /// Name of the role created in every resource account
        #[arg(long, default_value = "PowerUser")]
        role_name: String,
        /// Require MFA younger than this (`1h`; a bare number is seconds)
        #[arg(long, value_name = "DURATION", value_parser = crate::cli::parse_duration_secs)]
        max_mfa_age: Option<u32>,
        /// Output: json (the policies), cloudformation (a template per account) or terraform
        #[arg(long, short, value_enum, default_value_t = PlanFormat::Json)]
        format: PlanFormat,
        /// Terraform: the role each account's provider assumes
        #[arg(long, default_value = "OrganizationAccountAccessRole")]
        provider_role: String,
    },
    /// List each deviation from the bastion pattern: users of the identity account that may act
    /// without MFA or assume roles without it, roles trusted from it that do not require MFA or
    /// grant more than PowerUserAccess. Reads GetAccountAuthorizationDetails files (one per
    /// account), a saved inventory, or the account of the current credentials live
    Verify {
        /// The account that holds the IAM users
        #[arg(long)]
        identity_account: String,
        /// GetAccountAuthorizationDetails documents, one per account
        files: Vec<PathBuf>,
        /// An inventory saved by `yagura audit --save-inventory` (e.g. with --org)
        #[arg(long, conflicts_with = "files")]
        from_inventory: Option<PathBuf>,
        /// Live: AWS profile from ~/.aws/config
        #[arg(long, env = "AWS_PROFILE")]
        profile: Option<String>,
        /// Live: the region to call from
        #[arg(long)]
        region: Option<String>,
        #[command(flatten)]
        out: OutputArgs,
    },
}

fn read_input(p: &Path) -> Result<(String, String)> {
    if p == Path::new("-") {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .context("cannot read stdin")?;
        return Ok(("stdin".to_string(), s));
    }
    let name = p.display().to_string();
    let text = std::fs::read_to_string(p).with_context(|| format!("cannot read `{name}`"))?;
    Ok((name, text))
}

/// What `iam analyze` analyses: the accounts' IAM, what the graph needs beyond it, and the
/// inventory when there is one (for the exposure).
struct Input {
    accounts: Vec<AccountAuthorization<'static>>,
    extra: Extra,
    inventory: Option<yagura_inventory::Inventory>,
}

/// The analysis input of an inventory. The instances it holds become edges (SSM, EC2 Instance
/// Connect…) only with `--exposure`, so that without it a saved inventory, a live read and the
/// GetAccountAuthorizationDetails file of the same account give the same result.
fn from_inventory(inv: yagura_inventory::Inventory, exposure: bool) -> Input {
    Input {
        accounts: yagura_iam::inventory::authorizations(&inv)
            .into_iter()
            .map(|(_, a)| a.into_owned())
            .collect(),
        extra: if exposure {
            yagura_iam::exposure::extra(&inv)
        } else {
            Extra::default()
        },
        inventory: Some(inv),
    }
}

/// The escalation graph as report data: every node with its distance to admin, the edges of the
/// shortest paths, each principal's paths; and the drawing of the paths for HTML.
fn graph_json(g: &Graph, exposures: &[yagura_iam::exposure::Exposed]) -> (Value, Value) {
    let nodes: Vec<Value> = g
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            json!({
                "id": i, "arn": n.arn, "kind": n.kind.as_str(), "name": n.name, "account": n.account,
                "admin": n.admin.as_ref().map(|a| json!({"kind": a.kind, "reason": a.reason.en, "grants": a.grants})),
                "hops_to_admin": g.dist.get(i).copied().flatten(),
            })
        })
        .collect();
    let mut paths = Vec::new();
    for i in 0..g.nodes.len() {
        if g.nodes[i].admin.is_some() {
            continue;
        }
        for p in g.paths(i) {
            paths.push(json!({
                "principal": g.nodes[i].arn,
                "hops": p.len(),
                "path": g.describe(&p),
                "edges": p,
                "target": p.last().and_then(|e| g.edges.get(*e)).and_then(|e| g.nodes.get(e.to)).map(|n| n.arn.clone()),
            }));
        }
    }
    let weaker: Vec<Value> = (0..g.nodes.len())
        .filter(|i| !g.empowers[*i].is_empty() || !g.potential[*i].is_empty())
        .map(|i| {
            json!({
                "principal": g.nodes[i].arn,
                "makes_admin": g.empowers[i].iter().map(|e| json!({
                    "target": g.nodes.get(e.target).map(|n| n.arn.clone()), "actions": e.actions, "grants": e.grants})).collect::<Vec<_>>(),
                "potential": g.potential[i],
            })
        })
        .collect();
    let escalation = json!({
        "nodes": nodes, "edges": g.edges, "paths": paths, "weaker": weaker, "exposures": exposures,
    });
    // The drawing: nodes on a path (principal, intermediates, admins), at most MAX.
    let mut on_path: Vec<usize> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut order: Vec<usize> = (0..g.nodes.len())
        .filter(|i| g.dist[*i].is_some_and(|d| d > 0))
        .collect();
    order.sort_by_key(|i| g.dist[*i]);
    for i in order {
        for p in g.paths(i) {
            for e in &p {
                if let Some(edge) = g.edges.get(*e) {
                    for n in [edge.from, edge.to] {
                        if seen.insert(n) {
                            on_path.push(n);
                        }
                    }
                }
            }
        }
    }
    let exposed: std::collections::BTreeSet<&str> = exposures
        .iter()
        .filter(|x| x.path.is_some())
        .map(|x| x.role.as_str())
        .collect();
    let drawn: Vec<Value> = on_path
        .iter()
        .map(|&i| {
            let n = &g.nodes[i];
            let made_admin = g.edges.iter().any(|e| e.to == i && e.how == yagura_iam::graph::How::MakeAdmin);
            json!({
                "id": n.arn, "label": g.label(i),
                "layer": if n.admin.is_some() || made_admin { 0 } else { g.dist[i].unwrap_or(0) },
                "class": if n.admin.is_some() { "admin" } else if exposed.contains(n.arn.as_str()) { "exposed" } else { "" },
            })
        })
        .collect();
    let drawn_edges: Vec<Value> = g
        .edges
        .iter()
        .filter(|e| seen.contains(&e.from) && seen.contains(&e.to))
        .map(|e| json!({"from": g.nodes[e.from].arn, "to": g.nodes[e.to].arn, "label": e.label()}))
        .collect();
    let drawing = json!({
        "title": "Privilege-escalation paths (red: admin-equivalent; amber: role of an internet-reachable instance)",
        "nodes": drawn, "edges": drawn_edges,
    });
    (escalation, drawing)
}

/// `iam analyze --explain`: every edge out of one principal.
fn explain(g_args: &Global, input: &Input, who: &str, format: Format) -> Result<u8> {
    let _ = g_args;
    let Some((g, i, edges)) = Graph::explain(&input.accounts, &input.extra, who)? else {
        let who = sanitize(who);
        anyhow::bail!(crate::tr!(
            "no principal `{who}` in the input (give its ARN, or user/NAME, role/NAME, group/NAME)",
            "入力にプリンシパル `{who}` はありません(ARN か、`user/NAME`、`role/NAME`、`group/NAME` の形で指定してください)"
        ));
    };
    let node = &g.nodes[i];
    if format == Format::Json {
        let v = json!({
            "principal": node.arn,
            "admin": node.admin.as_ref().map(|a| json!({"kind": a.kind, "reason": a.reason.en, "grants": a.grants})),
            "hops_to_admin": g.dist[i],
            "paths": g.paths(i).iter().map(|p| g.describe(p)).collect::<Vec<_>>(),
            "edges": edges.iter().map(|e| json!({
                "to": g.nodes.get(e.to).map(|n| n.arn.clone()), "to_is_admin": g.nodes.get(e.to).is_some_and(|n| n.admin.is_some()),
                "to_hops_to_admin": g.dist.get(e.to).copied().flatten(),
                "how": e.how, "actions": e.actions, "pathfinding": e.paths, "via": e.via, "grants": e.grants,
            })).collect::<Vec<_>>(),
            "makes_admin": g.empowers[i].iter().map(|e| json!({"target": g.nodes.get(e.target).map(|n| n.arn.clone()), "actions": e.actions, "grants": e.grants})).collect::<Vec<_>>(),
            "potential": g.potential[i],
        });
        crate::outln!("{}", yagura_core::escape::json_string(&v)?);
        return Ok(0);
    }
    let mut lines = vec![format!("{} ({})", g.label(i), node.arn)];
    match (&node.admin, g.dist[i]) {
        (Some(a), _) => lines.push(crate::tr!(
            "  admin-equivalent: it {why}",
            "  管理者相当です: {why}",
            why = a.reason.get(crate::i18n::lang())
        )),
        (None, Some(d)) => {
            lines.push(crate::tr!(
                "  can become admin in {d} step(s):",
                "  {d} ステップで管理者になれます:"
            ));
            for p in g.paths(i) {
                let path = g.describe_text(&p);
                lines.push(format!("    {}", path.get(crate::i18n::lang())));
            }
        }
        (None, None) => lines.push(crate::tr!(
            "  no path to an admin-equivalent principal",
            "  管理者相当のプリンシパルへのパスはありません"
        )),
    }
    lines.push(crate::tr!(
        "  edges out ({n}):",
        "  出ていくエッジ ({n} 本):",
        n = edges.len()
    ));
    for e in &edges {
        let to_admin = match (
            g.nodes.get(e.to).and_then(|n| n.admin.as_ref()),
            g.dist.get(e.to).copied().flatten(),
        ) {
            (Some(_), _) => crate::tr!(" (admin)", "(管理者)"),
            (None, Some(d)) => crate::tr!(" ({d} step(s) from admin)", "(管理者まで {d} ステップ)"),
            _ => String::new(),
        };
        let ids = if e.paths.is_empty() {
            String::new()
        } else {
            format!(" [{}]", e.paths.join(", "))
        };
        let via = e
            .via
            .as_ref()
            .map(|v| crate::tr!(" via {v}", "({v} 経由)"))
            .unwrap_or_default();
        lines.push(format!(
            "    → {}{to_admin}: {}{via}{ids}",
            g.label(e.to),
            e.label()
        ));
        for gr in &e.grants {
            let grant = if crate::i18n::ja() {
                yagura_iam::analyze::grant_text_ja(gr)
            } else {
                yagura_iam::analyze::grant_text(gr)
            };
            lines.push(format!("        {grant}"));
        }
    }
    for m in &g.empowers[i] {
        let (target, actions) = (g.label(m.target), m.actions.join(" + "));
        lines.push(crate::tr!(
            "  makes admin (without becoming it): {target} by {actions}",
            "  (自身はならずに) {actions} で {target} を管理者にできます"
        ));
    }
    for p in &g.potential[i] {
        let actions = p.actions.join(" + ");
        let (waits, waits_ja) = (&p.waits_for.en, &p.waits_for.ja);
        lines.push(crate::tr!(
            "  potential: {actions} → waits for {waits}",
            "  潜在的なパス: {actions} → {waits_ja}を待っています"
        ));
    }
    for l in lines {
        crate::outln!("{}", sanitize(&l));
    }
    Ok(0)
}

/// `iam validate --kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    Identity,
    Resource,
    Trust,
    Scp,
    Rcp,
    Boundary,
    Session,
}

impl From<Kind> for PolicyKind {
    fn from(k: Kind) -> PolicyKind {
        match k {
            Kind::Identity => PolicyKind::Identity,
            Kind::Resource => PolicyKind::Resource,
            Kind::Trust => PolicyKind::Trust,
            Kind::Scp => PolicyKind::ServiceControl,
            Kind::Rcp => PolicyKind::ResourceControl,
            Kind::Boundary => PolicyKind::Boundary,
            Kind::Session => PolicyKind::Session,
        }
    }
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

pub fn run(g: &Global, a: IamArgs) -> Result<u8> {
    match a.command {
        IamCommand::Simulate { file, format } => {
            let (name, text) = read_input(&file)?;
            let (cases, array) = yagura_iam::simulate::parse_cases(&name, &text)?;
            let responses = yagura_iam::simulate::simulate(&cases);
            match format {
                JsonOrText::Json => {
                    let out = if array {
                        yagura_core::escape::json_string(&responses)?
                    } else {
                        match responses.first() {
                            Some(r) => yagura_core::escape::json_string(r)?,
                            None => "[]".to_string(),
                        }
                    };
                    crate::outln!("{out}");
                }
                JsonOrText::Text => {
                    for (c, r) in cases.iter().zip(&responses) {
                        let by: Vec<String> = r
                            .matched
                            .iter()
                            .map(|m| {
                                format!(
                                    "{} {}[{}]{}",
                                    m.effect,
                                    m.policy,
                                    m.statement,
                                    m.sid
                                        .as_ref()
                                        .map(|s| format!(" ({s})"))
                                        .unwrap_or_default()
                                )
                            })
                            .collect();
                        let (decision, principal, action, resource) = (
                            format!("{:?}", r.decision),
                            &c.request.principal,
                            &c.request.action,
                            &c.request.resource,
                        );
                        let by = by.join(", ");
                        let line = match (by.is_empty(), crate::i18n::ja()) {
                            (true, false) => {
                                format!("{decision}: {principal} {action} on {resource}")
                            }
                            (false, false) => {
                                format!("{decision}: {principal} {action} on {resource} by {by}")
                            }
                            (true, true) => {
                                format!("{decision}: `{principal}` による `{resource}` への `{action}`")
                            }
                            (false, true) => format!(
                                "{decision}: `{principal}` による `{resource}` への `{action}`(決め手: `{by}`)"
                            ),
                        };
                        crate::outln!("{}", sanitize(&line));
                    }
                }
            }
            Ok(0)
        }
        IamCommand::Analyze {
            files,
            from_inventory: inventory_path,
            explain: who,
            exposure,
            profile,
            region,
            max_attempts,
            out,
        } => {
            anyhow::ensure!(
                who.is_none() || matches!(out.first_format(), Format::Text | Format::Json),
                "--explain prints text or json, not {}",
                out.first_format().as_str()
            );
            let started = now_rfc3339();
            let input = match (files.is_empty(), inventory_path) {
                (false, _) => {
                    let mut accounts = Vec::new();
                    for file in &files {
                        let (name, text) = read_input(file)?;
                        accounts.push(AccountAuthorization::from_json(&name, &text)?);
                    }
                    Input {
                        accounts,
                        extra: Extra::default(),
                        inventory: None,
                    }
                }
                (true, Some(p)) => from_inventory(yagura_inventory::Inventory::load(&p)?, exposure),
                (true, None) => {
                    let inv = if exposure {
                        let args = crate::collecting::CollectArgs {
                            profile,
                            regions: region.into_iter().collect(),
                            org: false,
                            role_name: None,
                            identity_account: None,
                            external_id: None,
                            account_concurrency: 1,
                            api_concurrency: yagura_collect::DEFAULT_API_CONCURRENCY,
                            account_api_concurrency:
                                yagura_collect::DEFAULT_ACCOUNT_API_CONCURRENCY,
                            region_concurrency: 4,
                            max_attempts,
                        };
                        crate::collecting::collect(g, &args, None, &started)?
                    } else {
                        crate::collecting::collect_iam(g, profile, region, max_attempts, &started)?
                    };
                    from_inventory(inv, exposure)
                }
            };
            if let Some(who) = who {
                return explain(g, &input, &who, out.first_format());
            }
            let db = yagura_iam::actions::db()?;
            let analysis =
                yagura_iam::analyze::analyze_accounts(db, &input.accounts, &input.extra)?;
            let mut findings = analysis.findings;
            let mut errors: Vec<String> = input
                .accounts
                .iter()
                .flat_map(|a| a.errors.iter().cloned())
                .collect();
            let mut exposures = Vec::new();
            if exposure {
                match &input.inventory {
                    Some(inv) => {
                        exposures = yagura_iam::exposure::exposures(inv, &input.accounts, &analysis.graph);
                        findings.extend(yagura_iam::exposure::findings(&exposures, &analysis.graph));
                        if inv.accounts.iter().all(|a| a.regions.is_empty()) {
                            errors.push("--exposure: the inventory holds no region, so no instance could be judged".to_string());
                        }
                    }
                    None => errors.push("--exposure needs an inventory or a live read; GetAccountAuthorizationDetails holds no instance".to_string()),
                }
            }
            for e in &errors {
                eprintln!("warning: {}", sanitize(e));
            }
            let (escalation, drawing) = graph_json(&analysis.graph, &exposures);
            let extra = if out.formats().contains(&Format::Html) {
                json!({"escalation": escalation, "graph": drawing})
            } else {
                json!({"escalation": escalation})
            };
            emit(g, &out, "iam", &findings, &errors, Some(&extra), &started)
        }
        IamCommand::Validate {
            files,
            kind,
            format,
        } => {
            let kind = PolicyKind::from(kind);
            let db = yagura_iam::actions::db()?;
            let mut blocking = false;
            let mut all = Vec::new();
            for file in &files {
                let (name, text) = read_input(file)?;
                let diags = yagura_iam::validate::validate_text(db, &name, &text, kind)?;
                blocking |= diags
                    .iter()
                    .any(|d| matches!(d.level, Level::Error | Level::SecurityWarning));
                if format == TextOrJson::Text {
                    print_diagnostics(g, &name, &diags)?;
                }
                all.push(serde_json::json!({ "file": name, "diagnostics": diags }));
            }
            if format == TextOrJson::Json {
                // one file: its diagnostics, as before; several: `[{"file", "diagnostics"}]`
                let doc = match all.as_slice() {
                    [one] => one["diagnostics"].clone(),
                    _ => serde_json::Value::Array(all),
                };
                crate::outln!("{}", yagura_core::escape::json_string(&doc)?);
            }
            Ok(u8::from(blocking))
        }
        IamCommand::Bastion {
            command:
                BastionCommand::Plan {
                    identity_account,
                    resource_account,
                    role_name,
                    max_mfa_age,
                    format,
                    provider_role,
                },
        } => {
            for acc in std::iter::once(&identity_account).chain(&resource_account) {
                if !is_account_id(acc) {
                    anyhow::bail!("`{}` is not a 12-digit AWS account id", sanitize(acc));
                }
            }
            for (what, name) in [("role", &role_name), ("provider role", &provider_role)] {
                if name.is_empty()
                    || !name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
                {
                    anyhow::bail!("`{}` is not a valid IAM {what} name", sanitize(name));
                }
            }
            let request = BastionPlan {
                identity_account,
                resource_accounts: resource_account,
                role_name,
                max_mfa_age_seconds: max_mfa_age,
            };
            let plan = yagura_iam::bastion::plan(&request);
            match format {
                PlanFormat::Json => {
                    let v = serde_json::json!({
                        "identity_group_policy": plan.identity_group_policy,
                        "trust_policies": plan.trust_policies,
                        "role_managed_policy_arns": plan.role_managed_policy_arns,
                        "role_inline_deny_iam": plan.role_inline_deny_iam,
                    });
                    crate::outln!("{}", yagura_core::escape::json_string(&v)?);
                }
                PlanFormat::Cloudformation => crate::outln!(
                    "{}",
                    yagura_core::escape::json_string(&yagura_iam::bastion::cloudformation(
                        &request, &plan
                    ))?
                ),
                PlanFormat::Terraform => crate::outln!(
                    "{}",
                    yagura_iam::bastion::terraform(&request, &plan, &provider_role)
                ),
            }
            Ok(0)
        }
        IamCommand::Bastion {
            command:
                BastionCommand::Verify {
                    identity_account,
                    files,
                    from_inventory: inventory_path,
                    profile,
                    region,
                    out,
                },
        } => {
            if !is_account_id(&identity_account) {
                anyhow::bail!(
                    "`{}` is not a 12-digit AWS account id",
                    sanitize(&identity_account)
                );
            }
            let started = now_rfc3339();
            let accounts = if !files.is_empty() {
                let mut v = Vec::new();
                for file in &files {
                    let (name, text) = read_input(file)?;
                    v.push(AccountAuthorization::from_json(&name, &text)?);
                }
                v
            } else {
                let inv = match inventory_path {
                    Some(p) => yagura_inventory::Inventory::load(&p)?,
                    None => crate::collecting::collect_iam(
                        g,
                        profile,
                        region,
                        yagura_collect::DEFAULT_MAX_ATTEMPTS,
                        &started,
                    )?,
                };
                from_inventory(inv, false).accounts
            };
            let errors: Vec<String> = accounts
                .iter()
                .flat_map(|a| a.errors.iter().cloned())
                .collect();
            for e in &errors {
                eprintln!("warning: {}", sanitize(e));
            }
            let db = yagura_iam::actions::db()?;
            let findings = yagura_iam::bastion::verify_accounts(db, &accounts, &identity_account)?;
            emit(g, &out, "iam-bastion", &findings, &errors, None, &started)
        }
    }
}

/// `iam validate`'s text: one line per diagnostic, `FILE:LINE:COLUMN: LEVEL [CODE]: MESSAGE`.
fn print_diagnostics(
    g: &Global,
    name: &str,
    diags: &[yagura_iam::validate::Diagnostic],
) -> Result<()> {
    for d in diags {
        let level = match d.level {
            Level::Error => crate::tr!("error", "エラー"),
            Level::SecurityWarning => crate::tr!("security warning", "セキュリティ警告"),
            Level::Warning => crate::tr!("warning", "警告"),
            Level::Suggestion => crate::tr!("suggestion", "提案"),
        };
        crate::outln!(
            "{}",
            sanitize(&format!(
                "{name}:{}:{}: {level} [{}]: {}",
                d.line, d.column, d.code, d.message
            ))
        );
    }
    if diags.is_empty() && !g.quiet {
        crate::etr!(
            "{n}: no problem found",
            "{n}: 問題は見つかりませんでした",
            n = sanitize(name)
        );
    }
    Ok(())
}
