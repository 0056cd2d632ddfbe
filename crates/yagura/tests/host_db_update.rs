#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `yagura db update` against a real local HTTP server through `--mirror` (HOST-02, issue 17
//! acceptance 1): the server serves real-format feeds at their upstream paths — an OSV archive
//! built from the shared Debian advisories, the tracker's DSA sample, the Amazon Linux
//! `updateinfo.xml.gz` samples behind a `mirror.list` and a `repomd.xml` with their SHA-256 —
//! with ETags and conditional answers. A fresh update, a no-change update (304, nothing
//! re-imported), a body cut short, a truncated zip, an HTTP 500 and corrupt documents: every
//! failure exits 2 and the earlier data still gives the same scan results; the bookworm roots
//! give the same findings as with `db import` of the same files; `db export` / `db import`
//! moves the whole database; new advisories that affect a stored host are notified.

use md5::Digest;
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use yagura_testkit::feeds::{Fault, FeedServer};
use yagura_testkit::host::{debian_osv, MINBASE_FIXES, SECURITY_FIXES};
use yagura_testkit::sinks::HttpSink;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/testdata");
const ZIP: &str = "/osv-vulnerabilities.storage.googleapis.com/Debian/all.zip";
const TRACKER: &str = "/security-tracker.debian.org/tracker/data/json";
const AL2023_REPO: &str = "/cdn.amazonlinux.com/al2023/core/guids/0a1b2c/x86_64/";
const AL2_REPO: &str = "/cdn.amazonlinux.com/2/core/2.0/x86_64/3d4e5f/";

use yagura_testkit::Run;

fn yagura(data: &Path, args: &[&str]) -> Run {
    yagura_testkit::run(
        yagura_testkit::yagura_cmd()
            .arg("--data-dir")
            .arg(data)
            .arg("--lang")
            .arg("en")
            .args(args)
            .env_remove("HTTPS_PROXY")
            .env_remove("HTTP_PROXY")
            .env_remove("https_proxy")
            .env_remove("http_proxy"),
    )
}

/// OSV records (`Debian:12`) made from every `source, fixed, CVE, suite` row of the shared data.
fn osv_records() -> Vec<(String, Value)> {
    debian_osv(&[SECURITY_FIXES, MINBASE_FIXES], "DEBIAN")
}

fn write_zip(path: &Path, records: &[(String, Value)], broken: Option<&str>) {
    let f = std::fs::File::create(path).unwrap();
    let mut z = zip::ZipWriter::new(f);
    let opt = zip::write::SimpleFileOptions::default();
    for (id, rec) in records {
        z.start_file(format!("{id}.json"), opt).unwrap();
        z.write_all(rec.to_string().as_bytes()).unwrap();
    }
    if let Some(b) = broken {
        z.start_file("DEBIAN-BROKEN.json", opt).unwrap();
        z.write_all(b.as_bytes()).unwrap();
    }
    z.finish().unwrap();
}

fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn b64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                s.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// An Amazon Linux repository: mirror.list → repodata/repomd.xml → updateinfo.xml.gz.
fn write_amazon_repo(root: &Path, list: &str, repo: &str, updateinfo: &[u8]) {
    let list_path = root.join(list.trim_start_matches('/'));
    std::fs::create_dir_all(list_path.parent().unwrap()).unwrap();
    std::fs::write(&list_path, format!("https:/{repo}\n")).unwrap();
    let dir = root.join(repo.trim_start_matches('/')).join("repodata");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("updateinfo.xml.gz"), updateinfo).unwrap();
    std::fs::write(
        dir.join("repomd.xml"),
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<repomd xmlns="http://linux.duke.edu/metadata/repo"><revision>1</revision>
<data type="primary"><checksum type="sha256">00</checksum><location href="repodata/primary.xml.gz"/></data>
<data type="updateinfo"><checksum type="sha256">{}</checksum><location href="repodata/updateinfo.xml.gz"/><size>{}</size></data>
</repomd>"#,
            sha256_hex(updateinfo),
            updateinfo.len()
        ),
    )
    .unwrap();
}

