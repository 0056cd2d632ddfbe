//! Making outside strings inert for each format, in one place: the report writers, the
//! notification renderers and the binary's messages (stdout, stderr) and JSON all escape with
//! these; no other crate has an escaping of its own.
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

/// Text for the Markdown subset that Microsoft Teams renders in an Adaptive Card (`TextBlock`,
/// `FactSet` values): [`one_line`], then every ASCII punctuation mark Markdown gives a meaning
/// (emphasis, links, code, headings, lists, HTML) backslash-escaped, so an outside string is
/// shown as written and never becomes a link or a mention.
pub fn teams_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in one_line(s).chars() {
        if "\\`*_{}[]()<>#+-.!|~&".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// RFC 3986 unreserved characters (letters, digits, `-._~`) as they are, every other byte
/// percent-encoded: a URI path segment or query value.
pub fn uri_component(s: &str) -> String {
    const COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(s, COMPONENT).to_string()
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

/// JSON for a file or a terminal: pretty-printed, and besides the escapes JSON requires (quote,
/// backslash, C0 controls) every other control (DEL, C1 such as U+009B CSI and U+0085 NEL) and
/// every [`bidi`] character is written as a `\uXXXX` escape. The document reads back to the
/// same strings; no byte of it acts on a terminal.
pub fn write_json<W: std::io::Write, T: serde::Serialize + ?Sized>(
    out: W,
    value: &T,
) -> Result<(), serde_json::Error> {
    let mut ser = serde_json::Serializer::with_formatter(
        out,
        SafeJson(serde_json::ser::PrettyFormatter::new()),
    );
    value.serialize(&mut ser)
}

/// [`write_json`] into a string.
pub fn json_string<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, serde_json::Error> {
    let mut out = Vec::new();
    write_json(&mut out, value)?;
    // the serializer writes UTF-8 only
    Ok(String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// serde_json's pretty printer with the escapes of [`write_json`].
struct SafeJson<'a>(serde_json::ser::PrettyFormatter<'a>);

impl serde_json::ser::Formatter for SafeJson<'_> {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        // serde_json has escaped the C0 controls, so the printable ASCII prefix (the whole
        // fragment, mostly) is written as it is; only DEL and non-ASCII need a look.
        let Some(first) = fragment.bytes().position(|b| b >= 0x7f) else {
            return w.write_all(fragment.as_bytes());
        };
        let mut start = 0;
        for (i, c) in fragment[first..].char_indices() {
            let i = first + i;
            if terminal_unsafe(c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                write!(w, "\\u{:04x}", u32::from(c))?;
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
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
    fn json_escapes_what_acts_on_a_terminal_and_reads_back() {
        let s = "a\nb\u{1b}[2K\u{9b}1m\u{85}\u{7f}\u{202e}x\u{2066}\u{2028}\"\\é";
        let v = serde_json::json!({"k": [s], s: 1});
        let out = json_string(&v).unwrap();
        assert!(
            !out.chars().any(|c| terminal_unsafe(c) && c != '\n'),
            "{out}"
        );
        assert!(
            out.contains("\\u009b") && out.contains("\\u202e") && out.contains('é'),
            "{out}"
        );
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back, v);
        // the printable ASCII prefix is copied as it is; what follows is still looked at
        for (s, escaped) in [
            ("plain ascii", "\"plain ascii\""),
            ("abc\u{7f}", "\"abc\\u007f\""),
            ("ab日本\u{202e}語", "\"ab日本\\u202e語\""),
            ("\u{2066}", "\"\\u2066\""),
        ] {
            assert_eq!(json_string(s).unwrap(), escaped);
        }
        // pretty like serde_json's own
        assert_eq!(
            json_string(&serde_json::json!({"a": [1, 2]})).unwrap(),
            serde_json::to_string_pretty(&serde_json::json!({"a": [1, 2]})).unwrap()
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
