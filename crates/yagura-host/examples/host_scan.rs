//! Scans a root (default `/`) and prints the report as JSON: a stand-in for `yagura host`
//! until the CLI wires it.
//!
//! `cargo run --release -p yagura-host --example host_scan -- [ROOT] [DATA_DIR]`

use yagura_host::identity::Imds;
use yagura_host::{scan, ScanOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let root = args.next().unwrap_or_else(|| "/".to_string());
    let mut opts = ScanOptions::new(&root);
    opts.data_dir = args.next().map(Into::into);
    if root == "/" {
        opts.metadata = Box::new(Imds::default());
    }
    let t = std::time::Instant::now();
    let report = scan(&opts);
    let elapsed = t.elapsed();
    println!("{}", serde_json::to_string_pretty(&report)?);
    eprintln!(
        "{} findings, {} packages, {} errors in {:.3}s",
        report.findings.len(),
        report.packages.len(),
        report.errors.len(),
        elapsed.as_secs_f64()
    );
    Ok(())
}
