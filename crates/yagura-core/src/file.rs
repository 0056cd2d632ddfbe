//! Pieces shared by yagura's own configuration files (the exceptions file, the notification
//! destinations): the `version:` field and positions in error messages.

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::fmt;

/// A 1-based line and column in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

impl Location {
    /// A parser's `message` without the position it appends (` at line L column C`): reports
    /// show the position in front, with the file's name.
    pub fn strip_from(&self, message: &str) -> String {
        let at = format!(" at line {} column {}", self.line, self.column);
        message.replacen(&at, "", 1)
    }
}

/// A parser's error as a position and a message for the user: the Rust type names in the
/// message replaced by what the file should hold (`renames`: type name → description), and the
/// position the parser appends removed (reports show it in front, with the file's name).
pub fn parse_error(
    position: Option<(usize, usize)>,
    message: &str,
    renames: &[(&str, &str)],
) -> (Option<Location>, String) {
    let location = position.map(|(line, column)| Location { line, column });
    let mut message = message.to_string();
    for (from, to) in renames {
        message = message.replace(from, to);
    }
    if let Some(l) = location {
        message = l.strip_from(&message);
    }
    (location, message)
}

/// The `version: V` field of a file format: any other number is an error that says which
/// version this yagura reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileVersion<const V: u64>;

impl<'de, const V: u64> Deserialize<'de> for FileVersion<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Expect<const V: u64>;
        impl<const V: u64> Visitor<'_> for Expect<V> {
            type Value = FileVersion<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "the file version {V}")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<FileVersion<V>, E> {
                if v == V {
                    Ok(FileVersion)
                } else {
                    Err(E::custom(format_args!(
                        "unsupported version `{v}` (this yagura reads version {V})"
                    )))
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<FileVersion<V>, E> {
                Err(E::custom(format_args!(
                    "unsupported version `{v}` (this yagura reads version {V})"
                )))
            }
        }
        d.deserialize_u64(Expect::<V>)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn versions_and_positions() {
        assert!(serde_json::from_str::<FileVersion<1>>("1").is_ok());
        let e = serde_json::from_str::<FileVersion<1>>("2").unwrap_err();
        assert!(e
            .to_string()
            .contains("unsupported version `2` (this yagura reads version 1)"));
        assert!(serde_json::from_str::<FileVersion<1>>("-1").is_err());
        assert!(serde_json::from_str::<FileVersion<1>>("\"1\"").is_err());
        let l = Location { line: 3, column: 7 };
        assert_eq!(l.to_string(), "3:7");
        assert_eq!(
            l.strip_from("bad value at line 3 column 7, oh"),
            "bad value, oh"
        );
        assert_eq!(l.strip_from("no position"), "no position");
        let (at, msg) = parse_error(
            Some((2, 5)),
            "invalid type: string, expected struct RawFile at line 2 column 5",
            &[("struct RawFile", "a mapping with `version`")],
        );
        assert_eq!(at, Some(Location { line: 2, column: 5 }));
        assert_eq!(
            msg,
            "invalid type: string, expected a mapping with `version`"
        );
    }
}
