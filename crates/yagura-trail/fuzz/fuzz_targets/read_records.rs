//! The record reader on arbitrary bytes (plain and gzip): never panics, always terminates,
//! and every event it yields has the required fields.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for item in yagura_trail::read_stream("fuzz", std::io::Cursor::new(data.to_vec())) {
        if let Ok(ev) = item {
            assert!(!ev.event_name().is_empty() || ev.raw().contains("\"eventName\""));
            let _ = ev.lookup_raw(&["userIdentity", "type"]);
            let _ = ev.first_text(&["requestParameters", "ipPermissions", "ipRanges", "cidrIp"]);
        }
    }
    if let Ok(ev) = yagura_trail::Event::parse(String::from_utf8_lossy(data).into_owned()) {
        let _ = ev.principal();
    }
});
