#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::time::{Duration, Instant};
use time::macros::datetime;
use time::OffsetDateTime;
use yagura_core::{text, Finding, Mute, MuteKind, Severity, Status, Text};
use yagura_store::{
    ActionRecord, OpenOptions, RunMeta, Store, StoreError, WorkflowStatus, WorkflowUpdate,
};

fn f(check: &'static str, status: Status, resource: &str) -> Finding {
    Finding::new(
        check,
        status,
        Severity::High,
        resource,
        "123456789012",
        "ap-northeast-1",
        text!("{r} is open", "{r} は開いています", r = resource),
    )
}

fn meta(scope: &str, at: OffsetDateTime, complete: bool) -> RunMeta {
    RunMeta {
        scope: scope.to_string(),
        started_at: at,
        finished_at: at + time::Duration::seconds(42),
        tool_version: "0.1.0".to_string(),
        accounts: vec!["123456789012".to_string()],
        complete,
    }
}

fn store_in(dir: &Path) -> Store {
    Store::open(&Store::path_in(dir)).unwrap()
}

#[test]
fn runs_round_trip_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let rich = f("sg-open", Status::Fail, "sg-1")
        .with_evidence("port", "22")
        .with_recommendation(Text::new("close it", "閉じてください"));
    let mut muted = f("inspector-disabled", Status::Fail, "123456789012");
    muted.mute = Some(Box::new(Mute {
        kind: MuteKind::NotAdopted,
        reason: "we use yagura host".to_string(),
        expires: Some("2026-12-31".to_string()),
    }));
    let first = vec![
        rich,
        muted,
        f("mfa", Status::Pass, "root"),
        f("s3", Status::Unknown, "b"),
    ];
    let second = vec![f("sg-open", Status::Pass, "sg-1")];
    let t0 = datetime!(2026-05-01 10:00 +09:00);
    let (r1, r2, other) = {
        let mut s = store_in(dir.path());
        let r1 = s
            .record_run(&meta("audit:123456789012", t0, true), &first)
            .unwrap();
        let r2 = s
            .record_run(
                &meta("audit:123456789012", t0 + time::Duration::days(1), false),
                &second,
            )
            .unwrap();
        let other = s.record_run(&meta("host:web-1", t0, true), &[]).unwrap();
        (r1, r2, other)
    };
    assert!(r1 < r2 && r2 < other);
    let s = store_in(dir.path());
    assert_eq!(s.run_findings(r1).unwrap(), first);
    assert_eq!(s.run_findings(r2).unwrap(), second);
    assert!(s.run_findings(other).unwrap().is_empty());
    let runs = s.latest_runs("audit:123456789012", 10).unwrap();
    assert_eq!(runs.iter().map(|r| r.id).collect::<Vec<_>>(), vec![r2, r1]);
    let one = &runs[1];
    assert_eq!(one.meta, meta("audit:123456789012", t0, true));
    assert_eq!(
        one.meta.started_at.offset(),
        time::UtcOffset::UTC,
        "stored in UTC"
    );
    assert_eq!(
        (
            one.counts.pass,
            one.counts.fail,
            one.counts.unknown,
            one.counts.muted
        ),
        (1, 2, 1, 1)
    );
    assert_eq!(one.counts.total(), 4);
    assert!(!runs[0].meta.complete);
    assert_eq!(s.latest_runs("audit:123456789012", 1).unwrap().len(), 1);
    assert!(s.latest_runs("nothing", 5).unwrap().is_empty());
    assert_eq!(
        s.scopes().unwrap(),
        vec!["audit:123456789012", "host:web-1"]
    );
    assert!(matches!(
        s.run_findings(999),
        Err(StoreError::NoSuchRun { id: 999, .. })
    ));
    assert!(s.run(999).unwrap().is_none());
}

