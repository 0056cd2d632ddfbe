//! CloudWatch Logs metric filter patterns (`{ ($.eventName = X) || ($.eventName = Y) && … }`)
//! as sets of terms, so that a filter written with other spacing, order, parentheses or quoting
//! is recognised as the pattern CIS publishes.
//!
//! A pattern is read as a conjunction of clauses (split at the top-level `&&`), each clause a
//! set of alternatives (split at the top-level `||`), each alternative one term with its spaces
//! and double quotes removed. A filter *covers* a wanted pattern when every one of its clauses
//! holds all the alternatives of some clause of the wanted pattern: each event the wanted
//! pattern matches then matches the filter (it may match more, never less).

use std::collections::BTreeSet;

/// Longest pattern read (CloudWatch Logs allows 1024 characters); a longer one matches nothing.
const MAX_LEN: usize = 8192;
/// Deepest parenthesis nesting read; a deeper pattern matches nothing.
const MAX_DEPTH: usize = 64;

/// A parsed pattern: clauses of alternatives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern(Vec<BTreeSet<String>>);

impl Pattern {
    /// `None` for a pattern that is not a JSON filter pattern (`{ … }`) or exceeds the budgets.
    pub(crate) fn parse(text: &str) -> Option<Pattern> {
        if text.len() > MAX_LEN {
            return None;
        }
        let body = text.trim().strip_prefix('{')?.strip_suffix('}')?;
        let body = unwrap(body)?;
        let mut clauses = Vec::new();
        for clause in split(body, "&&")? {
            let clause = unwrap(clause)?;
            let mut alts = BTreeSet::new();
            for alt in split(clause, "||")? {
                let term = normalise(unwrap(alt)?);
                if term.is_empty() {
                    return None;
                }
                alts.insert(term);
            }
            clauses.push(alts);
        }
        (!clauses.is_empty()).then_some(Pattern(clauses))
    }

    /// Whether every event `wanted` matches also matches `self`.
    pub(crate) fn covers(&self, wanted: &Pattern) -> bool {
        self.0
            .iter()
            .all(|mine| wanted.0.iter().any(|theirs| theirs.is_subset(mine)))
    }
}

/// `s` without spaces and double quotes (outside text is compared, never interpreted).
fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '"')
        .collect()
}

/// The parts of `s` between top-level (outside parentheses and quotes) occurrences of `op`;
/// `None` when the parentheses do not balance or nest too deep.
fn split<'a>(s: &'a str, op: &str) -> Option<Vec<&'a str>> {
    let mut parts = Vec::new();
    let (mut depth, mut quoted, mut start) = (0usize, false, 0);
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => quoted = !quoted,
            b'(' if !quoted => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return None;
                }
            }
            b')' if !quoted => depth = depth.checked_sub(1)?,
            _ if !quoted && depth == 0 && s[i..].starts_with(op) => {
                parts.push(&s[start..i]);
                i += op.len();
                start = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if depth != 0 || quoted {
        return None;
    }
    parts.push(&s[start..]);
    Some(parts)
}

/// `s` trimmed, without parentheses that enclose all of it.
fn unwrap(s: &str) -> Option<&str> {
    let mut s = s.trim();
    for _ in 0..=MAX_DEPTH {
        let Some(inner) = s.strip_prefix('(').and_then(|x| x.strip_suffix(')')) else {
            return Some(s);
        };
        // `(a) || (b)` starts and ends with parentheses that are not one pair.
        if !balanced(inner) {
            return Some(s);
        }
        s = inner.trim();
    }
    None
}

/// Whether every prefix of `s` closes no more parentheses than it opened.
fn balanced(s: &str) -> bool {
    let mut depth = 0i64;
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used)]
    use super::Pattern;

    fn p(s: &str) -> Pattern {
        Pattern::parse(s).expect(s)
    }

    #[test]
    fn spacing_order_quoting_and_parentheses_do_not_matter() {
        let cis = p("{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) }");
        let mine = p(
            r#"{($.eventName="DeleteTrail")||($.eventName = "CreateTrail")||$.eventName=UpdateTrail}"#,
        );
        assert!(mine.covers(&cis));
    }

    #[test]
    fn more_alternatives_cover_and_fewer_do_not() {
        let cis = p("{ ($.eventName = A) || ($.eventName = B) }");
        assert!(p("{ ($.eventName = A) || ($.eventName = B) || ($.eventName = C) }").covers(&cis));
        assert!(!p("{ ($.eventName = A) }").covers(&cis));
    }

    #[test]
    fn an_extra_restriction_does_not_cover_and_a_missing_one_does() {
        let cis = p("{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }");
        assert!(
            p("{ ($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion) }").covers(&cis)
        );
        assert!(p("{(($.eventName=ScheduleKeyDeletion)||($.eventName=DisableKey)) && ($.eventSource=kms.amazonaws.com)}").covers(&cis));
        assert!(p("{ ($.eventSource = kms.amazonaws.com) && (($.eventName=ScheduleKeyDeletion)||($.eventName=DisableKey)) }").covers(&cis));
        assert!(!p("{ ($.eventSource = kms.amazonaws.com) && ($.eventName = DisableKey) && ($.userIdentity.type = Root) }").covers(&cis));
    }

    #[test]
    fn what_is_not_a_json_pattern_or_too_big_matches_nothing() {
        for s in [
            "ERROR",
            "{ ($.a = 1 }",
            "{ $.a = \"x }",
            "",
            "{}",
            &format!("{{ {} }}", "(".repeat(100)),
        ] {
            assert!(Pattern::parse(s).is_none(), "{s}");
        }
        assert!(Pattern::parse(&format!("{{ $.a = {} }}", "x".repeat(9000))).is_none());
    }
}
