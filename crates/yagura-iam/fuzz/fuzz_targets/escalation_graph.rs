//! Fuzzes `iam analyze` over a GetAccountAuthorizationDetails document: the reader, the
//! escalation graph and the findings (no panic, every path well formed).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(auth) = yagura_iam::analyze::AccountAuthorization::from_json("fuzz", text) else {
        return;
    };
    let Ok(db) = yagura_iam::actions::db() else {
        return;
    };
    if let Ok(a) = yagura_iam::analyze::analyze_accounts(
        db,
        std::slice::from_ref(&auth),
        &yagura_iam::graph::Extra::default(),
    ) {
        for i in 0..a.graph.nodes.len() {
            for p in a.graph.paths(i) {
                let _ = a.graph.describe(&p);
            }
        }
    }
});
