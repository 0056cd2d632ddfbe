#![no_main]
//! Fuzz target: `apk_installed` parser of outside input must not panic.

use libfuzzer_sys::fuzz_target;
#[allow(unused_imports)]
use yagura_host::{config, elf, keys, packages, rootfs, runtime, version::VersionScheme, vulndb};

fuzz_target!(|data: &[u8]| {
    let _ = packages::apk::parse(&String::from_utf8_lossy(data), "installed");
});
