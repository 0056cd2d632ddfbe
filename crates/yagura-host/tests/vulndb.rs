#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The vulnerability database against real package databases and real feeds (HOST-02).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use yagura_host::packages::{self, OsRelease};
use yagura_host::rootfs::Root;
use yagura_host::vulndb::{FixState, VulnDb};
use yagura_testkit::host::{
    debian_fixes, debian_osv, dpkg_lt, write_osv_dir, MINBASE_FIXES, SECURITY_FIXES,
};

const HOST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/testdata/host");

/// OSV records (ecosystem `Debian:12`) made from the `source, fixed, CVE, suite` rows.
fn write_osv_from_tsv(dir: &Path) -> Vec<(String, String, String)> {
    let records = debian_osv(&[SECURITY_FIXES, MINBASE_FIXES], "DEBIAN");
    write_osv_dir(dir, &records);
    debian_fixes(&[SECURITY_FIXES, MINBASE_FIXES])
}

#[test]
fn debian_bookworm_roots_against_osv_made_from_the_advisories() {
    let feeds = tempfile::tempdir().unwrap();
    let osv = feeds.path().join("debian-osv");
    std::fs::create_dir_all(&osv).unwrap();
    let rows = write_osv_from_tsv(&osv);
    std::fs::copy(
        format!("{HOST}/debian/advisories/DSA-5673-1.json"),
        feeds.path().join("DSA-5673-1.json"),
    )
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let mut db = VulnDb::open(data.path()).unwrap();
    let stats = db.import(&osv).unwrap();
    assert_eq!(stats.advisories, rows.len());
    let stats = db.import(&feeds.path().join("DSA-5673-1.json")).unwrap();
    assert_eq!(stats.kinds, ["debian-tracker"]);
    assert_eq!(stats.advisories, 2); // bookworm and bullseye rows
    let status = db.status().unwrap();
    assert_eq!(status.sources.len(), 2);

    let mut total = 0;
    for name in ["bookworm-default", "bookworm-minbase"] {
        let root = Root::new(format!("{HOST}/debian/{name}"));
        let os = OsRelease::read(&root).unwrap();
        let set = packages::read_installed(&root);
        let got: BTreeSet<(String, String)> = db
            .match_packages(&os.id, &os.release_key(), &set.packages)
            .unwrap()
            .into_iter()
            .map(|m| {
                (
                    m.advisory.aliases.first().cloned().unwrap_or(m.advisory.id),
                    m.package,
                )
            })
            .collect();
        let mut want = BTreeSet::new();
        for p in &set.packages {
            for (src, fixed, cve) in &rows {
                if &p.source_name == src && dpkg_lt(&p.source_version, fixed) {
                    want.insert((cve.clone(), p.name.clone()));
                }
            }
        }
        assert_eq!(got, want, "{name}");
        // the backport case: glibc 2.36-9+deb12u14 is at or after the DSA's 2.36-9+deb12u6
        assert!(!got.iter().any(|(id, _)| id == "CVE-2024-2961"), "{name}");
        assert!(set.packages.iter().any(|p| p.source_name == "glibc"));
        total += got.len();
    }
    assert!(total > 0, "the roots were behind bookworm-security");
}

#[test]
fn cbl_mariner_against_its_oval_feed_gives_256_pairs() {
    let data = tempfile::tempdir().unwrap();
    let mut db = VulnDb::open(data.path()).unwrap();
    let stats = db
        .import(Path::new(&format!(
            "{HOST}/rpm/oval/cbl-mariner-2.0-oval.xml"
        )))
        .unwrap();
    assert_eq!(stats.kinds, ["oval"]);
    assert!(stats.advisories >= 2436, "{}", stats.advisories);
    let root = Root::new(format!("{HOST}/rpm/cbl-mariner-2.0"));
    let set = packages::read_installed(&root);
    let matches = db.match_packages("mariner", "2.0", &set.packages).unwrap();
    let pairs = |state: FixState| -> BTreeSet<(String, String)> {
        matches
            .iter()
            .filter(|m| m.advisory.state == state)
            .map(|m| (m.package.clone(), m.advisory.id.clone()))
            .collect()
    };
    let fixed = pairs(FixState::Fixed);
    let pkgs: BTreeSet<&String> = fixed.iter().map(|(p, _)| p).collect();
    assert_eq!(fixed.len(), 256);
    assert_eq!(pkgs.len(), 30);
    // definitions not yet patchable are reported apart, as unfixed
    let unfixed = pairs(FixState::Unfixed);
    assert_eq!(unfixed.len(), 9, "{unfixed:?}");
    assert!(fixed.is_disjoint(&unfixed));
}

