//! How a check is declared (once, with its documentation) and the catalogue of every check.

use crate::{Severity, Text};
use std::collections::BTreeMap;
use std::fmt;

/// Compliance mappings of a check: `(framework, [control ids])`, e.g.
/// `("cis-aws-foundations-3.0", &["5.2"])`. The seed guideline (`yagura-guideline`) is one framework
/// among others.
pub type Compliance = &'static [(&'static str, &'static [&'static str])];

/// Where a check is declared in yagura's source (`file!()`, `line!()`), for `yagura rule ID`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceLocation {
    /// The path from the workspace root, as `file!()` gives it (`crates/yagura-audit/src/…`).
    pub file: &'static str,
    pub line: u32,
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A check, declared with its documentation (what, why, how to fix, references) in both
/// languages. The id names the risky state (`security-group-admin-port-open-to-world`).
///
/// Declare one with [`declare_check!`](crate::declare_check), never by hand: the macro records
/// where it is declared, and the workspace meta-test (`crates/yagura/tests/checks.rs`) polices
/// every field.
#[derive(Debug)]
pub struct CheckMeta {
    pub id: &'static str,
    pub severity: Severity,
    /// The service or area the check reads (`iam`, `ec2`, `s3`, `host`, …).
    pub service: &'static str,
    pub title: Text,
    pub what: Text,
    pub why: Text,
    pub fix: Text,
    pub references: &'static [&'static str],
    /// SPEC requirement ids served (`AUD-01`).
    pub spec: &'static [&'static str],
    pub compliance: Compliance,
    /// The data the check reads, by the name its capability gives it: the collector operation of
    /// an inventory piece (`iam:GetCredentialReport`), a file of a host (`/etc/ssh/sshd_config`),
    /// CloudTrail events (`cloudtrail:ConsoleLogin`), a policy document. For the audit these
    /// names are what the evaluation gates on: a piece that could not be read turns the check
    /// UNKNOWN with the collector's error.
    pub needs: &'static [&'static str],
    /// Where the declaration is.
    pub location: SourceLocation,
}

