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
}
