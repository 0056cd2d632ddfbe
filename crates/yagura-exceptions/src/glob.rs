//! Shell-style wildcards over plain strings: `*` matches any run of characters (including none
//! and including `/` and `:`), `?` matches exactly one character, everything else matches itself.
//! Matching is case-sensitive, as ARNs and account ids are.

use std::fmt;

/// A compiled wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    source: String,
    tokens: Vec<Token>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Char(char),
    Any,
    Star,
}

impl Glob {
    /// Compiles a pattern; every string is a valid pattern.
    pub fn new(pattern: &str) -> Glob {
        let mut tokens = Vec::with_capacity(pattern.len());
        for c in pattern.chars() {
            match c {
                // Consecutive stars match the same as one.
                '*' if tokens.last() == Some(&Token::Star) => {}
                '*' => tokens.push(Token::Star),
                '?' => tokens.push(Token::Any),
                c => tokens.push(Token::Char(c)),
            }
        }
        Glob {
            source: pattern.to_string(),
            tokens,
        }
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// True when the pattern has no wildcard and so matches only itself.
    pub fn is_literal(&self) -> bool {
        self.tokens.iter().all(|t| matches!(t, Token::Char(_)))
    }

    /// True when `text` matches the whole pattern.
    ///
    /// Linear backtracking over the last star: O(pattern × text) in the worst case, no recursion.
    pub fn matches(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().collect();
        let (mut p, mut t) = (0usize, 0usize);
        // Position of the last star seen, and the text position it was tried at.
        let mut backtrack: Option<(usize, usize)> = None;
        while t < text.len() {
            match (self.tokens.get(p), text.get(t)) {
                (Some(Token::Star), _) => {
                    backtrack = Some((p, t));
                    p += 1;
                }
                (Some(Token::Any), Some(_)) => {
                    p += 1;
                    t += 1;
                }
                (Some(Token::Char(a)), Some(b)) if a == b => {
                    p += 1;
                    t += 1;
                }
                _ => match backtrack {
                    Some((star, tried)) => {
                        // Let the star swallow one more character.
                        p = star + 1;
                        t = tried + 1;
                        backtrack = Some((star, tried + 1));
                    }
                    None => return false,
                },
            }
        }
        self.tokens
            .get(p..)
            .is_some_and(|rest| rest.iter().all(|tok| *tok == Token::Star))
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
        assert!(Glob::new("abc").is_literal());
        assert!(!Glob::new("a*").is_literal());
    }

    #[test]
    fn star_backtracks() {
        assert!(Glob::new("*ab*ab").matches("xxabyyabab"));
        assert!(!Glob::new("*ab*abc").matches("xxabyyabab"));
        assert!(Glob::new("a*b?c").matches("aXXbYc"));
    }
}
