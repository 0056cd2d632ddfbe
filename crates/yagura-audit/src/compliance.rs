//! The compliance frameworks the audit reports on (`yagura audit --compliance`,
//! `--list-compliance`): each framework's requirement list, embedded as a compact table
//! generated from the framework's published list (`scripts/compliance_catalogue.py`; ids,
//! sections, titles and whether the framework marks the requirement Manual), the checks mapped
//! to each requirement (the `compliance:` lines of the check declarations) and what to look at
//! for the Manual requirements no check judges ([`MANUAL`]).
//!
//! A requirement is *automated* when a check maps to it, *manual* when the framework marks it
//! Manual and [`MANUAL`] describes it, else *not covered*.

mod manual;

pub use manual::{Manual, MANUAL};

use crate::checks::CHECKS;
use std::collections::{BTreeSet, HashMap};
use yagura_core::compliance::{ComplianceTable, RequirementResult, RequirementStatus};
use yagura_core::{CheckMeta, Finding, Status};

/// CIS Amazon Web Services Foundations Benchmark v3.0.0.
pub const CIS_3_0: &str = "cis-aws-foundations-3.0";
/// CIS Amazon Web Services Foundations Benchmark v7.0.0.
pub const CIS_7_0: &str = "cis-aws-foundations-7.0";
/// AWS Foundational Security Best Practices.
pub const FSBP: &str = "aws-fsbp";

/// A framework: its key (as the checks' `compliance:` lines spell it), its short alias and its
/// requirement table.
#[derive(Debug)]
pub struct Framework {
    pub key: &'static str,
    pub alias: &'static str,
    pub name: &'static str,
    table: &'static str,
}

/// Every framework, in the order `--list-compliance` lists them.
pub static FRAMEWORKS: &[Framework] = &[
    Framework {
        key: CIS_7_0,
        alias: "cis-7.0",
        name: "CIS Amazon Web Services Foundations Benchmark v7.0.0",
        table: include_str!("compliance/cis-aws-foundations-7.0.tsv"),
    },
    Framework {
        key: CIS_3_0,
        alias: "cis-3.0",
        name: "CIS Amazon Web Services Foundations Benchmark v3.0.0",
        table: include_str!("compliance/cis-aws-foundations-3.0.tsv"),
    },
    Framework {
        key: FSBP,
        alias: "fsbp",
        name: "AWS Foundational Security Best Practices",
        table: include_str!("compliance/aws-fsbp.tsv"),
    },
];

/// One requirement of a framework.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirement {
    pub id: &'static str,
    /// The framework marks it Manual (CIS's assessment status).
    pub manual: bool,
    pub section: &'static str,
    pub title: &'static str,
}

/// How many requirements of a framework are automated, manual and not covered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Coverage {
    pub automated: usize,
    pub manual: usize,
    pub not_covered: usize,
}

/// A framework name that is neither a key nor an alias.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown compliance framework `{0}` (`yagura audit --list-compliance` lists them: {1})")]
pub struct UnknownFramework(pub String, pub String);

/// The framework of a key or alias (`cis-aws-foundations-7.0` or `cis-7.0`).
pub fn framework(name: &str) -> Result<&'static Framework, UnknownFramework> {
    FRAMEWORKS
        .iter()
        .find(|f| f.key == name || f.alias == name)
        .ok_or_else(|| {
            let all: Vec<String> = FRAMEWORKS
                .iter()
                .map(|f| format!("{} ({})", f.alias, f.key))
                .collect();
            UnknownFramework(name.to_string(), all.join(", "))
        })
}

/// A key that sorts requirement ids naturally (`1.2` before `1.10`, `EC2.9` before `EC2.10`).
pub fn natural_key(id: &str) -> Vec<(Option<u64>, &str)> {
    id.split('.').map(|p| (p.parse().ok(), p)).collect()
}

impl Framework {
    /// The requirements, in the framework's natural order.
    pub fn requirements(&self) -> Vec<Requirement> {
        let mut v: Vec<Requirement> = self.table_rows().collect();
        v.sort_by_cached_key(|r| natural_key(r.id));
        v
    }

    /// The requirements in the order of the framework's published list.
    pub fn table_rows(&self) -> impl Iterator<Item = Requirement> {
        self.table.lines().filter_map(|l| {
            let mut f = l.split('\t');
            let (id, kind, section, title) = (f.next()?, f.next()?, f.next()?, f.next()?);
            Some(Requirement {
                id,
                manual: kind == "M",
                section,
                title,
            })
        })
    }

