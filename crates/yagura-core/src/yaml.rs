//! One budgeted YAML loader for every YAML file yagura reads from outside: Sigma rules, the
//! exceptions file and the destinations file (the last two pass it before their typed parse,
//! which keeps serde's positioned errors).
//!
//! A YAML file is hostile input: anchors and aliases can make a few kilobytes expand into
//! gigabytes ("billion laughs"), and deeply nested flow collections (`[[[[…`) make the
//! parser's time grow with the square of the depth. [`load_documents`] bounds all of it before
//! or while parsing:
//! - the file's size ([`Budget::max_bytes`]);
//! - the nesting depth, checked on the text before the parser sees it (flow collections) and
//!   again while the value is built (block collections) ([`Budget::max_depth`]);
//! - the nodes and scalar bytes of the values built, aliases counted each time they are
//!   expanded ([`Budget::max_nodes`], [`Budget::max_scalar_bytes`]).
//!
//! Exceeding a budget is a [`YamlError`] with the line and column where it happened, never a
//! crash, a hang or an allocation storm.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_yaml_ng::{Mapping, Value};
use std::cell::Cell;
use std::fmt;

/// Limits of [`load_documents`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Largest file accepted.
    pub max_bytes: usize,
    /// Deepest nesting of collections.
    pub max_depth: usize,
    /// Most nodes (scalars and collections) built, over every document, aliases expanded.
    pub max_nodes: usize,
    /// Most scalar text built, over every document, aliases expanded.
    pub max_scalar_bytes: usize,
}

impl Default for Budget {
    /// Generous for any hand-written configuration or rule file (the largest SigmaHQ rule is
    /// about 40 KB), far below what hurts: 4 MiB of text, 64 levels, a million nodes, 64 MiB of
    /// scalars.
    fn default() -> Self {
        Budget {
            max_bytes: 4 << 20,
            max_depth: 64,
            max_nodes: 1_000_000,
            max_scalar_bytes: 64 << 20,
        }
    }
}

/// A YAML file that could not be loaded: where (1-based line and column, when known) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{reason}", location.map(|l| format!("line {} column {}: ", l.line, l.column)).unwrap_or_default())]
pub struct YamlError {
    pub location: Option<crate::file::Location>,
    pub reason: String,
    /// A budget was exceeded (size, depth, values or text with aliases expanded), as opposed to
    /// a file that is not YAML.
    pub over_budget: bool,
}

/// One document of a file, with the line where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub line: usize,
    pub value: Value,
}

/// Parses every document of `text` within `budget`. Empty documents are left out. The first
/// document that cannot be parsed ends the file with its error: what follows a syntax error is
/// not reliable.
pub fn load_documents(text: &str, budget: &Budget) -> Result<Vec<Document>, YamlError> {
    if text.len() > budget.max_bytes {
        return Err(YamlError {
            location: None,
            reason: format!(
                "the file is {} bytes, more than the {} allowed",
                text.len(),
                budget.max_bytes
            ),
            over_budget: true,
        });
    }
    check_flow_depth(text, budget.max_depth)?;
    let starts = document_lines(text);
    let state = Counter {
        exceeded: Cell::new(false),
        nodes: Cell::new(0),
        bytes: Cell::new(0),
        depth: Cell::new(0),
        budget: *budget,
    };
    let mut out = Vec::new();
    for (i, doc) in serde_yaml_ng::Deserializer::from_str(text).enumerate() {
        let value = Seed(&state).deserialize(doc).map_err(|e| {
            let location = e.location().map(|l| crate::file::Location {
                line: l.line(),
                column: l.column(),
            });
            let reason = match location {
                Some(l) => l.strip_from(&e.to_string()),
                None => e.to_string(),
            };
            // The parser's own bound on alias expansion is a budget too.
            let over_budget = state.exceeded.get() || reason.contains("repetition limit exceeded");
            YamlError {
                location,
                reason,
                over_budget,
            }
        })?;
        if !value.is_null() {
            out.push(Document {
                line: starts.get(i).copied().unwrap_or(1),
                value,
            });
        }
    }
    Ok(out)
}

