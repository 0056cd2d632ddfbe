#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Host assessment that works out of the box (issue 17): pending security updates from the
//! host's own package-manager metadata with no database (acceptance 2), the running kernel
//! against the installed ones, and long-lived AWS keys in every place they are really left
//! (acceptance 3).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use yagura_core::Status;
use yagura_host::packages::{self, Package};
use yagura_host::rootfs::Root;
use yagura_host::vulndb::VulnDb;
use yagura_host::{scan, ElfScope, ScanOptions};
use yagura_testkit::host::{copy_tree, dpkg_lt};

const HOST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/testdata/host");
const SECURITY_LIST: &str =
    "deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages";

fn opts(root: &Path) -> ScanOptions {
    let mut o = ScanOptions::new(root);
    o.elf = ElfScope::Off;
    o.runtime = false;
    o
}

/// acceptance 2: a copy of bookworm-default with the real bookworm-security `Packages` index as
/// apt's list gives, with no database, a finding for every installed package older than the
/// security suite's version (truth: `dpkg --compare-versions`), and none for the others.
#[test]
fn zero_import_pending_security_updates_from_apt_lists() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    copy_tree(Path::new(&format!("{HOST}/debian/bookworm-default")), &root);
    let lists = root.join("var/lib/apt/lists");
    std::fs::create_dir_all(&lists).unwrap();
    let index = std::fs::read_to_string(format!(
        "{HOST}/debian/advisories/bookworm-security_main_amd64_Packages"
    ))
    .unwrap();
    std::fs::write(lists.join(SECURITY_LIST), &index).unwrap();
    // a list of the main suite (not security) must not count
    std::fs::write(
        lists.join("deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages"),
        "Package: bash\nVersion: 99.0-1\nArchitecture: amd64\n",
    )
    .unwrap();

    // the truth: every (name, arch) of the index with its versions, then dpkg decides
    let mut offered: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for stanza in index.split("\n\n") {
        let field = |k: &str| {
            stanza
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{k}: ")))
                .map(str::to_string)
        };
        if let (Some(p), Some(v), Some(a)) =
            (field("Package"), field("Version"), field("Architecture"))
        {
            offered.entry(p).or_default().push((a, v));
        }
    }
    let set = packages::read_installed(&Root::new(&root));
    assert_eq!(set.packages.len(), 166);
    let mut want = BTreeSet::new();
    for p in &set.packages {
        for (arch, v) in offered.get(&p.name).into_iter().flatten() {
            if (arch == &p.arch || arch == "all") && dpkg_lt(&p.version, v) {
                want.insert(p.name.clone());
            }
        }
    }
    assert!(!want.is_empty(), "the root is behind bookworm-security");

    let r = scan(&opts(&root));
    let got: BTreeSet<String> = r
        .findings
        .iter()
        .filter(|f| f.check_id == "host-security-update-pending" && f.status == Status::Fail)
        .map(|f| f.evidence.get("package").cloned().unwrap())
        .collect();
    assert_eq!(got, want);
    // labelled with their source, and the candidate is the security suite's
    for f in r
        .findings
        .iter()
        .filter(|f| f.check_id == "host-security-update-pending" && f.status == Status::Fail)
    {
        let src = f.evidence.get("source").unwrap();
        assert_eq!(src, &format!("/var/lib/apt/lists/{SECURITY_LIST}"));
        assert!(f.message.en().contains(SECURITY_LIST), "{}", f.message.en());
        assert!(f.recommendation.is_some());
    }
    // no database and metadata read: not UNKNOWN, a warning says where the data came from
    assert!(!r
        .findings
        .iter()
        .any(|f| f.check_id == "host-package-vulnerable" && f.status == Status::Unknown));
    assert!(
        r.warnings.iter().any(|w| w.contains("package manager")),
        "{:?}",
        r.warnings
    );
    assert_eq!(r.update_sources.len(), 1);

    // with a database, the evidence says whether it agrees
    let data = tempfile::tempdir().unwrap();
    let feed = tempfile::tempdir().unwrap();
    std::fs::copy(
        format!("{HOST}/debian/advisories/DSA-5673-1.json"),
        feed.path().join("DSA-5673-1.json"),
    )
    .unwrap();
    VulnDb::open(data.path())
        .unwrap()
        .import(feed.path())
        .unwrap();
    let mut o = opts(&root);
    o.data_dir = Some(data.path().to_path_buf());
    let r = scan(&o);
    let pend: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.check_id == "host-security-update-pending" && f.status == Status::Fail)
        .collect();
    assert_eq!(pend.len(), want.len());
    assert!(pend
        .iter()
        .all(|f| f.evidence.get("vulnerability_db").is_some()));

    // a root with nothing to update: PASS naming the list
    let clean = tempfile::tempdir().unwrap();
    let croot = clean.path().join("root");
    copy_tree(
        Path::new(&format!("{HOST}/debian/bookworm-default")),
        &croot,
    );
    let l = croot.join("var/lib/apt/lists");
    std::fs::create_dir_all(&l).unwrap();
    std::fs::write(
        l.join(SECURITY_LIST),
        "Package: bash\nVersion: 1.0-1\nArchitecture: amd64\n",
    )
    .unwrap();
    let r = scan(&opts(&croot));
    let f: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.check_id == "host-security-update-pending")
        .collect();
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].status, Status::Pass);
}

