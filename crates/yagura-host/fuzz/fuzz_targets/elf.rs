#![no_main]
//! Fuzz target: `elf` parser of outside input must not panic.

use libfuzzer_sys::fuzz_target;
#[allow(unused_imports)]
use yagura_host::{config, elf, keys, packages, rootfs, runtime, version::VersionScheme, vulndb};

fuzz_target!(|data: &[u8]| {
    let _ = elf::analyze(data, "fuzz");
});
