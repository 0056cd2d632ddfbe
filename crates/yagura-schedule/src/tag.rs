//! What a resource's tags say: the schedule tag's value (a schedule's name, or a schedule
//! written inline) and the override tag (`until:TIME`).
//!
//! An inline schedule is `key=value` words; a value runs until the next `key=` word, so a cron
//! expression keeps its spaces:
//!
//! ```text
//! start=0 9 * * MON-FRI stop=0 20 * * MON-FRI tz=Asia/Tokyo skip=jp-holidays
//! start=09:00 stop=20:00 days=mon-fri tz=Asia/Tokyo skip=jp-holidays
//! ```
//!
//! Keys: `start`, `stop` (a cron expression, or `HH:MM` with `days`), `days` (`mon-fri`,
//! `mon+wed+fri`, `weekdays`, `daily`; default every day), `tz` (default: the file's
//! `timezone`), `skip` (skip days joined by `+`: `jp-holidays+12-29..01-03`). The `HH:MM` form
//! uses only characters every AWS service allows in tag values (RDS and Auto Scaling refuse
//! `*` and `,`).

use jiff::tz::TimeZone;
use jiff::Timestamp;

use crate::config::{tz, Schedule};
use crate::cron::Cron;
use crate::skip::SkipDays;

/// Longest tag value read (AWS allows 256 characters).
const MAX_TAG_VALUE: usize = 256;

/// Whether a schedule tag's value is written inline rather than naming a schedule.
pub fn is_inline(value: &str) -> bool {
    value.contains('=')
}

fn is_key_word(w: &str) -> Option<(&str, &str)> {
    let (k, v) = w.split_once('=')?;
    (!k.is_empty() && k.bytes().all(|b| b.is_ascii_alphabetic())).then_some((k, v))
}

fn hhmm(s: &str) -> Option<(u8, u8)> {
    let (h, m) = s.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u8, u8) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some((h, m))
}

fn days_field(days: &str) -> Result<String, String> {
    let d = days.trim().to_ascii_uppercase();
    let field = match d.as_str() {
        "" | "DAILY" | "EVERYDAY" => "*".to_string(),
        "WEEKDAYS" => "MON-FRI".to_string(),
        "WEEKENDS" => "SAT,SUN".to_string(),
        _ => d.replace('+', ","),
    };
    // validate through the cron parser
    Cron::parse(&format!("0 0 * * {field}"))
        .map_err(|e| format!("days `{days}`: {e}"))
        .map(|_| field)
}

fn times(what: &str, value: &str, days: &str) -> Result<Vec<Cron>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(format!("`{what}=` has no value"));
    }
    // `HH:MM` (several joined by `+`) with the `days` field, else a cron expression
    if value.split('+').all(|t| hhmm(t).is_some()) {
        let field = days_field(days)?;
        return value
            .split('+')
            .filter_map(hhmm)
            .map(|(h, m)| {
                Cron::parse(&format!("{m} {h} * * {field}")).map_err(|e| format!("{what}: {e}"))
            })
            .collect();
    }
    if !days.is_empty() {
        return Err(format!(
            "`days=` goes with `HH:MM` times; `{what}={value}` is a cron expression with its own day fields"
        ));
    }
    Cron::parse(value)
        .map(|c| vec![c])
        .map_err(|e| format!("{what}: {e}"))
}

/// Parses an inline schedule; `default_tz` and `default_skip` are the file's.
pub fn parse_inline(
    value: &str,
    default_tz: (&str, &TimeZone),
    default_skip: &SkipDays,
) -> Result<Schedule, String> {
    if value.len() > MAX_TAG_VALUE {
        return Err(format!(
            "the value is longer than {MAX_TAG_VALUE} characters"
        ));
    }
    let mut fields: Vec<(String, String)> = Vec::new();
    for word in value.split_whitespace() {
        match is_key_word(word) {
            Some((k, v)) => fields.push((k.to_ascii_lowercase(), v.to_string())),
            None => match fields.last_mut() {
                Some((_, v)) => {
                    v.push(' ');
                    v.push_str(word);
                }
                None => return Err(format!("`{word}` comes before any `key=`")),
            },
        }
    }
    let get = |key: &str| -> Result<Option<String>, String> {
        let mut found = None;
        for (k, v) in fields.iter().filter(|(k, _)| k == key) {
            if found.is_some() {
                return Err(format!("`{k}=` is given twice"));
            }
            found = Some(v.clone());
        }
        Ok(found)
    };
    let start = get("start")?;
    let stop = get("stop")?;
    let days = get("days")?.unwrap_or_default();
    let zone = get("tz")?;
    let skip = get("skip")?;
    if let Some((k, _)) = fields
        .iter()
        .find(|(k, _)| !["start", "stop", "days", "tz", "skip"].contains(&k.as_str()))
    {
        return Err(format!(
            "unknown key `{k}=` (known: start, stop, days, tz, skip)"
        ));
    }
    let (timezone_name, timezone) = match zone {
        Some(z) => {
            let z = z.trim().to_string();
            let t = tz(&z)?;
            (z, t)
        }
        None => (default_tz.0.to_string(), default_tz.1.clone()),
    };
    let mut own_skip = SkipDays::default();
    if let Some(s) = &skip {
        for item in s.split('+') {
            own_skip.add(item)?;
        }
    }
    let start = match &start {
        Some(v) => times("start", v, &days)?,
        None => Vec::new(),
    };
    let stop = match &stop {
        Some(v) => times("stop", v, &days)?,
        None => Vec::new(),
    };
    if start.is_empty() && stop.is_empty() {
        return Err("an inline schedule needs `start=` or `stop=`".to_string());
    }
    Ok(Schedule {
        name: value.trim().to_string(),
        start,
        stop,
        timezone,
        timezone_name,
        skip: default_skip.merged(&own_skip),
    })
}

