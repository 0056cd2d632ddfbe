//! Five-field cron expressions (minute hour day-of-month month day-of-week), the Vixie/POSIX
//! dialect: `*`, numbers, ranges `a-b`, steps `*/n` `a-b/n` `a/n`, lists `a,b`, month and
//! weekday names (`JAN`, `MON-FRI`), `7` as Sunday, `L` (last day of the month) in the
//! day-of-month field, and the macros `@hourly` `@daily` `@midnight` `@weekly` `@monthly`
//! `@yearly` `@annually`.
//!
//! Day matching follows Vixie cron: when both day-of-month and day-of-week are restricted (the
//! field does not start with `*`), a day matches if EITHER matches; when one starts with `*`,
//! only the other counts.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;

/// Why a cron expression was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CronError {
    #[error("cron expression `{expr}` has {found} fields, expected 5 (minute hour day-of-month month day-of-week)")]
    FieldCount { expr: String, found: usize },
    #[error("cron {field} field `{value}`: {reason}")]
    Field {
        field: &'static str,
        value: String,
        reason: String,
    },
    #[error("unknown cron macro `{0}` (known: @hourly @daily @midnight @weekly @monthly @yearly @annually)")]
    Macro(String),
}

#[derive(Clone, Copy)]
struct FieldSpec {
    name: &'static str,
    min: u8,
    max: u8,
    names: &'static [&'static str],
}

const MINUTE: FieldSpec = FieldSpec {
    name: "minute",
    min: 0,
    max: 59,
    names: &[],
};
const HOUR: FieldSpec = FieldSpec {
    name: "hour",
    min: 0,
    max: 23,
    names: &[],
};
const DOM: FieldSpec = FieldSpec {
    name: "day-of-month",
    min: 1,
    max: 31,
    names: &[],
};
const MONTH: FieldSpec = FieldSpec {
    name: "month",
    min: 1,
    max: 12,
    names: &[
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ],
};
// 0..=7, both 0 and 7 are Sunday.
const DOW: FieldSpec = FieldSpec {
    name: "day-of-week",
    min: 0,
    max: 7,
    names: &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
};

/// A parsed cron expression.
#[derive(Clone, PartialEq, Eq)]
pub struct Cron {
    source: String,
    minutes: u64,
    hours: u64,
    dom: u64,
    /// `L` in the day-of-month field.
    dom_last: bool,
    months: u64,
    /// Bit 0 = Sunday … bit 6 = Saturday (7 folded into 0).
    dow: u64,
    dom_star: bool,
    dow_star: bool,
}

impl fmt::Debug for Cron {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cron({:?})", self.source)
    }
}

impl fmt::Display for Cron {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl FromStr for Cron {
    type Err = CronError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Cron::parse(s)
    }
}

impl Cron {
    /// Parses a five-field expression or a macro.
    pub fn parse(expr: &str) -> Result<Cron, CronError> {
        let trimmed = expr.trim();
        let expanded = if let Some(m) = trimmed.strip_prefix('@') {
            match m.to_ascii_lowercase().as_str() {
                "hourly" => "0 * * * *",
                "daily" | "midnight" => "0 0 * * *",
                "weekly" => "0 0 * * 0",
                "monthly" => "0 0 1 * *",
                "yearly" | "annually" => "0 0 1 1 *",
                _ => return Err(CronError::Macro(trimmed.to_string())),
            }
        } else {
            trimmed
        };
        let fields: Vec<&str> = expanded.split_whitespace().collect();
        let [mi, h, dom, mo, dow] = fields.as_slice() else {
            return Err(CronError::FieldCount {
                expr: trimmed.to_string(),
                found: fields.len(),
            });
        };
        let (dom_bits, dom_last) = parse_dom(dom)?;
        let mut dow_bits = parse_field(dow, DOW)?;
        if dow_bits & (1 << 7) != 0 {
            dow_bits = (dow_bits & !(1 << 7)) | 1;
        }
        Ok(Cron {
            source: trimmed.to_string(),
            minutes: parse_field(mi, MINUTE)?,
            hours: parse_field(h, HOUR)?,
            dom: dom_bits,
            dom_last,
            months: parse_field(mo, MONTH)?,
            dow: dow_bits,
            dom_star: dom.starts_with('*'),
            dow_star: dow.starts_with('*'),
        })
    }

