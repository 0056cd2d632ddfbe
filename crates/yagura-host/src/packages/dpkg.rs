//! dpkg's `var/lib/dpkg/status`.

use super::{stanzas, Package, PackageError};
use crate::rootfs::Root;

/// Parses a dpkg status file: installed packages (status `… installed`) and an error for each
/// stanza lacking a name or version.
pub fn parse(text: &str, path: &str) -> (Vec<Package>, Vec<PackageError>) {
    let mut packages = Vec::new();
    let mut errors = Vec::new();
    for (line, fields) in stanzas(text) {
        let get = |k: &str| {
            fields
                .iter()
                .find(|(f, _)| f.eq_ignore_ascii_case(k))
                .map(|(_, v)| v.as_str())
        };
        let status = get("Status").unwrap_or_default();
        if status.split_whitespace().nth(2) != Some("installed") {
            continue;
        }
        let (Some(name), Some(version)) = (get("Package"), get("Version")) else {
            errors.push(PackageError::Entry {
                path: path.to_string(),
                entry: line,
                reason: "an installed package without `Package` or `Version`".to_string(),
            });
            continue;
        };
        let (source_name, source_version) = match get("Source") {
            Some(src) => match src.split_once('(') {
                Some((n, v)) => (n.trim(), v.trim_end_matches(')').trim()),
                None => (src.trim(), version),
            },
            None => (name, version),
        };
        packages.push(Package {
            name: name.to_string(),
            version: version.to_string(),
            arch: get("Architecture").unwrap_or_default().to_string(),
            source_name: source_name.to_string(),
            source_version: source_version.to_string(),
        });
    }
    (packages, errors)
}

/// Reads the dpkg status file under the root.
pub fn read(root: &Root, path: &str) -> Result<(Vec<Package>, Vec<PackageError>), PackageError> {
    let text = root.read_to_string(path)?;
    Ok(parse(&text, path))
}
