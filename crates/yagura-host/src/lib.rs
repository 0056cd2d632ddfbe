//! Host assessment like Amazon Inspector (SPEC HOST-01…HOST-08).
//!
//! [`scan`] inspects a root filesystem (`/` for the live host, or a mounted snapshot / unpacked
//! image) and returns a [`HostReport`]: the host identity, the OS release, the installed
//! packages and [`Finding`]s of the checks in [`checks::CHECKS`]. Vulnerability data lives in a
//! [`vulndb::VulnDb`] that the user imports feeds into. Nothing here prints; problems are
//! returned as findings with status UNKNOWN and in [`HostReport::errors`].
// Only the binary prints (ARCHITECTURE.md): a library returns data and typed errors.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod checks;
pub mod config;
pub mod elf;
pub mod eol;
pub mod fleet;
pub mod identity;
pub mod kernel;
pub mod keys;
pub mod packages;
pub mod pending;
pub mod rootfs;
pub mod runtime;
pub mod version;
pub mod vulndb;

pub use checks::CHECKS;

use identity::{Identity, MetadataSource, NoMetadata};
use packages::{DbKind, OsRelease, Package};
use rootfs::Root;
use serde::Serialize;
use std::path::PathBuf;
use vulndb::{FixState, VulnDb, VulnMatch};
use yagura_core::{text, CheckMeta, Finding, Severity, Status, Text};

/// Which executables to check for ELF hardening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElfScope {
    Off,
    /// Files in the system binary directories, at most this many.
    SystemDirs(usize),
}

/// What to scan and how.
pub struct ScanOptions {
    /// `/` for the live host, or the directory of a root filesystem.
    pub root: PathBuf,
    /// The data directory holding the vulnerability database; `None` skips vulnerability
    /// matching (reported as UNKNOWN).
    pub data_dir: Option<PathBuf>,
    /// The region findings carry (`local` when not on EC2).
    pub region: String,
    /// The day end-of-life is judged on (`None`: today).
    pub today: Option<time::Date>,
    /// The instance metadata service ([`identity::Imds`] on EC2, [`NoMetadata`] in tests); asked
    /// only when the root is `/`.
    pub metadata: Box<dyn MetadataSource + Send + Sync>,
    /// `(os-release ID, release key)` when the root has no os-release.
    pub os_override: Option<(String, String)>,
    pub elf: ElfScope,
    /// Runtime checks through /proc; only meaningful on the live host. Default: when root is `/`.
    pub runtime: bool,
    /// The /proc to read for runtime checks.
    pub proc_dir: PathBuf,
    /// `uname -r` of the kernel running the root (the live host's, from
    /// `/proc/sys/kernel/osrelease`; `None` for an image, which runs no kernel).
    pub kernel_release: Option<String>,
}

impl ScanOptions {
    /// Defaults for a root: no metadata service, ELF checks of up to 5,000 system binaries,
    /// runtime checks when the root is `/`.
    pub fn new(root: impl Into<PathBuf>) -> ScanOptions {
        let root = root.into();
        let live = root == std::path::Path::new("/");
        let kernel_release = live
            .then(|| std::fs::read_to_string("/proc/sys/kernel/osrelease").ok())
            .flatten()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        ScanOptions {
            kernel_release,
            root,
            data_dir: None,
            region: "local".to_string(),
            today: None,
            metadata: Box::new(NoMetadata),
            os_override: None,
            elf: ElfScope::SystemDirs(5000),
            runtime: live,
            proc_dir: PathBuf::from("/proc"),
        }
    }
}

impl std::fmt::Debug for ScanOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanOptions")
            .field("root", &self.root)
            .field("data_dir", &self.data_dir)
            .field("region", &self.region)
            .field("elf", &self.elf)
            .field("runtime", &self.runtime)
            .finish()
    }
}

/// The identity findings carry, and the region.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub account: String,
    pub region: String,
}

