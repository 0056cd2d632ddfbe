//! Condition operators: String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress/NotIpAddress,
//! Arn*, Null, with `IfExists` and the `ForAllValues:`/`ForAnyValue:` set qualifiers.

use crate::pattern::{self, Seg};
use crate::policy::{CondValue, Condition};
use std::net::IpAddr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    NumericEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    ArnEquals,
    ArnLike,
    Null,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOp {
    ForAllValues,
    ForAnyValue,
}

/// A parsed condition operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operator {
    pub base: Base,
    /// `StringNotEquals`, `NotIpAddress`, `ArnNotLike`, …
    pub negated: bool,
    pub if_exists: bool,
    pub set: Option<SetOp>,
}

/// The type of value an operator compares, for the validator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

impl Base {
    pub fn value_type(self) -> ValueType {
        use Base::*;
        match self {
            StringEquals | StringEqualsIgnoreCase | StringLike => ValueType::String,
            NumericEquals
            | NumericLessThan
            | NumericLessThanEquals
            | NumericGreaterThan
            | NumericGreaterThanEquals => ValueType::Numeric,
            DateEquals
            | DateLessThan
            | DateLessThanEquals
            | DateGreaterThan
            | DateGreaterThanEquals => ValueType::Date,
            Bool => ValueType::Bool,
            BinaryEquals => ValueType::Binary,
            IpAddress => ValueType::Ip,
            ArnEquals | ArnLike => ValueType::Arn,
            Null => ValueType::Null,
        }
    }
}

impl Operator {
    /// Parses an operator name; `None` when unknown. Operator names are case-sensitive in AWS,
    /// the set qualifiers too.
    pub fn parse(s: &str) -> Option<Operator> {
        let (set, rest) = if let Some(r) = s.strip_prefix("ForAllValues:") {
            (Some(SetOp::ForAllValues), r)
        } else if let Some(r) = s.strip_prefix("ForAnyValue:") {
            (Some(SetOp::ForAnyValue), r)
        } else {
            (None, s)
        };
        let (if_exists, name) = match rest.strip_suffix("IfExists") {
            Some(n) => (true, n),
            None => (false, rest),
        };
        use Base::*;
        let (base, negated) = match name {
            "StringEquals" => (StringEquals, false),
            "StringNotEquals" => (StringEquals, true),
            "StringEqualsIgnoreCase" => (StringEqualsIgnoreCase, false),
            "StringNotEqualsIgnoreCase" => (StringEqualsIgnoreCase, true),
            "StringLike" => (StringLike, false),
            "StringNotLike" => (StringLike, true),
            "NumericEquals" => (NumericEquals, false),
            "NumericNotEquals" => (NumericEquals, true),
            "NumericLessThan" => (NumericLessThan, false),
            "NumericLessThanEquals" => (NumericLessThanEquals, false),
            "NumericGreaterThan" => (NumericGreaterThan, false),
            "NumericGreaterThanEquals" => (NumericGreaterThanEquals, false),
            "DateEquals" => (DateEquals, false),
            "DateNotEquals" => (DateEquals, true),
            "DateLessThan" => (DateLessThan, false),
            "DateLessThanEquals" => (DateLessThanEquals, false),
            "DateGreaterThan" => (DateGreaterThan, false),
            "DateGreaterThanEquals" => (DateGreaterThanEquals, false),
            "Bool" => (Bool, false),
            "BinaryEquals" => (BinaryEquals, false),
            "IpAddress" => (IpAddress, false),
            "NotIpAddress" => (IpAddress, true),
            "ArnEquals" => (ArnEquals, false),
            "ArnNotEquals" => (ArnEquals, true),
            "ArnLike" => (ArnLike, false),
            "ArnNotLike" => (ArnLike, true),
            "Null" if !if_exists => (Null, false),
            _ => return None,
        };
        Some(Operator {
            base,
            negated,
            if_exists,
            set,
        })
    }
}

/// The request context as the evaluator sees it: lowercase key → values.
pub trait Context {
    fn get(&self, key_lower: &str) -> Option<&[String]>;
}

