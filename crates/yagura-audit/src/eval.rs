use crate::catalogue::*;
use crate::{AuditConfig, DB_PORTS};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use yagura_core::{text, CheckMeta, Finding, Status, Text};
use yagura_iam::facts::{self, PolicyFacts, TrustVerdict};
use yagura_iam::graph::{Extra, Graph};
use yagura_iam::Policy;
use yagura_inventory::{
    Account, AccountKind, AttachedPolicy, CollectError, Collected, InlinePolicy, Inventory, Region,
    SecurityGroup,
};

/// Evaluates every audit check over the inventory. Findings come out in a stable order:
/// account, then check area, then resource.
pub fn evaluate(inv: &Inventory, cfg: &AuditConfig) -> Vec<Finding> {
    let mut out = Vec::new();
    // The escalation graph of every account at once (cross-account trusts are edges), the
    // one `yagura iam analyze --from-inventory` builds.
    let auths: Vec<yagura_iam::analyze::AccountAuthorization> =
        yagura_iam::inventory::authorizations(inv)
            .into_iter()
            .map(|(_, a)| a)
            .collect();
    let graph = Graph::build(&auths, &Extra::default()).map_err(|e| e.to_string());
    let nodes: HashMap<&str, usize> = match &graph {
        Ok(g) => g
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.arn.as_str(), i))
            .collect(),
        Err(_) => HashMap::new(),
    };
    for account in &inv.accounts {
        let mut e = Eval {
            cfg,
            a: account,
            out: &mut out,
            graph: graph.as_ref(),
            nodes: &nodes,
        };
        e.iam();
        e.s3();
        e.account_services();
        e.org();
        let mut trails: Vec<&yagura_inventory::Trail> = Vec::new();
        let mut trail_errors = Vec::new();
        for region in &account.regions {
            e.ec2(region);
            e.regional_services(region);
            match region.cloudtrail.as_ref() {
                Ok(t) => trails.extend(t),
                Err(err) => trail_errors.push((region.name.as_str(), err)),
            }
        }
        e.cloudtrail(&trails, &trail_errors);
    }
    out
}

/// A user, group or role: kind, name, ARN, attached and inline policies.
type Principal<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a [AttachedPolicy],
    &'a [InlinePolicy],
);

struct Eval<'a> {
    cfg: &'a AuditConfig,
    a: &'a Account,
    out: &'a mut Vec<Finding>,
    /// The inventory's escalation graph (or why it could not be built) and its nodes by ARN.
    graph: Result<&'a Graph, &'a String>,
    nodes: &'a HashMap<&'a str, usize>,
}

const GLOBAL: &str = "global";

fn days_since(now: OffsetDateTime, t: &str) -> Option<i64> {
    OffsetDateTime::parse(t, &Rfc3339)
        .ok()
        .map(|t| (now - t).whole_days())
}

