//! `yagura host`: assess this host or a root filesystem (HOST-01…HOST-08), and `yagura db`:
//! the offline vulnerability database the host assessment matches packages against (HOST-02).

use crate::cli::{Global, OutputArgs};
use crate::common::{data_dir, emit, now_rfc3339, sanitize};
use anyhow::Result;
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use yagura_host::identity::Imds;
use yagura_host::vulndb::{DbStatus, VulnDb};
use yagura_host::{ElfScope, ScanOptions};

/// `println!` that returns an error when stdout is closed (`yagura … | head`) instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)?
    }};
}

#[derive(Debug, Args)]
pub struct HostArgs {
    /// Root filesystem to assess: `/` for this host, or a mounted snapshot / unpacked image
    #[arg(long, default_value = "/")]
    pub root: PathBuf,
    /// Do not check executables for ELF hardening (NX, PIE, RELRO, stack canary)
    #[arg(long)]
    pub no_elf: bool,
    /// Do not inspect running processes and listening ports (/proc)
    #[arg(long)]
    pub no_runtime: bool,
    /// Region the findings carry (default: `local`)
    #[arg(long, default_value = "local")]
    pub region: String,
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Args)]
pub struct DbArgs {
    #[command(subcommand)]
    pub command: DbCommand,
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Import vulnerability feeds: OSV JSON (files, zips, directories), the Debian security
    /// tracker JSON, OVAL XML, updateinfo XML, optionally gzipped. Importing a source again
    /// replaces its advisories
    Import {
        /// Feed files or directories
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Show the imported sources, their advisory counts and their age
    Status {
        /// Output format: text or json
        #[arg(long, short, default_value = "text")]
        format: String,
    },
}

pub fn run(g: &Global, a: HostArgs) -> Result<u8> {
    let started = now_rfc3339();
    let mut opts = ScanOptions::new(&a.root);
    opts.data_dir = Some(data_dir(g)?);
    opts.region = a.region.clone();
    if a.root == Path::new("/") {
        opts.metadata = Box::new(Imds::default());
    }
    if a.no_elf {
        opts.elf = ElfScope::Off;
    }
    if a.no_runtime {
        opts.runtime = false;
    }
    if !g.quiet {
        eprintln!(
            "assessing the root filesystem {}",
            sanitize(&a.root.display().to_string())
        );
    }
    let report = yagura_host::scan(&opts);
    let extra = serde_json::json!({
        "host": {
            "identity": report.identity,
            "os": report.os,
            "package_db": report.package_db,
            "packages": report.packages.len(),
            "listeners": report.listeners,
        }
    });
    emit(
        g,
        &a.out,
        "host",
        &report.findings,
        &report.errors,
        Some(&extra),
        &started,
    )
}

pub fn db(g: &Global, a: DbArgs) -> Result<u8> {
    let dir = data_dir(g)?;
    let mut vdb = VulnDb::open(&dir)?;
    match a.command {
        DbCommand::Import { paths } => {
            let mut failed = 0usize;
            for p in &paths {
                let shown = sanitize(&p.display().to_string());
                match vdb.import(p) {
                    Ok(stats) => {
                        for e in &stats.errors {
                            eprintln!("warning: {}", sanitize(e));
                        }
                        say!(
                            "imported {} advisories from {} document(s) of `{shown}` as source `{}` ({}){}",
                            stats.advisories,
                            stats.documents,
                            sanitize(&stats.source),
                            stats.kinds.join(", "),
                            if stats.errors.is_empty() {
                                String::new()
                            } else {
                                format!("; {} document(s) could not be read", stats.errors.len())
                            }
                        );
                    }
                    Err(e) => {
                        failed += 1;
                        eprintln!("error: {}", sanitize(&e.to_string()));
                    }
                }
            }
            Ok(if failed > 0 { 2 } else { 0 })
        }
        DbCommand::Status { format } => {
            let status = vdb.status()?;
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            match format.as_str() {
                "json" => {
                    let sources: Vec<serde_json::Value> = status
                        .sources
                        .iter()
                        .map(|s| {
                            let mut v = serde_json::to_value(s).unwrap_or_default();
                            v["age_days"] = s.age_days(now).into();
                            v
                        })
                        .collect();
                    let v = serde_json::json!({
                        "path": status.path,
                        "advisories": status.advisories,
                        "sources": sources,
                    });
                    say!("{}", serde_json::to_string_pretty(&v)?);
                }
                "text" => say!("{}", status_text(&status, now).trim_end_matches('\n')),
                other => anyhow::bail!("unknown format `{}`: use text or json", sanitize(other)),
            }
            Ok(0)
        }
    }
}

fn status_text(status: &DbStatus, now: i64) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(s, "vulnerability database: {}", sanitize(&status.path));
    let _ = writeln!(
        s,
        "{} advisories from {} source(s)",
        status.advisories,
        status.sources.len()
    );
    if status.sources.is_empty() {
        let _ = writeln!(
            s,
            "no feed imported yet: run `yagura db import FEED` (OSV, Debian tracker, OVAL, updateinfo)"
        );
    }
    for src in &status.sources {
        let when = time::OffsetDateTime::from_unix_timestamp(src.imported_at)
            .ok()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_default();
        let age = src.age_days(now);
        let _ = writeln!(
            s,
            "- {} ({}): {} advisories, imported {when} ({age} day(s) ago){}",
            sanitize(&src.name),
            sanitize(&src.kinds),
            src.advisories,
            if age > 7 {
                ", stale: import it again"
            } else {
                ""
            }
        );
        for (rel, n) in &src.releases {
            let _ = writeln!(s, "    {}: {n}", sanitize(rel));
        }
    }
    s
}