/// dnf's cached updateinfo on an Amazon Linux 2023 root: the advisory's fixed build is newer
/// than the installed openssl-libs.
#[test]
fn zero_import_pending_updates_from_dnf_cache() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    copy_tree(
        Path::new(&format!("{HOST}/rpm/amazonlinux-2023-synthetic")),
        &root,
    );
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::write(
        root.join("etc/os-release"),
        "NAME=\"Amazon Linux\"\nVERSION=\"2023\"\nID=\"amzn\"\nVERSION_ID=\"2023\"\n",
    )
    .unwrap();
    let cache = root.join("var/cache/dnf/amazonlinux-3b6a5b4a0c6f2e8d/repodata");
    std::fs::create_dir_all(&cache).unwrap();
    let xml = r#"<?xml version="1.0" ?><updates>
<update type="security"><id>ALAS2023-2099-001</id><severity>critical</severity><title>openssl</title>
<pkglist><collection short="amazon-linux-2023"><package name="openssl-libs" epoch="1" version="3.0.8" release="1.amzn2023.0.16" arch="x86_64"/></collection></pkglist></update>
<update type="security"><id>ALAS2023-2099-002</id><severity>medium</severity><title>openssh old</title>
<pkglist><collection short="amazon-linux-2023"><package name="openssh-server" epoch="0" version="8.7p1" release="8.amzn2023.0.4" arch="x86_64"/></collection></pkglist></update>
<update type="bugfix"><id>ALAS2023-2099-003</id><pkglist><collection short="amazon-linux-2023"><package name="openssh-server" epoch="0" version="9.9p1" release="1.amzn2023" arch="x86_64"/></collection></pkglist></update>
</updates>"#;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, xml.as_bytes()).unwrap();
    std::fs::write(
        cache.join("0123abcd-updateinfo.xml.gz"),
        gz.finish().unwrap(),
    )
    .unwrap();
    let r = scan(&opts(&root));
    let pend: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.check_id == "host-security-update-pending" && f.status == Status::Fail)
        .collect();
    assert_eq!(pend.len(), 1, "{pend:?}");
    assert_eq!(pend[0].evidence.get("package").unwrap(), "openssl-libs");
    assert_eq!(
        pend[0].evidence.get("advisories").unwrap(),
        "ALAS2023-2099-001"
    );
    assert_eq!(
        pend[0].evidence.get("candidate").unwrap(),
        "1:3.0.8-1.amzn2023.0.16"
    );
    assert_eq!(pend[0].severity, yagura_core::Severity::Critical);
}

fn dpkg_stanza(name: &str, version: &str, source: &str) -> String {
    format!(
        "Package: {name}\nStatus: install ok installed\nArchitecture: amd64\nSource: {source}\nVersion: {version}\n\n"
    )
}

