//! The language of the binary's own words: progress lines, warnings, errors and the tables of
//! the commands that are not reports. `main` fixes it once from `--lang` (else the locale)
//! before any command runs; [`tr!`] then picks the English or the Japanese template, each a whole
//! sentence with its own word order (never an English template spliced into a Japanese one).
//! The terms follow `docs/glossary-ja.tsv` (AWS's Japanese console and documentation), which
//! `tests/japanese.rs` enforces.

use std::sync::OnceLock;
use yagura_core::Lang;

static LANG: OnceLock<Lang> = OnceLock::new();

/// Fixes the language of this process (the first call wins).
pub fn set(lang: Lang) {
    let _ = LANG.set(lang);
}

/// The language fixed by [`set`]; English before it.
pub fn lang() -> Lang {
    LANG.get().copied().unwrap_or_default()
}

pub fn ja() -> bool {
    lang() == Lang::Ja
}

/// `format!` of the English or the Japanese template, sharing the arguments:
/// `tr!("{n} run(s) stored", "{n} 件の実行を保存しました", n = n)`.
#[macro_export]
macro_rules! tr {
    ($en:literal, $ja:literal $(, $($arg:tt)*)?) => {
        if $crate::i18n::ja() {
            format!($ja $(, $($arg)*)?)
        } else {
            format!($en $(, $($arg)*)?)
        }
    };
}

/// `eprintln!` of [`tr!`].
#[macro_export]
macro_rules! etr {
    ($en:literal, $ja:literal $(, $($arg:tt)*)?) => {
        eprintln!("{}", $crate::tr!($en, $ja $(, $($arg)*)?))
    };
}

/// `error: ` / `エラー: `, the prefix of an error line.
pub fn error_prefix() -> &'static str {
    if ja() {
        "エラー"
    } else {
        "error"
    }
}

/// `warning: ` / `警告: `, the prefix of a warning line.
pub fn warning_prefix() -> &'static str {
    if ja() {
        "警告"
    } else {
        "warning"
    }
}
