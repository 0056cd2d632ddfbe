//! Parsing the exceptions file: serde types that check every value where it is read, so that
//! each error carries the position serde_yaml_ng knows, then the positions of the entries.

use crate::glob::Glob;
use crate::{Exception, Exceptions, ExceptionsError, Location};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use time::Date;
use yagura_core::MuteKind;

/// The only file version this build reads.
pub const VERSION: u64 = 1;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[allow(dead_code)]
    version: yagura_core::file::FileVersion<VERSION>,
    #[serde(default)]
    not_adopted: Vec<RawEntry>,
    #[serde(default)]
    accepted: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    check: CheckId,
    #[serde(default)]
    resource: Option<Pattern>,
    #[serde(default)]
    account: Option<Pattern>,
    #[serde(default)]
    region: Option<Pattern>,
    /// Tags of the resource, `{key: value pattern}`.
    #[serde(default)]
    tags: BTreeMap<String, Pattern>,
    reason: Reason,
    #[serde(default)]
    expires: Option<Expiry>,
}

/// A string field that must say something.
fn non_empty_string<'de, D: Deserializer<'de>>(
    d: D,
    what: &'static str,
    hint: &'static str,
) -> Result<String, D::Error> {
    struct V {
        what: &'static str,
        hint: &'static str,
    }
    impl Visitor<'_> for V {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "{} as a string", self.what)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            if v.trim().is_empty() {
                Err(E::custom(format_args!(
                    "empty {}: {}",
                    self.what, self.hint
                )))
            } else {
                Ok(v.to_string())
            }
        }
        fn visit_unit<E: de::Error>(self) -> Result<String, E> {
            Err(E::custom(format_args!(
                "empty {}: {}",
                self.what, self.hint
            )))
        }
    }
    d.deserialize_str(V { what, hint })
}

struct CheckId(String);

impl<'de> Deserialize<'de> for CheckId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        non_empty_string(d, "check id", "name the check, as `yagura rule` lists them").map(CheckId)
    }
}

struct Reason(String);

impl<'de> Deserialize<'de> for Reason {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        non_empty_string(
            d,
            "reason",
            "every exception needs a written reason (who decided, when, why)",
        )
        .map(Reason)
    }
}

struct Pattern(Glob);

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        non_empty_string(
            d,
            "pattern",
            "leave the field out to match everything, or write `*`",
        )
        .map(|s| Pattern(Glob::new(&s)))
    }
}

struct Expiry(Date);

impl<'de> Deserialize<'de> for Expiry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Expiry;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date as YYYY-MM-DD")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Expiry, E> {
                parse_date(v).map(Expiry).ok_or_else(|| {
                    E::custom(format_args!(
                        "invalid date `{v}`: write the expiry as YYYY-MM-DD, e.g. 2026-12-31"
                    ))
                })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Expiry, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Expiry, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Expiry, E> {
                self.visit_str(&v.to_string())
            }
        }
        d.deserialize_str(V)
    }
}

/// Parses `YYYY-MM-DD` strictly (four-digit year, two-digit month and day).
pub fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(r)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let year = i32::try_from(num(0..4)?).ok()?;
    let month = time::Month::try_from(u8::try_from(num(5..7)?).ok()?).ok()?;
    let day = u8::try_from(num(8..10)?).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

/// Formats a date as `YYYY-MM-DD`.
pub fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn yaml_error(origin: &str, err: &serde_yaml_ng::Error) -> ExceptionsError {
    let (location, message) = yagura_core::file::parse_error(
        err.location().map(|l| (l.line(), l.column())),
        &err.to_string(),
        &[
            (
                "struct RawFile",
                "a mapping with `version`, `not_adopted` and `accepted`",
            ),
            ("struct RawEntry", "a mapping with `check` and `reason`"),
        ],
    );
    ExceptionsError::Invalid {
        origin: origin.to_string(),
        location,
        message,
    }
}

