//! The account-audit checks (AUD-01…AUD-21): pure functions from an [`Inventory`] to findings.
//!
//! Every check emits one finding per resource it evaluated, PASS or FAIL, and an UNKNOWN finding
//! with the collector's reason when the data it needs could not be read. Nothing here does I/O or
//! reads the clock: the evaluation time comes in [`AuditConfig::now`].
//!
//! A check lives in one file, `src/checks/SERVICE/ID.rs`: its declaration (documentation in
//! both languages, severity, SPEC ids, compliance mappings, the inventory pieces it needs) and a
//! function of one scope (the account, a region, a user, a bucket, an instance …) that the
//! runner ([`evaluate`]) calls for every subject of that scope. See ARCHITECTURE.md, "Adding an
//! audit check".
//!
//! [`Inventory`]: yagura_inventory::Inventory

mod checks;
pub mod compliance;
mod data;
mod escalation;
mod evaluate;
#[cfg(test)]
mod meta_tests;
mod metric_filter;
mod net;
mod policy;
mod run;
mod scope;
mod select;
mod tags;
mod walk;

pub use checks::CHECKS;
pub use evaluate::evaluate;
pub use select::{Scoping, SelectError, Selection};
pub use tags::resource_tags;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
/// Thresholds and allow-lists of the audit. Defaults follow the seed guideline and CIS.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditConfig {
    /// Evaluation time; set by the caller so that results are reproducible.
    #[serde(skip, default = "epoch")]
    pub now: OffsetDateTime,
    pub unused_days: i64,
    pub key_rotation_days: i64,
    pub root_recent_days: i64,
    pub ami_max_age_days: i64,
    /// Days an instance may stay stopped (FSBP EC2.4's default, 30).
    pub stopped_instance_max_days: i64,
    /// Lambda runtimes no longer supported (FSBP Lambda.2's default list); the runtimes of
    /// `checks::lambda::DEPRECATIONS` count from their deprecation date on.
    pub obsolete_lambda_runtimes: Vec<String>,
    /// AMI owner account ids trusted besides Amazon and the account itself.
    pub ami_owner_allow_list: Vec<String>,
    /// Ports that must never be open to the world (AUD-01).
    pub admin_ports: Vec<u16>,
    /// Ports that may be open to the world.
    pub public_ports: Vec<u16>,
    /// Role names of the audit itself and Organization plumbing, not counted in AUD-19.
    pub ignored_roles: Vec<String>,
}

fn epoch() -> OffsetDateTime {
    OffsetDateTime::UNIX_EPOCH
}

/// Database ports (AUD-21) — also admin ports.
pub const DB_PORTS: [u16; 6] = [3306, 5432, 1433, 1521, 27017, 6379];

impl Default for AuditConfig {
    fn default() -> Self {
        AuditConfig {
            now: OffsetDateTime::UNIX_EPOCH,
            unused_days: 45,
            key_rotation_days: 90,
            root_recent_days: 30,
            ami_max_age_days: 365,
            stopped_instance_max_days: 30,
            obsolete_lambda_runtimes: [
                "java8",
                "go1.x",
                "provided",
                "python3.6",
                "python2.7",
                "python3.7",
                "python3.8",
                "nodejs4.3",
                "nodejs4.3-edge",
                "nodejs6.10",
                "nodejs",
                "nodejs8.10",
                "nodejs10.x",
                "nodejs12.x",
                "nodejs14.x",
                "nodejs16.x",
                "dotnet5.0",
                "dotnet6",
                "dotnet7",
                "dotnetcore1.0",
                "dotnetcore2.0",
                "dotnetcore2.1",
                "dotnetcore3.1",
                "ruby2.5",
                "ruby2.7",
            ]
            .map(str::to_string)
            .to_vec(),
            ami_owner_allow_list: Vec::new(),
            admin_ports: vec![
                20, 21, 22, 23, 135, 139, 445, 1433, 1521, 2375, 2376, 2379, 3306, 3389, 5432,
                5900, 5984, 6379, 9200, 9300, 11211, 27017,
            ],
            public_ports: vec![80, 443],
            ignored_roles: vec![
                "OrganizationAccountAccessRole".to_string(),
                "yagura-audit".to_string(),
            ],
        }
    }
}
