//! Wildcard patterns (`*`, `?`) with policy variables (`${aws:username}`, `${aws:username, 'x'}`,
//! `${*}`, `${?}`, `${$}`). Actions match case-insensitively, resources case-sensitively and ARN
//! segment by segment.

/// One token of a compiled pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok {
    Byte(u8),
    /// `*`: any run of characters, possibly empty.
    Star,
    /// `?`: exactly one character.
    One,
}

/// A piece of a pattern that contains policy variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// Literal text in which `*` and `?` are wildcards.
    Glob(String),
    /// A variable, replaced by the context value (taken literally) or the default.
    Var {
        key: String,
        default: Option<String>,
    },
    /// `${*}`, `${?}`, `${$}`: the literal character.
    Escaped(u8),
}

/// A compiled Action or Resource pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// The pattern as written.
    pub raw: String,
    /// Compiled tokens when the pattern has no variables (lowercased for actions).
    pub toks: Option<Vec<Tok>>,
    /// The pieces when the pattern has variables.
    pub segs: Vec<Seg>,
}

pub fn compile(s: &str) -> Vec<Tok> {
    s.bytes()
        .map(|b| match b {
            b'*' => Tok::Star,
            b'?' => Tok::One,
            _ => Tok::Byte(b),
        })
        .collect()
}

/// Splits `s` into literal and variable pieces; `None` when it has no variable.
pub fn split_vars(s: &str) -> Option<Vec<Seg>> {
    if !s.contains("${") {
        return None;
    }
    let mut segs = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            break;
        };
        if start > 0 {
            segs.push(Seg::Glob(rest[..start].to_string()));
        }
        let inner = after[..end].trim();
        match inner {
            "*" => segs.push(Seg::Escaped(b'*')),
            "?" => segs.push(Seg::Escaped(b'?')),
            "$" => segs.push(Seg::Escaped(b'$')),
            _ => {
                let (key, default) = match inner.split_once(',') {
                    Some((k, d)) => {
                        let d = d.trim();
                        let d = d
                            .strip_prefix('\'')
                            .and_then(|d| d.strip_suffix('\''))
                            .unwrap_or(d);
                        (k.trim(), Some(d.to_string()))
                    }
                    None => (inner, None),
                };
                segs.push(Seg::Var {
                    key: key.to_ascii_lowercase(),
                    default,
                });
            }
        }
        rest = &after[end + 1..];
    }
    if !rest.is_empty() {
        segs.push(Seg::Glob(rest.to_string()));
    }
    Some(segs)
}

impl Pattern {
    fn new(raw: &str, lower: bool) -> Pattern {
        match split_vars(raw) {
            None => {
                let text = if lower {
                    raw.to_ascii_lowercase()
                } else {
                    raw.to_string()
                };
                Pattern {
                    raw: raw.to_string(),
                    toks: Some(compile(&text)),
                    segs: Vec::new(),
                }
            }
            Some(segs) => Pattern {
                raw: raw.to_string(),
                toks: None,
                segs,
            },
        }
    }

    /// An Action pattern (matched case-insensitively).
    pub fn action(raw: &str) -> Pattern {
        Pattern::new(raw, true)
    }

    /// A Resource pattern (case-sensitive, may hold variables).
    pub fn resource(raw: &str) -> Pattern {
        Pattern::new(raw, false)
    }

    pub fn has_vars(&self) -> bool {
        self.toks.is_none()
    }

    /// Tokens after substituting variables with `lookup`; `None` when a variable has no value
    /// and no default (the pattern then matches nothing).
    pub fn render<'a, F>(&self, lookup: F) -> Option<std::borrow::Cow<'_, [Tok]>>
    where
        F: Fn(&str) -> Option<&'a str>,
    {
        if let Some(t) = &self.toks {
            return Some(std::borrow::Cow::Borrowed(t));
        }
        render_segs(&self.segs, lookup).map(std::borrow::Cow::Owned)
    }

    /// Case-insensitive match of an action name (the input must already be lowercase ASCII).
    pub fn matches_action_lower(&self, action_lower: &str) -> bool {
        match &self.toks {
            Some(t) => glob(t, action_lower.as_bytes()),
            None => glob(
                &compile(&self.raw.to_ascii_lowercase()),
                action_lower.as_bytes(),
            ),
        }
    }
}

