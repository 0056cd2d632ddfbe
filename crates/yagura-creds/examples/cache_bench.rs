//! Micro-benchmark: read a cached session and print the credential_process JSON.
//!
//! `cargo run --release -p yagura-creds --example cache_bench`
//!
//! 1. in-process: open the cache, read, build the JSON, N times;
//! 2. whole process: spawn this example in `--once DIR` mode (what `yagura creds process` does
//!    on a hit: exec, read the cache, print) and time it from the outside.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use yagura_creds::*;

fn key() -> CacheKey {
    CacheKey::session(
        "AKIAEXAMPLEBASTION",
        Some("arn:aws:iam::111111111111:mfa/alice"),
    )
}

fn once(dir: &str) {
    let cache = SessionCache::open(dir).unwrap();
    let c = cache
        .get(&key(), Timestamp::now(), SignedDuration::from_secs(60))
        .unwrap()
        .expect("cached session");
    let json = credential_process_json(&c).unwrap();
    let mut out = std::io::stdout().lock();
    out.write_all(json.expose().as_bytes()).unwrap();
    out.write_all(b"\n").unwrap();
}

fn stats(name: &str, mut v: Vec<Duration>) {
    v.sort();
    let n = v.len();
    let mean = v.iter().sum::<Duration>() / u32::try_from(n).unwrap();
    println!(
        "{name}: n={n} mean={:.3} ms p50={:.3} ms p99={:.3} ms max={:.3} ms",
        mean.as_secs_f64() * 1e3,
        v[n / 2].as_secs_f64() * 1e3,
        v[n * 99 / 100].as_secs_f64() * 1e3,
        v[n - 1].as_secs_f64() * 1e3
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--once") {
        once(&args[2]);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cache = SessionCache::open(dir.path()).unwrap();
    let now = Timestamp::now();
    // a realistic file: the session plus role credentials for 50 profiles
    for i in 0..51 {
        let k = if i == 0 {
            key()
        } else {
            CacheKey::role(
                &key(),
                &format!("arn:aws:iam::{i:012}:role/Admin"),
                None,
                None,
            )
        };
        cache
            .get_or_fetch(
                &k,
                now,
                SignedDuration::ZERO,
                || Ok::<_, String>(None),
                |_| {
                    Ok(Credentials {
                        access_key_id: format!("ASIA{i:016}"),
                        secret_access_key: Secret::new("x".repeat(40)),
                        session_token: Some(Secret::new("t".repeat(800))),
                        expiration: Some(now.checked_add(SignedDuration::from_hours(1)).unwrap()),
                    })
                },
            )
            .unwrap();
    }
    let size = std::fs::metadata(cache.file_path()).unwrap().len();
    println!("cache file: {size} bytes, 51 entries");

    let mut sink = Vec::with_capacity(2048);
    let mut times = Vec::new();
    for _ in 0..2000 {
        let t = Instant::now();
        let cache = SessionCache::open(dir.path()).unwrap();
        let c = cache
            .get(&key(), Timestamp::now(), SignedDuration::from_secs(60))
            .unwrap()
            .unwrap();
        let json = credential_process_json(&c).unwrap();
        sink.clear();
        sink.extend_from_slice(json.expose().as_bytes());
        times.push(t.elapsed());
    }
    stats("in-process read+json", times);

    let exe = std::env::current_exe().unwrap();
    let mut times = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        let out = std::process::Command::new(&exe)
            .arg("--once")
            .arg(dir.path())
            .output()
            .unwrap();
        times.push(t.elapsed());
        assert!(out.status.success() && out.stdout.starts_with(b"{\"Version\":1"));
    }
    stats("whole process (spawn+read+print)", times);
}
