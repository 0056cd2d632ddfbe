use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use yagura_core::Text;
use yagura_inventory::CollectError;

/// Failures that stop the collection of an account (not of one piece of it).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CollectorError {
    #[error("cannot tell which account the credentials belong to: {0}")]
    Identity(CollectError),
    #[error("cannot list the enabled regions: {0}")]
    Regions(CollectError),
    #[error("cannot list the accounts of the organization: {0}")]
    Organization(CollectError),
}

/// Turns an SDK error into the inventory's error record: the operation, the service's error
/// code (or the kind of transport failure) and its message. Credentials never appear in SDK
/// error messages; request bodies are not included.
pub fn collect_error<E>(operation: &str, err: SdkError<E, HttpResponse>) -> CollectError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let status = match &err {
        SdkError::ServiceError(e) => Some(e.raw().status().as_u16()),
        SdkError::ResponseError(e) => Some(e.raw().status().as_u16()),
        _ => None,
    };
    let code = match (err.code(), status) {
        (Some(c), _) => c.to_string(),
        // A 403 whose body could not be read is still a refusal.
        (None, Some(403)) => "AccessDenied".to_string(),
        (None, Some(s)) => format!("HTTP{s}"),
        (None, None) => match &err {
            SdkError::DispatchFailure(_) => "DispatchFailure".to_string(),
            SdkError::TimeoutError(_) => "Timeout".to_string(),
            SdkError::ConstructionFailure(_) => "ConstructionFailure".to_string(),
            _ => "Error".to_string(),
        },
    };
    let message = match (err.message(), status) {
        (Some(m), _) => m.to_string(),
        (None, Some(s)) => format!("{NO_RESPONSE_BEFORE}{s}{NO_RESPONSE_AFTER}"),
        (None, None) => one_line(&err),
    };
    let message = match hint(&code) {
        Some(h) => format!("{message} ({})", h.en),
        None => message,
    };
    CollectError::new(operation, &code, &message)
}

/// yagura's words for an answer that is no response of the service: `the service answered HTTP
/// 500 with a body that is not a valid response`.
const NO_RESPONSE_BEFORE: &str = "the service answered HTTP ";
const NO_RESPONSE_AFTER: &str = " with a body that is not a valid response";

/// A [`CollectError`] for a person, in English (its `Display`) and Japanese: the operation and
/// the code as identifiers, AWS's own message (or the transport's) quoted in 「」 as it was
/// written, yagura's words (a body that is no response, the hint for the code) in Japanese.
pub fn error_text(e: &CollectError) -> Text {
    let ja = if e.message.is_empty() {
        format!("`{}` が失敗しました(`{}`)", e.operation, e.code)
    } else {
        format!(
            "`{}` が失敗しました(`{}`): {}",
            e.operation,
            e.code,
            message_ja(&e.message)
        )
    };
    Text::owned(e.to_string(), ja)
}

/// The message of a [`CollectError`] (or of an error built from one) in a Japanese sentence:
/// AWS's text quoted in 「」, yagura's own words translated.
pub fn message_ja(message: &str) -> String {
    let mut rest = message;
    let mut hint_ja = None;
    for h in HINTS {
        let suffix = format!(" ({})", h.1.en);
        if let Some(m) = rest.strip_suffix(suffix.as_str()) {
            rest = m;
            hint_ja = Some(h.1.ja.as_ref());
            break;
        }
    }
    let said = match rest
        .strip_prefix(NO_RESPONSE_BEFORE)
        .and_then(|r| r.strip_suffix(NO_RESPONSE_AFTER))
        .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
    {
        Some(status) => {
            format!("サービスは HTTP {status} で応答しましたが、本文は有効な応答ではありません")
        }
        None if rest.is_empty() => String::new(),
        None => format!("「{rest}」"),
    };
    match hint_ja {
        Some(h) if said.is_empty() => h.to_string(),
        Some(h) => format!("{said}({h})"),
        None => said,
    }
}

