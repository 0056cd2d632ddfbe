//! Japanese national holidays, computed (no table to update): the Act on National Holidays
//! (国民の祝日に関する法律, in force since 1948-07-20) with every amendment, the special laws of
//! single years, substitute holidays (振替休日) and citizens' holidays (国民の休日).
//!
//! - Fixed days and "Happy Monday" days (the n-th Monday of a month since 2000/2003), each with
//!   the years its rule was in force.
//! - Vernal and autumnal equinox days from the standard approximation of the equinox date in
//!   Japan (the formula the National Astronomical Observatory's published dates follow for
//!   1900–2099; the Cabinet announces each year's date in February of the year before), in
//!   integer arithmetic so that no rounding can move a day.
//! - Special years: 1959-04-10, 1989-02-24, 1990-11-12, 1993-06-09 (imperial ceremonies);
//!   2019 (the enthronement: 05-01 and 10-22, no Emperor's Birthday); the Olympic moves of 2020
//!   and 2021 (Marine Day, Sports Day, Mountain Day).
//! - Substitute holiday: since 1973-04-12 a holiday on a Sunday makes the next day a holiday;
//!   since 2007 the next day that is not itself a national holiday.
//! - Citizens' holiday: since 1985-12-27 a day between two national holidays is a holiday (until
//!   2006 not when it is a Sunday or a substitute holiday).
//!
//! Checked day by day for 2000–2050 against PyPI `jpholiday` (`tests/jp_holidays.rs`).

use jiff::civil::{Date, Weekday};

/// A holiday with its names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holiday {
    pub date: Date,
    /// The name in Japanese, as the law gives it.
    pub name_ja: &'static str,
    pub name_en: &'static str,
}

/// The first year the computation covers (the Act came into force on 1948-07-20).
pub const FIRST_YEAR: i16 = 1948;

fn date(y: i16, m: i8, d: i8) -> Option<Date> {
    Date::new(y, m, d).ok()
}

/// The `n`-th `weekday` of a month (n from 1).
fn nth_weekday(y: i16, m: i8, n: i8, weekday: Weekday) -> Option<Date> {
    let first = date(y, m, 1)?;
    let offset =
        (weekday.to_monday_zero_offset() - first.weekday().to_monday_zero_offset()).rem_euclid(7);
    date(y, m, 1 + offset + 7 * (n - 1))
}

/// The day of March of the vernal equinox in Japan.
fn vernal_equinox(y: i16) -> i8 {
    equinox_day(y, [20_835_700, 20_843_100, 21_851_000])
}

/// The day of September of the autumnal equinox in Japan.
fn autumnal_equinox(y: i16) -> i8 {
    equinox_day(y, [23_258_800, 23_248_800, 24_248_800])
}

/// `floor(C + 0.242194 (Y − 1980) − floor((Y − 1980) / 4))` with the constant `C` of the
/// year's range (1900–1979, 1980–2099, 2100–), in millionths of a day.
fn equinox_day(y: i16, c: [i64; 3]) -> i8 {
    let k = i64::from(y) - 1980;
    let base = match y {
        ..=1979 => c[0],
        1980..=2099 => c[1],
        _ => c[2],
    };
    let day = (base + 242_194 * k).div_euclid(1_000_000) - k.div_euclid(4);
    i8::try_from(day).unwrap_or(20)
}

