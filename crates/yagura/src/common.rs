//! Resolved settings shared by the commands (stage two of argument parsing).

use crate::cli::{Global, OutputArgs};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use time::OffsetDateTime;
use yagura_core::{Catalogue, Finding, Lang, Status};
use yagura_report::{Format, Report, WriteOptions};

/// Every check the binary knows. Two checks with one id are an error in yagura's declarations
/// (the workspace meta-test fails on it first).
pub fn catalogue() -> Result<Catalogue> {
    Ok(Catalogue::of(&[
        yagura_audit::CHECKS,
        yagura_host::CHECKS,
        yagura_iam::CHECKS,
        yagura_trail::CHECKS,
    ])?)
}

/// `--lang` (checked by clap), else the locale's.
pub fn lang(g: &Global) -> Lang {
    g.lang
        .unwrap_or_else(|| Lang::from_locale(|k| std::env::var(k).ok()))
}

pub fn data_dir(g: &Global) -> Result<PathBuf> {
    if let Some(d) = &g.data_dir {
        return Ok(d.clone());
    }
    directories::ProjectDirs::from("dev", "yagura", "yagura")
        .map(|p| p.data_dir().to_path_buf())
        .context("cannot find a data directory: set --data-dir or YAGURA_DATA_DIR")
}

pub fn open_store(g: &Global) -> Result<yagura_store::Store> {
    let dir = data_dir(g)?;
    let path = yagura_store::Store::path_in(&dir);
    Ok(yagura_store::Store::open(&path)?)
}

/// Neutralises an outside string (a name, a path, an error quoting one) bound for a terminal,
/// stdout or stderr: line breaks and tabs become spaces, so no text an attacker wrote can start
/// a line of ours, and control characters (ANSI escapes and the like) and bidirectional
/// controls become U+FFFD. yagura's one escaping of plain text (`yagura_core::escape`), under
/// the name the commands use.
pub use yagura_core::escape::one_line as sanitize;

/// A text of several lines that yagura composed (each outside string in it already passed
/// through [`sanitize`]): keeps its line breaks, neutralises any other control.
pub use yagura_core::escape::multi_line as sanitize_text;

pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Writes the report where the user asked and returns the exit code it implies (REP-04).
pub fn emit(
    g: &Global,
    out: &OutputArgs,
    scope: &str,
    findings: &[Finding],
    errors: &[String],
    extra: Option<&serde_json::Value>,
    generated_at: &str,
) -> Result<u8> {
    emit_with_text(
        g,
        out,
        scope,
        findings,
        errors,
        extra,
        generated_at,
        None,
        None,
    )
}

/// The findings as AWS Security Finding Format objects, written by the report crate's ASFF
/// writer (the one that `-f asff` uses) for `audit --send-to-security-hub`; a global finding
/// takes `region`.
pub fn asff_findings(
    g: &Global,
    scope: &str,
    findings: &[Finding],
    generated_at: &str,
    region: Option<String>,
) -> Result<Vec<serde_json::Value>> {
    let catalogue = catalogue()?;
    let report = Report {
        schema_version: yagura_report::SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION"),
        generated_at,
        scope,
        findings,
        catalogue: &catalogue,
        lang: lang(g),
        errors: &[],
        extra: None,
        compliance: None,
    };
    let opts = WriteOptions {
        aws_region: region,
        ..WriteOptions::default()
    };
    let mut buf = Vec::new();
    yagura_report::write(Format::Asff, &report, &mut buf, &opts)?;
    Ok(serde_json::from_slice(&buf)?)
}

/// [`emit`], with the text format replaced by a capability's own text report (`text`, already
/// made safe for a terminal) when one is given.
#[allow(clippy::too_many_arguments)]
pub fn emit_with_text(
    g: &Global,
    out: &OutputArgs,
    scope: &str,
    findings: &[Finding],
    errors: &[String],
    extra: Option<&serde_json::Value>,
    generated_at: &str,
    text: Option<&str>,
    compliance: Option<&yagura_core::compliance::ComplianceTable>,
) -> Result<u8> {
    let catalogue = catalogue()?;
    let report = Report {
        schema_version: yagura_report::SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION"),
        generated_at,
        scope,
        findings,
        catalogue: &catalogue,
        lang: lang(g),
        errors,
        extra,
        compliance,
    };
    // The exit code is decided before anything is written: a reader that stops early
    // (`yagura audit | head -1`) does not change it.
    let unknown = findings
        .iter()
        .filter(|f| f.mute.is_none() && f.status == Status::Unknown)
        .count();
    let failing = yagura_report::exit_code(findings, out.fail_on) != 0;
    let incomplete = unknown > 0 || !errors.is_empty();
    // An incomplete result cannot pass or fail a gate honestly: it is an error (2) unless the
    // user accepts incomplete results, and then the gate decides on what could be read.
    let code = if incomplete && !out.allow_incomplete {
        2
    } else if failing {
        1
    } else {
        0
    };
    let formats = out.formats();
    if let Some(dir) = &out.output_dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create `{}`", dir.display()))?;
    }
    for format in formats {
        let to_terminal = out.output.is_none() && out.output_dir.is_none();
        let opts = WriteOptions {
            color: to_terminal && format == Format::Text && crate::out::color_stdout(g),
            show_pass: out.show_pass,
            ..WriteOptions::default()
        };
        let own_text = text.filter(|_| format == Format::Text);
        let write = |w: &mut dyn std::io::Write| -> Result<()> {
            match own_text {
                Some(t) => w.write_all(t.as_bytes())?,
                None => yagura_report::write(format, &report, w, &opts)?,
            }
            w.flush()?;
            Ok(())
        };
        let file = match (&out.output_dir, &out.output) {
            (Some(dir), _) => Some(dir.join(format!(
                "yagura-{}.{}",
                file_stem(scope),
                format.extension()
            ))),
            (None, path) => path.clone(),
        };
        match file {
            Some(path) => {
                write_atomic_with(&path, write)?;
                if !g.quiet {
                    eprintln!(
                        "wrote {} report to {}",
                        format.as_str(),
                        sanitize(&path.display().to_string())
                    );
                }
            }
            None => {
                let mut stdout = crate::out::Stdout::lock();
                match write(&mut stdout) {
                    Ok(()) => {}
                    // The reader went away: the code decided above stands.
                    Err(_) if stdout.closed() => {
                        tracing::debug!("stdout closed before the whole report was read");
                    }
                    Err(e) => return Err(e),
                }
            }
        }
    }
    if incomplete {
        let n = errors.len();
        let errs = match n {
            0 => String::new(),
            _ => crate::tr!("; {n} collection error(s)", "。収集エラー {n} 件"),
        };
        crate::etr!(
            "warning: the result is incomplete: {unknown} check result(s) are UNKNOWN because their data could not be read{errs}",
            "警告: 結果は不完全です: データを読み取れなかったため {unknown} 件のチェック結果が UNKNOWN です{errs}"
        );
    }
    Ok(code)
}

