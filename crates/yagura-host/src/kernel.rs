//! The running kernel against the installed kernel packages: a reboot is pending when a newer
//! kernel is installed than the one running, and vulnerabilities are matched against the kernel
//! that runs (an installed, newer kernel fixes nothing until the host boots it).

use crate::packages::{DbKind, Package};

/// The `uname -r` a kernel package installs, when the package is a kernel image: Debian and
/// Ubuntu name it in the package (`linux-image-6.1.0-18-amd64`), the rpm family in the
/// version, release and architecture of `kernel` / `kernel-core` (`5.10.210-201.852.amzn2.x86_64`).
pub fn kernel_release_of(kind: DbKind, p: &Package) -> Option<String> {
    match kind {
        DbKind::Dpkg => {
            let rest = p
                .name
                .strip_prefix("linux-image-unsigned-")
                .or_else(|| p.name.strip_prefix("linux-image-"))?;
            rest.starts_with(|c: char| c.is_ascii_digit())
                .then(|| rest.to_string())
        }
        DbKind::RpmSqlite | DbKind::RpmBdb => {
            if !matches!(p.name.as_str(), "kernel" | "kernel-core" | "kernel-default") {
                return None;
            }
            // the version without its epoch: `1:5.10.1-2` → `5.10.1-2`
            let vr = p
                .version
                .split_once(':')
                .map_or(p.version.as_str(), |x| x.1);
            Some(if p.arch.is_empty() {
                vr.to_string()
            } else {
                format!("{vr}.{}", p.arch)
            })
        }
        DbKind::Apk => None,
    }
}

/// The running kernel and the installed kernel packages.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KernelState {
    /// `uname -r` of the running kernel.
    pub running: String,
    /// The installed package of the running kernel, if one is.
    pub running_package: Option<Package>,
    /// The newest installed kernel package, by the distribution's version ordering.
    pub newest: Option<Package>,
}

impl KernelState {
    /// True when a kernel newer than the running one is installed.
    pub fn reboot_pending(&self, kind: DbKind) -> bool {
        match (&self.running_package, &self.newest) {
            (Some(r), Some(n)) => kind.scheme().compare(&r.version, &n.version).is_lt(),
            // the running kernel is not installed any more (removed by an upgrade) while
            // another is: the host runs a kernel it no longer has
            (None, Some(_)) => true,
            _ => false,
        }
    }
}

/// Compares the running kernel (`uname -r`) with the installed kernel packages. `None` when
/// the database holds no kernel package (a container, an image without a kernel).
pub fn state(kind: DbKind, packages: &[Package], running: &str) -> Option<KernelState> {
    let kernels: Vec<(&Package, String)> = packages
        .iter()
        .filter_map(|p| kernel_release_of(kind, p).map(|r| (p, r)))
        .collect();
    if kernels.is_empty() {
        return None;
    }
    let running_package = kernels
        .iter()
        .find(|(_, r)| r == running)
        .map(|(p, _)| (*p).clone());
    let newest = kernels
        .iter()
        .map(|(p, _)| *p)
        .max_by(|a, b| kind.scheme().compare(&a.version, &b.version))
        .cloned();
    Some(KernelState {
        running: running.to_string(),
        running_package,
        newest,
    })
}

/// The packages to match against vulnerability data: every package but the kernel images that
/// do not run (when the running kernel is known and installed).
pub fn packages_for_matching(
    kind: DbKind,
    packages: &[Package],
    running: Option<&str>,
) -> Vec<Package> {
    let Some(running) = running else {
        return packages.to_vec();
    };
    let any_running = packages
        .iter()
        .any(|p| kernel_release_of(kind, p).as_deref() == Some(running));
    if !any_running {
        return packages.to_vec();
    }
    packages
        .iter()
        .filter(|p| match kernel_release_of(kind, p) {
            Some(r) => r == running,
            None => true,
        })
        .cloned()
        .collect()
}
