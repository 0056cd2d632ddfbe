#![no_main]
//! Fuzz target: `osv_json` parser of outside input must not panic.

use libfuzzer_sys::fuzz_target;
#[allow(unused_imports)]
use yagura_host::{config, elf, keys, packages, rootfs, runtime, version::VersionScheme, vulndb};

fuzz_target!(|data: &[u8]| {
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = vulndb::parse_osv(&v);
        let _ = vulndb::parse_debian_tracker(&v);
    }
});