    /// The expression as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the expression fires on some minute of this local date.
    pub fn matches_date(&self, date: Date) -> bool {
        let month = u32::try_from(date.month()).unwrap_or(0);
        if self.months & (1u64 << month) == 0 {
            return false;
        }
        let day = u32::try_from(date.day()).unwrap_or(0);
        let dom_match =
            self.dom & (1u64 << day) != 0 || (self.dom_last && date.day() == date.days_in_month());
        let wd = u32::from(date.weekday().to_sunday_zero_offset().unsigned_abs());
        let dow_match = self.dow & (1u64 << wd) != 0;
        match (self.dom_star, self.dow_star) {
            (true, true) => true,
            (true, false) => dow_match,
            (false, true) => dom_match,
            (false, false) => dom_match || dow_match,
        }
    }

    /// The (hour, minute) pairs of a matching day, ascending.
    pub fn times_of_day(&self) -> impl Iterator<Item = (i8, i8)> + '_ {
        (0i8..24)
            .filter(|h| self.hours & (1u64 << h) != 0)
            .flat_map(move |h| {
                (0i8..60)
                    .filter(|m| self.minutes & (1u64 << m) != 0)
                    .map(move |m| (h, m))
            })
    }
}

fn field_err(spec: FieldSpec, value: &str, reason: impl Into<String>) -> CronError {
    CronError::Field {
        field: spec.name,
        value: value.to_string(),
        reason: reason.into(),
    }
}

fn parse_dom(s: &str) -> Result<(u64, bool), CronError> {
    let mut last = false;
    let mut rest = Vec::new();
    for part in s.split(',') {
        if part.eq_ignore_ascii_case("L") {
            last = true;
        } else {
            rest.push(part);
        }
    }
    if rest.is_empty() {
        return Ok((0, last));
    }
    Ok((parse_field(&rest.join(","), DOM)?, last))
}

fn parse_value(v: &str, spec: FieldSpec, whole: &str) -> Result<u8, CronError> {
    if let Ok(n) = v.parse::<u8>() {
        if n < spec.min || n > spec.max {
            return Err(field_err(
                spec,
                whole,
                format!("`{v}` is out of range {}-{}", spec.min, spec.max),
            ));
        }
        return Ok(n);
    }
    let upper = v.to_ascii_uppercase();
    if let Some(i) = spec.names.iter().position(|n| *n == upper) {
        let base = if spec.min == 1 { 1 } else { 0 };
        return u8::try_from(i + base).map_err(|_| field_err(spec, whole, "bad name"));
    }
    Err(field_err(
        spec,
        whole,
        format!("`{v}` is not a number or a known name"),
    ))
}

