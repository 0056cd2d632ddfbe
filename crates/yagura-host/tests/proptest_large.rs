#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Property tests over inputs of at least 1 MB (issue 16: the fuzz targets' default 4 KB cannot
//! reach defects of size and allocation): every host parser — dpkg status, rpm headers from the
//! sqlite and BerkeleyDB databases, apk, OSV, OVAL, updateinfo, the tracker's JSON, apt's
//! `Packages` index, `repomd.xml`, whole feeds (zip and gzip) and the configuration files —
//! gets random bytes and mutated real inputs grown past 1 MB. Nothing may panic; the readers
//! with length fields may never return more than their input holds.

use proptest::prelude::*;
use std::path::Path;
use yagura_host::packages::{apk, bdb, dpkg, rpm};
use yagura_host::rootfs::Root;
use yagura_host::{config, pending, vulndb};

const HOST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/testdata/host");
const MB: usize = 1 << 20;

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(format!("{HOST}/{rel}")).unwrap()
}

fn gunzip(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(b), &mut out).unwrap();
    out
}

/// Repeats a real input until it is at least `MB + 1` bytes, then applies the edits (position,
/// byte) and an optional cut that still leaves at least 1 MB.
fn grow_and_mutate(base: &[u8], edits: &[(usize, u8)], cut: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(MB + base.len() + 1);
    while v.len() <= MB {
        v.extend_from_slice(base);
        v.push(b'\n');
    }
    for (p, b) in edits {
        let i = p % v.len();
        v[i] = *b;
    }
    let keep = MB + cut % (v.len() - MB + 1);
    v.truncate(keep);
    v
}

fn text_parsers(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let _ = dpkg::parse(&text, "x");
    let _ = apk::parse(&text, "x");
    let _ = pending::parse_packages_index(&text);
    let _ = config::parse_sshd(
        &Root::new("/nonexistent-root"),
        "/etc/ssh/sshd_config",
        &text,
    );
    let _ = vulndb::parse_oval(&text, "cbl-mariner-2.0-oval.xml");
    let _ = vulndb::parse_updateinfo(&text);
    let _ = vulndb::update::repomd_updateinfo(&text);
    if let Ok(v) = vulndb::parse_json(&text) {
        let _ = vulndb::parse_osv(&v);
        let _ = vulndb::parse_debian_tracker(&v);
    }
    let _ = vulndb::parse_bytes("x", bytes);
}

fn binary_parsers(bytes: &[u8]) {
    if let Ok(values) = bdb::hash_values(bytes) {
        let total: usize = values.iter().map(Vec::len).sum();
        assert!(
            total <= bytes.len(),
            "{total} bytes of values from {}",
            bytes.len()
        );
        for v in values.iter().take(64) {
            let _ = rpm::parse_header(v);
        }
    }
    let _ = rpm::parse_header(bytes);
    let _ = vulndb::parse_bytes("x", bytes);
}

/// The rpm sqlite reader through a root, as a scan reads it.
fn sqlite_reader(bytes: &[u8]) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("var/lib/rpm");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("rpmdb.sqlite"), bytes).unwrap();
    let _ = rpm::read_sqlite(&Root::new(tmp.path()), "/var/lib/rpm/rpmdb.sqlite");
}

