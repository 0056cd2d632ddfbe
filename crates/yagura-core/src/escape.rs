//! Making outside strings inert for each format, in one place: the report writers, the
//! notification renderers and the binary's messages all escape with these.
//!
//! Every function treats the same characters as dangerous to display: C0 and C1 controls (ESC
//! starts ANSI sequences), DEL, and [`bidi`] (the Unicode bidirectional controls and line
//! separators that reorder or break displayed text, "Trojan Source").

use std::borrow::Cow;
use std::fmt::Write as _;

/// The Unicode bidirectional controls (marks, embeddings, overrides, isolates) and the line and
/// paragraph separators: they reorder or break the text displayed after them.
pub fn bidi(c: char) -> bool {
    matches!(
        c,
        '\u{061c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// True for characters that change how a terminal shows the rest of the line: C0 and C1
/// controls, DEL and [`bidi`].
fn terminal_unsafe(c: char) -> bool {
    c.is_control() || bidi(c)
}

/// Text for a terminal: every control character (ESC included, so no ANSI sequence survives),
/// newline and tab included, and every bidirectional override is written as a visible
/// `\u{..}` escape.
pub fn terminal_safe(s: &str) -> Cow<'_, str> {
    if !s.chars().any(terminal_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if terminal_unsafe(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A CSV cell a spreadsheet reads as text: a cell starting with `=`, `+`, `-`, `@`, tab or
/// carriage return gets a leading `'` (OWASP, CSV injection); NUL becomes U+FFFD.
pub fn csv_cell(s: &str) -> Cow<'_, str> {
    let risky = matches!(
        s.chars().next(),
        Some(
            '=' | '+' | '-' | '@' | '\t' | '\r' | '\u{ff1d}' | '\u{ff0b}' | '\u{ff0d}' | '\u{ff20}'
        )
    );
    // NUL and terminal controls (ESC of ANSI sequences, C1) would act when the file is shown
    // in a terminal; tab and line breaks are cell content that the quoting carries.
    let control = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    let has_control = s.chars().any(control);
    if !risky && !has_control {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 1);
    if risky {
        out.push('\'');
    }
    for c in s.chars() {
        out.push(if control(c) { '\u{fffd}' } else { c });
    }
    Cow::Owned(out)
}

/// True for characters XML 1.0 does not allow anywhere (`Char` production: C0 controls other
/// than tab, newline and carriage return, U+FFFE, U+FFFF; surrogates cannot occur in `str`), and
/// for the ones it discourages that a terminal would act on (DEL and the C1 controls).
fn xml_illegal(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{fffe}' || c == '\u{ffff}'
}

/// XML-escapes `s` for element content or a quoted attribute: `& < > " '` become entities,
/// tab, newline and carriage return become character references (so attributes keep them), and
/// characters illegal in XML 1.0, DEL and C1 controls become U+FFFD.
pub fn xml_escape(s: &str) -> Cow<'_, str> {
    if !s
        .chars()
        .any(|c| matches!(c, '&' | '<' | '>' | '"' | '\'' | '\t' | '\n' | '\r') || xml_illegal(c))
    {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if xml_illegal(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// HTML-escapes `s` for text or a quoted attribute: `& < > " '` become entities; control
/// characters other than tab and newline (NUL, ESC, C1, DEL) and [`bidi`] become U+FFFD.
pub fn html_escape(s: &str) -> Cow<'_, str> {
    let replaced = |c: char| (c.is_control() && !matches!(c, '\t' | '\n')) || bidi(c);
    let unsafe_char = |c: char| matches!(c, '&' | '<' | '>' | '"' | '\'') || replaced(c);
    if !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' => out.push(c),
            c if replaced(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// One line of plain text (a title, a header, a field): line breaks and tabs become spaces,
/// other control characters and [`bidi`] become U+FFFD.
pub fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            c if c.is_control() || bidi(c) => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// Plain text of several lines (a message, an error for the terminal): like [`one_line`] but
/// keeps line breaks and tabs.
pub fn multi_line(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\n' | '\t' => c,
            c if c.is_control() || bidi(c) => '\u{FFFD}',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_ansi_and_controls() {
        assert_eq!(
            terminal_safe("\x1b[31mred\x1b[0m"),
            "\\u{1b}[31mred\\u{1b}[0m"
        );
        assert_eq!(terminal_safe("a\nb\0c\u{9b}d"), "a\\u{a}b\\u{0}c\\u{9b}d");
        assert_eq!(terminal_safe("abc\u{202e}cba"), "abc\\u{202e}cba");
        assert!(matches!(terminal_safe("日本語"), Cow::Borrowed(_)));
    }

    #[test]
    fn csv_formulas_are_defused() {
        for s in ["=HYPERLINK(\"x\")", "+cmd", "-2+3", "@SUM(1)", "\tx", "\rx"] {
            assert_eq!(csv_cell(s), format!("'{s}"));
        }
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a\0b"), "a\u{fffd}b");
        assert_eq!(csv_cell("a=b"), "a=b");
    }

    #[test]
    fn xml_escapes_and_strips_illegal() {
        assert_eq!(
            xml_escape("<a href=\"x\">&'\u{1}\u{1b}\u{fffe}\u{9b}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;\u{fffd}\u{fffd}\u{fffd}\u{fffd}"
        );
        assert_eq!(xml_escape("a\nb"), "a&#10;b");
    }

    #[test]
    fn html_escapes() {
        assert_eq!(
            html_escape("\"><img src=x onerror=alert(1)>"),
            "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(
            html_escape("a\u{0}b\u{1b}c\u{202e}"),
            "a\u{fffd}b\u{fffd}c\u{fffd}"
        );
    }

    #[test]
    fn plain_text_in_one_or_several_lines() {
        let hostile = "a\x1b[31m\nb\tc\u{202e}d\u{2066}e\u{200f}f\u{2028}g";
        assert_eq!(
            one_line(hostile),
            "a\u{fffd}[31m b c\u{fffd}d\u{fffd}e\u{fffd}f\u{fffd}g"
        );
        assert_eq!(
            multi_line(hostile),
            "a\u{fffd}[31m\nb\tc\u{fffd}d\u{fffd}e\u{fffd}f\u{fffd}g"
        );
        // Every function treats the same characters as bidi.
        for c in ['\u{061c}', '\u{200e}', '\u{2029}', '\u{202a}', '\u{2069}'] {
            let s = c.to_string();
            assert_ne!(terminal_safe(&s), s);
            assert_eq!(html_escape(&s), "\u{fffd}");
            assert_eq!(one_line(&s), "\u{fffd}");
            assert_eq!(multi_line(&s), "\u{fffd}");
        }
    }
}
