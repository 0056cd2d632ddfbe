//! The native detections' access to event fields on arbitrary records: every record the reader
//! accepts goes through the whole scan (Sigma-free), multi-event stages included; nothing
//! panics, and a record whose values cannot be read exactly is reported, never skipped.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut s = yagura_trail::Scanner::new(None, &yagura_trail::Options::default());
    for item in yagura_trail::read_stream("fuzz", std::io::Cursor::new(data.to_vec())) {
        if let Ok(ev) = &item {
            let _ = ev.principal();
            let _ = ev.access_key_id();
            let _ = yagura_trail::EventRef::of(ev);
        }
        s.push_item(&item);
    }
    let r = s.finish();
    for d in &r.detections {
        let _ = yagura_trail::report::masked(d);
    }
    let _ = yagura_trail::report::rows(&r.detections);
});