/// The result of a host scan.
#[derive(Debug, Serialize)]
pub struct HostReport {
    pub identity: Identity,
    pub os: Option<OsRelease>,
    pub package_db: Option<DbKind>,
    pub packages: Vec<Package>,
    pub listeners: Vec<runtime::Listener>,
    pub findings: Vec<Finding>,
    /// Problems met (unreadable files, corrupt entries), each naming its input.
    pub errors: Vec<String>,
    /// What the user should know but does not make the result incomplete (stale data, no
    /// database and the package manager's metadata used instead).
    pub warnings: Vec<String>,
    /// `(os-release ID, release key)` the packages were matched for.
    pub release: Option<(String, String)>,
    /// The running kernel against the installed ones, when both are known.
    pub kernel: Option<kernel::KernelState>,
    /// Where pending security updates were read from (the package manager's metadata).
    pub update_sources: Vec<pending::MetadataSource>,
}

fn fnd(ctx: &Ctx, c: &'static CheckMeta, status: Status, resource: String, msg: Text) -> Finding {
    Finding::new(
        c.id,
        status,
        c.severity,
        resource,
        &ctx.account,
        &ctx.region,
        msg,
    )
}

/// Maps a feed's severity word to yagura's scale.
pub fn severity_of(word: Option<&str>) -> Severity {
    match word.map(|w| w.trim().to_ascii_lowercase()).as_deref() {
        Some("critical") => Severity::Critical,
        Some("high" | "important") => Severity::High,
        Some("medium" | "moderate") => Severity::Medium,
        Some("low" | "unimportant" | "negligible") => Severity::Low,
        _ => Severity::Medium,
    }
}

/// Turns vulnerability matches into findings (fixed → `host-package-vulnerable`, unfixed and
/// won't fix → `host-package-vulnerable-no-fix`).
pub fn vuln_findings(ctx: &Ctx, matches: &[VulnMatch]) -> Vec<Finding> {
    let mut out = Vec::new();
    for m in matches {
        let a = &m.advisory;
        let cve = std::iter::once(&a.id)
            .chain(a.aliases.iter())
            .find(|x| x.starts_with("CVE-"))
            .cloned()
            .unwrap_or_else(|| a.id.clone());
        let resource = format!("package:{}:{}", m.package, a.id);
        let (pkg, inst) = (&m.package, &m.installed);
        let mut f = if a.state == FixState::Fixed {
            let fixed = a.fixed.clone().unwrap_or_default();
            let target = m
                .source
                .as_deref()
                .map(|s| format!(" (source {s})"))
                .unwrap_or_default();
            fnd(
                ctx,
                &checks::PACKAGE_VULNERABLE,
                Status::Fail,
                resource,
                text!(
                    "{pkg} {inst}{target} is affected by {cve} ({id}); fixed in {fixed}",
                    "{pkg} {inst}{target} は {cve}（{id}）の影響を受けます。{fixed} で修正済みです",
                    id = a.id
                ),
            )
            .with_evidence("fixed", fixed.clone())
            .with_recommendation(text!(
                "upgrade {pkg} to {fixed} or later",
                "{pkg} を {fixed} 以降へ更新してください"
            ))
        } else {
            let state = if a.state == FixState::WontFix {
                "won't fix"
            } else {
                "no fix yet"
            };
            let state_ja = if a.state == FixState::WontFix {
                "修正予定なし"
            } else {
                "修正版未公開"
            };
            fnd(
                ctx,
                &checks::PACKAGE_VULNERABLE_NO_FIX,
                Status::Fail,
                resource,
                text!(
                    "{pkg} {inst} is affected by {cve} ({id}): {state}",
                    "{pkg} {inst} は {cve}（{id}）の影響を受けます: {state_ja}",
                    id = a.id
                ),
            )
            .with_recommendation(text!(
                "remove {pkg} if unused, or mitigate and record the accepted risk",
                "{pkg} が不要なら削除し、必要なら緩和策をとりリスク受容を記録してください"
            ))
        };
        f.severity = severity_of(a.severity.as_deref());
        f = f
            .with_evidence("cve", cve)
            .with_evidence("advisory", a.id.clone())
            .with_evidence("package", m.package.clone())
            .with_evidence("installed", m.installed.clone())
            .with_evidence("state", a.state.as_str());
        if let (Some(s), Some(v)) = (&m.source, &m.source_version) {
            f = f
                .with_evidence("source", s.clone())
                .with_evidence("source_version", v.clone());
        }
        out.push(f);
    }
    out
}

