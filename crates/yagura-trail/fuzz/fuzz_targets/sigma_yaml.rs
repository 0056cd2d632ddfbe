//! The Sigma loader on arbitrary YAML: never panics; a loaded rule can be evaluated.
#![no_main]
use libfuzzer_sys::fuzz_target;
use yagura_trail::sigma::{LoadOptions, RuleSet};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (set, _errors) = RuleSet::from_sources([("fuzz.yml", text)], &LoadOptions::default());
    let ev = yagura_trail::Event::parse(
        r#"{"eventTime":"2023-07-10T11:42:36Z","eventSource":"ec2.amazonaws.com","eventName":"RunInstances","userIdentity":{"type":"Root","arn":"arn:aws:iam::1:root"},"requestParameters":{"items":[{"a":"b"}]}}"#,
    );
    if let Ok(ev) = ev {
        let mut out = Vec::new();
        set.matches(&ev, &mut out);
    }
});
