#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Version ordering against the vector files of `testdata/host/versions/`.

use std::cmp::Ordering;
use yagura_host::version::VersionScheme;

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/testdata/host/versions"
);

fn check_file(name: &str, scheme: VersionScheme) -> usize {
    let text = std::fs::read_to_string(format!("{DIR}/{name}")).unwrap();
    let mut failures = Vec::new();
    let mut n = 0;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(parts.len(), 3, "{name}:{}: `{line}`", i + 1);
        let want = match parts[1] {
            "<" => Ordering::Less,
            "=" => Ordering::Equal,
            ">" => Ordering::Greater,
            op => panic!("{name}:{}: operator `{op}`", i + 1),
        };
        n += 1;
        let got = scheme.compare(parts[0], parts[2]);
        let rev = scheme.compare(parts[2], parts[0]);
        if got != want || rev != want.reverse() {
            failures.push(format!(
                "{name}:{}: {line} (got {got:?}, reversed {rev:?})",
                i + 1
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    n
}

#[test]
fn debian_vectors() {
    assert!(check_file("debian-versions.txt", VersionScheme::Dpkg) > 20);
    assert!(check_file("debian-versions-generated.txt", VersionScheme::Dpkg) > 14000);
}

#[test]
fn alpine_vectors() {
    assert!(check_file("alpine-versions.txt", VersionScheme::Apk) > 700);
    assert!(check_file("alpine-versions-generated.txt", VersionScheme::Apk) > 13000);
}

#[test]
fn redhat_vectors() {
    assert!(check_file("redhat-versions.txt", VersionScheme::Rpm) > 140);
}
