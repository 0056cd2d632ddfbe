#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use yagura_creds::*;

const SECRET: &str = "SECRETKEY-6d1f0e2a9b";
const TOKEN: &str = "SESSIONTOKEN-77aa55cc";
const SERIAL: &str = "arn:aws:iam::111111111111:mfa/alice";

fn session(now: Timestamp, secs: i64) -> Credentials {
    Credentials {
        access_key_id: "ASIAEXAMPLESESSION".to_string(),
        secret_access_key: Secret::new(SECRET),
        session_token: Some(Secret::new(TOKEN)),
        expiration: Some(now.checked_add(SignedDuration::from_secs(secs)).unwrap()),
    }
}

fn key() -> CacheKey {
    CacheKey::session("AKIAEXAMPLEBASTION", Some(SERIAL))
}

fn code(c: &str) -> MfaCode {
    MfaCode {
        serial: SERIAL.to_string(),
        code: Secret::new(c),
    }
}

const MARGIN: SignedDuration = SignedDuration::from_secs(60);

#[test]
fn miss_then_hit_and_expiry_refetches() {
    let dir = tempfile::tempdir().unwrap();
    let cache = SessionCache::open(dir.path().join("cache")).unwrap();
    let now = Timestamp::now();
    let (c, p) = cache
        .get_or_fetch(
            &key(),
            now,
            MARGIN,
            || Ok::<_, String>(Some(code("123456"))),
            |m| {
                assert_eq!(m.unwrap().code.expose(), "123456");
                Ok(session(now, 3600))
            },
        )
        .unwrap();
    assert_eq!(p, Provenance::Fetched);
    assert_eq!(c.secret_access_key.expose(), SECRET);
    let (_, p) = cache
        .get_or_fetch(
            &key(),
            now,
            MARGIN,
            || -> Result<_, String> { panic!("no prompt on a hit") },
            |_| panic!("no fetch on a hit"),
        )
        .unwrap();
    assert_eq!(p, Provenance::Cached);
    // within the margin of expiry: fetched again, with a new code
    let later = now.checked_add(SignedDuration::from_secs(3590)).unwrap();
    let (_, p) = cache
        .get_or_fetch(
            &key(),
            later,
            MARGIN,
            || Ok::<_, String>(Some(code("654321"))),
            |_| Ok(session(later, 3600)),
        )
        .unwrap();
    assert_eq!(p, Provenance::Fetched);
    // the key does not hold the access key id or the serial in the clear
    let text = std::fs::read_to_string(cache.file_path()).unwrap();
    assert!(
        !text.contains("AKIAEXAMPLEBASTION") && !text.contains(SERIAL) && !text.contains("123456")
    );
}

#[cfg(unix)]
#[test]
fn cache_file_and_dir_modes() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let cdir = dir.path().join("yagura");
    let cache = SessionCache::open(&cdir).unwrap();
    let now = Timestamp::now();
    cache
        .get_or_fetch(
            &key(),
            now,
            MARGIN,
            || Ok::<_, String>(None),
            |_| Ok(session(now, 3600)),
        )
        .unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&cache.file_path()), 0o600);
    assert_eq!(mode(&cdir.join("sessions.lock")), 0o600);
    assert_eq!(mode(&cdir), 0o700);
    // no temp file is left behind
    let names: Vec<String> = std::fs::read_dir(&cdir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    // a cache made readable by others is refused, not read
    std::fs::set_permissions(cache.file_path(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = cache.get(&key(), now, MARGIN).unwrap_err().to_string();
    assert!(
        err.contains("has mode 644, readable by others; it must be 0600"),
        "{err}"
    );
}

#[test]
fn a_one_time_code_is_never_reused() {
    let dir = tempfile::tempdir().unwrap();
    let cache = SessionCache::open(dir.path()).unwrap();
    let now = Timestamp::now();
    cache
        .get_or_fetch(
            &key(),
            now,
            MARGIN,
            || Ok::<_, String>(Some(code("111111"))),
            |_| Ok(session(now, 900)),
        )
        .unwrap();
    assert!(cache
        .code_used(SERIAL, &Secret::new("111111"), now)
        .unwrap());
    // another profile (another source key) with the same device and the same code: refused
    // before any STS call
    let other = CacheKey::session("AKIAOTHER", Some(SERIAL));
    let fetched = AtomicUsize::new(0);
    let err = cache
        .get_or_fetch(
            &other,
            now,
            MARGIN,
            || Ok::<_, String>(Some(code("111111"))),
            |_| {
                fetched.fetch_add(1, Ordering::SeqCst);
                Ok(session(now, 900))
            },
        )
        .unwrap_err();
    assert_eq!(fetched.load(Ordering::SeqCst), 0);
    assert!(matches!(err, FetchError::CodeReused { .. }));
    assert_eq!(
        err.to_string(),
        format!("this one-time code for MFA device `{SERIAL}` was already used for a session; wait for the next code")
    );
    // a logout keeps the used-code memory
    assert_eq!(cache.clear().unwrap(), 1);
    assert!(cache.get(&key(), now, MARGIN).unwrap().is_none());
    assert!(cache
        .code_used(SERIAL, &Secret::new("111111"), now)
        .unwrap());
    // remembered until the session expires, then forgotten
    let after = now.checked_add(SignedDuration::from_secs(901)).unwrap();
    assert!(!cache
        .code_used(SERIAL, &Secret::new("111111"), after)
        .unwrap());
    // a failed fetch does not burn the code
    let e = cache
        .get_or_fetch(&other, now, MARGIN, || Ok::<_, String>(Some(code("222222"))), |_| {
            Err("AccessDenied: MultiFactorAuthentication failed with invalid MFA one time pass code".to_string())
        })
        .unwrap_err();
    assert!(matches!(e, FetchError::Source(_)));
    assert!(!cache
        .code_used(SERIAL, &Secret::new("222222"), now)
        .unwrap());
}

#[test]
fn corrupt_cache_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let cache = SessionCache::open(dir.path()).unwrap();
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(cache.file_path())
        .unwrap()
        .write_all(b"{not json")
        .unwrap();
    let err = cache
        .get(&key(), Timestamp::now(), MARGIN)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("is not valid (remove it to start afresh)"),
        "{err}"
    );
}

