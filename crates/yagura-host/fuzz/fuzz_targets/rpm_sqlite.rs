#![no_main]
//! Fuzz target: the rpm sqlite database, read through a root must not panic.

use libfuzzer_sys::fuzz_target;
#[allow(unused_imports)]
use yagura_host::{packages, pending, rootfs, vulndb};

fuzz_target!(|data: &[u8]| {
    let Ok(tmp) = tempfile::tempdir() else { return };
    let dir = tmp.path().join("var/lib/rpm");
    if std::fs::create_dir_all(&dir).is_err() || std::fs::write(dir.join("rpmdb.sqlite"), data).is_err() {
        return;
    }
    let _ = packages::rpm::read_sqlite(&rootfs::Root::new(tmp.path()), "/var/lib/rpm/rpmdb.sqlite");
});
