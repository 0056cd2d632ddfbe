//! The session cache file (`sessions.json`, 0600) on arbitrary bytes: reading, looking up and
//! rewriting it never panic, no error quotes a value from it (it holds secrets), and a cache
//! that yagura rewrote reads again.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::os::unix::fs::PermissionsExt;
use yagura_creds::{CacheError, CacheKey, SessionCache};

fn check(e: &CacheError) {
    let shown = e.to_string();
    assert!(!shown.contains("SECRETVALUE"), "{shown}");
}

fuzz_target!(|data: &[u8]| {
    let Ok(tmp) = tempfile::tempdir() else { return };
    let Ok(cache) = SessionCache::open(tmp.path().join("cache")) else {
        return;
    };
    let file = cache.file_path();
    if std::fs::write(&file, data).is_err()
        || std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).is_err()
    {
        return;
    }
    let key = CacheKey::session("AKIAFAKEKEYID000", Some("arn:aws:iam::1:mfa/u"));
    let now = jiff::Timestamp::UNIX_EPOCH;
    let listed = cache.entries();
    if let Err(e) = &listed {
        check(e);
    }
    match cache.get(&key, now, jiff::SignedDuration::ZERO) {
        Ok(_) => {}
        Err(e) => check(&e),
    }
    match cache.identity(&key) {
        Ok(_) => {}
        Err(e) => check(&e),
    }
    // a readable cache rewritten by yagura reads again, with what it held
    if let Ok(before) = listed {
        if cache.put_identity(&key, "arn:aws:iam::1:user/u").is_ok() {
            let after = cache.entries();
            assert!(after.is_ok(), "rewritten cache does not read: {after:?}");
            assert_eq!(after.map(|a| a.len()).unwrap_or(0), before.len());
        }
    }
});
