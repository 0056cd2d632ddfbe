#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Differential test: `last_fire`/`next_fire` against a brute force that walks every minute
//! and asks whether the local time matches, in zones without DST (where both must agree
//! exactly; DST zones are covered by the table in `schedule.rs`).

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use yagura_schedule::*;

fn matches(cron: &Cron, tz: &TimeZone, t: Timestamp) -> bool {
    let dt = tz.to_datetime(t);
    cron.matches_date(dt.date())
        && cron
            .times_of_day()
            .any(|(h, m)| dt.hour() == h && dt.minute() == m)
}

fn brute_last(cron: &Cron, tz: &TimeZone, now: Timestamp, days: i64) -> Option<Timestamp> {
    // floor to the minute
    let start = Timestamp::from_second(now.as_second().div_euclid(60) * 60).unwrap();
    (0..=days * 24 * 60)
        .map(|i| start.checked_sub(SignedDuration::from_mins(i)).unwrap())
        .take_while(|t| {
            *t >= now
                .checked_sub(SignedDuration::from_hours(24 * days))
                .unwrap()
        })
        .find(|t| matches(cron, tz, *t))
}

fn brute_next(cron: &Cron, tz: &TimeZone, after: Timestamp, days: i64) -> Option<Timestamp> {
    let start = Timestamp::from_second(after.as_second().div_euclid(60) * 60).unwrap();
    (0..=days * 24 * 60 + 1)
        .map(|i| start.checked_add(SignedDuration::from_mins(i)).unwrap())
        .filter(|t| *t > after)
        .take_while(|t| {
            *t <= after
                .checked_add(SignedDuration::from_hours(24 * days))
                .unwrap()
        })
        .find(|t| matches(cron, tz, *t))
}

fn field(options: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    prop::sample::select(options)
}

fn expr() -> impl Strategy<Value = String> {
    (
        field(&["*", "0", "*/15", "5,35", "10-20/5", "59"]),
        field(&["*", "9", "9-17", "*/6", "22", "0,12"]),
        field(&["*", "1", "15", "L", "31", "1-7", "29", "*/10"]),
        field(&["*", "1-6", "FEB", "*/3", "MAR,NOV"]),
        field(&["*", "MON-FRI", "0", "SAT,SUN", "5", "7"]),
    )
        .prop_map(|(a, b, c, d, e)| format!("{a} {b} {c} {d} {e}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn last_and_next_fire_match_brute_force(
        e in expr(),
        zone in field(&["UTC", "Asia/Tokyo", "Asia/Kolkata", "Asia/Kathmandu"]),
        secs in 1_700_000_000i64..1_900_000_000,
    ) {
        let cron = Cron::parse(&e).unwrap();
        let tz = TimeZone::get(zone).unwrap();
        let now = Timestamp::from_second(secs).unwrap();
        prop_assert_eq!(last_fire(&cron, &tz, now, 2), brute_last(&cron, &tz, now, 2), "last {} in {} at {}", e, zone, now);
        prop_assert_eq!(next_fire(&cron, &tz, now, 2), brute_next(&cron, &tz, now, 2), "next {} in {} at {}", e, zone, now);
    }
}
