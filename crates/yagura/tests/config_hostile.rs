#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Hostile configuration files (issue 16): the exceptions and destinations files are YAML a
//! repository or a colleague hands over. Alias bombs ("billion laughs") and deep flow nesting
//! are refused within the budget of `yagura_core::yaml` with the file and position named, and a
//! number that would overflow a duration is refused with its range, never a panic. Every input is
//! made here and every run is under a memory limit and a timeout.

use std::path::Path;

/// Address space of a run (KiB) and wall time (s): the alias bomb below expands to 10⁹ nodes,
/// tens of gigabytes, without the budget.
const MEMORY_KIB: u64 = 1 << 20;
const SECONDS: u64 = 30;

use yagura_testkit::hostile::{alias_bomb, deep_flow, large_value_reused};
use yagura_testkit::Run;

fn run(data: &Path, args: &[&str]) -> Run {
    let r = yagura_testkit::run(
        yagura_testkit::yagura_limited(MEMORY_KIB, SECONDS)
            .arg("--data-dir")
            .arg(data)
            .args(args),
    );
    assert!(
        (0..100).contains(&r.code) && !r.stderr.contains("panicked"),
        "killed, aborted or panicked ({}): {}",
        r.code,
        r.stderr
    );
    r
}

/// The exceptions file of `audit`: refused with its name and the budget it broke; the audit
/// does not run on a half-read file.
#[test]
fn exceptions_files_with_alias_bombs_and_deep_nesting_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (name, body, reason) in [
        ("bomb.yaml", alias_bomb(), "repetition limit"),
        (
            "reuse.yaml",
            format!(
                "not_adopted:\n{}",
                large_value_reused("{check: iam-user-unused, reason: {}}")
            ),
            "aliases expanded",
        ),
        ("deep.yaml", deep_flow(100_000), "nest deeper"),
    ] {
        let f = dir.path().join(name);
        std::fs::write(&f, format!("version: 1\n{body}")).unwrap();
        let r = run(
            &dir.path().join("data"),
            &[
                "audit",
                "--demo",
                "--no-store",
                "--exceptions",
                f.to_str().unwrap(),
            ],
        );
        assert_ne!(r.code, 0, "{name}: {}", r.stderr);
        assert!(r.stderr.contains(name), "{name}: {}", r.stderr);
        assert!(r.stderr.contains(reason), "{name}: {}", r.stderr);
        assert!(r.secs < 10.0, "{name}: {} s", r.secs);
    }
}

/// The destinations file of `notify`: the same budget; durations in range or refused.
#[test]
fn destinations_files_with_alias_bombs_and_huge_numbers_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let dest = "destinations:\n  - name: hook\n    kind: webhook\n    url: http://127.0.0.1:9/x\n    min_severity: low\n";
    let cases = [
        (
            "bomb.yaml",
            format!("version: 1\n{}{dest}", alias_bomb()),
            "repetition limit".to_string(),
        ),
        (
            "reuse.yaml",
            format!(
                "version: 1\ndestinations:\n{}",
                large_value_reused(
                    "{name: {}, kind: webhook, url: \"http://127.0.0.1:9/x\", min_severity: low}"
                )
            ),
            "aliases expanded".to_string(),
        ),
        (
            "deep.yaml",
            format!("version: 1\n{}{dest}", deep_flow(100_000)),
            "nest deeper".to_string(),
        ),
        (
            "timeout.yaml",
            format!("version: 1\nsettings:\n  timeout_seconds: 18446744073709551615\n{dest}"),
            "`timeout_seconds` must be between 1 and 3600 seconds".to_string(),
        ),
        (
            "backoff.yaml",
            format!("version: 1\nsettings:\n  max_backoff_ms: 18446744073709551615\n{dest}"),
            "`max_backoff_ms` must be between 0 and 3600000 ms".to_string(),
        ),
        (
            "retry.yaml",
            format!("version: 1\nsettings:\n  max_retry_after_seconds: 9999999999999\n{dest}"),
            "`max_retry_after_seconds` must be between 0 and 86400 seconds".to_string(),
        ),
    ];
    for (name, body, reason) in cases {
        let f = dir.path().join(name);
        std::fs::write(&f, body).unwrap();
        let r = run(
            &dir.path().join("data"),
            &["notify", "test", "--config", f.to_str().unwrap()],
        );
        assert_ne!(r.code, 0, "{name}: {}", r.stderr);
        assert!(r.stderr.contains(name), "{name}: {}", r.stderr);
        assert!(r.stderr.contains(&reason), "{name}: {}", r.stderr);
        assert!(r.secs < 10.0, "{name}: {} s", r.secs);
    }
}
