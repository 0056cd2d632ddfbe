//! `trail consume --sqs`, the SDK side: [`yagura_trail::consume::Queue`] over SQS
//! (ReceiveMessage as a long poll, DeleteMessageBatch) and [`yagura_trail::consume::Fetcher`] over
//! S3 GetObject, one [`S3Source`] per notified bucket (found in its region once), fetching a
//! batch's objects concurrently. Nothing here lists a bucket.

use std::cell::RefCell;
use std::collections::BTreeMap;

use yagura_trail::consume::{Fetcher, Message, Queue};
use yagura_trail::notice::ObjectNotice;
use yagura_trail::source::said;
use yagura_trail::{ObjectSource, SourceError};

use crate::trail_s3::S3Source;
use crate::{collect_error, load_config, local::is_local_endpoint, ConnectOptions};
use yagura_inventory::CollectError;

/// An SQS queue of S3 notifications.
#[derive(Debug)]
pub struct SqsQueue {
    rt: tokio::runtime::Runtime,
    client: aws_sdk_sqs::Client,
    url: String,
    wait_secs: i32,
}

fn other(what: &str, code: &str, message: String) -> SourceError {
    SourceError::Other {
        what: what.to_string(),
        code: code.to_string(),
        message: said(&message),
    }
}

/// A [`CollectError`] of the queue as a [`SourceError`]: what SQS said and the hint, in both
/// languages.
fn queue_error(url: &str, e: &CollectError) -> SourceError {
    SourceError::Other {
        what: url.to_string(),
        code: e.code.clone(),
        message: e.detail_text(),
    }
}

/// The region in an SQS queue URL (`https://sqs.REGION.amazonaws.com/ACCOUNT/NAME`, or the
/// legacy `https://REGION.queue.amazonaws.com/…`).
pub fn queue_region(url: &str) -> Option<String> {
    let host = url.strip_prefix("https://")?.split('/').next()?;
    let mut parts = host.split('.');
    let first = parts.next()?;
    let region = if first == "sqs" { parts.next()? } else { first };
    let ok = !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    ok.then(|| region.to_string())
}

impl SqsQueue {
    /// Connects through the standard credential chain; the region comes from `opts`, else
    /// from the queue URL. `wait_secs` is the long poll's wait (0–20).
    pub fn connect(
        opts: &ConnectOptions,
        url: &str,
        wait_secs: u32,
    ) -> Result<SqsQueue, SourceError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| other(url, "Runtime", e.to_string()))?;
        let cfg = rt.block_on(load_config(opts));
        let mut b = aws_sdk_sqs::config::Builder::from(&cfg);
        if opts.region.is_none() && !is_local_endpoint(&cfg) {
            if let Some(r) = queue_region(url) {
                b = b.region(aws_sdk_sqs::config::Region::new(r));
            }
        }
        Ok(SqsQueue {
            rt,
            client: aws_sdk_sqs::Client::from_conf(b.build()),
            url: url.to_string(),
            wait_secs: i32::try_from(wait_secs.min(20)).unwrap_or(20),
        })
    }
}

impl Queue for SqsQueue {
    fn receive(&self) -> Result<Vec<Message>, SourceError> {
        self.rt.block_on(async {
            let out = self
                .client
                .receive_message()
                .queue_url(&self.url)
                .max_number_of_messages(10)
                .wait_time_seconds(self.wait_secs)
                .send()
                .await
                .map_err(|e| {
                    let e = collect_error("ReceiveMessage", e);
                    queue_error(&self.url, &e)
                })?;
            Ok(out
                .messages()
                .iter()
                .filter_map(|m| {
                    Some(Message {
                        id: m.message_id()?.to_string(),
                        receipt: m.receipt_handle()?.to_string(),
                        body: m.body().unwrap_or_default().to_string(),
                    })
                })
                .collect())
        })
    }

