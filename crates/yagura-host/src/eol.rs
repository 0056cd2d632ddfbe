//! OS end of life (HOST-03) from a dated table kept here.
//!
//! Dates are the end of the vendor's security support (extended/LTS support where the vendor
//! provides it without a separate subscription). Table as of 2026-11.

use time::{Date, Month};

/// One release: os-release `ID`, the release key (see [`crate::packages::OsRelease::release_key`])
/// and the last day of support.
pub struct EolEntry {
    pub id: &'static str,
    pub release: &'static str,
    pub eol: (i32, u8, u8),
}

const fn e(id: &'static str, release: &'static str, y: i32, m: u8, d: u8) -> EolEntry {
    EolEntry {
        id,
        release,
        eol: (y, m, d),
    }
}

/// The table.
pub static EOL_TABLE: &[EolEntry] = &[
    e("debian", "8", 2020, 6, 30),
    e("debian", "9", 2022, 6, 30),
    e("debian", "10", 2024, 6, 30),
    e("debian", "11", 2026, 8, 31),
    e("debian", "12", 2028, 6, 30),
    e("debian", "13", 2030, 6, 30),
    e("ubuntu", "16.04", 2021, 4, 30),
    e("ubuntu", "18.04", 2023, 5, 31),
    e("ubuntu", "20.04", 2025, 5, 31),
    e("ubuntu", "22.04", 2027, 6, 1),
    e("ubuntu", "24.04", 2029, 5, 31),
    e("amzn", "2018.03", 2023, 12, 31),
    e("amzn", "2", 2026, 6, 30),
    e("amzn", "2023", 2029, 6, 30),
    e("centos", "7", 2024, 6, 30),
    e("centos", "8", 2021, 12, 31),
    e("rhel", "7", 2024, 6, 30),
    e("rhel", "8", 2029, 5, 31),
    e("rhel", "9", 2032, 5, 31),
    e("almalinux", "8", 2029, 3, 1),
    e("almalinux", "9", 2032, 5, 31),
    e("rocky", "8", 2029, 5, 31),
    e("rocky", "9", 2032, 5, 31),
    e("alpine", "v3.12", 2022, 5, 1),
    e("alpine", "v3.13", 2022, 11, 1),
    e("alpine", "v3.14", 2023, 5, 1),
    e("alpine", "v3.15", 2023, 11, 1),
    e("alpine", "v3.16", 2024, 5, 23),
    e("alpine", "v3.17", 2024, 11, 22),
    e("alpine", "v3.18", 2025, 5, 9),
    e("alpine", "v3.19", 2025, 11, 1),
    e("alpine", "v3.20", 2026, 4, 1),
    e("alpine", "v3.21", 2026, 11, 1),
    e("alpine", "v3.22", 2027, 5, 1),
    e("mariner", "1.0", 2023, 7, 31),
    e("mariner", "2.0", 2025, 7, 31),
    e("azurelinux", "3.0", 2027, 7, 31),
];

/// The end-of-life date of a release, if the table knows it.
pub fn eol_date(id: &str, release: &str) -> Option<Date> {
    let entry = EOL_TABLE
        .iter()
        .find(|x| x.id == id && x.release == release)?;
    let (y, m, d) = entry.eol;
    Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok()
}

/// Days until (positive) or since (negative) the end of life on `today`.
pub fn days_left(id: &str, release: &str, today: Date) -> Option<i64> {
    eol_date(id, release).map(|d| (d - today).whole_days())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn table_dates_are_valid_and_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for x in EOL_TABLE {
            assert!(
                eol_date(x.id, x.release).is_some(),
                "{} {}",
                x.id,
                x.release
            );
            assert!(seen.insert((x.id, x.release)));
        }
        let today = Date::from_calendar_date(2026, Month::November, 24).unwrap();
        assert!(days_left("debian", "10", today).unwrap() < 0);
        assert!(days_left("debian", "12", today).unwrap() > 0);
        assert!(days_left("plan9", "4", today).is_none());
    }
}
