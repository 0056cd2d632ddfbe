//! `yagura host`: assess this host or a root filesystem (HOST-01…HOST-08), and `yagura db`:
//! the offline vulnerability database the host assessment matches packages against (HOST-02).

use crate::cli::{Global, OutputArgs, TextOrJson};
use crate::common::{data_dir, emit, now_rfc3339, sanitize};
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use yagura_host::identity::Imds;
use yagura_host::vulndb::update::{self, Feed, FeedKind, Outcome, FEEDS};
use yagura_host::vulndb::{DbStatus, VulnDb};
use yagura_host::{ElfScope, ScanOptions};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct HostArgs {
    #[command(subcommand)]
    pub command: Option<HostCommand>,
    /// Root filesystem to assess: `/` for this host, or a mounted snapshot / unpacked image
    #[arg(long, default_value = "/")]
    pub root: PathBuf,
    /// Do not check executables for ELF hardening (NX, PIE, RELRO, stack canary)
    #[arg(long)]
    pub no_elf: bool,
    /// Do not inspect running processes and listening ports (/proc)
    #[arg(long)]
    pub no_runtime: bool,
    /// Never ask the EC2 instance metadata service (169.254.169.254) who this host is; also
    /// set by AWS_EC2_METADATA_DISABLED=true. Without it, a scan of `/` asks once (IMDSv2,
    /// 0.5 s timeout)
    #[arg(long)]
    pub no_imds: bool,
    /// Region the findings carry (default: `local`)
    #[arg(long, default_value = "local")]
    pub region: String,
    /// Do not keep this run in the store (`yagura findings --scope host:ID` shows new and fixed
    /// findings across the stored runs of a host)
    #[arg(long)]
    pub no_store: bool,
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Subcommand)]
pub enum HostCommand {
    /// Scan every EC2 instance with a tag through SSM Run Command and merge the results
    Fleet(crate::host_fleet::FleetArgs),
}

