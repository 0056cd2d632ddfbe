#![no_main]
//! Fuzz target: apt's `Packages` index of a security suite must not panic.

use libfuzzer_sys::fuzz_target;
#[allow(unused_imports)]
use yagura_host::{packages, pending, rootfs, vulndb};

fuzz_target!(|data: &[u8]| {
    let _ = pending::parse_packages_index(&String::from_utf8_lossy(data));
});
