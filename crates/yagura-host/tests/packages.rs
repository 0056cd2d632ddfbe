#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Package databases of real root filesystems (HOST-01).

use yagura_host::packages::{self, DbKind, OsRelease};
use yagura_host::rootfs::Root;

const HOST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/testdata/host");

fn root(rel: &str) -> Root {
    Root::new(format!("{HOST}/{rel}"))
}

#[test]
fn debian_bookworm_default() {
    let r = root("debian/bookworm-default");
    let set = packages::read_installed(&r);
    assert_eq!(set.db, Some(DbKind::Dpkg));
    assert!(set.errors.is_empty(), "{:?}", set.errors);
    assert_eq!(set.packages.len(), 166);
    let libc = set.packages.iter().find(|p| p.name == "libc6").unwrap();
    assert_eq!(libc.source_name, "glibc");
    assert_eq!(libc.arch, "amd64");
    assert!(libc.version.starts_with("2.36-9"));
    // a binary package whose source has its own version
    assert!(set
        .packages
        .iter()
        .any(|p| p.source_version != p.version && p.source_name != p.name));
    let os = OsRelease::read(&r).unwrap(); // /etc/os-release: a flattened link
    assert_eq!(os.id, "debian");
    assert_eq!(os.version_id, "12");
    assert_eq!(os.version_codename, "bookworm");
    assert_eq!(os.release_key(), "12");
}

#[test]
fn debian_bookworm_minbase() {
    let set = packages::read_installed(&root("debian/bookworm-minbase"));
    assert_eq!(set.packages.len(), 88);
}

#[test]
fn rpm_sqlite_cbl_mariner() {
    let set = packages::read_installed(&root("rpm/cbl-mariner-2.0"));
    assert_eq!(set.db, Some(DbKind::RpmSqlite));
    assert!(set.errors.is_empty(), "{:?}", set.errors);
    assert_eq!(set.packages.len(), 129);
    for p in &set.packages {
        assert!(!p.version.is_empty() && !p.source_name.is_empty(), "{p:?}");
    }
}

#[test]
fn rpm_sqlite_amazon_linux_2023() {
    let set = packages::read_installed(&root("rpm/amazonlinux-2023-synthetic"));
    assert!(set.errors.is_empty(), "{:?}", set.errors);
    let ssl = set
        .packages
        .iter()
        .find(|p| p.name == "openssl-libs")
        .unwrap();
    assert_eq!(ssl.version, "1:3.0.8-1.amzn2023.0.14");
    assert_eq!(ssl.source_name, "openssl-libs"); // the fixture's spec is named so
    assert_eq!(ssl.source_version, "1:3.0.8-1.amzn2023.0.14");
    let ssh = set
        .packages
        .iter()
        .find(|p| p.name == "openssh-server")
        .unwrap();
    assert_eq!(ssh.version, "8.7p1-8.amzn2023.0.4");
    assert_eq!(ssh.source_name, "openssh-server");
}

#[test]
fn rpm_bdb_libuuid() {
    let set = packages::read_installed(&root("rpm/libuuid"));
    assert_eq!(set.db, Some(DbKind::RpmBdb));
    assert!(set.errors.is_empty(), "{:?}", set.errors);
    assert!(
        set.packages.iter().any(|p| p.name == "libuuid"),
        "{:?}",
        set.packages
    );
}

#[test]
fn rpm_bdb_amazon_linux_2() {
    let set = packages::read_installed(&root("rpm/amazonlinux-2-synthetic-bdb"));
    assert_eq!(set.db, Some(DbKind::RpmBdb));
    assert!(set.errors.is_empty(), "{:?}", set.errors);
    let names: Vec<_> = set
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str()))
        .collect();
    assert!(
        names.contains(&("openssl-libs", "1:3.0.8-1.amzn2023.0.14")),
        "{names:?}"
    );
}

#[test]
fn apk_with_a_broken_entry() {
    let text = std::fs::read_to_string(format!("{HOST}/apk/installed")).unwrap();
    let (pkgs, errors) = packages::apk::parse(&text, "/lib/apk/db/installed");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0]
        .to_string()
        .contains("invalidPackageWithoutAVersion"));
    let musl = pkgs.iter().find(|p| p.name == "musl").unwrap();
    assert_eq!(musl.version, "1.1.14-r10");
    assert_eq!(musl.source_name, "musl");
    assert!(pkgs.len() > 5);
}

#[test]
fn corrupt_databases_are_errors() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("var/lib/rpm")).unwrap();
    std::fs::write(
        tmp.path().join("var/lib/rpm/Packages"),
        b"not a database at all, no",
    )
    .unwrap();
    let set = packages::read_installed(&Root::new(tmp.path()));
    assert!(set.packages.is_empty());
    assert_eq!(set.errors.len(), 1);
    std::fs::remove_file(tmp.path().join("var/lib/rpm/Packages")).unwrap();
    std::fs::write(tmp.path().join("var/lib/rpm/rpmdb.sqlite"), b"garbage").unwrap();
    let set = packages::read_installed(&Root::new(tmp.path()));
    assert_eq!(set.errors.len(), 1, "{:?}", set.errors);
}
