//! Walking an account's scopes: the account itself, the credential report's rows, the IAM
//! principals, the buckets, and per region the region, its security groups, instances and RDS
//! instances. Each subject's resource name is built once and every check of the scope runs on
//! it; a list that could not be read makes each check of its scope UNKNOWN once, on the list.

use crate::data;
use crate::run::{At, Check, Cx, Entry, Eval, Kind, Outcome};
use crate::scope::{Principal, Reg, GLOBAL};
use yagura_inventory::{Account, CollectError, Collected};

/// Every check of the account but the principal checks (which read the escalation graph:
/// [`principals`] runs them once the graph is built).
pub(crate) fn evaluate_account_but_principals(cx: &mut Cx<'_>) {
    let all = crate::checks::ALL;
    let acct = cx.account_res();
    let at = At {
        resource: &acct,
        region: GLOBAL,
    };
    for c in all {
        if let Eval::Account(f) = c.eval {
            cx.run(c.meta, data::mask(c.meta.needs), at, |cx| f(cx, at));
        }
    }
    users(cx, all);
    buckets(cx, all);
    let account: &Account = cx.account;
    for region in &account.regions {
        let reg = Reg::new(region);
        regional(cx, all, &reg);
    }
}

fn len<T>(list: &Collected<Vec<T>>) -> usize {
    list.as_ref().map_or(0, Vec::len)
}

/// How many findings the walk of `account` writes, about: one per check and subject of each
/// scope (a check may write more, or none). The runner reserves it, so that an Organization's
/// millions of findings are written once and never moved while their vector grows. The first
/// count is [`evaluate_account_but_principals`]'s, the second [`principals`]'s.
pub(crate) fn expected_findings(account: &Account, all: &[&'static Check]) -> (usize, usize) {
    let per = |pick: fn(&Eval) -> bool| all.iter().filter(|c| pick(&c.eval)).count();
    let mut others = per(|e| matches!(e, Eval::Account(_)));
    if let Ok(report) = account.iam.credential_report.as_ref() {
        let keys: usize = report.iter().map(|r| r.access_keys.len()).sum();
        others += report.len() * per(|e| matches!(e, Eval::User(_)))
            + keys * per(|e| matches!(e, Eval::AccessKey(_)));
    }
    if let Ok(buckets) = account.s3.buckets.as_ref() {
        others += buckets.len() * per(|e| matches!(e, Eval::Bucket(_)));
    }
    let (region, group, instance, db) = (
        per(|e| matches!(e, Eval::Region(..))),
        per(|e| matches!(e, Eval::SecurityGroup(_))),
        per(|e| matches!(e, Eval::Instance(_))),
        per(|e| matches!(e, Eval::Db(_))),
    );
    for r in &account.regions {
        let groups = len(&r.ec2.security_groups);
        let instances = len(&r.ec2.instances);
        others += region + groups * group + instances * instance + len(&r.rds) * db;
    }
    let of_kind = |kind: Kind| {
        all.iter()
            .filter(|c| {
                matches!(c.eval, Eval::Principal { kinds, applies, .. }
                    if kinds.contains(&kind) && applies(account))
            })
            .count()
    };
    let iam = &account.iam;
    let principals = len(&iam.users) * of_kind(Kind::User)
        + len(&iam.groups) * of_kind(Kind::Group)
        + len(&iam.roles) * of_kind(Kind::Role);
    (others, principals)
}

/// Runs each of `checks` on `at` through `call`, which evaluates a check of the scope at hand
/// (and gives `None` for any other).
fn run_all<'a>(
    cx: &mut Cx<'a>,
    checks: &[Entry],
    at: At<'_>,
    call: impl Fn(&Eval, &mut Cx<'a>) -> Option<Outcome>,
) {
    for e in checks {
        let c = e.check;
        cx.run(c.meta, e.mask, at, |cx| call(&c.eval, cx).unwrap_or(Ok(())));
    }
}

/// The checks of `all` whose scope `pick` accepts.
fn of(all: &[&'static Check], pick: fn(&Eval) -> bool) -> Vec<Entry> {
    all.iter()
        .filter(|c| pick(&c.eval))
        .map(|c| Entry::of(c))
        .collect()
}

fn users(cx: &mut Cx<'_>, all: &[&'static Check]) {
    let checks = of(all, |e| matches!(e, Eval::User(_) | Eval::AccessKey(_)));
    let account: &Account = cx.account;
    let report = match account.iam.credential_report.as_ref() {
        Ok(r) => r,
        Err(e) => {
            let id = cx.account.account_id.clone();
            let at = At {
                resource: &id,
                region: GLOBAL,
            };
            return cx.list_missing(&checks, at, e);
        }
    };
    for row in report.iter().filter(|r| r.user != "<root_account>") {
        let at = At {
            resource: &row.arn,
            region: GLOBAL,
        };
        run_all(cx, &checks, at, |e, cx| match *e {
            Eval::User(f) => Some(f(cx, row, at)),
            _ => None,
        });
        for k in row.access_keys.iter().filter(|k| k.active) {
            let res = format!("{}#access-key-{}", row.arn, k.slot);
            let at = At {
                resource: &res,
                region: GLOBAL,
            };
            run_all(cx, &checks, at, |e, cx| match *e {
                Eval::AccessKey(f) => Some(f(cx, row, k, at)),
                _ => None,
            });
        }
    }
}

fn buckets(cx: &mut Cx<'_>, all: &[&'static Check]) {
    let checks = of(all, |e| matches!(e, Eval::Bucket(_)));
    let account: &Account = cx.account;
    let list = match account.s3.buckets.as_ref() {
        Ok(b) => b,
        Err(e) => {
            let res = format!("{}#buckets", cx.account.account_id);
            let at = At {
                resource: &res,
                region: GLOBAL,
            };
            return cx.list_missing(&checks, at, e);
        }
    };
    let partition = cx.partition();
    for b in list {
        let arn = ["arn:", partition, ":s3:::", &b.name].concat();
        let region = if b.region.is_empty() {
            GLOBAL
        } else {
            b.region.as_str()
        };
        let at = At {
            resource: &arn,
            region,
        };
        run_all(cx, &checks, at, |e, cx| match *e {
            Eval::Bucket(f) => Some(f(cx, b, at)),
            _ => None,
        });
    }
}