    /// The checks mapped to a requirement, in catalogue order.
    pub fn checks_of(&self, id: &str) -> Vec<&'static CheckMeta> {
        CHECKS
            .iter()
            .copied()
            .filter(|c| self.ids_of(c).contains(&id))
            .collect()
    }

    /// The requirement ids of this framework a check maps to.
    pub fn ids_of(&self, check: &CheckMeta) -> &'static [&'static str] {
        check
            .compliance
            .iter()
            .find(|(fw, _)| *fw == self.key)
            .map_or(&[], |(_, ids)| *ids)
    }

    /// Whether a check maps to some requirement of this framework.
    pub fn maps(&self, check: &CheckMeta) -> bool {
        !self.ids_of(check).is_empty()
    }

    /// What to look at for a Manual requirement no check judges.
    pub fn manual(&self, id: &str) -> Option<&'static Manual> {
        MANUAL
            .iter()
            .find(|m| m.ids.iter().any(|(fw, i)| *fw == self.key && *i == id))
    }

    /// Automated / manual / not covered counts of the catalogue.
    pub fn coverage(&self) -> Coverage {
        let mut c = Coverage::default();
        for r in self.table_rows() {
            if !self.checks_of(r.id).is_empty() {
                c.automated += 1;
            } else if r.manual && self.manual(r.id).is_some() {
                c.manual += 1;
            } else {
                c.not_covered += 1;
            }
        }
        c
    }

    /// The per-requirement result of a run: `findings` are the run's, `ran` says whether a check
    /// was part of the run (a requirement none of whose checks ran is UNKNOWN).
    pub fn table(&self, findings: &[Finding], ran: &dyn Fn(&str) -> bool) -> ComplianceTable {
        let mut per_check: HashMap<&str, Tally> = HashMap::new();
        for f in findings {
            per_check.entry(f.check_id.as_ref()).or_default().add(f);
        }
        let requirements = self
            .requirements()
            .into_iter()
            .map(|r| self.result(r, &per_check, ran))
            .collect();
        ComplianceTable {
            framework: self.key,
            name: self.name,
            requirements,
        }
    }

    fn result(
        &self,
        r: Requirement,
        per_check: &HashMap<&str, Tally>,
        ran: &dyn Fn(&str) -> bool,
    ) -> RequirementResult {
        let checks: Vec<&'static str> = self.checks_of(r.id).iter().map(|c| c.id).collect();
        let mut t = Tally::default();
        for c in &checks {
            if let Some(x) = per_check.get(c) {
                t.merge(x);
            }
        }
        let manual = (checks.is_empty() && r.manual)
            .then(|| self.manual(r.id))
            .flatten();
        let status = if checks.is_empty() {
            match manual {
                Some(_) => RequirementStatus::Manual,
                None => RequirementStatus::NotCovered,
            }
        } else if t.fail > 0 {
            RequirementStatus::Fail
        } else if t.unknown > 0 || !checks.iter().any(|c| ran(c)) {
            RequirementStatus::Unknown
        } else if t.pass == 0 && t.muted == 0 {
            RequirementStatus::NoResources
        } else {
            RequirementStatus::Pass
        };
        let failing: BTreeSet<String> = t.failing.into_iter().collect();
        RequirementResult {
            id: r.id,
            section: r.section,
            title: r.title,
            status,
            checks,
            pass: t.pass,
            fail: t.fail,
            unknown: t.unknown,
            muted: t.muted,
            failing: failing.into_iter().collect(),
            look_at: manual.map(|m| &m.look_at),
        }
    }
}

/// The results of one check (or one requirement's checks).
#[derive(Default)]
struct Tally {
    pass: usize,
    fail: usize,
    unknown: usize,
    muted: usize,
    failing: Vec<String>,
}

impl Tally {
    fn add(&mut self, f: &Finding) {
        match f.shown_status() {
            Status::Pass => self.pass += 1,
            Status::Unknown => self.unknown += 1,
            Status::Muted => self.muted += 1,
            Status::Fail => {
                self.fail += 1;
                self.failing
                    .push(format!("{}/{}/{}", f.account, f.region, f.resource));
            }
        }
    }

    fn merge(&mut self, o: &Tally) {
        self.pass += o.pass;
        self.fail += o.fail;
        self.unknown += o.unknown;
        self.muted += o.muted;
        self.failing.extend(o.failing.iter().cloned());
    }
}
