//! The HTML report: self-contained, escaped, and inert when a real browser renders it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use std::path::Path;
use std::process::Command;
use yagura_core::Lang;
use yagura_report::{write, Format, WriteOptions};

fn render(lang: Lang) -> String {
    let findings = findings();
    let catalogue = catalogue();
    let errors = errors();
    let report = report(&findings, &catalogue, &errors, lang);
    let mut out = Vec::new();
    write(Format::Html, &report, &mut out, &WriteOptions::default()).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn html_snapshots() {
    insta::assert_snapshot!("html_en", render(Lang::En));
    insta::assert_snapshot!("html_ja", render(Lang::Ja));
}

#[test]
fn html_is_self_contained_with_a_strict_policy() {
    let h = render(Lang::En);
    assert!(h.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(h.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    ));
    let lower = h.to_ascii_lowercase();
    for needle in [
        "<script",
        "<link",
        "@import",
        "url(",
        "<iframe",
        "<object",
        "<embed",
        " src=\"http",
        "javascript:",
    ] {
        assert!(!lower.contains(needle), "found {needle}");
    }
    assert!(h.contains("<svg class=\"donut\"") && h.contains("<svg class=\"bars\""));
}

#[test]
fn html_escapes_every_outside_string() {
    for lang in [Lang::En, Lang::Ja] {
        let h = render(lang);
        assert!(!h.contains("<script"), "raw <script");
        assert!(!h.contains("<img"), "raw <img");
        // `onerror=` only appears inside escaped text: never as an attribute of a tag.
        for (i, _) in h.match_indices("onerror=") {
            let before = &h[..i];
            let lt = before.rfind('<').unwrap();
            let gt = before.rfind('>').unwrap();
            assert!(gt > lt, "onerror= inside a tag at {i}");
            assert!(before.ends_with("src=x "));
        }
        assert!(h.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(h.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
        assert!(!h.contains('\x1b') && !h.contains('\0') && !h.contains('\u{9b}'));
    }
}

#[test]
fn html_is_japanese_when_asked() {
    let h = render(Lang::Ja);
    assert!(h.starts_with("<!DOCTYPE html>\n<html lang=\"ja\">"));
    assert!(h.contains("yagura セキュリティレポート"));
    assert!(h.contains("セキュリティグループが管理用ポートをインターネットに公開している"));
    assert!(h.contains("要件ごとの概要"));
    assert!(
        h.contains("ルートユーザーで MFA を有効にしてください。")
            || h.contains("ルートユーザーに MFA デバイスがありません")
    );
}

#[test]
fn html_summarises_requirements() {
    let h = render(Lang::En);
    // AUD-01: two FAIL findings of the security-group check.
    let row = h
        .split("<tr>")
        .find(|r| r.contains("<td>AUD-01</td>"))
        .unwrap();
    assert!(row.contains("<td class=\"n\">2</td>"), "{row}");
    // CIS 5.2 comes before 5.3, and 1.5 before both.
    let p15 = h.find("<td>1.5</td>").unwrap();
    let p52 = h.find("<td>5.2</td>").unwrap();
    let p53 = h.find("<td>5.3</td>").unwrap();
    assert!(p15 < p52 && p52 < p53);
}

// ----------------------------------------------------------------------- headless Chromium

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

/// Runs Chromium, killed after 90 s so that a hung browser fails the test instead of hanging it.
fn run_chromium(bin: &str, profile: &Path, args: &[&str]) -> std::process::Output {
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read the pipes on threads so a full pipe cannot block the browser.
    let mut so = child.stdout.take().unwrap();
    let mut se = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut so, &mut v).map(|_| v)
    });
    let t_err = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut se, &mut v).map(|_| v)
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("chromium did not finish within 90 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    std::process::Output {
        status,
        stdout: t_out.join().unwrap().unwrap(),
        stderr: t_err.join().unwrap().unwrap(),
    }
}

#[test]
fn html_is_inert_in_headless_chromium() {
    let Some(bin) = chromium() else {
        if std::env::var_os("CI").is_some() {
            panic!("chromium is not installed (apt-get install -y chromium)");
        }
        eprintln!("skipped: chromium is not installed");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("profile");
    let page = dir.path().join("report.html");
    std::fs::write(&page, render(Lang::Ja)).unwrap();
    let url = format!("file://{}", page.display());
    let out = run_chromium(
        bin,
        &profile,
        &["--enable-logging=stderr", "--v=0", "--dump-dom", &url],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dom = String::from_utf8(out.stdout).unwrap();
    // Nothing tried to load or run: no CSP violation and no console output at all.
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(!log.contains("Content Security Policy"), "{log}");
    assert!(!log.contains(":CONSOLE"), "{log}");
    // The detector works: a page that does try is caught the same way.
    let canary = dir.path().join("canary.html");
    std::fs::write(
        &canary,
        format!(
            "<html><head><meta http-equiv=\"Content-Security-Policy\" content=\"{}\"></head><body><script>console.log(1)</script></body></html>",
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
        ),
    )
    .unwrap();
    let canary_url = format!("file://{}", canary.display());
    let out = run_chromium(
        bin,
        &profile,
        &[
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
            &canary_url,
        ],
    );
    let canary_log = String::from_utf8_lossy(&out.stderr);
    assert!(
        canary_log.contains("Content Security Policy"),
        "canary not caught: {canary_log}"
    );
    // The document was parsed and rendered in full.
    assert!(
        dom.contains("<html lang=\"ja\">"),
        "{}",
        &dom[..dom.len().min(300)]
    );
    assert!(dom.contains("</table>") && dom.contains("<svg"));
    // No element was injected: the serialised DOM has no script or img element at all, and
    // the hostile strings are there as text.
    let lower = dom.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "script element in the DOM");
    assert!(!lower.contains("<img"), "img element in the DOM");
    assert!(
        !lower.contains("onerror=\""),
        "event handler attribute in the DOM"
    );
    assert!(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(dom.contains("\"&gt;&lt;img src=x onerror=alert(1)&gt;"));
    // The page also renders to a screenshot (look at it: SCREENSHOT_DIR keeps it).
    let shots = std::env::var_os("SCREENSHOT_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().to_path_buf());
    for (lang, name) in [(Lang::En, "report-en"), (Lang::Ja, "report-ja")] {
        let page = dir.path().join(format!("{name}.html"));
        std::fs::write(&page, render(lang)).unwrap();
        let png = shots.join(format!("{name}.png"));
        let out = run_chromium(
            bin,
            &profile,
            &[
                &format!("--screenshot={}", png.display()),
                "--window-size=1400,2200",
                &format!("file://{}", page.display()),
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let bytes = std::fs::read(&png).unwrap();
        assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000);
    }
}
