//! S3 object-created notifications as they arrive on an SQS queue (WATCH-03, `trail consume`):
//! an S3 event notification directly (`{"Records":[{"s3":…}]}`), the same wrapped by SNS (the
//! notification's `Message` field holds it as a string) or an EventBridge event
//! (`detail.bucket.name`, `detail.object.key`).
//!
//! The body comes from outside and is judged before it is parsed: its size, its nesting depth
//! (counted on the bytes, before `serde_json` sees it), the number of records and the lengths
//! of bucket names and keys are bounded. S3's test event (`s3:TestEvent`, sent when a
//! notification is configured) and events other than object creation are [`Notice::Ignored`].

use serde_json::Value;

/// The largest message body read (SQS allows 1 MiB).
pub const MAX_BODY: usize = 1 << 20;
/// The deepest nesting of arrays and objects in a body (a real notification has 5 levels).
pub const MAX_DEPTH: usize = 16;
/// The most records in one notification (S3 sends one).
pub const MAX_RECORDS: usize = 100;
/// The most members in any one object of a body (a real one has about 20).
pub const MAX_MEMBERS: usize = 256;
/// S3's own limit on key length, in bytes.
const MAX_KEY: usize = 1024;

/// One object named by a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectNotice {
    pub bucket: String,
    /// The key, decoded (S3 notifications URL-encode it).
    pub key: String,
    pub etag: Option<String>,
    pub sequencer: Option<String>,
    pub size: Option<u64>,
}

/// What a message says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Objects were created.
    Objects(Vec<ObjectNotice>),
    /// Nothing to read: S3's test event or another kind of event (the reason).
    Ignored(&'static str),
}

/// Why a message body is not a notification yagura reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NoticeError {
    #[error("the message is larger than {MAX_BODY} bytes")]
    TooLarge,
    #[error("the message nests deeper than {MAX_DEPTH} levels")]
    TooDeep,
    #[error("the message has more than {0} records or members")]
    TooMany(usize),
    #[error("the message is not JSON: {0}")]
    Json(String),
    #[error("the message is not an S3, SNS or EventBridge notification: {0}")]
    Shape(&'static str),
}

/// Reads one message body; see the module documentation.
pub fn parse_notice(body: &str) -> Result<Notice, NoticeError> {
    let v = parse_bounded(body)?;
    // SNS: the notification is a string in `Message`
    if v.get("Type").and_then(Value::as_str) == Some("Notification") {
        let inner = v
            .get("Message")
            .and_then(Value::as_str)
            .ok_or(NoticeError::Shape("an SNS notification without `Message`"))?;
        let inner = parse_bounded(inner)?;
        return from_value(&inner);
    }
    from_value(&v)
}

fn from_value(v: &Value) -> Result<Notice, NoticeError> {
    if v.get("Event").and_then(Value::as_str) == Some("s3:TestEvent") {
        return Ok(Notice::Ignored("s3:TestEvent"));
    }
    if let Some(records) = v.get("Records") {
        return s3_records(records);
    }
    if v.get("source").and_then(Value::as_str) == Some("aws.s3") {
        return eventbridge(v);
    }
    Err(NoticeError::Shape(
        "neither `Records` nor an `aws.s3` event",
    ))
}

fn s3_records(records: &Value) -> Result<Notice, NoticeError> {
    let records = records
        .as_array()
        .ok_or(NoticeError::Shape("`Records` is not a list"))?;
    if records.len() > MAX_RECORDS {
        return Err(NoticeError::TooMany(MAX_RECORDS));
    }
    let mut out = Vec::new();
    for r in records {
        let name = r.get("eventName").and_then(Value::as_str).unwrap_or("");
        if !name.starts_with("ObjectCreated:") {
            continue;
        }
        let s3 = r
            .get("s3")
            .ok_or(NoticeError::Shape("a record without `s3`"))?;
        let raw = text(s3, &["object", "key"])?;
        out.push(ObjectNotice {
            bucket: bucket(text(s3, &["bucket", "name"])?)?,
            key: key(&decode_key(raw))?,
            etag: opt_text(s3, &["object", "eTag"]),
            sequencer: opt_text(s3, &["object", "sequencer"]),
            size: s3.pointer("/object/size").and_then(Value::as_u64),
        });
    }
    if out.is_empty() {
        return Ok(Notice::Ignored("no object created"));
    }
    Ok(Notice::Objects(out))
}

