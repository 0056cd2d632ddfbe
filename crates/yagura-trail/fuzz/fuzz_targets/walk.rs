//! The folder walker on trees built from the input: directories, files, FIFOs, links (to
//! files, folders, loops, outside the root, to /dev/zero). The walk ends, stays in its root,
//! lists only regular files, each once, and reads them without blocking.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;

fuzz_target!(|data: &[u8]| {
    let Ok(tmp) = tempfile::tempdir() else { return };
    let root = tmp.path().join("root");
    let _ = std::fs::create_dir(&root);
    let mut made: Vec<PathBuf> = vec![root.clone()];
    for (i, op) in data.chunks(3).take(64).enumerate() {
        let (kind, a, b) = (op[0] % 6, op.get(1).copied().unwrap_or(0), op.get(2).copied().unwrap_or(0));
        let parent = made[a as usize % made.len()].clone();
        let p = parent.join(format!("e{i}{}", if b % 2 == 0 { ".json" } else { ".yml" }));
        match kind {
            0 => {
                if std::fs::create_dir(&p).is_ok() {
                    made.push(p);
                }
            }
            1 => {
                let _ = std::fs::write(&p, b"{\"Records\":[]}");
            }
            2 => {
                let target = made[b as usize % made.len()].clone();
                let _ = std::os::unix::fs::symlink(target, &p);
            }
            3 => {
                let _ = std::os::unix::fs::symlink("/dev/zero", &p);
            }
            4 => {
                let _ = std::os::unix::fs::symlink(tmp.path(), &p);
            }
            _ => {
                let _ = std::process::Command::new("mkfifo").arg(&p).status();
            }
        }
    }
    let w = yagura_trail::walk::walk(&root, &yagura_trail::walk::Limits::default(), &|_, _| true);
    let real = std::fs::canonicalize(&root).unwrap_or(root.clone());
    let mut seen = std::collections::HashSet::new();
    for f in &w.files {
        let c = std::fs::canonicalize(f).unwrap_or(f.clone());
        assert!(c.starts_with(&real), "{} left the root", f.display());
        assert!(std::fs::metadata(f).map(|m| m.is_file()).unwrap_or(false));
        assert!(seen.insert(c), "{} listed twice", f.display());
        let _ = yagura_trail::walk::read_text(f, 1 << 20);
    }
    let _ = yagura_trail::read_path(&root).count();
});
