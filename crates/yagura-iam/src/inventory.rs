//! The analysis input from a collected inventory: `yagura iam analyze` on a live account (the
//! collector reads IAM with GetAccountAuthorizationDetails) or `--from-inventory FILE` give the
//! same principals, policies and labels as the GetAccountAuthorizationDetails file of the same
//! account, so the findings are the same.

use crate::analyze::{AccountAuthorization, Labelled, Principal, PrincipalKind};
use crate::policy::Policy;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;
use yagura_inventory::{Account, AttachedPolicy, InlinePolicy, Inventory};

/// One account's IAM part as the analysis input. Parts the collector could not read, policy
/// documents that do not parse and attached policies without a document become `errors`.
pub fn account_authorization<'a>(a: &'a Account) -> AccountAuthorization<'a> {
    let mut out = AccountAuthorization::default();
    let source = format!("inventory of account {}", a.account_id);
    let iam = &a.iam;
    let mut managed: BTreeMap<&str, Arc<Policy>> = BTreeMap::new();
    // `managed ARN`, once per policy.
    let mut managed_labels: BTreeMap<&str, Arc<str>> = BTreeMap::new();
    let managed_readable = match iam.policies.as_ref() {
        Ok(ps) => {
            for p in ps {
                match Policy::parse(&p.arn, &p.document) {
                    Ok(pol) => {
                        managed.insert(p.arn.as_str(), Arc::new(pol));
                        managed_labels.insert(p.arn.as_str(), format!("managed {}", p.arn).into());
                    }
                    Err(e) => out.errors.push(e.to_string()),
                }
            }
            true
        }
        Err(e) => {
            out.errors.push(format!(
                "{source}: managed policies could not be read ({e}); the permissions they grant are unknown"
            ));
            false
        }
    };
    let mut errors = Vec::new();
    // The same inline document is parsed once (errors name each principal's copy).
    let mut parsed: BTreeMap<&str, Arc<Policy>> = BTreeMap::new();
    let mut policies = |owner: &str,
                        attached: &'a [AttachedPolicy],
                        inline: &'a [InlinePolicy],
                        errors: &mut Vec<String>| {
        let mut pols = Vec::new();
        let mut arns = Vec::new();
        for p in inline {
            let label = format!("{owner} inline {}", p.name);
            if let Some(pol) = parsed.get(p.document.as_str()) {
                pols.push((label.into(), pol.clone()));
                continue;
            }
            match Policy::parse(&label, &p.document) {
                Ok(pol) => {
                    let pol = Arc::new(pol);
                    parsed.insert(p.document.as_str(), pol.clone());
                    pols.push((label.into(), pol))
                }
                Err(e) => errors.push(e.to_string()),
            }
        }
        for p in attached {
            arns.push(Cow::Borrowed(p.arn.as_str()));
            match managed.get(p.arn.as_str()) {
                Some(pol) => {
                    let label = managed_labels
                        .get(p.arn.as_str())
                        .cloned()
                        .unwrap_or_else(|| format!("managed {}", p.arn).into());
                    pols.push((label, pol.clone()))
                }
                None if managed_readable => errors.push(format!(
                    "{source}: attached policy `{}` is not in the collected policies; its permissions are unknown",
                    p.arn
                )),
                None => {}
            }
        }
        (pols, arns)
    };
    // As the GetAccountAuthorizationDetails path: a boundary whose document was not collected
    // limits nothing the analysis can see.
    let boundary = |arn: &Option<String>| arn.as_deref().and_then(|a| managed.get(a).cloned());
    let mut groups: BTreeMap<&str, (Vec<Labelled>, Vec<Cow<'a, str>>)> = BTreeMap::new();
    match iam.groups.as_ref() {
        Ok(gs) => {
            for g in gs {
                let (pols, arns) = policies(
                    &format!("group {}", g.name),
                    &g.attached_policies,
                    &g.inline_policies,
                    &mut errors,
                );
                out.principals.push(Principal {
                    kind: PrincipalKind::Group,
                    name: Cow::Borrowed(g.name.as_str()),
                    arn: Cow::Borrowed(g.arn.as_str()),
                    policies: pols.clone(),
                    groups: Cow::Borrowed(&[]),
                    attached_policy_arns: arns.clone(),
                    permission_boundary: None,
                    permission_boundary_arn: None,
                    trust_policy: None,
                    tags: Cow::Owned(BTreeMap::new()),
                    instance_profiles: Cow::Borrowed(&[]),
                });
                groups.insert(g.name.as_str(), (pols, arns));
            }
        }
        Err(e) => errors.push(format!("{source}: groups could not be read ({e})")),
    }
    match iam.users.as_ref() {
        Ok(us) => {
            for u in us {
                let (mut pols, mut arns) = policies(
                    &format!("user {}", u.name),
                    &u.attached_policies,
                    &u.inline_policies,
                    &mut errors,
                );
                for g in &u.groups {
                    if let Some((gp, ga)) = groups.get(g.as_str()) {
                        pols.extend(gp.iter().cloned());
                        arns.extend(ga.iter().cloned());
                    }
                }
                out.principals.push(Principal {
                    kind: PrincipalKind::User,
                    name: Cow::Borrowed(u.name.as_str()),
                    arn: Cow::Borrowed(u.arn.as_str()),
                    policies: pols,
                    groups: Cow::Borrowed(u.groups.as_slice()),
                    attached_policy_arns: arns,
                    permission_boundary: boundary(&u.permissions_boundary),
                    permission_boundary_arn: u.permissions_boundary.as_deref().map(Cow::Borrowed),
                    trust_policy: None,
                    tags: Cow::Borrowed(&u.tags),
                    instance_profiles: Cow::Borrowed(&[]),
                });
            }
        }
        Err(e) => errors.push(format!("{source}: users could not be read ({e})")),
    }
    let mut trusts: BTreeMap<&str, Arc<Policy>> = BTreeMap::new();
    match iam.roles.as_ref() {
        Ok(rs) => {
            for r in rs {
                let (pols, arns) = policies(
                    &format!("role {}", r.name),
                    &r.attached_policies,
                    &r.inline_policies,
                    &mut errors,
                );
                // Roles made from one template share their trust document: parsed once.
                let trust = if r.trust_policy.is_empty() {
                    None
                } else if let Some(p) = trusts.get(r.trust_policy.as_str()) {
                    Some(p.clone())
                } else {
                    match Policy::parse(&format!("role {} trust policy", r.name), &r.trust_policy) {
                        Ok(p) => {
                            let p = Arc::new(p);
                            trusts.insert(r.trust_policy.as_str(), p.clone());
                            Some(p)
                        }
                        Err(e) => {
                            errors.push(e.to_string());
                            None
                        }
                    }
                };
                out.principals.push(Principal {
                    kind: PrincipalKind::Role,
                    name: Cow::Borrowed(r.name.as_str()),
                    arn: Cow::Borrowed(r.arn.as_str()),
                    policies: pols,
                    groups: Cow::Borrowed(&[]),
                    attached_policy_arns: arns,
                    permission_boundary: boundary(&r.permissions_boundary),
                    permission_boundary_arn: r.permissions_boundary.as_deref().map(Cow::Borrowed),
                    trust_policy: trust,
                    tags: Cow::Borrowed(&r.tags),
                    instance_profiles: Cow::Borrowed(r.instance_profiles.as_slice()),
                });
            }
        }
        Err(e) => errors.push(format!("{source}: roles could not be read ({e})")),
    }
    out.errors.extend(errors);
    out.managed = managed
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    out
}

/// Every account of an inventory, in order.
pub fn authorizations(inv: &Inventory) -> Vec<(String, AccountAuthorization<'_>)> {
    inv.accounts
        .iter()
        .map(|a| (a.account_id.clone(), account_authorization(a)))
        .collect()
}
