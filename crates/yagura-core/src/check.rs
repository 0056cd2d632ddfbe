use crate::{Severity, Text};
use std::collections::BTreeMap;

/// Compliance mappings of a check: `(framework, [control ids])`, e.g.
/// `("cis-aws-foundations-3.0", &["5.2"])`. The seed guideline (`yagura-guideline`) is one framework
/// among others.
pub type Compliance = &'static [(&'static str, &'static [&'static str])];

/// A check, declared with its documentation (what, why, how to fix, references) in both
/// languages. The id names the risky state (`security-group-admin-port-open-to-world`).
#[derive(Debug)]
pub struct CheckMeta {
    pub id: &'static str,
    pub severity: Severity,
    /// The service or area the check reads (`iam`, `ec2`, `s3`, `host`, …).
    pub service: &'static str,
    pub title: Text,
    pub what: Text,
    pub why: Text,
    pub fix: Text,
    pub references: &'static [&'static str],
    /// SPEC requirement ids served (`AUD-01`).
    pub spec: &'static [&'static str],
    pub compliance: Compliance,
}

impl CheckMeta {
    /// The compliance object of the JSON report: `{framework: [ids]}`, with the SPEC ids under
    /// `yagura-spec`.
    pub fn compliance_map(&self) -> BTreeMap<&'static str, Vec<&'static str>> {
        let mut map: BTreeMap<&'static str, Vec<&'static str>> = BTreeMap::new();
        for (framework, ids) in self.compliance {
            map.entry(framework).or_default().extend_from_slice(ids);
        }
        if !self.spec.is_empty() {
            map.entry("yagura-spec")
                .or_default()
                .extend_from_slice(self.spec);
        }
        map
    }
}

/// Every check the binary knows, looked up by id.
#[derive(Debug, Default, Clone)]
pub struct Catalogue {
    checks: BTreeMap<&'static str, &'static CheckMeta>,
}

impl Catalogue {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds checks; a later check with an id already present is an error in the declarations,
    /// reported by the meta-tests, and does not replace the first.
    pub fn extend<'a, I: IntoIterator<Item = &'a &'static CheckMeta>>(&mut self, checks: I) {
        for c in checks {
            self.checks.entry(c.id).or_insert(*c);
        }
    }

    pub fn get(&self, id: &str) -> Option<&'static CheckMeta> {
        self.checks.get(id).copied()
    }

    pub fn iter(&self) -> impl Iterator<Item = &'static CheckMeta> + '_ {
        self.checks.values().copied()
    }

    pub fn len(&self) -> usize {
        self.checks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.checks.is_empty()
    }
}
