#![no_main]
//! Fuzz target: a downloaded feed: a zip of OSV records or one document, gzip or not must not panic.

use libfuzzer_sys::fuzz_target;
#[allow(unused_imports)]
use yagura_host::{packages, pending, rootfs, vulndb};

fuzz_target!(|data: &[u8]| {
    let _ = vulndb::parse_bytes("fuzz", data);
});