/// The part of `--output-dir`'s file names that names the report: the scope with anything but
/// ASCII letters, digits, `-` and `_` replaced (a merged report's scope comes from its inputs).
fn file_stem(scope: &str) -> String {
    let s: String = scope
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() {
        "report".to_string()
    } else {
        s
    }
}

/// Writes a report file. A regular file is replaced atomically (temp file + rename beside the
/// real target, following symlinks); anything else (`/dev/null`, `/dev/stdout`, a FIFO) is written
/// in place, never replaced.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |w| Ok(w.write_all(bytes)?))
}

/// [`write_atomic`] with the content streamed by `write` through a buffer, so that a large report
/// is never held whole in memory. Nothing replaces the target unless `write` succeeds; the
/// temp file of a failed write is removed.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> Result<()>,
) -> Result<()> {
    use std::io::Write as _;
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let cannot = |p: &Path| format!("cannot write `{}`", p.display());
    match std::fs::metadata(&target) {
        Ok(m) if !m.is_file() => {
            let file = std::fs::File::create(&target).with_context(|| cannot(path))?;
            let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
            write(&mut w)?;
            return w.flush().with_context(|| cannot(path));
        }
        _ => {}
    }
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("yagura");
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| -> Result<()> {
        let file = std::fs::File::create(&tmp).with_context(|| cannot(&tmp))?;
        let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
        write(&mut w)?;
        w.flush().with_context(|| cannot(&tmp))
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, &target).with_context(|| cannot(path))?;
    Ok(())
}

/// Keeps a run in the store and says what changed since the scope's previous run.
pub fn store_run(
    g: &Global,
    scope: &str,
    accounts: &[String],
    started: OffsetDateTime,
    findings: &[yagura_core::Finding],
) -> Result<Option<String>> {
    let mut store = open_store(g)?;
    let complete = !findings
        .iter()
        .any(|f| f.status == yagura_core::Status::Unknown);
    let meta = yagura_store::RunMeta {
        scope: scope.to_string(),
        started_at: started,
        finished_at: OffsetDateTime::now_utc(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        accounts: accounts.to_vec(),
        complete,
    };
    let id = store.record_run(&meta, findings)?;
    let runs = store.latest_runs(scope, 2)?;
    let prev = runs.iter().find(|r| r.id != id);
    Ok(match prev {
        Some(p) => {
            let d = store.diff(p.id, id)?;
            let (new, fixed, open, prev) = (d.new.len(), d.fixed.len(), d.still_open.len(), p.id);
            let unchecked = match d.unknown_now.len() + d.not_checked.len() {
                0 => String::new(),
                n => crate::tr!(", {n} not checkable now", "、現在確認できないもの {n} 件"),
            };
            Some(crate::tr!(
                "run {id} stored: {new} new, {fixed} fixed, {open} still open since run {prev}{unchecked}",
                "実行 {id} を保存しました: 実行 {prev} から新規 {new} 件、修正済み {fixed} 件、未解決のまま {open} 件{unchecked}"
            ))
        }
        None => Some(crate::tr!(
            "run {id} stored (first run of this scope)",
            "実行 {id} を保存しました(このスコープの最初の実行)"
        )),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_failed_streamed_write_keeps_the_old_file_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        write_atomic(&path, b"old").unwrap();
        let err = write_atomic_with(&path, |w| {
            w.write_all(b"half a rep")?;
            anyhow::bail!("the writer failed")
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "the writer failed");
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["report.json"]);
        // a streamed write larger than the buffer replaces the file whole
        let big = vec![b'x'; 200_000];
        write_atomic_with(&path, |w| Ok(w.write_all(&big)?)).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), big);
    }
}
