#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Randomized differential tests of version ordering against the real tools:
//! `dpkg --compare-versions` and rpm's own `rpm.vercmp` (through `rpm --eval` and lua).
//! Bounded (a fixed seed, a few hundred pairs). Without the tool the test is skipped, except
//! under CI where it fails.

use std::cmp::Ordering;
use std::process::Command;
use yagura_host::version::{dpkg_compare, rpm_compare_evr};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick(&mut self, chars: &[u8]) -> char {
        chars[self.below(chars.len())] as char
    }
}

fn tool_present(name: &str) -> bool {
    let ok = Command::new(name).arg("--version").output().is_ok();
    if !ok {
        if std::env::var_os("CI").is_some() {
            panic!("`{name}` is required under CI");
        }
        eprintln!("skip: `{name}` not installed");
    }
    ok
}

fn segment(rng: &mut Rng, alphabet: &[u8], len: usize) -> String {
    (0..len).map(|_| rng.pick(alphabet)).collect()
}

/// A second version close to the first: one character changed, added or removed.
fn mutate(rng: &mut Rng, v: &str, alphabet: &[u8]) -> String {
    let mut c: Vec<char> = v.chars().collect();
    let pos = rng.below(c.len() + 1);
    match rng.below(3) {
        0 if pos < c.len() => c[pos] = rng.pick(alphabet),
        1 => c.insert(pos, rng.pick(alphabet)),
        _ if pos < c.len() && c.len() > 1 => {
            c.remove(pos);
        }
        _ => c.push(rng.pick(alphabet)),
    }
    c.into_iter().collect()
}

#[test]
fn dpkg_agrees_with_dpkg_compare_versions() {
    if !tool_present("dpkg") {
        return;
    }
    let mut rng = Rng(0x5eed_d9c0);
    const UP: &[u8] = b"0123456789012345abz.+~";
    const REV: &[u8] = b"0123456789abdu+.~";
    let mut mismatches = Vec::new();
    for _ in 0..250 {
        let mk = |rng: &mut Rng| {
            let mut s = String::new();
            if rng.below(6) == 0 {
                s.push_str(&format!("{}:", rng.below(3)));
            }
            s.push(rng.pick(b"0123456789"));
            let n = 1 + rng.below(7);
            s.push_str(&segment(rng, UP, n));
            if rng.below(3) != 0 {
                s.push('-');
                let n = 1 + rng.below(5);
                s.push_str(&segment(rng, REV, n));
            }
            s
        };
        let a = mk(&mut rng);
        let b = if rng.below(2) == 0 {
            mk(&mut rng)
        } else {
            let m = mutate(&mut rng, &a, b"0123456789az.+~");
            // keep it valid for dpkg: must start with a digit, at most one colon
            if m.starts_with(|c: char| c.is_ascii_digit())
                && m.matches(':').count() <= 1
                && !m.ends_with('-')
            {
                m
            } else {
                a.clone()
            }
        };
        let lt = Command::new("dpkg")
            .args(["--compare-versions", &a, "lt", &b])
            .status()
            .unwrap();
        let eq = Command::new("dpkg")
            .args(["--compare-versions", &a, "eq", &b])
            .status()
            .unwrap();
        let want = if lt.success() {
            Ordering::Less
        } else if eq.success() {
            Ordering::Equal
        } else {
            Ordering::Greater
        };
        let got = dpkg_compare(&a, &b);
        if got != want {
            mismatches.push(format!("{a} vs {b}: dpkg {want:?}, ours {got:?}"));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn rpm_agrees_with_rpm_vercmp() {
    if !tool_present("rpm") {
        return;
    }
    let mut rng = Rng(0x0005_eed0_49a1);
    const AL: &[u8] = b"0123456789012345aAbz._+~^";
    let mut pairs = Vec::new();
    for _ in 0..400 {
        let mk = |rng: &mut Rng| {
            let mut s = String::new();
            if rng.below(5) == 0 {
                s.push_str(&format!("{}:", rng.below(3)));
            }
            let n = 1 + rng.below(8);
            s.push_str(&segment(rng, AL, n));
            if rng.below(2) == 0 {
                s.push('-');
                let n = 1 + rng.below(5);
                s.push_str(&segment(rng, AL, n));
            }
            s
        };
        let a = mk(&mut rng);
        let b = if rng.below(2) == 0 {
            mk(&mut rng)
        } else {
            mutate(&mut rng, &a, AL)
        };
        pairs.push((a, b));
    }
    let mut script = String::from("%{lua: local r = {} ");
    for (a, b) in &pairs {
        script.push_str(&format!("r[#r+1] = rpm.vercmp(\"{a}\", \"{b}\") "));
    }
    script.push_str("print(table.concat(r, \",\"))}");
    let out = Command::new("rpm")
        .args(["--eval", &script])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let results: Vec<i32> = text
        .trim()
        .split(',')
        .map(|s| s.trim().parse().unwrap())
        .collect();
    assert_eq!(results.len(), pairs.len());
    let mut mismatches = Vec::new();
    for ((a, b), r) in pairs.iter().zip(results) {
        let want = r.cmp(&0);
        let got = rpm_compare_evr(a, b);
        if got != want {
            mismatches.push(format!("{a} vs {b}: rpm {want:?}, ours {got:?}"));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