/// Evaluates one condition entry. An unknown operator never matches (the statement does not
/// apply), which the validator reports.
pub fn eval(c: &Condition, ctx: &dyn Context) -> bool {
    let Some(op) = c.op else {
        return false;
    };
    let key = c.key.to_ascii_lowercase();
    let values = ctx.get(&key);
    if op.base == Base::Null {
        // Several values are ORed like any condition: `["true", "false"]` always matches.
        let present = values.is_some_and(|v| !v.is_empty());
        return c.values.iter().any(|v| {
            let s = v.as_str();
            (s.eq_ignore_ascii_case("true") && !present)
                || (s.eq_ignore_ascii_case("false") && present)
        });
    }
    let lookup = |k: &str| ctx.get(k).and_then(|v| v.first()).map(|s| s.as_str());
    // Policy values with their variables substituted (values whose variable is missing drop out).
    let policy: Vec<String> = c
        .values
        .iter()
        .filter_map(|v| substitute(v.as_str(), op.base, &lookup))
        .collect();
    let matches_one = |rv: &str| policy.iter().any(|pv| compare(op.base, rv, pv));
    // For the set operators, values that are all empty strings are a null data set.
    let values = match values {
        Some(vs) if op.set.is_some() && vs.iter().all(|v| v.is_empty()) => Some(&[][..]),
        other => other,
    };
    match (op.set, values) {
        (Some(SetOp::ForAllValues), None) => true,
        (Some(SetOp::ForAllValues), Some([])) => true,
        (Some(SetOp::ForAnyValue), None) => op.if_exists,
        (Some(SetOp::ForAnyValue), Some([])) => op.if_exists,
        (None, None) => op.if_exists || op.negated,
        (Some(SetOp::ForAllValues), Some(vs)) => vs.iter().all(|rv| matches_one(rv) != op.negated),
        (Some(SetOp::ForAnyValue), Some(vs)) => vs.iter().any(|rv| matches_one(rv) != op.negated),
        (None, Some(vs)) => {
            match vs {
                [] => op.if_exists || op.negated,
                [one] => matches_one(one) != op.negated,
                // A multivalued key needs a set operator: without one the condition does not
                // match (reference_policies_multi-value-conditions.md: "Multivalued condition
                // keys require a set operator").
                _ => false,
            }
        }
    }
}

/// Substitutes policy variables in a condition value (String and Arn operators only).
fn substitute<'a, F>(v: &str, base: Base, lookup: &F) -> Option<String>
where
    F: Fn(&str) -> Option<&'a str>,
{
    if !matches!(
        base,
        Base::StringEquals
            | Base::StringEqualsIgnoreCase
            | Base::StringLike
            | Base::ArnEquals
            | Base::ArnLike
    ) {
        return Some(v.to_string());
    }
    let Some(segs) = pattern::split_vars(v) else {
        return Some(v.to_string());
    };
    let like = matches!(base, Base::StringLike | Base::ArnLike | Base::ArnEquals);
    let mut out = String::new();
    for s in &segs {
        match s {
            Seg::Glob(g) => out.push_str(g),
            Seg::Escaped(b) => {
                // In a like pattern an escaped wildcard must stay literal; mark it.
                if like && (*b == b'*' || *b == b'?') {
                    out.push('\u{0}');
                }
                out.push(*b as char);
            }
            Seg::Var { key, default } => {
                let val = lookup(key).or(default.as_deref())?;
                if like {
                    for ch in val.chars() {
                        if ch == '*' || ch == '?' {
                            out.push('\u{0}');
                        }
                        out.push(ch);
                    }
                } else {
                    out.push_str(val);
                }
            }
        }
    }
    Some(out)
}

/// Compiles a like pattern in which `\0` marks a literal `*` or `?`.
fn compile_like(p: &str) -> Vec<pattern::Tok> {
    let mut out = Vec::with_capacity(p.len());
    let mut lit = false;
    for b in p.bytes() {
        if b == 0 {
            lit = true;
            continue;
        }
        out.push(match b {
            b'*' if !lit => pattern::Tok::Star,
            b'?' if !lit => pattern::Tok::One,
            _ => pattern::Tok::Byte(b),
        });
        lit = false;
    }
    out
}

fn compare(base: Base, rv: &str, pv: &str) -> bool {
    use Base::*;
    match base {
        StringEquals => rv == pv,
        StringEqualsIgnoreCase => rv.to_lowercase() == pv.to_lowercase(),
        StringLike => pattern::glob(&compile_like(pv), rv.as_bytes()),
        NumericEquals
        | NumericLessThan
        | NumericLessThanEquals
        | NumericGreaterThan
        | NumericGreaterThanEquals => {
            let (Ok(r), Ok(p)) = (rv.trim().parse::<f64>(), pv.trim().parse::<f64>()) else {
                return false;
            };
            match base {
                NumericEquals => r == p,
                NumericLessThan => r < p,
                NumericLessThanEquals => r <= p,
                NumericGreaterThan => r > p,
                _ => r >= p,
            }
        }
        DateEquals
        | DateLessThan
        | DateLessThanEquals
        | DateGreaterThan
        | DateGreaterThanEquals => {
            let (Some(r), Some(p)) = (parse_date(rv), parse_date(pv)) else {
                return false;
            };
            match base {
                DateEquals => r == p,
                DateLessThan => r < p,
                DateLessThanEquals => r <= p,
                DateGreaterThan => r > p,
                _ => r >= p,
            }
        }
        Bool => rv.eq_ignore_ascii_case(pv),
        BinaryEquals => rv == pv,
        IpAddress => ip_in(rv, pv),
        ArnEquals | ArnLike => {
            let toks = compile_like(pv);
            pattern::match_resource(&toks, rv)
        }
        Null => false,
    }
}

