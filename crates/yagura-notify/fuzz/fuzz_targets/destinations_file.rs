//! The destinations file (`notify test --config`, `--notify`) on arbitrary bytes: parsing never
//! panics, every error names the file and no error or loaded value shows a secret.
#![no_main]
use libfuzzer_sys::fuzz_target;
use yagura_notify::Config;

const SECRET: &str = "SECRETVALUEfuzz";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let env = |name: &str| {
        Some(if name.contains("URL") {
            format!("https://hooks.example.com/{SECRET}")
        } else {
            SECRET.to_string()
        })
    };
    match Config::parse("fuzz.yaml", &text, &env) {
        Ok(c) => assert!(!format!("{c:?}").contains(SECRET)),
        Err(e) => {
            let shown = e.to_string();
            assert!(shown.starts_with("fuzz.yaml"), "{shown}");
            assert!(!shown.contains(SECRET), "{shown}");
        }
    }
});
