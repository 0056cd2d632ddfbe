//! The exceptions file (`audit --exceptions`) on arbitrary bytes: parsing and validating never
//! panic (nor does applying its check patterns and tags), and every error names the file.
#![no_main]
use libfuzzer_sys::fuzz_target;
use yagura_exceptions::Exceptions;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match Exceptions::parse("fuzz.yaml", &text) {
        Ok(ex) => {
            let _ = ex.validate(&|id| id.len() % 2 == 0);
            // Check patterns and tags from the input against a tagged finding.
            let mut findings = vec![yagura_core::Finding::new(
                "s3-bucket-policy-public",
                yagura_core::Status::Fail,
                yagura_core::Severity::High,
                "r",
                "123456789012",
                "global",
                yagura_core::Text::new("m", "m"),
            )];
            let tags: yagura_exceptions::Tags = [("env".to_string(), "prod".to_string())].into();
            if let Some(today) = yagura_exceptions::parse_date("2026-06-01") {
                let _ = ex.apply_tagged(&mut findings, today, &|_| Some(&tags));
            }
        }
        Err(e) => assert!(e.to_string().starts_with("fuzz.yaml"), "{e}"),
    }
});