/// What usually causes an error with these codes, and what to do (issue 19: errors a person
/// can read), in English and Japanese.
const HINTS: &[(&[&str], Text)] = &[
    (
        &[
            "AccessDenied",
            "AccessDeniedException",
            "UnauthorizedOperation",
            "AuthorizationError",
            "AuthorizationErrorException",
        ],
        Text::new(
            "the credentials' policies do not allow this call: attach the AWS managed policies SecurityAudit and ViewOnlyAccess to the audit role",
            "認証情報のポリシーがこの呼び出しを許可していません。監査用のロールに AWS 管理ポリシー SecurityAudit と ViewOnlyAccess をアタッチしてください",
        ),
    ),
    (
        &["UnrecognizedClientException", "InvalidClientTokenId", "AuthFailure"],
        Text::new(
            "the credentials are not valid here: the region may be disabled for the account (an opt-in region) or the keys revoked",
            "この認証情報はここでは有効ではありません。アカウントでリージョンが有効になっていない(オプトインリージョン)か、キーが無効化されている可能性があります",
        ),
    ),
    (
        &["ExpiredToken", "ExpiredTokenException", "RequestExpired"],
        Text::new(
            "the session expired: get new credentials (`yagura creds`)",
            "セッションの有効期限が切れました。新しい認証情報を取得してください(`yagura creds`)",
        ),
    ),
    (
        &["DispatchFailure"],
        Text::new(
            "the endpoint could not be reached: check the network, the proxy (HTTPS_PROXY) and the region name",
            "エンドポイントに到達できませんでした。ネットワーク、プロキシ(HTTPS_PROXY)、リージョン名を確認してください",
        ),
    ),
    (
        &["Timeout"],
        Text::new(
            "the service did not answer in time: try again, or with fewer regions at once",
            "サービスが時間内に応答しませんでした。再試行するか、一度に扱うリージョンを減らしてください",
        ),
    ),
    (
        &[
            "Throttling",
            "ThrottlingException",
            "TooManyRequestsException",
            "RequestLimitExceeded",
        ],
        Text::new(
            "the service throttled the calls after retries: run again later or with fewer regions at once",
            "再試行してもサービスが呼び出しを抑制しました(スロットリング)。時間をおくか、一度に扱うリージョンを減らして実行してください",
        ),
    ),
];

/// An SDK error as one line: the `Display` of each error of its chain, joined by `: ` (a text
/// that repeats the previous one is left out), at most 300 characters — never the `Debug` dump
/// that `DisplayErrorContext` appends (`ServiceError(ServiceError { source: Unhandled(…`).
pub(crate) fn one_line(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        let text = e.to_string();
        let text = text.trim();
        if !text.is_empty() && !parts.last().is_some_and(|p| p.contains(text)) {
            parts.push(text.to_string());
        }
        next = e.source();
    }
    short(&yagura_core::escape::one_line(&parts.join(": ")))
}

/// The hint for an error code, if it has one.
fn hint(code: &str) -> Option<&'static Text> {
    HINTS
        .iter()
        .find(|(codes, _)| codes.contains(&code))
        .map(|(_, h)| h)
}

/// Whether the error is the service's way to say "this thing is not configured".
pub(crate) fn is_code<E, R>(err: &SdkError<E, R>, codes: &[&str]) -> bool
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    err.code().is_some_and(|c| codes.contains(&c))
}

/// Keeps the first 300 characters of a long error chain.
fn short(s: &str) -> String {
    match s.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityError;
    use aws_smithy_runtime_api::client::result::ConnectorError;

    #[test]
    fn a_transport_failure_is_one_line_with_its_cause_and_a_hint_never_a_debug_dump() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused");
        let err: SdkError<GetCallerIdentityError, HttpResponse> =
            SdkError::dispatch_failure(ConnectorError::io(Box::new(io)));
        let e = collect_error("sts:GetCallerIdentity", err);
        assert_eq!(e.code, "DispatchFailure");
        assert!(e.message.contains("connection refused"), "{}", e.message);
        assert!(e.message.contains("HTTPS_PROXY"), "{}", e.message);
        for debug in ["DispatchFailure(", "ConnectorError {", "Custom {", "kind:"] {
            assert!(!e.message.contains(debug), "{}", e.message);
        }
        assert!(!e.message.contains('\n'));
    }

    #[test]
    fn in_japanese_aws_words_are_quoted_and_yaguras_translated() {
        let e = CollectError::new(
            "athena:StartQueryExecution",
            "HTTP404",
            "the service answered HTTP 404 with a body that is not a valid response",
        );
        assert_eq!(
            error_text(&e).ja,
            "`athena:StartQueryExecution` が失敗しました(`HTTP404`): サービスは HTTP 404 で応答しましたが、本文は有効な応答ではありません"
        );
        let hint = hint("AccessDenied").unwrap();
        let e = CollectError::new(
            "s3:ListObjectsV2",
            "AccessDenied",
            &format!("Access Denied ({})", hint.en),
        );
        assert_eq!(
            error_text(&e).ja,
            format!(
                "`s3:ListObjectsV2` が失敗しました(`AccessDenied`): 「Access Denied」({})",
                hint.ja
            )
        );
        assert_eq!(error_text(&e).en, e.to_string());
        assert_eq!(
            message_ja("The specified queue does not exist."),
            "「The specified queue does not exist.」"
        );
    }

    #[test]
    fn a_chain_repeating_itself_is_said_once() {
        #[derive(Debug)]
        struct Inner;
        impl std::fmt::Display for Inner {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("unexpected token '<'\nat offset 0")
            }
        }
        impl std::error::Error for Inner {}
        #[derive(Debug)]
        struct Outer(Inner);
        impl std::fmt::Display for Outer {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("unhandled error")
            }
        }
        impl std::error::Error for Outer {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        assert_eq!(
            one_line(&Outer(Inner)),
            "unhandled error: unexpected token '<' at offset 0"
        );
    }
}