/// Scans a host or root filesystem.
pub fn scan(opts: &ScanOptions) -> HostReport {
    let root = Root::new(&opts.root);
    let identity = identity::identify(&root, opts.metadata.as_ref());
    let ctx = Ctx {
        account: identity.id.clone(),
        region: opts.region.clone(),
    };
    let mut findings = Vec::new();
    let mut errors = Vec::new();
    let host_res = |what: &str| format!("{}:{what}", ctx.account);

    // OS release
    let os = match OsRelease::read(&root) {
        Ok(os) if !os.id.is_empty() => Some(os),
        Ok(_) => None,
        Err(e) => {
            if !e.is_not_found() {
                errors.push(e.to_string());
            }
            None
        }
    };
    let (os_id, release) = match (&opts.os_override, &os) {
        (Some((id, rel)), _) => (id.clone(), rel.clone()),
        (None, Some(os)) => (os.id.clone(), os.release_key()),
        (None, None) => (String::new(), String::new()),
    };

    // packages (HOST-01)
    let set = packages::read_installed(&root);
    for e in &set.errors {
        errors.push(e.to_string());
        findings.push(fnd(
            &ctx,
            &checks::PACKAGES_UNREADABLE,
            Status::Fail,
            host_res("packages"),
            text!("{e}", "{e}"),
        ));
    }
    if set.db.is_none() {
        findings.push(fnd(
            &ctx,
            &checks::PACKAGES_UNREADABLE,
            Status::Unknown,
            host_res("packages"),
            text!(
                "no readable package database (dpkg, rpm or apk) under the root",
                "ルート配下に読み取れるパッケージデータベース（dpkg、rpm、apk）がありません"
            ),
        ));
    }

    // vulnerabilities (HOST-02): the database, and the package manager's own metadata
    let mut warnings = Vec::new();
    let mut kernel_state = None;
    let mut update_sources = Vec::new();
    if let Some(kind) = set.db {
        let match_pkgs =
            kernel::packages_for_matching(kind, &set.packages, opts.kernel_release.as_deref());
        let pend = pending::pending(&root, &set.packages);
        let have_metadata = !pend.sources.is_empty();
        let mut db_matches: Option<(Vec<VulnMatch>, Option<i64>)> = None;
        let no_db_note = |what: &str| {
            format!(
                "{what}: pending security updates come from the package manager's own metadata only \
                 (run `yagura db update` for every advisory, with CVE ids and unfixed issues)"
            )
        };
        match (&opts.data_dir, os_id.is_empty()) {
            (_, true) => findings.push(fnd(&ctx, &checks::PACKAGE_VULNERABLE, Status::Unknown, host_res("packages"), text!("the OS release is unknown (no os-release): packages cannot be matched", "OS リリースが不明（os-release なし）のためパッケージを照合できません"))),
            (None, false) if have_metadata => warnings.push(no_db_note("no vulnerability database given")),
            (None, false) => findings.push(fnd(&ctx, &checks::PACKAGE_VULNERABLE, Status::Unknown, host_res("packages"), text!("no vulnerability database given and no package-manager security metadata found: packages were not checked", "脆弱性データベースが指定されておらず、パッケージマネージャーのセキュリティ情報もないためパッケージを確認していません"))),
            (Some(dir), false) => match VulnDb::open(dir).and_then(|db| {
                let n = db.has_release(&os_id, &release)?;
                let fresh = db.freshness(&os_id, &release)?;
                Ok((n, db.match_packages(&os_id, &release, &match_pkgs)?, fresh))
            }) {
                Ok((false, _, _)) if have_metadata => warnings.push(no_db_note(&format!("the vulnerability database has no advisories for {os_id} {release}"))),
                Ok((false, _, _)) => findings.push(fnd(&ctx, &checks::PACKAGE_VULNERABLE, Status::Unknown, host_res("packages"), text!("the vulnerability database has no advisories for {os_id} {release}: run `yagura db update` (or `yagura db import FEED`)", "脆弱性データベースに `{os_id} {release}` の情報がありません。`yagura db update`（または `yagura db import FEED`）を実行してください"))),
                Ok((_, matches, fresh)) => {
                    let fixed = matches.iter().filter(|m| m.advisory.state == FixState::Fixed).count();
                    let v = vuln_findings(&ctx, &matches);
                    let n = match_pkgs.len();
                    if fixed == 0 {
                        findings.push(fnd(&ctx, &checks::PACKAGE_VULNERABLE, Status::Pass, host_res("packages"), text!("no installed package of {n} has a vulnerability with a published fix", "インストール済みの {n} パッケージに修正版のある脆弱性はありません")));
                    }
                    findings.extend(v);
                    if let Some(at) = fresh {
                        let now = time::OffsetDateTime::now_utc().unix_timestamp();
                        let days = (now - at).max(0) / 86_400;
                        if days > vulndb::STALE_DAYS {
                            warnings.push(format!("the vulnerability data for {os_id} {release} is {days} days old: run `yagura db update`"));
                        }
                    }
                    db_matches = Some((matches, fresh));
                }
                Err(e) => {
                    errors.push(e.to_string());
                    findings.push(fnd(&ctx, &checks::PACKAGE_VULNERABLE, Status::Unknown, host_res("packages"), text!("cannot use the vulnerability database: {e}", "脆弱性データベースを使えません: {e}")));
                }
            },
        }
        pending_findings(&ctx, &pend, db_matches.as_ref(), &mut findings);
        update_sources = pend.sources;
        if let Some(running) = &opts.kernel_release {
            kernel_state = kernel::state(kind, &set.packages, running);
            if let Some(k) = &kernel_state {
                findings.push(kernel_finding(&ctx, kind, k));
            }
        }
    }

    // end of life (HOST-03)
    if !os_id.is_empty() {
        let today = opts
            .today
            .unwrap_or_else(|| time::OffsetDateTime::now_utc().date());
        let name = os
            .as_ref()
            .map(|o| o.pretty_name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("{os_id} {release}"));
        let res = host_res("os");
        findings.push(
            match (
                eol::eol_date(&os_id, &release),
                eol::days_left(&os_id, &release, today),
            ) {
                (Some(d), Some(left)) if left < 0 => fnd(
                    &ctx,
                    &checks::OS_END_OF_LIFE,
                    Status::Fail,
                    res,
                    text!(
                        "{name} reached its end of life on {d}",
                        "{name} は {d} にサポートが終了しています"
                    ),
                )
                .with_evidence("eol", d.to_string())
                .with_recommendation(text!(
                    "upgrade {name} to a supported release",
                    "{name} をサポート中のリリースへアップグレードしてください"
                )),
                (Some(d), _) => fnd(
                    &ctx,
                    &checks::OS_END_OF_LIFE,
                    Status::Pass,
                    res,
                    text!(
                        "{name} is supported until {d}",
                        "{name} は {d} までサポートされます"
                    ),
                )
                .with_evidence("eol", d.to_string()),
                _ => fnd(
                    &ctx,
                    &checks::OS_END_OF_LIFE,
                    Status::Unknown,
                    res,
                    text!(
                        "no end-of-life date is known for {name}",
                        "{name} のサポート終了日が不明です"
                    ),
                ),
            },
        );
    }

    // configuration (HOST-04)
    findings.extend(config::check_all(&root, &ctx));

    // insecure protocols by installed package (HOST-05, offline too)
    insecure_package_findings(&ctx, &set.packages, &mut findings);

    // ELF hardening (HOST-05)
    if let ElfScope::SystemDirs(limit) = opts.elf {
        elf_findings(&root, &ctx, limit, &mut findings, &mut errors);
    }

    // runtime (HOST-05, live)
    let mut listeners = Vec::new();
    if opts.runtime {
        listeners = runtime::listeners(&opts.proc_dir);
        runtime_findings(&ctx, &opts.proc_dir, &listeners, &mut findings);
    }

    // keys on disk (HOST-06)
    let (hits, key_errors) = keys::scan(&root);
    for h in &hits {
        findings.push(
            fnd(&ctx, &checks::AWS_KEY_ON_DISK, Status::Fail, host_res(&h.path), text!("long-lived access key {k} in {p} line {l}", "長期アクセスキー {k} が {p} の {l} 行目にあります", k = h.masked_id, p = h.path, l = h.line))
                .with_evidence("key_id", h.masked_id.clone())
                .with_evidence("file", h.path.clone())
                .with_evidence("line", h.line.to_string())
                .with_recommendation(text!("delete the key {k} (aws iam delete-access-key), remove it from {p}, and use an instance role", "キー {k} を削除し（aws iam delete-access-key）、{p} から取り除き、インスタンスロールを使ってください", k = h.masked_id, p = h.path)),
        );
    }
    for (p, e) in &key_errors {
        findings.push(fnd(
            &ctx,
            &checks::AWS_KEY_ON_DISK,
            Status::Unknown,
            host_res(p),
            text!("cannot read {p}: {e}", "{p} を読み取れません: {e}"),
        ));
    }
    if hits.is_empty() && key_errors.is_empty() {
        findings.push(fnd(
            &ctx,
            &checks::AWS_KEY_ON_DISK,
            Status::Pass,
            host_res("aws-keys"),
            text!(
                "no long-lived AWS access key in credential or environment files",
                "認証情報・環境変数ファイルに長期 AWS アクセスキーはありません"
            ),
        ));
    }

    findings.sort_by(|a, b| (&a.check_id, &a.resource).cmp(&(&b.check_id, &b.resource)));
    HostReport {
        identity,
        os,
        package_db: set.db,
        packages: set.packages,
        listeners,
        findings,
        errors,
        warnings,
        release: (!os_id.is_empty()).then(|| (os_id.clone(), release.clone())),
        kernel: kernel_state,
        update_sources,
    }
}

