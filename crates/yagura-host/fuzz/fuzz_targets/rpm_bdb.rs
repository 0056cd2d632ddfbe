#![no_main]
//! Fuzz target: `rpm_bdb` parser of outside input must not panic.

use libfuzzer_sys::fuzz_target;
#[allow(unused_imports)]
use yagura_host::{config, elf, keys, packages, rootfs, runtime, version::VersionScheme, vulndb};

fuzz_target!(|data: &[u8]| {
    if let Ok(values) = packages::bdb::hash_values(data) {
        for v in values {
            let _ = packages::rpm::parse_header(&v);
        }
    }
});
