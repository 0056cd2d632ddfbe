#![no_main]
//! Fuzz target: a repository's `repomd.xml` must not panic.

use libfuzzer_sys::fuzz_target;
#[allow(unused_imports)]
use yagura_host::{packages, pending, rootfs, vulndb};

fuzz_target!(|data: &[u8]| {
    let _ = vulndb::update::repomd_updateinfo(&String::from_utf8_lossy(data));
});
