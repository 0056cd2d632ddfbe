//! The configuration timeline of yagura (WATCH-01).
//!
//! `yagura watch` collects an inventory with the audit's collector; this crate turns it into
//! configuration items shaped like AWS Config's ([`observe`]) and compares them with the last
//! known item of each resource ([`changes`]), giving Config-style diffs, each rated by how much
//! it matters ([`rate`]: a group opened to the world is high). The store keeps the
//! items that changed, so the history of one resource is the list of its items.
//!
//! Pure: no AWS calls, no clock, no printing.
//!
//! ```
//! use yagura_inventory::Inventory;
//! let before = yagura_watch::observe(&Inventory { schema_version: 1, collected_at: "t0".into(), accounts: vec![] });
//! let after = yagura_watch::observe(&Inventory { schema_version: 1, collected_at: "t1".into(), accounts: vec![] });
//! let first = yagura_watch::changes([], &before);
//! let second = yagura_watch::changes(before.items.iter(), &after);
//! assert!(first.is_empty() && second.is_empty());
//! ```
// Only the binary prints (ARCHITECTURE.md): a library returns data and typed errors.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod diff;
pub mod item;
pub mod observe;
pub mod severity;

pub use diff::{changes, diff_items, Change, ChangeType, ItemDiff, PropertyChange};
pub use item::{types, ConfigurationItem, ItemStatus, Relationship, ResourceKey, Scope};
pub use observe::{observe, Observation, Unrecorded};
pub use severity::{rate, Rating};
