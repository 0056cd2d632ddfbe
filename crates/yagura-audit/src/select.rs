//! Which checks a run reports (`yagura audit --checks/--excluded-checks/--services/--severity`),
//! resolved against [`CHECKS`] before anything is collected: an unknown check id or service is
//! an error, never a silently empty run.

use crate::checks::CHECKS;
use crate::compliance::{Framework, UnknownFramework};
use std::collections::BTreeSet;
use yagura_core::{CheckMeta, Finding, Severity};

/// What the user asked for; empty lists select everything.
#[derive(Debug, Clone, Default)]
pub struct Scoping {
    pub checks: Vec<String>,
    pub excluded_checks: Vec<String>,
    pub services: Vec<String>,
    pub severities: Vec<Severity>,
    /// `--compliance`: a framework key or alias; the run keeps the checks mapped to it.
    pub compliance: Option<String>,
}

/// A selection that cannot be made.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum SelectError {
    #[error("unknown check `{0}` (`yagura audit --list-checks` lists them)")]
    UnknownCheck(String),
    #[error("unknown service `{0}` (the audit's services: {1})")]
    UnknownService(String, String),
    #[error(transparent)]
    UnknownFramework(#[from] UnknownFramework),
    #[error("the selection leaves no check to run")]
    Empty,
}

/// The checks of a run, in catalogue order.
#[derive(Debug, Clone)]
pub struct Selection {
    checks: Vec<&'static CheckMeta>,
    ids: BTreeSet<&'static str>,
    /// Whether every check is selected.
    all: bool,
    /// The request in one canonical line (`checks=a,b;services=ec2`), empty when it is all.
    label: String,
    /// `--compliance`'s framework.
    framework: Option<&'static Framework>,
}

impl Scoping {
    /// Resolves the request against the catalogue: `--checks` and `--services` and
    /// `--severity` each narrow the set, then `--excluded-checks` removes from it.
    pub fn select(&self) -> Result<Selection, SelectError> {
        let framework = self
            .compliance
            .as_deref()
            .map(crate::compliance::framework)
            .transpose()?;
        let known = |id: &str| CHECKS.iter().any(|c| c.id == id);
        for id in self.checks.iter().chain(&self.excluded_checks) {
            if !known(id) {
                return Err(SelectError::UnknownCheck(id.clone()));
            }
        }
        let services: BTreeSet<&str> = CHECKS.iter().map(|c| c.service).collect();
        for s in &self.services {
            if !services.contains(s.as_str()) {
                let all = services.iter().copied().collect::<Vec<_>>().join(", ");
                return Err(SelectError::UnknownService(s.clone(), all));
            }
        }
        let checks: Vec<&'static CheckMeta> = CHECKS
            .iter()
            .copied()
            .filter(|c| self.checks.is_empty() || self.checks.iter().any(|x| x == c.id))
            .filter(|c| self.services.is_empty() || self.services.iter().any(|s| s == c.service))
            .filter(|c| self.severities.is_empty() || self.severities.contains(&c.severity))
            .filter(|c| !self.excluded_checks.iter().any(|x| x == c.id))
            .filter(|c| framework.is_none_or(|f| f.maps(c)))
            .collect();
        if checks.is_empty() {
            return Err(SelectError::Empty);
        }
        let all = checks.len() == CHECKS.len();
        Ok(Selection {
            ids: checks.iter().map(|c| c.id).collect(),
            checks,
            all,
            label: if all {
                String::new()
            } else {
                self.label(framework)
            },
            framework,
        })
    }

    fn label(&self, framework: Option<&Framework>) -> String {
        let sorted = |v: &[String]| {
            let set: BTreeSet<&str> = v.iter().map(String::as_str).collect();
            set.into_iter().collect::<Vec<_>>().join(",")
        };
        let severities: Vec<String> = self
            .severities
            .iter()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(|s| s.as_str().to_string())
            .collect();
        [
            ("checks", sorted(&self.checks)),
            ("excluded", sorted(&self.excluded_checks)),
            ("services", sorted(&self.services)),
            ("severity", severities.join(",")),
            (
                "compliance",
                framework.map(|f| f.key.to_string()).unwrap_or_default(),
            ),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(";")
    }
}

impl Selection {
    /// The selected checks, in catalogue order.
    pub fn checks(&self) -> &[&'static CheckMeta] {
        &self.checks
    }