/// The list of a regional scope, or every check of the scope UNKNOWN on the region's `service`
/// resource.
fn regional_list<'a, T>(
    cx: &mut Cx<'a>,
    checks: &[Entry],
    reg: &Reg<'a>,
    service: &str,
    list: &'a Collected<Vec<T>>,
) -> Option<&'a [T]> {
    match list.as_ref() {
        Ok(l) => Some(l),
        Err(e) => {
            let res = cx.regional_res(service, &reg.region.name);
            let at = At {
                resource: &res,
                region: &reg.region.name,
            };
            cx.list_missing(checks, at, e);
            None
        }
    }
}

fn regional<'a>(cx: &mut Cx<'a>, all: &[&'static Check], reg: &Reg<'a>) {
    let region = reg.region.name.as_str();
    for c in all {
        if let Eval::Region(service, f) = c.eval {
            let res = cx.regional_res(service, region);
            let at = At {
                resource: &res,
                region,
            };
            cx.run(c.meta, data::mask(c.meta.needs), at, |cx| f(cx, reg, at));
        }
    }
    let account: &Account = cx.account;

    let checks = of(all, |e| matches!(e, Eval::SecurityGroup(_)));
    let groups = &reg.region.ec2.security_groups;
    for g in regional_list(cx, &checks, reg, "ec2", groups).unwrap_or_default() {
        let arn = crate::tags::ec2_arn(account, region, "security-group", &g.id);
        let at = At {
            resource: &arn,
            region,
        };
        run_all(cx, &checks, at, |e, cx| match *e {
            Eval::SecurityGroup(f) => Some(f(cx, reg, g, at)),
            _ => None,
        });
    }

    let checks = of(all, |e| matches!(e, Eval::Instance(_)));
    let instances = &reg.region.ec2.instances;
    for i in regional_list(cx, &checks, reg, "ec2", instances)
        .unwrap_or_default()
        .iter()
        .filter(|i| i.state != "terminated" && i.state != "shutting-down")
    {
        let arn = crate::tags::ec2_arn(account, region, "instance", &i.id);
        let at = At {
            resource: &arn,
            region,
        };
        run_all(cx, &checks, at, |e, cx| match *e {
            Eval::Instance(f) => Some(f(cx, reg, i, at)),
            _ => None,
        });
    }

    let checks = of(all, |e| matches!(e, Eval::Db(_)));
    for db in regional_list(cx, &checks, reg, "rds", &reg.region.rds).unwrap_or_default() {
        let at = At {
            resource: &db.arn,
            region,
        };
        run_all(cx, &checks, at, |e, cx| match *e {
            Eval::Db(f) => Some(f(cx, db, at)),
            _ => None,
        });
    }
}

/// Runs the principal checks of `all` over the account's users, groups and roles (but
/// service-linked roles).
pub(crate) fn principals<'a>(cx: &mut Cx<'a>, all: &[&'static Check]) {
    let account: &'a Account = cx.account;
    let iam = &account.iam;
    let checks: Vec<Entry> = all
        .iter()
        .filter(|c| matches!(c.eval, Eval::Principal { applies, .. } if applies(account)))
        .map(|c| Entry::of(c))
        .collect();
    if checks.is_empty() {
        return;
    }
    let missing = |cx: &mut Cx<'a>, kind: Kind, what: &str, e: &CollectError| {
        let res = format!("{}#{what}", account.account_id);
        let of_kind = checks.iter().filter(
            |e| matches!(e.check.eval, Eval::Principal { kinds, .. } if kinds.contains(&kind)),
        );
        let at = At {
            resource: &res,
            region: GLOBAL,
        };
        cx.list_missing(of_kind, at, e);
    };
    let each = |cx: &mut Cx<'a>, p: Principal<'a>| {
        let at = At {
            resource: p.arn,
            region: GLOBAL,
        };
        run_all(cx, &checks, at, |e, cx| match *e {
            Eval::Principal { kinds, eval, .. } if kinds.contains(&p.kind) => {
                Some(eval(cx, &p, at))
            }
            _ => None,
        });
    };
    match iam.users.as_ref() {
        Ok(us) => {
            for u in us {
                let (a, i) = (&u.attached_policies, &u.inline_policies);
                each(cx, Principal::new(Kind::User, &u.name, &u.arn, a, i, None));
            }
        }
        Err(e) => missing(cx, Kind::User, "users", e),
    }
    match iam.groups.as_ref() {
        Ok(gs) => {
            for g in gs {
                let (a, i) = (&g.attached_policies, &g.inline_policies);
                each(cx, Principal::new(Kind::Group, &g.name, &g.arn, a, i, None));
            }
        }
        Err(e) => missing(cx, Kind::Group, "groups", e),
    }
    match iam.roles.as_ref() {
        Ok(rs) => {
            for r in rs
                .iter()
                .filter(|r| !r.path.starts_with("/aws-service-role/"))
            {
                let (a, i) = (&r.attached_policies, &r.inline_policies);
                each(
                    cx,
                    Principal::new(Kind::Role, &r.name, &r.arn, a, i, Some(r)),
                );
            }
        }
        Err(e) => missing(cx, Kind::Role, "roles", e),
    }
}
