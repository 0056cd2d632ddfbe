//! The exceptions file (`audit --exceptions`) on arbitrary bytes: parsing and validating never
//! panic, and every error names the file.
#![no_main]
use libfuzzer_sys::fuzz_target;
use yagura_exceptions::Exceptions;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match Exceptions::parse("fuzz.yaml", &text) {
        Ok(ex) => {
            let _ = ex.validate(&|id| id.len() % 2 == 0);
        }
        Err(e) => assert!(e.to_string().starts_with("fuzz.yaml"), "{e}"),
    }
});