/// The 1-based line where each document starts: the first line, then each `---` marker.
fn document_lines(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut content_before_marker = false;
    for (i, line) in text.lines().enumerate() {
        let is_marker = line == "---" || line.starts_with("--- ") || line.starts_with("---\t");
        if is_marker {
            if content_before_marker || !out.is_empty() {
                out.push(i + 1);
            } else {
                // a marker opening the file: the first document starts here
                out.push(i + 1);
                content_before_marker = true;
                continue;
            }
        } else if out.is_empty() {
            let t = line.trim_start();
            if !t.is_empty() && !t.starts_with('#') && !t.starts_with('%') {
                out.push(i + 1);
                content_before_marker = true;
            }
        }
    }
    if out.is_empty() {
        out.push(1);
    }
    out
}

/// Rejects flow collections nested deeper than `max` before the parser sees them (the parser
/// takes time in the square of their depth). Brackets count where a flow collection can start
/// (at the start of a line or after an indicator or separator), not inside quoted scalars or
/// comments. A quoted scalar is taken to end with its line, so that no quote can switch the
/// count off for the rest of the file; brackets on the continuation lines of a multi-line
/// scalar are at worst over-counted, which only matters for text nesting nearly `max` deep.
fn check_flow_depth(text: &str, max: usize) -> Result<(), YamlError> {
    let opens = |p: Option<char>| matches!(p, None | Some(':' | '-' | '[' | '{' | ',' | '?'));
    let mut depth = 0usize;
    for (i, line) in text.lines().enumerate() {
        // the last non-blank character before this one on the line, and whether a blank
        // came right before this one
        let mut prev_sig: Option<char> = None;
        let mut after_blank = true;
        let mut quote: Option<char> = None;
        let mut chars = line.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            if let Some(q) = quote {
                if q == '"' && c == '\\' {
                    chars.next();
                } else if c == q {
                    if q == '\'' && chars.peek().map(|x| x.1) == Some('\'') {
                        chars.next();
                    } else {
                        quote = None;
                        prev_sig = Some(c);
                    }
                }
                continue;
            }
            match c {
                '#' if after_blank => break,
                '\'' | '"' if opens(prev_sig) => quote = Some(c),
                '[' | '{' if opens(prev_sig) => {
                    depth += 1;
                    if depth > max {
                        return Err(YamlError {
                            location: Some(crate::file::Location {
                                line: i + 1,
                                column: line.get(..at).map_or(0, |p| p.chars().count()) + 1,
                            }),
                            reason: format!("collections nest deeper than {max} levels"),
                            over_budget: true,
                        });
                    }
                    prev_sig = Some(c);
                }
                ']' | '}' => {
                    depth = depth.saturating_sub(1);
                    prev_sig = Some(c);
                }
                ' ' | '\t' | '\r' => {}
                _ => prev_sig = Some(c),
            }
            after_blank = matches!(c, ' ' | '\t');
        }
    }
    Ok(())
}

/// The running totals of one [`load_documents`] call.
struct Counter {
    /// Set when a budget error is raised.
    exceeded: Cell<bool>,
    nodes: Cell<usize>,
    bytes: Cell<usize>,
    depth: Cell<usize>,
    budget: Budget,
}

impl Counter {
    fn node<E: de::Error>(&self, scalar_bytes: usize) -> Result<(), E> {
        let n = self.nodes.get() + 1;
        let b = self.bytes.get().saturating_add(scalar_bytes);
        if n > self.budget.max_nodes {
            self.exceeded.set(true);
            return Err(E::custom(format_args!(
                "more than {} values (aliases expanded)",
                self.budget.max_nodes
            )));
        }
        if b > self.budget.max_scalar_bytes {
            self.exceeded.set(true);
            return Err(E::custom(format_args!(
                "more than {} bytes of text (aliases expanded)",
                self.budget.max_scalar_bytes
            )));
        }
        self.nodes.set(n);
        self.bytes.set(b);
        Ok(())
    }

    fn enter<E: de::Error>(&self) -> Result<(), E> {
        let d = self.depth.get() + 1;
        if d > self.budget.max_depth {
            self.exceeded.set(true);
            return Err(E::custom(format_args!(
                "collections nest deeper than {} levels",
                self.budget.max_depth
            )));
        }
        self.depth.set(d);
        Ok(())
    }

    fn leave(&self) {
        self.depth.set(self.depth.get().saturating_sub(1));
    }
}

