//! Micro-benchmark: read a cached session and print the credential_process JSON.
//!
//! `cargo run --release -p yagura-creds --example cache_bench`
//!
//! 1. in-process: open the cache, read, build the JSON, N times;
//! 2. in-process, the whole flow `creds process dev-admin` runs on a hit: read and resolve the
//!    AWS config files, the cached MFA session, the cached role, the JSON;
//! 3. whole process: spawn this example in `--once DIR` mode (2. plus exec and print) and
//!    time it from the outside.
//!
//! `cache_bench --seed DIR` only writes `DIR/config`, `DIR/credentials` and a cache in
//! `DIR/data/sessions` holding a valid MFA session and the role of profile `dev-admin` (plus 49
//! other roles), so that `YAGURA_DATA_DIR=DIR/data yagura creds process dev-admin` is a cache
//! hit with no network (`bench/creds.sh`).
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

const CONFIG: &str = "[profile bastion]\nmfa_serial = arn:aws:iam::111111111111:mfa/alice\n\
[profile dev-admin]\nrole_arn = arn:aws:iam::222222222222:role/Admin\nsource_profile = bastion\n";
const CREDENTIALS: &str =
    "[bastion]\naws_access_key_id = AKIAEXAMPLEBASTION\naws_secret_access_key = s\n";

/// Never called on a hit.
struct NoSts;

impl Sts for NoSts {
    type Error = String;
    fn get_session_token(
        &self,
        _: &Credentials,
        _: Option<&MfaCode>,
        _: u32,
    ) -> Result<Credentials, String> {
        Err("cache miss".into())
    }
    fn assume_role(&self, _: &Credentials, _: &AssumeRoleRequest) -> Result<Credentials, String> {
        Err("cache miss".into())
    }
}

fn flow(dir: &std::path::Path) -> Secret {
    let files = AwsFiles::load(&dir.join("config"), &dir.join("credentials")).unwrap();
    let cache = SessionCache::open(dir.join("cache")).unwrap();
    let mut no_prompt = |_: &str| -> Result<Secret, String> { Err("cache miss".into()) };
    let r = credentials_for(
        &files,
        "dev-admin",
        &cache,
        &NoSts,
        &mut no_prompt,
        Timestamp::now(),
        &FlowOptions::default(),
    )
    .unwrap();
    credential_process_json(&r.credentials).unwrap()
}

fn once(dir: &str) {
    let json = flow(std::path::Path::new(dir));
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

/// Writes the config files into `dir` and a cache in `cache_dir`: the MFA session and the role
/// of `dev-admin`, plus 49 other roles (a realistic file), valid for 12 hours.
fn seed(dir: &std::path::Path, cache_dir: &std::path::Path) -> SessionCache {
    std::fs::write(dir.join("config"), CONFIG).unwrap();
    std::fs::write(dir.join("credentials"), CREDENTIALS).unwrap();
    let cache = SessionCache::open(cache_dir).unwrap();
    let now = Timestamp::now();
    // a realistic file: the session plus role credentials for 50 profiles
    for i in 0..51 {
        let k = match i {
            0 => key(),
            // the role `dev-admin` assumes, as the flow keys it
            1 => CacheKey::role(
                &key(),
                "arn:aws:iam::222222222222:role/Admin",
                None,
                Some("yagura"),
            ),
            _ => CacheKey::role(
                &key(),
                &format!("arn:aws:iam::{i:012}:role/Admin"),
                None,
                None,
            ),
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
                        expiration: Some(now.checked_add(SignedDuration::from_hours(12)).unwrap()),
                    })
                },
            )
            .unwrap();
    }
    cache
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--once") {
        once(&args[2]);
        return;
    }
    if args.get(1).map(String::as_str) == Some("--seed") {
        let dir = std::path::Path::new(&args[2]);
        std::fs::create_dir_all(dir).unwrap();
        seed(dir, &dir.join("data").join("sessions"));
        println!("seeded {}", dir.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cache = seed(dir.path(), &dir.path().join("cache"));
    let size = std::fs::metadata(cache.file_path()).unwrap().len();
    println!("cache file: {size} bytes, 51 entries");

    let mut sink = Vec::with_capacity(2048);
    let mut times = Vec::new();
    for _ in 0..2000 {
        let t = Instant::now();
        let cache = SessionCache::open(dir.path().join("cache")).unwrap();
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

    let mut times = Vec::new();
    for _ in 0..2000 {
        let t = Instant::now();
        let json = flow(dir.path());
        sink.clear();
        sink.extend_from_slice(json.expose().as_bytes());
        times.push(t.elapsed());
    }
    stats(
        "in-process flow (config files + session + role + json)",
        times,
    );

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
