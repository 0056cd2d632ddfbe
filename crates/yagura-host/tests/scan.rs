#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Whole-host scans of the Debian roots, with config, keys and identity (HOST-01…HOST-08).

use std::path::Path;
use yagura_core::{Severity, Status};
use yagura_host::identity::MetadataSource;
use yagura_host::vulndb::VulnDb;
use yagura_host::{scan, ElfScope, ScanOptions};
use yagura_testkit::host::{debian_osv, write_osv_dir, SECURITY_FIXES};

const HOST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/testdata/host");

struct FakeImds;
impl MetadataSource for FakeImds {
    fn instance_id(&self) -> Option<String> {
        Some("i-0123456789abcdef0".into())
    }
}

fn import_debian_osv(data: &Path) {
    let feeds = tempfile::tempdir().unwrap();
    write_osv_dir(feeds.path(), &debian_osv(&[SECURITY_FIXES], "T"));
    std::fs::copy(
        format!("{HOST}/debian/advisories/DSA-5673-1.json"),
        feeds.path().join("DSA-5673-1.json"),
    )
    .unwrap();
    VulnDb::open(data).unwrap().import(feeds.path()).unwrap();
}

fn day(y: i32, m: u8, d: u8) -> time::Date {
    time::Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), d).unwrap()
}

#[test]
fn bookworm_default_full_scan() {
    let data = tempfile::tempdir().unwrap();
    import_debian_osv(data.path());
    let mut opts = ScanOptions::new(format!("{HOST}/debian/bookworm-default"));
    opts.data_dir = Some(data.path().to_path_buf());
    opts.today = Some(day(2026, 11, 24));
    opts.metadata = Box::new(FakeImds);
    opts.elf = ElfScope::Off;
    let r = scan(&opts);
    // an image is named by its own hostname, not by the scanning machine's instance id
    assert_eq!(r.identity.instance_id, None);
    assert!(r.findings.iter().all(|f| f.account == r.identity.id));
    assert_eq!(r.packages.len(), 166);
    let get = |id: &str| {
        r.findings
            .iter()
            .filter(|f| f.check_id == id)
            .collect::<Vec<_>>()
    };
    let vulns = get("host-package-vulnerable");
    assert!(!vulns.is_empty());
    for f in &vulns {
        assert_eq!(f.status, Status::Fail);
        assert_eq!(f.severity, Severity::High);
        for k in ["cve", "package", "installed", "fixed"] {
            assert!(f.evidence.contains_key(k), "{f:?}");
        }
        assert!(f
            .recommendation
            .as_ref()
            .unwrap()
            .en
            .starts_with("upgrade "));
        assert_ne!(f.evidence["cve"], "CVE-2024-2961");
    }
    let one = |id: &str| {
        let v = get(id);
        assert_eq!(v.len(), 1, "{id}: {v:?}");
        v[0].clone()
    };
    assert_eq!(one("host-os-end-of-life").status, Status::Pass);
    let root_login = one("ssh-root-login-permitted");
    assert_eq!(root_login.status, Status::Fail); // default prohibit-password
    assert_eq!(root_login.severity, Severity::Low);
    assert_eq!(
        one("ssh-password-authentication-enabled").status,
        Status::Fail
    );
    assert_eq!(one("ssh-protocol-1-allowed").status, Status::Pass);
    assert_eq!(one("password-max-age-too-long").status, Status::Fail);
    assert_eq!(one("password-min-length-too-short").status, Status::Fail);
    assert_eq!(one("password-complexity-not-required").status, Status::Fail);
    assert_eq!(one("aslr-disabled").status, Status::Pass);
    assert_eq!(one("aws-access-key-on-disk").status, Status::Pass);
    assert!(r
        .findings
        .iter()
        .all(|f| !f.message.en().is_empty() && !f.message.ja().is_empty()));
    let max_age = one("password-max-age-too-long");
    assert_eq!(max_age.evidence["PASS_MAX_DAYS"], "99999");
    assert!(max_age
        .recommendation
        .unwrap()
        .en
        .contains("PASS_MAX_DAYS 365"));
}

#[test]
fn end_of_life_and_missing_database_are_reported() {
    let mut opts = ScanOptions::new(format!("{HOST}/debian/bookworm-minbase"));
    opts.today = Some(day(2029, 1, 1));
    opts.elf = ElfScope::Off;
    let r = scan(&opts);
    let eol = r
        .findings
        .iter()
        .find(|f| f.check_id == "host-os-end-of-life")
        .unwrap();
    assert_eq!(eol.status, Status::Fail);
    let v = r
        .findings
        .iter()
        .find(|f| f.check_id == "host-package-vulnerable")
        .unwrap();
    assert_eq!(v.status, Status::Unknown);
    // no sshd on minbase: no ssh findings
    assert!(!r.findings.iter().any(|f| f.check_id.starts_with("ssh-")));
}