#[test]
fn diff_tells_new_fixed_still_open_and_unknown_now() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_in(dir.path());
    let t = datetime!(2026-05-01 00:00 UTC);
    let prev = vec![
        f("c", Status::Fail, "still"),
        f("c", Status::Fail, "fixed-pass"),
        f("c", Status::Fail, "unknown-now"),
        f("c", Status::Pass, "new-from-pass"),
        f("c", Status::Fail, "fixed-absent"),
        f("c", Status::Unknown, "new-from-unknown"),
        f("c", Status::Pass, "pass-both"),
        // Two findings with one key: FAIL wins.
        f("d", Status::Pass, "dup"),
        f("d", Status::Fail, "dup"),
    ];
    let cur = vec![
        f("c", Status::Fail, "still"),
        f("c", Status::Pass, "fixed-pass"),
        f("c", Status::Unknown, "unknown-now"),
        f("c", Status::Fail, "new-from-pass"),
        f("c", Status::Fail, "new-from-unknown"),
        f("c", Status::Fail, "new-absent"),
        f("c", Status::Pass, "pass-both"),
        f("d", Status::Fail, "dup"),
        f("d", Status::Pass, "dup"),
    ];
    let a = s.record_run(&meta("x", t, true), &prev).unwrap();
    let b = s.record_run(&meta("x", t, true), &cur).unwrap();
    let d = s.diff(a, b).unwrap();
    let keys = |l: &[yagura_store::DiffEntry]| {
        l.iter()
            .map(|e| e.key.split('|').nth(3).unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        keys(&d.new),
        vec!["new-absent", "new-from-pass", "new-from-unknown"]
    );
    assert_eq!(keys(&d.fixed), vec!["fixed-absent", "fixed-pass"]);
    assert_eq!(keys(&d.still_open), vec!["still", "dup"]);
    assert_eq!(keys(&d.unknown_now), vec!["unknown-now"]);
    assert!(d.not_checked.is_empty());
    assert!(d.fixed.iter().all(|e| e.reason.is_none()));
    // Entries carry the findings on both sides.
    let fixed_pass = &d.fixed[1];
    assert_eq!(fixed_pass.before.as_ref().unwrap().status, Status::Fail);
    assert_eq!(fixed_pass.now.as_ref().unwrap().status, Status::Pass);
    assert!(d.fixed[0].now.is_none());
    assert!(d.new[0].before.is_none());
    assert_eq!(d.new[1].before.as_ref().unwrap().status, Status::Pass);
    assert_eq!(
        d.unknown_now[0].now.as_ref().unwrap().status,
        Status::Unknown
    );
    assert_eq!(d.still_open[0].now.as_ref().unwrap().status, Status::Fail);

    // Absent where its check read nothing (only UNKNOWN there: its list could not be read) is
    // not fixed: it was not checked, and the UNKNOWN says why. Absent where its check was read
    // (check `d` here), it is gone: fixed.
    let c = s
        .record_run(
            &meta("x", t, false),
            &[
                f("c", Status::Unknown, "the-list"),
                f("d", Status::Pass, "other"),
            ],
        )
        .unwrap();
    let d = s.diff(a, c).unwrap();
    assert_eq!(keys(&d.fixed), vec!["dup"]);
    assert_eq!(
        keys(&d.not_checked),
        vec!["fixed-absent", "fixed-pass", "still", "unknown-now"]
    );
    assert_eq!(
        d.not_checked[0].reason.as_ref().unwrap().en,
        "the-list is open"
    );
    let d = s.diff(a, b).unwrap();
    assert_eq!(
        d.unknown_now[0].reason.as_ref().unwrap().en,
        "unknown-now is open"
    );
    // Absent from an account or region the run did not audit is not checked either.
    let mut elsewhere = f("c", Status::Pass, "still");
    elsewhere.region = "us-east-1".into();
    let e = s.record_run(&meta("x", t, true), &[elsewhere]).unwrap();
    let d = s.diff(a, e).unwrap();
    assert!(d.fixed.is_empty());
    assert_eq!(d.not_checked.len(), 5);
    assert!(d.not_checked[0]
        .reason
        .as_ref()
        .unwrap()
        .en
        .contains("region ap-northeast-1 was not audited"));

    // Diff against itself: everything failing is still open.
    let d = s.diff(b, b).unwrap();
    assert!(d.new.is_empty() && d.fixed.is_empty() && d.unknown_now.is_empty());
    assert_eq!(d.still_open.len(), 5);
    assert!(matches!(
        s.diff(a, 12345),
        Err(StoreError::NoSuchRun { id: 12345, .. })
    ));
}

