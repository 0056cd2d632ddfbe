//! A finding's message: bilingual text, rendered when read.
//!
//! An audit of a large estate holds millions of findings, most of them a sentence naming the
//! resource ("instance i-0abc has no public IPv4 address"). Rendering both languages of every
//! one at evaluation time cost two formatted strings per finding — most of the evaluation's
//! allocations and memory — while a report shows one language of a few of them. A [`Message`]
//! made by [`msg!`](crate::msg) keeps the two static templates and the arguments as short
//! inline strings, and renders a language when it is read. A message made from a [`Text`] is
//! kept as it is.

use crate::{Lang, Text};
pub use compact_str::CompactString;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

/// Two format strings sharing named arguments, checked when the program is compiled
/// ([`Template::check`]): only `{name}` placeholders naming one of `names`, and `{{` / `}}`.
#[derive(Debug)]
pub struct Template {
    pub en: &'static str,
    pub ja: &'static str,
    pub names: &'static [&'static str],
}

/// The most arguments a template takes; a message with more is built eagerly with `text!`.
pub const MAX_ARGS: usize = 3;

impl Template {
    /// True when both strings use only `{NAME}` placeholders naming one of `names`, at most
    /// [`MAX_ARGS`] names, and braces otherwise doubled. Run at compile time by [`msg!`](crate::msg).
    pub const fn check(&self) -> bool {
        self.names.len() <= MAX_ARGS && valid(self.en, self.names) && valid(self.ja, self.names)
    }

    fn render(&self, lang: Lang, args: &Args) -> String {
        let tpl = match lang {
            Lang::En => self.en,
            Lang::Ja => self.ja,
        };
        let mut out = String::with_capacity(tpl.len() + args.buf.len());
        let mut rest = tpl;
        while let Some(i) = rest.find(['{', '}']) {
            out.push_str(&rest[..i]);
            let tail = &rest[i..];
            if tail.starts_with("{{") || tail.starts_with("}}") {
                out.push_str(&tail[..1]);
                rest = &tail[2..];
                continue;
            }
            // A placeholder, `{name}` (msg! checks its templates at compile time; a template
            // built by hand that is not one keeps its text as it is).
            let Some(end) = tail.starts_with('{').then(|| tail.find('}')).flatten() else {
                out.push_str(&tail[..1]);
                rest = &tail[1..];
                continue;
            };
            let name = &tail[1..end];
            match self.names.iter().position(|n| *n == name) {
                Some(k) => out.push_str(args.get(k)),
                None => out.push_str(&tail[..=end]),
            }
            rest = &tail[end + 1..];
        }
        out.push_str(rest);
        out
    }
}

const fn valid(s: &str, names: &[&str]) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'{' if i + 1 < b.len() && b[i + 1] == b'{' => i += 2,
            b'}' if i + 1 < b.len() && b[i + 1] == b'}' => i += 2,
            b'}' => return false,
            b'{' => {
                let start = i + 1;
                let mut end = start;
                while end < b.len() && b[end] != b'}' {
                    end += 1;
                }
                if end == b.len() || !names_one(b, start, end, names) {
                    return false;
                }
                i = end + 1;
            }
            _ => i += 1,
        }
    }
    true
}

/// True when `b[start..end]` is one of `names`.
const fn names_one(b: &[u8], start: usize, end: usize, names: &[&str]) -> bool {
    let mut k = 0;
    while k < names.len() {
        let n = names[k].as_bytes();
        if n.len() == end - start {
            let mut j = 0;
            while j < n.len() && n[j] == b[start + j] {
                j += 1;
            }
            if j == n.len() {
                return true;
            }
        }
        k += 1;
    }
    false
}

/// A finding's message in English and Japanese.
#[derive(Clone)]
pub struct Message(Repr);

#[derive(Clone)]
enum Repr {
    Text(Text),
    Template(&'static Template, Args),
}

impl Message {
    /// A message rendered from `tpl` when read; use [`msg!`](crate::msg), which checks the
    /// template when the program is compiled.
    pub fn template(tpl: &'static Template, args: Args) -> Message {
        Message(Repr::Template(tpl, args))
    }

    /// The message in `lang`.
    pub fn get(&self, lang: Lang) -> Cow<'_, str> {
        match &self.0 {
            Repr::Text(t) => Cow::Borrowed(t.get(lang)),
            Repr::Template(tpl, args) => Cow::Owned(tpl.render(lang, args)),
        }
    }

    pub fn en(&self) -> Cow<'_, str> {
        self.get(Lang::En)
    }

    pub fn ja(&self) -> Cow<'_, str> {
        self.get(Lang::Ja)
    }

    /// Both languages, rendered.
    pub fn to_text(&self) -> Text {
        match &self.0 {
            Repr::Text(t) => t.clone(),
            Repr::Template(..) => Text::owned(self.en().into_owned(), self.ja().into_owned()),
        }
    }
}

impl From<Text> for Message {
    fn from(t: Text) -> Message {
        Message(Repr::Text(t))
    }
}

impl PartialEq for Message {
    fn eq(&self, other: &Message) -> bool {
        self.en() == other.en() && self.ja() == other.ja()
    }
}

impl Eq for Message {}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Message")
            .field("en", &self.en())
            .field("ja", &self.ja())
            .finish()
    }
}