fn day_of(unix: Option<i64>) -> String {
    unix.and_then(|t| time::OffsetDateTime::from_unix_timestamp(t).ok())
        .map(|t| t.date().to_string())
        .unwrap_or_else(|| "an unknown date".to_string())
}

/// Findings of the pending security updates the package manager's metadata shows; with a
/// database, the evidence says whether it agrees.
fn pending_findings(
    ctx: &Ctx,
    pend: &pending::Pending,
    db: Option<&(Vec<VulnMatch>, Option<i64>)>,
    out: &mut Vec<Finding>,
) {
    let res = |what: &str| format!("{}:{what}", ctx.account);
    // one finding per package: the newest candidate, every source named
    let mut per: std::collections::BTreeMap<&str, Vec<&pending::PendingUpdate>> =
        std::collections::BTreeMap::new();
    for u in &pend.updates {
        per.entry(u.package.as_str()).or_default().push(u);
    }
    let modified: std::collections::HashMap<&str, Option<i64>> = pend
        .sources
        .iter()
        .map(|s| (s.path.as_str(), s.modified))
        .collect();
    for (pkg, ups) in &per {
        let Some(best) = ups.iter().copied().max_by(|a, b| {
            // same package, same database kind: compare with the ordering that fits the source
            let scheme = if a.source.contains("/apt/") {
                version::VersionScheme::Dpkg
            } else {
                version::VersionScheme::Rpm
            };
            scheme.compare(&a.candidate, &b.candidate)
        }) else {
            continue;
        };
        let (inst, cand) = (&best.installed, &best.candidate);
        let sources: Vec<&str> = ups.iter().map(|u| u.source.as_str()).collect();
        let src = best.source.as_str();
        let when = day_of(modified.get(src).copied().flatten());
        let mut advisories: Vec<&str> = ups
            .iter()
            .flat_map(|u| u.advisories.iter().map(String::as_str))
            .collect();
        advisories.sort_unstable();
        advisories.dedup();
        let mut f = fnd(
            ctx,
            &checks::SECURITY_UPDATE_PENDING,
            Status::Fail,
            format!("package:{pkg}:security-update"),
            text!(
                "{pkg} {inst} has a security update to {cand} (from {src}, refreshed {when})",
                "{pkg} {inst} にセキュリティ更新 {cand} があります（{src}、{when} 更新）"
            ),
        )
        .with_evidence("package", pkg.to_string())
        .with_evidence("installed", inst.clone())
        .with_evidence("candidate", cand.clone())
        .with_evidence("source", sources.join(" "))
        .with_evidence("source_refreshed", when.clone())
        .with_recommendation(text!(
            "upgrade {pkg} to {cand} or later",
            "{pkg} を {cand} 以降へ更新してください"
        ));
        if !advisories.is_empty() {
            f = f.with_evidence("advisories", advisories.join(" "));
        }
        if let Some(sev) = ups.iter().filter_map(|u| u.severity.as_deref()).next() {
            f.severity = severity_of(Some(sev));
        }
        if let Some((matches, fresh)) = db {
            let ids: Vec<&str> = matches
                .iter()
                .filter(|m| m.package == *pkg && m.advisory.state == FixState::Fixed)
                .map(|m| m.advisory.id.as_str())
                .collect();
            let note = if ids.is_empty() {
                format!(
                    "no fixed advisory for {pkg} in the vulnerability database (data of {}): the database may be older than the package manager's lists, or the update fixes no listed vulnerability",
                    day_of(*fresh)
                )
            } else {
                format!("agrees: {}", ids.join(" "))
            };
            f = f.with_evidence("vulnerability_db", note);
        }
        out.push(f);
    }
    for (path, e) in &pend.errors {
        out.push(fnd(
            ctx,
            &checks::SECURITY_UPDATE_PENDING,
            Status::Unknown,
            res(path),
            text!("cannot read {path}: {e}", "{path} を読み取れません: {e}"),
        ));
    }
    if per.is_empty() && !pend.sources.is_empty() {
        let n = pend.sources.len();
        let names: Vec<&str> = pend.sources.iter().map(|s| s.path.as_str()).collect();
        out.push(
            fnd(
                ctx,
                &checks::SECURITY_UPDATE_PENDING,
                Status::Pass,
                res("packages"),
                text!(
                    "no security update pending in {n} package-manager list(s)",
                    "{n} 件のパッケージマネージャーのリストに未適用のセキュリティ更新はありません"
                ),
            )
            .with_evidence("source", names.join(" ")),
        );
    }
}