pub(crate) fn parse(origin: &str, text: &str) -> Result<Exceptions, ExceptionsError> {
    // A byte-order mark, as some Windows editors write, is not content.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Within the budget first (size, depth, aliases expanded): the typed parse below expands
    // aliases without a bound.
    if let Err(e) = yagura_core::yaml::load_documents(text, &yagura_core::yaml::Budget::default()) {
        // A file that is not YAML is reported by the typed parse, with its better message.
        if e.over_budget {
            return Err(ExceptionsError::Invalid {
                origin: origin.to_string(),
                location: e.location,
                message: e.reason,
            });
        }
    }
    let raw: RawFile = serde_yaml_ng::from_str(text).map_err(|e| yaml_error(origin, &e))?;
    let mut entries = Vec::with_capacity(raw.not_adopted.len() + raw.accepted.len());
    for (section, kind, list) in [
        (Section::NotAdopted, MuteKind::NotAdopted, raw.not_adopted),
        (Section::Accepted, MuteKind::Accepted, raw.accepted),
    ] {
        let locations = entry_locations(text, section, list.len());
        for (i, e) in list.into_iter().enumerate() {
            entries.push(Exception {
                kind,
                index: i,
                check_pattern: Some(Glob::new(&e.check.0)).filter(|g| !g.is_literal()),
                check: e.check.0,
                tags: e.tags.into_iter().map(|(k, p)| (k, p.0)).collect(),
                resource: e.resource.map(|p| p.0),
                account: e.account.map(|p| p.0),
                region: e.region.map(|p| p.0),
                reason: e.reason.0,
                expires: e.expires.map(|x| x.0),
                location: locations.get(i).copied().flatten(),
            });
        }
    }
    Ok(Exceptions {
        origin: origin.to_string(),
        entries,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    NotAdopted,
    Accepted,
}

impl Section {
    fn key(self) -> &'static str {
        match self {
            Section::NotAdopted => "not_adopted",
            Section::Accepted => "accepted",
        }
    }
}

/// The position of each entry of a section (where its mapping starts), for a file that parsed.
///
/// A line scan finds them in the block style everyone writes; when its count disagrees with
/// the parser's (flow style, anchors, quoted keys), each position is asked of the YAML parser
/// itself, one parse per entry (up to [`PARSER_FALLBACK_LIMIT`] entries; beyond, no positions).
pub(crate) fn entry_locations(text: &str, section: Section, count: usize) -> Vec<Option<Location>> {
    if count == 0 {
        return Vec::new();
    }
    if let Some(found) = scan_block_entries(text, section) {
        if found.len() == count {
            return found.into_iter().map(Some).collect();
        }
    }
    // One parse per entry: bounded, so that a huge flow-style file still loads quickly.
    if count > PARSER_FALLBACK_LIMIT {
        return vec![None; count];
    }
    (0..count)
        .map(|i| parser_entry_location(text, section, i))
        .collect()
}

/// Finds the block-sequence items under a top-level key by their `- ` lines. `None` when the
/// section is not written in the plain block style.
pub(crate) fn scan_block_entries(text: &str, section: Section) -> Option<Vec<Location>> {
    let mut in_section = false;
    let mut item_indent: Option<usize> = None;
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if indent == 0 && (trimmed.starts_with("---") || trimmed.starts_with("...")) {
            in_section = false;
            continue;
        }
        let is_item = trimmed == "-" || trimmed.starts_with("- ");
        if indent == 0 && !is_item {
            // A top-level key.
            let (key, rest) = trimmed.split_once(':')?;
            in_section = key == section.key();
            if in_section {
                let rest = rest.trim_start();
                if !(rest.is_empty() || rest.starts_with('#')) {
                    // Flow style or an alias: let the parser tell.
                    return None;
                }
                item_indent = None;
            }
            continue;
        }
        if !in_section || !is_item {
            continue;
        }
        match item_indent {
            None => item_indent = Some(indent),
            Some(i) if i == indent => {}
            Some(_) => continue,
        }
        let after_dash = trimmed.get(1..).unwrap_or("");
        let content = after_dash.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') || content.starts_with('{') {
            return None;
        }
        let column = indent + 1 + (trimmed.len() - content.len());
        // Everything before the content is ASCII (spaces and the dash): bytes are columns.
        found.push(Location {
            line: n + 1,
            column,
        });
    }
    Some(found)
}

/// The most entries of one section whose positions are asked of the parser one by one.
pub(crate) const PARSER_FALLBACK_LIMIT: usize = 300;

const MARK: &str = "\u{0}yagura-mark";

/// Asks the YAML parser where entry `index` of `section` starts: deserializes the file with a
/// visitor that fails exactly there and reads the error's position.
pub(crate) fn parser_entry_location(
    text: &str,
    section: Section,
    index: usize,
) -> Option<Location> {
    struct Top {
        section: Section,
        index: usize,
    }
    impl<'de> Visitor<'de> for Top {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a mapping")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key::<String>()? {
                if key == self.section.key() {
                    map.next_value_seed(List { index: self.index })?;
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(())
        }
    }
    struct List {
        index: usize,
    }
    impl<'de> DeserializeSeed<'de> for List {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_seq(self)
        }
    }
    impl<'de> Visitor<'de> for List {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let mut i = 0;
            loop {
                if i == self.index {
                    seq.next_element_seed(Fail)?;
                    return Ok(());
                }
                if seq.next_element::<IgnoredAny>()?.is_none() {
                    return Ok(());
                }
                i += 1;
            }
        }
    }
    struct Fail;
    impl<'de> DeserializeSeed<'de> for Fail {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_map(self)
        }
    }
    impl<'de> Visitor<'de> for Fail {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a mapping")
        }
        fn visit_map<A: MapAccess<'de>>(self, _map: A) -> Result<(), A::Error> {
            Err(de::Error::custom(MARK))
        }
    }
    let err = serde_yaml_ng::Deserializer::from_str(text)
        .deserialize_map(Top { section, index })
        .err()?;
    if !err.to_string().contains(MARK) {
        return None;
    }
    err.location().map(|l| Location {
        line: l.line(),
        column: l.column(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The fast line scan gives exactly the positions the parser gives.
    #[test]
    fn scan_agrees_with_parser() {
        let texts = [
            include_str!("../tests/fixtures/good.yaml"),
            "version: 1\naccepted:\n- check: a\n  reason: r\n-   check: b\n    reason: r\n",
            "version: 1\naccepted:  # c\n  # comment\n\n  - check: a  # c\n    reason: |\n      - check: fake\n  - check: b\n    reason: >-\n\n      x\n---\n",
        ];
        for text in texts {
            for section in [Section::NotAdopted, Section::Accepted] {
                let scanned = scan_block_entries(text, section).unwrap();
                let parsed: Vec<Location> = (0..scanned.len())
                    .map(|i| parser_entry_location(text, section, i).unwrap())
                    .collect();
                assert_eq!(scanned, parsed, "{text}");
                assert_eq!(parser_entry_location(text, section, scanned.len()), None);
            }
        }
    }

    #[test]
    fn scan_declines_what_it_cannot_read() {
        for text in [
            "version: 1\naccepted: [{check: a, reason: r}]\n",
            "version: 1\naccepted:\n  -\n    check: a\n    reason: r\n",
            "version: 1\naccepted:\n  - {check: a, reason: r}\n",
        ] {
            assert_eq!(scan_block_entries(text, Section::Accepted), None, "{text}");
        }
    }
}