#[test]
fn workflow_persists_across_reopen_with_an_audit_trail() {
    let dir = tempfile::tempdir().unwrap();
    let key = f("sg-open", Status::Fail, "sg-1").key();
    {
        let mut s = store_in(dir.path());
        assert_eq!(s.workflow(&key).unwrap(), None);
        let w = s
            .set_workflow(
                &key,
                &WorkflowUpdate {
                    status: Some(WorkflowStatus::Acknowledged),
                    assignee: Some("tanaka".to_string()),
                    note: None,
                    by: "alice".to_string(),
                    at: datetime!(2026-05-01 09:00 UTC),
                },
            )
            .unwrap();
        assert_eq!(w.status, WorkflowStatus::Acknowledged);
        assert_eq!(w.assignee.as_deref(), Some("tanaka"));
    }
    {
        let mut s = store_in(dir.path());
        let w = s.workflow(&key).unwrap().unwrap();
        assert_eq!(w.status, WorkflowStatus::Acknowledged);
        assert_eq!(w.updated_by, "alice");
        // A partial update keeps the assignee; an empty note clears, a note sets.
        let w = s
            .set_workflow(
                &key,
                &WorkflowUpdate {
                    status: Some(WorkflowStatus::InProgress),
                    assignee: None,
                    note: Some("patch scheduled for 5/10".to_string()),
                    by: "tanaka".to_string(),
                    at: datetime!(2026-05-02 09:00 UTC),
                },
            )
            .unwrap();
        assert_eq!(w.assignee.as_deref(), Some("tanaka"));
        assert_eq!(w.note.as_deref(), Some("patch scheduled for 5/10"));
        s.set_workflow(
            &key,
            &WorkflowUpdate {
                status: Some(WorkflowStatus::Resolved),
                assignee: Some(String::new()),
                note: None,
                by: "tanaka".to_string(),
                at: datetime!(2026-05-03 09:00 UTC),
            },
        )
        .unwrap();
    }
    let s = store_in(dir.path());
    let w = s.workflow(&key).unwrap().unwrap();
    assert_eq!(w.status, WorkflowStatus::Resolved);
    assert_eq!(w.assignee, None);
    assert_eq!(w.note.as_deref(), Some("patch scheduled for 5/10"));
    assert_eq!(w.updated_at, datetime!(2026-05-03 09:00 UTC));
    let h = s.workflow_history(&key).unwrap();
    assert_eq!(h.len(), 3);
    assert_eq!(
        (h[0].old_status, h[0].new_status),
        (None, WorkflowStatus::Acknowledged)
    );
    assert_eq!(
        (h[1].old_status, h[1].new_status),
        (
            Some(WorkflowStatus::Acknowledged),
            WorkflowStatus::InProgress
        )
    );
    assert_eq!(
        (h[1].old_note.as_deref(), h[1].new_note.as_deref()),
        (None, Some("patch scheduled for 5/10"))
    );
    assert_eq!(
        (h[2].old_assignee.as_deref(), h[2].new_assignee.as_deref()),
        (Some("tanaka"), None)
    );
    assert_eq!(h[2].who, "tanaka");
    assert_eq!(s.workflows().unwrap().len(), 1);
    assert!(s.workflow_history("other").unwrap().is_empty());
    assert_eq!(
        "risk-accepted".parse::<WorkflowStatus>().unwrap(),
        WorkflowStatus::RiskAccepted
    );
    assert_eq!(
        "In Progress".parse::<WorkflowStatus>().unwrap(),
        WorkflowStatus::InProgress
    );
    assert!("done".parse::<WorkflowStatus>().is_err());
}

#[test]
fn checkpoints_are_written_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_in(dir.path());
    assert_eq!(s.get_checkpoint("trail", "bucket/a").unwrap(), None);
    s.put_checkpoint("trail", "bucket/a", "obj-1").unwrap();
    s.put_checkpoint("trail", "bucket/a", "obj-2").unwrap();
    assert_eq!(
        s.get_checkpoint("trail", "bucket/a").unwrap().as_deref(),
        Some("obj-2")
    );
    // The second entry violates a constraint: the first is rolled back with it.
    let err = s
        .put_checkpoints(
            "trail",
            &[("bucket/a", "obj-3"), ("bucket/b", "x"), ("", "bad")],
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid { .. }), "{err}");
    assert_eq!(
        s.get_checkpoint("trail", "bucket/a").unwrap().as_deref(),
        Some("obj-2")
    );
    assert_eq!(s.get_checkpoint("trail", "bucket/b").unwrap(), None);
    s.put_checkpoints("trail", &[("bucket/b", "x"), ("bucket/c", "y")])
        .unwrap();
    s.put_checkpoint("other", "bucket/a", "z").unwrap();
    drop(s);
    let mut s = store_in(dir.path());
    assert_eq!(
        s.checkpoints("trail").unwrap(),
        vec![
            ("bucket/a".to_string(), "obj-2".to_string()),
            ("bucket/b".to_string(), "x".to_string()),
            ("bucket/c".to_string(), "y".to_string())
        ]
    );
    assert!(s.delete_checkpoint("trail", "bucket/c").unwrap());
    assert!(!s.delete_checkpoint("trail", "bucket/c").unwrap());
    assert_eq!(
        s.get_checkpoint("other", "bucket/a").unwrap().as_deref(),
        Some("z")
    );
}

#[test]
fn a_failing_run_write_rolls_back_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_in(dir.path());
    let t = datetime!(2026-05-01 00:00 UTC);
    let ok = s
        .record_run(&meta("x", t, true), &[f("c", Status::Fail, "r")])
        .unwrap();
    let mut bad = f("c", Status::Fail, "r2");
    bad.check_id = "".into();
    let err = s
        .record_run(&meta("x", t, true), &[f("c", Status::Pass, "r1"), bad])
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid { .. }), "{err}");
    assert!(err.to_string().contains("yagura.sqlite3"), "{err}");
    let runs = s.latest_runs("x", 10).unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].id, ok);
    // The next run is stored normally; no orphan findings were left behind.
    let next = s
        .record_run(&meta("x", t, true), &[f("c", Status::Pass, "r")])
        .unwrap();
    assert_eq!(s.run_findings(next).unwrap().len(), 1);
    let raw = rusqlite::Connection::open(Store::path_in(dir.path())).unwrap();
    let n: i64 = raw
        .query_row("SELECT count(*) FROM findings", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2);
}