fn kernel_finding(ctx: &Ctx, kind: DbKind, k: &kernel::KernelState) -> Finding {
    let running = &k.running;
    let res = format!("{}:kernel", ctx.account);
    if k.reboot_pending(kind) {
        let (name, ver) = k
            .newest
            .as_ref()
            .map(|p| (p.name.clone(), p.version.clone()))
            .unwrap_or_default();
        let mut f = fnd(
            ctx,
            &checks::KERNEL_REBOOT_PENDING,
            Status::Fail,
            res,
            text!(
                "the running kernel {running} is older than the installed {name} {ver}: a reboot is pending",
                "実行中のカーネル {running} はインストール済みの {name} {ver} より古く、再起動待ちです"
            ),
        )
        .with_evidence("running", running.clone())
        .with_evidence("newest_package", format!("{name} {ver}"))
        .with_recommendation(text!(
            "reboot into {name} {ver} in a maintenance window",
            "メンテナンス時間帯に再起動して {name} {ver} で起動してください"
        ));
        if let Some(r) = &k.running_package {
            f = f.with_evidence("running_package", format!("{} {}", r.name, r.version));
        }
        f
    } else {
        fnd(
            ctx,
            &checks::KERNEL_REBOOT_PENDING,
            Status::Pass,
            res,
            text!(
                "the running kernel {running} is the newest installed",
                "実行中のカーネル {running} はインストール済みの最新です"
            ),
        )
        .with_evidence("running", running.clone())
    }
}

