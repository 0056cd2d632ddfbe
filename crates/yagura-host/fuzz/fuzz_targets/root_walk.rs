#![no_main]
//! Fuzz target: the `--root` walkers on trees built from the input. Under a root whose own path
//! holds `#`, `%` and `?`, the input makes directories (`/etc`, a home, `/opt`), files (some
//! holding a key id), FIFOs, links (to files and folders inside, to the root, to `..`, out of
//! the root, to `/dev/zero`, in loops) with names holding percent sequences. The path resolver
//! never leaves the root, opening never blocks on a special file, and the key search ends,
//! reading only regular files inside the root, each once.

use libfuzzer_sys::fuzz_target;
use std::path::{Path, PathBuf};
use yagura_host::keys::{self, Limits};
use yagura_host::rootfs::Root;

const NAMES: [&str; 8] = [
    "credentials",
    ".env",
    "a%2e%2e",
    "x#1",
    "q?y=1",
    "..%2f",
    "config",
    "d",
];

fuzz_target!(|data: &[u8]| {
    let Ok(tmp) = tempfile::tempdir() else { return };
    let root_dir = tmp.path().join("snap #1 %41 ?x=1");
    let outside = tmp.path().join("outside");
    if std::fs::create_dir_all(&root_dir).is_err() || std::fs::create_dir_all(&outside).is_err() {
        return;
    }
    let _ = std::fs::write(
        outside.join("credentials"),
        // a key-shaped fake, assembled so that the source holds no key-shaped literal
        format!("aws_access_key_id = AKIA{}\n", "OUTSIDEROOT0ZZZZ"),
    );
    // the trees the key search walks, so that the input's entries are met
    let mut dirs: Vec<String> = Vec::new();
    for d in ["/etc", "/root", "/home/u", "/opt"] {
        if std::fs::create_dir_all(root_dir.join(&d[1..])).is_ok() {
            dirs.push(d.to_string());
        }
    }
    let mut made: Vec<String> = dirs.clone();
    for (i, op) in data.chunks(3).take(64).enumerate() {
        let kind = op[0] % 8;
        let a = op.get(1).copied().unwrap_or(0) as usize;
        let b = op.get(2).copied().unwrap_or(0) as usize;
        let parent = dirs[a % dirs.len()].clone();
        let inner = format!("{parent}/{}{i}", NAMES[b % NAMES.len()]);
        let real = root_dir.join(&inner[1..]);
        match kind {
            0 => {
                if std::fs::create_dir(&real).is_ok() {
                    dirs.push(inner.clone());
                }
            }
            1 => {
                let _ = std::fs::write(&real, format!("aws_access_key_id = AKIAFUZZ{i:012}\n"));
            }
            2 => {
                let target = &made[b % made.len()];
                let _ = std::os::unix::fs::symlink(target, &real);
            }
            3 => {
                let _ = std::os::unix::fs::symlink("/dev/zero", &real);
            }
            4 => {
                let _ = std::os::unix::fs::symlink(&outside, &real);
            }
            5 => {
                let up = "../".repeat(b % 12);
                let _ = std::os::unix::fs::symlink(format!("{up}outside/credentials"), &real);
            }
            6 => {
                let _ = std::os::unix::fs::symlink(&inner, &real); // itself: a loop
            }
            _ => {
                let _ = std::process::Command::new("mkfifo").arg(&real).status();
            }
        }
        made.push(inner);
    }
    let root = Root::new(&root_dir);
    let real_root = std::fs::canonicalize(&root_dir).unwrap_or(root_dir.clone());
    let inside = |p: &Path| {
        let c = std::fs::canonicalize(p).unwrap_or(p.to_path_buf());
        c.starts_with(&real_root)
    };
    for p in &made {
        if let Ok(r) = root.resolve(p) {
            assert!(r.starts_with(&root_dir), "{p} resolved to {}", r.display());
            if std::fs::symlink_metadata(&r).is_ok() {
                assert!(inside(&r), "{p} resolved out of the root: {}", r.display());
            }
        }
        // a FIFO or /dev/zero is refused without blocking; what is read is a file inside
        if root.read_limited(p, 1 << 16).is_ok() {
            let r: PathBuf = root.resolve(p).unwrap_or_default();
            assert!(inside(&r) && r.is_file(), "{p} read from {}", r.display());
        }
    }
    let limits = Limits {
        depth: 6,
        file_size: 1 << 16,
        files: 200,
        bytes: 1 << 22,
        entries: 2_000,
    };
    let found = keys::search(&root, limits);
    assert!(found.files <= limits.files);
    let mut seen = std::collections::HashSet::new();
    for h in &found.hits {
        assert!(
            !h.masked_id.ends_with("ZZZZ"),
            "read outside the root: {}",
            h.path
        );
        let r = root.resolve(&h.path).unwrap_or_default();
        assert!(inside(&r), "{} is outside the root", h.path);
        seen.insert((h.path.clone(), h.line));
    }
    assert_eq!(seen.len(), found.hits.len(), "a hit reported twice");
});
