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

/// The lines of an error for the user: each cause of the chain joined by `: ` (what `{:#}`
/// prints), in Japanese the errors whose words are yagura's rendered in Japanese and the
/// messages of the operating system quoted in 「」 (outside text, in the system's language).
pub fn error_text(e: &anyhow::Error) -> String {
    if !ja() {
        return format!("{e:#}");
    }
    e.chain().map(cause_ja).collect::<Vec<_>>().join(": ")
}

fn cause_ja(c: &(dyn std::error::Error + 'static)) -> String {
    use yagura_creds::output::OutputError;
    use yagura_creds::profile::ProfileError;
    if let Some(io) = c.downcast_ref::<std::io::Error>() {
        return format!("「{io}」");
    }
    if let Some(p) = c.downcast_ref::<ProfileError>() {
        match p {
            ProfileError::NotFound(name) => {
                return format!(
                    "プロファイル `{name}` は `config` ファイルにも `credentials` ファイルにも定義されていません"
                )
            }
            ProfileError::NoCredentials(name) => {
                return format!(
                    "プロファイル `{name}` に認証情報がありません(`aws_access_key_id`/`aws_secret_access_key`、`credential_process`、`source_profile` 付きの `role_arn` のいずれもありません)"
                )
            }
            _ => {}
        }
    }
    if let Some(OutputError::NoSessionToken) = c.downcast_ref::<OutputError>() {
        return "コンソールへのサインインにはセッショントークン付きの一時的な認証情報が必要です。長期のキーではサインインできません(先にロールを引き受けてください)".to_string();
    }
    if let Some(e) = c.downcast_ref::<yagura_inventory::CollectError>() {
        return e.ja();
    }
    if let Some(e) = c.downcast_ref::<yagura_collect::CollectorError>() {
        use yagura_collect::CollectorError;
        return match e {
            CollectorError::Identity(e) => {
                format!("認証情報がどのアカウントのものか確認できません: {}", e.ja())
            }
            CollectorError::Regions(e) => {
                format!("有効なリージョンを一覧できません: {}", e.ja())
            }
            CollectorError::Organization(e) => {
                format!("組織のアカウントを一覧できません: {}", e.ja())
            }
            other => format!("「{other}」"),
        };
    }
    if let Some(e) = c.downcast_ref::<yagura_trail::source::SourceError>() {
        return source_error_ja(e);
    }
    if let Some(e) = c.downcast_ref::<yagura_trail::source::PollError>() {
        use yagura_trail::source::PollError;
        return match e {
            // its source follows in the chain
            PollError::List { prefix, .. } => format!("`{prefix}` を一覧できません"),
            PollError::Progress(why) => format!("進捗を記録できません:「{why}」"),
            other => format!("「{other}」"),
        };
    }
    if let Some(e) = c.downcast_ref::<yagura_trail::consume::ConsumeError>() {
        use yagura_trail::consume::ConsumeError;
        return match e {
            // its source follows in the chain
            ConsumeError::Receive(_) => "メッセージを受信できません".to_string(),
            ConsumeError::Progress(why) => format!("進捗を記録できません:「{why}」"),
            other => format!("「{other}」"),
        };
    }
    // the message of an error this chain does not translate yet, as it is
    c.to_string()
}

/// An object store's or a queue's error in Japanese: what it was about, AWS's message quoted.
fn source_error_ja(e: &yagura_trail::source::SourceError) -> String {
    use yagura_trail::source::SourceError;
    match e {
        SourceError::AccessDenied { what, message } => {
            format!("`{what}` へのアクセスが拒否されました: {}", message.ja)
        }
        SourceError::NotFound { what, message } => {
            format!("`{what}` は存在しません: {}", message.ja)
        }
        SourceError::Other {
            what,
            code,
            message,
        } => format!("`{what}`: `{code}`: {}", message.ja),
        other => format!("「{other}」"),
    }
}

#[cfg(test)]
mod tests {
    use super::cause_ja;
    use yagura_inventory::{CollectError, Hint};
    use yagura_trail::source::said;
    use yagura_trail::SourceError;

    /// Issue 19: an AWS error in a Japanese error chain has yagura's words in Japanese and
    /// AWS's quoted, whether it comes as a CollectError, inside the collector's error or as an
    /// object store's error.
    #[test]
    fn aws_errors_in_a_chain_are_said_in_japanese_with_the_hint() {
        let denied = CollectError::new("sts:GetCallerIdentity", "AccessDenied", "Not authorized")
            .with_hint();
        let hint = &Hint::AccessDenied.text().ja;
        let want = format!(
            "`sts:GetCallerIdentity` が失敗しました(`AccessDenied`): 「Not authorized」({hint})"
        );
        assert_eq!(cause_ja(&denied), want);
        let e = yagura_collect::CollectorError::Identity(denied.clone());
        assert_eq!(
            cause_ja(&e),
            format!("認証情報がどのアカウントのものか確認できません: {want}")
        );
        let e = SourceError::AccessDenied {
            what: "s3://trail".to_string(),
            message: denied.detail_text(),
        };
        assert_eq!(
            cause_ja(&e),
            format!("`s3://trail` へのアクセスが拒否されました: 「Not authorized」({hint})")
        );
        assert_eq!(
            e.to_string(),
            format!(
                "access denied to `s3://trail`: Not authorized ({})",
                Hint::AccessDenied.text().en
            )
        );
        let e = SourceError::NotFound {
            what: "s3://trail/key".to_string(),
            message: said("The specified key does not exist."),
        };
        assert_eq!(
            cause_ja(&e),
            "`s3://trail/key` は存在しません: 「The specified key does not exist.」"
        );
    }
}