struct Upstream {
    server: FeedServer,
    _dir: tempfile::TempDir,
    records: Vec<(String, Value)>,
}

impl Upstream {
    fn start() -> Upstream {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let records = osv_records();
        let zip = root.join(ZIP.trim_start_matches('/'));
        std::fs::create_dir_all(zip.parent().unwrap()).unwrap();
        write_zip(&zip, &records, None);
        let tracker = root.join(TRACKER.trim_start_matches('/'));
        std::fs::create_dir_all(tracker.parent().unwrap()).unwrap();
        std::fs::copy(
            format!("{DATA}/host/debian/advisories/DSA-5673-1.json"),
            &tracker,
        )
        .unwrap();
        write_amazon_repo(
            &root,
            "/cdn.amazonlinux.com/al2023/core/mirrors/latest/x86_64/mirror.list",
            AL2023_REPO,
            &std::fs::read(format!("{DATA}/host/amazon/updateinfo_AL2023.xml.gz")).unwrap(),
        );
        write_amazon_repo(
            &root,
            "/cdn.amazonlinux.com/2/core/latest/x86_64/mirror.list",
            AL2_REPO,
            &std::fs::read(format!("{DATA}/host/amazon/updateinfo_2_items.xml.gz")).unwrap(),
        );
        let server = FeedServer::start(root);
        let up = Upstream {
            server,
            _dir: dir,
            records,
        };
        up.publish_md5();
        up
    }

    fn file(&self, path: &str) -> PathBuf {
        self.server.dir.join(path.trim_start_matches('/'))
    }

    /// Cloud Storage's `x-goog-hash` for the archive as it is now.
    fn publish_md5(&self) {
        let bytes = std::fs::read(self.file(ZIP)).unwrap();
        let md5 = md5::Md5::digest(&bytes);
        self.server.header(
            ZIP,
            "x-goog-hash",
            &format!("crc32c=AAAAAA==, md5={}", b64(&md5)),
        );
    }

    fn update(&self, data: &Path, feeds: &[&str]) -> Run {
        let base = self.server.base();
        let mut args = vec!["db", "update", "--mirror", base.as_str()];
        args.extend_from_slice(feeds);
        yagura(data, &args)
    }
}

const FEEDS: &[&str] = &["osv-debian", "debian-tracker", "alas-al2023", "alas-al2"];

/// The (check, resource, status) of a scan of a shared root, and its vulnerable package count.
fn scan(data: &Path, root: &str) -> BTreeSet<(String, String, String)> {
    let r = yagura(
        data,
        &[
            "host",
            "--root",
            root,
            "--no-elf",
            "--no-runtime",
            "--no-store",
            "--format",
            "json",
        ],
    );
    let v: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", r.stdout, r.stderr));
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["check_id"].as_str().unwrap().to_string(),
                f["resource"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn roots() -> Vec<String> {
    vec![
        format!("{DATA}/host/debian/bookworm-default"),
        format!("{DATA}/host/debian/bookworm-minbase"),
        format!("{DATA}/host/rpm/amazonlinux-2023-synthetic"),
    ]
}

fn scans(data: &Path) -> Vec<BTreeSet<(String, String, String)>> {
    roots().iter().map(|r| scan(data, r)).collect()
}

fn line<'a>(r: &'a Run, feed: &str) -> &'a str {
    r.stdout
        .lines()
        .find(|l| l.starts_with(&format!("{feed}: ")))
        .unwrap_or_else(|| panic!("no line for {feed}:\n{}\n{}", r.stdout, r.stderr))
}

