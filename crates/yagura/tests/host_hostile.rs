#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Hostile input to `yagura host` and `yagura db` (issue 16, the host parts): crafted inputs are
//! generated here, and each run is made under a memory limit (`ulimit -v`) and a timeout, so an
//! allocation storm or a hang fails the test instead of the machine.

use std::path::Path;
use std::process::Command;
use yagura_testkit::host::{debian_osv, SECURITY_FIXES};
use yagura_testkit::hostile::bdb_bomb;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/testdata");
/// Address space a run may use (KiB): far below the gigabytes the defects allocated.
const MEMORY_KIB: u64 = 1 << 20;
const TIMEOUT_S: u64 = 60;

use yagura_testkit::Run;

fn limited(data: &Path, args: &[&str]) -> Run {
    yagura_testkit::run(
        yagura_testkit::yagura_limited(MEMORY_KIB, TIMEOUT_S)
            .arg("--data-dir")
            .arg(data)
            .arg("--lang")
            .arg("en")
            .args(args),
    )
}

fn host(data: &Path, root: &Path) -> Run {
    limited(
        data,
        &[
            "host",
            "--root",
            root.to_str().unwrap(),
            "--no-elf",
            "--no-runtime",
            "--no-store",
            "--format",
            "json",
        ],
    )
}

fn json(r: &Run) -> serde_json::Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}) after {:.1} s, exit {}: {}\n{}",
            r.secs, r.code, r.stdout, r.stderr
        )
    })
}

fn os_release(root: &Path) {
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::write(
        root.join("etc/os-release"),
        "ID=amzn\nVERSION_ID=\"2\"\nPRETTY_NAME=\"Amazon Linux 2\"\n",
    )
    .unwrap();
}

#[test]
fn rpm_berkeleydb_bomb_is_an_error_not_gigabytes() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    std::fs::create_dir_all(root.join("var/lib/rpm")).unwrap();
    os_release(&root);
    let bomb = bdb_bomb();
    assert!(bomb.len() < 512 << 10);
    std::fs::write(root.join("var/lib/rpm/Packages"), &bomb).unwrap();
    let data = tempfile::tempdir().unwrap();
    let r = host(data.path(), &root);
    assert!(r.secs < 20.0, "{:.1} s", r.secs);
    let v = json(&r);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let errors = v["errors"].to_string();
    assert!(errors.contains("/var/lib/rpm/Packages"), "{errors}");
    assert!(
        errors.contains("more than the file holds") || errors.contains("used twice"),
        "{errors}"
    );
}

#[test]
fn rpm_sqlite_roots_with_uri_characters_and_no_escape() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let real = format!("{DATA}/host/rpm/cbl-mariner-2.0/var/lib/rpm/rpmdb.sqlite");
    // a root whose path holds `#`, `%` and `?` reads like any other
    let odd = tmp.path().join("snap #1 %41 ?x=1");
    std::fs::create_dir_all(odd.join("var/lib/rpm")).unwrap();
    std::fs::copy(&real, odd.join("var/lib/rpm/rpmdb.sqlite")).unwrap();
    std::fs::create_dir_all(odd.join("etc")).unwrap();
    std::fs::write(
        odd.join("etc/os-release"),
        "ID=mariner\nVERSION_ID=\"2.0\"\n",
    )
    .unwrap();
    let r = host(data.path(), &odd);
    let v = json(&r);
    assert_eq!(v["host"]["packages"], 129, "{}", r.stderr);
    assert_eq!(v["host"]["package_db"], "rpm-sqlite");

    // percent sequences inside the root never reach a file outside it: `%2e%2e` is a directory
    // name, not `..`; the decoy inside is what is read
    let base = tmp.path().join("esc");
    let root = base.join("%2e%2e").join("root");
    std::fs::create_dir_all(root.join("var/lib/rpm")).unwrap();
    std::fs::write(
        root.join("var/lib/rpm/rpmdb.sqlite"),
        b"decoy, not a database",
    )
    .unwrap();
    std::fs::create_dir_all(base.join("root/var/lib/rpm")).unwrap();
    std::fs::copy(&real, base.join("root/var/lib/rpm/rpmdb.sqlite")).unwrap();
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::write(
        root.join("etc/os-release"),
        "ID=mariner\nVERSION_ID=\"2.0\"\n",
    )
    .unwrap();
    let r = host(data.path(), &root);
    let v = json(&r);
    assert_ne!(
        v["host"]["packages"], 129,
        "read a database outside the root"
    );
    assert!(
        v["errors"].to_string().contains("not an SQLite database"),
        "{}",
        v["errors"]
    );

    // a symlink to a database outside the root resolves inside the root: nothing to read
    let linked = tmp.path().join("linked");
    std::fs::create_dir_all(linked.join("var/lib/rpm")).unwrap();
    std::os::unix::fs::symlink(&real, linked.join("var/lib/rpm/rpmdb.sqlite")).unwrap();
    std::fs::create_dir_all(linked.join("etc")).unwrap();
    std::fs::write(
        linked.join("etc/os-release"),
        "ID=mariner\nVERSION_ID=\"2.0\"\n",
    )
    .unwrap();
    let r = host(data.path(), &linked);
    let v = json(&r);
    assert_ne!(v["host"]["packages"], 129);
    assert!(v["host"]["package_db"].is_null(), "{}", v["host"]);
}