#[test]
fn a_corrupt_or_foreign_file_is_reported_by_path_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "garbage.db",
            b"this is not a database, just text\n".repeat(100),
        ),
        ("binary.db", (0..=255u8).cycle().take(8192).collect()),
        // The SQLite header followed by garbage.
        ("damaged.db", {
            let mut v = b"SQLite format 3\0".to_vec();
            v.extend((0..4096).map(|i| (i * 7 % 251) as u8));
            v
        }),
    ];
    for (name, bytes) in &cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let err = Store::open(&path).unwrap_err();
        let shown = err.to_string();
        assert!(shown.contains(&format!("`{}`", path.display())), "{shown}");
        assert!(
            matches!(
                err,
                StoreError::NotAStore { .. } | StoreError::Corrupt { .. }
            ),
            "{name}: {err:?}"
        );
        assert_eq!(&std::fs::read(&path).unwrap(), bytes, "{name} was modified");
        println!("{name}: {shown}");
    }
    // No journal or WAL file was left beside them.
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    left.sort();
    assert_eq!(left, vec!["binary.db", "damaged.db", "garbage.db"]);
    // Another application's SQLite database.
    let foreign = dir.path().join("foreign.sqlite");
    {
        let c = rusqlite::Connection::open(&foreign).unwrap();
        c.execute_batch("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('keep me');")
            .unwrap();
    }
    let before = std::fs::read(&foreign).unwrap();
    let err = Store::open(&foreign).unwrap_err();
    assert!(matches!(err, StoreError::NotAStore { .. }), "{err:?}");
    assert!(err.to_string().contains("did not create"), "{err}");
    assert_eq!(std::fs::read(&foreign).unwrap(), before);
    // A store written by a newer yagura.
    let newer = dir.path().join("newer.sqlite3");
    drop(Store::open(&newer).unwrap());
    {
        let c = rusqlite::Connection::open(&newer).unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
    }
    let err = Store::open(&newer).unwrap_err();
    assert!(
        matches!(err, StoreError::TooNew { found: 99, .. }),
        "{err:?}"
    );
    // A directory in the way.
    let err = Store::open(dir.path()).unwrap_err();
    assert!(
        err.to_string().contains(&dir.path().display().to_string()),
        "{err}"
    );
}

#[test]
fn open_creates_the_directory_migrates_and_uses_wal() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("a/b/yagura");
    let s = store_in(&data);
    assert!(data.join("yagura.sqlite3").exists());
    assert_eq!(
        s.schema_version().unwrap(),
        yagura_store::MIGRATIONS.len() as i64
    );
    drop(s);
    let s = store_in(&data);
    assert_eq!(
        s.schema_version().unwrap(),
        yagura_store::MIGRATIONS.len() as i64
    );
    let raw = rusqlite::Connection::open(data.join("yagura.sqlite3")).unwrap();
    let mode: String = raw
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let app: i32 = raw
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .unwrap();
    assert_eq!(app, yagura_store::APPLICATION_ID);
    // An empty file (as `touch` leaves it) becomes a store.
    let empty = dir.path().join("empty.sqlite3");
    std::fs::write(&empty, b"").unwrap();
    assert_eq!(
        Store::open(&empty).unwrap().schema_version().unwrap(),
        yagura_store::MIGRATIONS.len() as i64
    );
}

#[test]
fn a_writer_waits_for_another_connection_then_times_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = Store::path_in(dir.path());
    let mut a = Store::open(&path).unwrap();
    let mut b = Store::open_with(
        &path,
        OpenOptions {
            busy_timeout: Duration::from_millis(150),
        },
    )
    .unwrap();
    let t = datetime!(2026-05-01 00:00 UTC);

    // Another process holds the write lock for 400 ms: a waits (busy timeout 10 s) and succeeds.
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute_batch("BEGIN IMMEDIATE").unwrap();
    let holder = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(400));
        raw.execute_batch("COMMIT").unwrap();
        raw
    });
    let started = Instant::now();
    a.record_run(&meta("x", t, true), &[f("c", Status::Fail, "r")])
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
    let raw = holder.join().unwrap();

    // Held longer than b's 150 ms: b fails with Busy, names the path, and wrote nothing.
    raw.execute_batch("BEGIN IMMEDIATE").unwrap();
    let err = b.put_checkpoint("n", "k", "v").unwrap_err();
    assert!(matches!(err, StoreError::Busy { .. }), "{err:?}");
    assert!(
        err.to_string().contains("locked by another yagura"),
        "{err}"
    );
    raw.execute_batch("COMMIT").unwrap();
    assert_eq!(b.get_checkpoint("n", "k").unwrap(), None);
    b.put_checkpoint("n", "k", "v").unwrap();

    // Two stores writing at once from two threads: every write lands.
    let p2 = path.clone();
    let writer = std::thread::spawn(move || {
        let mut c = Store::open(&p2).unwrap();
        for i in 0..20 {
            c.record_run(
                &meta("y", t, true),
                &[f("c", Status::Fail, &format!("c{i}"))],
            )
            .unwrap();
        }
    });
    for i in 0..20 {
        a.record_run(
            &meta("y", t, true),
            &[f("c", Status::Fail, &format!("a{i}"))],
        )
        .unwrap();
    }
    writer.join().unwrap();
    assert_eq!(a.latest_runs("y", 100).unwrap().len(), 40);
    assert_eq!(b.get_checkpoint("n", "k").unwrap().as_deref(), Some("v"));
}

