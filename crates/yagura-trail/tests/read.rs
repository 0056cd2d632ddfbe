#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! WATCH-03: reading CloudTrail files in every shape, with errors reported by position.

use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;
use std::path::{Path, PathBuf};
use yagura_trail::read::{self, Checkpoints, KeyInfo, ReadErrorKind};

fn testdata() -> PathBuf {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/testdata/cloudtrail"
    ))
    .into()
}

fn count(path: &Path) -> (usize, Vec<String>) {
    let mut n = 0;
    let mut errs = vec![];
    for item in read::read_path(path) {
        match item {
            Ok(_) => n += 1,
            Err(e) => errs.push(e.to_string()),
        }
    }
    (n, errs)
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

#[test]
fn reads_records_files_and_arrays() {
    let (n, errs) = count(&testdata().join("invictus"));
    assert_eq!((n, errs.len()), (2900, 0), "{errs:?}");
    let (n, errs) = count(&testdata().join("stratus"));
    assert_eq!((n, errs.len()), (310, 0), "{errs:?}");
}

#[test]
fn reads_gzip_in_the_awslogs_layout_including_org_trails() {
    let dir = tempfile::tempdir().unwrap();
    let src = testdata().join("invictus/CloudTrail");
    let mut files: Vec<_> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut expected = 0;
    for (i, f) in files.iter().take(6).enumerate() {
        let data = std::fs::read(f).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&data).unwrap();
        expected += v["Records"].as_array().unwrap().len();
        let sub = if i % 2 == 0 {
            "AWSLogs/218007301253/CloudTrail/us-east-1/2023/07/10"
        } else {
            "AWSLogs/o-abc123/218007301253/CloudTrail/eu-west-1/2023/07/10"
        };
        let d = dir.path().join(sub);
        std::fs::create_dir_all(&d).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        std::fs::write(d.join(format!("{name}.gz")), gz(&data)).unwrap();
    }
    // a digest file is not read
    let dg = dir
        .path()
        .join("AWSLogs/218007301253/CloudTrail-Digest/us-east-1/2023/07/10");
    std::fs::create_dir_all(&dg).unwrap();
    std::fs::write(
        dg.join("x_CloudTrail-Digest_x.json.gz"),
        gz(b"{\"awsAccountId\":\"1\"}"),
    )
    .unwrap();
    let (n, errs) = count(dir.path());
    assert_eq!((n, errs.len()), (expected, 0), "{errs:?}");

    let k =
        KeyInfo::parse("AWSLogs/o-abc123/218007301253/CloudTrail/eu-west-1/2023/07/10/f.json.gz")
            .unwrap();
    assert_eq!(k.org_id.as_deref(), Some("o-abc123"));
    assert_eq!(
        (k.account.as_str(), k.region.as_str(), k.date.as_str()),
        ("218007301253", "eu-west-1", "2023-07-10")
    );
    assert_eq!(
        k.stream,
        "AWSLogs/o-abc123/218007301253/CloudTrail/eu-west-1/"
    );
    assert!(
        KeyInfo::parse("AWSLogs/218007301253/CloudTrail-Digest/us-east-1/2023/07/10/x").is_none()
    );
}

const GOOD: &str = r#"{"eventTime":"2023-07-10T11:42:36Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","eventID":"e1"}"#;

#[test]
fn json_lines_errors_are_reported_by_position_and_the_rest_is_read() {
    let missing = r#"{"eventTime":"2023-07-10T11:42:36Z","eventName":"CreateUser"}"#;
    let truncated = r#"{"eventTime":"2023-07-10T11:42:36Z","eventSource":"iam.amaz"#;
    let input = format!("{GOOD}\nthis is not json\n{missing}\n{truncated}\n{GOOD}\n\n{GOOD}\n");
    let mut ok = 0;
    let mut errs = vec![];
    for item in read::read_stream("lines.jsonl", std::io::Cursor::new(input.into_bytes())) {
        match item {
            Ok(_) => ok += 1,
            Err(e) => errs.push((e.pos.line, e.to_string())),
        }
    }
    assert_eq!(ok, 3);
    assert_eq!(errs.len(), 3, "{errs:?}");
    assert_eq!(errs[0].0, 2);
    assert!(
        errs[0]
            .1
            .contains("`lines.jsonl` record 1 (line 2, byte 111)"),
        "{}",
        errs[0].1
    );
    assert!(errs[0].1.contains("`this is not json`"), "{}", errs[0].1);
    assert_eq!(errs[1].0, 3);
    assert!(
        errs[1].1.contains("missing field `eventSource`"),
        "{}",
        errs[1].1
    );
    assert_eq!(errs[2].0, 4);
}

#[test]
fn a_truncated_record_followed_by_a_record_on_the_next_line() {
    let input = format!("{{\"eventTime\":\"2023-07-10T11:42:36Z\",\"a\":1,\n{GOOD}\n");
    let items: Vec<_> = read::read_stream("x", std::io::Cursor::new(input.into_bytes())).collect();
    assert_eq!(items.len(), 2);
    assert!(items[0].is_err());
    assert!(items[1].is_ok());
}