/// Parses an override tag's value: `until:TIME`, where TIME is an RFC 3339 instant
/// (`2026-11-25T23:00:00+09:00`) or a local date and time in the schedule's zone
/// (`2026-11-25T23:00`, `2026-11-25 23:00`).
pub fn parse_override(value: &str, zone: &TimeZone) -> Result<Timestamp, String> {
    let v = value.trim();
    if v.len() > MAX_TAG_VALUE {
        return Err(format!(
            "the value is longer than {MAX_TAG_VALUE} characters"
        ));
    }
    let Some(time) = v.strip_prefix("until:") else {
        return Err(format!(
            "`{v}` is not `until:TIME` (TIME: 2026-11-25T23:00 in the schedule's zone, or RFC 3339)"
        ));
    };
    let time = time.trim();
    if let Ok(t) = time.parse::<Timestamp>() {
        return Ok(t);
    }
    let local = time.replacen(' ', "T", 1);
    local
        .parse::<jiff::civil::DateTime>()
        .ok()
        .and_then(|dt| zone.to_ambiguous_timestamp(dt).compatible().ok())
        .ok_or_else(|| {
            format!("`{time}` is not a time (2026-11-25T23:00 in the schedule's zone, or RFC 3339)")
        })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use jiff::civil::date;

    fn tokyo() -> TimeZone {
        TimeZone::get("Asia/Tokyo").unwrap()
    }

    #[test]
    fn inline_forms() {
        let z = tokyo();
        let s = parse_inline(
            "start=0 9 * * MON-FRI stop=0 20 * * MON-FRI skip=jp-holidays",
            ("Asia/Tokyo", &z),
            &SkipDays::default(),
        )
        .unwrap();
        assert_eq!(s.start[0].as_str(), "0 9 * * MON-FRI");
        assert_eq!(s.stop[0].as_str(), "0 20 * * MON-FRI");
        assert!(s.skip.jp_holidays);
        let s = parse_inline(
            "start=09:00 stop=20:00+23:30 days=mon+wed+fri tz=UTC",
            ("Asia/Tokyo", &z),
            &SkipDays::default(),
        )
        .unwrap();
        assert_eq!(s.timezone_name, "UTC");
        assert_eq!(s.start[0].as_str(), "0 9 * * MON,WED,FRI");
        assert_eq!(s.stop.len(), 2);
        assert!(s.stop[1].matches_date(date(2026, 11, 27)));
        assert!(!s.stop[1].matches_date(date(2026, 11, 26)));
        for (bad, want) in [
            ("start=25:00", "start: cron"),
            ("stop=20:00 days=someday", "days `someday`"),
            ("start=0 9 * * * days=mon-fri", "`days=` goes with"),
            ("tz=UTC", "needs `start=` or `stop=`"),
            ("start=09:00 colour=red", "unknown key `colour=`"),
            ("start=09:00 start=10:00", "given twice"),
            ("start=09:00 tz=Mars/Base", "unknown time zone"),
            ("start=09:00 skip=2026-02-30", "not a date"),
        ] {
            let e = parse_inline(bad, ("Asia/Tokyo", &z), &SkipDays::default()).unwrap_err();
            assert!(e.contains(want), "{bad}: {e}");
        }
        assert!(is_inline("start=09:00"));
        assert!(!is_inline("office-hours"));
    }

    #[test]
    fn overrides() {
        let z = tokyo();
        let want: Timestamp = "2026-11-25T14:00:00Z".parse().unwrap();
        for v in [
            "until:2026-11-25T23:00",
            "until:2026-11-25 23:00",
            "until:2026-11-25T23:00:00+09:00",
            " until:2026-11-25T14:00:00Z ",
        ] {
            assert_eq!(parse_override(v, &z).unwrap(), want, "{v}");
        }
        for bad in [
            "23:00",
            "until:",
            "until:tomorrow",
            "until:2026-13-01T00:00",
        ] {
            assert!(parse_override(bad, &z).is_err(), "{bad}");
        }
    }
}