#[test]
fn actions_and_snapshots_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_in(dir.path());
    let act = |h: u8, action: &str| ActionRecord {
        time: datetime!(2026-05-01 00:00 UTC) + time::Duration::hours(h.into()),
        resource: "i-0abc".to_string(),
        action: action.to_string(),
        result: "ok".to_string(),
        reason: "schedule `office-hours`".to_string(),
    };
    s.record_action(&act(9, "start")).unwrap();
    s.record_action(&act(20, "stop")).unwrap();
    s.record_action(&act(1, "stop")).unwrap();
    let got = s.actions(2).unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].record, act(20, "stop"));
    assert_eq!(got[1].record, act(9, "start"));
    assert_eq!(s.actions(10).unwrap().len(), 3);

    let a = s
        .put_snapshot(datetime!(2026-05-02 00:00 UTC), r#"{"v":2}"#)
        .unwrap();
    let b = s
        .put_snapshot(datetime!(2026-05-01 00:00 UTC), r#"{"v":1,"名前":"値"}"#)
        .unwrap();
    let err = s
        .put_snapshot(datetime!(2026-05-03 00:00 UTC), "{not json")
        .unwrap_err();
    assert!(err.to_string().contains("not valid JSON"), "{err}");
    drop(s);
    let s = store_in(dir.path());
    let list = s.snapshots().unwrap();
    assert_eq!(list.iter().map(|x| x.id).collect::<Vec<_>>(), vec![b, a]);
    assert_eq!(list[0].size, r#"{"v":1,"名前":"値"}"#.len() as u64);
    assert_eq!(
        s.snapshot(b).unwrap().as_deref(),
        Some(r#"{"v":1,"名前":"値"}"#)
    );
    assert_eq!(s.snapshot(999).unwrap(), None);
}

#[test]
fn a_damaged_store_gives_errors_and_keeps_its_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = Store::path_in(dir.path());
    {
        let mut s = Store::open(&path).unwrap();
        let many: Vec<Finding> = (0..2000)
            .map(|i| f("c", Status::Fail, &format!("resource-{i}")))
            .collect();
        s.record_run(&meta("x", datetime!(2026-05-01 00:00 UTC), true), &many)
            .unwrap();
    }
    // Overwrite everything after the first page (the schema stays readable).
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 16384, "{}", bytes.len());
    for (i, b) in bytes.iter_mut().enumerate().skip(4096) {
        *b = (i % 253) as u8;
    }
    std::fs::write(&path, &bytes).unwrap();
    let result = Store::open(&path).and_then(|s| {
        let runs = s.latest_runs("x", 1)?;
        s.run_findings(runs.first().map_or(1, |r| r.id)).map(|_| ())
    });
    let err = result.unwrap_err();
    assert!(
        err.to_string().contains(&format!("`{}`", path.display())),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "the damaged file was modified"
    );
    println!("{err}");
}

#[test]
fn first_open_from_several_processes_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = Store::path_in(dir.path());
    let t = datetime!(2026-05-01 00:00 UTC);
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut s = Store::open(&path).unwrap();
                s.record_run(
                    &meta("z", t, true),
                    &[f("c", Status::Fail, &format!("r{i}"))],
                )
                .unwrap();
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let s = Store::open(&path).unwrap();
    assert_eq!(s.latest_runs("z", 10).unwrap().len(), 4);
    assert_eq!(
        s.schema_version().unwrap(),
        yagura_store::MIGRATIONS.len() as i64
    );
}