fn insecure_package_findings(ctx: &Ctx, pkgs: &[Package], out: &mut Vec<Finding>) {
    let mut server = false;
    let mut client = false;
    for p in pkgs {
        let res = format!("{}:package/{}", ctx.account, p.name);
        let name = &p.name;
        if runtime::INSECURE_SERVER_PACKAGES.contains(&name.as_str()) {
            server = true;
            out.push(
                fnd(
                    ctx,
                    &checks::INSECURE_SERVER,
                    Status::Fail,
                    res,
                    text!(
                        "insecure protocol server package {name} is installed",
                        "安全でないプロトコルのサーバーパッケージ {name} が導入されています"
                    ),
                )
                .with_evidence("package", name.clone())
                .with_recommendation(text!(
                    "remove {name} and use SSH/SFTP",
                    "{name} を削除し SSH/SFTP を使ってください"
                )),
            );
        } else if runtime::INSECURE_CLIENT_PACKAGES.contains(&name.as_str()) {
            client = true;
            out.push(
                fnd(
                    ctx,
                    &checks::INSECURE_CLIENT,
                    Status::Fail,
                    res,
                    text!(
                        "insecure protocol client package {name} is installed",
                        "安全でないプロトコルのクライアントパッケージ {name} が導入されています"
                    ),
                )
                .with_evidence("package", name.clone())
                .with_recommendation(text!(
                    "remove {name} and use ssh/sftp/scp",
                    "{name} を削除し ssh/sftp/scp を使ってください"
                )),
            );
        }
    }
    if !server {
        out.push(fnd(
            ctx,
            &checks::INSECURE_SERVER,
            Status::Pass,
            format!("{}:packages", ctx.account),
            text!(
                "no insecure protocol server package is installed",
                "安全でないプロトコルのサーバーパッケージは導入されていません"
            ),
        ));
    }
    if !client {
        out.push(fnd(
            ctx,
            &checks::INSECURE_CLIENT,
            Status::Pass,
            format!("{}:packages", ctx.account),
            text!(
                "no insecure protocol client package is installed",
                "安全でないプロトコルのクライアントパッケージは導入されていません"
            ),
        ));
    }
}

