//! A saved inventory (`audit --from-inventory`, `iam analyze --from-inventory`) on arbitrary
//! bytes: reading never panics, every error names the input, and what reads writes back to a
//! snapshot that reads the same.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match yagura_inventory::from_json("fuzz.json", &text) {
        Ok(inv) => {
            let Ok(again) = serde_json::to_string(&inv) else {
                return;
            };
            match yagura_inventory::from_json("again.json", &again) {
                Ok(back) => assert!(back == inv, "not the same after a round trip: {again}"),
                Err(e) => panic!("a written snapshot does not read: {e}"),
            }
        }
        Err(e) => assert!(e.to_string().contains("fuzz.json"), "{e}"),
    }
});