fn status(data: &Path) -> Value {
    let r = yagura(data, &["db", "status", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

fn imported_at(st: &Value, source: &str) -> i64 {
    st["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == source)
        .unwrap_or_else(|| panic!("no {source} in {st}"))["imported_at"]
        .as_i64()
        .unwrap()
}

#[test]
fn db_update_through_a_mirror_fresh_unchanged_and_every_failure_keeps_the_data() {
    let up = Upstream::start();
    let data = tempfile::tempdir().unwrap();

    // a fresh update of four feeds
    let r = up.update(data.path(), FEEDS);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    for f in FEEDS {
        assert!(line(&r, f).contains(": updated, "), "{}", r.stdout);
    }
    assert!(
        line(&r, "osv-debian").contains(&format!("updated, {} advisories", up.records.len())),
        "{}",
        r.stdout
    );
    let seen = up.server.take_seen();
    assert!(seen.iter().any(|s| s.path == ZIP && s.status == 200));
    assert!(seen
        .iter()
        .any(|s| s.path == format!("{AL2023_REPO}repodata/updateinfo.xml.gz") && s.status == 200));
    let st = status(data.path());
    assert_eq!(st["sources"].as_array().unwrap().len(), 4, "{st}");
    assert!(st["sources"][0]["url"]
        .as_str()
        .unwrap()
        .starts_with(&up.server.base()));
    let before: Vec<i64> = FEEDS.iter().map(|f| imported_at(&st, f)).collect();
    let want = scans(data.path());
    let vulnerable = |s: &BTreeSet<(String, String, String)>| {
        s.iter()
            .filter(|(c, _, st)| c == "host-package-vulnerable" && st == "FAIL")
            .count()
    };
    assert!(
        vulnerable(&want[0]) > 0,
        "bookworm-default is behind bookworm-security"
    );
    assert!(vulnerable(&want[2]) == 0 || vulnerable(&want[2]) > 0);

    // nothing changed upstream: conditional requests, 304, nothing re-imported
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let r = up.update(data.path(), FEEDS);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    for f in FEEDS {
        assert!(
            line(&r, f).contains("unchanged") && line(&r, f).contains("not modified"),
            "{}",
            r.stdout
        );
    }
    let seen = up.server.take_seen();
    let zip_req = seen.iter().find(|s| s.path == ZIP).unwrap();
    assert!(zip_req.if_none_match.is_some(), "{seen:?}");
    assert_eq!(zip_req.status, 304);
    assert!(
        !seen.iter().any(|s| s.path.ends_with("updateinfo.xml.gz")),
        "an unchanged repomd.xml needs no updateinfo: {seen:?}"
    );
    let st = status(data.path());
    let after: Vec<i64> = FEEDS.iter().map(|f| imported_at(&st, f)).collect();
    assert_eq!(before, after, "nothing re-imported");
    assert_eq!(scans(data.path()), want);

    // new upstream data, but the download is cut short (Content-Length promises more)
    let mut more = up.records.clone();
    more.push((
        "DEBIAN-CVE-2099-9999".to_string(),
        serde_json::json!({"id": "DEBIAN-CVE-2099-9999", "affected": [{"package": {"ecosystem": "Debian:12", "name": "openssh"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:99.0-1"}]}]}]}),
    ));
    write_zip(&up.file(ZIP), &more, None);
    up.publish_md5();
    let size = std::fs::metadata(up.file(ZIP)).unwrap().len() as usize;
    up.server.fault(ZIP, Some(Fault::CutAt(size / 2)));
    let check_failed = |r: &Run, feed: &str, why: &str| {
        assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
        let l = line(r, feed);
        assert!(l.contains("FAILED") && l.contains("are kept"), "{l}");
        assert!(l.to_lowercase().contains(why), "{l}");
        assert_eq!(scans(data.path()), want, "after: {l}");
        let st = status(data.path());
        assert_eq!(
            imported_at(&st, feed),
            before[FEEDS.iter().position(|f| *f == feed).unwrap()]
        );
    };
    let r = up.update(data.path(), &["osv-debian"]);
    check_failed(&r, "osv-debian", "cut short");

    // the object itself truncated (an honest Content-Length, no published hash)
    up.server.fault(ZIP, None);
    let full = std::fs::read(up.file(ZIP)).unwrap();
    std::fs::write(up.file(ZIP), &full[..full.len() / 2]).unwrap();
    // (a second server on the same files: no x-goog-hash published for this object)
    let plain = FeedServer::start(up.server.dir.clone());
    let base = plain.base();
    let r = yagura(
        data.path(),
        &["db", "update", "--mirror", &base, "osv-debian"],
    );
    check_failed(&r, "osv-debian", "zip");

    // the archive whole, with its MD5, but one corrupt record inside
    write_zip(
        &up.file(ZIP),
        &more,
        Some("{\"id\": \"DEBIAN-BROKEN\", \"affected\": [tru"),
    );
    up.publish_md5();
    let r = up.update(data.path(), &["osv-debian"]);
    check_failed(&r, "osv-debian", "could not be read");

    // a published MD5 that does not match
    write_zip(&up.file(ZIP), &more, None);
    let r = up.update(data.path(), &["osv-debian"]);
    check_failed(&r, "osv-debian", "md5");

    // HTTP 500 from the tracker
    up.server.fault(TRACKER, Some(Fault::Status(500)));
    std::fs::write(up.file(TRACKER), "{\"glibc\": {}}").unwrap();
    let r = up.update(data.path(), &["debian-tracker"]);
    check_failed(&r, "debian-tracker", "500");
    up.server.fault(TRACKER, None);

    // a corrupt tracker document
    std::fs::write(up.file(TRACKER), "{\"glibc\": {\"CVE-2024-2961\": [1, 2").unwrap();
    let r = up.update(data.path(), &["debian-tracker"]);
    check_failed(&r, "debian-tracker", "not json");

    // a corrupt updateinfo whose SHA-256 repomd.xml publishes (the publisher's own mistake)
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"<updates><update type=\"security\"><id>ALAS2023-X</id>")
        .unwrap();
    let bad = gz.finish().unwrap();
    write_amazon_repo(
        &up.server.dir,
        "/cdn.amazonlinux.com/al2023/core/mirrors/latest/x86_64/mirror.list",
        AL2023_REPO,
        &bad,
    );
    let r = up.update(data.path(), &["alas-al2023"]);
    check_failed(&r, "alas-al2023", "xml");

    // an updateinfo that does not match the SHA-256 of repomd.xml (repomd.xml announces new
    // data; what arrives is cut short)
    let good = std::fs::read(format!("{DATA}/host/amazon/updateinfo_AL2023.xml.gz")).unwrap();
    let announced = std::fs::read(format!("{DATA}/host/amazon/updateinfo_2_items.xml.gz")).unwrap();
    write_amazon_repo(
        &up.server.dir,
        "/cdn.amazonlinux.com/al2023/core/mirrors/latest/x86_64/mirror.list",
        AL2023_REPO,
        &announced,
    );
    std::fs::write(
        up.file(&format!("{AL2023_REPO}repodata/updateinfo.xml.gz")),
        &good[..good.len() - 10],
    )
    .unwrap();
    let r = up.update(data.path(), &["alas-al2023"]);
    check_failed(&r, "alas-al2023", "sha-256");

    // and when the archive is whole again, the new advisory comes in
    write_zip(&up.file(ZIP), &more, None);
    up.publish_md5();
    let r = up.update(data.path(), &["osv-debian"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(line(&r, "osv-debian").contains("(1 new)"), "{}", r.stdout);
    let now = scans(data.path());
    assert!(now[0].contains(&(
        "host-package-vulnerable".to_string(),
        "package:openssh-server:DEBIAN-CVE-2099-9999".to_string(),
        "FAIL".to_string()
    )));
}

#[test]
fn db_update_gives_the_same_findings_as_db_import_and_export_moves_the_database() {
    let up = Upstream::start();
    let updated = tempfile::tempdir().unwrap();
    let r = up.update(updated.path(), FEEDS);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);

    // the same files imported by hand
    let imported = tempfile::tempdir().unwrap();
    let files = [
        up.file(ZIP),
        up.file(TRACKER),
        up.file(&format!("{AL2023_REPO}repodata/updateinfo.xml.gz")),
        up.file(&format!("{AL2_REPO}repodata/updateinfo.xml.gz")),
    ];
    for f in &files {
        let r = yagura(imported.path(), &["db", "import", f.to_str().unwrap()]);
        assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    }
    let a = scans(updated.path());
    assert_eq!(a, scans(imported.path()));
    assert!(a[0]
        .iter()
        .any(|(c, _, s)| c == "host-package-vulnerable" && s == "FAIL"));

    // db export → db import on an "offline" host: the same findings, the feed states kept
    let bundle = tempfile::tempdir().unwrap();
    let file = bundle.path().join("yagura-vulndb.sqlite");
    let r = yagura(updated.path(), &["db", "export", file.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let offline = tempfile::tempdir().unwrap();
    let r = yagura(offline.path(), &["db", "import", file.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("imported the database"), "{}", r.stdout);
    assert_eq!(scans(offline.path()), a);
    let st = status(offline.path());
    assert!(st["sources"][0]["url"].is_string(), "{st}");
    // a damaged export is refused and changes nothing
    let bytes = std::fs::read(&file).unwrap();
    let damaged = bundle.path().join("damaged.sqlite");
    std::fs::write(&damaged, &bytes[..bytes.len() / 3]).unwrap();
    let r = yagura(offline.path(), &["db", "import", damaged.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("unchanged"), "{}", r.stderr);
    assert_eq!(scans(offline.path()), a);
}

#[test]
fn new_advisories_after_an_update_are_notified_for_stored_hosts() {
    let up = Upstream::start();
    let data = tempfile::tempdir().unwrap();
    let r = up.update(data.path(), &["osv-debian"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    // a scan keeps the host's packages
    let root = format!("{DATA}/host/debian/bookworm-default");
    let r = yagura(
        data.path(),
        &[
            "host",
            "--root",
            &root,
            "--no-elf",
            "--no-runtime",
            "--format",
            "json",
        ],
    );
    assert!(r.code == 1 || r.code == 2, "{}", r.stderr);
    // upstream publishes one advisory for openssh (installed) and one for a package not installed
    let mut more = up.records.clone();
    for (id, pkg) in [
        ("DEBIAN-CVE-2099-0001", "openssh"),
        ("DEBIAN-CVE-2099-0002", "not-installed"),
    ] {
        more.push((
            id.to_string(),
            serde_json::json!({"id": id, "affected": [{"package": {"ecosystem": "Debian:12", "name": pkg},
                "ecosystem_specific": {"urgency": "high"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:99.0-1"}]}]}]}),
        ));
    }
    write_zip(&up.file(ZIP), &more, None);
    up.publish_md5();
    let hook = HttpSink::start(vec![]);
    let cfg = data.path().join("notify.yaml");
    std::fs::write(
        &cfg,
        format!(
            "version: 1\nsettings:\n  attempts: 1\ndestinations:\n  - name: vulns\n    kind: webhook\n    url: {}\n    min_severity: low\n    max_per_run: 100\n",
            hook.url("/hook")
        ),
    )
    .unwrap();
    let r = up.update(
        data.path(),
        &["osv-debian", "--notify", cfg.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(line(&r, "osv-debian").contains("(2 new)"), "{}", r.stdout);
    let reqs = hook.requests();
    let bodies: Vec<String> = reqs.iter().map(|q| q.body.clone()).collect();
    assert!(!bodies.is_empty(), "{}", r.stderr);
    let all = bodies.join("\n");
    assert!(all.contains("DEBIAN-CVE-2099-0001"), "{all}");
    assert!(all.contains("openssh-server"), "{all}");
    assert!(all.contains("1:99.0-1"), "{all}");
    assert!(!all.contains("DEBIAN-CVE-2099-0002"), "{all}");
    // the host is named: its hostname (no metadata service in tests)
    assert!(
        all.contains("package:openssh-server:DEBIAN-CVE-2099-0001"),
        "{all}"
    );
}

#[test]
fn db_update_list_and_unknown_feed() {
    let data = tempfile::tempdir().unwrap();
    let r = yagura(data.path(), &["db", "update", "--list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for name in [
        "osv-debian",
        "osv-alpine",
        "debian-tracker",
        "alas-al2023",
        "alas-al2",
    ] {
        assert!(r.stdout.contains(name), "{}", r.stdout);
    }
    assert!(r
        .stdout
        .contains("https://osv-vulnerabilities.storage.googleapis.com/Rocky%20Linux/all.zip"));
    let r = yagura(data.path(), &["db", "update", "osv-nowhere"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("unknown feed `osv-nowhere`"),
        "{}",
        r.stderr
    );
}
