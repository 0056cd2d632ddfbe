#![no_main]
//! Fuzz target: `sshd_config` parser of outside input must not panic.

use libfuzzer_sys::fuzz_target;
#[allow(unused_imports)]
use yagura_host::{config, elf, keys, packages, rootfs, runtime, version::VersionScheme, vulndb};

fuzz_target!(|data: &[u8]| {
    let root = rootfs::Root::new("/nonexistent-fuzz-root");
    let _ = config::parse_sshd(&root, "/etc/ssh/sshd_config", &String::from_utf8_lossy(data));
});
