//! Why a piece of the inventory could not be read, and how yagura says it in each language.
//!
//! A [`CollectError`] keeps what the service (or the transport) said as it said it, and
//! yagura's own words about it as data: the [`Hint`] for the usual causes of its code and, for
//! an answer that was no valid response, the HTTP status. They are rendered when read, in
//! English ([`fmt::Display`]) or Japanese ([`CollectError::ja`]), so no language is baked
//! into a saved inventory.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;
use yagura_core::{Lang, Text};

/// Why a piece of the inventory could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Stored")]
pub struct CollectError {
    /// `ec2:DescribeSecurityGroups`.
    pub operation: String,
    /// The service's error code (`AccessDenied`, `Throttling`, `DispatchFailure`, …).
    pub code: String,
    /// What the service (or the transport) said, as it said it; empty when it said nothing.
    pub message: String,
    /// What usually causes an error with this code, and what to do (yagura's words).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Hint>,
    /// The HTTP status of an answer whose body was not a valid response of the service (the
    /// `message` is then empty: the service said nothing yagura could read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalid_response: Option<u16>,
}

impl CollectError {
    /// An error with the service's (or yagura's) `message` and no hint.
    pub fn new(operation: &str, code: &str, message: &str) -> CollectError {
        CollectError {
            operation: operation.to_string(),
            code: code.to_string(),
            message: message.to_string(),
            hint: None,
            invalid_response: None,
        }
    }

    pub fn not_collected() -> CollectError {
        CollectError::new("-", "NotCollected", "this data was not collected")
    }

    /// The same error with the hint for its code, if the code has one.
    pub fn with_hint(mut self) -> CollectError {
        self.hint = Hint::for_code(&self.code);
        self
    }

    /// The error in `lang`: the operation and the code as identifiers, then what was said. In
    /// English what [`fmt::Display`] writes; in Japanese the service's own message quoted in
    /// 「」 as it was written and yagura's words (a body that is no response, the hint) in
    /// Japanese.
    pub fn render(&self, lang: Lang) -> String {
        let detail = self.detail(lang);
        match (lang, detail.is_empty()) {
            (Lang::En, true) => format!("{}: {}", self.operation, self.code),
            (Lang::En, false) => format!("{}: {}: {detail}", self.operation, self.code),
            (Lang::Ja, true) => format!("`{}` が失敗しました(`{}`)", self.operation, self.code),
            (Lang::Ja, false) => format!(
                "`{}` が失敗しました(`{}`): {detail}",
                self.operation, self.code
            ),
        }
    }

    /// [`CollectError::render`] in Japanese.
    pub fn ja(&self) -> String {
        self.render(Lang::Ja)
    }

    /// [`CollectError::detail`] in both languages, for an error that names its operation its
    /// own way (`access denied to s3://bucket: …`).
    pub fn detail_text(&self) -> Text {
        Text::owned(self.detail(Lang::En), self.detail(Lang::Ja))
    }

    /// What was said, without the operation and the code: the message (or yagura's words for
    /// a body that is no response) and the hint, in `lang`. Empty when there is neither.
    pub fn detail(&self, lang: Lang) -> String {
        let said: Cow<'_, str> = match (self.invalid_response, lang) {
            (Some(s), Lang::En) => {
                format!("the service answered HTTP {s} with a body that is not a valid response")
                    .into()
            }
            (Some(s), Lang::Ja) => {
                format!("サービスは HTTP {s} で応答しましたが、本文は有効な応答ではありません")
                    .into()
            }
            (None, _) if self.message.is_empty() => "".into(),
            (None, Lang::En) => self.message.as_str().into(),
            (None, Lang::Ja) => format!("「{}」", self.message).into(),
        };
        let Some(hint) = self.hint else {
            return said.into_owned();
        };
        let hint = hint.text().get(lang);
        match (said.is_empty(), lang) {
            (true, _) => hint.to_string(),
            (false, Lang::En) => format!("{said} ({hint})"),
            (false, Lang::Ja) => format!("{said}({hint})"),
        }
    }
}

impl fmt::Display for CollectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

impl std::error::Error for CollectError {}

/// A [`CollectError`] as saved inventories hold it. Inventories saved before the hint and the
/// invalid response were data have them baked into the English `message`
/// (`Access Denied (the credentials' policies …)`, `the service answered HTTP 500 with a body
/// that is not a valid response`): they are taken back out when such a record is read, so it
/// renders like a new one, in either language, with its hint once.
#[derive(Deserialize)]
struct Stored {
    operation: String,
    code: String,
    message: String,
    #[serde(default)]
    hint: Option<Hint>,
    #[serde(default)]
    invalid_response: Option<u16>,
}

