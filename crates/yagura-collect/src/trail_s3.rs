//! CloudTrail logs in S3 (WATCH-03), the SDK side: [`yagura_trail::ObjectSource`] over
//! ListObjectsV2 (`StartAfter`, continuation tokens, `/`-delimited levels) and GetObject.
//!
//! The client has its own runtime (the incremental scan is synchronous), follows the bucket to
//! its region, and uses path-style addressing on a loopback endpoint (moto, LocalStack). Every
//! error names the bucket or the key; a 403 is [`SourceError::AccessDenied`].

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use yagura_trail::source::said;
use yagura_trail::source::DirListing;
use yagura_trail::{ObjectSource, SourceError};

use crate::{collect_error, load_config, local::is_local_endpoint, ConnectOptions};

/// A bucket as a [`yagura_trail::ObjectSource`].
#[derive(Debug)]
pub struct S3Source {
    rt: tokio::runtime::Runtime,
    client: aws_sdk_s3::Client,
    bucket: String,
}

/// Splits `s3://bucket/prefix` into the bucket and the prefix (possibly empty).
pub fn parse_s3_url(url: &str) -> Option<(String, String)> {
    let rest = url.strip_prefix("s3://")?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    let valid = !bucket.is_empty()
        && bucket
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
    valid.then(|| (bucket.to_string(), prefix.to_string()))
}

type HttpResponse = aws_smithy_runtime_api::client::orchestrator::HttpResponse;

fn source_error<E>(what: &str, operation: &str, err: SdkError<E, HttpResponse>) -> SourceError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let status = match &err {
        SdkError::ServiceError(e) => Some(e.raw().status().as_u16()),
        SdkError::ResponseError(e) => Some(e.raw().status().as_u16()),
        _ => None,
    };
    let e = collect_error(operation, err);
    let what = what.to_string();
    let message = e.detail_text();
    match (e.code.as_str(), status) {
        (_, Some(403)) | ("AccessDenied" | "AllAccessDisabled" | "InvalidAccessKeyId", _) => {
            SourceError::AccessDenied { what, message }
        }
        (_, Some(404)) | ("NoSuchKey" | "NoSuchBucket", _) => {
            SourceError::NotFound { what, message }
        }
        _ => SourceError::Other {
            what,
            code: e.code,
            message,
        },
    }
}

impl S3Source {
    /// Connects through the standard credential chain and finds the bucket's region.
    pub fn connect(opts: &ConnectOptions, bucket: &str) -> Result<S3Source, SourceError> {
        let other = |message: String| SourceError::Other {
            what: format!("s3://{bucket}"),
            code: "Runtime".to_string(),
            message: said(&message),
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| other(e.to_string()))?;
        let cfg = rt.block_on(load_config(opts));
        let local = is_local_endpoint(&cfg);
        let build = |region: Option<String>| {
            let mut b = aws_sdk_s3::config::Builder::from(&cfg).force_path_style(local);
            if let Some(r) = region {
                b = b.region(aws_sdk_s3::config::Region::new(r));
            }
            aws_sdk_s3::Client::from_conf(b.build())
        };
        let mut client = build(None);
        if opts.region.is_none() && !local {
            // a bucket in another region answers 301 with its region: follow it once
            let found = rt.block_on(async {
                match client.head_bucket().bucket(bucket).send().await {
                    Ok(out) => out.bucket_region().map(str::to_string),
                    Err(SdkError::ServiceError(e)) => e
                        .raw()
                        .headers()
                        .get("x-amz-bucket-region")
                        .map(str::to_string),
                    Err(_) => None,
                }
            });
            let current = cfg.region().map(|r| r.as_ref().to_string());
            if let Some(r) = found.filter(|r| Some(r) != current.as_ref()) {
                client = build(Some(r));
            }
        }
        Ok(S3Source {
            rt,
            client,
            bucket: bucket.to_string(),
        })
    }

    fn url(&self, key: &str) -> String {
        format!("s3://{}/{}", self.bucket, key)
    }

    /// Every page of ListObjectsV2 under `prefix` (after `start_after`; one `/` level when
    /// `one_level`), keys and common prefixes each sorted.
    fn list_pages(
        &self,
        prefix: &str,
        start_after: Option<&str>,
        one_level: bool,
    ) -> Result<DirListing, SourceError> {
        self.rt.block_on(async {
            let mut out = DirListing::default();
            let mut token: Option<String> = None;
            loop {
                let mut req = self
                    .client
                    .list_objects_v2()
                    .bucket(&self.bucket)
                    .prefix(prefix);
                if one_level {
                    req = req.delimiter("/");
                }
                if let Some(t) = &token {
                    req = req.continuation_token(t);
                } else if let Some(s) = start_after {
                    req = req.start_after(s);
                }
                let page = req
                    .send()
                    .await
                    .map_err(|e| source_error(&self.url(prefix), "ListObjectsV2", e))?;
                out.keys.extend(
                    page.contents()
                        .iter()
                        .filter_map(|o| o.key().map(str::to_string)),
                );
                out.dirs.extend(
                    page.common_prefixes()
                        .iter()
                        .filter_map(|p| p.prefix().map(str::to_string)),
                );
                match page.next_continuation_token() {
                    Some(t) if page.is_truncated() == Some(true) => token = Some(t.to_string()),
                    _ => break,
                }
            }
            out.keys.sort();
            out.dirs.sort();
            Ok(out)
        })
    }
}

impl ObjectSource for S3Source {
    fn list(&self, prefix: &str, start_after: Option<&str>) -> Result<Vec<String>, SourceError> {
        Ok(self.list_pages(prefix, start_after, false)?.keys)
    }

    fn list_dir(&self, prefix: &str) -> Result<DirListing, SourceError> {
        self.list_pages(prefix, None, true)
    }

    fn fetch(&self, key: &str) -> Result<Vec<u8>, SourceError> {
        self.rt.block_on(self.get(key))
    }

    /// Every key at once, concurrently on the client's runtime (the caller bounds how many it
    /// asks for), results in the order asked.
    fn fetch_many(&self, keys: &[String]) -> Vec<Result<Vec<u8>, SourceError>> {
        self.rt
            .block_on(futures::future::join_all(keys.iter().map(|k| self.get(k))))
    }
}

impl S3Source {
    async fn get(&self, key: &str) -> Result<Vec<u8>, SourceError> {
        let obj = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| source_error(&self.url(key), "GetObject", e))?;
        let body = obj.body.collect().await.map_err(|e| SourceError::Other {
            what: self.url(key),
            code: "Body".to_string(),
            message: said(&e.to_string()),
        })?;
        Ok(body.into_bytes().to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::parse_s3_url;

    #[test]
    fn urls() {
        assert_eq!(
            parse_s3_url("s3://logs-1/AWSLogs/"),
            Some(("logs-1".to_string(), "AWSLogs/".to_string()))
        );
        assert_eq!(
            parse_s3_url("s3://logs"),
            Some(("logs".to_string(), String::new()))
        );
        assert_eq!(parse_s3_url("s3:///x"), None);
        assert_eq!(parse_s3_url("s3://Bad_Bucket/x"), None);
        assert_eq!(parse_s3_url("/tmp/x"), None);
    }
}