#[test]
fn prune_keeps_the_latest_runs_and_the_workflow() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_in(dir.path());
    let t = datetime!(2026-05-01 00:00 UTC);
    let fin = f("c", Status::Fail, "r");
    let ids: Vec<_> = (0..5)
        .map(|_| {
            s.record_run(&meta("x", t, true), std::slice::from_ref(&fin))
                .unwrap()
        })
        .collect();
    let other = s
        .record_run(&meta("y", t, true), std::slice::from_ref(&fin))
        .unwrap();
    s.set_workflow(
        &fin.key(),
        &WorkflowUpdate {
            status: Some(WorkflowStatus::InProgress),
            assignee: None,
            note: None,
            by: "a".to_string(),
            at: t,
        },
    )
    .unwrap();
    assert_eq!(s.prune_runs("x", 2).unwrap(), 3);
    let left: Vec<_> = s
        .latest_runs("x", 10)
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(left, vec![ids[4], ids[3]]);
    assert!(matches!(
        s.run_findings(ids[0]),
        Err(StoreError::NoSuchRun { .. })
    ));
    assert_eq!(s.run_findings(other).unwrap().len(), 1);
    assert!(s.workflow(&fin.key()).unwrap().is_some());
    let raw = rusqlite::Connection::open(Store::path_in(dir.path())).unwrap();
    let n: i64 = raw
        .query_row("SELECT count(*) FROM findings", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 3, "the findings of pruned runs are gone");
}

/// Sizes and times for BENCHMARKS.md: `cargo test -p yagura-store --release -- --ignored --nocapture`.
#[test]
#[ignore]
fn measure_large_runs() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_in(dir.path());
    let t = datetime!(2026-05-01 00:00 UTC);
    let n = 200_000;
    let make = |shift: usize| -> Vec<Finding> {
        (0..n)
            .map(|i| {
                let status = if matches!((i + shift) % 3, 0) {
                    Status::Fail
                } else {
                    Status::Pass
                };
                f(
                    "security-group-port-open-to-world",
                    status,
                    &format!("arn:aws:ec2:ap-northeast-1:123456789012:security-group/sg-{i:08x}"),
                )
                .with_evidence("port", "22")
            })
            .collect()
    };
    let (a, b) = (make(0), make(1));
    let path = Store::path_in(dir.path());
    let size = || {
        std::fs::metadata(&path).unwrap().len()
            + std::fs::metadata(dir.path().join("yagura.sqlite3-wal")).map_or(0, |m| m.len())
    };
    let checkpoint = |_: &Store| {
        let raw = rusqlite::Connection::open(&path).unwrap();
        raw.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .unwrap();
    };
    let (started, cpu) = (Instant::now(), thread_cpu_ms());
    let ra = s.record_run(&meta("x", t, true), &a).unwrap();
    let write = started.elapsed();
    let write_cpu = thread_cpu_ms() - cpu;
    checkpoint(&s);
    let after_one = size();
    let rb = s.record_run(&meta("x", t, true), &b).unwrap();
    checkpoint(&s);
    let after_two = size();
    let (started, cpu) = (Instant::now(), thread_cpu_ms());
    let rc = s.record_run(&meta("x", t, true), &b).unwrap();
    let write_same = started.elapsed();
    let write_same_cpu = thread_cpu_ms() - cpu;
    checkpoint(&s);
    let after_same = size();
    let (started, cpu) = (Instant::now(), thread_cpu_ms());
    let d = s.diff(ra, rb).unwrap();
    let diff = started.elapsed();
    let diff_cpu = thread_cpu_ms() - cpu;
    let mut c = b.clone();
    for f in c.iter_mut().step_by(100) {
        f.status = if f.status == Status::Fail {
            Status::Pass
        } else {
            Status::Fail
        };
    }
    let rd = s.record_run(&meta("x", t, true), &c).unwrap();
    let (started, cpu) = (Instant::now(), thread_cpu_ms());
    let d1 = s.diff(rc, rd).unwrap();
    let diff1 = started.elapsed();
    let diff1_cpu = thread_cpu_ms() - cpu;
    println!(
        "diff with 1% changed: {diff1:?} / {diff1_cpu} ms CPU (new {}, fixed {}, still open {})",
        d1.new.len(),
        d1.fixed.len(),
        d1.still_open.len()
    );
    let (started, cpu) = (Instant::now(), thread_cpu_ms());
    let back = s.run_findings(rb).unwrap();
    let read = started.elapsed();
    let read_cpu = thread_cpu_ms() - cpu;
    assert_eq!(back.len(), n);
    println!(
        "{n} findings (wall / CPU ms): record_run {write:?} / {write_cpu} (unchanged run {write_same:?} / {write_same_cpu}), \
         run_findings {read:?} / {read_cpu}, diff {diff:?} / {diff_cpu} \
         (new {}, fixed {}, still open {}); store {} MB after one run, +{} MB for a run with every \
         status changed, +{} MB for an unchanged run",
        d.new.len(),
        d.fixed.len(),
        d.still_open.len(),
        after_one / 1_000_000,
        (after_two - after_one) / 1_000_000,
        (after_same - after_two) / 1_000_000,
    );
}

