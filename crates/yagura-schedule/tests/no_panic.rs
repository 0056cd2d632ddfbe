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
}
