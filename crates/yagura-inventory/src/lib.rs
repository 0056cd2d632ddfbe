//! The inventory snapshot: everything `yagura audit` collected from AWS, as plain data.
//!
//! The collector fills it, the checks read it, `--save-inventory` writes it as versioned JSON and
//! `--from-inventory` reads it back, so checks can be re-evaluated offline and tested on fixtures.
//! Every piece of collected data is a [`Collected`]: either the data or the error that prevented
//! reading it, so a check can say UNKNOWN with the reason instead of passing on missing data.
// Only the binary prints (ARCHITECTURE.md): a library returns data and typed errors.
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod error;
mod load;
mod model;

pub use error::{CollectError, Hint};
pub use load::{from_json, LoadError};
pub use model::*;

/// The schema version written into every snapshot. Bumped on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;