#[test]
fn truncated_gzip_keeps_the_records_before_the_damage() {
    let f = testdata().join("invictus/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1205Z_SjF3IkuNXJkoHyar.json");
    let data = std::fs::read(&f).unwrap();
    let total = serde_json::from_slice::<serde_json::Value>(&data).unwrap()["Records"]
        .as_array()
        .unwrap()
        .len();
    let z = gz(&data);
    let cut = &z[..z.len() / 2];
    let mut ok = 0;
    let mut errs = vec![];
    for item in read::read_stream("cut.json.gz", std::io::Cursor::new(cut.to_vec())) {
        match item {
            Ok(_) => ok += 1,
            Err(e) => errs.push(e),
        }
    }
    assert!(ok > 0 && ok < total, "{ok} of {total}");
    assert_eq!(errs.len(), 1);
    assert!(errs[0].is_fatal());
    assert!(
        matches!(
            errs[0].kind,
            ReadErrorKind::Gzip(_) | ReadErrorKind::Truncated
        ),
        "{}",
        errs[0]
    );
    assert!(
        errs[0].to_string().starts_with("`cut.json.gz` record"),
        "{}",
        errs[0]
    );
}

#[test]
fn truncated_records_file_is_reported() {
    let input = format!("{{\"Records\":[{GOOD},{GOOD},{{\"eventTime\":\"2023");
    let items: Vec<_> =
        read::read_stream("t.json", std::io::Cursor::new(input.into_bytes())).collect();
    assert_eq!(items.len(), 3);
    let e = items[2].as_ref().unwrap_err();
    assert_eq!(e.pos.record, 2);
    assert!(e.to_string().contains("truncated"), "{e}");
}

#[test]
fn several_wrappers_pretty_printed_and_arrays() {
    let input = format!("{{\n  \"Records\" : [\n {GOOD} ,\n {GOOD}\n ], \"x\": {{\"y\": [1]}} }}\n{{\"Records\":[{GOOD}]}}\n[{GOOD}]");
    let items: Vec<_> =
        read::read_stream("m.json", std::io::Cursor::new(input.into_bytes())).collect();
    assert_eq!(items.len(), 4);
    assert!(items.iter().all(|i| i.is_ok()), "{items:?}");
    // a non-object in an array is reported and skipped
    let input = format!("[{GOOD}, 42, \"s\", {GOOD}]");
    let items: Vec<_> =
        read::read_stream("a.json", std::io::Cursor::new(input.into_bytes())).collect();
    assert_eq!(items.iter().filter(|i| i.is_ok()).count(), 2);
    assert_eq!(items.iter().filter(|i| i.is_err()).count(), 2);
}

#[test]
fn resuming_from_a_checkpoint_reads_every_event_exactly_once() {
    let root = testdata().join("invictus");
    let all: Vec<String> = read::read_path(&root)
        .map(|e| e.unwrap().event_id().to_string())
        .collect();
    // stop after 1234 events, remembering the position per stream
    let mut cps = Checkpoints::default();
    let mut first: Vec<String> = vec![];
    let mut files = read::list_files(&root).0.into_iter();
    'outer: for f in files.by_ref() {
        let key = f.display().to_string();
        let mut n = 0;
        for ev in read::open_file(&f).unwrap() {
            let ev = ev.unwrap();
            first.push(ev.event_id().to_string());
            n += 1;
            cps.advance(&key, n, false);
            if first.len() == 1234 {
                break 'outer;
            }
        }
        cps.advance(&key, n, true);
    }
    let json = serde_json::to_string(&cps).unwrap();
    let cps: Checkpoints = serde_json::from_str(&json).unwrap();
    let rest: Vec<String> = read::read_path(&root)
        .resume(cps)
        .map(|e| e.unwrap().event_id().to_string())
        .collect();
    let mut joined = first.clone();
    joined.extend(rest);
    assert_eq!(joined, all);
}

#[test]
fn records_larger_than_the_read_buffer_cross_chunk_boundaries() {
    let big = "x".repeat(300_000);
    let rec = |i: usize, ua: &str| {
        format!(
            r#"{{"eventTime":"2023-07-10T11:42:3{i}Z","eventSource":"iam.amazonaws.com","eventName":"E{i}","userAgent":"{ua}"}}"#
        )
    };
    let body = format!(
        "{{\"Records\":[{},{},{}]}}",
        rec(1, "a"),
        rec(2, &big),
        rec(3, "c")
    );
    for data in [body.clone().into_bytes(), gz(body.as_bytes())] {
        let evs: Vec<_> = read::read_stream("big.json", std::io::Cursor::new(data))
            .map(|e| e.unwrap())
            .collect();
        let names: Vec<&str> = evs.iter().map(|e| e.event_name()).collect();
        assert_eq!(names, ["E1", "E2", "E3"]);
        assert_eq!(evs[1].str_field("userAgent").map(str::len), Some(300_000));
    }
    // and as JSON lines (the general scanner)
    let lines = format!("{}\n{}\n{}\n", rec(1, "a"), rec(2, &big), rec(3, "c"));
    let n = read::read_stream("big.jsonl", std::io::Cursor::new(lines.into_bytes()))
        .filter(|e| e.is_ok())
        .count();
    assert_eq!(n, 3);
}

/// A fuzz finding (scripts/fuzz.sh, read_records): an input of the first two bytes of a UTF-8
/// byte order mark, read in a buffer reused from an input that began with a whole one, was
/// taken for a whole mark (the stale third byte) and the position ran past the input.
#[test]
fn a_cut_byte_order_mark_after_a_whole_one_is_an_error_not_a_panic() {
    let whole: Vec<u8> = [&[0xEF, 0xBB, 0xBF][..], b"[]"].concat();
    assert_eq!(
        yagura_trail::read_stream("whole", std::io::Cursor::new(whole)).count(),
        0
    );
    let items: Vec<_> =
        yagura_trail::read_stream("cut", std::io::Cursor::new(vec![0xEF, 0xBB])).collect();
    assert!(
        !items.is_empty() && items.iter().all(|i| i.is_err()),
        "{items:?}"
    );
}