/// A Debian tracker export of `n` packages built from the DSA sample's shape.
fn tracker_json(n: usize) -> Vec<u8> {
    let mut m = serde_json::Map::new();
    for i in 0..n {
        m.insert(
            format!("pkg{i}"),
            serde_json::json!({format!("CVE-2099-{i}"): {"description": "x".repeat(40),
                "releases": {"bookworm": {"status": "resolved", "fixed_version": format!("1.{i}-1"), "urgency": "low"},
                             "trixie": {"status": "open", "urgency": "unimportant"}}}}),
        );
    }
    serde_json::to_vec(&serde_json::Value::Object(m)).unwrap()
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 6,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x6c61_7267_6531),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_megabytes(seed in any::<u64>(), len in MB..MB + 4096) {
        // a cheap generator: proptest's own vectors of a megabyte are slow to shrink
        let mut x = seed | 1;
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect();
        text_parsers(&bytes);
        binary_parsers(&bytes);
    }

    #[test]
    fn mutated_text_inputs_of_a_megabyte(
        which in 0usize..8,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..64),
        cut in any::<usize>(),
    ) {
        let base = match which {
            0 => fixture("debian/bookworm-default/var/lib/dpkg/status"),
            1 => fixture("apk/installed"),
            2 => fixture("debian/advisories/bookworm-security_main_amd64_Packages"),
            3 => fixture("rpm/oval/cbl-mariner-2.0-oval.xml")[..600_000].to_vec(),
            4 => gunzip(&fixture("amazon/updateinfo_AL2023.xml.gz")),
            5 => tracker_json(200),
            6 => fixture("debian/bookworm-default/etc/ssh/sshd_config"),
            _ => fixture("debian/advisories/DSA-5673-1.json"),
        };
        text_parsers(&grow_and_mutate(&base, &edits, cut));
    }

    #[test]
    fn mutated_package_databases(
        which in 0usize..3,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..64),
        cut in any::<usize>(),
    ) {
        let base = match which {
            0 => fixture("rpm/libuuid/var/lib/rpm/Packages"),
            1 => fixture("rpm/amazonlinux-2-synthetic-bdb/var/lib/rpm/Packages"),
            _ => fixture("rpm/cbl-mariner-2.0/var/lib/rpm/rpmdb.sqlite"),
        };
        // the databases are mutated in place (repeating a database makes no database)
        let mut v = base.clone();
        if v.len() < MB {
            v.resize(MB + 1, 0);
        }
        for (p, b) in &edits {
            let i = p % v.len();
            v[i] = *b;
        }
        let keep = (v.len() / 2).max(MB) + cut % (v.len() - (v.len() / 2).max(MB) + 1);
        v.truncate(keep);
        if which == 2 {
            sqlite_reader(&v);
        } else {
            binary_parsers(&v);
        }
    }

    #[test]
    fn mutated_feed_archives(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..32),
        gz in any::<bool>(),
    ) {
        // a zip of OSV records over 1 MB, or the gzipped tracker export
        let bytes = if gz {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            std::io::Write::write_all(&mut e, &tracker_json(12_000)).unwrap();
            e.finish().unwrap()
        } else {
            let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            let opt = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            for i in 0..4000 {
                z.start_file(format!("R-{i}.json"), opt).unwrap();
                let rec = serde_json::json!({"id": format!("R-{i}"), "summary": "y".repeat(200),
                    "affected": [{"package": {"ecosystem": "Debian:12", "name": format!("p{i}")},
                    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0-1"}]}]}]});
                std::io::Write::write_all(&mut z, rec.to_string().as_bytes()).unwrap();
            }
            z.finish().unwrap().into_inner()
        };
        prop_assert!(bytes.len() >= MB || gz);
        let mut v = bytes;
        for (p, b) in &edits {
            let i = p % v.len();
            v[i] = *b;
        }
        let _ = vulndb::parse_bytes("feed", &v);
    }
}

#[test]
fn the_real_inputs_still_parse() {
    // the growth and mutation above start from inputs the parsers accept
    let db = fixture("rpm/libuuid/var/lib/rpm/Packages");
    assert!(!bdb::hash_values(&db).unwrap().is_empty());
    let root = Root::new(format!("{HOST}/rpm/cbl-mariner-2.0"));
    let (pkgs, errs) = rpm::read_sqlite(&root, "/var/lib/rpm/rpmdb.sqlite").unwrap();
    assert_eq!(pkgs.len(), 129);
    assert!(errs.is_empty());
    assert!(Path::new(HOST).exists());
}
