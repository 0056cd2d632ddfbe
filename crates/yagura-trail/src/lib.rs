//! CloudTrail for yagura: reading (WATCH-03), native detections (WATCH-04), the takeover
//! correlation (WATCH-05) and a Sigma engine (WATCH-06). Pure: no AWS calls, no printing.

pub mod event;
pub mod read;

pub use event::Event;
pub use read::{read_path, read_stream, Checkpoint, Checkpoints, Position, ReadError};