/// The running kernel older than the newest installed one is a finding, and vulnerabilities
/// match the running kernel only.
#[test]
fn kernel_reboot_pending_and_vulnerabilities_of_the_running_kernel() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::create_dir_all(root.join("var/lib/dpkg")).unwrap();
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::write(
        root.join("etc/os-release"),
        "ID=debian\nVERSION_ID=\"12\"\n",
    )
    .unwrap();
    let status = [
        dpkg_stanza(
            "linux-image-6.1.0-17-amd64",
            "6.1.69-1",
            "linux-signed-amd64 (6.1.69+1)",
        ),
        dpkg_stanza(
            "linux-image-6.1.0-18-amd64",
            "6.1.76-1",
            "linux-signed-amd64 (6.1.76+1)",
        ),
        dpkg_stanza(
            "linux-image-amd64",
            "6.1.76-1",
            "linux-signed-amd64 (6.1.76+1)",
        ),
        dpkg_stanza("bash", "5.2.15-2+b2", "bash (5.2.15-2)"),
    ]
    .concat();
    std::fs::write(root.join("var/lib/dpkg/status"), status).unwrap();
    let data = tempfile::tempdir().unwrap();
    let feed = data.path().join("linux.json");
    std::fs::write(
        &feed,
        serde_json::json!({"id": "DSA-9999-1", "aliases": ["CVE-2099-1000"], "affected": [{
            "package": {"ecosystem": "Debian:12", "name": "linux-signed-amd64"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "6.1.76+1"}]}]}]})
        .to_string(),
    )
    .unwrap();
    VulnDb::open(data.path()).unwrap().import(&feed).unwrap();
    let run = |running: &str| {
        let mut o = opts(root);
        o.data_dir = Some(data.path().to_path_buf());
        o.kernel_release = Some(running.to_string());
        scan(&o)
    };
    let r = run("6.1.0-17-amd64");
    let k: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.check_id == "host-kernel-reboot-pending")
        .collect();
    assert_eq!(k.len(), 1);
    assert_eq!(k[0].status, Status::Fail);
    assert!(
        k[0].message.en().contains("linux-image-6.1.0-18-amd64"),
        "{}",
        k[0].message.en()
    );
    let vuln: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.check_id == "host-package-vulnerable" && f.status == Status::Fail)
        .map(|f| &*f.resource)
        .collect();
    assert_eq!(vuln, ["package:linux-image-6.1.0-17-amd64:DSA-9999-1"]);

    let r = run("6.1.0-18-amd64");
    let k = r
        .findings
        .iter()
        .find(|f| f.check_id == "host-kernel-reboot-pending")
        .unwrap();
    assert_eq!(k.status, Status::Pass);
    assert!(!r
        .findings
        .iter()
        .any(|f| f.check_id == "host-package-vulnerable" && f.status == Status::Fail));

    // an image (no running kernel known): no kernel finding
    let mut o = opts(root);
    o.kernel_release = None;
    assert!(!scan(&o)
        .findings
        .iter()
        .any(|f| f.check_id == "host-kernel-reboot-pending"));
}