fn parse_field(s: &str, spec: FieldSpec) -> Result<u64, CronError> {
    if s.is_empty() {
        return Err(field_err(spec, s, "empty field"));
    }
    let mut bits = 0u64;
    for part in s.split(',') {
        if part.is_empty() {
            return Err(field_err(spec, s, "empty list element"));
        }
        let (range, step) = match part.split_once('/') {
            Some((r, st)) => {
                let step: u8 = st
                    .parse()
                    .map_err(|_| field_err(spec, s, format!("step `{st}` is not a number")))?;
                if step == 0 {
                    return Err(field_err(spec, s, "step must be at least 1"));
                }
                (r, Some(step))
            }
            None => (part, None),
        };
        let (lo, hi) = if range == "*" {
            (spec.min, spec.max)
        } else if let Some((a, b)) = range.split_once('-') {
            let lo = parse_value(a, spec, s)?;
            let hi = parse_value(b, spec, s)?;
            if lo > hi {
                return Err(field_err(
                    spec,
                    s,
                    format!("range `{range}` runs backwards"),
                ));
            }
            (lo, hi)
        } else {
            let v = parse_value(range, spec, s)?;
            // `a/n` means from a to the maximum in steps of n.
            if step.is_some() {
                (v, spec.max)
            } else {
                (v, v)
            }
        };
        let step = step.unwrap_or(1);
        let mut v = lo;
        while v <= hi {
            bits |= 1u64 << v;
            match v.checked_add(step) {
                Some(n) => v = n,
                None => break,
            }
        }
    }
    Ok(bits)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use jiff::civil::date;

    #[test]
    fn parse_errors_name_the_field() {
        let cases = [
            ("* * * *", "has 4 fields"),
            ("60 * * * *", "minute field `60`: `60` is out of range 0-59"),
            ("* 24 * * *", "hour field"),
            ("* * 0 * *", "day-of-month field"),
            ("* * * 13 *", "month field"),
            ("* * * * 8", "day-of-week field"),
            ("*/0 * * * *", "step must be at least 1"),
            ("5-1 * * * *", "runs backwards"),
            ("* * * * FOO", "`FOO` is not a number or a known name"),
            ("@reboot", "unknown cron macro `@reboot`"),
            ("1,,2 * * * *", "empty list element"),
        ];
        for (expr, want) in cases {
            let err = Cron::parse(expr).unwrap_err().to_string();
            assert!(err.contains(want), "{expr}: {err}");
        }
    }

    #[test]
    fn names_ranges_lists_steps() {
        let c = Cron::parse("0,30 9-17/2 * JAN-mar mon-FRI").unwrap();
        let times: Vec<_> = c.times_of_day().collect();
        assert_eq!(
            times,
            vec![
                (9, 0),
                (9, 30),
                (11, 0),
                (11, 30),
                (13, 0),
                (13, 30),
                (15, 0),
                (15, 30),
                (17, 0),
                (17, 30)
            ]
        );
        assert!(c.matches_date(date(2026, 1, 5))); // Monday
        assert!(!c.matches_date(date(2026, 1, 4))); // Sunday
        assert!(!c.matches_date(date(2026, 4, 6))); // April Monday
        let c = Cron::parse("15/20 * * * *").unwrap();
        assert_eq!(
            c.times_of_day().take(3).collect::<Vec<_>>(),
            vec![(0, 15), (0, 35), (0, 55)]
        );
    }

    #[test]
    fn sunday_is_0_and_7() {
        let a = Cron::parse("0 0 * * 0").unwrap();
        let b = Cron::parse("0 0 * * 7").unwrap();
        let c = Cron::parse("0 0 * * 5-7").unwrap();
        let sunday = date(2026, 11, 22);
        assert!(a.matches_date(sunday));
        assert!(b.matches_date(sunday));
        assert!(c.matches_date(sunday));
        assert!(c.matches_date(date(2026, 11, 20))); // Friday
        assert!(!c.matches_date(date(2026, 11, 19))); // Thursday
    }

    #[test]
    fn dom_dow_semantics() {
        // (expression, date, matches)
        let cases = [
            // both restricted: OR
            ("0 0 13 * FRI", date(2026, 11, 13), true), // Friday the 13th
            ("0 0 13 * FRI", date(2026, 11, 20), true), // a Friday
            ("0 0 13 * FRI", date(2026, 10, 13), true), // a Tuesday the 13th
            ("0 0 13 * FRI", date(2026, 11, 19), false),
            // dom star: dow only
            ("0 0 * * FRI", date(2026, 11, 13), true),
            ("0 0 * * FRI", date(2026, 11, 12), false),
            // dow star: dom only
            ("0 0 13 * *", date(2026, 11, 12), false),
            // Vixie quirk: a field starting with `*` is unrestricted even with a step
            ("0 0 */2 * MON", date(2026, 11, 16), true), // Monday, even day
            ("0 0 */2 * MON", date(2026, 11, 23), true), // Monday, odd day: `*/2` counts as unrestricted
            ("0 0 */2 * MON", date(2026, 11, 17), false), // Tuesday the 17th
        ];
        for (expr, d, want) in cases {
            let c = Cron::parse(expr).unwrap();
            assert_eq!(c.matches_date(d), want, "{expr} on {d}");
        }
    }

    #[test]
    fn month_ends() {
        let c31 = Cron::parse("0 0 31 * *").unwrap();
        assert!(!c31.matches_date(date(2026, 4, 30)));
        assert!(c31.matches_date(date(2026, 5, 31)));
        let last = Cron::parse("0 0 L * *").unwrap();
        let cases = [
            (date(2026, 4, 30), true),
            (date(2026, 4, 29), false),
            (date(2028, 2, 29), true),
            (date(2028, 2, 28), false),
            (date(2027, 2, 28), true),
            (date(2026, 12, 31), true),
        ];
        for (d, want) in cases {
            assert_eq!(last.matches_date(d), want, "L on {d}");
        }
        let feb29 = Cron::parse("0 0 29 2 *").unwrap();
        assert!(feb29.matches_date(date(2028, 2, 29)));
        assert!(!feb29.matches_date(date(2027, 3, 1)));
    }
}
