//! The schedule file, a schedule written in a tag, an override tag and skip days on arbitrary
//! text: never panic; what parses can be planned.
#![no_main]
use libfuzzer_sys::fuzz_target;
use yagura_schedule::{plan, Config, Resource, ResourceKind, ResourceState, SkipDays};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = Config::parse(&text, "fuzz.toml");
    let Ok(config) = Config::parse("", "empty.toml") else { return };
    let _ = SkipDays::default().add(&text);
    let tz = jiff::tz::TimeZone::UTC;
    let _ = yagura_schedule::tag::parse_override(&text, &tz);
    let tags = [
        ("yagura:schedule".to_string(), text.to_string()),
        ("yagura:schedule-override".to_string(), text.to_string()),
    ]
    .into_iter()
    .collect();
    let r = Resource::new(ResourceKind::Ec2Instance, "i-1", ResourceState::Running, tags);
    let _ = plan(jiff::Timestamp::UNIX_EPOCH, &config, &[r]);
});