struct Seed<'c>(&'c Counter);

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.0.node(0)?;
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.0.node(0)?;
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.0.node(0)?;
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.0.node(0)?;
        Ok(Value::Number(v.into()))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.0.node(v.len())?;
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.0.node(v.len())?;
        Ok(Value::String(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.0.node(0)?;
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.0.node(0)?;
        self.0.enter()?;
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(Seed(self.0))? {
            out.push(v);
        }
        self.0.leave();
        Ok(Value::Sequence(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.0.node(0)?;
        self.0.enter()?;
        let mut out = Mapping::new();
        while let Some(k) = map.next_key_seed(Seed(self.0))? {
            let v = map.next_value_seed(Seed(self.0))?;
            out.insert(k, v);
        }
        self.0.leave();
        Ok(Value::Mapping(out))
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, _data: A) -> Result<Value, A::Error> {
        Err(de::Error::custom("YAML tags (`!name`) are not supported"))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use std::time::{Duration, Instant};

    fn small() -> Budget {
        Budget {
            max_bytes: 1 << 20,
            max_depth: 32,
            max_nodes: 10_000,
            max_scalar_bytes: 1 << 20,
        }
    }

    #[test]
    fn documents_and_their_lines() {
        let text = "# c\na: 1\n---\nb: [1, 2]\n--- \n---\nc: 'x # y'\n";
        let docs = load_documents(text, &Budget::default()).unwrap();
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[0].line, 2);
        assert_eq!(docs[1].line, 3);
        assert_eq!(docs[2].line, 6);
        assert_eq!(docs[2].value["c"], Value::String("x # y".into()));
    }

    #[test]
    fn alias_expansion_is_bounded() {
        // each level refers to the one before nine times: 9^9 strings of 100 bytes if expanded
        let mut text = format!("a0: &a0 \"{}\"\n", "x".repeat(100));
        for i in 1..10 {
            let refs: Vec<String> = (0..9).map(|_| format!("*a{}", i - 1)).collect();
            text.push_str(&format!("a{i}: &a{i} [{}]\n", refs.join(", ")));
        }
        let t = Instant::now();
        let e = load_documents(&text, &small()).unwrap_err();
        assert!(t.elapsed() < Duration::from_secs(2));
        assert!(e.reason.contains("aliases expanded"), "{e}");
        // a large value reused many times: bounded by its bytes
        let mut text = format!("big: &b \"{}\"\nuses:\n", "y".repeat(100_000));
        for _ in 0..1000 {
            text.push_str("  - *b\n");
        }
        let e = load_documents(&text, &small()).unwrap_err();
        assert!(e.reason.contains("bytes of text"), "{e}");
        assert!(e.location.is_some(), "{e:?}");
    }

    #[test]
    fn deep_flow_nesting_is_refused_before_parsing() {
        let text = format!("a: {}{}\n", "[".repeat(200_000), "]".repeat(200_000));
        let t = Instant::now();
        let e = load_documents(&text, &Budget::default()).unwrap_err();
        assert!(t.elapsed() < Duration::from_secs(2));
        assert_eq!(e.location.map(|l| (l.line, l.column)), Some((1, 68)));
        let text = format!("a: {}1{}\n", "{x: ".repeat(100), "}".repeat(100));
        assert!(load_documents(&text, &Budget::default())
            .unwrap_err()
            .reason
            .contains("deeper than 64"));
    }

    #[test]
    fn deep_block_nesting_is_refused() {
        let mut text = String::new();
        for i in 0..100 {
            text.push_str(&" ".repeat(i * 2));
            text.push_str("k:\n");
        }
        let e = load_documents(&text, &Budget::default()).unwrap_err();
        assert!(
            e.reason.contains("deeper than") || e.reason.contains("recursion"),
            "{e}"
        );
    }

    #[test]
    fn brackets_in_scalars_and_comments_do_not_count() {
        let text = format!(
            "a: 'x[[[[' # [[[[[\nb: foo [bar\nc: \"{}\"\nd: [[1], {{k: [2]}}]\n",
            "[".repeat(100)
        );
        let docs = load_documents(&text, &small()).unwrap();
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].value["b"], Value::String("foo [bar".into()));
    }

    #[test]
    fn size_and_syntax_errors_are_positioned() {
        let e = load_documents(&"a: 1\n".repeat(300_000), &small()).unwrap_err();
        assert!(e.reason.contains("more than"), "{e}");
        let e = load_documents("a: 1\nb: [\n", &small()).unwrap_err();
        assert!(e.location.is_some(), "{e:?}");
        let e = load_documents("a: !tag 1\n", &small()).unwrap_err();
        assert!(e.reason.contains("tags"), "{e}");
    }
}
