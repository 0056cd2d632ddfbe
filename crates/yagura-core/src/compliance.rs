//! The per-requirement result of a compliance framework (`yagura audit --compliance`): what the
//! audit computes and every report writer presents. Plain data; the audit builds it from its
//! framework catalogue and the findings, the writers escape its strings for their format.

use crate::Text;
use serde::Serialize;

/// The result of one requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RequirementStatus {
    /// A check mapped to it failed on at least one resource (unmuted).
    Fail,
    /// No check failed, but at least one could not read its data (or none of its checks ran).
    Unknown,
    /// Every result of its checks passed (or was muted by an exception).
    Pass,
    /// Its checks ran and read their data, but found nothing to judge (no resource of the kind
    /// the requirement is about): neither a pass nor a failure.
    NoResources,
    /// The framework marks it Manual and no check judges it: someone has to look.
    Manual,
    /// No check maps to it and it is not a manual requirement yagura describes.
    NotCovered,
}

impl RequirementStatus {
    pub const ALL: [RequirementStatus; 6] = [
        RequirementStatus::Fail,
        RequirementStatus::Unknown,
        RequirementStatus::Pass,
        RequirementStatus::NoResources,
        RequirementStatus::Manual,
        RequirementStatus::NotCovered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequirementStatus::Fail => "FAIL",
            RequirementStatus::Unknown => "UNKNOWN",
            RequirementStatus::Pass => "PASS",
            RequirementStatus::NoResources => "NO RESOURCES",
            RequirementStatus::Manual => "MANUAL",
            RequirementStatus::NotCovered => "NOT COVERED",
        }
    }
}

/// One requirement of the table.
#[derive(Debug, Clone, Serialize)]
pub struct RequirementResult {
    pub id: &'static str,
    pub section: &'static str,
    pub title: &'static str,
    pub status: RequirementStatus,
    /// The checks mapped to it, in catalogue order.
    pub checks: Vec<&'static str>,
    pub pass: usize,
    pub fail: usize,
    pub unknown: usize,
    pub muted: usize,
    /// The failing resources, `account/region/resource`, sorted and deduplicated.
    pub failing: Vec<String>,
    /// For a MANUAL requirement: what to look at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub look_at: Option<&'static Text>,
}

/// A framework's table.
#[derive(Debug, Clone, Serialize)]
pub struct ComplianceTable {
    /// The framework key used in the checks' `compliance:` mappings.
    pub framework: &'static str,
    /// Its name (`CIS Amazon Web Services Foundations Benchmark v7.0`).
    pub name: &'static str,
    /// In the framework's order (natural order of the ids).
    pub requirements: Vec<RequirementResult>,
}

impl ComplianceTable {
    /// How many requirements have each status, in [`RequirementStatus::ALL`]'s order.
    pub fn counts(&self) -> [(RequirementStatus, usize); 6] {
        RequirementStatus::ALL.map(|s| {
            (
                s,
                self.requirements.iter().filter(|r| r.status == s).count(),
            )
        })
    }
}
