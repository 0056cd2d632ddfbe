//! The reader of GetAccountAuthorizationDetails documents (`iam analyze FILE`) on arbitrary
//! bytes, alone (the escalation graph target spends its time in the graph): never a panic, an
//! error names the input, and every principal read has a policy list that refers to documents
//! the reader parsed.
#![no_main]
use libfuzzer_sys::fuzz_target;
use yagura_iam::analyze::AccountAuthorization;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match AccountAuthorization::from_json("fuzz.json", &text) {
        Ok(auth) => {
            let _ = auth.account_id();
            for p in &auth.principals {
                for (label, policy) in &p.policies {
                    assert!(!label.is_empty());
                    let _ = policy.to_canonical_string();
                }
                if let Some(t) = &p.trust_policy {
                    let _ = t.to_canonical_string();
                }
            }
            for e in &auth.errors {
                assert!(!e.is_empty());
            }
        }
        Err(e) => assert!(e.to_string().starts_with("fuzz.json"), "{e}"),
    }
});
