#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Property tests: every parser of outside input survives random and mutated input (no panic),
//! and the version orderings are total orders.

use proptest::prelude::*;
use std::cmp::Ordering;
use yagura_host::packages::{apk, bdb, dpkg, rpm, OsRelease};
use yagura_host::rootfs::Root;
use yagura_host::version::VersionScheme;
use yagura_host::{config, elf, keys, runtime, vulndb};

const HOST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/testdata/host");

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(format!("{HOST}/{rel}")).unwrap()
}

/// Applies byte edits (position, value) and a truncation to a real input.
fn mutate(base: &[u8], edits: &[(usize, u8)], cut: usize) -> Vec<u8> {
    let mut v = base.to_vec();
    for (p, b) in edits {
        if !v.is_empty() {
            let i = p % v.len();
            v[i] = *b;
        }
    }
    let keep = if v.is_empty() { 0 } else { cut % (v.len() + 1) };
    v.truncate(keep.max(v.len() / 2).min(v.len()));
    if cut.is_multiple_of(3) {
        v.truncate(keep);
    }
    v
}

fn all_parsers(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let _ = dpkg::parse(&text, "x");
    let _ = apk::parse(&text, "x");
    let _ = rpm::parse_header(bytes);
    let _ = bdb::hash_values(bytes);
    let _ = OsRelease::parse(&text).release_key();
    let _ = config::parse_sshd(
        &Root::new("/nonexistent-root"),
        "/etc/ssh/sshd_config",
        &text,
    );
    let _ = vulndb::parse_oval(&text, "rhel-9.oval.xml");
    let _ = vulndb::parse_updateinfo(&text);
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) {
        let _ = vulndb::parse_osv(&v);
        let _ = vulndb::parse_debian_tracker(&v);
    }
    let _ = elf::analyze(bytes, "x");
    let _ = runtime::parse_proc_net_tcp(&text);
    let _ = keys::find_key_ids(&text);
    let _ = rpm::split_source_rpm(&text);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        // deterministic: a fixed seed and no regression files
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x7961_6775_7261),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_bytes_do_not_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        all_parsers(&bytes);
    }

    #[test]
    fn mutated_real_inputs_do_not_panic(
        which in 0usize..8,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..16),
        cut in any::<usize>(),
    ) {
        let base = match which {
            0 => fixture("debian/bookworm-default/var/lib/dpkg/status"),
            1 => fixture("apk/installed"),
            2 => fixture("rpm/libuuid/var/lib/rpm/Packages"),
            3 => fixture("rpm/amazonlinux-2-synthetic-bdb/var/lib/rpm/Packages"),
            4 => fixture("debian/advisories/DSA-5673-1.json"),
            5 => fixture("debian/bookworm-default/etc/ssh/sshd_config"),
            6 => std::fs::read("/proc/self/exe").unwrap()[..65536].to_vec(),
            _ => fixture("debian/bookworm-default/usr/lib/os-release"),
        };
        all_parsers(&mutate(&base, &edits, cut));
    }

    #[test]
    fn mutated_bdb_values_do_not_panic_header_parsing(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
    ) {
        let db = fixture("rpm/libuuid/var/lib/rpm/Packages");
        for v in bdb::hash_values(&db).unwrap() {
            let _ = rpm::parse_header(&mutate(&v, &edits, usize::MAX));
        }
    }

    #[test]
    fn version_orders_are_total(
        a in "[0-9a-z.~^+_:-]{0,12}",
        b in "[0-9a-z.~^+_:-]{0,12}",
        c in "[0-9a-z.~^+_:-]{0,12}",
    ) {
        for s in [VersionScheme::Dpkg, VersionScheme::Rpm, VersionScheme::Apk] {
            prop_assert_eq!(s.compare(&a, &a), Ordering::Equal);
            prop_assert_eq!(s.compare(&a, &b), s.compare(&b, &a).reverse());
            if s != VersionScheme::Apk {
                // apk's fallback for invalid versions is not transitive (as in apk itself)
                if s.compare(&a, &b) != Ordering::Greater && s.compare(&b, &c) != Ordering::Greater {
                    prop_assert_ne!(s.compare(&a, &c), Ordering::Greater, "{:?} {} {} {}", s, a, b, c);
                }
            }
        }
    }
}