fn eventbridge(v: &Value) -> Result<Notice, NoticeError> {
    if v.get("detail-type").and_then(Value::as_str) != Some("Object Created") {
        return Ok(Notice::Ignored("no object created"));
    }
    let d = v
        .get("detail")
        .ok_or(NoticeError::Shape("an EventBridge event without `detail`"))?;
    // EventBridge does not URL-encode the key
    Ok(Notice::Objects(vec![ObjectNotice {
        bucket: bucket(text(d, &["bucket", "name"])?)?,
        key: key(text(d, &["object", "key"])?)?,
        etag: opt_text(d, &["object", "etag"]),
        sequencer: opt_text(d, &["object", "sequencer"]),
        size: d.pointer("/object/size").and_then(Value::as_u64),
    }]))
}

fn opt_text(v: &Value, path: &[&str]) -> Option<String> {
    path.iter()
        .try_fold(v, |v, p| v.get(p))
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn text<'v>(v: &'v Value, path: &[&str]) -> Result<&'v str, NoticeError> {
    path.iter()
        .try_fold(v, |v, p| v.get(p))
        .and_then(Value::as_str)
        .ok_or(NoticeError::Shape("a bucket name or key is missing"))
}

fn bucket(name: &str) -> Result<String, NoticeError> {
    let ok = (3..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
    if ok {
        Ok(name.to_string())
    } else {
        Err(NoticeError::Shape("not a bucket name"))
    }
}

fn key(k: &str) -> Result<String, NoticeError> {
    if k.is_empty() || k.len() > MAX_KEY {
        return Err(NoticeError::Shape(
            "an empty key or one longer than 1024 bytes",
        ));
    }
    Ok(k.to_string())
}

/// S3 notifications encode keys like an HTML form: `+` is a space, `%XX` a byte. Bytes that
/// do not make UTF-8 are replaced (such a key is then not found, and reported).
fn decode_key(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                if let Some(v) = hex {
                    out.push(v);
                    i += 2;
                } else {
                    out.push(b'%');
                }
            }
            _ => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parses `body` after checking its size, nesting depth and member counts on the bytes.
fn parse_bounded(body: &str) -> Result<Value, NoticeError> {
    if body.len() > MAX_BODY {
        return Err(NoticeError::TooLarge);
    }
    check_shape(body.as_bytes())?;
    serde_json::from_str(body).map_err(|e| NoticeError::Json(e.to_string()))
}

/// Depth and the count of commas in any one container, outside strings.
fn check_shape(bytes: &[u8]) -> Result<(), NoticeError> {
    let mut counts: Vec<usize> = Vec::new();
    let (mut in_string, mut escaped) = (false, false);
    for &b in bytes {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                counts.push(0);
                if counts.len() > MAX_DEPTH {
                    return Err(NoticeError::TooDeep);
                }
            }
            b'}' | b']' => {
                counts.pop();
            }
            b',' => {
                if let Some(c) = counts.last_mut() {
                    *c += 1;
                    if *c >= MAX_MEMBERS {
                        return Err(NoticeError::TooMany(MAX_MEMBERS));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use serde_json::json;

    const KEY: &str = "AWSLogs/o-abc123/111122223333/CloudTrail/us-east-1/2024/08/01/111122223333_CloudTrail_us-east-1_20240801T0005Z_x.json.gz";

    /// The shape of S3's documented event message (notification-content-structure).
    fn s3_event(key: &str) -> Value {
        json!({"Records": [{
            "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
            "eventTime": "2024-08-01T00:05:10.000Z", "eventName": "ObjectCreated:Put",
            "s3": {"s3SchemaVersion": "1.0", "configurationId": "trail",
                   "bucket": {"name": "org-trail", "arn": "arn:aws:s3:::org-trail"},
                   "object": {"key": key, "size": 1024, "eTag": "0123abcd",
                              "sequencer": "0055AED6DCD90281E5"}}
        }]})
    }

    fn expected(key: &str) -> Notice {
        Notice::Objects(vec![ObjectNotice {
            bucket: "org-trail".into(),
            key: key.into(),
            etag: Some("0123abcd".into()),
            sequencer: Some("0055AED6DCD90281E5".into()),
            size: Some(1024),
        }])
    }

    #[test]
    fn direct_sns_and_eventbridge_notifications() {
        let direct = s3_event(KEY).to_string();
        assert_eq!(parse_notice(&direct).unwrap(), expected(KEY));
        let sns = json!({"Type": "Notification", "MessageId": "m",
                         "TopicArn": "arn:aws:sns:us-east-1:1:t", "Message": direct});
        assert_eq!(parse_notice(&sns.to_string()).unwrap(), expected(KEY));
        let eb = json!({"version": "0", "detail-type": "Object Created", "source": "aws.s3",
            "detail": {"version": "0", "bucket": {"name": "org-trail"},
                       "object": {"key": KEY, "size": 1024, "etag": "0123abcd",
                                  "sequencer": "0055AED6DCD90281E5"},
                       "reason": "PutObject"}});
        assert_eq!(parse_notice(&eb.to_string()).unwrap(), expected(KEY));
        // keys are form-encoded in S3's own notifications
        let enc = s3_event("a+b/%E3%81%82%2Bc%zz").to_string();
        let Notice::Objects(o) = parse_notice(&enc).unwrap() else {
            panic!()
        };
        assert_eq!(o[0].key, "a b/あ+c%zz");
    }

    #[test]
    fn test_events_and_other_events_are_ignored() {
        let t = json!({"Service": "Amazon S3", "Event": "s3:TestEvent",
                       "Time": "2024-08-01T00:00:00.000Z", "Bucket": "org-trail"});
        assert_eq!(
            parse_notice(&t.to_string()).unwrap(),
            Notice::Ignored("s3:TestEvent")
        );
        let sns = json!({"Type": "Notification", "Message": t.to_string()});
        assert!(matches!(
            parse_notice(&sns.to_string()).unwrap(),
            Notice::Ignored(_)
        ));
        let mut removed = s3_event(KEY);
        removed["Records"][0]["eventName"] = json!("ObjectRemoved:Delete");
        assert!(matches!(
            parse_notice(&removed.to_string()).unwrap(),
            Notice::Ignored(_)
        ));
    }

    #[test]
    fn hostile_bodies_are_refused_within_budgets() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(parse_notice(&deep), Err(NoticeError::TooDeep));
        let big = format!("\"{}\"", "a".repeat(MAX_BODY));
        assert_eq!(parse_notice(&big), Err(NoticeError::TooLarge));
        let many = format!("[{}]", vec!["1"; 10_000].join(","));
        assert_eq!(parse_notice(&many), Err(NoticeError::TooMany(MAX_MEMBERS)));
        // a deep SNS message inside a shallow envelope
        let sns = json!({"Type": "Notification", "Message": deep});
        assert_eq!(parse_notice(&sns.to_string()), Err(NoticeError::TooDeep));
        // strings may hold brackets and commas
        let tricky = s3_event(&format!("{}{}", "[{,".repeat(300), "x")).to_string();
        assert!(parse_notice(&tricky).is_ok());
        for bad in [
            "",
            "{",
            "null",
            "{\"Records\": 3}",
            "{\"Type\": \"Notification\"}",
        ] {
            assert!(parse_notice(bad).is_err(), "{bad}");
        }
        let mut no_bucket = s3_event(KEY);
        no_bucket["Records"][0]["s3"]["bucket"]["name"] = json!("Bad_Bucket");
        assert!(parse_notice(&no_bucket.to_string()).is_err());
        let long = s3_event(&"k".repeat(2000)).to_string();
        assert!(parse_notice(&long).is_err());
    }
}
