//! Fuzzes the whole simulate step (input parsing, evaluation, output).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = yagura_iam::simulate_json(text);
    }
});
