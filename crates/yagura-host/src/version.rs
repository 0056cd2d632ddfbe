//! Version ordering of the three package families: dpkg, rpm and apk.
//!
//! Each comparison is total: any pair of strings compares, malformed versions included (they
//! come from package databases and advisories, which are outside input), and nothing panics.

use std::cmp::Ordering;

/// The version ordering a distribution uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VersionScheme {
    Dpkg,
    Rpm,
    Apk,
}

impl VersionScheme {
    /// Compares two versions with this scheme.
    pub fn compare(self, a: &str, b: &str) -> Ordering {
        match self {
            VersionScheme::Dpkg => dpkg_compare(a, b),
            VersionScheme::Rpm => rpm_compare_evr(a, b),
            VersionScheme::Apk => apk_compare(a, b),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            VersionScheme::Dpkg => "dpkg",
            VersionScheme::Rpm => "rpm",
            VersionScheme::Apk => "apk",
        }
    }
}

/// Compares two runs of ASCII digits as unbounded numbers (leading zeros ignored).
fn cmp_digits(a: &[u8], b: &[u8]) -> Ordering {
    let a = strip_zeros(a);
    let b = strip_zeros(b);
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn strip_zeros(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|c| **c == b'0').count();
    s.get(n..).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// dpkg

/// Splits a Debian version into (epoch, upstream, revision) as dpkg does: the epoch before the
/// first `:`, the revision after the last `-`.
fn dpkg_split(v: &str) -> (&str, &str, &str) {
    let v = v.trim();
    let (epoch, rest) = match v.split_once(':') {
        Some((e, r)) => (e, r),
        None => ("0", v),
    };
    match rest.rsplit_once('-') {
        Some((u, r)) => (epoch, u, r),
        None => (epoch, rest, ""),
    }
}

fn dpkg_order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(b'~') => -1,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

/// dpkg's `verrevcmp`.
fn dpkg_verrevcmp(a: &[u8], b: &[u8]) -> Ordering {
    let (mut i, mut j) = (0usize, 0usize);
    let digit = |s: &[u8], k: usize| s.get(k).is_some_and(u8::is_ascii_digit);
    while i < a.len() || j < b.len() {
        while (i < a.len() && !digit(a, i)) || (j < b.len() && !digit(b, j)) {
            let ac = dpkg_order(a.get(i).copied());
            let bc = dpkg_order(b.get(j).copied());
            if ac != bc {
                return ac.cmp(&bc);
            }
            i += 1;
            j += 1;
        }
        while a.get(i) == Some(&b'0') {
            i += 1;
        }
        while b.get(j) == Some(&b'0') {
            j += 1;
        }
        let si = i;
        let sj = j;
        while digit(a, i) {
            i += 1;
        }
        while digit(b, j) {
            j += 1;
        }
        let ord = cmp_digits(
            a.get(si..i).unwrap_or_default(),
            b.get(sj..j).unwrap_or_default(),
        );
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

/// Compares two Debian versions (`[epoch:]upstream[-revision]`) as `dpkg --compare-versions`.
pub fn dpkg_compare(a: &str, b: &str) -> Ordering {
    let (ea, ua, ra) = dpkg_split(a);
    let (eb, ub, rb) = dpkg_split(b);
    cmp_digits(ea.as_bytes(), eb.as_bytes())
        .then_with(|| dpkg_verrevcmp(ua.as_bytes(), ub.as_bytes()))
        .then_with(|| dpkg_verrevcmp(ra.as_bytes(), rb.as_bytes()))
}

// ---------------------------------------------------------------------------------------------
// rpm

/// rpm's `rpmvercmp` on one component (version or release), with `~` and `^`.
pub fn rpmvercmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let a = a.as_bytes();
    let b = b.as_bytes();
    let (mut i, mut j) = (0usize, 0usize);
    let sep = |c: u8| !c.is_ascii_alphanumeric() && c != b'~' && c != b'^';
    loop {
        if i >= a.len() && j >= b.len() {
            break;
        }
        while a.get(i).is_some_and(|c| sep(*c)) {
            i += 1;
        }
        while b.get(j).is_some_and(|c| sep(*c)) {
            j += 1;
        }
        let ca = a.get(i).copied();
        let cb = b.get(j).copied();
        if ca == Some(b'~') || cb == Some(b'~') {
            if ca != Some(b'~') {
                return Ordering::Greater;
            }
            if cb != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        if ca == Some(b'^') || cb == Some(b'^') {
            if ca.is_none() {
                return Ordering::Less;
            }
            if cb.is_none() {
                return Ordering::Greater;
            }
            if ca != Some(b'^') {
                return Ordering::Greater;
            }
            if cb != Some(b'^') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        let (Some(ca), Some(_)) = (ca, cb) else {
            break;
        };
        let isnum = ca.is_ascii_digit();
        let class = |c: &u8| {
            if isnum {
                c.is_ascii_digit()
            } else {
                c.is_ascii_alphabetic()
            }
        };
        let si = i;
        let sj = j;
        while a.get(i).is_some_and(class) {
            i += 1;
        }
        while b.get(j).is_some_and(class) {
            j += 1;
        }
        let sa = a.get(si..i).unwrap_or_default();
        let sb = b.get(sj..j).unwrap_or_default();
        if sb.is_empty() {
            return if isnum {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let ord = if isnum {
            cmp_digits(sa, sb)
        } else {
            sa.cmp(sb)
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    match (i >= a.len(), j >= b.len()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        _ => Ordering::Greater,
    }
}

/// An rpm epoch-version-release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evr<'a> {
    pub epoch: Option<&'a str>,
    pub version: &'a str,
    pub release: Option<&'a str>,
}

impl<'a> Evr<'a> {
    /// Splits `[epoch:]version[-release]` as rpm's `parseEVR`: an epoch is the leading digits when
    /// a `:` follows them, the release what follows the last `-`.
    pub fn parse(s: &'a str) -> Evr<'a> {
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        let (epoch, rest) = match s.get(digits..).and_then(|r| r.strip_prefix(':')) {
            Some(r) => (Some(s.get(..digits).unwrap_or_default()), r),
            None => (None, s),
        };
        let (version, release) = match rest.rsplit_once('-') {
            Some((v, r)) => (v, Some(r)),
            None => (rest, None),
        };
        Evr {
            epoch,
            version,
            release,
        }
    }
}

/// Compares two rpm components; an empty component sorts before a non-empty one.
fn rpm_component(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        _ => rpmvercmp(a, b),
    }
}

/// Compares two `[epoch:]version[-release]` strings like rpm's `labelCompare`: epochs (missing =
/// 0), then versions, then releases with `rpmvercmp`. A missing release sorts before a present one.
pub fn rpm_compare_evr(a: &str, b: &str) -> Ordering {
    let ea = Evr::parse(a);
    let eb = Evr::parse(b);
    let epoch = |e: Option<&str>| match e {
        None | Some("") => "0".to_string(),
        Some(e) => e.to_string(),
    };
    let (pa, pb) = (epoch(ea.epoch), epoch(eb.epoch));
    cmp_digits(pa.as_bytes(), pb.as_bytes())
        .then_with(|| rpm_component(ea.version, eb.version))
        .then_with(|| match (ea.release, eb.release) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(ra), Some(rb)) => rpmvercmp(ra, rb),
        })
}

// ---------------------------------------------------------------------------------------------
// apk

#[derive(Debug, Default)]
struct ApkVersion<'a> {
    original: &'a str,
    numbers: Vec<&'a str>,
    letter: Option<u8>,
    suffixes: Vec<(u8, &'a str)>,
    revision: Option<&'a str>,
    remainder: &'a str,
    invalid: bool,
}

/// Sort weight of an apk suffix: `alpha < beta < pre < rc < (none) < cvs < svn < git < hg < p`.
fn apk_suffix_weight(s: &str) -> Option<u8> {
    Some(match s {
        "alpha" => 0,
        "beta" => 1,
        "pre" => 2,
        "rc" => 3,
        "cvs" => 5,
        "svn" => 6,
        "git" => 7,
        "hg" => 8,
        "p" => 9,
        _ => return None,
    })
}
const APK_NO_SUFFIX: u8 = 4;

fn apk_parse(s: &str) -> ApkVersion<'_> {
    let mut v = ApkVersion {
        original: s,
        ..ApkVersion::default()
    };
    let b = s.as_bytes();
    // numbers: digit runs each optionally followed by one dot
    let mut i = 0;
    let mut start = 0;
    loop {
        let d = b
            .get(i..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if d == 0 {
            break;
        }
        i += d;
        v.numbers.push(s.get(start..i).unwrap_or_default());
        if b.get(i) == Some(&b'.') {
            i += 1;
            start = i;
        } else {
            break;
        }
    }
    // letter
    if let Some(c) = b.get(i).filter(|c| c.is_ascii_lowercase()) {
        v.letter = Some(*c);
        i += 1;
    }
    // suffixes: _name[digits]
    while b.get(i) == Some(&b'_') {
        let rest = s.get(i + 1..).unwrap_or_default();
        let name_len = rest.bytes().take_while(u8::is_ascii_lowercase).count();
        let name = rest.get(..name_len).unwrap_or_default();
        let Some(w) = apk_suffix_weight(name) else {
            break;
        };
        let num_len = rest
            .get(name_len..)
            .unwrap_or_default()
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        v.suffixes.push((
            w,
            rest.get(name_len..name_len + num_len).unwrap_or_default(),
        ));
        i += 1 + name_len + num_len;
    }
    // hash: ~[0-9a-f]+
    if b.get(i) == Some(&b'~') {
        let n = b
            .get(i + 1..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(*c))
            .count();
        if n > 0 {
            i += 1 + n;
        }
    }
    // revision: -r[digits]
    let rest = s.get(i..).unwrap_or_default();
    if let Some(r) = rest.strip_prefix("-r") {
        let n = r.bytes().take_while(u8::is_ascii_digit).count();
        v.revision = Some(r.get(..n).unwrap_or_default());
        v.remainder = r.get(n..).unwrap_or_default();
    } else {
        v.remainder = rest;
        v.invalid = !rest.is_empty();
    }
    v
}

fn apk_number_cmp(a: &str, b: &str, index: usize) -> Ordering {
    if index != 0 && (a.starts_with('0') || b.starts_with('0')) {
        return a.cmp(b);
    }
    cmp_digits(a.as_bytes(), b.as_bytes())
}

/// Compares two Alpine package versions (`1.2.3b_rc1_p2-r4`) as apk does.
pub fn apk_compare(a: &str, b: &str) -> Ordering {
    let va = apk_parse(a);
    let vb = apk_parse(b);
    if va.invalid && vb.invalid {
        return va.original.cmp(vb.original);
    }
    let n = va.numbers.len().max(vb.numbers.len());
    for k in 0..n {
        let x = va.numbers.get(k).copied().unwrap_or("0");
        let y = vb.numbers.get(k).copied().unwrap_or("0");
        let ord = apk_number_cmp(x, y, k);
        if ord != Ordering::Equal {
            return ord;
        }
    }
    let ord = va.letter.cmp(&vb.letter);
    if ord != Ordering::Equal {
        return ord;
    }
    let n = va.suffixes.len().max(vb.suffixes.len());
    for k in 0..n {
        let (wa, na) = va.suffixes.get(k).copied().unwrap_or((APK_NO_SUFFIX, "0"));
        let (wb, nb) = vb.suffixes.get(k).copied().unwrap_or((APK_NO_SUFFIX, "0"));
        let ord = wa
            .cmp(&wb)
            .then_with(|| cmp_digits(na.as_bytes(), nb.as_bytes()));
        if ord != Ordering::Equal {
            return ord;
        }
    }
    let ra = va.revision.unwrap_or("0");
    let rb = vb.revision.unwrap_or("0");
    let ord = cmp_digits(ra.as_bytes(), rb.as_bytes());
    if ord != Ordering::Equal {
        return ord;
    }
    match (va.remainder.is_empty(), vb.remainder.is_empty()) {
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dpkg_basics() {
        assert_eq!(dpkg_compare("1.0~rc1", "1.0"), Ordering::Less);
        assert_eq!(dpkg_compare("1:0.1", "2.0"), Ordering::Greater);
        assert_eq!(
            dpkg_compare("2.36-9+deb12u14", "2.36-9+deb12u6"),
            Ordering::Greater
        );
    }

    #[test]
    fn rpm_basics() {
        assert_eq!(rpmvercmp("1.0^git1", "1.0"), Ordering::Greater);
        assert_eq!(rpmvercmp("1.0~rc1", "1.0"), Ordering::Less);
        assert_eq!(rpm_compare_evr("1:1.0-1", "2.0-1"), Ordering::Greater);
    }
}
