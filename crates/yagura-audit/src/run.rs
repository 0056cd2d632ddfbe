//! The evaluation: every check of [`crate::checks`] over every account of an inventory.
//!
//! A check is a function of one *scope* ([`Eval`]): the account, a region, a row of the
//! credential report, an IAM principal, a bucket, a security group, an instance or an RDS
//! instance. The runner walks the inventory once per scope, builds each subject's resource name
//! once, and calls the checks of that scope on it. A check takes data only through
//! [`Cx::need`] (and [`Cx::read`] where it decides itself what a missing piece means): a piece
//! that could not be read, or that the check's declaration does not name, ends the check on
//! that subject with an UNKNOWN finding carrying the collector's error. When the list a scope
//! walks (the instances of a region, the buckets …) could not be read, every check of the scope
//! is UNKNOWN once, on the list.

use crate::data::{self, Data};
use crate::scope::{Principal, Reg};
use crate::AuditConfig;
use yagura_core::{CheckMeta, Finding, Status};
use yagura_inventory::{
    Account, Bucket, CollectError, CredentialReportRow, DbInstance, Instance, ReportAccessKey,
    SecurityGroup,
};

/// What a check returns: done, or the data it lacked on this subject.
pub(crate) type Outcome = Result<(), Missing>;

/// Why a check could not decide on its subject.
#[derive(Debug)]
pub(crate) struct Missing {
    pub error: CollectError,
    /// The region of the missing piece when it is regional (else the subject's).
    pub region: Option<String>,
}

impl Missing {
    pub fn new(error: CollectError) -> Missing {
        Missing {
            error,
            region: None,
        }
    }
}

/// The resource and region a check speaks about.
#[derive(Debug, Clone, Copy)]
pub(crate) struct At<'s> {
    pub resource: &'s str,
    pub region: &'s str,
}

/// A check: its declaration and its evaluation.
pub(crate) struct Check {
    pub meta: &'static CheckMeta,
    pub eval: Eval,
}

/// A check with the bit set of the data it declares, as the runner holds it.
pub(crate) struct Entry {
    pub check: &'static Check,
    pub mask: crate::data::Mask,
}

impl Entry {
    pub fn of(check: &'static Check) -> Entry {
        Entry {
            check,
            mask: data::mask(check.meta.needs),
        }
    }
}

/// Which kinds of IAM principal a principal check looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    User,
    Group,
    Role,
}

