//! Benchmark of `yagura host` (run by `bench/host.sh`): imports N synthetic OSV advisories
//! (a zip, as OSV publishes per ecosystem) into a fresh database, then scans a root filesystem
//! against it. Prints `key=value` lines.
//!
//! `cargo run --release -p yagura-host --example host_bench -- [ROOT] [ADVISORIES]`
//! `… --example host_bench -- --zip-only OUT.zip ROOT ADVISORIES` only writes the archive (the
//! `db update` part of `bench/host.sh` serves it from a local mirror).

use std::io::Write;
use std::time::Instant;
use yagura_host::rootfs::Root;
use yagura_host::vulndb::VulnDb;
use yagura_host::{packages, scan, ScanOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1).peekable();
    let zip_only = if args.peek().map(String::as_str) == Some("--zip-only") {
        args.next();
        Some(std::path::PathBuf::from(
            args.next().ok_or("--zip-only OUT")?,
        ))
    } else {
        None
    };
    let root = args.next().unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/testdata/host/debian/bookworm-default"
        )
        .to_string()
    });
    let n: usize = args
        .next()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(100_000);
    let work = tempfile::tempdir()?;

    // advisories: one per (package, CVE); a third on the installed source packages, the rest
    // on other names, fixed versions around the installed ones
    let installed = packages::read_installed(&Root::new(&root)).packages;
    let mut sources: Vec<(String, String)> = installed
        .iter()
        .map(|p| (p.source_name.clone(), p.source_version.clone()))
        .collect();
    sources.sort();
    sources.dedup();
    let zip_path = zip_only
        .clone()
        .unwrap_or_else(|| work.path().join("Debian.zip"));
    let t = Instant::now();
    {
        let f = std::fs::File::create(&zip_path)?;
        let mut z = zip::ZipWriter::new(std::io::BufWriter::new(f));
        // deflated, as OSV publishes its archives
        let opt = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for i in 0..n {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let (name, fixed) = if i.is_multiple_of(3) && !sources.is_empty() {
                let (s, v) = &sources[(seed as usize) % sources.len()];
                // half below, half above the installed version
                let fixed = if seed.is_multiple_of(2) {
                    format!("{v}+deb12u99")
                } else {
                    "0.1-1".to_string()
                };
                (s.clone(), fixed)
            } else {
                (
                    format!("synthetic-pkg-{}", seed % 20_000),
                    format!("{}.{}-1", seed % 10, seed % 97),
                )
            };
            let rec = format!(
                r#"{{"schema_version":"1.6.0","id":"DEBIAN-CVE-2099-{i}","aliases":["CVE-2099-{i}"],"modified":"2026-01-01T00:00:00Z","summary":"synthetic advisory {i}","affected":[{{"package":{{"ecosystem":"Debian:11","name":"{name}"}},"ecosystem_specific":{{"urgency":"medium"}},"ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}},{{"fixed":"{fixed}"}}]}}]}},{{"package":{{"ecosystem":"Debian:12","name":"{name}"}},"ecosystem_specific":{{"urgency":"medium"}},"ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}},{{"fixed":"{fixed}"}}]}}]}},{{"package":{{"ecosystem":"Debian:13","name":"{name}"}},"ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}}]}}]}}]}}"#
            );
            z.start_file(format!("DEBIAN-CVE-2099-{i}.json"), opt)?;
            z.write_all(rec.as_bytes())?;
        }
        z.finish()?;
    }
    println!("generate_s={:.3}", t.elapsed().as_secs_f64());
    if zip_only.is_some() {
        println!("zip_bytes={}", std::fs::metadata(&zip_path)?.len());
        return Ok(());
    }

    let data = work.path().join("data");
    let mut db = VulnDb::open(&data)?;
    let t = Instant::now();
    let stats = db.import(&zip_path)?;
    let import_s = t.elapsed().as_secs_f64();
    drop(db);
    println!("advisories={}", stats.advisories);
    println!("import_s={import_s:.3}");
    println!(
        "import_rate_per_s={:.0}",
        stats.advisories as f64 / import_s
    );

    let mut times = Vec::new();
    let mut findings = 0;
    for _ in 0..5 {
        let mut opts = ScanOptions::new(&root);
        opts.data_dir = Some(data.clone());
        let t = Instant::now();
        let r = scan(&opts);
        times.push(t.elapsed().as_secs_f64());
        findings = r.findings.len();
    }
    times.sort_by(f64::total_cmp);
    println!("scan_findings={findings}");
    println!("scan_min_s={:.3}", times[0]);
    println!("scan_median_s={:.3}", times[times.len() / 2]);
    Ok(())
}