    /// Whether every check of the catalogue is selected.
    pub fn is_all(&self) -> bool {
        self.all
    }

    /// The request in one canonical line, empty when every check is selected; runs of
    /// different selections are kept apart by it, so one never reads as the other's fixes.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// `--compliance`'s framework, when one was asked for.
    pub fn framework(&self) -> Option<&'static Framework> {
        self.framework
    }

    /// Whether a check is part of the selection.
    pub fn contains(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    /// Keeps the findings of the selected checks.
    pub fn retain(&self, findings: &mut Vec<Finding>) {
        if !self.all {
            findings.retain(|f| self.ids.contains(f.check_id.as_ref()));
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn filters_narrow_and_exclusions_remove() {
        let all = Scoping::default().select().unwrap();
        assert!(all.is_all() && all.label().is_empty());
        assert_eq!(all.checks().len(), CHECKS.len());

        let ec2 = Scoping {
            services: v(&["ec2"]),
            excluded_checks: v(&["security-group-unused"]),
            ..Scoping::default()
        }
        .select()
        .unwrap();
        assert!(ec2.checks().iter().all(|c| c.service == "ec2"));
        assert!(!ec2.checks().iter().any(|c| c.id == "security-group-unused"));
        assert!(ec2
            .checks()
            .iter()
            .any(|c| c.id == "security-group-admin-port-open-to-world"));
        assert_eq!(ec2.label(), "excluded=security-group-unused;services=ec2");

        let high = Scoping {
            severities: vec![Severity::Critical, Severity::High],
            ..Scoping::default()
        }
        .select()
        .unwrap();
        assert!(high.checks().iter().all(|c| c.severity >= Severity::High));

        let one = Scoping {
            checks: v(&["root-mfa-disabled"]),
            ..Scoping::default()
        }
        .select()
        .unwrap();
        assert_eq!(one.checks().len(), 1);
    }

    #[test]
    fn compliance_keeps_the_frameworks_checks_under_its_key() {
        let cis = Scoping {
            compliance: Some("cis-7.0".into()),
            ..Scoping::default()
        }
        .select()
        .unwrap();
        let f = cis.framework().unwrap();
        assert_eq!(f.key, "cis-aws-foundations-7.0");
        assert!(!cis.checks().is_empty() && cis.checks().iter().all(|c| f.maps(c)));
        assert!(cis.contains("root-mfa-disabled") && !cis.contains("health-event-open"));
        // The alias and the key are one scope.
        assert_eq!(cis.label(), "compliance=cis-aws-foundations-7.0");
        let err = Scoping {
            compliance: Some("pci".into()),
            ..Scoping::default()
        }
        .select()
        .unwrap_err();
        assert!(matches!(err, SelectError::UnknownFramework(_)));
    }

    #[test]
    fn unknown_names_and_empty_selections_are_errors() {
        let err = |s: Scoping| s.select().unwrap_err();
        assert_eq!(
            err(Scoping {
                checks: v(&["no-such-check"]),
                ..Scoping::default()
            }),
            SelectError::UnknownCheck("no-such-check".to_string())
        );
        assert!(matches!(
            err(Scoping {
                services: v(&["ec3"]),
                ..Scoping::default()
            }),
            SelectError::UnknownService(s, _) if s == "ec3"
        ));
        assert_eq!(
            err(Scoping {
                checks: v(&["root-mfa-disabled"]),
                excluded_checks: v(&["root-mfa-disabled"]),
                ..Scoping::default()
            }),
            SelectError::Empty
        );
    }
}
