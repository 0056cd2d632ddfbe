//! The shared Debian test data as vulnerability feeds: the `source, fixed, CVE, suite` rows of
//! `../shared/testdata/host/debian/advisories/*.tsv` and OSV records made from them.

use std::path::PathBuf;

/// `../shared/testdata/host`.
pub fn host_testdata() -> PathBuf {
    crate::repo_root().join("../shared/testdata/host")
}

/// The fixes of bookworm-security (the changelogs of its updates).
pub const SECURITY_FIXES: &str = "bookworm-security-changelog-fixes.tsv";
/// The fixes found in the changelogs of bookworm-minbase's installed packages.
pub const MINBASE_FIXES: &str = "bookworm-minbase-installed-changelog-fixes.tsv";

/// One row: (source package, fixed version, CVE).
pub type Fix = (String, String, String);

/// The rows of the named TSV files, in order.
pub fn debian_fixes(files: &[&str]) -> Vec<Fix> {
    let mut rows = Vec::new();
    for f in files {
        let path = host_testdata().join("debian/advisories").join(f);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for line in text.lines() {
            let c: Vec<&str> = line.split('\t').collect();
            if c.len() >= 3 {
                rows.push((c[0].to_string(), c[1].to_string(), c[2].to_string()));
            }
        }
    }
    rows
}

/// An OSV record (ecosystem `Debian:12`, urgency high) for one fix.
pub fn osv_record(id: &str, (source, fixed, cve): &Fix) -> serde_json::Value {
    serde_json::json!({
        "schema_version": "1.6.0", "id": id, "aliases": [cve],
        "modified": "2025-01-01T00:00:00Z", "summary": format!("{cve} in {source}"),
        "affected": [{"package": {"ecosystem": "Debian:12", "name": source},
          "ecosystem_specific": {"urgency": "high"},
          "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}]}]
    })
}

/// OSV records for every row of the files, ids `PREFIX-N`.
pub fn debian_osv(files: &[&str], prefix: &str) -> Vec<(String, serde_json::Value)> {
    debian_fixes(files)
        .iter()
        .enumerate()
        .map(|(i, fix)| {
            let id = format!("{prefix}-{i}");
            let rec = osv_record(&id, fix);
            (id, rec)
        })
        .collect()
}

/// Writes records as one JSON file each into `dir` (a feed directory for `db import`).
pub fn write_osv_dir(dir: &std::path::Path, records: &[(String, serde_json::Value)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (id, rec) in records {
        std::fs::write(dir.join(format!("{id}.json")), rec.to_string()).unwrap();
    }
}

/// `dpkg --compare-versions A lt B`: the oracle of Debian version order (dpkg is on every
/// Debian machine and in CI).
pub fn dpkg_lt(a: &str, b: &str) -> bool {
    std::process::Command::new("dpkg")
        .args(["--compare-versions", a, "lt", b])
        .status()
        .unwrap_or_else(|e| panic!("dpkg is required as the oracle of version order: {e}"))
        .success()
}

/// Copies a tree (the read-only shared roots) into a writable copy.
pub fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    let ok = |c: &mut std::process::Command| c.status().map(|s| s.success()).unwrap_or(false);
    assert!(ok(std::process::Command::new("cp")
        .arg("-r")
        .arg(from)
        .arg(to)));
    assert!(ok(std::process::Command::new("chmod")
        .args(["-R", "u+w"])
        .arg(to)));
}