/// System directories whose executables are checked for hardening.
pub const BIN_DIRS: &[&str] = &[
    "/usr/bin",
    "/usr/sbin",
    "/bin",
    "/sbin",
    "/usr/local/bin",
    "/usr/local/sbin",
];

fn elf_findings(
    root: &Root,
    ctx: &Ctx,
    limit: usize,
    out: &mut Vec<Finding>,
    errors: &mut Vec<String>,
) {
    use std::os::unix::fs::MetadataExt;
    let mut seen = std::collections::BTreeSet::new();
    let mut checked = 0usize;
    for dir in BIN_DIRS {
        let Ok(names) = root.list_dir(dir) else {
            continue;
        };
        for n in names {
            if checked >= limit {
                return;
            }
            let path = rootfs::join(dir, &n);
            let Ok(real) = root.resolve(&path) else {
                continue;
            };
            let Ok(meta) = std::fs::metadata(&real) else {
                continue;
            };
            if !meta.is_file() || meta.mode() & 0o111 == 0 || !seen.insert((meta.dev(), meta.ino()))
            {
                continue;
            }
            let Ok(bytes) = root.read_limited(&path, 512 << 20) else {
                continue;
            };
            if !elf::is_elf(&bytes) {
                continue;
            }
            checked += 1;
            match elf::analyze(&bytes, &path) {
                Ok(h) => {
                    let missing = h.missing();
                    if h.pie == elf::Pie::Dso || missing.is_empty() {
                        continue;
                    }
                    let m = missing.join(", ");
                    // an executable stack matters most; a missing canary or only lazy binding
                    // is common in distribution builds (no stack buffers, partial RELRO)
                    let severity = if !h.nx {
                        Severity::Medium
                    } else if missing.iter().any(|x| *x == "pie" || *x == "relro") {
                        Severity::Low
                    } else {
                        Severity::Info
                    };
                    let mut f = fnd(
                        ctx,
                        &checks::ELF_NOT_HARDENED,
                        Status::Fail,
                        format!("{}:{path}", ctx.account),
                        text!("{path} lacks {m}", "{path} に {m} がありません"),
                    )
                    .with_evidence("missing", m.clone())
                    .with_evidence("nx", h.nx.to_string())
                    .with_evidence("canary", h.canary.to_string())
                    .with_evidence("pie", format!("{:?}", h.pie).to_ascii_lowercase())
                    .with_evidence("relro", format!("{:?}", h.relro).to_ascii_lowercase());
                    f.severity = severity;
                    out.push(f);
                }
                Err(e) => errors.push(e.to_string()),
            }
        }
    }
}