#[test]
fn ten_threads_fetch_once() {
    let dir = tempfile::tempdir().unwrap();
    let prompts = Arc::new(AtomicUsize::new(0));
    let fetches = Arc::new(AtomicUsize::new(0));
    let barrier = Arc::new(Barrier::new(10));
    let handles: Vec<_> = (0..10)
        .map(|_| {
            let (dir, prompts, fetches, barrier) = (
                dir.path().to_path_buf(),
                prompts.clone(),
                fetches.clone(),
                barrier.clone(),
            );
            std::thread::spawn(move || {
                // each thread opens its own handle, as separate processes would
                let cache = SessionCache::open(dir).unwrap();
                barrier.wait();
                let now = Timestamp::now();
                let (c, _) = cache
                    .get_or_fetch(
                        &key(),
                        now,
                        MARGIN,
                        || {
                            prompts.fetch_add(1, Ordering::SeqCst);
                            Ok::<_, String>(Some(code("424242")))
                        },
                        |_| {
                            fetches.fetch_add(1, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(100));
                            Ok(session(now, 3600))
                        },
                    )
                    .unwrap();
                c.access_key_id
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), "ASIAEXAMPLESESSION");
    }
    assert_eq!(prompts.load(Ordering::SeqCst), 1);
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
}

const CHILD_ENV: &str = "YAGURA_CREDS_TEST_CHILD_DIR";

/// Run as a child process by `ten_processes_fetch_once`; a no-op otherwise.
#[test]
fn child_process_entry() {
    let Ok(dir) = std::env::var(CHILD_ENV) else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let cache = SessionCache::open(&dir).unwrap();
    let now = Timestamp::now();
    let (c, _) = cache
        .get_or_fetch(
            &key(),
            now,
            MARGIN,
            || Ok::<_, String>(Some(code("909090"))),
            |_| {
                let mut f = std::fs::OpenOptions::new()
                    .append(true)
                    .create(true)
                    .open(dir.join("fetches.log"))
                    .unwrap();
                writeln!(f, "{}", std::process::id()).unwrap();
                std::thread::sleep(Duration::from_millis(300));
                Ok(session(now, 3600))
            },
        )
        .unwrap();
    // what `creds process` prints on stdout; stderr must stay clean
    println!("{}", credential_process_json(&c).unwrap().expose());
    eprintln!("debug view: {c:?}");
}

#[test]
fn ten_processes_fetch_once() {
    let dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..10)
        .map(|_| {
            std::process::Command::new(&exe)
                .args([
                    "child_process_entry",
                    "--exact",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(CHILD_ENV, dir.path())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stdout}\n{stderr}");
        assert!(stdout.contains(r#""Version":1"#), "{stdout}");
        assert!(stderr.contains("debug view"), "{stderr}");
        for s in [SECRET, TOKEN, "909090"] {
            assert!(!stderr.contains(s), "secret on stderr: {stderr}");
        }
    }
    let log = std::fs::read_to_string(dir.path().join("fetches.log")).unwrap();
    assert_eq!(log.lines().count(), 1, "fetches: {log}");
}
