//! Shell-style wildcards over plain strings: `*` matches any run of characters (including none
//! and including `/` and `:`), `?` matches exactly one character, everything else matches itself.
//! Matching is case-sensitive, as ARNs and account ids are.
//!
//! A pattern is compiled into the segments between its stars. Each segment has a fixed length in
//! characters, so the leftmost match of each middle segment is the right one: matching is a
//! prefix test, a suffix test and one forward search per middle segment, with no backtracking
//! and no allocation.

use std::fmt;

/// A compiled wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    source: String,
    /// The segments between stars; one segment when there is no star.
    segments: Vec<Segment>,
}

/// A run of pattern characters without a star.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// Only literal characters: searched with `str::find`.
    Literal(String),
    /// Literal characters and `?` (`None`), one entry per character.
    Mixed(Vec<Option<char>>),
}

impl Segment {
    fn new(part: &str) -> Segment {
        if part.contains('?') {
            Segment::Mixed(part.chars().map(|c| (c != '?').then_some(c)).collect())
        } else {
            Segment::Literal(part.to_string())
        }
    }

    /// The byte length of the text this segment matches at the start of `text`, if it does.
    fn match_prefix(&self, text: &str) -> Option<usize> {
        match self {
            Segment::Literal(lit) => text.starts_with(lit.as_str()).then_some(lit.len()),
            Segment::Mixed(tokens) => {
                let mut chars = text.char_indices();
                for tok in tokens {
                    let (_, c) = chars.next()?;
                    if tok.is_some_and(|t| t != c) {
                        return None;
                    }
                }
                Some(chars.next().map_or(text.len(), |(i, _)| i))
            }
        }
    }

    /// The leftmost match in `text`: (start, end) byte offsets.
    fn find(&self, text: &str) -> Option<(usize, usize)> {
        match self {
            Segment::Literal(lit) => find_literal(text, lit).map(|i| (i, i + lit.len())),
            Segment::Mixed(_) => {
                for (i, _) in text.char_indices() {
                    let rest = text.get(i..)?;
                    if let Some(len) = self.match_prefix(rest) {
                        return Some((i, i + len));
                    }
                }
                // An empty remainder can only match an empty segment, and a mixed one is not.
                None
            }
        }
    }

    /// True when the segment matches the end of `text`; returns where that match starts.
    fn match_suffix(&self, text: &str) -> Option<usize> {
        match self {
            Segment::Literal(lit) => text.ends_with(lit.as_str()).then(|| text.len() - lit.len()),
            Segment::Mixed(tokens) => {
                // The start of the last `tokens.len()` characters.
                let start = if tokens.is_empty() {
                    text.len()
                } else {
                    text.char_indices().rev().nth(tokens.len() - 1)?.0
                };
                let tail = text.get(start..)?;
                (self.match_prefix(tail)? == tail.len()).then_some(start)
            }
        }
    }
}

/// The leftmost occurrence of `needle` in `hay`: a scan for the first byte, then a compare.
/// For the short texts matched here (ARNs, ids) this beats a searcher that first preprocesses
/// the needle. A match of valid UTF-8 in valid UTF-8 always starts on a character boundary.
fn find_literal(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let Some((&first, rest)) = n.split_first() else {
        return Some(0);
    };
    let last_start = h.len().checked_sub(n.len())?;
    let mut i = 0;
    while i <= last_start {
        let off = h.get(i..=last_start)?.iter().position(|&b| b == first)?;
        i += off;
        if h.get(i + 1..i + n.len()) == Some(rest) {
            return Some(i);
        }
        i += 1;
    }
    None
}

impl Glob {
    /// Compiles a pattern; every string is a valid pattern.
    pub fn new(pattern: &str) -> Glob {
        Glob {
            source: pattern.to_string(),
            segments: pattern.split('*').map(Segment::new).collect(),
        }
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// True when the pattern has no wildcard and so matches only itself.
    pub fn is_literal(&self) -> bool {
        matches!(self.segments.as_slice(), [Segment::Literal(_)])
    }

    /// The pattern as an anchored regular expression (`*` is `.*`, `?` is `.`), for matching
    /// many patterns at once with a `RegexSet`.
    pub fn to_regex(&self) -> String {
        let mut re = String::from("^(?s:");
        let mut literal = String::new();
        for c in self.source.chars() {
            if c == '*' || c == '?' {
                re.push_str(&regex::escape(&literal));
                literal.clear();
                re.push_str(if c == '*' { ".*" } else { "." });
            } else {
                literal.push(c);
            }
        }
        re.push_str(&regex::escape(&literal));
        re.push_str(")$");
        re
    }

    /// True when `text` matches the whole pattern.
    pub fn matches(&self, text: &str) -> bool {
        let (first, rest) = match self.segments.split_first() {
            Some(split) => split,
            None => return text.is_empty(),
        };
        let Some((last, middle)) = rest.split_last() else {
            // No star: the one segment must cover the whole text.
            return first.match_prefix(text) == Some(text.len());
        };
        let Some(start) = first.match_prefix(text) else {
            return false;
        };
        let Some(end) = text.get(start..).and_then(|t| last.match_suffix(t)) else {
            return false;
        };
        // The middle segments, leftmost first, between the prefix and the suffix.
        let Some(mut window) = text.get(start..start + end) else {
            return false;
        };
        for seg in middle {
            match seg.find(window) {
                Some((_, seg_end)) => match window.get(seg_end..) {
                    Some(w) => window = w,
                    None => return false,
                },
                None => return false,
            }
        }
        true
    }
}

impl fmt::Display for Glob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::Glob;

    #[test]
    fn literal_star_and_question_mark() {
        let g = Glob::new("arn:aws:ec2:*:123456789012:security-group/sg-0abc*");
        assert!(g.matches("arn:aws:ec2:ap-northeast-1:123456789012:security-group/sg-0abc1234"));
        assert!(g.matches("arn:aws:ec2::123456789012:security-group/sg-0abc"));
        assert!(!g.matches("arn:aws:ec2:ap-northeast-1:999999999999:security-group/sg-0abc1234"));
        assert!(Glob::new("ap-?????east-1").matches("ap-northeast-1"));
        assert!(!Glob::new("a?c").matches("ac"));
        assert!(Glob::new("").matches(""));
        assert!(!Glob::new("").matches("a"));
        assert!(Glob::new("*").matches(""));
        assert!(Glob::new("**a**").matches("bab"));
        assert!(!Glob::new("Abc").matches("abc"));
        assert!(Glob::new("日本*").matches("日本語"));
        assert!(Glob::new("日?語").matches("日本語"));
        assert!(Glob::new("*?語").matches("日本語"));
        assert!(!Glob::new("*??語").matches("日語"));
        assert!(Glob::new("abc").is_literal());
        assert!(!Glob::new("a*").is_literal());
        assert!(!Glob::new("a?").is_literal());
    }

    #[test]
    fn prefix_and_suffix_do_not_overlap() {
        assert!(!Glob::new("ab*ba").matches("aba"));
        assert!(Glob::new("ab*ba").matches("abba"));
        assert!(!Glob::new("a?*?a").matches("aa"));
        assert!(Glob::new("*ab*ab").matches("xxabyyabab"));
        assert!(!Glob::new("*ab*abc").matches("xxabyyabab"));
        assert!(Glob::new("a*b?c").matches("aXXbYc"));
        assert!(Glob::new("a*?b*c").matches("aXbc"));
        assert!(!Glob::new("a*?b*c").matches("abc"));
    }
}
