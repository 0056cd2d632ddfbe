//! `yagura trail scan s3://…` and `yagura trail watch s3://…`: the incremental driver of
//! `yagura_trail::source` over `yagura_collect::trail_s3::S3Source`, with its progress in the
//! store (one transaction per object).

use super::{load_rules, report_detections, RuleArgs, S3Args, WatchArgs};
use crate::cli::{Global, OutputArgs};
use crate::common::{now_rfc3339, open_store, sanitize};
use anyhow::{Context, Result};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use yagura_collect::trail_s3::{parse_s3_url, S3Source};
use yagura_collect::ConnectOptions;
use yagura_store::{Store, TrailDetectionRow, TrailObjectCommit};
use yagura_trail::source::{Hooks, ObjectCommit};
use yagura_trail::{Checkpoint, Checkpoints, Detection, Incremental, PollReport, Progress};

/// The test-only delay after each committed object (see the parent module).
const DELAY_ENV: &str = "YAGURA_TEST_OBJECT_DELAY_MS";

/// The test-only delay of [`DELAY_ENV`], when set.
pub(super) fn test_delay() -> Option<Duration> {
    std::env::var(DELAY_ENV)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .map(Duration::from_millis)
}

/// The store as the progress of one source.
pub(super) struct StoreProgress<'s> {
    pub(super) store: &'s mut Store,
    pub(super) source: String,
}

fn rows(detections: &[Detection]) -> Result<Vec<TrailDetectionRow>> {
    detections
        .iter()
        .map(|d| {
            Ok(TrailDetectionRow {
                fingerprint: d.fingerprint(),
                detection_id: d.id.clone(),
                json: serde_json::to_string(d)?,
            })
        })
        .collect()
}

fn pick(detections: &[Detection], new: Vec<usize>) -> Vec<Detection> {
    new.into_iter()
        .filter_map(|i| detections.get(i).cloned())
        .collect()
}

impl Progress for StoreProgress<'_> {
    type Error = anyhow::Error;

    fn processed(
        &mut self,
        keys: &[String],
    ) -> Result<std::collections::BTreeSet<String>, Self::Error> {
        Ok(self.store.trail_processed(&self.source, keys)?)
    }

    fn commit_object(&mut self, c: &ObjectCommit<'_>) -> Result<Vec<Detection>, Self::Error> {
        let rows = rows(c.detections)?;
        let checkpoint = c.checkpoint.map(serde_json::to_string).transpose()?;
        let new = self.store.trail_commit_object(&TrailObjectCommit {
            source: &self.source,
            key: c.key,
            records: c.records,
            events: c.events,
            errors: c.errors.len() as u64,
            checkpoint: checkpoint.as_deref().map(|cp| (c.stream, cp)),
            state: c.state,
            detections: &rows,
            at: time::OffsetDateTime::now_utc(),
        })?;
        Ok(pick(c.detections, new))
    }

    fn commit_detections(&mut self, d: Vec<Detection>) -> Result<Vec<Detection>, Self::Error> {
        let rows = rows(&d)?;
        let new = self.store.trail_commit_detections(
            &self.source,
            &rows,
            time::OffsetDateTime::now_utc(),
        )?;
        Ok(pick(&d, new))
    }
}

/// Says when restoring the saved state dropped correlation matches (the rules changed).
pub(super) fn warn_dropped(source: &str, restored: Option<yagura_trail::scan::Restored>) {
    if let Some(r) = restored.filter(|r| r.dropped_matches > 0) {
        let (source, n) = (sanitize(source), r.dropped_matches);
        crate::etr!(
            "warning: the Sigma rules changed since the last run of {source}: {n} partial correlation match(es) were dropped",
            "警告: {source} の前回の実行から Sigma ルールが変わりました: 途中まで一致していた相関 {n} 件を破棄しました"
        );
    }
}

