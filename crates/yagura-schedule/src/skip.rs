//! Skip days: local dates on which a schedule's start and stop events do not fire.
//!
//! An item is one of
//! - `jp-holidays`: the Japanese national holidays ([`crate::holidays`]);
//! - `2026-12-29`: one date; `2026-12-29..2027-01-03`: a range, both ends included;
//! - `12-29`: that day of every year; `12-29..01-03`: a range of every year (it may wrap over
//!   the new year).

use std::collections::BTreeSet;

use jiff::civil::Date;

use crate::holidays::japanese_holiday;

/// The longest date range accepted (ten years): a typo such as `2026..2062` is an error, not a
/// schedule that never fires.
const MAX_RANGE_DAYS: i32 = 3_660;

/// The skip days of a schedule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SkipDays {
    pub jp_holidays: bool,
    dates: BTreeSet<Date>,
    /// (first, last) inclusive.
    ranges: Vec<(Date, Date)>,
    /// (month, day) of every year.
    yearly: BTreeSet<(i8, i8)>,
    /// ((month, day), (month, day)) inclusive, wrapping over the new year when the first is
    /// later than the last.
    yearly_ranges: Vec<((i8, i8), (i8, i8))>,
}

fn parse_date(s: &str) -> Result<Date, String> {
    s.parse::<Date>()
        .map_err(|_| format!("`{s}` is not a date (YYYY-MM-DD)"))
}

fn parse_month_day(s: &str) -> Result<(i8, i8), String> {
    let bad = || format!("`{s}` is not a day of the year (MM-DD)");
    let (m, d) = s.split_once('-').ok_or_else(bad)?;
    let (m, d): (i8, i8) = (m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
    // 2024 is a leap year: 02-29 is a valid yearly day
    Date::new(2024, m, d).map_err(|_| bad())?;
    Ok((m, d))
}

impl SkipDays {
    /// Adds one item (see the module documentation).
    pub fn add(&mut self, item: &str) -> Result<(), String> {
        let item = item.trim();
        match item.to_ascii_lowercase().as_str() {
            "jp-holidays" | "japanese-holidays" | "holidays:jp" => {
                self.jp_holidays = true;
                return Ok(());
            }
            "" => return Err("empty skip day".to_string()),
            _ => {}
        }
        let yearly = |s: &str| s.len() <= 5 && s.matches('-').count() == 1;
        match item.split_once("..") {
            Some((a, b)) if yearly(a) && yearly(b) => {
                self.yearly_ranges
                    .push((parse_month_day(a)?, parse_month_day(b)?));
            }
            Some((a, b)) => {
                let (a, b) = (parse_date(a)?, parse_date(b)?);
                if b < a {
                    return Err(format!("range `{item}` runs backwards"));
                }
                let days = a.until(b).map(|s| s.get_days()).unwrap_or(i32::MAX);
                if days > MAX_RANGE_DAYS {
                    return Err(format!(
                        "range `{item}` is longer than {MAX_RANGE_DAYS} days"
                    ));
                }
                self.ranges.push((a, b));
            }
            None if yearly(item) => {
                self.yearly.insert(parse_month_day(item)?);
            }
            None => {
                self.dates.insert(parse_date(item)?);
            }
        }
        Ok(())
    }

    /// Everything of `self` and of `other`.
    pub fn merged(&self, other: &SkipDays) -> SkipDays {
        let mut out = self.clone();
        out.jp_holidays |= other.jp_holidays;
        out.dates.extend(other.dates.iter().copied());
        out.ranges.extend(other.ranges.iter().copied());
        out.yearly.extend(other.yearly.iter().copied());
        out.yearly_ranges
            .extend(other.yearly_ranges.iter().copied());
        out
    }

    pub fn is_empty(&self) -> bool {
        !self.jp_holidays
            && self.dates.is_empty()
            && self.ranges.is_empty()
            && self.yearly.is_empty()
            && self.yearly_ranges.is_empty()
    }

    /// Why `d` is skipped, if it is.
    pub fn reason(&self, d: Date) -> Option<String> {
        if self.dates.contains(&d) || self.ranges.iter().any(|(a, b)| *a <= d && d <= *b) {
            return Some(format!("{d} is a skip day"));
        }
        let md = (d.month(), d.day());
        let in_yearly_range = self.yearly_ranges.iter().any(|(a, b)| {
            if a <= b {
                *a <= md && md <= *b
            } else {
                md >= *a || md <= *b
            }
        });
        if self.yearly.contains(&md) || in_yearly_range {
            return Some(format!("{d} is a yearly skip day"));
        }
        if self.jp_holidays {
            if let Some(h) = japanese_holiday(d) {
                return Some(format!(
                    "{d} is a Japanese holiday ({} / {})",
                    h.name_en, h.name_ja
                ));
            }
        }
        None
    }

    pub fn contains(&self, d: Date) -> bool {
        self.reason(d).is_some()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use jiff::civil::date;

    #[test]
    fn items() {
        let mut s = SkipDays::default();
        for i in [
            "jp-holidays",
            "2026-12-29",
            "2027-08-10..2027-08-14",
            "12-30..01-03",
            "06-01",
        ] {
            s.add(i).unwrap();
        }
        for (d, skip) in [
            (date(2026, 12, 29), true),
            (date(2026, 12, 28), false),
            (date(2027, 8, 12), true),
            (date(2027, 8, 15), false),
            (date(2030, 12, 31), true),
            (date(2031, 1, 3), true),
            (date(2031, 1, 5), false),
            (date(2031, 6, 1), true),
            (date(2026, 11, 23), true), // Labour Thanksgiving Day
            (date(2026, 11, 24), false),
        ] {
            assert_eq!(s.contains(d), skip, "{d}");
        }
        for bad in [
            "",
            "2026-13-01",
            "2026-12-31..2026-01-01",
            "2000-01-01..2030-01-01",
            "13-01",
            "02-30",
            "tomorrow",
        ] {
            assert!(SkipDays::default().add(bad).is_err(), "{bad}");
        }
    }
}
