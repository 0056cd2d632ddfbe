#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Outside input never panics the parsers.

use proptest::prelude::*;
use yagura_schedule::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn cron_parser_never_panics(s in "[0-9A-Za-z*/,@ L-]{0,40}") {
        let _ = Cron::parse(&s);
    }

    #[test]
    fn config_parser_never_panics(s in "(\\[schedules\\.[a-z]{1,3}\\]\n|(start|stop|timezone|tag_key|lookback_days) = (\"[0-9*/ A-Za-z_-]{0,20}\"|[0-9]{1,6})\n|\\[guard\\]\n|name_patterns = \\[\"[(a-z]{0,4}\"\\]\n){0,8}") {
        let _ = Config::parse(&s, "fuzz.toml");
    }

    #[test]
    fn tag_values_never_panic(s in "((start|stop|days|tz|skip|x)=[0-9A-Za-z:*/+,. _-]{0,20} ?){0,8}|until:[0-9T: +-]{0,30}|.{0,256}") {
        let config = Config::parse("timezone = \"UTC\"\n", "s.toml").unwrap();
        let _ = config.schedule_for(&s);
        let _ = yagura_schedule::tag::parse_override(&s, &jiff::tz::TimeZone::UTC);
        let mut skip = SkipDays::default();
        for item in s.split('+') {
            let _ = skip.add(item);
        }
        let tags = [("yagura:schedule".to_string(), s.clone()), ("yagura:schedule-override".to_string(), s.clone())].into_iter().collect();
        let r = Resource::new(ResourceKind::AutoScalingGroup, "g", ResourceState::Running, tags);
        let p = plan("2026-11-25T11:00:00Z".parse().unwrap(), &config, &[r]);
        prop_assert_eq!(p.entries.len(), 1);
        let _ = Capacity::from_tag(&s);
    }
}