impl From<Stored> for CollectError {
    fn from(s: Stored) -> CollectError {
        let mut e = CollectError {
            operation: s.operation,
            code: s.code,
            message: s.message,
            hint: s.hint,
            invalid_response: s.invalid_response,
        };
        if e.hint.is_none() && e.message.ends_with(')') {
            if let Some((hint, said)) = Hint::ALL.iter().find_map(|h| {
                let said = e.message.strip_suffix(')')?;
                let said = said.strip_suffix(h.text().en.as_ref())?;
                Some((*h, said.strip_suffix(" (")?))
            }) {
                e.message.truncate(said.len());
                e.hint = Some(hint);
            }
        }
        if e.invalid_response.is_none() {
            if let Some(status) = old_invalid_response(&e.message) {
                e.invalid_response = Some(status);
                e.message.clear();
            }
        }
        e
    }
}

/// The status in the English words older inventories stored for a body that is no response.
fn old_invalid_response(message: &str) -> Option<u16> {
    message
        .strip_prefix("the service answered HTTP ")?
        .strip_suffix(" with a body that is not a valid response")?
        .parse()
        .ok()
}

/// What usually causes an error, and what to do (issue 19: errors a person can read). Saved
/// by name (`access_denied`), rendered in the reader's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Hint {
    AccessDenied,
    InvalidCredentials,
    Expired,
    Unreachable,
    Timeout,
    Throttled,
}

impl Hint {
    pub const ALL: [Hint; 6] = [
        Hint::AccessDenied,
        Hint::InvalidCredentials,
        Hint::Expired,
        Hint::Unreachable,
        Hint::Timeout,
        Hint::Throttled,
    ];

