//! Host assessment like Amazon Inspector (SPEC HOST-01…HOST-08).

pub mod packages;
pub mod rootfs;
pub mod version;
pub mod vulndb;