/// The national holidays of the Act (国民の祝日) and the special holidays of single years,
/// without substitute and citizens' holidays.
fn national(y: i16) -> Vec<Holiday> {
    use Weekday::Monday;
    let mut out: Vec<Holiday> = Vec::new();
    let mut add = |d: Option<Date>, ja: &'static str, en: &'static str| {
        if let Some(date) = d {
            // the Act applies from 1948-07-20
            if date >= Date::constant(1948, 7, 20) {
                out.push(Holiday {
                    date,
                    name_ja: ja,
                    name_en: en,
                });
            }
        }
    };
    add(date(y, 1, 1), "元日", "New Year's Day");
    match y {
        ..=1999 => add(date(y, 1, 15), "成人の日", "Coming of Age Day"),
        _ => add(
            nth_weekday(y, 1, 2, Monday),
            "成人の日",
            "Coming of Age Day",
        ),
    }
    if y >= 1967 {
        add(date(y, 2, 11), "建国記念の日", "National Foundation Day");
    }
    match y {
        ..=1988 => add(date(y, 4, 29), "天皇誕生日", "The Emperor's Birthday"),
        1989..=2018 => add(date(y, 12, 23), "天皇誕生日", "The Emperor's Birthday"),
        2019 => {}
        _ => add(date(y, 2, 23), "天皇誕生日", "The Emperor's Birthday"),
    }
    add(
        date(y, 3, vernal_equinox(y)),
        "春分の日",
        "Vernal Equinox Day",
    );
    match y {
        1989..=2006 => add(date(y, 4, 29), "みどりの日", "Greenery Day"),
        2007.. => {
            add(date(y, 4, 29), "昭和の日", "Showa Day");
            add(date(y, 5, 4), "みどりの日", "Greenery Day");
        }
        _ => {}
    }
    add(date(y, 5, 3), "憲法記念日", "Constitution Memorial Day");
    add(date(y, 5, 5), "こどもの日", "Children's Day");
    let marine = match y {
        ..=1995 => None,
        1996..=2002 => date(y, 7, 20),
        2020 => date(y, 7, 23),
        2021 => date(y, 7, 22),
        _ => nth_weekday(y, 7, 3, Monday),
    };
    add(marine, "海の日", "Marine Day");
    let mountain = match y {
        ..=2015 => None,
        2020 => date(y, 8, 10),
        2021 => date(y, 8, 8),
        _ => date(y, 8, 11),
    };
    add(mountain, "山の日", "Mountain Day");
    match y {
        ..=1965 => {}
        1966..=2002 => add(date(y, 9, 15), "敬老の日", "Respect for the Aged Day"),
        _ => add(
            nth_weekday(y, 9, 3, Monday),
            "敬老の日",
            "Respect for the Aged Day",
        ),
    }
    add(
        date(y, 9, autumnal_equinox(y)),
        "秋分の日",
        "Autumnal Equinox Day",
    );
    match y {
        ..=1965 => {}
        1966..=1999 => add(date(y, 10, 10), "体育の日", "Health and Sports Day"),
        2000..=2019 => add(
            nth_weekday(y, 10, 2, Monday),
            "体育の日",
            "Health and Sports Day",
        ),
        2020 => add(date(y, 7, 24), "スポーツの日", "Sports Day"),
        2021 => add(date(y, 7, 23), "スポーツの日", "Sports Day"),
        _ => add(nth_weekday(y, 10, 2, Monday), "スポーツの日", "Sports Day"),
    }
    add(date(y, 11, 3), "文化の日", "Culture Day");
    add(date(y, 11, 23), "勤労感謝の日", "Labour Thanksgiving Day");
    // Special laws of single years.
    let special: &[(i16, i8, i8, &str, &str)] = &[
        (
            1959,
            4,
            10,
            "皇太子明仁親王の結婚の儀",
            "The Rite of Wedding of Crown Prince Akihito",
        ),
        (
            1989,
            2,
            24,
            "昭和天皇の大喪の礼",
            "The Funeral Ceremony of Emperor Showa",
        ),
        (
            1990,
            11,
            12,
            "即位礼正殿の儀",
            "The Ceremony of the Enthronement (1990)",
        ),
        (
            1993,
            6,
            9,
            "皇太子徳仁親王の結婚の儀",
            "The Rite of Wedding of Crown Prince Naruhito",
        ),
        (2019, 5, 1, "天皇の即位の日", "The Emperor's Accession"),
        (
            2019,
            10,
            22,
            "即位礼正殿の儀の行われる日",
            "The Ceremony of the Enthronement (2019)",
        ),
    ];
    for (sy, m, d, ja, en) in special {
        if *sy == y {
            add(date(y, *m, *d), ja, en);
        }
    }
    out.sort_by_key(|h| h.date);
    out
}

/// Every holiday of year `y` in Japan, in date order: national holidays, substitute holidays
/// and citizens' holidays. Empty before [`FIRST_YEAR`]. Years after 2099 use the equinox
/// approximation of 2100–2150, which is only an estimate (the Cabinet fixes each year's date
/// a year ahead).
pub fn japanese_holidays(y: i16) -> Vec<Holiday> {
    if y < FIRST_YEAR {
        return Vec::new();
    }
    // The neighbours of the first and last days of the year matter for the rules below.
    let mut base = national(y);
    let next_year = national(y.saturating_add(1));
    let is_national = |d: Date, base: &[Holiday]| {
        base.iter().any(|h| h.date == d) || next_year.iter().any(|h| h.date == d)
    };
    let mut extra = Vec::new();
    // Substitute holidays.
    for h in &base {
        if h.date.weekday() != Weekday::Sunday || h.date < Date::constant(1973, 4, 12) {
            continue;
        }
        let Ok(mut d) = h.date.tomorrow() else {
            continue;
        };
        if h.date.year() >= 2007 {
            while is_national(d, &base) {
                let Ok(n) = d.tomorrow() else { break };
                d = n;
            }
        } else if is_national(d, &base) {
            continue;
        }
        extra.push(Holiday {
            date: d,
            name_ja: "振替休日",
            name_en: "Substitute Holiday",
        });
    }
    // Citizens' holidays: between two national holidays.
    for w in base.windows(2) {
        let [a, b] = w else { continue };
        let Ok(mid) = a.date.tomorrow() else { continue };
        if b.date.yesterday().ok() != Some(mid) || mid < Date::constant(1985, 12, 27) {
            continue;
        }
        if mid.year() <= 2006
            && (mid.weekday() == Weekday::Sunday || extra.iter().any(|e| e.date == mid))
        {
            continue;
        }
        if extra.iter().any(|e| e.date == mid) {
            continue;
        }
        extra.push(Holiday {
            date: mid,
            name_ja: "国民の休日",
            name_en: "Citizens' Holiday",
        });
    }
    base.extend(extra.into_iter().filter(|h| h.date.year() == y));
    base.sort_by_key(|h| h.date);
    base
}