#[test]
fn unchanged_findings_are_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_in(dir.path());
    let t = datetime!(2026-05-01 00:00 UTC);
    let run: Vec<Finding> = (0..50)
        .map(|i| f("c", Status::Fail, &format!("r{i}")))
        .collect();
    let mut changed = run.clone();
    changed[0].status = Status::Pass;
    for findings in [&run, &run, &changed] {
        s.record_run(&meta("x", t, true), findings).unwrap();
    }
    let raw = rusqlite::Connection::open(Store::path_in(dir.path())).unwrap();
    let count = |table: &str| -> i64 {
        raw.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(count("finding_bodies"), 51);
    assert_eq!(count("finding_keys"), 50);
    assert_eq!(count("findings"), 150);
    // Every run reads back whole.
    let ids: Vec<_> = s
        .latest_runs("x", 3)
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(s.run_findings(ids[0]).unwrap(), changed);
    assert_eq!(s.run_findings(ids[2]).unwrap(), run);
    // Pruning the older runs drops the bodies only they used.
    s.prune_runs("x", 1).unwrap();
    assert_eq!(count("finding_bodies"), 50);
    assert_eq!(s.run_findings(ids[0]).unwrap(), changed);
}

#[test]
fn findings_by_status_keep_their_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_in(dir.path());
    let run = vec![
        f("c", Status::Fail, "1"),
        f("c", Status::Pass, "2"),
        f("c", Status::Unknown, "3"),
        f("c", Status::Fail, "4"),
    ];
    let id = s
        .record_run(&meta("x", datetime!(2026-05-01 00:00 UTC), true), &run)
        .unwrap();
    let got = s
        .run_findings_with_status(id, &[Status::Unknown, Status::Fail, Status::Fail])
        .unwrap();
    assert_eq!(got, vec![run[0].clone(), run[2].clone(), run[3].clone()]);
    assert!(s.run_findings_with_status(id, &[]).unwrap().is_empty());
}

#[cfg(unix)]
#[test]
fn a_new_store_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut s = store_in(&data);
    s.put_checkpoint("n", "k", "v").unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("yagura.sqlite3")), 0o600);
    assert_eq!(mode(&data.join("yagura.sqlite3-wal")), 0o600);
    // An existing file keeps the permissions its owner chose.
    let shared = dir.path().join("shared.sqlite3");
    std::fs::write(&shared, b"").unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o640)).unwrap();
    drop(Store::open(&shared).unwrap());
    assert_eq!(mode(&shared), 0o640);
}

#[test]
fn the_findings_view_joins_latest_run_diff_and_workflow() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_in(dir.path());
    assert!(s.findings_view("x").unwrap().is_none());
    let t = datetime!(2026-05-01 00:00 UTC);
    let first = vec![f("c", Status::Fail, "a"), f("c", Status::Fail, "gone")];
    s.record_run(&meta("x", t, true), &first).unwrap();
    let view = s.findings_view("x").unwrap().unwrap();
    assert!(view.previous.is_none() && view.diff.is_none());
    assert_eq!(view.findings, first);

    let upd = |status| WorkflowUpdate {
        status: Some(status),
        assignee: Some("sato".to_string()),
        note: None,
        by: "sato".to_string(),
        at: t,
    };
    s.set_workflow(&first[1].key(), &upd(WorkflowStatus::InProgress))
        .unwrap();
    s.set_workflow("c|x|y|unrelated", &upd(WorkflowStatus::Open))
        .unwrap();
    let second = vec![f("c", Status::Fail, "a"), f("c", Status::Fail, "b")];
    let id = s.record_run(&meta("x", t, true), &second).unwrap();
    let view = s.findings_view("x").unwrap().unwrap();
    assert_eq!(view.latest.id, id);
    let diff = view.diff.unwrap();
    assert_eq!(diff.new.len(), 1);
    assert_eq!(diff.fixed.len(), 1);
    assert_eq!(diff.still_open.len(), 1);
    // The fixed key's workflow is shown; the unrelated one is not.
    assert_eq!(
        view.workflow.keys().collect::<Vec<_>>(),
        vec![&first[1].key()]
    );
}

