#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! ELF hardening against Debian's `checksec` on binaries compiled here, truncated ELF files,
//! and the live listener test (HOST-05).

use std::path::Path;
use std::process::Command;
use yagura_host::elf::{self, Pie, Relro};

const ELF_SRC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/testdata/host/elf/overflow.c"
);

fn tool(name: &str) -> bool {
    let ok = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "`{name}` is required under CI"
        );
        eprintln!("skip: `{name}` not installed");
    }
    ok
}

fn compile(dir: &Path, name: &str, flags: &[&str]) -> std::path::PathBuf {
    let out = dir.join(name);
    let st = Command::new("gcc")
        .args(flags)
        .arg("-o")
        .arg(&out)
        .arg(ELF_SRC)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    out
}

/// checksec's JSON verdict: (nx, canary, pie, relro)
fn checksec(path: &Path) -> (String, String, String, String) {
    let out = Command::new("checksec")
        .arg("--output=json")
        .arg(format!("--file={}", path.display()))
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let o = v.as_object().unwrap().values().next().unwrap().clone();
    let g = |k: &str| o[k].as_str().unwrap().to_string();
    (g("nx"), g("canary"), g("pie"), g("relro"))
}

fn ours(path: &Path) -> (String, String, String, String) {
    let h = elf::analyze(&std::fs::read(path).unwrap(), &path.display().to_string()).unwrap();
    let yn = |b: bool| if b { "yes" } else { "no" }.to_string();
    let pie = match h.pie {
        Pie::Yes => "yes",
        Pie::No => "no",
        Pie::Dso => "dso",
        Pie::Other => "rel",
    };
    let relro = match h.relro {
        Relro::Full => "full",
        Relro::Partial => "partial",
        Relro::No => "no",
    };
    (yn(h.nx), yn(h.canary), pie.to_string(), relro.to_string())
}

#[test]
fn elf_hardening_agrees_with_checksec() {
    if !tool("gcc") || !tool("checksec") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let soft = compile(
        tmp.path(),
        "soft",
        &[
            "-fno-stack-protector",
            "-no-pie",
            "-z",
            "execstack",
            "-z",
            "norelro",
        ],
    );
    let hard = compile(
        tmp.path(),
        "hard",
        &[
            "-fstack-protector-strong",
            "-fPIE",
            "-pie",
            "-z",
            "relro",
            "-z",
            "now",
        ],
    );
    let partial = compile(
        tmp.path(),
        "partial",
        &[
            "-fstack-protector-all",
            "-fPIE",
            "-pie",
            "-z",
            "relro",
            "-z",
            "lazy",
        ],
    );
    let so = compile(tmp.path(), "lib.so", &["-shared", "-fPIC"]);
    for p in [&soft, &hard, &partial, &so] {
        assert_eq!(ours(p), checksec(p), "{}", p.display());
    }
    assert_eq!(
        ours(&soft),
        ("no".into(), "no".into(), "no".into(), "no".into())
    );
    assert_eq!(
        ours(&hard),
        ("yes".into(), "yes".into(), "yes".into(), "full".into())
    );
    // the distribution's own binaries (Debian bookworm here): a fixed sample of /usr/bin and
    // /usr/sbin, every ELF executable at a stride
    let mut sample = Vec::new();
    for dir in ["/usr/bin", "/usr/sbin"] {
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        names.sort();
        for p in names.iter().step_by(23) {
            let Ok(bytes) = std::fs::read(p) else {
                continue;
            };
            if elf::is_elf(&bytes) && !p.is_symlink() {
                sample.push(p.clone());
            }
        }
    }
    assert!(sample.len() >= 10, "{sample:?}");
    for p in sample.iter().take(40) {
        assert_eq!(ours(p), checksec(p), "{}", p.display());
    }
}

#[test]
fn truncated_and_odd_elf_files_are_errors() {
    let bytes = std::fs::read("/proc/self/exe").unwrap();
    for n in [4usize, 16, 52, 64, 100, 1000, 4096] {
        let cut = &bytes[..n.min(bytes.len())];
        // an error or a partial result, never a panic
        let _ = elf::analyze(cut, "cut");
    }
    assert!(elf::analyze(&bytes[..20], "cut").is_err());
    assert!(matches!(
        elf::analyze(b"#!/bin/sh\n", "script"),
        Err(elf::ElfError::NotElf { .. })
    ));
    let mut evil = bytes[..64].to_vec();
    evil[0x20..0x28].copy_from_slice(&u64::MAX.to_le_bytes()); // e_phoff far away
    assert!(elf::analyze(&evil, "evil").is_err());
}

#[test]
fn live_listener_is_mapped_to_this_process() {
    if !Path::new("/proc/net/tcp").exists() {
        eprintln!("skip: no /proc/net/tcp");
        return;
    }
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let found = yagura_host::runtime::listeners(Path::new("/proc"));
    let me = std::process::id();
    let hit = found
        .iter()
        .find(|x| x.port == port)
        .expect("the listener is in /proc/net/tcp");
    assert!(hit.processes.iter().any(|(pid, _)| *pid == me), "{hit:?}");
    drop(l);
}

#[test]
fn root_process_mapping_a_world_writable_file_is_found() {
    use std::os::unix::fs::PermissionsExt;
    let is_root = std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"));
    let sleep = Path::new("/bin/sleep");
    if !is_root || !sleep.exists() {
        eprintln!("skip: needs root and /bin/sleep");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let exe = tmp.path().join("sleep-world-writable");
    std::fs::copy(sleep, &exe).unwrap();
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o777)).unwrap();
    let mut child = Command::new(&exe).arg("30").spawn().unwrap();
    let pid = child.id();
    let mut found = Vec::new();
    for _ in 0..50 {
        found = yagura_host::runtime::root_writable_maps(Path::new("/proc"));
        if found.iter().any(|m| m.pid == pid) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let hit = found
        .iter()
        .find(|m| m.pid == pid)
        .expect("the child maps its world-writable executable");
    assert!(hit.file.ends_with("sleep-world-writable"));
    assert_eq!(hit.mode & 0o777, 0o777);
}
