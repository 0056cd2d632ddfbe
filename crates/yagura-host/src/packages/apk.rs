//! Alpine's `lib/apk/db/installed`.

use super::{Package, PackageError};
use crate::rootfs::Root;

/// Parses an apk installed database (`P:`/`V:`/`A:`/`o:` lines, blank-line separated); an entry
/// without a name or version is reported and skipped.
pub fn parse(text: &str, path: &str) -> (Vec<Package>, Vec<PackageError>) {
    let mut packages = Vec::new();
    let mut errors = Vec::new();
    let mut cur: Vec<(char, &str)> = Vec::new();
    let mut start = 1;
    let mut flush = |cur: &mut Vec<(char, &str)>, start: usize| {
        if cur.is_empty() {
            return;
        }
        let get = |k: char| cur.iter().find(|(f, _)| *f == k).map(|(_, v)| *v);
        match (get('P'), get('V')) {
            (Some(name), Some(version)) if !name.is_empty() && !version.is_empty() => packages
                .push(Package {
                    name: name.to_string(),
                    version: version.to_string(),
                    arch: get('A').unwrap_or_default().to_string(),
                    source_name: get('o')
                        .filter(|o| !o.is_empty())
                        .unwrap_or(name)
                        .to_string(),
                    source_version: version.to_string(),
                }),
            (name, _) => errors.push(PackageError::Entry {
                path: path.to_string(),
                entry: start,
                reason: format!("package `{}` has no version", name.unwrap_or("(no name)")),
            }),
        }
        cur.clear();
    };
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            flush(&mut cur, start);
            start = i + 2;
            continue;
        }
        let mut chars = line.chars();
        if let (Some(k), Some(':')) = (chars.next(), chars.next()) {
            cur.push((k, line.get(2..).unwrap_or_default().trim()));
        }
    }
    flush(&mut cur, start);
    (packages, errors)
}

/// Reads the apk database under the root.
pub fn read(root: &Root, path: &str) -> Result<(Vec<Package>, Vec<PackageError>), PackageError> {
    let text = root.read_to_string(path)?;
    Ok(parse(&text, path))
}