#[test]
fn migrations_run_in_order_each_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let path = Store::path_in(dir.path());
    // This build's migrations, then one more a later build would add, then a broken one.
    let real = yagura_store::MIGRATIONS;
    let n = real.len() as i64;
    let m2 = "CREATE TABLE extra (x TEXT); INSERT INTO extra VALUES ('two');";
    let bad = "CREATE TABLE partial (x TEXT); THIS IS NOT SQL;";
    let with = |extra: &[&'static str]| -> Vec<&'static str> {
        real.iter().copied().chain(extra.iter().copied()).collect()
    };
    let opts = OpenOptions::default();
    let tables = || -> Vec<String> {
        let raw = rusqlite::Connection::open(&path).unwrap();
        let mut st = raw
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let mut s = Store::open_with_migrations(&path, opts, &real[..1]).unwrap();
    s.put_checkpoint("n", "k", "v").unwrap();
    drop(s);
    // An older store gains the later migrations on open, keeping what it holds.
    let s = Store::open_with_migrations(&path, opts, &with(&[m2])).unwrap();
    assert_eq!(s.schema_version().unwrap(), n + 1);
    assert_eq!(s.get_checkpoint("n", "k").unwrap().as_deref(), Some("v"));
    drop(s);
    assert!(tables().contains(&"extra".to_string()));
    assert!(tables().contains(&"config_items".to_string()));
    // A failing migration leaves the store at the version before, without half its changes.
    let err = Store::open_with_migrations(&path, opts, &with(&[m2, bad])).unwrap_err();
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
    assert!(!tables().contains(&"partial".to_string()));
    let s = Store::open_with_migrations(&path, opts, &with(&[m2])).unwrap();
    assert_eq!(s.schema_version().unwrap(), n + 1);
    drop(s);
    // This build refuses the store a later build migrated.
    let err = Store::open(&path).unwrap_err();
    match err {
        StoreError::TooNew {
            found, supported, ..
        } => assert_eq!((found, supported), (n + 1, n)),
        other => panic!("{other:?}"),
    }
}

/// This thread's CPU time in milliseconds (Linux; 0 elsewhere), to measure on a busy machine.
fn thread_cpu_ms() -> u64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (ticks(11) + ticks(12)) * 10
}

#[test]
fn the_timeline_keeps_items_per_change_and_finds_them_by_id_or_arn() {
    use yagura_store::ConfigItemRecord;
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&Store::path_in(dir.path())).unwrap();
    let at = |h: i64| OffsetDateTime::UNIX_EPOCH + time::Duration::hours(h);
    let rec = |id: &str, arn: Option<&str>, h: i64, status: &str| ConfigItemRecord {
        account: "111122223333".into(),
        region: "ap-northeast-1".into(),
        resource_type: "AWS::EC2::Instance".into(),
        resource_id: id.into(),
        arn: arn.map(str::to_string),
        captured_at: at(h),
        status: status.into(),
        item: format!(r#"{{"h":{h}}}"#),
        diff: (status != "ResourceDiscovered").then(|| "{}".to_string()),
    };
    let s1 = s
        .record_watch(
            at(0),
            Some("{}"),
            &[
                rec("i-1", None, 0, "ResourceDiscovered"),
                rec("i-2", Some("arn:x"), 0, "ResourceDiscovered"),
            ],
        )
        .unwrap();
    s.record_watch(at(1), Some("{}"), &[rec("i-1", None, 1, "OK")])
        .unwrap();
    s.record_watch(
        at(2),
        None,
        &[rec("i-2", Some("arn:x"), 2, "ResourceDeleted")],
    )
    .unwrap();
    let latest = s.latest_config_items().unwrap();
    assert_eq!(
        latest
            .iter()
            .map(|i| (i.record.resource_id.as_str(), i.record.status.as_str()))
            .collect::<Vec<_>>(),
        vec![("i-1", "OK"), ("i-2", "ResourceDeleted")]
    );
    let h = s.config_history("arn:x").unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(h[1].record.captured_at, at(2));
    assert_eq!(h[1].snapshot_id, None);
    assert_eq!(s.config_history("i-1").unwrap().len(), 2);
    assert_eq!(s.config_items_of_snapshot(s1.unwrap()).unwrap().len(), 2);
    // A write that fails leaves nothing half-written.
    let mut bad = rec("i-3", None, 3, "OK");
    bad.item = "not json".into();
    assert!(s.record_watch(at(3), Some("{}"), &[bad]).is_err());
    assert_eq!(s.snapshots().unwrap().len(), 2);
    assert!(s.config_history("i-3").unwrap().is_empty());
}

/// Issue 18: 28 FAIL, then two resources deleted, one new FAIL and an UNKNOWN of another check:
/// the two are fixed (`1 new, 2 fixed, 26 still open`), not lost in a list nobody prints.
#[test]
fn deleted_resources_are_fixed_when_another_check_is_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_in(dir.path());
    let t = datetime!(2026-05-01 00:00 UTC);
    let prev: Vec<Finding> = (0..28)
        .map(|i| f("c", Status::Fail, &format!("sg-{i:02}")))
        .collect();
    let mut cur: Vec<Finding> = prev[2..].to_vec();
    cur.push(f("c", Status::Fail, "sg-new"));
    cur.push(f("other", Status::Unknown, "the-list"));
    let a = s.record_run(&meta("x", t, true), &prev).unwrap();
    let b = s.record_run(&meta("x", t, false), &cur).unwrap();
    let d = s.diff(a, b).unwrap();
    assert_eq!(
        (
            d.new.len(),
            d.fixed.len(),
            d.still_open.len(),
            d.not_checked.len()
        ),
        (1, 2, 26, 0)
    );
}