/// Parses a CIDR block (`10.0.0.0/8`, `2001:db8::/32`) or a single address.
pub fn parse_cidr(s: &str) -> Option<(IpAddr, u8)> {
    let s = s.trim();
    let (addr, len) = match s.split_once('/') {
        Some((a, l)) => (a, Some(l.parse::<u8>().ok()?)),
        None => (s, None),
    };
    let ip: IpAddr = addr.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let len = len.unwrap_or(max);
    (len <= max).then_some((ip, len))
}

fn ip_in(request: &str, cidr: &str) -> bool {
    let (Some((net, len)), Some((ip, _))) = (parse_cidr(cidr), parse_cidr(request)) else {
        return false;
    };
    match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(i)) => {
            let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
            (u32::from(n) & mask) == (u32::from(i) & mask)
        }
        (IpAddr::V6(n), IpAddr::V6(i)) => {
            let mask = if len == 0 {
                0
            } else {
                u128::MAX << (128 - len)
            };
            (u128::from(n) & mask) == (u128::from(i) & mask)
        }
        _ => false,
    }
}

/// Parses an ISO 8601 date (`2020-01-01`, `2020-01-01T00:00:00Z`, with fractions and offsets)
/// or epoch seconds into milliseconds since the epoch.
pub fn parse_date(s: &str) -> Option<i64> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse::<i64>().ok()?.checked_mul(1000);
    }
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let t = s.get(from..from + len)?;
        if !t.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        t.parse().ok()
    };
    let year = num(0, 4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let month = num(5, 2)?;
    let day = num(8, 2)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let (mut h, mut mi, mut sec, mut ms, mut off) = (0i64, 0i64, 0i64, 0i64, 0i64);
    let mut i = 10;
    if matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        h = num(11, 2)?;
        if b.get(13) != Some(&b':') {
            return None;
        }
        mi = num(14, 2)?;
        i = 16;
        if b.get(16) == Some(&b':') {
            sec = num(17, 2)?;
            i = 19;
            if b.get(19) == Some(&b'.') {
                let mut j = 20;
                let mut frac = String::new();
                while let Some(c) = b.get(j).filter(|c| c.is_ascii_digit()) {
                    frac.push(*c as char);
                    j += 1;
                }
                frac.truncate(3);
                while frac.len() < 3 {
                    frac.push('0');
                }
                ms = frac.parse().ok()?;
                i = j;
            }
        }
        match b.get(i) {
            None => {}
            Some(b'Z' | b'z') => i += 1,
            Some(c @ (b'+' | b'-')) => {
                let oh = num(i + 1, 2)?;
                let om = if b.get(i + 3) == Some(&b':') {
                    num(i + 4, 2)?
                } else {
                    num(i + 3, 2)?
                };
                off = (oh * 60 + om) * if *c == b'-' { -1 } else { 1 };
                i = s.len();
            }
            _ => return None,
        }
    }
    if i < s.len() {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 86_400 + h * 3600 + mi * 60 + sec - off * 60) * 1000) + ms)
}

/// The value of a Condition as its operator type would read it, for the validator: `None` when
/// the value does not fit the operator.
pub fn value_fits(base: Base, v: &CondValue) -> bool {
    let s = v.as_str();
    if pattern::split_vars(s).is_some() {
        return true;
    }
    match base.value_type() {
        ValueType::Numeric => s.trim().parse::<f64>().is_ok(),
        ValueType::Date => parse_date(s).is_some(),
        ValueType::Bool | ValueType::Null => {
            s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false")
        }
        ValueType::Ip => parse_cidr(s).is_some(),
        ValueType::String | ValueType::Binary | ValueType::Arn => !matches!(v, CondValue::Bool(_)),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(parse_date("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_date("1970-01-02"), Some(86_400_000));
        assert_eq!(parse_date("86400"), Some(86_400_000));
        assert_eq!(
            parse_date("2020-04-01T01:00:00+01:00"),
            parse_date("2020-04-01T00:00:00Z")
        );
        assert!(parse_date("2020-13-01").is_none());
        assert!(parse_date("yesterday").is_none());
    }

    #[test]
    fn cidrs() {
        assert!(ip_in("203.0.113.7", "203.0.113.0/24"));
        assert!(!ip_in("203.0.114.7", "203.0.113.0/24"));
        assert!(ip_in("2001:db8::1", "2001:db8::/32"));
        assert!(!ip_in("2001:db8::1", "203.0.113.0/24"));
        assert!(ip_in("1.2.3.4", "0.0.0.0/0"));
    }

    #[test]
    fn operators_parse() {
        let o = Operator::parse("ForAnyValue:StringNotLikeIfExists").unwrap();
        assert_eq!(o.base, Base::StringLike);
        assert!(o.negated && o.if_exists && o.set == Some(SetOp::ForAnyValue));
        assert!(Operator::parse("NullIfExists").is_none());
        assert!(Operator::parse("StringEqualz").is_none());
    }
}
