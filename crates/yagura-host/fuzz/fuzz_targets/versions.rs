#![no_main]
//! Fuzz target: `versions` parser of outside input must not panic.

use libfuzzer_sys::fuzz_target;
#[allow(unused_imports)]
use yagura_host::{config, elf, keys, packages, rootfs, runtime, version::VersionScheme, vulndb};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (a, b) = text.split_once('\n').unwrap_or((&text, ""));
    for s in [VersionScheme::Dpkg, VersionScheme::Rpm, VersionScheme::Apk] {
        assert_eq!(s.compare(a, b), s.compare(b, a).reverse());
        assert_eq!(s.compare(a, a), std::cmp::Ordering::Equal);
    }
});
