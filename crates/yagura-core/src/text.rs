use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::str::FromStr;

/// The language of user-facing text (REP-03).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Ja,
}

impl Lang {
    /// Picks the language from POSIX locale variables (`LC_ALL`, `LC_MESSAGES`, `LANG`).
    pub fn from_locale<F: Fn(&str) -> Option<String>>(var: F) -> Lang {
        for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Some(v) = var(name) {
                if v.is_empty() {
                    continue;
                }
                return if v.to_ascii_lowercase().starts_with("ja") {
                    Lang::Ja
                } else {
                    Lang::En
                };
            }
        }
        Lang::En
    }
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "en" | "english" => Ok(Lang::En),
            "ja" | "jp" | "japanese" => Ok(Lang::Ja),
            _ => Err(format!("unknown language `{s}` (expected en or ja)")),
        }
    }
}

/// A piece of text in English and Japanese. Static text borrows, computed text owns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    pub en: Cow<'static, str>,
    pub ja: Cow<'static, str>,
}

impl Text {
    /// Static text, usable in `const` check declarations.
    pub const fn new(en: &'static str, ja: &'static str) -> Text {
        Text {
            en: Cow::Borrowed(en),
            ja: Cow::Borrowed(ja),
        }
    }

    /// Computed text.
    pub fn owned(en: String, ja: String) -> Text {
        Text {
            en: Cow::Owned(en),
            ja: Cow::Owned(ja),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Ja => &self.ja,
        }
    }
}

/// Builds a [`Text`] from two format strings sharing arguments:
/// `text!("user {u} has no MFA", "ユーザー {u} に MFA がありません", u = name)`.
#[macro_export]
macro_rules! text {
    ($en:literal, $ja:literal $(, $($arg:tt)*)?) => {
        $crate::Text::owned(format!($en $(, $($arg)*)?), format!($ja $(, $($arg)*)?))
    };
}