#[test]
fn rpm_kernel_release_names() {
    use yagura_host::kernel::{kernel_release_of, state};
    use yagura_host::packages::DbKind;
    let k = |v: &str| Package {
        name: "kernel".into(),
        version: v.into(),
        arch: "x86_64".into(),
        source_name: "kernel".into(),
        source_version: v.into(),
    };
    assert_eq!(
        kernel_release_of(DbKind::RpmSqlite, &k("5.10.210-201.852.amzn2")).as_deref(),
        Some("5.10.210-201.852.amzn2.x86_64")
    );
    let pkgs = [k("5.10.210-201.852.amzn2"), k("5.10.215-203.850.amzn2")];
    let s = state(DbKind::RpmBdb, &pkgs, "5.10.210-201.852.amzn2.x86_64").unwrap();
    assert!(s.reboot_pending(DbKind::RpmBdb));
    let s = state(DbKind::RpmBdb, &pkgs, "5.10.215-203.850.amzn2.x86_64").unwrap();
    assert!(!s.reboot_pending(DbKind::RpmBdb));
}

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// A place keys are left, and the file's text with a key id in it.
type Place = (&'static str, Box<dyn Fn(&str) -> String>);

/// acceptance 3: a key planted in each place keys are really left; all found, masked; the walk
/// survives a FIFO, a link to /dev/zero, a directory loop and a link out of the root.
#[test]
fn keys_in_every_place_they_are_left() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let places: Vec<Place> = vec![
        (
            "/root/.aws/credentials",
            Box::new(|k| {
                format!("[default]\naws_access_key_id = {k}\naws_secret_access_key = {SECRET}\n")
            }),
        ),
        (
            "/home/alice/.aws/config",
            Box::new(|k| format!("[profile ci]\nregion = ap-northeast-1\naws_access_key_id={k}\n")),
        ),
        (
            "/var/lib/jenkins/.aws/credentials",
            Box::new(|k| format!("[default]\naws_access_key_id = {k}\n")),
        ),
        (
            "/home/alice/app/.env",
            Box::new(|k| format!("AWS_ACCESS_KEY_ID={k}\nAWS_SECRET_ACCESS_KEY={SECRET}\n")),
        ),
        (
            "/srv/shop/.env.production",
            Box::new(|k| format!("export AWS_ACCESS_KEY_ID=\"{k}\"\n")),
        ),
        (
            "/etc/environment",
            Box::new(|k| format!("AWS_ACCESS_KEY_ID={k}\n")),
        ),
        (
            "/etc/default/backup",
            Box::new(|k| format!("AWS_ACCESS_KEY_ID={k}\n")),
        ),
        (
            "/root/.bash_history",
            Box::new(|k| format!("ls\naws configure set aws_access_key_id {k}\n")),
        ),
        (
            "/home/bob/.zsh_history",
            Box::new(|k| format!(": 1700000000:0;export AWS_ACCESS_KEY_ID={k}\n")),
        ),
        (
            "/home/bob/.local/share/fish/fish_history",
            Box::new(|k| format!("- cmd: set -x AWS_ACCESS_KEY_ID {k}\n  when: 1700000000\n")),
        ),
        (
            "/home/alice/.s3cfg",
            Box::new(|k| format!("[default]\naccess_key = {k}\nsecret_key = {SECRET}\n")),
        ),
        ("/etc/passwd-s3fs", Box::new(|k| format!("{k}:{SECRET}\n"))),
        (
            "/home/bob/.passwd-s3fs",
            Box::new(|k| format!("mybucket:{k}:{SECRET}\n")),
        ),
        (
            "/etc/crontab",
            Box::new(|k| format!("0 3 * * * root AWS_ACCESS_KEY_ID={k} /usr/local/bin/backup\n")),
        ),
        (
            "/etc/cron.d/sync",
            Box::new(|k| {
                format!("*/5 * * * * root env AWS_ACCESS_KEY_ID={k} aws s3 sync /data s3://b\n")
            }),
        ),
        (
            "/var/spool/cron/crontabs/alice",
            Box::new(|k| format!("@daily AWS_ACCESS_KEY_ID={k} ~/bin/job\n")),
        ),
        (
            "/etc/systemd/system/app.service",
            Box::new(|k| {
                format!("[Service]\nEnvironment=AWS_ACCESS_KEY_ID={k}\nExecStart=/opt/app/run\n")
            }),
        ),
        (
            "/etc/systemd/system/worker.service.d/override.conf",
            Box::new(|k| format!("[Service]\nEnvironment=\"AWS_ACCESS_KEY_ID={k}\"\n")),
        ),
        (
            "/root/.docker/config.json",
            Box::new(|k| format!("{{\"credHelpers\":{{}},\"env\":[\"AWS_ACCESS_KEY_ID={k}\"]}}\n")),
        ),
        (
            "/var/lib/docker/containers/4f2a9c/config.v2.json",
            Box::new(|k| {
                format!(
                    "{{\"Config\":{{\"Env\":[\"AWS_ACCESS_KEY_ID={k}\",\"PATH=/usr/bin\"]}}}}\n"
                )
            }),
        ),
        (
            "/opt/app/docker-compose.yml",
            Box::new(|k| {
                format!("services:\n  app:\n    environment:\n      AWS_ACCESS_KEY_ID: {k}\n")
            }),
        ),
        (
            "/home/alice/.config/rclone/rclone.conf",
            Box::new(|k| format!("[s3]\ntype = s3\naccess_key_id = {k}\n")),
        ),
        (
            "/etc/boto.cfg",
            Box::new(|k| format!("[Credentials]\naws_access_key_id = {k}\n")),
        ),
        (
            "/var/www/html/wp-config.php",
            Box::new(|k| format!("<?php\ndefine('AS3CF_AWS_ACCESS_KEY_ID', '{k}');\n")),
        ),
        (
            "/opt/app/config/application.yml",
            Box::new(|k| format!("aws:\n  access-key: {k}\n")),
        ),
        (
            "/srv/shop/settings.py",
            Box::new(|k| format!("AWS_ACCESS_KEY_ID = '{k}'\n")),
        ),
    ];
    let mut planted = BTreeMap::new();
    for (i, (path, content)) in places.iter().enumerate() {
        let key = format!("AKIAIOSFODNN7EXAM{i:03}");
        let p = root.join(path.trim_start_matches('/'));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, content(&key)).unwrap();
        planted.insert(path.to_string(), key);
    }
    std::fs::write(
        root.join("etc/passwd"),
        "root:x:0:0:root:/root:/bin/bash\njenkins:x:110:110::/var/lib/jenkins:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n",
    )
    .unwrap();
    // hostile entries: a FIFO where a .env is expected, a link to /dev/zero as a history, a
    // directory loop, a link out of the root
    let fifo = root.join("home/alice/app/.env.local");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    std::os::unix::fs::symlink("/dev/zero", root.join("home/alice/.bash_history")).unwrap();
    std::os::unix::fs::symlink("/opt", root.join("opt/app/loop")).unwrap();
    std::os::unix::fs::symlink("../../../../..", root.join("home/bob/escape")).unwrap();
    let outside = tmp
        .path()
        .parent()
        .unwrap()
        .join(format!("outside-{}", std::process::id()));
    let _ = outside;

    let started = std::time::Instant::now();
    let r = scan(&opts(root));
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    let hits: BTreeMap<String, String> = r
        .findings
        .iter()
        .filter(|f| f.check_id == "aws-access-key-on-disk" && f.status == Status::Fail)
        .map(|f| {
            (
                f.evidence.get("file").unwrap().clone(),
                f.evidence.get("key_id").unwrap().clone(),
            )
        })
        .collect();
    for (path, key) in &planted {
        assert_eq!(
            hits.get(path),
            Some(&yagura_core::mask_key_id(key)),
            "{path} not found: {hits:?}"
        );
    }
    assert_eq!(hits.len(), planted.len(), "{hits:?}");
    // masked everywhere, the secret never read into a finding
    let all = serde_json::to_string(&r.findings).unwrap();
    for key in planted.values() {
        assert!(!all.contains(key.as_str()));
    }
    assert!(!all.contains(SECRET));
    assert!(!all.contains("wJalrXUtnFEMI"));
}