#[test]
fn special_files_where_files_are_expected_do_not_hang() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    std::fs::create_dir_all(root.join("var/lib/dpkg")).unwrap();
    std::fs::create_dir_all(root.join("etc/ssh")).unwrap();
    std::fs::write(
        root.join("etc/os-release"),
        "ID=debian\nVERSION_ID=\"12\"\n",
    )
    .unwrap();
    // a FIFO as the dpkg database, a FIFO as sshd_config: a reader would block forever
    for p in [
        "var/lib/dpkg/status",
        "etc/ssh/sshd_config",
        "etc/environment",
    ] {
        assert!(Command::new("mkfifo")
            .arg(root.join(p))
            .status()
            .unwrap()
            .success());
    }
    // a link to /dev/zero: inside the root it means the root's own /dev/zero, which is a real
    // character device when the test can make one (root), else missing
    std::fs::create_dir_all(root.join("dev")).unwrap();
    let have_dev = Command::new("mknod")
        .arg(root.join("dev/zero"))
        .args(["c", "1", "5"])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    std::os::unix::fs::symlink("/dev/zero", root.join("etc/login.defs")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", root.join("etc/hostname")).unwrap();
    let data = tempfile::tempdir().unwrap();
    let r = host(data.path(), &root);
    assert!(r.secs < 20.0, "{:.1} s", r.secs);
    let v = json(&r);
    let errors = v["errors"].to_string();
    assert!(errors.contains("/var/lib/dpkg/status"), "{errors}");
    assert!(errors.contains("FIFO"), "{errors}");
    if have_dev {
        // the root's own /dev/zero is a character device: refused, named
        assert!(r.stdout.contains("character device"), "{}", r.stdout);
    }
}

#[test]
fn a_corrupt_feed_never_replaces_stored_advisories() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let feed = tmp.path().join("debian.zip");
    let write = |broken: bool| {
        let f = std::fs::File::create(&feed).unwrap();
        let mut z = zip::ZipWriter::new(f);
        let opt = zip::write::SimpleFileOptions::default();
        for (id, rec) in debian_osv(&[SECURITY_FIXES], "T") {
            z.start_file(format!("{id}.json"), opt).unwrap();
            std::io::Write::write_all(&mut z, rec.to_string().as_bytes()).unwrap();
        }
        if broken {
            z.start_file("T-broken.json", opt).unwrap();
            std::io::Write::write_all(&mut z, b"{\"id\": \"T-x\", \"affected\": [").unwrap();
        }
        z.finish().unwrap();
    };
    write(false);
    let r = limited(data.path(), &["db", "import", feed.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let root = std::path::PathBuf::from(format!("{DATA}/host/debian/bookworm-default"));
    let fails = |r: &Run| {
        json(r)["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["check_id"] == "host-package-vulnerable" && f["status"] == "FAIL")
            .count()
    };
    let before = fails(&host(data.path(), &root));
    assert!(before > 0);
    // the same source again, one record corrupt: refused, exit 2, nothing replaced
    write(true);
    let r = limited(data.path(), &["db", "import", feed.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("T-broken.json"), "{}", r.stderr);
    assert!(r.stderr.contains("unchanged"), "{}", r.stderr);
    assert_eq!(fails(&host(data.path(), &root)), before);
    // a truncated archive of the same name
    let bytes = std::fs::read(&feed).unwrap();
    std::fs::write(&feed, &bytes[..bytes.len() / 2]).unwrap();
    let r = limited(data.path(), &["db", "import", feed.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert_eq!(fails(&host(data.path(), &root)), before);
    // a FIFO given as a feed: refused at once
    let fifo = tmp.path().join("feed.json");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let r = limited(data.path(), &["db", "import", fifo.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.secs < 20.0);
    assert_eq!(fails(&host(data.path(), &root)), before);
}