fn write_gz(path: &Path, text: &str) {
    let f = std::fs::File::create(path).unwrap();
    let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
    gz.write_all(text.as_bytes()).unwrap();
    gz.finish().unwrap();
}

#[test]
fn amazon_linux_databases_against_updateinfo() {
    let data = tempfile::tempdir().unwrap();
    let mut db = VulnDb::open(data.path()).unwrap();
    for f in ["updateinfo_AL2023.xml.gz", "updateinfo_2_items.xml.gz"] {
        let stats = db.import(Path::new(&format!("{HOST}/amazon/{f}"))).unwrap();
        assert_eq!(stats.kinds, ["updateinfo"]);
        assert!(stats.advisories > 0);
    }
    // an advisory fixing openssl-libs after the installed build, and one for openssh-server at
    // exactly the installed build
    let feeds = tempfile::tempdir().unwrap();
    let extra = feeds.path().join("updateinfo-extra.xml.gz");
    let mut xml = String::from("<?xml version=\"1.0\" ?><updates>");
    for (coll, rel) in [("amazon-linux-2023", "2023"), ("amazon-linux-2", "2")] {
        xml.push_str(&format!(
            r#"<update type="security"><id>ALAS{rel}-TEST-1</id><severity>important</severity>
            <references><reference id="CVE-2099-0001" type="cve"/></references>
            <pkglist><collection short="{coll}">
            <package name="openssl-libs" epoch="1" version="3.0.8" release="1.amzn2023.0.15" arch="x86_64"/>
            <package name="openssh-server" epoch="0" version="8.7p1" release="8.amzn2023.0.4" arch="x86_64"/>
            </collection></pkglist></update>"#
        ));
    }
    xml.push_str("</updates>");
    write_gz(&extra, &xml);
    db.import(&extra).unwrap();
    for (dir, rel) in [
        ("amazonlinux-2023-synthetic", "2023"),
        ("amazonlinux-2-synthetic-bdb", "2"),
    ] {
        let set = packages::read_installed(&Root::new(format!("{HOST}/rpm/{dir}")));
        let m = db.match_packages("amzn", rel, &set.packages).unwrap();
        let got: Vec<(&str, &str, Option<&str>)> = m
            .iter()
            .map(|m| {
                (
                    m.package.as_str(),
                    m.advisory.id.as_str(),
                    m.advisory.fixed.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [(
                "openssl-libs",
                format!("ALAS{rel}-TEST-1").as_str(),
                Some("1:3.0.8-1.amzn2023.0.15")
            )],
            "{dir}"
        );
        assert_eq!(m[0].advisory.state, FixState::Fixed);
    }
}

#[test]
fn osv_zip_and_tracker_export_import() {
    let feeds = tempfile::tempdir().unwrap();
    let zpath = feeds.path().join("Alpine.zip");
    {
        let f = std::fs::File::create(&zpath).unwrap();
        let mut z = zip::ZipWriter::new(f);
        let opt = zip::write::SimpleFileOptions::default();
        z.start_file("ALPINE-CVE-2099-1.json", opt).unwrap();
        let rec = serde_json::json!({"id": "ALPINE-CVE-2099-1", "aliases": ["CVE-2099-1"],
            "affected": [{"package": {"ecosystem": "Alpine:v3.4", "name": "musl"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.1.14-r11"}]}]}]});
        z.write_all(rec.to_string().as_bytes()).unwrap();
        z.start_file("broken.json", opt).unwrap();
        z.write_all(b"{not json").unwrap();
        z.finish().unwrap();
    }
    let tracker = feeds.path().join("tracker.json");
    std::fs::write(
        &tracker,
        serde_json::json!({
            "zlib": {"CVE-2023-45853": {"description": "minizip overflow", "releases": {
                "bookworm": {"status": "open", "urgency": "unimportant", "repositories": {}},
                "trixie": {"status": "resolved", "fixed_version": "1:1.3.dfsg-2"}}}},
            "glibc": {"CVE-2099-2": {"releases": {"bookworm": {"status": "open", "urgency": "high"}}}}
        })
        .to_string(),
    )
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let mut db = VulnDb::open(data.path()).unwrap();
    // one record of the archive is not JSON: the whole archive is refused, naming it
    let err = db.import(&zpath).unwrap_err().to_string();
    assert!(err.contains("Alpine.zip!broken.json"), "{err}");
    assert!(err.contains("1 of 2 document(s)"), "{err}");
    assert_eq!(db.status().unwrap().advisories, 0);
    {
        let f = std::fs::File::create(&zpath).unwrap();
        let mut z = zip::ZipWriter::new(f);
        let opt = zip::write::SimpleFileOptions::default();
        z.start_file("ALPINE-CVE-2099-1.json", opt).unwrap();
        let rec = serde_json::json!({"id": "ALPINE-CVE-2099-1", "aliases": ["CVE-2099-1"],
            "affected": [{"package": {"ecosystem": "Alpine:v3.4", "name": "musl"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.1.14-r11"}]}]}]});
        z.write_all(rec.to_string().as_bytes()).unwrap();
        z.finish().unwrap();
    }
    let stats = db.import(&zpath).unwrap();
    assert_eq!(stats.advisories, 1);
    let stats = db.import(&tracker).unwrap();
    assert_eq!(stats.advisories, 3);
    let text = std::fs::read_to_string(format!("{HOST}/apk/installed")).unwrap();
    let (pkgs, _) = packages::apk::parse(&text, "installed");
    let m = db.match_packages("alpine", "v3.4", &pkgs).unwrap();
    // every binary package built from the `musl` origin
    assert!(m.iter().any(|m| m.package == "musl"));
    assert!(
        m.iter().all(|m| m.source.as_deref() == Some("musl")),
        "{m:?}"
    );
    let root = Root::new(format!("{HOST}/debian/bookworm-default"));
    let set = packages::read_installed(&root);
    let m = db.match_packages("debian", "12", &set.packages).unwrap();
    let states: BTreeSet<(String, FixState)> = m
        .iter()
        .map(|m| (m.advisory.id.clone(), m.advisory.state))
        .collect();
    assert!(
        states.contains(&("CVE-2023-45853".to_string(), FixState::WontFix)),
        "{states:?}"
    );
    assert!(
        states.contains(&("CVE-2099-2".to_string(), FixState::Unfixed)),
        "{states:?}"
    );
}

#[test]
fn reimport_replaces_a_source_and_status_counts_per_release() {
    let data = tempfile::tempdir().unwrap();
    let mut db = VulnDb::open(data.path()).unwrap();
    let dsa = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/testdata/host/debian/advisories/DSA-5673-1.json"
    ));
    db.import(dsa).unwrap();
    db.import(dsa).unwrap();
    let st = db.status().unwrap();
    assert_eq!(st.advisories, 2);
    assert_eq!(st.sources.len(), 1);
    assert_eq!(st.sources[0].name, "DSA-5673-1.json");
    assert_eq!(
        st.sources[0].releases,
        [("debian:11".to_string(), 1), ("debian:12".to_string(), 1)]
    );
    assert!(st.sources[0].imported_at > 1_700_000_000);
    // a corrupt feed is an error naming it, and stores nothing
    let bad = data.path().join("bad.xml");
    std::fs::write(&bad, "<oval_definitions><definitions>").unwrap();
    let err = db.import(&bad).unwrap_err().to_string();
    assert!(err.contains("bad.xml"), "{err}");
    assert!(db.import(&data.path().join("missing.json")).is_err());
    // regression (issue 16): re-importing a corrupt copy of a stored source keeps its rows
    let copy = data.path().join("DSA-5673-1.json");
    std::fs::write(
        &copy,
        "{\"Header\": {\"ID\": \"DSA-5673-1\"}, \"Annotations\": [",
    )
    .unwrap();
    assert!(db.import(&copy).is_err());
    let st = db.status().unwrap();
    assert_eq!(st.advisories, 2);
    assert_eq!(st.sources[0].advisories, 2);
}

#[test]
fn rhel_style_oval_with_nested_criteria_and_signature_tests() {
    let xml = r#"<?xml version="1.0"?>
<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5" xmlns:red-def="http://oval.mitre.org/XMLSchema/oval-definitions-5#linux">
 <definitions>
  <definition class="patch" id="oval:com.redhat.rhsa:def:20240001" version="1">
   <metadata><title>RHSA-2024:0001: openssl security update (Important)</title>
    <reference ref_id="RHSA-2024:0001" source="RHSA"/><reference ref_id="CVE-2099-1111" source="CVE"/>
    <advisory><severity>Important</severity></advisory></metadata>
   <criteria operator="AND">
    <criterion comment="Red Hat Enterprise Linux 9 is installed" test_ref="oval:t:1"/>
    <criteria operator="OR">
     <criteria operator="AND">
      <criterion comment="openssl is earlier than 1:3.0.7-25.el9_3" test_ref="oval:t:2"/>
      <criterion comment="openssl is signed with Red Hat key" test_ref="oval:t:3"/>
     </criteria>
     <criteria operator="AND">
      <criterion comment="openssl-libs is earlier than 1:3.0.7-25.el9_3" test_ref="oval:t:4"/>
     </criteria>
    </criteria>
   </criteria>
  </definition>
 </definitions>
 <tests>
  <red-def:rpminfo_test id="oval:t:1"><red-def:object object_ref="oval:o:rel"/><red-def:state state_ref="oval:s:sig"/></red-def:rpminfo_test>
  <red-def:rpminfo_test id="oval:t:2"><red-def:object object_ref="oval:o:ssl"/><red-def:state state_ref="oval:s:evr"/></red-def:rpminfo_test>
  <red-def:rpminfo_test id="oval:t:3"><red-def:object object_ref="oval:o:ssl"/><red-def:state state_ref="oval:s:sig"/></red-def:rpminfo_test>
  <red-def:rpminfo_test id="oval:t:4"><red-def:object object_ref="oval:o:libs"/><red-def:state state_ref="oval:s:evr"/></red-def:rpminfo_test>
 </tests>
 <objects>
  <red-def:rpminfo_object id="oval:o:rel"><red-def:name>redhat-release</red-def:name></red-def:rpminfo_object>
  <red-def:rpminfo_object id="oval:o:ssl"><red-def:name>openssl</red-def:name></red-def:rpminfo_object>
  <red-def:rpminfo_object id="oval:o:libs"><red-def:name>openssl-libs</red-def:name></red-def:rpminfo_object>
 </objects>
 <states>
  <red-def:rpminfo_state id="oval:s:sig"><red-def:signature_keyid operation="equals">199e2f91fd431d51</red-def:signature_keyid></red-def:rpminfo_state>
  <red-def:rpminfo_state id="oval:s:evr"><red-def:arch datatype="string" operation="pattern match">x86_64</red-def:arch><red-def:evr datatype="evr_string" operation="less than">1:3.0.7-25.el9_3</red-def:evr></red-def:rpminfo_state>
 </states>
</oval_definitions>"#;
    let rows = yagura_host::vulndb::parse_oval(xml, "rhel-9-including-unpatched.oval.xml").unwrap();
    let got: Vec<(&str, &str, &str, Option<&str>)> = rows
        .iter()
        .map(|r| {
            (
                r.distro.as_str(),
                r.release.as_str(),
                r.package.as_str(),
                r.fixed.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("rhel", "9", "openssl", Some("1:3.0.7-25.el9_3")),
            ("rhel", "9", "openssl-libs", Some("1:3.0.7-25.el9_3")),
        ]
    );
    assert_eq!(rows[0].id, "RHSA-2024:0001");
    assert_eq!(rows[0].aliases, ["CVE-2099-1111"]);
    assert_eq!(rows[0].severity.as_deref(), Some("Important"));
    // an unnamed feed is refused with a reason, not guessed
    assert!(
        yagura_host::vulndb::parse_oval(&xml.replace("Red Hat", "Someone"), "feed.xml").is_err()
    );
}

#[test]
fn osv_ranges_with_reintroduction_and_last_affected() {
    use yagura_host::version::VersionScheme;
    let rec = serde_json::json!({"id": "X-1", "affected": [{
    "package": {"ecosystem": "Debian:12", "name": "p"},
    "ranges": [{"type": "ECOSYSTEM", "events": [
        {"introduced": "1.0-1"}, {"fixed": "1.2-1"},
        {"introduced": "2.0-1"}, {"last_affected": "2.1-1"},
        {"introduced": "3.0-1"}
    ]}]}]});
    let rows = yagura_host::vulndb::parse_osv(&rec).unwrap();
    assert_eq!(rows.len(), 3);
    let hit = |v: &str| {
        rows.iter()
            .any(|r| yagura_host::vulndb::is_affected(VersionScheme::Dpkg, v, r))
    };
    assert!(!hit("0.9-1"));
    assert!(hit("1.1-1"));
    assert!(!hit("1.2-1"));
    assert!(!hit("1.9-1"));
    assert!(hit("2.1-1"));
    assert!(!hit("2.2-1"));
    assert!(hit("3.5-1")); // open range: unfixed
}

#[test]
fn osv_ecosystems_of_every_distribution_feed() {
    use yagura_host::vulndb::osv_ecosystem;
    let e = |s: &str| {
        let (d, r) = osv_ecosystem(s);
        (d, r)
    };
    assert_eq!(e("Debian:12"), ("debian".into(), "12".into()));
    assert_eq!(e("Alpine:v3.20"), ("alpine".into(), "v3.20".into()));
    assert_eq!(e("Ubuntu:22.04:LTS"), ("ubuntu".into(), "22.04".into()));
    assert_eq!(e("Ubuntu:Pro:18.04:LTS"), ("ubuntu".into(), "18.04".into()));
    assert_eq!(
        e("Red Hat:enterprise_linux:9::appstream"),
        ("rhel".into(), "9".into())
    );
    assert_eq!(e("Rocky Linux:9"), ("rocky".into(), "9".into()));
    assert_eq!(e("AlmaLinux:8"), ("almalinux".into(), "8".into()));
    assert_eq!(e("Debian"), ("debian".into(), String::new()));
}
