#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use yagura_creds::*;

#[test]
fn recorded_sts_errors_are_classified() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sts");
    let cases = [
        ("wrong_mfa_code", StsErrorKind::WrongMfaCode, false, false),
        (
            "mfa_code_reused",
            StsErrorKind::MfaCodeNotAccepted,
            false,
            false,
        ),
        ("expired_token", StsErrorKind::ExpiredToken, false, true),
        ("throttling", StsErrorKind::Throttled, true, false),
        (
            "invalid_client_token",
            StsErrorKind::InvalidAccessKey,
            false,
            false,
        ),
        ("signature", StsErrorKind::BadSignature, false, false),
        ("not_authorized", StsErrorKind::NotAuthorized, false, false),
        (
            "max_session_duration",
            StsErrorKind::DurationTooLong,
            false,
            false,
        ),
        ("chain_limit", StsErrorKind::ChainLimit, false, false),
        (
            "region_disabled",
            StsErrorKind::RegionDisabled,
            false,
            false,
        ),
        (
            "token_code_format",
            StsErrorKind::WrongMfaCode,
            false,
            false,
        ),
    ];
    let mut seen = 0;
    for (name, kind, retry, drop) in cases {
        let xml = std::fs::read_to_string(format!("{dir}/{name}.xml")).unwrap();
        let (code, message) = parse_error_response(&xml).unwrap();
        let p = classify(&code, &message);
        assert_eq!(
            (p.kind, p.retry, p.drop_cached_session),
            (kind, retry, drop),
            "{name}"
        );
        let text = p.to_string();
        assert!(text.contains(&format!("({code}: `")), "{name}: {text}");
        assert!(!text.contains("&apos;"), "{name}: {text}");
        assert!(!text.contains("12ab"), "{name}: the code is echoed: {text}");
        seen += 1;
    }
    let files = std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "xml")
        })
        .count();
    assert_eq!(seen, files, "every fixture has a case");
}

#[test]
fn messages_read_well() {
    let p = classify(
        "AccessDenied",
        "MultiFactorAuthentication failed with invalid MFA one time pass code. ",
    );
    assert_eq!(
        p.to_string(),
        "the MFA code is wrong: check the device and type the current code (AccessDenied: `MultiFactorAuthentication failed with invalid MFA one time pass code.`)"
    );
    assert_eq!(classify("Weird", "x").kind, StsErrorKind::Other);
    assert!(parse_error_response("<html>not sts</html>").is_none());
    // STS echoes a malformed code: it is hidden
    let p = classify(
        "ValidationError",
        "1 validation error detected: Value '12ab' at 'tokenCode' failed to satisfy constraint",
    );
    assert_eq!(
        p.aws_message,
        "1 validation error detected: Value '***' at 'tokenCode' failed to satisfy constraint"
    );
}
