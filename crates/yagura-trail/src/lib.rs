//! CloudTrail for yagura: reading (WATCH-03), native detections (WATCH-04), the takeover
//! correlation (WATCH-05) and a Sigma engine (WATCH-06). Pure: no AWS calls, no printing.
//!
//! ```no_run
//! use std::path::Path;
//! let (rules, load_errors) = yagura_trail::sigma::RuleSet::load_dir(Path::new("rules"));
//! let report = yagura_trail::scan(
//!     yagura_trail::read_path(Path::new("AWSLogs")),
//!     Some(&rules),
//!     &yagura_trail::Options::default(),
//! );
//! # let _ = (load_errors, report);
//! ```
// Only the binary prints (ARCHITECTURE.md): a library returns data and typed errors.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod consume;
pub mod detection;
pub mod event;
pub mod native;
pub mod notice;
pub mod read;
pub mod report;
pub mod scan;
pub mod sigma;
pub mod source;
pub mod sql;
pub mod walk;

pub use detection::{Detection, DetectionKind, EventRef};
pub use event::Event;
pub use read::{read_path, read_stream, Checkpoint, Checkpoints, Position, ReadError};
pub use scan::{
    scan, scan_paths, scan_paths_streaming, Options, Restored, ScanReport, ScanStats, Scanner,
    Sink, StateError,
};
pub use source::{Incremental, ObjectSource, PollReport, Progress, SourceError};

/// Every native check of this crate (WATCH-04, WATCH-05).
pub static CHECKS: &[&yagura_core::CheckMeta] = native::NATIVE_CHECKS;