/// The scope of a check and its function.
pub(crate) enum Eval {
    /// Once per account; the subject is the account (`arn:aws:iam::ID:root`, region `global`).
    Account(fn(&mut Cx<'_>, At<'_>) -> Outcome),
    /// Once per region; the subject is `arn:aws:SERVICE:REGION:ID:account`.
    Region(&'static str, fn(&mut Cx<'_>, &Reg<'_>, At<'_>) -> Outcome),
    /// Once per row of the credential report but root's (`iam.credential_report`).
    User(fn(&mut Cx<'_>, &CredentialReportRow, At<'_>) -> Outcome),
    /// Once per active access key of those rows (`USER_ARN#access-key-SLOT`).
    AccessKey(fn(&mut Cx<'_>, &CredentialReportRow, &ReportAccessKey, At<'_>) -> Outcome),
    /// Once per user, group and role (but service-linked roles) of `kinds`, in accounts where
    /// `applies` holds (`iam.users`, `iam.groups`, `iam.roles`).
    Principal {
        kinds: &'static [Kind],
        applies: fn(&Account) -> bool,
        eval: for<'a> fn(&mut Cx<'a>, &Principal<'a>, At<'_>) -> Outcome,
    },
    /// Once per bucket (`s3.buckets`).
    Bucket(fn(&mut Cx<'_>, &Bucket, At<'_>) -> Outcome),
    /// Once per security group of each region (`regions.ec2.security_groups`).
    SecurityGroup(fn(&mut Cx<'_>, &Reg<'_>, &SecurityGroup, At<'_>) -> Outcome),
    /// Once per instance that is not terminated or shutting down (`regions.ec2.instances`).
    Instance(fn(&mut Cx<'_>, &Reg<'_>, &Instance, At<'_>) -> Outcome),
    /// Once per RDS instance (`regions.rds`).
    Db(fn(&mut Cx<'_>, &DbInstance, At<'_>) -> Outcome),
}

impl Eval {
    /// The list the scope walks, which every check of the scope declares.
    #[cfg(test)]
    pub fn list(&self) -> Option<&'static str> {
        match self {
            Eval::Account(_) | Eval::Region(..) | Eval::Principal { .. } => None,
            Eval::User(_) | Eval::AccessKey(_) => Some(crate::data::CREDENTIAL_REPORT.name),
            Eval::Bucket(_) => Some(crate::data::BUCKETS.name),
            Eval::SecurityGroup(_) => Some(crate::data::SECURITY_GROUPS.name),
            Eval::Instance(_) => Some(crate::data::INSTANCES.name),
            Eval::Db(_) => Some(crate::data::RDS.name),
        }
    }
}

/// What a check sees of the run: the configuration, the account, and where findings go.
pub(crate) struct Cx<'a> {
    pub cfg: &'a AuditConfig,
    pub account: &'a Account,
    /// The running check, and the data its declaration names ([`data::mask`]).
    meta: Option<&'static CheckMeta>,
    mask: crate::data::Mask,
    out: &'a mut Vec<Finding>,
    pub(crate) docs: crate::policy::Docs<'a>,
    /// The inventory's escalation graph, for the checks that ask about paths to admin.
    pub(crate) escalation: &'a crate::escalation::Escalation<'a>,
    /// The resource of the last finding: the checks of one subject share its string.
    last_resource: Option<std::sync::Arc<str>>,
}

impl<'a> Cx<'a> {
    /// The context of one account's evaluation, writing into `out`.
    pub(crate) fn new(
        cfg: &'a AuditConfig,
        account: &'a Account,
        out: &'a mut Vec<Finding>,
        escalation: &'a crate::escalation::Escalation<'a>,
    ) -> Cx<'a> {
        Cx {
            cfg,
            account,
            meta: None,
            mask: 0,
            out,
            docs: crate::policy::Docs::new(&account.iam),
            escalation,
            last_resource: None,
        }
    }

    /// A piece of the account's data the check declares, or [`Missing`].
    pub fn need<T>(&self, d: &Data<Account, T>) -> Result<&'a T, Missing> {
        self.need_in(d, self.account)
    }

    /// A piece of a region's (or a bucket's …) data the check declares, or [`Missing`].
    pub fn need_in<'b, S, T>(&self, d: &Data<S, T>, s: &'b S) -> Result<&'b T, Missing> {
        match self.read_in(d, s)? {
            Ok(v) => Ok(v),
            Err(e) => Err(Missing {
                error: e.clone(),
                region: (d.region)(s).map(str::to_string),
            }),
        }
    }

    /// Like [`Cx::need`], for a check that decides itself what an unreadable piece means; only
    /// an undeclared piece is [`Missing`].
    pub fn read<T>(
        &self,
        d: &Data<Account, T>,
    ) -> Result<Result<&'a T, &'a CollectError>, Missing> {
        self.read_in(d, self.account)
    }

    pub fn read_in<'b, S, T>(
        &self,
        d: &Data<S, T>,
        s: &'b S,
    ) -> Result<Result<&'b T, &'b CollectError>, Missing> {
        self.declared(d)?;
        Ok((d.get)(s).as_ref())
    }

    /// An error unless the running check's declaration names `d`.
    pub fn declared<S, T>(&self, d: &Data<S, T>) -> Result<(), Missing> {
        if self.mask & d.bit != 0 {
            return Ok(());
        }
        Err(Missing::new(CollectError::new(
            "audit",
            "UndeclaredData",
            &format!(
                "check `{}` reads `{}`, which its declaration does not name",
                self.meta.map_or("?", |m| m.id),
                d.name
            ),
        )))
    }

    /// A finding of the running check.
    pub fn emit(&mut self, at: At<'_>, status: Status, msg: impl Into<yagura_core::Message>) {
        let Some(meta) = self.meta else { return };
        let resource = match &self.last_resource {
            Some(r) if **r == *at.resource => r.clone(),
            _ => {
                let r: std::sync::Arc<str> = at.resource.into();
                self.last_resource = Some(r.clone());
                r
            }
        };
        self.out.push(Finding::new(
            meta.id,
            status,
            meta.severity,
            resource,
            self.account.account_id.as_str(),
            at.region,
            msg,
        ));
    }

    /// Evidence on the last finding.
    pub fn evidence(&mut self, key: &str, value: impl Into<String>) {
        if let Some(f) = self.out.last_mut() {
            f.evidence.insert(key.to_string(), value.into());
        }
    }

    /// An UNKNOWN finding on `at` with `error`, for a check that judges several subjects and
    /// lacks the data of one of them.
    pub fn unknown_on(&mut self, at: At<'_>, error: CollectError) {
        self.unknown(at, &Missing::new(error));
    }

    fn unknown(&mut self, at: At<'_>, m: &Missing) {
        let err = &m.error;
        let msg = yagura_core::msg!(
            "could not read the data for this check ({err}); the result is unknown",
            "このチェックに必要なデータを読み取れませんでした({err_ja})。結果は不明です",
            err = err,
            err_ja = err.ja()
        );
        let region = m.region.as_deref().unwrap_or(at.region);
        self.emit(At { region, ..at }, Status::Unknown, msg);
    }

    /// Runs `f` as `check` on `at`: an UNKNOWN finding when it lacked data.
    pub(crate) fn run(
        &mut self,
        check: &'static CheckMeta,
        mask: crate::data::Mask,
        at: At<'_>,
        f: impl FnOnce(&mut Self) -> Outcome,
    ) {
        self.meta = Some(check);
        self.mask = mask;
        if let Err(m) = f(self) {
            self.unknown(at, &m);
        }
    }

    /// Every check of `checks` UNKNOWN on `at` with `list`'s error.
    pub(crate) fn list_missing<'c, I>(&mut self, checks: I, at: At<'_>, e: &CollectError)
    where
        I: IntoIterator<Item = &'c Entry>,
    {
        for c in checks {
            self.meta = Some(c.check.meta);
            self.unknown(at, &Missing::new(e.clone()));
        }
    }

    pub fn partition(&self) -> &'a str {
        crate::tags::partition(self.account)
    }

    /// `arn:aws:iam::ID:root`.
    pub fn account_res(&self) -> String {
        format!(
            "arn:{}:iam::{}:root",
            self.partition(),
            self.account.account_id
        )
    }

    /// `arn:aws:SERVICE:REGION:ID:account`.
    pub fn regional_res(&self, service: &str, region: &str) -> String {
        format!(
            "arn:{}:{service}:{region}:{}:account",
            self.partition(),
            self.account.account_id
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use yagura_inventory::Inventory;

    #[test]
    fn a_piece_the_declaration_does_not_name_is_refused() {
        let cfg = AuditConfig::default();
        let account = Account {
            account_id: "111122223333".into(),
            ..Account::default()
        };
        let meta = crate::checks::CHECKS
            .iter()
            .find(|c| c.id == "root-mfa-disabled")
            .unwrap();
        let mut out = Vec::new();
        let inv = Inventory::empty("2026-11-01T00:00:00Z");
        let escalation = crate::escalation::Escalation::new(&inv);
        {
            let mut cx = Cx::new(&cfg, &account, &mut out, &escalation);
            let at = At {
                resource: "arn:aws:iam::111122223333:root",
                region: "global",
            };
            // root-mfa-disabled declares iam.summary only.
            cx.run(meta, data::mask(meta.needs), at, |cx| {
                cx.need(&data::CREDENTIAL_REPORT)?;
                Ok(())
            });
        }
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].status, Status::Unknown);
        assert!(
            out[0].message.en().contains("UndeclaredData")
                && out[0].message.en().contains("`iam.credential_report`"),
            "{}",
            out[0].message.en()
        );
    }
}