    fn delete(&self, receipts: &[String]) -> Vec<Result<(), SourceError>> {
        if receipts.is_empty() {
            return Vec::new();
        }
        let entries: Result<Vec<_>, _> = receipts
            .iter()
            .enumerate()
            .map(|(i, r)| {
                aws_sdk_sqs::types::DeleteMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .receipt_handle(r)
                    .build()
            })
            .collect();
        let sent = match entries {
            Ok(entries) => self.rt.block_on(
                self.client
                    .delete_message_batch()
                    .queue_url(&self.url)
                    .set_entries(Some(entries))
                    .send(),
            ),
            Err(e) => {
                let e = other(&self.url, "DeleteMessageBatch", e.to_string());
                return receipts.iter().map(|_| Err(e.clone())).collect();
            }
        };
        match sent {
            Ok(out) => {
                let failed: BTreeMap<&str, String> = out
                    .failed()
                    .iter()
                    .map(|f| (f.id(), f.message().unwrap_or(f.code()).to_string()))
                    .collect();
                (0..receipts.len())
                    .map(|i| match failed.get(i.to_string().as_str()) {
                        Some(m) => Err(other(&self.url, "DeleteMessageBatch", m.clone())),
                        None => Ok(()),
                    })
                    .collect()
            }
            Err(e) => {
                let e = collect_error("DeleteMessageBatch", e);
                let e = queue_error(&self.url, &e);
                receipts.iter().map(|_| Err(e.clone())).collect()
            }
        }
    }
}

/// The notified buckets' objects, each bucket connected on first use.
#[derive(Debug)]
pub struct NotifiedObjects {
    opts: ConnectOptions,
    buckets: RefCell<BTreeMap<String, S3Source>>,
}

impl NotifiedObjects {
    pub fn new(opts: ConnectOptions) -> NotifiedObjects {
        NotifiedObjects {
            opts,
            buckets: RefCell::new(BTreeMap::new()),
        }
    }
}

impl Fetcher for NotifiedObjects {
    fn fetch_all(&self, objects: &[ObjectNotice]) -> Vec<Result<Vec<u8>, SourceError>> {
        let mut out: Vec<Option<Result<Vec<u8>, SourceError>>> =
            (0..objects.len()).map(|_| None).collect();
        // per bucket: (index in `objects`, key)
        let mut by_bucket: BTreeMap<&str, Vec<(usize, String)>> = BTreeMap::new();
        for (i, o) in objects.iter().enumerate() {
            by_bucket
                .entry(o.bucket.as_str())
                .or_default()
                .push((i, o.key.clone()));
        }
        let mut buckets = self.buckets.borrow_mut();
        for (bucket, items) in by_bucket {
            if !buckets.contains_key(bucket) {
                match S3Source::connect(&self.opts, bucket) {
                    Ok(s) => {
                        buckets.insert(bucket.to_string(), s);
                    }
                    Err(e) => {
                        for (i, _) in &items {
                            if let Some(slot) = out.get_mut(*i) {
                                *slot = Some(Err(e.clone()));
                            }
                        }
                        continue;
                    }
                }
            }
            let Some(source) = buckets.get(bucket) else {
                continue;
            };
            let keys: Vec<String> = items.iter().map(|(_, k)| k.clone()).collect();
            for ((i, _), got) in items.iter().zip(source.fetch_many(&keys)) {
                if let Some(slot) = out.get_mut(*i) {
                    *slot = Some(got);
                }
            }
        }
        out.into_iter()
            .map(|r| r.unwrap_or_else(|| Err(other("s3", "Internal", "not fetched".into()))))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::queue_region;

    #[test]
    fn regions_of_queue_urls() {
        assert_eq!(
            queue_region("https://sqs.eu-west-1.amazonaws.com/111122223333/trail").as_deref(),
            Some("eu-west-1")
        );
        assert_eq!(
            queue_region("https://ap-northeast-1.queue.amazonaws.com/1/q").as_deref(),
            Some("ap-northeast-1")
        );
        assert_eq!(queue_region("http://localhost:5000/1/q"), None);
    }
}