/// Ctrl-C (and SIGTERM) sets a flag checked between objects; a second Ctrl-C ends at once.
pub(super) fn stop_flag() -> Result<Arc<AtomicBool>> {
    let flag = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register_conditional_shutdown(sig, 130, flag.clone())
            .context("cannot install the Ctrl-C handler")?;
        signal_hook::flag::register(sig, flag.clone())
            .context("cannot install the Ctrl-C handler")?;
    }
    Ok(flag)
}

struct Session<'r> {
    source: String,
    store: Store,
    inc: Incremental<'r, S3Source>,
    sigma_info: serde_json::Value,
    notifier: Option<crate::notify::Notifier>,
    stop: Arc<AtomicBool>,
    delay: Option<Duration>,
}

fn open<'r>(
    g: &Global,
    url: &str,
    rules: Option<&'r yagura_trail::sigma::RuleSet>,
    rule_args: &RuleArgs,
    s3: &S3Args,
    (since_ms, until_ms): (Option<i64>, Option<i64>),
) -> Result<Session<'r>> {
    let (bucket, prefix) = parse_s3_url(url)
        .with_context(|| format!("`{}` is not an s3://bucket/prefix URL", sanitize(url)))?;
    let source = format!("s3://{bucket}/{prefix}");
    let mut store = open_store(g)?;
    if s3.from_start {
        store.trail_reset(&source)?;
    }
    let mut checkpoints = Checkpoints::default();
    for (stream, value) in store.trail_checkpoints(&source)? {
        let cp: Checkpoint = serde_json::from_str(&value).with_context(|| {
            format!(
                "the store holds an unreadable checkpoint for `{}`",
                sanitize(&source)
            )
        })?;
        checkpoints.streams.insert(stream, cp);
    }
    let state = store.trail_state(&source)?;
    let client = S3Source::connect(
        &ConnectOptions {
            profile: s3.profile.clone(),
            region: s3.region.clone(),
            endpoint_url: None,
            max_attempts: None,
        },
        &bucket,
    )?;
    let opts = yagura_trail::Options {
        native: !rule_args.no_native,
        since_ms,
        until_ms,
        ..yagura_trail::Options::default()
    };
    let scanner = yagura_trail::Scanner::new(rules, &opts);
    let (mut inc, restored) =
        Incremental::new(client, &prefix, scanner, checkpoints, state.as_deref())?;
    inc = inc.with_parallel(usize::from(s3.parallel));
    if let Some(ms) = since_ms {
        inc = inc.with_since(ms);
    }
    warn_dropped(&source, restored);
    let delay = test_delay();
    Ok(Session {
        source,
        store,
        inc,
        sigma_info: serde_json::Value::Null,
        notifier: None,
        stop: stop_flag()?,
        delay,
    })
}

impl Session<'_> {
    fn poll(&mut self) -> Result<PollReport> {
        let stop = self.stop.clone();
        let stop_fn = move || stop.load(Ordering::SeqCst);
        let delay = self.delay;
        let mut after = move |_key: &str| {
            if let Some(d) = delay {
                std::thread::sleep(d);
            }
        };
        let mut progress = StoreProgress {
            store: &mut self.store,
            source: self.source.clone(),
        };
        let mut hooks = Hooks {
            stop: &stop_fn,
            after_object: &mut after,
        };
        Ok(self.inc.poll(&mut progress, &mut hooks)?)
    }

    fn report(&self, g: &Global, out: &OutputArgs, r: &PollReport, started: &str) -> Result<u8> {
        for e in &r.errors {
            eprintln!(
                "{}: {}",
                crate::i18n::error_prefix(),
                sanitize(&yagura_trail::report::mask_keys(e))
            );
        }
        let hidden = r.error_count.saturating_sub(r.errors.len() as u64);
        if hidden > 0 {
            crate::etr!(
                "error: {hidden} more read error(s) not shown",
                "エラー: 表示していない読み取りエラーがほかに {hidden} 件あります"
            );
        }
        if !g.quiet {
            let (source, objects, events, found, errors) = (
                sanitize(&self.source),
                r.objects,
                r.events,
                r.detections.len(),
                r.error_count,
            );
            let (cut, cut_ja) = if r.interrupted {
                ("; interrupted", "。中断しました")
            } else {
                ("", "")
            };
            crate::etr!(
                "{source}: read {objects} new object(s), {events} event(s): {found} new detection(s), {errors} read error(s){cut}",
                "{source}: 新しいオブジェクト {objects} 個、イベント {events} 件を読み取りました: 新しい検出 {found} 件、読み取りエラー {errors} 件{cut_ja}"
            );
        }
        let errors: Vec<String> = r
            .errors
            .iter()
            .map(|e| yagura_trail::report::mask_keys(e).into_owned())
            .collect();
        let notifier = self.notifier.as_ref().filter(|_| !r.detections.is_empty());
        report_detections(
            g,
            out,
            &r.detections,
            &errors,
            serde_json::json!({
                "source": self.source,
                "objects": r.objects,
                "events": r.events,
                "read_errors": r.error_count,
                "interrupted": r.interrupted,
                "sigma": self.sigma_info,
            }),
            notifier,
            started,
        )
    }
}

