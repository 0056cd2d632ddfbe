#![no_main]
//! Fuzz target: the Debian tracker's JSON (export and annotated entries) must not panic.

use libfuzzer_sys::fuzz_target;
#[allow(unused_imports)]
use yagura_host::{packages, pending, rootfs, vulndb};

fuzz_target!(|data: &[u8]| {
    if let Ok(v) = vulndb::parse_json(&String::from_utf8_lossy(data)) {
        let _ = vulndb::parse_debian_tracker(&v);
    }
});