pub fn render_segs<'a, F>(segs: &[Seg], lookup: F) -> Option<Vec<Tok>>
where
    F: Fn(&str) -> Option<&'a str>,
{
    let mut out = Vec::new();
    for s in segs {
        match s {
            Seg::Glob(g) => out.extend(compile(g)),
            Seg::Escaped(b) => out.push(Tok::Byte(*b)),
            Seg::Var { key, default } => {
                let v = lookup(key).or(default.as_deref())?;
                out.extend(v.bytes().map(Tok::Byte));
            }
        }
    }
    Some(out)
}

fn char_len(b: u8) -> usize {
    match b {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// Wildcard match of `s` against `toks` (linear-time greedy algorithm with one backtrack point).
pub fn glob(toks: &[Tok], s: &[u8]) -> bool {
    let (mut p, mut i) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while i < s.len() {
        match toks.get(p) {
            Some(Tok::Byte(b)) if *b == s[i] => {
                p += 1;
                i += 1;
            }
            Some(Tok::One) => {
                p += 1;
                i += char_len(s[i]);
            }
            Some(Tok::Star) => {
                star = Some((p, i));
                p += 1;
            }
            _ => match star {
                Some((sp, si)) => {
                    p = sp + 1;
                    let ni = si + char_len(s[si]);
                    star = Some((sp, ni));
                    i = ni;
                }
                None => return false,
            },
        }
    }
    if i > s.len() {
        return false;
    }
    toks[p.min(toks.len())..].iter().all(|t| *t == Tok::Star)
}

/// Case-sensitive wildcard match of a string against a pattern text without variables.
pub fn glob_str(pattern: &str, s: &str) -> bool {
    glob(&compile(pattern), s.as_bytes())
}

/// Matches a resource ARN against a rendered pattern: `*` alone matches everything; two ARNs are
/// compared segment by segment (the first five `:`-separated segments, then the rest) so a
/// wildcard cannot cross a segment boundary; anything else is one wildcard match.
pub fn match_resource(toks: &[Tok], resource: &str) -> bool {
    if toks.len() == 1 && toks[0] == Tok::Star {
        return true;
    }
    let is_arn = |t: &[Tok]| {
        t.len() >= 4
            && t[..4]
                == [
                    Tok::Byte(b'a'),
                    Tok::Byte(b'r'),
                    Tok::Byte(b'n'),
                    Tok::Byte(b':'),
                ]
    };
    if is_arn(toks) && resource.starts_with("arn:") {
        let pparts: Vec<&[Tok]> = toks.splitn(6, |t| *t == Tok::Byte(b':')).collect();
        let rparts: Vec<&str> = resource.splitn(6, ':').collect();
        if pparts.len() == 6 && rparts.len() == 6 {
            return pparts
                .iter()
                .zip(rparts.iter())
                .all(|(p, r)| glob(p, r.as_bytes()));
        }
    }
    glob(toks, resource.as_bytes())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_str("s3:Get*", "s3:GetObject"));
        assert!(!glob_str("s3:Get*", "s3:PutObject"));
        assert!(glob_str("*", ""));
        assert!(glob_str("a?c", "aéc"));
        assert!(glob_str("*a*b", "xxaxxb"));
        assert!(!glob_str("a", "ab"));
    }

    #[test]
    fn variables_split() {
        let s = split_vars("arn:aws:s3:::b/${aws:username, 'anon'}/${*}").unwrap();
        assert_eq!(
            s[1],
            Seg::Var {
                key: "aws:username".into(),
                default: Some("anon".into())
            }
        );
        assert_eq!(s[3], Seg::Escaped(b'*'));
    }

    #[test]
    fn arn_segments() {
        assert!(match_resource(
            &compile("arn:aws:iam::*:role/x"),
            "arn:aws:iam::1:role/x"
        ));
        assert!(!match_resource(
            &compile("arn:aws:iam::*:role/x"),
            "arn:aws:iam::1:2:role/x"
        ));
        assert!(match_resource(
            &compile("arn:aws:s3:::b/*"),
            "arn:aws:s3:::b/k:1"
        ));
    }
}