/// The holiday on `d` in Japan, if it is one.
pub fn japanese_holiday(d: Date) -> Option<Holiday> {
    japanese_holidays(d.year())
        .into_iter()
        .find(|h| h.date == d)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use jiff::civil::date;

    fn days(y: i16) -> Vec<String> {
        japanese_holidays(y)
            .iter()
            .map(|h| format!("{} {}", h.date, h.name_ja))
            .collect()
    }

    #[test]
    fn golden_week_2019_is_ten_days() {
        let d = days(2019);
        for want in [
            "2019-04-29 昭和の日",
            "2019-04-30 国民の休日",
            "2019-05-01 天皇の即位の日",
            "2019-05-02 国民の休日",
            "2019-05-03 憲法記念日",
            "2019-05-04 みどりの日",
            "2019-05-05 こどもの日",
            "2019-05-06 振替休日",
            "2019-10-22 即位礼正殿の儀の行われる日",
        ] {
            assert!(d.iter().any(|x| x == want), "{want}: {d:?}");
        }
        assert!(!d.iter().any(|x| x.contains("天皇誕生日")), "{d:?}");
    }

    #[test]
    fn silver_week_and_substitutes() {
        // 2015: Respect for the Aged Day 09-21, citizens' holiday 09-22, equinox 09-23
        assert_eq!(
            japanese_holiday(date(2015, 9, 22)).map(|h| h.name_ja),
            Some("国民の休日")
        );
        // 2008-05-06: Children's Day... no: Constitution Day 05-03 is a Saturday, 05-04 Sunday
        // (Greenery Day), so 05-06 is the substitute
        assert_eq!(
            japanese_holiday(date(2008, 5, 6)).map(|h| h.name_ja),
            Some("振替休日")
        );
        // 2020 Olympics: Sports Day on 07-24, Mountain Day on 08-10
        assert_eq!(
            japanese_holiday(date(2020, 7, 24)).map(|h| h.name_ja),
            Some("スポーツの日")
        );
        assert!(japanese_holiday(date(2020, 10, 12)).is_none());
        // 2021: Mountain Day on Sunday 08-08, substitute on 08-09
        assert_eq!(
            japanese_holiday(date(2021, 8, 9)).map(|h| h.name_ja),
            Some("振替休日")
        );
        assert_eq!(
            japanese_holiday(date(1989, 2, 24)).map(|h| h.name_en),
            Some("The Funeral Ceremony of Emperor Showa")
        );
        assert!(japanese_holidays(1900).is_empty());
        // equinoxes of years the Cabinet has announced
        for (y, m, d) in [(2025, 3, 20), (2025, 9, 23), (2026, 3, 20), (2026, 9, 23)] {
            assert!(japanese_holiday(date(y, m, d)).is_some(), "{y}-{m}-{d}");
        }
    }

    /// Each amendment applies from the day it came into force, not backwards (where PyPI
    /// jpholiday differs on 39 days before 1986).
    #[test]
    fn amendments_apply_from_their_day() {
        // the Act: in force from 1948-07-20
        assert!(japanese_holiday(date(1948, 5, 3)).is_none());
        assert!(japanese_holiday(date(1948, 9, 23)).is_some());
        // substitute holidays from 1973-04-12: not for Sunday 1973-02-11, yes for 04-29
        assert!(japanese_holiday(date(1973, 2, 12)).is_none());
        assert_eq!(
            japanese_holiday(date(1973, 4, 30)).map(|h| h.name_ja),
            Some("振替休日")
        );
        // citizens' holidays from 1985-12-27: 1985-05-04 (Saturday) was none, 1988's was
        assert!(japanese_holiday(date(1985, 5, 4)).is_none());
        assert_eq!(
            japanese_holiday(date(1988, 5, 4)).map(|h| h.name_ja),
            Some("国民の休日")
        );
    }

    #[test]
    fn every_year_computes_without_panic() {
        for y in [
            i16::MIN,
            -1,
            0,
            1947,
            1948,
            2099,
            2100,
            2150,
            9998,
            9999,
            i16::MAX,
        ] {
            let _ = japanese_holidays(y);
        }
    }
}