#[test]
fn keys_on_disk_are_reported_masked() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::create_dir_all(root.join("home/alice/.aws")).unwrap();
    std::fs::create_dir_all(root.join("root/.aws")).unwrap();
    std::fs::create_dir_all(root.join("etc")).unwrap();
    // built at run time: no key-shaped literal in the source
    let key = format!("{}{}", "AKIA", "IOSFODNN7EXAMPLE");
    let secret = format!("{}{}", "wJalrXUtnFEMI/K7MDENG/", "bPxRfiCYEXAMPLEKEY");
    std::fs::write(
        root.join("home/alice/.aws/credentials"),
        format!("[default]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n"),
    )
    .unwrap();
    std::fs::write(
        root.join("etc/environment"),
        format!("AWS_ACCESS_KEY_ID={key}\n"),
    )
    .unwrap();
    std::fs::write(
        root.join("root/.aws/credentials"),
        "[x]\nno keys here NOTAKIAKEY\n",
    )
    .unwrap();
    let mut opts = ScanOptions::new(root);
    opts.elf = ElfScope::Off;
    let r = scan(&opts);
    let hits: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.check_id == "aws-access-key-on-disk")
        .collect();
    assert_eq!(hits.len(), 2, "{hits:?}");
    let json = serde_json::to_string(&r.findings).unwrap();
    assert!(!json.contains(&key), "the key id must be masked");
    assert!(!json.contains(&secret), "the secret must never appear");
    assert!(json.contains(&yagura_core::mask_key_id(&key)));
    assert!(hits
        .iter()
        .all(|f| f.status == Status::Fail && f.account == r.identity.id));
}

#[test]
fn apk_root_with_a_broken_entry_scans_and_reports_it() {
    let tmp = tempfile::tempdir().unwrap();
    let r = tmp.path();
    std::fs::create_dir_all(r.join("lib/apk/db")).unwrap();
    std::fs::create_dir_all(r.join("etc")).unwrap();
    std::fs::copy(
        format!("{HOST}/apk/installed"),
        r.join("lib/apk/db/installed"),
    )
    .unwrap();
    std::fs::write(
        r.join("etc/os-release"),
        "ID=alpine\nVERSION_ID=3.4.6\nPRETTY_NAME=\"Alpine Linux v3.4\"\n",
    )
    .unwrap();
    let mut opts = ScanOptions::new(r);
    opts.elf = ElfScope::Off;
    opts.today = Some(day(2026, 1, 1));
    let rep = scan(&opts);
    assert!(rep.packages.len() > 5);
    let broken: Vec<_> = rep
        .findings
        .iter()
        .filter(|f| f.check_id == "host-package-database-unreadable")
        .collect();
    assert_eq!(broken.len(), 1);
    assert!(broken[0]
        .message
        .en()
        .contains("invalidPackageWithoutAVersion"));
    assert_eq!(rep.errors.len(), 1);
}

#[test]
fn cbl_mariner_scan_with_the_oval_feed() {
    let data = tempfile::tempdir().unwrap();
    VulnDb::open(data.path())
        .unwrap()
        .import(Path::new(&format!(
            "{HOST}/rpm/oval/cbl-mariner-2.0-oval.xml"
        )))
        .unwrap();
    let mut opts = ScanOptions::new(format!("{HOST}/rpm/cbl-mariner-2.0"));
    opts.data_dir = Some(data.path().to_path_buf());
    opts.os_override = Some(("mariner".into(), "2.0".into())); // the fixture has no os-release
    opts.elf = ElfScope::Off;
    opts.today = Some(day(2025, 1, 1));
    let rep = scan(&opts);
    let n = |id: &str| rep.findings.iter().filter(|f| f.check_id == id).count();
    assert_eq!(n("host-package-vulnerable"), 256);
    assert_eq!(n("host-package-vulnerable-no-fix"), 9);
    let f = rep
        .findings
        .iter()
        .find(|f| f.check_id == "host-package-vulnerable")
        .unwrap();
    assert!(f.evidence["fixed"].contains(".cm2"), "{f:?}");
    assert!(rep
        .findings
        .iter()
        .any(|f| f.check_id == "host-os-end-of-life" && f.status == Status::Pass));
}

#[test]
fn insecure_protocol_packages_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let r = tmp.path();
    std::fs::create_dir_all(r.join("var/lib/dpkg")).unwrap();
    std::fs::write(
        r.join("var/lib/dpkg/status"),
        "Package: telnetd\nStatus: install ok installed\nVersion: 0.17+2.4-2\nArchitecture: amd64\nSource: inetutils (2:2.4-2)\n\n\
         Package: ftp\nStatus: install ok installed\nVersion: 20230507-2\nArchitecture: all\n\n\
         Package: rsh-client\nStatus: deinstall ok config-files\nVersion: 0.17-24\n\n",
    )
    .unwrap();
    let mut opts = ScanOptions::new(r);
    opts.elf = ElfScope::Off;
    let rep = scan(&opts);
    assert_eq!(rep.packages.len(), 2); // config-files only: not installed
    let tel = rep.packages.iter().find(|p| p.name == "telnetd").unwrap();
    assert_eq!(
        (tel.source_name.as_str(), tel.source_version.as_str()),
        ("inetutils", "2:2.4-2")
    );
    let fails = |id: &str| {
        rep.findings
            .iter()
            .filter(|f| f.check_id == id && f.status == Status::Fail)
            .map(|f| f.evidence["package"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(fails("insecure-protocol-server-running"), ["telnetd"]);
    assert_eq!(fails("insecure-protocol-client-installed"), ["ftp"]);
}