/// Declares a check: a `static` [`CheckMeta`] with its documentation in English and Japanese,
/// its SPEC ids, its compliance mappings (any number of frameworks, one line each), the data it
/// needs, and the place it is declared (as clippy's `declare_clippy_lint!`).
///
/// ```
/// yagura_core::declare_check! {
///     /// Root without MFA.
///     pub static ROOT_NO_MFA = "root-mfa-disabled" {
///         severity: Critical,
///         service: "iam",
///         spec: ["AUD-06"],
///         compliance: {
///             "cis-aws-foundations-3.0": ["1.5"],
///             "yagura-guideline": ["001"],
///         },
///         needs: ["iam:GetAccountSummary"],
///         title: ("Root user has no MFA", "ルートユーザーに MFA が設定されていない"),
///         what: ("Checks that the root user has an MFA device.",
///                "ルートユーザーに MFA デバイスがあることを確認します。"),
///         why: ("The root user can do everything.", "ルートユーザーは何でもできます。"),
///         fix: ("Assign an MFA device to the root user.",
///               "ルートユーザーに MFA デバイスを設定してください。"),
///         references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html"],
///     }
/// }
/// assert_eq!(ROOT_NO_MFA.compliance_map()["cis-aws-foundations-3.0"], ["1.5"]);
/// assert!(ROOT_NO_MFA.location.file.ends_with(".rs"));
/// ```
#[macro_export]
macro_rules! declare_check {
    (
        $(#[$attr:meta])*
        $vis:vis static $name:ident = $id:literal {
            severity: $sev:ident,
            service: $svc:literal,
            spec: [$($spec:literal),* $(,)?],
            compliance: { $($fw:literal : [$($ctl:literal),* $(,)?]),* $(,)? },
            needs: [$($need:expr),* $(,)?],
            title: ($ten:literal, $tja:literal $(,)?),
            what: ($wen:literal, $wja:literal $(,)?),
            why: ($yen:literal, $yja:literal $(,)?),
            fix: ($fen:literal, $fja:literal $(,)?),
            references: [$($r:expr),* $(,)?] $(,)?
        }
    ) => {
        $(#[$attr])*
        $vis static $name: $crate::CheckMeta = $crate::CheckMeta {
            id: $id,
            severity: $crate::Severity::$sev,
            service: $svc,
            title: $crate::Text::new($ten, $tja),
            what: $crate::Text::new($wen, $wja),
            why: $crate::Text::new($yen, $yja),
            fix: $crate::Text::new($fen, $fja),
            references: &[$($r),*],
            spec: &[$($spec),*],
            compliance: &[$(($fw, &[$($ctl),*])),*],
            needs: &[$($need),*],
            location: $crate::SourceLocation {
                file: file!(),
                line: line!(),
            },
        };
    };
}

impl CheckMeta {
    /// The data the check reads as `yagura rule` prints it, in either language: each name is an
    /// identifier (an operation, a path, an inventory field) and is quoted as code.
    pub fn needs_line(&self) -> String {
        self.needs
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The compliance object of the JSON report: `{framework: [ids]}`, with the SPEC ids under
    /// `yagura-spec`.
    pub fn compliance_map(&self) -> BTreeMap<&'static str, Vec<&'static str>> {
        let mut map: BTreeMap<&'static str, Vec<&'static str>> = BTreeMap::new();
        for (framework, ids) in self.compliance {
            map.entry(framework).or_default().extend_from_slice(ids);
        }
        if !self.spec.is_empty() {
            map.entry("yagura-spec")
                .or_default()
                .extend_from_slice(self.spec);
        }
        map
    }
}

/// Two checks declared with one id. Ids are unique across every capability: a finding, an
/// exception and a stored run name a check by its id alone.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("check id `{id}` is declared twice: at {first} and at {second}")]
pub struct DuplicateCheck {
    pub id: &'static str,
    pub first: SourceLocation,
    pub second: SourceLocation,
}

/// Every check the binary knows, looked up by id.
#[derive(Debug, Default, Clone)]
pub struct Catalogue {
    checks: BTreeMap<&'static str, &'static CheckMeta>,
}

impl Catalogue {
    pub fn new() -> Self {
        Self::default()
    }

    /// The catalogue of several capabilities' checks (`[yagura_audit::CHECKS, …]`).
    pub fn of(lists: &[&[&'static CheckMeta]]) -> Result<Catalogue, DuplicateCheck> {
        let mut c = Catalogue::new();
        for list in lists {
            c.extend(list.iter())?;
        }
        Ok(c)
    }

    /// Adds checks. An id already present is an error naming both declarations; the checks
    /// before it are kept, the catalogue is left as it was for the rest.
    pub fn extend<'a, I: IntoIterator<Item = &'a &'static CheckMeta>>(
        &mut self,
        checks: I,
    ) -> Result<(), DuplicateCheck> {
        for c in checks {
            if let Some(first) = self.checks.get(c.id) {
                return Err(DuplicateCheck {
                    id: c.id,
                    first: first.location,
                    second: c.location,
                });
            }
            self.checks.insert(c.id, *c);
        }
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<&'static CheckMeta> {
        self.checks.get(id).copied()
    }

    pub fn iter(&self) -> impl Iterator<Item = &'static CheckMeta> + '_ {
        self.checks.values().copied()
    }

    pub fn len(&self) -> usize {
        self.checks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.checks.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::declare_check! {
        static FIRST = "example-risky-state" {
            severity: Low,
            service: "test",
            spec: ["AUD-01"],
            compliance: {},
            needs: [],
            title: ("Example", "例"),
            what: ("Finds an example.", "例を検出します。"),
            why: ("It is an example.", "例だからです。"),
            fix: ("Remove the example.", "例を削除してください。"),
            references: [],
        }
    }

    crate::declare_check! {
        static SECOND = "example-risky-state" {
            severity: High,
            service: "test",
            spec: ["AUD-02"],
            compliance: { "cis-aws-foundations-3.0": ["1.1", "1.2"], "yagura-guideline": [] },
            needs: ["ec2:DescribeInstances"],
            title: ("Example again", "再び例"),
            what: ("Finds an example.", "例を検出します。"),
            why: ("It is an example.", "例だからです。"),
            fix: ("Remove the example.", "例を削除してください。"),
            references: ["https://example.com/"],
        }
    }

    #[test]
    fn a_declaration_knows_where_it_is() {
        assert_eq!(FIRST.location.file, file!());
        assert!(SECOND.location.line > FIRST.location.line);
        assert_eq!(
            SECOND.compliance,
            &[
                ("cis-aws-foundations-3.0", &["1.1", "1.2"][..]),
                ("yagura-guideline", &[][..])
            ]
        );
        assert_eq!(SECOND.needs, ["ec2:DescribeInstances"]);
    }

    #[test]
    fn a_duplicate_id_is_an_error_naming_both_places() {
        let mut c = Catalogue::new();
        assert_eq!(c.extend([&&FIRST]), Ok(()));
        let err = c.extend([&&SECOND]).err();
        let Some(err) = err else {
            unreachable!("the second declaration was accepted")
        };
        assert_eq!(err.id, "example-risky-state");
        assert_eq!(err.first, FIRST.location);
        assert_eq!(err.second, SECOND.location);
        assert!(err
            .to_string()
            .starts_with("check id `example-risky-state` is declared twice: at crates/"));
        // The first stays.
        assert_eq!(
            c.get("example-risky-state").map(|m| m.severity),
            Some(Severity::Low)
        );
        assert!(Catalogue::of(&[&[&FIRST], &[&SECOND]]).is_err());
        assert_eq!(Catalogue::of(&[&[&FIRST]]).map(|c| c.len()), Ok(1));
    }
}