    /// The error codes (of the services, or yagura's names for transport failures) this hint
    /// explains.
    pub fn codes(self) -> &'static [&'static str] {
        match self {
            Hint::AccessDenied => &[
                "AccessDenied",
                "AccessDeniedException",
                "UnauthorizedOperation",
                "AuthorizationError",
                "AuthorizationErrorException",
            ],
            Hint::InvalidCredentials => &[
                "UnrecognizedClientException",
                "InvalidClientTokenId",
                "AuthFailure",
            ],
            Hint::Expired => &["ExpiredToken", "ExpiredTokenException", "RequestExpired"],
            Hint::Unreachable => &["DispatchFailure"],
            Hint::Timeout => &["Timeout"],
            Hint::Throttled => &[
                "Throttling",
                "ThrottlingException",
                "TooManyRequestsException",
                "RequestLimitExceeded",
            ],
        }
    }

    /// The hint for an error code, if it has one.
    pub fn for_code(code: &str) -> Option<Hint> {
        Hint::ALL.into_iter().find(|h| h.codes().contains(&code))
    }

    /// The hint in English and Japanese.
    pub fn text(self) -> &'static Text {
        static ACCESS_DENIED: Text = Text::new(
            "the credentials' policies do not allow this call: attach the AWS managed policies SecurityAudit and ViewOnlyAccess to the audit role",
            "認証情報のポリシーがこの呼び出しを許可していません。監査用のロールに AWS 管理ポリシー SecurityAudit と ViewOnlyAccess をアタッチしてください",
        );
        static INVALID_CREDENTIALS: Text = Text::new(
            "the credentials are not valid here: the region may be disabled for the account (an opt-in region) or the keys revoked",
            "この認証情報はここでは有効ではありません。アカウントでリージョンが有効になっていない(オプトインリージョン)か、キーが無効化されている可能性があります",
        );
        static EXPIRED: Text = Text::new(
            "the session expired: get new credentials (`yagura creds`)",
            "セッションの有効期限が切れました。新しい認証情報を取得してください(`yagura creds`)",
        );
        static UNREACHABLE: Text = Text::new(
            "the endpoint could not be reached: check the network, the proxy (HTTPS_PROXY) and the region name",
            "エンドポイントに到達できませんでした。ネットワーク、プロキシ(HTTPS_PROXY)、リージョン名を確認してください",
        );
        static TIMEOUT: Text = Text::new(
            "the service did not answer in time: try again, or with fewer regions at once",
            "サービスが時間内に応答しませんでした。再試行するか、一度に扱うリージョンを減らしてください",
        );
        static THROTTLED: Text = Text::new(
            "the service throttled the calls after retries: run again later or with fewer regions at once",
            "再試行してもサービスが呼び出しを抑制しました(スロットリング)。時間をおくか、一度に扱うリージョンを減らして実行してください",
        );
        match self {
            Hint::AccessDenied => &ACCESS_DENIED,
            Hint::InvalidCredentials => &INVALID_CREDENTIALS,
            Hint::Expired => &EXPIRED,
            Hint::Unreachable => &UNREACHABLE,
            Hint::Timeout => &TIMEOUT,
            Hint::Throttled => &THROTTLED,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn denied() -> CollectError {
        CollectError::new("s3:ListObjectsV2", "AccessDenied", "Access Denied").with_hint()
    }

    #[test]
    fn every_hint_renders_in_both_languages_after_what_the_service_said() {
        for hint in Hint::ALL {
            let t = hint.text();
            for code in hint.codes() {
                assert_eq!(Hint::for_code(code), Some(hint));
                let e = CollectError::new("sts:GetCallerIdentity", code, "said").with_hint();
                assert_eq!(
                    e.to_string(),
                    format!("sts:GetCallerIdentity: {code}: said ({})", t.en)
                );
                assert_eq!(
                    e.ja(),
                    format!(
                        "`sts:GetCallerIdentity` が失敗しました(`{code}`): 「said」({})",
                        t.ja
                    )
                );
                assert_eq!(e.render(Lang::En), e.to_string());
            }
            assert!(!t.en.is_empty() && !t.ja.is_empty());
            assert!(!t.ja.is_ascii(), "{}", t.ja);
        }
        assert_eq!(Hint::for_code("NoSuchBucket"), None);
    }

    #[test]
    fn an_error_without_a_hint_renders_as_before() {
        let e = CollectError::new("ec2:DescribeInstances", "AccessDenied", "denied");
        assert_eq!(e.to_string(), "ec2:DescribeInstances: AccessDenied: denied");
        assert_eq!(
            e.ja(),
            "`ec2:DescribeInstances` が失敗しました(`AccessDenied`): 「denied」"
        );
        let e = CollectError::new("ec2:DescribeInstances", "Oops", "");
        assert_eq!(e.to_string(), "ec2:DescribeInstances: Oops");
        assert_eq!(e.ja(), "`ec2:DescribeInstances` が失敗しました(`Oops`)");
    }

    #[test]
    fn a_body_that_is_no_response_is_said_in_yaguras_words() {
        let e = CollectError {
            invalid_response: Some(404),
            ..CollectError::new("athena:StartQueryExecution", "HTTP404", "")
        };
        assert_eq!(
            e.to_string(),
            "athena:StartQueryExecution: HTTP404: the service answered HTTP 404 with a body that is not a valid response"
        );
        assert_eq!(
            e.ja(),
            "`athena:StartQueryExecution` が失敗しました(`HTTP404`): サービスは HTTP 404 で応答しましたが、本文は有効な応答ではありません"
        );
        let e = CollectError {
            invalid_response: Some(403),
            ..CollectError::new("s3:GetObject", "AccessDenied", "").with_hint()
        };
        assert_eq!(
            e.ja(),
            format!(
                "`s3:GetObject` が失敗しました(`AccessDenied`): サービスは HTTP 403 で応答しましたが、本文は有効な応答ではありません({})",
                Hint::AccessDenied.text().ja
            )
        );
        let e = CollectError::new("sts:GetCallerIdentity", "ExpiredToken", "").with_hint();
        assert_eq!(
            e.to_string(),
            format!(
                "sts:GetCallerIdentity: ExpiredToken: {}",
                Hint::Expired.text().en
            )
        );
    }

    #[test]
    fn a_new_record_saves_the_hint_by_name_and_reads_back_the_same() {
        let e = denied();
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(
            json,
            r#"{"operation":"s3:ListObjectsV2","code":"AccessDenied","message":"Access Denied","hint":"access_denied"}"#
        );
        assert_eq!(serde_json::from_str::<CollectError>(&json).unwrap(), e);
        let plain = CollectError::new("ec2:DescribeInstances", "AccessDenied", "denied");
        let json = serde_json::to_string(&plain).unwrap();
        assert!(!json.contains("hint") && !json.contains("invalid_response"));
        assert_eq!(serde_json::from_str::<CollectError>(&json).unwrap(), plain);
    }

    #[test]
    fn a_record_saved_with_the_hint_in_its_message_reads_as_a_new_one_with_one_hint() {
        // As yagura wrote it before the hint was data.
        let old = serde_json::json!({
            "operation": "s3:ListObjectsV2",
            "code": "AccessDenied",
            "message": format!("Access Denied ({})", Hint::AccessDenied.text().en),
        });
        let e: CollectError = serde_json::from_value(old).unwrap();
        assert_eq!(e, denied());
        assert_eq!(e.to_string().matches("SecurityAudit").count(), 1);
        assert!(!e.ja().contains("the credentials"), "{}", e.ja());

        let old = serde_json::json!({
            "operation": "athena:GetQueryExecution",
            "code": "HTTP500",
            "message": "the service answered HTTP 500 with a body that is not a valid response",
        });
        let e: CollectError = serde_json::from_value(old).unwrap();
        assert_eq!((e.invalid_response, e.message.as_str()), (Some(500), ""));
        assert_eq!(
            e.to_string(),
            "athena:GetQueryExecution: HTTP500: the service answered HTTP 500 with a body that is not a valid response"
        );
        assert!(e.ja().contains("サービスは HTTP 500 で応答しましたが"));

        // A message that only mentions a hint's words in passing is the service's.
        let e: CollectError = serde_json::from_value(serde_json::json!({
            "operation": "x:Y", "code": "Other", "message": "(the session expired)"
        }))
        .unwrap();
        assert_eq!(
            (e.hint, e.message.as_str()),
            (None, "(the session expired)")
        );
    }
}