impl Eval<'_> {
    fn emit(
        &mut self,
        c: &'static CheckMeta,
        status: Status,
        resource: &str,
        region: &str,
        msg: Text,
    ) {
        self.out.push(Finding::new(
            c.id,
            status,
            c.severity,
            resource,
            self.a.account_id.as_str(),
            region,
            msg,
        ));
    }

    fn with_evidence(&mut self, key: &str, value: impl Into<String>) {
        if let Some(f) = self.out.last_mut() {
            f.evidence.insert(key.to_string(), value.into());
        }
    }

    fn unknown(&mut self, c: &'static CheckMeta, resource: &str, region: &str, err: &CollectError) {
        let msg = text!(
            "could not read the data for this check ({err}); the result is unknown",
            "このチェックに必要なデータを読み取れませんでした({err})。結果は不明です",
            err = err
        );
        self.emit(c, Status::Unknown, resource, region, msg);
    }

    fn account_res(&self) -> String {
        format!("arn:{}:iam::{}:root", self.partition(), self.a.account_id)
    }

    fn partition(&self) -> &str {
        if self.a.partition.is_empty() {
            "aws"
        } else {
            &self.a.partition
        }
    }

    fn regional_res(&self, service: &str, region: &str) -> String {
        format!(
            "arn:{}:{service}:{region}:{}:account",
            self.partition(),
            self.a.account_id
        )
    }

    // ------------------------------------------------------------ IAM
    fn iam(&mut self) {
        let now = self.cfg.now;
        let iam = &self.a.iam;
        let root = self.account_res();

        // AUD-06 root
        match iam.summary.as_ref() {
            Ok(s) => {
                let st = if s.account_mfa_enabled {
                    Status::Pass
                } else {
                    Status::Fail
                };
                let msg = if s.account_mfa_enabled {
                    text!(
                        "the root user has MFA",
                        "ルートユーザーに MFA が設定されています"
                    )
                } else {
                    text!(
                        "the root user has no MFA device",
                        "ルートユーザーに MFA デバイスがありません"
                    )
                };
                self.emit(&ROOT_NO_MFA, st, &root, GLOBAL, msg);
                if s.account_mfa_enabled {
                    match iam.virtual_mfa_devices.as_ref() {
                        Ok(devs) => {
                            let virt = devs.iter().any(|d| {
                                d.user_arn.as_deref().is_some_and(|u| u.ends_with(":root"))
                            });
                            if virt {
                                self.emit(
                                    &ROOT_VIRTUAL_MFA,
                                    Status::Fail,
                                    &root,
                                    GLOBAL,
                                    text!(
                                        "the root user's MFA is a virtual device",
                                        "ルートユーザーの MFA は仮想デバイスです"
                                    ),
                                );
                            } else {
                                self.emit(
                                    &ROOT_VIRTUAL_MFA,
                                    Status::Pass,
                                    &root,
                                    GLOBAL,
                                    text!(
                                        "the root user's MFA is a hardware device",
                                        "ルートユーザーの MFA はハードウェアデバイスです"
                                    ),
                                );
                            }
                        }
                        Err(e) => self.unknown(&ROOT_VIRTUAL_MFA, &root, GLOBAL, e),
                    }
                }
            }
            Err(e) => {
                self.unknown(&ROOT_NO_MFA, &root, GLOBAL, e);
                self.unknown(&ROOT_VIRTUAL_MFA, &root, GLOBAL, e);
            }
        }

        let report = match iam.credential_report.as_ref() {
            Ok(r) => r,
            Err(e) => {
                for c in [
                    &USER_HAS_KEY,
                    &KEY_UNUSED,
                    &KEY_NOT_ROTATED,
                    &CONSOLE_NO_MFA,
                    &USER_UNUSED,
                    &ROOT_RECENT,
                ] {
                    self.unknown(c, &self.a.account_id.clone(), GLOBAL, e);
                }
                match iam.summary.as_ref() {
                    Ok(s) => self.root_keys(s.account_access_keys_present, &root),
                    Err(e) => self.unknown(&ROOT_KEYS, &root, GLOBAL, e),
                }
                self.iam_principals();
                return;
            }
        };

        let root_row = report.iter().find(|r| r.user == "<root_account>");
        match (root_row, iam.summary.as_ref()) {
            (Some(r), _) => self.root_keys(r.access_keys.iter().any(|k| k.active), &root),
            (None, Ok(s)) => self.root_keys(s.account_access_keys_present, &root),
            (None, Err(e)) => self.unknown(&ROOT_KEYS, &root, GLOBAL, e),
        }
        match root_row {
            Some(r) => {
                let last = r
                    .password_last_used
                    .iter()
                    .chain(r.access_keys.iter().filter_map(|k| k.last_used.as_ref()))
                    .filter_map(|t| days_since(now, t))
                    .min();
                match last {
                    Some(d) if d <= self.cfg.root_recent_days => self.emit(
                        &ROOT_RECENT,
                        Status::Fail,
                        &root,
                        GLOBAL,
                        text!(
                            "the root user was used {d} days ago",
                            "ルートユーザーが {d} 日前に使用されました",
                            d = d
                        ),
                    ),
                    _ => self.emit(
                        &ROOT_RECENT,
                        Status::Pass,
                        &root,
                        GLOBAL,
                        text!(
                            "the root user was not used in the last {n} days",
                            "ルートユーザーは過去 {n} 日間使用されていません",
                            n = self.cfg.root_recent_days
                        ),
                    ),
                }
            }
            None => {
                let err = CollectError::new(
                    "iam:GetCredentialReport",
                    "NoRootRow",
                    "the credential report has no row for the root user",
                );
                self.unknown(&ROOT_RECENT, &root, GLOBAL, &err);
            }
        }

        for row in report.iter().filter(|r| r.user != "<root_account>") {
            let arn = row.arn.as_str();
            let active: Vec<_> = row.access_keys.iter().filter(|k| k.active).collect();
            // AUD-04: keys at all
            if active.is_empty() {
                self.emit(
                    &USER_HAS_KEY,
                    Status::Pass,
                    arn,
                    GLOBAL,
                    text!(
                        "user `{u}` has no active access key",
                        "ユーザー `{u}` に有効なアクセスキーはありません",
                        u = row.user
                    ),
                );
            } else {
                self.emit(
                    &USER_HAS_KEY,
                    Status::Fail,
                    arn,
                    GLOBAL,
                    text!(
                        "user `{u}` has {n} active access key(s)",
                        "ユーザー `{u}` に有効なアクセスキーが {n} 個あります",
                        u = row.user,
                        n = active.len()
                    ),
                );
            }
            for k in &active {
                let res = format!("{arn}#access-key-{}", k.slot);
                let used = k.last_used.as_deref().or(k.last_rotated.as_deref());
                match used.and_then(|t| days_since(now, t)) {
                    Some(d) if d > self.cfg.unused_days => {
                        self.emit(
                            &KEY_UNUSED,
                            Status::Fail,
                            &res,
                            GLOBAL,
                            text!(
                                "access key {s} of `{u}` was not used for {d} days",
                                "`{u}` のアクセスキー {s} は {d} 日間使われていません",
                                s = k.slot,
                                u = row.user,
                                d = d
                            ),
                        );
                    }
                    Some(d) => self.emit(
                        &KEY_UNUSED,
                        Status::Pass,
                        &res,
                        GLOBAL,
                        text!(
                            "access key {s} of `{u}` was used or created {d} days ago",
                            "`{u}` のアクセスキー {s} は {d} 日前に使用または作成されました",
                            s = k.slot,
                            u = row.user,
                            d = d
                        ),
                    ),
                    None => self.emit(
                        &KEY_UNUSED,
                        Status::Unknown,
                        &res,
                        GLOBAL,
                        text!(
                            "access key {s} of `{u}` has no usable date in the credential report",
                            "`{u}` のアクセスキー {s} の日付が認証情報レポートにありません",
                            s = k.slot,
                            u = row.user
                        ),
                    ),
                }
                match k.last_rotated.as_deref().and_then(|t| days_since(now, t)) {
                    Some(d) if d > self.cfg.key_rotation_days => {
                        self.emit(
                            &KEY_NOT_ROTATED,
                            Status::Fail,
                            &res,
                            GLOBAL,
                            text!(
                        "access key {s} of `{u}` is {d} days old (rotation age {m})",
                        "`{u}` のアクセスキー {s} は作成から {d} 日経過しています(期限 {m} 日)",
                        s = k.slot, u = row.user, d = d, m = self.cfg.key_rotation_days),
                        )
                    }
                    Some(d) => self.emit(
                        &KEY_NOT_ROTATED,
                        Status::Pass,
                        &res,
                        GLOBAL,
                        text!(
                            "access key {s} of `{u}` is {d} days old",
                            "`{u}` のアクセスキー {s} は作成から {d} 日です",
                            s = k.slot,
                            u = row.user,
                            d = d
                        ),
                    ),
                    None => self.emit(
                        &KEY_NOT_ROTATED,
                        Status::Unknown,
                        &res,
                        GLOBAL,
                        text!(
                            "access key {s} of `{u}` has no rotation date",
                            "`{u}` のアクセスキー {s} の作成日が不明です",
                            s = k.slot,
                            u = row.user
                        ),
                    ),
                }
            }
            // AUD-07
            if row.password_enabled {
                if row.mfa_active {
                    self.emit(
                        &CONSOLE_NO_MFA,
                        Status::Pass,
                        arn,
                        GLOBAL,
                        text!(
                            "user `{u}` signs in with a password and MFA",
                            "ユーザー `{u}` はパスワードと MFA でサインインします",
                            u = row.user
                        ),
                    );
                } else {
                    self.emit(
                        &CONSOLE_NO_MFA,
                        Status::Fail,
                        arn,
                        GLOBAL,
                        text!(
                            "user `{u}` has a console password but no MFA",
                            "ユーザー `{u}` はコンソールパスワードを持ちますが MFA がありません",
                            u = row.user
                        ),
                    );
                }
            }
            // AUD-08
            let created_days = row
                .user_creation_time
                .as_deref()
                .and_then(|t| days_since(now, t));
            let pw_idle = !row.password_enabled
                || row
                    .password_last_used
                    .as_deref()
                    .and_then(|t| days_since(now, t))
                    .map_or(
                        created_days.is_some_and(|c| c > self.cfg.unused_days),
                        |d| d > self.cfg.unused_days,
                    );
            let keys_idle = active.iter().all(|k| {
                k.last_used
                    .as_deref()
                    .and_then(|t| days_since(now, t))
                    .map_or(
                        created_days.is_some_and(|c| c > self.cfg.unused_days),
                        |d| d > self.cfg.unused_days,
                    )
            });
            let has_creds = row.password_enabled || !active.is_empty();
            if has_creds && pw_idle && keys_idle {
                self.emit(
                    &USER_UNUSED,
                    Status::Fail,
                    arn,
                    GLOBAL,
                    text!(
                        "user `{u}` has credentials that were not used for more than {n} days",
                        "ユーザー `{u}` の認証情報は {n} 日以上使われていません",
                        u = row.user,
                        n = self.cfg.unused_days
                    ),
                );
            } else {
                self.emit(
                    &USER_UNUSED,
                    Status::Pass,
                    arn,
                    GLOBAL,
                    text!(
                        "user `{u}` is in use or has no credentials",
                        "ユーザー `{u}` は使用中か、認証情報を持っていません",
                        u = row.user
                    ),
                );
            }
        }
        self.iam_principals();
    }

    fn root_keys(&mut self, present: bool, root: &str) {
        if present {
            self.emit(
                &ROOT_KEYS,
                Status::Fail,
                root,
                GLOBAL,
                text!(
                    "the root user has access keys",
                    "ルートユーザーにアクセスキーがあります"
                ),
            );
        } else {
            self.emit(
                &ROOT_KEYS,
                Status::Pass,
                root,
                GLOBAL,
                text!(
                    "the root user has no access keys",
                    "ルートユーザーにアクセスキーはありません"
                ),
            );
        }
    }

    /// AUD-05, AUD-19 (trust), AUD-20 password policy, AUD-15 alias.
    fn iam_principals(&mut self) {
        let iam = &self.a.iam;
        // Managed policy ARN → document; each document is parsed and judged once, on first use.
        let docs: Result<HashMap<&str, &str>, &CollectError> = iam.policies.as_ref().map(|ps| {
            ps.iter()
                .map(|p| (p.arn.as_str(), p.document.as_str()))
                .collect()
        });
        let resource_account = matches!(
            self.a.org.as_ref().map(|o| &o.kind),
            Some(AccountKind::Resource)
        );

        let mut principals: Vec<Principal<'_>> = Vec::new();
        match iam.users.as_ref() {
            Ok(us) => principals.extend(us.iter().map(|u| {
                (
                    "user",
                    u.name.as_str(),
                    u.arn.as_str(),
                    u.attached_policies.as_slice(),
                    u.inline_policies.as_slice(),
                )
            })),
            Err(e) => {
                for c in [&ADMIN_ATTACHED, &CAN_BECOME_ADMIN] {
                    self.unknown(c, &format!("{}#users", self.a.account_id), GLOBAL, e);
                }
            }
        }
        match iam.groups.as_ref() {
            Ok(gs) => principals.extend(gs.iter().map(|g| {
                (
                    "group",
                    g.name.as_str(),
                    g.arn.as_str(),
                    g.attached_policies.as_slice(),
                    g.inline_policies.as_slice(),
                )
            })),
            Err(e) => {
                for c in [&ADMIN_ATTACHED, &CAN_BECOME_ADMIN] {
                    self.unknown(c, &format!("{}#groups", self.a.account_id), GLOBAL, e);
                }
            }
        }
        match iam.roles.as_ref() {
            Ok(rs) => principals.extend(
                rs.iter()
                    .filter(|r| !r.path.starts_with("/aws-service-role/"))
                    .map(|r| {
                        (
                            "role",
                            r.name.as_str(),
                            r.arn.as_str(),
                            r.attached_policies.as_slice(),
                            r.inline_policies.as_slice(),
                        )
                    }),
            ),
            Err(e) => {
                for c in [&ADMIN_ATTACHED, &CAN_BECOME_ADMIN] {
                    self.unknown(c, &format!("{}#roles", self.a.account_id), GLOBAL, e);
                }
                self.unknown(
                    &TRUST_NO_MFA,
                    &format!("{}#roles", self.a.account_id),
                    GLOBAL,
                    e,
                );
                if resource_account {
                    self.unknown(
                        &ROLE_ABOVE_POWER_USER,
                        &format!("{}#roles", self.a.account_id),
                        GLOBAL,
                        e,
                    );
                }
            }
        }

        // Policy documents repeat across principals: judge each distinct one once (managed
        // policies by ARN, inline policies by text).
        let mut managed_facts: HashMap<&str, DocFacts> = HashMap::new();
        let mut inline_facts: HashMap<&str, DocFacts> = HashMap::new();
        for (kind, name, arn, attached, inline) in principals {
            // AUD-05 (resource accounts): only roles there need the IAM-management question.
            let ask_iam = kind == "role"
                && resource_account
                && !self.cfg.ignored_roles.iter().any(|r| r == name);
            let mut all = PolicyFacts::default();
            let mut admin_by_name: Option<&str> = None;
            let mut unreadable: Option<CollectError> = None;
            for p in attached {
                match &docs {
                    Ok(d) => match d.get(p.arn.as_str()) {
                        Some(text) => {
                            let f = managed_facts
                                .entry(p.arn.as_str())
                                .or_insert_with(|| doc_facts(&p.arn, text));
                            match f {
                                Ok(f) => all = all.union(*f),
                                Err(e) => unreadable = Some(e.clone()),
                            }
                        }
                        // The document was not collected: only the name can tell.
                        None if p.arn.ends_with(":policy/AdministratorAccess") => {
                            admin_by_name = Some(&p.name)
                        }
                        None => {
                            // AWS managed policies are read apart from the account's own.
                            let op = if p.arn.contains(":iam::aws:policy/") {
                                "iam:ListPolicies"
                            } else {
                                "iam:GetAccountAuthorizationDetails"
                            };
                            unreadable = Some(CollectError::new(
                                op,
                                "MissingPolicy",
                                &format!(
                                    "the document of attached policy `{}` was not collected",
                                    p.arn
                                ),
                            ))
                        }
                    },
                    Err(e) => {
                        if p.arn.ends_with(":policy/AdministratorAccess") {
                            admin_by_name = Some(&p.name);
                        }
                        unreadable = Some((*e).clone());
                    }
                }
            }
            for p in inline {
                let f = inline_facts
                    .entry(p.document.as_str())
                    .or_insert_with(|| doc_facts("inline policy", &p.document));
                match f {
                    Ok(f) => all = all.union(*f),
                    Err(e) => {
                        unreadable = Some(CollectError {
                            message: format!("inline policy `{}`: {}", p.name, e.message),
                            ..e.clone()
                        })
                    }
                }
            }
            let granted = all.granted();
            let admin_by: Option<String> = if let Some(n) = admin_by_name {
                Some(n.to_string())
            } else if facts::is_admin(granted) {
                Some(admin_through(
                    attached,
                    inline,
                    all,
                    &managed_facts,
                    &inline_facts,
                ))
            } else {
                None
            };
            let manages_iam = ask_iam && facts::manages_iam(granted);
            // `*` on `*`, or only the power to grant itself anything (IAMFullAccess).
            let full = admin_by_name.is_some() || facts::is_full_admin(granted);
            match (&admin_by, &unreadable) {
                (Some(p), _) if full => {
                    self.emit(
                        &ADMIN_ATTACHED,
                        Status::Fail,
                        arn,
                        GLOBAL,
                        text!(
                            "{kind} `{name}` has administrator permissions through `{p}`",
                            "{kind} `{name}` は `{p}` により管理者権限を持っています",
                            kind = kind,
                            name = name,
                            p = p
                        ),
                    );
                    self.with_evidence("policy", p.clone());
                }
                (Some(p), _) => {
                    self.emit(
                        &ADMIN_ATTACHED,
                        Status::Fail,
                        arn,
                        GLOBAL,
                        text!(
                            "{kind} `{name}` can grant itself any permission through `{p}`: it may change the IAM permissions of principals, itself included",
                            "{kind} `{name}` は `{p}` により自身に任意の権限を付与できます: 自身を含むプリンシパルの IAM 権限を変更できます",
                            kind = kind,
                            name = name,
                            p = p
                        ),
                    );
                    self.with_evidence("policy", p.clone());
                }
                (None, Some(e)) => self.unknown(&ADMIN_ATTACHED, arn, GLOBAL, e),
                (None, None) => self.emit(
                    &ADMIN_ATTACHED,
                    Status::Pass,
                    arn,
                    GLOBAL,
                    text!(
                        "{kind} `{name}` has no administrator permissions",
                        "{kind} `{name}` は管理者権限を持っていません",
                        kind = kind,
                        name = name
                    ),
                ),
            }
            // AUD-05 on the escalation graph: can it become admin, and how.
            let node = self.nodes.get(arn).copied();
            let escalation = match (&self.graph, node) {
                (Ok(g), Some(i)) => {
                    let n = &g.nodes[i];
                    let full_admin = n.admin.as_ref().is_some_and(|a| a.kind == "full");
                    let ev = yagura_iam::analyze::path_evidence(g, i);
                    let empowers = g.empowers.get(i).is_some_and(|e| !e.is_empty());
                    Some((full_admin, ev, empowers))
                }
                _ => None,
            };
            match (&escalation, &unreadable) {
                (Some((true, _, _)), _) => self.emit(
                    &CAN_BECOME_ADMIN,
                    Status::Pass,
                    arn,
                    GLOBAL,
                    text!(
                        "{kind} `{name}` is an administrator (reported by iam-admin-permissions-attached)",
                        "{kind} `{name}` は管理者です (iam-admin-permissions-attached で報告)",
                        kind = kind,
                        name = name
                    ),
                ),
                (Some((false, ev, _)), _) if !ev.is_empty() => {
                    let path = ev
                        .iter()
                        .find(|(k, _)| *k == "path")
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default();
                    self.emit(
                        &CAN_BECOME_ADMIN,
                        Status::Fail,
                        arn,
                        GLOBAL,
                        text!(
                            "{kind} `{name}` can become admin: {path}",
                            "{kind} `{name}` は管理者になれます: {path}",
                            kind = kind,
                            name = name,
                            path = path
                        ),
                    );
                    for (k, v) in ev {
                        self.with_evidence(k, v.clone());
                    }
                }
                (_, Some(e)) => self.unknown(&CAN_BECOME_ADMIN, arn, GLOBAL, e),
                (Some(_), None) => self.emit(
                    &CAN_BECOME_ADMIN,
                    Status::Pass,
                    arn,
                    GLOBAL,
                    text!(
                        "{kind} `{name}` has no path to an administrator",
                        "{kind} `{name}` から管理者へのパスはありません",
                        kind = kind,
                        name = name
                    ),
                ),
                (None, None) => {
                    let why = match &self.graph {
                        Err(e) => (*e).clone(),
                        Ok(_) => "the principal is not in the escalation graph".to_string(),
                    };
                    let err = CollectError::new("yagura-iam", "EscalationGraph", &why);
                    self.unknown(&CAN_BECOME_ADMIN, arn, GLOBAL, &err);
                }
            }
            // Effective permissions beyond PowerUserAccess: a path to admin, or the power to
            // make another principal admin, count like IAM writes on `*`.
            let escalates = escalation
                .as_ref()
                .is_some_and(|(_, ev, empowers)| !ev.is_empty() || *empowers);
            if ask_iam {
                if admin_by.is_some() || manages_iam {
                    self.emit(
                        &ROLE_ABOVE_POWER_USER,
                        Status::Fail,
                        arn,
                        GLOBAL,
                        text!(
                            "role `{name}` may manage IAM in a resource account",
                            "ロール `{name}` はリソースアカウントで IAM を管理できます",
                            name = name
                        ),
                    );
                } else if escalates {
                    self.emit(
                        &ROLE_ABOVE_POWER_USER,
                        Status::Fail,
                        arn,
                        GLOBAL,
                        text!(
                            "role `{name}` goes beyond PowerUserAccess in a resource account: it can become admin or make another principal admin",
                            "ロール `{name}` はリソースアカウントで PowerUserAccess を超えています: 管理者になる、または他のプリンシパルを管理者にできます",
                            name = name
                        ),
                    );
                    if let Some((_, ev, _)) = &escalation {
                        for (k, v) in ev {
                            self.with_evidence(k, v.clone());
                        }
                    }
                } else if let Some(e) = &unreadable {
                    self.unknown(&ROLE_ABOVE_POWER_USER, arn, GLOBAL, e);
                } else {
                    self.emit(
                        &ROLE_ABOVE_POWER_USER,
                        Status::Pass,
                        arn,
                        GLOBAL,
                        text!(
                            "role `{name}` may not manage IAM",
                            "ロール `{name}` は IAM を管理できません",
                            name = name
                        ),
                    );
                }
            }
        }

        if let Ok(roles) = iam.roles.as_ref() {
            // A trust policy has no `Resource`, so its verdict depends on its text only.
            let own: &Account = self.a;
            let mut trust: HashMap<&str, Result<TrustVerdict, CollectError>> = HashMap::new();
            for r in roles
                .iter()
                .filter(|r| !r.path.starts_with("/aws-service-role/"))
            {
                let verdict = trust.entry(r.trust_policy.as_str()).or_insert_with(|| {
                    Policy::parse("trust policy", &r.trust_policy)
                        .map(|p| facts::cross_account_trust(&p, &own.account_id, &r.arn))
                        .map_err(|e| policy_error(&e))
                });
                match verdict {
                    Ok(TrustVerdict::NotCrossAccount) => {}
                    Ok(TrustVerdict::MfaRequired) => self.emit(
                        &TRUST_NO_MFA,
                        Status::Pass,
                        &r.arn,
                        GLOBAL,
                        text!(
                            "role `{n}` requires MFA of the accounts it trusts",
                            "ロール `{n}` は信頼するアカウントに MFA を要求しています",
                            n = r.name
                        ),
                    ),
                    Ok(TrustVerdict::WithoutMfa { trusted, how }) => {
                        let who = trusted.join(", ");
                        let how = *how;
                        self.emit(
                            &TRUST_NO_MFA,
                            Status::Fail,
                            &r.arn,
                            GLOBAL,
                            text!(
                                "role `{n}` may be assumed from another account without MFA",
                                "ロール `{n}` は MFA なしで他アカウントから引き受けられます",
                                n = r.name
                            ),
                        );
                        self.with_evidence("trusted", who);
                        self.with_evidence("without_mfa", how);
                    }
                    Err(e) => {
                        let e = e.clone();
                        self.unknown(&TRUST_NO_MFA, &r.arn, GLOBAL, &e);
                    }
                }
            }
        }
        let acct = self.account_res();
        match iam.password_policy.as_ref() {
            Ok(None) => self.emit(
                &PASSWORD_POLICY,
                Status::Fail,
                &acct,
                GLOBAL,
                text!(
                    "the account has no IAM password policy",
                    "アカウントに IAM パスワードポリシーがありません"
                ),
            ),
            Ok(Some(p)) => {
                let reuse = p.reuse_prevention.unwrap_or(0);
                if p.minimum_length >= 14 && reuse >= 24 {
                    self.emit(&PASSWORD_POLICY, Status::Pass, &acct, GLOBAL, text!(
                        "the password policy requires {l} characters and prevents reuse of {r}",
                        "パスワードポリシーは {l} 文字以上と過去 {r} 世代の再利用防止を求めています", l = p.minimum_length, r = reuse));
                } else {
                    self.emit(&PASSWORD_POLICY, Status::Fail, &acct, GLOBAL, text!(
                        "the password policy requires {l} characters (want 14) and prevents reuse of {r} (want 24)",
                        "パスワードポリシーは {l} 文字以上(推奨 14)、再利用防止 {r} 世代(推奨 24)です", l = p.minimum_length, r = reuse));
                }
            }
            Err(e) => self.unknown(&PASSWORD_POLICY, &acct, GLOBAL, e),
        }

        match self.a.alias.as_ref() {
            Ok(Some(a)) => self.emit(
                &ALIAS_MISSING,
                Status::Pass,
                &acct,
                GLOBAL,
                text!(
                    "the account alias is `{a}`",
                    "アカウントエイリアスは `{a}` です",
                    a = a
                ),
            ),
            Ok(None) => self.emit(
                &ALIAS_MISSING,
                Status::Fail,
                &acct,
                GLOBAL,
                text!(
                    "the account has no alias",
                    "アカウントにエイリアスがありません"
                ),
            ),
            Err(e) => self.unknown(&ALIAS_MISSING, &acct, GLOBAL, e),
        }
    }

    // ------------------------------------------------------------ S3
    fn s3(&mut self) {
        let s3 = &self.a.s3;
        let acct = self.account_res();
        let account_pab = match s3.account_public_access_block.as_ref() {
            Ok(Some(p)) if p.all_on() => {
                self.emit(
                    &S3_ACCOUNT_BPA,
                    Status::Pass,
                    &acct,
                    GLOBAL,
                    text!(
                        "all four account-level Block Public Access settings are on",
                        "アカウントのブロックパブリックアクセス 4 設定はすべて有効です"
                    ),
                );
                Some(*p)
            }
            Ok(p) => {
                self.emit(
                    &S3_ACCOUNT_BPA,
                    Status::Fail,
                    &acct,
                    GLOBAL,
                    text!(
                        "account-level Block Public Access is not fully on",
                        "アカウントのブロックパブリックアクセスが完全には有効ではありません"
                    ),
                );
                *p
            }
            Err(e) => {
                self.unknown(&S3_ACCOUNT_BPA, &acct, GLOBAL, e);
                None
            }
        };
        let buckets = match s3.buckets.as_ref() {
            Ok(b) => b,
            Err(e) => {
                let res = format!("{}#buckets", self.a.account_id);
                for c in [&S3_BUCKET_BPA, &S3_POLICY_PUBLIC, &S3_ACL_PUBLIC] {
                    self.unknown(c, &res, GLOBAL, e);
                }
                return;
            }
        };
        for b in buckets {
            let arn = format!("arn:{}:s3:::{}", self.partition(), b.name);
            let region = if b.region.is_empty() {
                GLOBAL
            } else {
                b.region.as_str()
            };
            let bucket_pab = b.public_access_block.ok().copied().flatten();
            let effective = |f: fn(&yagura_inventory::PublicAccessBlock) -> bool| {
                account_pab.as_ref().is_some_and(f) || bucket_pab.as_ref().is_some_and(f)
            };
            let all_on =
                account_pab.is_some_and(|p| p.all_on()) || bucket_pab.is_some_and(|p| p.all_on());
            match (&b.public_access_block, all_on) {
                (_, true) => self.emit(
                    &S3_BUCKET_BPA,
                    Status::Pass,
                    &arn,
                    region,
                    text!(
                        "bucket `{b}` is covered by Block Public Access",
                        "バケット `{b}` はブロックパブリックアクセスで保護されています",
                        b = b.name
                    ),
                ),
                (Collected::Error(e), false) => self.unknown(&S3_BUCKET_BPA, &arn, region, e),
                (Collected::Ok(_), false) => self.emit(
                    &S3_BUCKET_BPA,
                    Status::Fail,
                    &arn,
                    region,
                    text!(
                        "bucket `{b}` does not have all Block Public Access settings on",
                        "バケット `{b}` のブロックパブリックアクセスが完全には有効ではありません",
                        b = b.name
                    ),
                ),
            }
            let restrict = effective(|p| p.restrict_public_buckets);
            match b.policy.as_ref() {
                Ok(Some(doc)) => match Policy::parse("bucket policy", doc) {
                    // An unreadable policy is UNKNOWN, never "not public".
                    Err(e) => self.unknown(&S3_POLICY_PUBLIC, &arn, region, &policy_error(&e)),
                    Ok(p) if facts::allows_anyone(&p) && !restrict => {
                        self.emit(
                            &S3_POLICY_PUBLIC,
                            Status::Fail,
                            &arn,
                            region,
                            text!(
                                "the policy of bucket `{b}` allows access to everyone",
                                "バケット `{b}` のポリシーは全員にアクセスを許可しています",
                                b = b.name
                            ),
                        );
                    }
                    Ok(p) if facts::allows_anyone(&p) => {
                        self.emit(&S3_POLICY_PUBLIC, Status::Pass, &arn, region, text!(
                            "the public policy of bucket `{b}` is neutralised by RestrictPublicBuckets",
                            "バケット `{b}` の公開ポリシーは RestrictPublicBuckets により無効化されています", b = b.name));
                    }
                    Ok(_) => {
                        self.emit(
                            &S3_POLICY_PUBLIC,
                            Status::Pass,
                            &arn,
                            region,
                            text!(
                                "the policy of bucket `{b}` is not public",
                                "バケット `{b}` のポリシーは公開されていません",
                                b = b.name
                            ),
                        );
                    }
                },
                Ok(None) => self.emit(
                    &S3_POLICY_PUBLIC,
                    Status::Pass,
                    &arn,
                    region,
                    text!(
                        "bucket `{b}` has no bucket policy",
                        "バケット `{b}` にバケットポリシーはありません",
                        b = b.name
                    ),
                ),
                Err(e) => self.unknown(&S3_POLICY_PUBLIC, &arn, region, e),
            }
            let ignore_acls = effective(|p| p.ignore_public_acls);
            match b.acl_grants.as_ref() {
                Ok(grants) => {
                    let public: Vec<&str> = grants
                        .iter()
                        .filter(|g| {
                            g.grantee.ends_with("/global/AllUsers")
                                || g.grantee.ends_with("/global/AuthenticatedUsers")
                        })
                        .map(|g| g.permission.as_str())
                        .collect();
                    if !public.is_empty() && !ignore_acls {
                        self.emit(
                            &S3_ACL_PUBLIC,
                            Status::Fail,
                            &arn,
                            region,
                            text!(
                                "the ACL of bucket `{b}` grants {p} to all users",
                                "バケット `{b}` の ACL が全ユーザーに {p} を許可しています",
                                b = b.name,
                                p = public.join(", ")
                            ),
                        );
                    } else {
                        self.emit(
                            &S3_ACL_PUBLIC,
                            Status::Pass,
                            &arn,
                            region,
                            text!(
                                "the ACL of bucket `{b}` is not public",
                                "バケット `{b}` の ACL は公開されていません",
                                b = b.name
                            ),
                        );
                    }
                }
                Err(e) => self.unknown(&S3_ACL_PUBLIC, &arn, region, e),
            }
        }
    }

    // ------------------------------------------------------------ account-wide services
    fn account_services(&mut self) {
        let acct = self.account_res();
        match self.a.budgets.as_ref() {
            Ok(b) if b.iter().any(|b| b.notifications > 0) => self.emit(
                &BUDGET_MISSING,
                Status::Pass,
                &acct,
                GLOBAL,
                text!(
                    "the account has a budget with a notification",
                    "通知付きの予算があります"
                ),
            ),
            Ok(_) => self.emit(
                &BUDGET_MISSING,
                Status::Fail,
                &acct,
                GLOBAL,
                text!(
                    "the account has no budget with a notification",
                    "通知付きの予算がありません"
                ),
            ),
            Err(e) => self.unknown(&BUDGET_MISSING, &acct, GLOBAL, e),
        }
        match self.a.anomaly_monitors.as_ref() {
            Ok(m) if !m.is_empty() => self.emit(
                &ANOMALY_MISSING,
                Status::Pass,
                &acct,
                GLOBAL,
                text!(
                    "the account has {n} cost anomaly monitor(s)",
                    "コスト異常検出モニターが {n} 個あります",
                    n = m.len()
                ),
            ),
            Ok(_) => self.emit(
                &ANOMALY_MISSING,
                Status::Fail,
                &acct,
                GLOBAL,
                text!(
                    "the account has no cost anomaly monitor",
                    "コスト異常検出モニターがありません"
                ),
            ),
            Err(e) => self.unknown(&ANOMALY_MISSING, &acct, GLOBAL, e),
        }
        match self.a.health_events.as_ref() {
            Ok(events) => {
                for ev in events.iter().filter(|e| e.status != "closed") {
                    self.emit(
                        &HEALTH_EVENT,
                        Status::Fail,
                        &ev.arn,
                        &ev.region,
                        text!(
                            "AWS Health event {t} ({s}) is {st}",
                            "AWS Health イベント {t}({s})が {st} です",
                            t = ev.event_type,
                            s = ev.service,
                            st = ev.status
                        ),
                    );
                }
            }
            Err(e) => self.unknown(&HEALTH_EVENT, &acct, GLOBAL, e),
        }
    }

    // ------------------------------------------------------------ AUD-19
    fn org(&mut self) {
        let Some(org) = &self.a.org else { return };
        let acct = self.account_res();
        match org.kind {
            AccountKind::Resource if org.identity_account.is_some() => {
                match self.a.iam.users.as_ref() {
                    Ok(users) if users.is_empty() => self.emit(
                        &RESOURCE_ACCOUNT_USERS,
                        Status::Pass,
                        &acct,
                        GLOBAL,
                        text!(
                            "the resource account holds no IAM users",
                            "リソースアカウントに IAM ユーザーはいません"
                        ),
                    ),
                    Ok(users) => {
                        for u in users {
                            self.emit(
                                &RESOURCE_ACCOUNT_USERS,
                                Status::Fail,
                                &u.arn,
                                GLOBAL,
                                text!(
                                    "IAM user `{u}` lives in a resource account",
                                    "IAM ユーザー `{u}` がリソースアカウントにいます",
                                    u = u.name
                                ),
                            );
                        }
                    }
                    Err(e) => self.unknown(&RESOURCE_ACCOUNT_USERS, &acct, GLOBAL, e),
                }
            }
            AccountKind::Identity => {
                let mut extra = Vec::new();
                match self.a.iam.roles.as_ref() {
                    Ok(roles) => extra.extend(
                        roles
                            .iter()
                            .filter(|r| {
                                !r.path.starts_with("/aws-service-role/")
                                    && !self.cfg.ignored_roles.contains(&r.name)
                            })
                            .map(|r| format!("role {}", r.name)),
                    ),
                    Err(e) => return self.unknown(&IDENTITY_ACCOUNT_RESOURCES, &acct, GLOBAL, e),
                }
                for r in &self.a.regions {
                    match r.ec2.instances.as_ref() {
                        Ok(is) => extra.extend(
                            is.iter()
                                .filter(|i| i.state != "terminated")
                                .map(|i| format!("instance {}", i.id)),
                        ),
                        Err(e) => {
                            return self.unknown(&IDENTITY_ACCOUNT_RESOURCES, &acct, &r.name, e)
                        }
                    }
                }
                if extra.is_empty() {
                    self.emit(
                        &IDENTITY_ACCOUNT_RESOURCES,
                        Status::Pass,
                        &acct,
                        GLOBAL,
                        text!(
                            "the identity account holds only users and groups",
                            "ID アカウントにはユーザーとグループだけがあります"
                        ),
                    );
                } else {
                    self.emit(
                        &IDENTITY_ACCOUNT_RESOURCES,
                        Status::Fail,
                        &acct,
                        GLOBAL,
                        text!(
                            "the identity account holds {n} other resource(s)",
                            "ID アカウントに他のリソースが {n} 個あります",
                            n = extra.len()
                        ),
                    );
                    self.with_evidence("resources", extra.join(", "));
                }
            }
            _ => {}
        }
    }

    // ------------------------------------------------------------ EC2 and friends
    fn ec2(&mut self, r: &Region) {
        let region = r.name.as_str();
        let in_use: Option<BTreeSet<&str>> = r
            .ec2
            .groups_in_use
            .ok()
            .map(|g| g.iter().map(String::as_str).collect());
        let groups: BTreeMap<&str, &SecurityGroup> = match r.ec2.security_groups.as_ref() {
            Ok(gs) => {
                for g in gs {
                    self.security_group(g, region, in_use.as_ref(), &r.ec2.groups_in_use);
                }
                gs.iter().map(|g| (g.id.as_str(), g)).collect()
            }
            Err(e) => {
                let res = self.regional_res("ec2", region);
                for c in [&SG_ADMIN_PORT_WORLD, &SG_PORT_WORLD, &SG_UNUSED] {
                    self.unknown(c, &res, region, e);
                }
                BTreeMap::new()
            }
        };
        let instances = match r.ec2.instances.as_ref() {
            Ok(i) => i,
            Err(e) => {
                let res = self.regional_res("ec2", region);
                for c in [
                    &INSTANCE_NO_ROLE,
                    &AMI_UNTRUSTED_OWNER,
                    &AMI_OLD,
                    &NOT_SSM_MANAGED,
                    &SCHEDULED_EVENT,
                    &HTTPS_ON_INSTANCE,
                    &DB_ON_INSTANCE,
                ] {
                    self.unknown(c, &res, region, e);
                }
                return;
            }
        };
        let images: Result<BTreeMap<&str, &yagura_inventory::Image>, &CollectError> = r
            .ec2
            .images
            .as_ref()
            .map(|i| i.iter().map(|i| (i.id.as_str(), i)).collect());
        let lb_targets: Result<BTreeSet<&str>, &CollectError> =
            r.load_balancers.as_ref().map(|lbs| {
                lbs.iter()
                    .flat_map(|l| l.targets.iter().map(String::as_str))
                    .collect()
            });
        let ssm: Result<BTreeSet<&str>, &CollectError> = r
            .ssm_managed
            .as_ref()
            .map(|s| s.iter().map(String::as_str).collect());
        let events = r.ec2.scheduled_events.as_ref();
        let partition = self.partition().to_string();

        for i in instances
            .iter()
            .filter(|i| i.state != "terminated" && i.state != "shutting-down")
        {
            let arn = format!(
                "arn:{partition}:ec2:{region}:{}:instance/{}",
                self.a.account_id, i.id
            );
            match &i.instance_profile_arn {
                Some(p) => {
                    self.emit(
                        &INSTANCE_NO_ROLE,
                        Status::Pass,
                        &arn,
                        region,
                        text!(
                            "instance {i} has an instance profile",
                            "インスタンス {i} にはインスタンスプロファイルがあります",
                            i = i.id
                        ),
                    );
                    self.with_evidence("instance_profile", p.clone());
                }
                None => self.emit(
                    &INSTANCE_NO_ROLE,
                    Status::Fail,
                    &arn,
                    region,
                    text!(
                        "instance {i} has no IAM role",
                        "インスタンス {i} に IAM ロールがありません",
                        i = i.id
                    ),
                ),
            }
            match &images {
                Ok(imgs) => match imgs.get(i.image_id.as_str()) {
                    Some(img) => {
                        let trusted = img.owner_alias.as_deref() == Some("amazon")
                            || img.owner_id == self.a.account_id
                            || self.cfg.ami_owner_allow_list.contains(&img.owner_id);
                        if trusted {
                            self.emit(&AMI_UNTRUSTED_OWNER, Status::Pass, &arn, region, text!(
                                "instance {i} runs AMI {a} of trusted owner {o}", "インスタンス {i} は信頼できる所有者 {o} の AMI {a} で動作しています",
                                i = i.id, a = img.id, o = img.owner_id));
                        } else {
                            self.emit(&AMI_UNTRUSTED_OWNER, Status::Fail, &arn, region, text!(
                                "instance {i} runs AMI {a} of owner {o}, which is not trusted", "インスタンス {i} は信頼されていない所有者 {o} の AMI {a} で動作しています",
                                i = i.id, a = img.id, o = img.owner_id));
                        }
                        self.with_evidence("image", img.id.clone());
                        let deprecated = img
                            .deprecation_time
                            .as_deref()
                            .and_then(|t| days_since(self.cfg.now, t))
                            .is_some_and(|d| d >= 0);
                        let age = img
                            .creation_date
                            .as_deref()
                            .and_then(|t| days_since(self.cfg.now, t));
                        if deprecated {
                            self.emit(
                                &AMI_OLD,
                                Status::Fail,
                                &arn,
                                region,
                                text!(
                                    "instance {i} runs deprecated AMI {a}",
                                    "インスタンス {i} は非推奨の AMI {a} で動作しています",
                                    i = i.id,
                                    a = img.id
                                ),
                            );
                        } else if let Some(d) = age.filter(|d| *d > self.cfg.ami_max_age_days) {
                            self.emit(&AMI_OLD, Status::Fail, &arn, region, text!(
                                "instance {i} runs AMI {a}, created {d} days ago", "インスタンス {i} は {d} 日前に作成された AMI {a} で動作しています", i = i.id, a = img.id, d = d));
                        } else if age.is_some() {
                            self.emit(
                                &AMI_OLD,
                                Status::Pass,
                                &arn,
                                region,
                                text!(
                                    "instance {i} runs a current AMI {a}",
                                    "インスタンス {i} は新しい AMI {a} で動作しています",
                                    i = i.id,
                                    a = img.id
                                ),
                            );
                        } else {
                            self.emit(
                                &AMI_OLD,
                                Status::Unknown,
                                &arn,
                                region,
                                text!(
                                    "AMI {a} of instance {i} has no creation date",
                                    "インスタンス {i} の AMI {a} に作成日がありません",
                                    i = i.id,
                                    a = img.id
                                ),
                            );
                        }
                    }
                    None => {
                        let e = CollectError::new(
                            "ec2:DescribeImages",
                            "ImageNotFound",
                            &format!(
                                "image {} is deregistered or not visible to this account",
                                i.image_id
                            ),
                        );
                        self.unknown(&AMI_UNTRUSTED_OWNER, &arn, region, &e);
                        self.unknown(&AMI_OLD, &arn, region, &e);
                    }
                },
                Err(e) => {
                    self.unknown(&AMI_UNTRUSTED_OWNER, &arn, region, e);
                    self.unknown(&AMI_OLD, &arn, region, e);
                }
            }
            if i.state == "running" {
                match &ssm {
                    Ok(s) if s.contains(i.id.as_str()) => self.emit(
                        &NOT_SSM_MANAGED,
                        Status::Pass,
                        &arn,
                        region,
                        text!(
                            "instance {i} is managed by Systems Manager",
                            "インスタンス {i} は Systems Manager の管理下にあります",
                            i = i.id
                        ),
                    ),
                    Ok(_) => self.emit(
                        &NOT_SSM_MANAGED,
                        Status::Fail,
                        &arn,
                        region,
                        text!(
                            "instance {i} is not managed by Systems Manager",
                            "インスタンス {i} は Systems Manager の管理下にありません",
                            i = i.id
                        ),
                    ),
                    Err(e) => self.unknown(&NOT_SSM_MANAGED, &arn, region, e),
                }
            }
            match events {
                Ok(evs) => {
                    let mine: Vec<_> = evs
                        .iter()
                        .filter(|e| {
                            e.instance_id == i.id
                                && !e.description.starts_with("[Completed]")
                                && !e.description.starts_with("[Canceled]")
                        })
                        .collect();
                    if mine.is_empty() {
                        self.emit(
                            &SCHEDULED_EVENT,
                            Status::Pass,
                            &arn,
                            region,
                            text!(
                                "instance {i} has no scheduled event",
                                "インスタンス {i} にスケジュールされたイベントはありません",
                                i = i.id
                            ),
                        );
                    }
                    for ev in mine {
                        let when = ev.not_before.clone().unwrap_or_default();
                        self.emit(&SCHEDULED_EVENT, Status::Fail, &arn, region, text!(
                            "instance {i} has scheduled event {c} from {w}: {d}", "インスタンス {i} にスケジュールされたイベント {c}({w} 以降)があります: {d}",
                            i = i.id, c = ev.code, w = when, d = ev.description));
                    }
                }
                Err(e) => self.unknown(&SCHEDULED_EVENT, &arn, region, e),
            }
            // AUD-21 from the instance's groups
            let sgs: Vec<&SecurityGroup> = i
                .security_groups
                .iter()
                .filter_map(|g| groups.get(g.as_str()).copied())
                .collect();
            let world_443 = sgs
                .iter()
                .any(|g| g.ingress.iter().any(|r| is_world(r) && covers(r, 443)));
            if world_443 && i.state == "running" {
                match &lb_targets {
                    Ok(t) if t.contains(i.id.as_str()) => self.emit(&HTTPS_ON_INSTANCE, Status::Pass, &arn, region, text!(
                        "instance {i} is behind a load balancer", "インスタンス {i} はロードバランサーの背後にあります", i = i.id)),
                    Ok(_) => self.emit(&HTTPS_ON_INSTANCE, Status::Fail, &arn, region, text!(
                        "instance {i} serves HTTPS to the internet itself, not behind a load balancer",
                        "インスタンス {i} はロードバランサーを介さずインターネットに直接 HTTPS を提供しています", i = i.id)),
                    Err(e) => self.unknown(&HTTPS_ON_INSTANCE, &arn, region, e),
                }
            } else if i.state == "running" && r.ec2.security_groups.ok().is_some() {
                self.emit(
                    &HTTPS_ON_INSTANCE,
                    Status::Pass,
                    &arn,
                    region,
                    text!(
                        "instance {i} is not reachable on 443 from the internet",
                        "インスタンス {i} はインターネットから 443 で到達できません",
                        i = i.id
                    ),
                );
            }
            if r.ec2.security_groups.ok().is_some() {
                let db: BTreeSet<u16> = DB_PORTS
                    .iter()
                    .copied()
                    .filter(|p| {
                        sgs.iter().any(|g| {
                            g.ingress
                                .iter()
                                .any(|r| covers(r, *p) && r.protocol != "-1")
                        })
                    })
                    .collect();
                if db.is_empty() {
                    self.emit(
                        &DB_ON_INSTANCE,
                        Status::Pass,
                        &arn,
                        region,
                        text!(
                            "instance {i} accepts no database port",
                            "インスタンス {i} はデータベースのポートを受け付けていません",
                            i = i.id
                        ),
                    );
                } else {
                    let ports = db.iter().map(u16::to_string).collect::<Vec<_>>().join(", ");
                    self.emit(
                        &DB_ON_INSTANCE,
                        Status::Fail,
                        &arn,
                        region,
                        text!(
                            "instance {i} accepts database port(s) {p}",
                            "インスタンス {i} はデータベースのポート {p} を受け付けています",
                            i = i.id,
                            p = ports
                        ),
                    );
                }
            }
        }

        match r.rds.as_ref() {
            Ok(dbs) => {
                for db in dbs {
                    if db.multi_az {
                        self.emit(
                            &RDS_SINGLE_AZ,
                            Status::Pass,
                            &db.arn,
                            region,
                            text!(
                                "RDS instance {d} is Multi-AZ",
                                "RDS インスタンス {d} はマルチ AZ です",
                                d = db.id
                            ),
                        );
                    } else {
                        self.emit(
                            &RDS_SINGLE_AZ,
                            Status::Fail,
                            &db.arn,
                            region,
                            text!(
                                "RDS instance {d} is single-AZ",
                                "RDS インスタンス {d} はシングル AZ です",
                                d = db.id
                            ),
                        );
                    }
                    if db.auto_minor_version_upgrade {
                        self.emit(&RDS_NO_MINOR_UPGRADE, Status::Pass, &db.arn, region, text!("RDS instance {d} upgrades minor versions automatically", "RDS インスタンス {d} は自動でマイナーバージョンアップグレードします", d = db.id));
                    } else {
                        self.emit(&RDS_NO_MINOR_UPGRADE, Status::Fail, &db.arn, region, text!("RDS instance {d} does not upgrade minor versions automatically", "RDS インスタンス {d} は自動マイナーバージョンアップグレードが無効です", d = db.id));
                    }
                }
            }
            Err(e) => {
                let res = self.regional_res("rds", region);
                self.unknown(&RDS_SINGLE_AZ, &res, region, e);
                self.unknown(&RDS_NO_MINOR_UPGRADE, &res, region, e);
            }
        }
    }

    fn security_group(
        &mut self,
        g: &SecurityGroup,
        region: &str,
        in_use: Option<&BTreeSet<&str>>,
        in_use_raw: &Collected<Vec<String>>,
    ) {
        let arn = format!(
            "arn:{}:ec2:{region}:{}:security-group/{}",
            self.partition(),
            self.a.account_id,
            g.id
        );
        let used = in_use.map(|s| s.contains(g.id.as_str()));
        let usage = match used {
            Some(true) => text!("in use", "使用中"),
            Some(false) => text!("unused", "未使用"),
            None => text!("usage unknown", "使用状況不明"),
        };
        let world: Vec<&yagura_inventory::IngressRule> =
            g.ingress.iter().filter(|r| is_world(r)).collect();
        let admin: BTreeSet<u16> = self
            .cfg
            .admin_ports
            .iter()
            .copied()
            .filter(|p| world.iter().any(|r| covers(r, *p)))
            .collect();
        if admin.is_empty() {
            let msg = Text::owned(
                format!(
                    "security group {} ({}) opens no administration port to the world",
                    g.id, usage.en
                ),
                format!(
                    "セキュリティグループ {}({})は管理用ポートを公開していません",
                    g.id, usage.ja
                ),
            );
            self.emit(&SG_ADMIN_PORT_WORLD, Status::Pass, &arn, region, msg);
        } else {
            let ports = admin
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            let msg = Text::owned(
                format!(
                    "security group {} ({}) opens port(s) {ports} to the internet",
                    g.id, usage.en
                ),
                format!(
                    "セキュリティグループ {}({})がポート {ports} をインターネットに公開しています",
                    g.id, usage.ja
                ),
            );
            self.emit(&SG_ADMIN_PORT_WORLD, Status::Fail, &arn, region, msg);
            self.with_evidence("ports", ports);
        }
        if let Some(u) = used {
            self.with_evidence("in_use", u.to_string());
        }
        let other: Vec<String> = world
            .iter()
            .filter_map(|r| {
                let (from, to) = port_range(r);
                let only_public = (from..=to).all(|p| {
                    u16::try_from(p).is_ok_and(|p| {
                        self.cfg.public_ports.contains(&p) || self.cfg.admin_ports.contains(&p)
                    })
                });
                (!only_public).then(|| {
                    if from == to {
                        format!("{}/{from}", r.protocol)
                    } else {
                        format!("{}/{from}-{to}", r.protocol)
                    }
                })
            })
            .collect();
        if other.is_empty() {
            self.emit(
                &SG_PORT_WORLD,
                Status::Pass,
                &arn,
                region,
                text!(
                    "security group {g} opens only web ports to the world, if any",
                    "セキュリティグループ {g} が公開しているのは Web 用ポートのみです",
                    g = g.id
                ),
            );
        } else {
            self.emit(
                &SG_PORT_WORLD,
                Status::Fail,
                &arn,
                region,
                text!(
                    "security group {g} opens {p} to the internet",
                    "セキュリティグループ {g} が {p} をインターネットに公開しています",
                    g = g.id,
                    p = other.join(", ")
                ),
            );
        }
        match used {
            Some(false) if g.name != "default" => self.emit(&SG_UNUSED, Status::Fail, &arn, region, text!(
                "security group {g} is attached to no network interface", "セキュリティグループ {g} はどのネットワークインターフェースにも関連付けられていません", g = g.id)),
            Some(_) => self.emit(&SG_UNUSED, Status::Pass, &arn, region, text!(
                "security group {g} is in use or is a VPC default group", "セキュリティグループ {g} は使用中か VPC のデフォルトグループです", g = g.id)),
            None => {
                if let Collected::Error(e) = in_use_raw {
                    self.unknown(&SG_UNUSED, &arn, region, e);
                }
            }
        }
    }

    fn regional_services(&mut self, r: &Region) {
        let region = r.name.as_str();
        let res = |s: &str| self.regional_res(s, region);
        let (cfg_res, gd_res, insp_res, sh_res, aa_res) = (
            res("config"),
            res("guardduty"),
            res("inspector2"),
            res("securityhub"),
            res("access-analyzer"),
        );
        match r.config.as_ref() {
            Ok(c) => {
                let recording = c.recorders.iter().any(|r| r.recording && r.all_supported);
                if recording {
                    self.emit(
                        &CONFIG_OFF,
                        Status::Pass,
                        &cfg_res,
                        region,
                        text!(
                            "AWS Config records all resources in {r}",
                            "{r} で AWS Config が全リソースを記録しています",
                            r = region
                        ),
                    );
                    if c.delivery_channels
                        .iter()
                        .any(|d| d.sns_topic_arn.is_some())
                    {
                        self.emit(
                            &CONFIG_NO_NOTIFY,
                            Status::Pass,
                            &cfg_res,
                            region,
                            text!(
                                "AWS Config notifies changes in {r}",
                                "{r} で AWS Config が変更を通知しています",
                                r = region
                            ),
                        );
                    } else {
                        self.emit(
                            &CONFIG_NO_NOTIFY,
                            Status::Fail,
                            &cfg_res,
                            region,
                            text!(
                                "AWS Config in {r} has no delivery channel with an SNS topic",
                                "{r} の AWS Config に SNS トピック付きの配信チャネルがありません",
                                r = region
                            ),
                        );
                    }
                } else if c.recorders.is_empty() {
                    self.emit(
                        &CONFIG_OFF,
                        Status::Fail,
                        &cfg_res,
                        region,
                        text!(
                            "AWS Config has no recorder in {r}",
                            "{r} に AWS Config のレコーダーがありません",
                            r = region
                        ),
                    );
                } else {
                    self.emit(&CONFIG_OFF, Status::Fail, &cfg_res, region, text!("the AWS Config recorder in {r} is stopped or does not record all resources", "{r} の AWS Config レコーダーが停止中か、全リソースを記録していません", r = region));
                }
            }
            Err(e) => {
                self.unknown(&CONFIG_OFF, &cfg_res, region, e);
                self.unknown(&CONFIG_NO_NOTIFY, &cfg_res, region, e);
            }
        }
        match r.guardduty.as_ref() {
            Ok(g) if g.detectors.iter().any(|(_, on)| *on) => {
                self.emit(
                    &GUARDDUTY_OFF,
                    Status::Pass,
                    &gd_res,
                    region,
                    text!(
                        "GuardDuty is enabled in {r}",
                        "{r} で GuardDuty が有効です",
                        r = region
                    ),
                );
                match r.event_rules.as_ref() {
                    Ok(rules) => {
                        let ok = rules.iter().any(|x| {
                            x.enabled
                                && x.targets > 0
                                && x.event_pattern.contains("aws.guardduty")
                                && x.event_pattern.contains("severity")
                        });
                        if ok {
                            self.emit(
                                &GUARDDUTY_NO_NOTIFY,
                                Status::Pass,
                                &gd_res,
                                region,
                                text!(
                                    "GuardDuty findings in {r} are routed by severity",
                                    "{r} の GuardDuty 検出結果は重要度で絞って通知されています",
                                    r = region
                                ),
                            );
                        } else {
                            self.emit(&GUARDDUTY_NO_NOTIFY, Status::Fail, &gd_res, region, text!("no EventBridge rule sends GuardDuty findings of {r} filtered by severity", "{r} の GuardDuty 検出結果を重要度で絞って通知する EventBridge ルールがありません", r = region));
                        }
                    }
                    Err(e) => self.unknown(&GUARDDUTY_NO_NOTIFY, &gd_res, region, e),
                }
            }
            Ok(_) => self.emit(
                &GUARDDUTY_OFF,
                Status::Fail,
                &gd_res,
                region,
                text!(
                    "GuardDuty is not enabled in {r}",
                    "{r} で GuardDuty が有効になっていません",
                    r = region
                ),
            ),
            Err(e) => self.unknown(&GUARDDUTY_OFF, &gd_res, region, e),
        }
        match r.inspector.as_ref() {
            Ok(i)
                if i.state == "ENABLED"
                    && i.resources.get("EC2").is_none_or(|s| s == "ENABLED") =>
            {
                self.emit(
                    &INSPECTOR_OFF,
                    Status::Pass,
                    &insp_res,
                    region,
                    text!(
                        "Amazon Inspector is enabled in {r}",
                        "{r} で Amazon Inspector が有効です",
                        r = region
                    ),
                )
            }
            Ok(i) => self.emit(
                &INSPECTOR_OFF,
                Status::Fail,
                &insp_res,
                region,
                text!(
                    "Amazon Inspector is {s} in {r}",
                    "{r} の Amazon Inspector は {s} です",
                    s = i.state,
                    r = region
                ),
            ),
            Err(e) => self.unknown(&INSPECTOR_OFF, &insp_res, region, e),
        }
        match r.security_hub.as_ref() {
            Ok(h) if h.enabled && !h.standards.is_empty() => self.emit(
                &SECURITYHUB_OFF,
                Status::Pass,
                &sh_res,
                region,
                text!(
                    "Security Hub is enabled in {r} with {n} standard(s)",
                    "{r} で Security Hub が {n} 個の標準とともに有効です",
                    r = region,
                    n = h.standards.len()
                ),
            ),
            Ok(h) if h.enabled => self.emit(
                &SECURITYHUB_OFF,
                Status::Fail,
                &sh_res,
                region,
                text!(
                    "Security Hub is enabled in {r} but no standard is",
                    "{r} で Security Hub は有効ですが標準が有効になっていません",
                    r = region
                ),
            ),
            Ok(_) => self.emit(
                &SECURITYHUB_OFF,
                Status::Fail,
                &sh_res,
                region,
                text!(
                    "Security Hub is not enabled in {r}",
                    "{r} で Security Hub が有効になっていません",
                    r = region
                ),
            ),
            Err(e) => self.unknown(&SECURITYHUB_OFF, &sh_res, region, e),
        }
        match r.access_analyzer.as_ref() {
            Ok(a) => {
                if a.analyzers.is_empty() {
                    self.emit(
                        &ANALYZER_OFF,
                        Status::Fail,
                        &aa_res,
                        region,
                        text!(
                            "no IAM Access Analyzer is active in {r}",
                            "{r} に有効な IAM Access Analyzer がありません",
                            r = region
                        ),
                    );
                } else {
                    self.emit(
                        &ANALYZER_OFF,
                        Status::Pass,
                        &aa_res,
                        region,
                        text!(
                            "IAM Access Analyzer is active in {r}",
                            "{r} で IAM Access Analyzer が有効です",
                            r = region
                        ),
                    );
                }
                for f in &a.active_findings {
                    self.emit(
                        &ANALYZER_FINDING,
                        Status::Fail,
                        &f.resource,
                        region,
                        text!(
                            "{t} `{res}` is accessible from outside the account{p}",
                            "{t} `{res}` はアカウント外{p}からアクセスできます",
                            t = f.resource_type,
                            res = f.resource,
                            p = if f.principal.is_empty() {
                                String::new()
                            } else {
                                format!(" ({})", f.principal)
                            }
                        ),
                    );
                    self.with_evidence("finding_id", f.id.clone());
                }
            }
            Err(e) => {
                self.unknown(&ANALYZER_OFF, &aa_res, region, e);
                self.unknown(&ANALYZER_FINDING, &aa_res, region, e);
            }
        }
    }

    fn cloudtrail(
        &mut self,
        trails: &[&yagura_inventory::Trail],
        errors: &[(&str, &CollectError)],
    ) {
        let acct = self.account_res();
        let mut seen = BTreeSet::new();
        let unique: Vec<&yagura_inventory::Trail> = trails
            .iter()
            .copied()
            .filter(|t| seen.insert(t.arn.as_str()))
            .collect();
        if unique.iter().any(|t| t.multi_region && t.logging) {
            self.emit(
                &TRAIL_MULTI_REGION,
                Status::Pass,
                &acct,
                GLOBAL,
                text!(
                    "a multi-region trail is logging",
                    "マルチリージョン証跡がログを記録しています"
                ),
            );
        } else if let Some((region, e)) = errors.first() {
            let e = (*e).clone();
            self.unknown(&TRAIL_MULTI_REGION, &acct, region, &e);
        } else if self.a.regions.is_empty() {
            // nothing was scanned
        } else {
            self.emit(
                &TRAIL_MULTI_REGION,
                Status::Fail,
                &acct,
                GLOBAL,
                text!(
                    "no multi-region trail is logging",
                    "ログを記録しているマルチリージョン証跡がありません"
                ),
            );
        }
        for t in unique {
            if t.log_file_validation {
                self.emit(
                    &TRAIL_VALIDATION,
                    Status::Pass,
                    &t.arn,
                    &t.home_region,
                    text!(
                        "trail `{n}` validates its log files",
                        "証跡 `{n}` はログファイルを検証しています",
                        n = t.name
                    ),
                );
            } else {
                self.emit(
                    &TRAIL_VALIDATION,
                    Status::Fail,
                    &t.arn,
                    &t.home_region,
                    text!(
                        "trail `{n}` does not validate its log files",
                        "証跡 `{n}` はログファイルを検証していません",
                        n = t.name
                    ),
                );
            }
        }
    }
}