fn runtime_findings(
    ctx: &Ctx,
    proc_dir: &std::path::Path,
    listeners: &[runtime::Listener],
    out: &mut Vec<Finding>,
) {
    for l in listeners {
        let procs = if l.processes.is_empty() {
            "unknown process".to_string()
        } else {
            l.processes
                .iter()
                .map(|(p, n)| format!("{n}[{p}]"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let (addr, port) = (l.addr, l.port);
        let res = format!("{}:tcp/{addr}:{port}", ctx.account);
        let mut f = fnd(
            ctx,
            &checks::LISTENING_PORT,
            Status::Fail,
            res.clone(),
            text!(
                "TCP {addr}:{port} is listening ({procs})",
                "TCP {addr}:{port} が待ち受けています（{procs}）"
            ),
        )
        .with_evidence("port", port.to_string())
        .with_evidence("address", addr.to_string())
        .with_evidence("processes", procs.clone());
        f.severity = Severity::Info;
        out.push(f);
        let by_port = runtime::INSECURE_PORTS
            .iter()
            .find(|(p, _)| *p == port)
            .map(|(_, n)| *n);
        let by_proc = l
            .processes
            .iter()
            .find(|(_, n)| runtime::INSECURE_SERVER_PROCS.contains(&n.as_str()))
            .map(|(_, n)| n.clone());
        if let Some(proto) = by_port.map(str::to_string).or(by_proc) {
            out.push(
                fnd(
                    ctx,
                    &checks::INSECURE_SERVER,
                    Status::Fail,
                    res,
                    text!(
                        "{proto} is served on TCP {addr}:{port} ({procs})",
                        "{proto} が TCP {addr}:{port} で提供されています（{procs}）"
                    ),
                )
                .with_recommendation(text!(
                    "stop and remove the {proto} server; use SSH/SFTP",
                    "{proto} サーバーを停止・削除し SSH/SFTP を使ってください"
                )),
            );
        }
    }
    // running clients
    if let Ok(entries) = std::fs::read_dir(proc_dir) {
        for e in entries.flatten() {
            let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
                continue;
            };
            let name = runtime::process_name(proc_dir, pid);
            if runtime::INSECURE_CLIENT_PROCS.contains(&name.as_str()) {
                out.push(fnd(
                    ctx,
                    &checks::INSECURE_CLIENT,
                    Status::Fail,
                    format!("{}:process/{pid}", ctx.account),
                    text!(
                        "insecure protocol client {name} is running (pid {pid})",
                        "安全でないプロトコルのクライアント {name} が実行中です（pid {pid}）"
                    ),
                ));
            }
        }
    }
    let maps = runtime::root_writable_maps(proc_dir);
    for m in &maps {
        let (file, proc_, pid, mode, owner) = (&m.file, &m.process, m.pid, m.mode, m.owner);
        out.push(fnd(ctx, &checks::ROOT_WRITABLE_MAP, Status::Fail, format!("{}:process/{pid}:{file}", ctx.account), text!("root process {proc_}[{pid}] maps {file} (owner {owner}, mode {mode:o}) which non-root users can write", "root プロセス {proc_}[{pid}] が root 以外も書き込める {file}（所有者 {owner}、モード {mode:o}）をマップしています"))
            .with_recommendation(text!("run `chown root:root {file} && chmod go-w {file}` and restart {proc_}", "`chown root:root {file} && chmod go-w {file}` を実行し {proc_} を再起動してください")));
    }
    if maps.is_empty() {
        out.push(fnd(
            ctx,
            &checks::ROOT_WRITABLE_MAP,
            Status::Pass,
            format!("{}:processes", ctx.account),
            text!(
                "no root process maps a file writable by non-root users",
                "root プロセスは root 以外が書き込めるファイルをマップしていません"
            ),
        ));
    }
}