#[derive(Debug, Args)]
pub struct DbArgs {
    #[command(subcommand)]
    pub command: DbCommand,
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Download the vulnerability feeds from their official locations (all, or the named ones),
    /// verify them and swap them in atomically; a failed download keeps the data in use
    Update {
        /// Feeds to update (default: all): see `--list`
        feeds: Vec<String>,
        /// Fetch every `https://HOST/PATH` as `BASE_URL/HOST/PATH` (a mirror of the upstream hosts)
        #[arg(long, env = "YAGURA_DB_MIRROR", value_name = "BASE_URL")]
        mirror: Option<String>,
        /// List the feeds and their official URLs, then exit
        #[arg(long)]
        list: bool,
        /// Notify advisories new since the last update that affect a stored host (destinations file)
        #[arg(long, value_name = "FILE")]
        notify: Option<PathBuf>,
    },
    /// Import vulnerability feeds (OSV JSON files, zips and directories, the Debian security
    /// tracker JSON, OVAL XML, updateinfo XML, optionally gzipped), or a whole database written
    /// by `db export`. Importing a source again replaces its advisories; a feed with a document
    /// that cannot be read is refused and the stored data stays
    Import {
        /// Feed files or directories, or a file written by `db export`
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Write the whole database to FILE, for `db import` on an offline host
    Export { file: PathBuf },
    /// Show the imported sources, their advisory counts and their age
    Status {
        /// Output format
        #[arg(long, short, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
    },
}

pub fn run(g: &Global, a: HostArgs) -> Result<u8> {
    if let Some(HostCommand::Fleet(f)) = a.command {
        return crate::host_fleet::run(g, f);
    }
    let started = time::OffsetDateTime::now_utc();
    let dir = data_dir(g)?;
    let mut opts = ScanOptions::new(&a.root);
    opts.data_dir = Some(dir.clone());
    opts.region = a.region.clone();
    if a.root == Path::new("/")
        && !a.no_imds
        && !yagura_host::identity::imds_disabled(|k| std::env::var(k).ok())
    {
        opts.metadata = Box::new(Imds::default());
    }
    if a.no_elf {
        opts.elf = ElfScope::Off;
    }
    if a.no_runtime {
        opts.runtime = false;
    }
    if !g.quiet {
        crate::etr!(
            "assessing the root filesystem {r}",
            "ルートファイルシステム `{r}` を評価しています",
            r = sanitize(&a.root.display().to_string())
        );
    }
    let report = yagura_host::scan(&opts);
    for w in &report.warnings {
        eprintln!("{}: {}", crate::i18n::warning_prefix(), sanitize(w));
    }
    // the packages are kept for `db update --notify` (advisories new later that affect them)
    if let (Some((os_id, release)), Some(_)) = (&report.release, report.package_db) {
        if let Err(e) = VulnDb::open(&dir)
            .and_then(|db| db.remember_host(&report.identity.id, os_id, release, &report.packages))
        {
            crate::etr!(
                "warning: the host's packages were not kept: {e}",
                "警告: ホストのパッケージを保存できませんでした: {e}",
                e = sanitize(&e.to_string())
            );
        }
    }
    let extra = serde_json::json!({
        "host": {
            "identity": report.identity,
            "os": report.os,
            "package_db": report.package_db,
            "packages": report.packages.len(),
            "listeners": report.listeners,
            "kernel": report.kernel,
            "update_sources": report.update_sources,
            "warnings": report.warnings,
        }
    });
    if !a.no_store {
        let scope = format!("host:{}", report.identity.id);
        let who = [report.identity.id.clone()];
        match crate::common::store_run(g, &scope, &who, started, &report.findings) {
            Ok(Some(line)) if !g.quiet => eprintln!("{line}"),
            Ok(_) => {}
            Err(e) => crate::etr!(
                "warning: the run was not stored: {e}",
                "警告: 実行を保存できませんでした: {e}",
                e = sanitize(&crate::i18n::error_text(&e))
            ),
        }
    }
    emit(
        g,
        &a.out,
        "host",
        &report.findings,
        &report.errors,
        Some(&extra),
        &now_rfc3339(),
    )
}

/// True when `p` is a regular file starting with SQLite's header (a `db export` file). A FIFO
/// or a device is not opened here (the feed import refuses it with a reason).
fn is_sqlite(p: &Path) -> bool {
    use std::io::Read as _;
    use std::os::unix::fs::OpenOptionsExt;
    if !std::fs::metadata(p).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let mut head = [0u8; 16];
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(p)
        .and_then(|mut f| f.read_exact(&mut head))
        .map(|()| &head == b"SQLite format 3\0")
        .unwrap_or(false)
}

pub fn db(g: &Global, a: DbArgs) -> Result<u8> {
    let dir = data_dir(g)?;
    if let DbCommand::Update { list: true, .. } = &a.command {
        for f in FEEDS {
            crate::outln!("{:<22} {}", f.name, f.covers);
            crate::outln!("{:<22} {}", "", feed_url(f));
        }
        return Ok(0);
    }
    let mut vdb = VulnDb::open(&dir)?;
    match a.command {
        DbCommand::Update {
            feeds,
            mirror,
            notify,
            ..
        } => db_update(g, &mut vdb, &feeds, mirror.as_deref(), notify.as_deref()),
        DbCommand::Import { paths } => {
            let mut failed = 0usize;
            for p in &paths {
                let shown = sanitize(&p.display().to_string());
                if is_sqlite(p) {
                    match vdb.import_database(p) {
                        Ok(st) => crate::outln!(
                            "{}",
                            crate::tr!(
                                "imported the database `{shown}`: {a} advisories from {n} source(s)",
                                "データベース `{shown}` をインポートしました: {n} ソースのアドバイザリ {a} 件",
                                a = st.advisories,
                                n = st.sources.len()
                            )
                        ),
                        Err(e) => {
                            failed += 1;
                            eprintln!(
                                "error: {}; the stored data is unchanged",
                                sanitize(&e.to_string())
                            );
                        }
                    }
                    continue;
                }
                match vdb.import(p) {
                    Ok(stats) => crate::outln!(
                        "{}",
                        crate::tr!(
                            "imported {a} advisories from {d} document(s) of `{shown}` as source `{s}` ({k})",
                            "`{shown}` の {d} 文書からアドバイザリ {a} 件をソース `{s}` としてインポートしました(`{k}`)",
                            a = stats.advisories,
                            d = stats.documents,
                            s = sanitize(&stats.source),
                            k = stats.kinds.join(", "),
                        )
                    ),
                    Err(e) => {
                        failed += 1;
                        eprintln!(
                            "error: {}; the stored data is unchanged",
                            sanitize(&e.to_string())
                        );
                    }
                }
            }
            Ok(if failed > 0 { 2 } else { 0 })
        }
        DbCommand::Export { file } => {
            vdb.export(&file)?;
            let st = vdb.status()?;
            crate::outln!(
                "{}",
                crate::tr!(
                    "exported {a} advisories from {n} source(s) to {f}",
                    "{n} ソースのアドバイザリ {a} 件を `{f}` にエクスポートしました",
                    a = st.advisories,
                    n = st.sources.len(),
                    f = sanitize(&file.display().to_string())
                )
            );
            Ok(0)
        }
        DbCommand::Status { format } => {
            let status = vdb.status()?;
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            match format {
                TextOrJson::Json => {
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
                    crate::outln!("{}", yagura_core::escape::json_string(&v)?);
                }
                TextOrJson::Text => {
                    crate::outln!("{}", status_text(&status, now).trim_end_matches('\n'))
                }
            }
            Ok(0)
        }
    }
}

fn feed_url(f: &Feed) -> String {
    match f.kind {
        FeedKind::OsvZip { ecosystem } => update::osv_url(ecosystem),
        FeedKind::Document { url } => url.to_string(),
        FeedKind::AmazonRepo { mirror_list } => format!("{mirror_list} (then repodata/repomd.xml)"),
    }
}

fn mb(n: u64) -> String {
    format!("{:.1} MB", n as f64 / 1_048_576.0)
}

fn db_update(
    g: &Global,
    vdb: &mut VulnDb,
    names: &[String],
    mirror: Option<&str>,
    notify: Option<&Path>,
) -> Result<u8> {
    let mut chosen = Vec::new();
    for n in names {
        match update::feed(n) {
            Some(f) => chosen.push(f),
            None => anyhow::bail!(
                "unknown feed `{}`: known feeds are {}",
                sanitize(n),
                FEEDS.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
            ),
        }
    }
    let notifier = notify.map(crate::notify::Notifier::load).transpose()?;
    let http = yagura_http::Client::new(std::time::Duration::from_secs(3600))?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let bar = !g.quiet && std::io::stderr().is_terminal();
    // Erase the line with an escape where escapes are welcome, else overwrite it with spaces
    // (NO_COLOR, --color never, TERM=dumb).
    let escapes = crate::out::color_stderr(g);
    let erase = |line: &str| {
        if escapes {
            format!("\r\x1b[2K{line}")
        } else {
            format!("\r{line:<79}")
        }
    };
    let mut last_draw = std::time::Instant::now();
    let mut progress = |feed: &str, got: u64, total: Option<u64>| {
        if !bar || (last_draw.elapsed().as_millis() < 100 && Some(got) != total) {
            return;
        }
        last_draw = std::time::Instant::now();
        let line = match total {
            Some(t) if t > 0 => {
                let filled = ((got.min(t) * 30) / t) as usize;
                format!(
                    "{feed:<22} [{}{}] {} / {}",
                    "#".repeat(filled),
                    " ".repeat(30 - filled),
                    mb(got),
                    mb(t)
                )
            }
            _ => format!("{feed:<22} {}", mb(got)),
        };
        eprint!("{}", erase(&line));
    };
    let results = rt.block_on(update::update(vdb, &http, &chosen, mirror, &mut progress));
    if bar {
        eprint!("{}\r", erase(""));
    }
    let mut failed = 0;
    let mut new_rows = Vec::new();
    for r in &results {
        let name = &r.name;
        match &r.outcome {
            Outcome::Updated {
                advisories,
                new_rows: n,
            } => {
                crate::outln!(
                    "{}",
                    crate::tr!(
                        "{name}: updated, {advisories} advisories ({new} new) from {url} ({size})",
                        "`{name}`: 更新しました。アドバイザリ {advisories} 件(新規 {new} 件)、取得元 {url}({size})",
                        new = n.len(),
                        url = sanitize(&r.url),
                        size = mb(r.bytes)
                    )
                );
                new_rows.extend(n.iter().cloned());
            }
            Outcome::Unchanged { advisories } => crate::outln!(
                "{}",
                crate::tr!(
                    "{name}: unchanged, {advisories} advisories ({why})",
                    "`{name}`: 変更なし。アドバイザリ {advisories} 件({why})",
                    why = if r.bytes == 0 {
                        crate::tr!("not modified upstream", "配布元で変更なし")
                    } else {
                        crate::tr!("same checksum", "チェックサムが同じ")
                    }
                )
            ),
            Outcome::Failed { reason, kept } => {
                failed += 1;
                let after = if *kept > 0 {
                    crate::tr!(
                        "the {kept} advisories in use are kept",
                        "使用中のアドバイザリ {kept} 件はそのまま残します"
                    )
                } else {
                    crate::tr!("no data for it yet", "このフィードのデータはまだありません")
                };
                crate::outln!(
                    "{}",
                    crate::tr!(
                        "{name}: FAILED: {why}; {after}",
                        "`{name}`: 失敗しました:「{why}」。{after}",
                        why = sanitize(reason)
                    )
                );
            }
        }
    }
    if !new_rows.is_empty() {
        let notes = new_advisory_notes(vdb, &new_rows)?;
        if !g.quiet {
            eprintln!(
                "{} new advisory row(s); {} affect a stored host",
                new_rows.len(),
                notes.len()
            );
        }
        if let Some(n) = &notifier {
            n.send(g, &notes);
        }
    }
    Ok(if failed > 0 { 2 } else { 0 })
}

/// Advisories new in this update matched against the hosts scanned before: one notification
/// per (host, package, advisory), with the fixed version.
fn new_advisory_notes(
    vdb: &VulnDb,
    rows: &[yagura_host::vulndb::Advisory],
) -> Result<Vec<yagura_notify::Notification>> {
    let catalogue = crate::common::catalogue()?;
    let mut notes = Vec::new();
    for (id, os_id, release, packages) in vdb.hosts()? {
        let matches = yagura_host::vulndb::match_rows(&os_id, &release, &packages, rows);
        let ctx = yagura_host::Ctx {
            account: id.clone(),
            region: "local".to_string(),
        };
        for f in yagura_host::vuln_findings(&ctx, &matches) {
            notes.push(yagura_notify::Notification::from_finding(
                yagura_notify::Kind::AuditFinding,
                &f,
                catalogue.get(&f.check_id),
            ));
        }
    }
    Ok(notes)
}

fn status_text(status: &DbStatus, now: i64) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}",
        crate::tr!(
            "vulnerability database: {p}",
            "脆弱性データベース: `{p}`",
            p = sanitize(&status.path)
        )
    );
    let _ = writeln!(
        s,
        "{}",
        crate::tr!(
            "{a} advisories from {n} source(s)",
            "{n} ソースのアドバイザリ {a} 件",
            a = status.advisories,
            n = status.sources.len()
        )
    );
    if status.sources.is_empty() {
        let _ = writeln!(
            s,
            "{}",
            crate::tr!(
                "no feed imported yet: run `yagura db update` (or `yagura db import FILE` on an offline host)",
                "まだフィードをインポートしていません: `yagura db update` を実行してください(オフラインのホストでは `yagura db import FILE`)"
            )
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
        let checked = src
            .checked_at
            .and_then(|t| time::OffsetDateTime::from_unix_timestamp(t).ok())
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .map(|t| crate::tr!(", checked {t}", "、確認 {t}"))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "{}",
            crate::tr!(
                "- {name} ({kinds}): {a} advisories, changed {when}{checked}: {age} day(s) old{stale}",
                "- `{name}`(`{kinds}`): アドバイザリ {a} 件、更新 {when}{checked}: {age} 日前{stale}",
                name = sanitize(&src.name),
                kinds = sanitize(&src.kinds),
                a = src.advisories,
                stale = if age > yagura_host::vulndb::STALE_DAYS {
                    crate::tr!(", stale: run `yagura db update`", "、古くなっています: `yagura db update` を実行してください")
                } else {
                    String::new()
                }
            )
        );
        if let Some(u) = &src.url {
            let _ = writeln!(
                s,
                "    {}",
                crate::tr!("from {u}", "取得元 {u}", u = sanitize(u))
            );
        }
        for (rel, n) in &src.releases {
            let _ = writeln!(s, "    {}: {n}", sanitize(rel));
        }
    }
    s
}