/// A policy document's answers to the audit's questions, or why it could not be read.
type DocFacts = Result<PolicyFacts, CollectError>;

fn policy_error(e: &yagura_iam::Error) -> CollectError {
    CollectError::new("policy", "InvalidPolicyDocument", &e.to_string())
}

fn doc_facts(source: &str, text: &str) -> DocFacts {
    Policy::parse(source, text)
        .map(|p| PolicyFacts::of(&p))
        .map_err(|e| policy_error(&e))
}

/// Names the policy that makes a principal admin-equivalent: the first one that does on its
/// own (with the denies of all its policies), else the policies that do together.
fn admin_through(
    attached: &[AttachedPolicy],
    inline: &[InlinePolicy],
    all: PolicyFacts,
    managed_facts: &HashMap<&str, DocFacts>,
    inline_facts: &HashMap<&str, DocFacts>,
) -> String {
    let alone = |f: Option<&DocFacts>| {
        f.and_then(|f| f.as_ref().ok())
            .is_some_and(|f| facts::is_admin(f.allow & !all.deny))
    };
    for p in attached {
        if alone(managed_facts.get(p.arn.as_str())) {
            return p.name.clone();
        }
    }
    for p in inline {
        if alone(inline_facts.get(p.document.as_str())) {
            return format!("{} (inline)", p.name);
        }
    }
    let names: Vec<String> = attached
        .iter()
        .map(|p| p.name.clone())
        .chain(inline.iter().map(|p| format!("{} (inline)", p.name)))
        .collect();
    names.join(" + ")
}

fn is_world(r: &yagura_inventory::IngressRule) -> bool {
    r.ipv4_ranges.iter().any(|c| c == "0.0.0.0/0") || r.ipv6_ranges.iter().any(|c| c == "::/0")
}

fn port_range(r: &yagura_inventory::IngressRule) -> (i32, i32) {
    if r.protocol == "-1" {
        return (0, 65535);
    }
    match (r.from_port, r.to_port) {
        (Some(f), Some(t)) if f >= 0 && t >= f => (f, t),
        (Some(f), None) => (f, f),
        _ => (0, 65535),
    }
}

fn covers(r: &yagura_inventory::IngressRule, port: u16) -> bool {
    if r.protocol != "-1"
        && r.protocol != "tcp"
        && r.protocol != "6"
        && r.protocol != "udp"
        && r.protocol != "17"
    {
        return false;
    }
    let (f, t) = port_range(r);
    (f..=t).contains(&i32::from(port))
}
