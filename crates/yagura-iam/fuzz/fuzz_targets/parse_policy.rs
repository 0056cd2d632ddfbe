//! Fuzzes the policy parser and the canonical printer: any input either fails with a positioned
//! error or parses, and a parsed policy prints to text that parses to the same policy.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yagura_iam::Policy;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Policy::parse("fuzz", text) {
        Ok(p) => {
            let printed = p.to_canonical_string();
            let again = Policy::parse("printed", &printed);
            assert!(again.is_ok(), "printed policy does not parse: {printed}");
            if let Ok(q) = again {
                assert_eq!(p.to_json(), q.to_json());
            }
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(msg.starts_with("fuzz:"), "{msg}");
        }
    }
});
