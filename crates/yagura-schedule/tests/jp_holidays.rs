#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Differential test: the built-in Japanese holidays against PyPI `jpholiday` (pinned in
//! scripts/pins/requirements.txt, run as an outside process from the test venv), for every day
//! of 2000–2050: the same days are holidays, with the same names.

use std::collections::BTreeMap;
use std::process::Command;

use jiff::civil::date;
use yagura_schedule::holidays::japanese_holidays;

const ORACLE: &str = r#"
import datetime, sys, jpholiday
first, last = int(sys.argv[1]), int(sys.argv[2])
d = datetime.date(first, 1, 1)
end = datetime.date(last, 12, 31)
one = datetime.timedelta(days=1)
while d <= end:
    n = jpholiday.is_holiday_name(d)
    if n:
        print(d.isoformat(), n)
    d += one
"#;

/// jpholiday's spellings that differ from yagura's only in form: a substitute holiday is named
/// after the holiday it replaces (`昭和の日 振替休日`), and the 2019 enthronement ceremony by
/// the ceremony alone, where the special law of 2018 names the day
/// 「即位礼正殿の儀の行われる日」.
fn normalize(name: &str) -> String {
    if name.ends_with(" 振替休日") {
        return "振替休日".to_string();
    }
    match name {
        "即位礼正殿の儀" => "即位礼正殿の儀の行われる日".to_string(),
        n => n.to_string(),
    }
}

#[test]
fn every_day_2000_to_2050_matches_jpholiday() {
    let python = yagura_testkit::venv().join("bin/python");
    let has = python.exists()
        && Command::new(&python)
            .args(["-c", "import jpholiday"])
            .status()
            .is_ok_and(|s| s.success());
    if !yagura_testkit::required_in_ci(has, "jpholiday") {
        return;
    }
    let out = Command::new(&python)
        .args(["-c", ORACLE, "2000", "2050"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let oracle: BTreeMap<String, String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let (d, n) = l.split_once(' ').unwrap();
            (d.to_string(), normalize(n))
        })
        .collect();
    let mut ours = BTreeMap::new();
    for y in 2000..=2050 {
        for h in japanese_holidays(y) {
            ours.insert(h.date.to_string(), h.name_ja.to_string());
        }
    }
    // every day of the range, not only the holidays either side names
    let mut day = date(2000, 1, 1);
    let mut checked = 0;
    let mut diffs = Vec::new();
    while day <= date(2050, 12, 31) {
        let k = day.to_string();
        if oracle.get(&k) != ours.get(&k) {
            diffs.push(format!(
                "{k}: jpholiday {:?}, yagura {:?}",
                oracle.get(&k),
                ours.get(&k)
            ));
        }
        checked += 1;
        day = day.tomorrow().unwrap();
    }
    assert_eq!(checked, 18_628);
    assert!(oracle.len() > 800, "{}", oracle.len());
    assert!(
        diffs.is_empty(),
        "{} differences:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
    eprintln!(
        "{checked} days compared, {} holidays, no difference",
        oracle.len()
    );
}
