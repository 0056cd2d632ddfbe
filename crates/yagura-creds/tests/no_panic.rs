#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Outside input never panics the parsers.

use proptest::prelude::*;
use yagura_creds::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn aws_files_parser_never_panics(s in "(\\[(profile )?[a-z]{0,3}\\]?\n|(role_arn|source_profile|aws_access_key_id|aws_secret_access_key|duration_seconds|mfa_serial|region) ?= ?[a-z0-9:/ #;]{0,12}\n|  [a-z]{1,3} = [0-9]{1,2}\n|[#;].*\n|\u{3042}\n){0,12}") {
        if let Ok(f) = AwsFiles::parse(Some((&s, "config")), Some((&s, "credentials"))) {
            for name in f.profiles.keys() {
                let _ = f.resolve(name);
            }
        }
    }

    #[test]
    fn sts_error_parser_never_panics(s in ".{0,80}") {
        if let Some((c, m)) = parse_error_response(&s) {
            let _ = classify(&c, &m).to_string();
        }
        let _ = classify("ValidationError", &s);
        let _ = parse_signin_token_response(&s);
    }

    #[test]
    fn sanitized_names_are_safe(s in ".{0,40}") {
        let n = sanitize_profile_name(&s);
        prop_assert!(n.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c)));
    }

    #[test]
    fn sso_sections_and_yagura_keys_never_panic(s in "(\\[(profile |sso-session )?[a-z]{0,3}\\]\n|(sso_session|sso_start_url|sso_region|sso_account_id|sso_role_name|yagura_role_arn|yagura_source_profile|credential_process|role_arn|source_profile) ?= ?[a-z0-9:/.]{0,16}\n){0,16}") {
        if let Ok(mut f) = AwsFiles::parse(Some((&s, "config")), None) {
            f.stored.insert("a".into());
            for name in f.profiles.keys().chain(["a".to_string()].iter()) {
                let _ = f.resolve(name);
            }
        }
    }

    #[test]
    fn process_output_and_sso_token_never_panic(s in "\\{(\"(Version|AccessKeyId|SecretAccessKey|SessionToken|Expiration|accessToken|expiresAt|refreshToken)\": ?(\"[0-9A-Za-z:.TZ-]{0,24}\"|[0-9]{1,3}|null),?){0,8}\\}|.{0,200}") {
        if let Err(e) = yagura_creds::process::parse_output(&s) {
            // the reason never carries a value from the input
            prop_assert!(!e.contains('"') || e.contains("`"), "{}", e);
        }
        if let Ok(t) = yagura_creds::sso::parse_token(&s) {
            let _ = yagura_creds::sso::parse_expiry(&t.expires_at);
        }
    }

    #[test]
    fn server_request_parser_never_panics(head in "(GET|PUT|POST|get) (/creds|/latest/api/token|/latest/meta-data/iam/security-credentials/[a-z]{0,3}|x) HTTP/1\\.[01]\r\n((Host|Authorization|X-aws-ec2-metadata-token|X-aws-ec2-metadata-token-ttl-seconds|Content-Length|X-Forwarded-For): ?[ -~]{0,20}\r\n){0,8}\r\n", tail in proptest::collection::vec(any::<u8>(), 0..20_000)) {
        let mut bytes = head.into_bytes();
        let _ = yagura_creds::server::parse_request(&bytes);
        bytes.extend(tail);
        if let Ok(Some(r)) = yagura_creds::server::parse_request(&bytes) {
            let s = yagura_creds::server::Settings {
                container_path: "/creds".into(),
                token: Secret::new("tok"),
                imds: true,
                imds_token: Secret::new("imds"),
                role_name: "r".into(),
                port: 80,
            };
            let creds = || -> Result<Credentials, String> { Err("x".into()) };
            let resp = yagura_creds::server::respond(&r, &s, &creds, jiff::Timestamp::UNIX_EPOCH);
            prop_assert!(resp.status != 200 || r.header("host").is_some());
        }
    }
}