/// Data older than 7 days makes the scan warn; a successful `db update` check that found the
/// feed unchanged counts as fresh.
#[test]
fn stale_vulnerability_data_is_warned_about() {
    let data = tempfile::tempdir().unwrap();
    let feed = tempfile::tempdir().unwrap();
    std::fs::copy(
        format!("{HOST}/debian/advisories/DSA-5673-1.json"),
        feed.path().join("DSA-5673-1.json"),
    )
    .unwrap();
    VulnDb::open(data.path())
        .unwrap()
        .import(feed.path())
        .unwrap();
    let root = format!("{HOST}/debian/bookworm-default");
    let run = || {
        let mut o = opts(Path::new(&root));
        o.data_dir = Some(data.path().to_path_buf());
        scan(&o).warnings
    };
    assert!(run().is_empty(), "{:?}", run());
    let db = rusqlite::Connection::open(data.path().join("vulndb.sqlite")).unwrap();
    let old = time::OffsetDateTime::now_utc().unix_timestamp() - 10 * 86_400;
    db.execute("UPDATE source SET imported_at = ?1", [old])
        .unwrap();
    let w = run();
    assert!(w.iter().any(|w| w.contains("10 days old")), "{w:?}");
    // a recent successful check of the feed makes it current again
    db.execute(
        "INSERT INTO feed (name, url, checked_at, changed_at) VALUES (?1, 'https://x', ?2, ?3)",
        rusqlite::params!["tmp", time::OffsetDateTime::now_utc().unix_timestamp(), old],
    )
    .unwrap();
    let name: String = db
        .query_row("SELECT name FROM source", [], |r| r.get(0))
        .unwrap();
    db.execute("UPDATE feed SET name = ?1", [name]).unwrap();
    assert!(run().is_empty(), "{:?}", run());
}
