//! `yagura trail consume --sqs QUEUE_URL`: CloudTrail objects read as their S3 notifications
//! arrive (`yagura_trail::consume` over `yagura_collect::trail_sqs`), with the progress in the
//! store under the queue URL (one transaction per object; a message is deleted only after
//! its objects are committed). `YAGURA_TEST_OBJECT_DELAY_MS` (tests only) waits that long
//! after each object's fetch and again after its commit, so that a test can kill a run
//! between the two or before the message is deleted.

use super::s3::{load_notifier, stop_flag, test_delay, warn_dropped, StoreProgress};
use super::{load_rules, report_detections, RuleArgs, S3Args};
use crate::cli::{Global, OutputArgs};
use crate::common::{now_rfc3339, open_store, sanitize};
use anyhow::Result;
use clap::Args;
use std::sync::atomic::Ordering;
use std::time::Duration;
use yagura_collect::trail_sqs::{NotifiedObjects, SqsQueue};
use yagura_collect::ConnectOptions;
use yagura_trail::consume::{BatchReport, ConsumeError, ConsumeHooks, Consumer};

#[derive(Debug, Args)]
pub struct ConsumeArgs {
    /// The SQS queue that receives the trail bucket's ObjectCreated notifications (directly,
    /// through SNS or through EventBridge)
    #[arg(long, value_name = "QUEUE_URL")]
    pub sqs: String,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Seconds each receive waits for messages (SQS long polling, 0–20)
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(0..=20))]
    pub wait: u32,
    /// Stop when a receive finds no message (default: run until Ctrl-C)
    #[arg(long)]
    pub until_empty: bool,
    #[command(flatten)]
    pub s3: S3Args,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// Writes one batch's report (when it found something or met an error) and its summary line.
fn report(
    g: &Global,
    a: &ConsumeArgs,
    r: &BatchReport,
    sigma: &serde_json::Value,
    notifier: Option<&crate::notify::Notifier>,
    started: &str,
) -> Result<u8> {
    if !g.quiet && r.messages > 0 {
        let (queue, messages, objects, events, duplicates, left, found) = (
            sanitize(&a.sqs),
            r.messages,
            r.objects,
            r.events,
            r.duplicates,
            r.poisoned.len(),
            r.detections.len(),
        );
        crate::etr!(
            "{queue}: {messages} message(s): {objects} object(s) read, {events} event(s), {duplicates} already read, {left} left on the queue, {found} new detection(s)",
            "{queue}: メッセージ {messages} 件: 読み取ったオブジェクト {objects} 個、イベント {events} 件、読み取り済み {duplicates} 個、キューに残したもの {left} 件、新しい検出 {found} 件"
        );
    }
    if r.detections.is_empty() && r.error_count == 0 {
        return Ok(0);
    }
    let errors: Vec<String> = r
        .errors
        .iter()
        .map(|e| yagura_trail::report::mask_keys(e).into_owned())
        .collect();
    for e in &errors {
        eprintln!("{}: {}", crate::i18n::error_prefix(), sanitize(e));
    }
    let hidden = r.error_count.saturating_sub(r.errors.len() as u64);
    if hidden > 0 {
        crate::etr!(
            "error: {hidden} more error(s) not shown",
            "エラー: 表示していないエラーがほかに {hidden} 件あります"
        );
    }
    report_detections(
        g,
        &a.out,
        &r.detections,
        &errors,
        serde_json::json!({
            "source": a.sqs,
            "messages": r.messages,
            "deleted": r.deleted,
            "ignored": r.ignored,
            "duplicates": r.duplicates,
            "objects": r.objects,
            "events": r.events,
            "read_errors": r.error_count,
            "left_on_queue": r.poisoned,
            "interrupted": r.interrupted,
            "sigma": sigma,
        }),
        notifier.filter(|_| !r.detections.is_empty()),
        started,
    )
}

/// `yagura trail consume --sqs QUEUE_URL`: receives until Ctrl-C (or an empty receive with
/// `--until-empty`).
pub fn consume(g: &Global, a: ConsumeArgs) -> Result<u8> {
    if !(a.sqs.starts_with("https://") || a.sqs.starts_with("http://")) {
        let url = sanitize(&a.sqs);
        anyhow::bail!(crate::tr!(
            "`{url}` is not an SQS queue URL",
            "`{url}` は SQS キューの URL ではありません"
        ));
    }
    let (rules, sigma_info) = load_rules(&a.rules)?;
    let notifier = load_notifier(&a.rules)?;
    let source = a.sqs.clone();
    let mut store = open_store(g)?;
    if a.s3.from_start {
        store.trail_reset(&source)?;
    }
    let state = store.trail_state(&source)?;
    let opts = ConnectOptions {
        profile: a.s3.profile.clone(),
        region: a.s3.region.clone(),
        endpoint_url: None,
        max_attempts: None,
    };
    let queue = SqsQueue::connect(&opts, &a.sqs, a.wait)?;
    let objects = NotifiedObjects::new(opts);
    let scan_opts = yagura_trail::Options {
        native: !a.rules.no_native,
        ..yagura_trail::Options::default()
    };
    let scanner = yagura_trail::Scanner::new(rules.as_ref(), &scan_opts);
    let (consumer, restored) = Consumer::new(scanner, state.as_deref())?;
    let mut consumer = consumer.with_parallel(usize::from(a.s3.parallel));
    warn_dropped(&source, restored);
    let stop = stop_flag()?;
    let delay = test_delay();
    let mut worst = 0u8;
    loop {
        if stop.load(Ordering::SeqCst) {
            return Ok(130);
        }
        let started = now_rfc3339();
        let stop_fn = || stop.load(Ordering::SeqCst);
        let mut pause = |_: &str| {
            if let Some(d) = delay {
                std::thread::sleep(d);
            }
        };
        let mut hooks = ConsumeHooks {
            stop: &stop_fn,
            pause: &mut pause,
        };
        let mut progress = StoreProgress {
            store: &mut store,
            source: source.clone(),
        };
        match consumer.batch(&queue, &objects, &mut progress, &mut hooks) {
            Ok(r) => {
                worst = worst.max(report(g, &a, &r, &sigma_info, notifier.as_ref(), &started)?);
                if r.interrupted {
                    return Ok(130);
                }
                if r.messages == 0 && a.until_empty {
                    return Ok(worst);
                }
            }
            // the queue could not be read: said, and tried again (a store that cannot be
            // written ends the run)
            Err(ConsumeError::Receive(e)) => {
                let e = crate::i18n::error_text(&anyhow::Error::new(e));
                eprintln!(
                    "{}: {}",
                    crate::i18n::error_prefix(),
                    sanitize(&crate::tr!("{e}", "メッセージを受信できません: {e}"))
                );
                worst = worst.max(2);
                if a.until_empty {
                    return Ok(worst);
                }
                std::thread::sleep(Duration::from_secs(5));
            }
            Err(e) => return Err(e.into()),
        }
    }
}