/// The destinations file of `--notify`; a broken file stops the run before anything is read.
pub(crate) fn load_notifier(a: &RuleArgs) -> Result<Option<crate::notify::Notifier>> {
    a.notify
        .as_deref()
        .map(crate::notify::Notifier::load)
        .transpose()
}

/// `yagura trail scan s3://…`: reads what is new since the stored checkpoint.
pub fn scan(
    g: &Global,
    url: &str,
    rule_args: &RuleArgs,
    s3: &S3Args,
    window: (Option<i64>, Option<i64>),
    out: &OutputArgs,
) -> Result<u8> {
    let started = now_rfc3339();
    let (rules, sigma_info) = load_rules(rule_args)?;
    let notifier = load_notifier(rule_args)?;
    let mut session = open(g, url, rules.as_ref(), rule_args, s3, window)?;
    session.sigma_info = sigma_info;
    session.notifier = notifier;
    let r = session.poll()?;
    let code = session.report(g, out, &r, &started)?;
    Ok(if r.interrupted { 130 } else { code })
}

/// `yagura trail watch s3://…`: polls until Ctrl-C or `--max-polls`.
pub fn watch(g: &Global, a: WatchArgs) -> Result<u8> {
    let (rules, sigma_info) = load_rules(&a.rules)?;
    let notifier = load_notifier(&a.rules)?;
    let mut session = open(g, &a.url, rules.as_ref(), &a.rules, &a.s3, (a.since, None))?;
    session.sigma_info = sigma_info;
    session.notifier = notifier;
    let mut polls = 0u64;
    let mut worst = 0u8;
    loop {
        let started = now_rfc3339();
        let began = Instant::now();
        polls += 1;
        match session.poll() {
            Ok(r) => {
                // a report per poll that found something (or could not read something)
                if !r.detections.is_empty() || r.error_count > 0 {
                    worst = worst.max(session.report(g, &a.out, &r, &started)?);
                } else if !g.quiet {
                    let (source, objects, events) =
                        (sanitize(&session.source), r.objects, r.events);
                    crate::etr!(
                        "{source}: poll {polls}: {objects} new object(s), {events} event(s), nothing new detected",
                        "{source}: ポーリング {polls} 回目: 新しいオブジェクト {objects} 個、イベント {events} 件、新しい検出はありません"
                    );
                }
                if r.interrupted {
                    return Ok(130);
                }
            }
            // a poll that could not list the bucket is retried at the next one
            Err(e) => {
                eprintln!(
                    "{}: {}",
                    crate::i18n::error_prefix(),
                    sanitize(&crate::i18n::error_text(&e))
                );
                worst = worst.max(2);
            }
        }
        if a.max_polls.is_some_and(|m| polls >= m) {
            return Ok(worst);
        }
        while began.elapsed() < a.interval {
            if session.stop.load(Ordering::SeqCst) {
                return Ok(130);
            }
            std::thread::sleep(Duration::from_millis(200).min(a.interval));
        }
    }
}
