#![no_main]
//! Fuzz target: `oval_xml` parser of outside input must not panic.

use libfuzzer_sys::fuzz_target;
#[allow(unused_imports)]
use yagura_host::{config, elf, keys, packages, rootfs, runtime, version::VersionScheme, vulndb};

fuzz_target!(|data: &[u8]| {
    let _ = vulndb::parse_oval(&String::from_utf8_lossy(data), "rhel-9.oval.xml");
});