/// The same shape as [`Text`]: `{"en": …, "ja": …}`.
impl Serialize for Message {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Repr::Text(t) => t.serialize(s),
            Repr::Template(..) => self.to_text().serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Message {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Message, D::Error> {
        Text::deserialize(d).map(Message::from)
    }
}

/// Builds a [`Message`] from two format strings sharing named arguments, rendered when read:
/// `msg!("instance {i} has no role", "インスタンス {i} にロールがありません", i = id)`.
///
/// Only `{name}` placeholders naming an argument (no format specs, no captured variables), at
/// most three arguments, each `Display`; checked when the program is compiled. Anything else:
/// `text!`, which renders at once.
#[macro_export]
macro_rules! msg {
    ($en:literal, $ja:literal $(, $name:ident = $val:expr)* $(,)?) => {{
        const TEMPLATE: &$crate::Template = &$crate::Template {
            en: $en,
            ja: $ja,
            names: &[$(stringify!($name)),*],
        };
        const _: () = assert!(
            TEMPLATE.check(),
            "msg!: only {{name}} placeholders naming an argument, at most 3 (else use text!)"
        );
        #[allow(unused_imports)]
        use $crate::message::{ViaDisplay as _, ViaStr as _};
        #[allow(unused_mut)]
        let mut args = $crate::message::Args::default();
        $((&$crate::message::ArgOf(&$val)).push_to(&mut args);)*
        $crate::Message::template(TEMPLATE, args)
    }};
}

/// The arguments of a template, one after the other in one string (inline, no allocation, up
/// to 24 bytes in all), with where each ends.
#[doc(hidden)]
#[derive(Clone, Default)]
pub struct Args {
    buf: CompactString,
    ends: [u32; MAX_ARGS],
    n: u8,
}

impl Args {
    fn push_str(&mut self, s: &str) {
        if self.buf.is_empty() {
            // The usual message has one argument: made at its size, inline up to 24 bytes.
            self.buf = CompactString::new(s);
        } else {
            self.buf.push_str(s);
        }
        self.end();
    }

    fn end(&mut self) {
        if let Some(e) = self.ends.get_mut(usize::from(self.n)) {
            *e = u32::try_from(self.buf.len()).unwrap_or(u32::MAX);
            self.n += 1;
        }
    }

    fn get(&self, k: usize) -> &str {
        if k >= usize::from(self.n) {
            return "";
        }
        let start = if k == 0 { 0 } else { self.ends[k - 1] as usize };
        self.buf.get(start..self.ends[k] as usize).unwrap_or("")
    }
}

/// An argument of [`msg!`]. Strings are copied as they are; anything else is written with
/// `Display` ([`ViaStr`] is picked first when both apply: `(&ArgOf(&v)).push_to(..)` finds it
/// without auto-ref).
#[doc(hidden)]
pub struct ArgOf<'a, T: ?Sized>(pub &'a T);

#[doc(hidden)]
pub trait ViaStr {
    fn push_to(&self, args: &mut Args);
}

impl<T: AsRef<str> + ?Sized> ViaStr for ArgOf<'_, T> {
    fn push_to(&self, args: &mut Args) {
        args.push_str(self.0.as_ref());
    }
}

#[doc(hidden)]
pub trait ViaDisplay {
    fn push_to(&self, args: &mut Args);
}

impl<T: fmt::Display + ?Sized> ViaDisplay for &ArgOf<'_, T> {
    fn push_to(&self, args: &mut Args) {
        use std::fmt::Write;
        // Writing to a string does not fail.
        let _ = write!(args.buf, "{}", self.0);
        args.end();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_template_renders_each_language_with_its_arguments() {
        let id = "i-0123456789abcdef0";
        let m = crate::msg!(
            "instance {i} has {n} roles {{not}} {n}",
            "インスタンス {i} のロールは {n} 個",
            i = id,
            n = 3
        );
        assert_eq!(m.en(), "instance i-0123456789abcdef0 has 3 roles {not} 3");
        assert_eq!(m.ja(), "インスタンス i-0123456789abcdef0 のロールは 3 個");
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(
            json,
            r#"{"en":"instance i-0123456789abcdef0 has 3 roles {not} 3","ja":"インスタンス i-0123456789abcdef0 のロールは 3 個"}"#
        );
        let back: Message = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
        let eager = crate::text!(
            "instance {id} has {n} roles {{not}} {n}",
            "インスタンス {id} のロールは {n} 個",
            n = 3
        );
        assert_eq!(Message::from(eager), m);
    }

    #[test]
    fn templates_are_checked() {
        let t = |en: &'static str, names: &'static [&'static str]| {
            Template { en, ja: "", names }.check()
        };
        assert!(t("a {x} b {y}", &["x", "y"]));
        assert!(t("{{x}} {x}", &["x"]));
        assert!(t("no arguments", &[]));
        assert!(!t("a {x:?}", &["x"]), "format specs are not supported");
        assert!(
            !t("a {z}", &["x"]),
            "a captured variable is not an argument"
        );
        assert!(!t("a }", &[]));
        assert!(!t("a {x", &["x"]));
        assert!(!t("{a}{b}{c}{d}", &["a", "b", "c", "d"]), "at most three");
    }

    #[test]
    fn a_template_built_by_hand_renders_without_panicking() {
        static T: Template = Template {
            en: "a } b {x} {y",
            ja: "{",
            names: &["x"],
        };
        let mut args = Args::default();
        args.push_str("X");
        let m = Message::template(&T, args);
        assert_eq!(m.en(), "a } b X {y");
        assert_eq!(m.ja(), "{");
    }
}

#[cfg(test)]
mod size {
    /// An audit holds millions of findings: a message no larger than a pair of strings.
    #[test]
    fn a_message_is_no_larger_than_a_text() {
        assert!(
            std::mem::size_of::<super::Message>() <= std::mem::size_of::<crate::Text>() + 8,
            "{} bytes",
            std::mem::size_of::<super::Message>()
        );
    }
}
