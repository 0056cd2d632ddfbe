//! One CloudTrail record, parsed lazily.
//!
//! A record keeps its JSON text and the byte ranges of its top-level members. A member is parsed
//! into a [`serde_json::Value`] the first time it is read, so a rule that only looks at
//! `eventSource` and `eventName` never pays for `requestParameters`.

use serde::de;
use serde_json::Value;
use std::borrow::Cow;
use std::cell::{OnceCell, RefCell};
use std::fmt;
use std::sync::Arc;

/// Where a record came from: the file or object key and the record's index in it (from 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub key: Arc<str>,
    pub index: u64,
}

pub(crate) struct Member {
    key_start: u32,
    key_end: u32,
    start: u32,
    end: u32,
    /// [`KEY_ESCAPED`], [`PLAIN_STRING`].
    flags: u8,
}

/// The member's name has escapes: its decoded form is in [`Event::owned_keys`].
const KEY_ESCAPED: u8 = 1;
/// The member's value is a string without escapes.
const PLAIN_STRING: u8 = 2;

/// Decoded names of members whose names have escapes: (member index, name).
pub(crate) type OwnedKeys = Vec<(usize, Box<str>)>;

/// A CloudTrail record.
pub struct Event {
    /// The record's text, in a buffer that goes back to [`SPARE_TEXTS`] when the event is
    /// dropped.
    raw: String,
    members: Vec<Member>,
    owned_keys: OwnedKeys,
    /// Parsed members, made on first use.
    parsed: OnceCell<Box<[OnceCell<Value>]>>,
    /// Index in `members` of the frequently read keys ([`HOT`]); `NONE` when absent.
    hot: [u8; HOT.len()],
    /// `eventTime` in milliseconds since the Unix epoch.
    pub time_ms: i64,
    /// The file or key and index it was read from, when read from a file.
    pub origin: Option<Origin>,
    /// A member read so far held values that JSON cannot represent exactly (see
    /// [`Event::lossy`]).
    lossy: std::cell::Cell<bool>,
    /// `userIdentity.type` as [`Event::lookup_raw`] answers it (the value's range in `raw`
    /// for a plain string), found on first use: the native detections and several rules that
    /// run on every event ask for it.
    identity_type: OnceCell<IdentityType>,
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("eventName", &self.event_name())
            .field("eventTime", &self.str_field("eventTime"))
            .field("origin", &self.origin)
            .finish()
    }
}

thread_local! {
    /// Texts of dropped events, reused by the next events read on the same thread: a record
    /// is larger than the allocator's per-thread cache holds, and allocating and freeing its
    /// text cost about 3 % of a scan.
    static SPARE_TEXTS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Spare texts kept per thread, and the largest capacity kept.
const SPARE_TEXT_COUNT: usize = 4;
const SPARE_TEXT_CAPACITY: usize = 64 << 10;

/// `text` in a buffer from [`SPARE_TEXTS`] (a new one when there is none).
pub(crate) fn pooled_text(text: &str) -> String {
    let mut out = SPARE_TEXTS
        .try_with(|s| s.try_borrow_mut().ok().and_then(|mut s| s.pop()))
        .ok()
        .flatten()
        .unwrap_or_default();
    out.clear();
    out.push_str(text);
    out
}

impl Drop for Event {
    fn drop(&mut self) {
        let text = std::mem::take(&mut self.raw);
        if text.capacity() == 0 || text.capacity() > SPARE_TEXT_CAPACITY {
            return;
        }
        // during the thread's exit the pool may be gone: the text is then freed
        let _ = SPARE_TEXTS.try_with(|s| {
            if let Ok(mut s) = s.try_borrow_mut() {
                if s.len() < SPARE_TEXT_COUNT {
                    s.push(text);
                }
            }
        });
    }
}

/// Why a record is not a usable CloudTrail event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EventError {
    /// The JSON parser's own message (serde_json's words).
    #[error("not JSON: {0}")]
    Json(String),
    #[error("not JSON: {problem} at byte {at}")]
    Syntax { problem: Syntax, at: usize },
    #[error("not JSON: the record ends too early")]
    EndsEarly,
    #[error("not JSON: empty record")]
    Empty,
    #[error("not JSON: trailing characters at byte {0}")]
    Trailing(usize),
    #[error("not JSON: invalid UTF-8: {0}")]
    Utf8(std::str::Utf8Error),
    #[error("a record must be a JSON object")]
    NotObject,
    #[error("missing field `{0}`")]
    MissingField(&'static str),
    #[error("field `{field}` has an unusable value `{value}`")]
    BadField { field: &'static str, value: String },
    #[error("record too large ({0} bytes)")]
    TooLarge(usize),
}

impl EventError {
    /// The error in Japanese: the parser's message and the record's values quoted as they are.
    pub fn ja(&self) -> String {
        match self {
            EventError::Json(m) => format!("JSON ではありません:「{m}」"),
            EventError::Syntax { problem, at } => {
                format!("JSON ではありません: バイト {at} で{}", problem.ja())
            }
            EventError::EndsEarly => {
                "JSON ではありません: レコードが途中で終わっています".to_string()
            }
            EventError::Empty => "JSON ではありません: レコードが空です".to_string(),
            EventError::Trailing(at) => {
                format!("JSON ではありません: バイト {at} 以降に余分な文字があります")
            }
            EventError::Utf8(e) => {
                format!("JSON ではありません: UTF-8 として正しくありません:「{e}」")
            }
            EventError::NotObject => "レコードは JSON オブジェクトでなければなりません".to_string(),
            EventError::MissingField(f) => format!("フィールド `{f}` がありません"),
            EventError::BadField { field, value } => {
                format!("フィールド `{field}` の値 `{value}` は使用できません")
            }
            EventError::TooLarge(n) => format!("レコードが大きすぎます({n} バイト)"),
        }
    }
}

/// What is wrong where a record's JSON text stops being an object yagura can scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Syntax {
    #[error("expected `{{`")]
    ExpectedOpen,
    #[error("expected a member name")]
    ExpectedName,
    #[error("bad member name")]
    BadName,
    #[error("expected `:`")]
    ExpectedColon,
    #[error("missing value")]
    MissingValue,
    #[error("record too large")]
    TooLarge,
    #[error("expected `,` or `}}`")]
    ExpectedCommaOrClose,
}

impl Syntax {
    /// The problem in Japanese (it follows "at byte N").
    pub fn ja(&self) -> &'static str {
        match self {
            Syntax::ExpectedOpen => " `{` があるはずです",
            Syntax::ExpectedName => "メンバー名があるはずです",
            Syntax::BadName => "メンバー名が正しくありません",
            Syntax::ExpectedColon => " `:` があるはずです",
            Syntax::MissingValue => "値がありません",
            Syntax::TooLarge => "レコードが大きすぎます",
            Syntax::ExpectedCommaOrClose => " `,` か `}` があるはずです",
        }
    }
}

/// The fields every CloudTrail record has; a record without one of them is reported.
pub const REQUIRED_FIELDS: [&str; 3] = ["eventTime", "eventSource", "eventName"];
/// Their slots in [`HOT`].
const REQUIRED_HOT: [usize; 3] = [2, 1, 0];

#[inline]
fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\r' | b'\n')) {
        i += 1;
    }
    i
}

const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
const QUOTES: u64 = u64::from_ne_bytes([b'"'; 8]);
const BACKSLASHES: u64 = u64::from_ne_bytes([b'\\'; 8]);

/// The high bit of every zero byte of `w`. Only the lowest set bit is exact (a borrow can set
/// bits above it), which is the only one read.
#[inline(always)]
fn zero_bytes(w: u64) -> u64 {
    w.wrapping_sub(ONES) & !w & HIGHS
}

/// Index of the first `"` or `\` in `b` at or after `j`. On x86-64, memchr's SSE2 searcher
/// called directly (inlined: most strings of a record end within its first 16 bytes, and the
/// general `memchr2` costs a dispatch and a call per string); elsewhere eight bytes at a time.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn quote_or_backslash(b: &[u8], j: usize) -> Option<usize> {
    let hay = b.get(j..)?;
    match memchr::arch::x86_64::sse2::memchr::Two::new(b'"', b'\\') {
        Some(two) => two.find(hay).map(|k| j + k),
        None => quote_or_backslash_swar(b, j),
    }
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn quote_or_backslash(b: &[u8], j: usize) -> Option<usize> {
    quote_or_backslash_swar(b, j)
}

/// [`quote_or_backslash`] eight bytes at a time for the first 32 bytes, then `memchr`.
#[inline(always)]
fn quote_or_backslash_swar(b: &[u8], mut j: usize) -> Option<usize> {
    for _ in 0..4 {
        let Some(w) = b.get(j..).and_then(<[u8]>::first_chunk::<8>) else {
            let rest = b.get(j..)?;
            return rest
                .iter()
                .position(|&c| c == b'"' || c == b'\\')
                .map(|k| j + k);
        };
        let w = u64::from_le_bytes(*w);
        let m = zero_bytes(w ^ QUOTES) | zero_bytes(w ^ BACKSLASHES);
        if m != 0 {
            return Some(j + (m.trailing_zeros() / 8) as usize);
        }
        j += 8;
    }
    memchr::memchr2(b'"', b'\\', b.get(j..)?).map(|k| j + k)
}

/// Index just past the string starting at `i` (which is `"`), and whether it has escapes.
#[inline(always)]
fn skip_string(b: &[u8], i: usize) -> Option<(usize, bool)> {
    let mut j = i + 1;
    let mut escaped = false;
    loop {
        j = quote_or_backslash(b, j)?;
        if b.get(j) == Some(&b'\\') {
            escaped = true;
            j += 2;
        } else {
            return Some((j + 1, escaped));
        }
    }
}

/// Index just past the value starting at `i`.
#[inline]
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => skip_string(b, i).map(|(e, _)| e),
        b'{' | b'[' => skip_container(b, i),
        _ => {
            let mut j = i;
            while let Some(c) = b.get(j) {
                if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n') {
                    break;
                }
                j += 1;
            }
            // running to the end of the input means the value may go on
            (j < b.len()).then_some(j)
        }
    }
}

/// Index just past the object or array starting at `i` (which is `{` or `[`).
fn skip_container(b: &[u8], i: usize) -> Option<usize> {
    let mut depth = 0u32;
    let mut j = i;
    loop {
        match b.get(j)? {
            b'"' => j = skip_string(b, j)?.0,
            b'{' | b'[' => {
                depth += 1;
                j += 1;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                j += 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => j += 1,
        }
    }
}

/// A cached `userIdentity.type` (see [`Event::identity_type`]).
#[derive(Debug, Clone, Copy)]
enum IdentityType {
    Str(u32, u32),
    Missing,
    Complex,
}

/// The answer of [`Event::lookup_raw`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawLookup<'a> {
    /// A plain string (no escapes), in place.
    Str(&'a str),
    /// Nothing (or `null`) at the path.
    Missing,
    /// Something that needs the parsed value.
    Complex,
}

enum Found<'a> {
    /// The value's text, and whether it is a string without escapes.
    Value(&'a str, bool),
    Absent,
}

/// Looks a key up in a raw JSON object; `None` when the object is odd (escaped keys, an
/// `items` wrapper that may need traversal, broken text).
fn find_member<'a>(text: &'a str, key: &str) -> Option<Found<'a>> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 1);
    if b.get(i) == Some(&b'}') {
        return Some(Found::Absent);
    }
    loop {
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let (kend, escaped) = skip_string(b, i)?;
        if escaped {
            return None;
        }
        let k = text.get(i + 1..kend - 1)?;
        i = skip_ws(b, kend);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = skip_ws(b, i + 1);
        let (vend, plain) = if b.get(i) == Some(&b'"') {
            let (e, esc) = skip_string(b, i)?;
            (e, !esc)
        } else {
            (skip_value(b, i)?, false)
        };
        if k == key {
            return Some(Found::Value(text.get(i..vend)?, plain));
        }
        if k == "items" {
            return None;
        }
        i = skip_ws(b, vend);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b'}') => return Some(Found::Absent),
            _ => return None,
        }
    }
}

/// Keys read for nearly every event, found without comparing every member's name.
pub(crate) const HOT: [&str; 14] = [
    "eventName",
    "eventSource",
    "eventTime",
    "eventID",
    "userIdentity",
    "errorCode",
    "userAgent",
    "sourceIPAddress",
    "eventType",
    "requestParameters",
    "responseElements",
    "additionalEventData",
    "awsRegion",
    "recipientAccountId",
];
const NONE: u8 = u8::MAX;

/// The slot of `key` in [`HOT`]: one branch on the length (and a byte where lengths are
/// shared), then one comparison, instead of comparing with every hot key in turn.
#[inline(always)]
fn hot_index(key: &[u8]) -> Option<usize> {
    let is = |lit: &[u8], h: usize| (key == lit).then_some(h);
    match key.len() {
        7 => is(b"eventID", 3),
        9 => match key.get(5) {
            Some(b'N') => is(b"eventName", 0),
            Some(b'T') => match key.get(6) {
                Some(b'i') => is(b"eventTime", 2),
                _ => is(b"eventType", 8),
            },
            Some(b'C') => is(b"errorCode", 5),
            _ => match key.first() {
                Some(b'u') => is(b"userAgent", 6),
                _ => is(b"awsRegion", 12),
            },
        },
        11 => is(b"eventSource", 1),
        12 => is(b"userIdentity", 4),
        15 => is(b"sourceIPAddress", 7),
        16 => is(b"responseElements", 10),
        17 => is(b"requestParameters", 9),
        18 => is(b"recipientAccountId", 13),
        19 => is(b"additionalEventData", 11),
        _ => None,
    }
}

/// Finds the top-level members of a JSON object (structure only: values are checked when they
/// are parsed).
/// Why an object could not be scanned.
pub(crate) enum ScanFail {
    /// The input ended inside the object (more bytes may complete it).
    Incomplete,
    Bad(Syntax, usize),
}

/// The members of the JSON object at the start of `b` (after whitespace): members, hot-key
/// index and the index just past the closing brace.
pub(crate) type Scanned = (Vec<Member>, [u8; HOT.len()], usize, OwnedKeys);

pub(crate) fn scan_object(b: &[u8]) -> Result<Scanned, ScanFail> {
    let bad = |what: Syntax, at: usize| ScanFail::Bad(what, at);
    let mut i = skip_ws(b, 0);
    match b.get(i) {
        Some(b'{') => i += 1,
        Some(_) => return Err(bad(Syntax::ExpectedOpen, i)),
        None => return Err(ScanFail::Incomplete),
    }
    let mut out = Vec::with_capacity(24);
    let mut hot = [NONE; HOT.len()];
    let mut owned: OwnedKeys = Vec::new();
    i = skip_ws(b, i);
    match b.get(i) {
        Some(b'}') => return Ok((out, hot, i + 1, owned)),
        None => return Err(ScanFail::Incomplete),
        _ => {}
    }
    loop {
        match b.get(i) {
            Some(b'"') => {}
            Some(_) => return Err(bad(Syntax::ExpectedName, i)),
            None => return Err(ScanFail::Incomplete),
        }
        let (kend, escaped) = skip_string(b, i).ok_or(ScanFail::Incomplete)?;
        let (ks, ke) = (i + 1, kend - 1);
        let key_owned = if escaped {
            let k: String = std::str::from_utf8(b.get(i..kend).unwrap_or_default())
                .ok()
                .and_then(|t| serde_json::from_str(t).ok())
                .ok_or_else(|| bad(Syntax::BadName, i))?;
            Some(k.into_boxed_str())
        } else {
            None
        };
        let key: &[u8] = match &key_owned {
            Some(k) => k.as_bytes(),
            None => b.get(ks..ke).unwrap_or_default(),
        };
        if let Some(h) = hot_index(key) {
            if let Some(slot) = hot.get_mut(h) {
                if *slot == NONE && out.len() < usize::from(NONE) {
                    *slot = out.len() as u8;
                }
            }
        }
        i = skip_ws(b, kend);
        match b.get(i) {
            Some(b':') => {}
            Some(_) => return Err(bad(Syntax::ExpectedColon, i)),
            None => return Err(ScanFail::Incomplete),
        }
        i = skip_ws(b, i + 1);
        let mut flags = 0;
        let vend = if b.get(i) == Some(&b'"') {
            let (e, esc) = skip_string(b, i).ok_or(ScanFail::Incomplete)?;
            if !esc {
                flags |= PLAIN_STRING;
            }
            e
        } else {
            skip_value(b, i).ok_or(ScanFail::Incomplete)?
        };
        if let Some(k) = key_owned {
            flags |= KEY_ESCAPED;
            owned.push((out.len(), k));
        }
        if vend == i {
            return Err(bad(Syntax::MissingValue, i));
        }
        if vend > u32::MAX as usize {
            return Err(bad(Syntax::TooLarge, i));
        }
        out.push(Member {
            key_start: ks as u32,
            key_end: ke as u32,
            start: i as u32,
            end: vend as u32,
            flags,
        });
        i = skip_ws(b, vend);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b'}') => return Ok((out, hot, i + 1, owned)),
            Some(_) => return Err(bad(Syntax::ExpectedCommaOrClose, i)),
            None => return Err(ScanFail::Incomplete),
        }
    }
}

fn scan_members(text: &str) -> Result<(Vec<Member>, [u8; HOT.len()], OwnedKeys), EventError> {
    let b = text.as_bytes();
    let i = skip_ws(b, 0);
    match b.get(i) {
        Some(b'{') => {}
        Some(_) => {
            return Err(match serde_json::from_str::<de::IgnoredAny>(text) {
                Ok(_) => EventError::NotObject,
                Err(e) => EventError::Json(e.to_string()),
            })
        }
        None => return Err(EventError::Empty),
    }
    let (out, hot, end, owned) = scan_object(b).map_err(|f| match f {
        ScanFail::Incomplete => EventError::EndsEarly,
        ScanFail::Bad(problem, at) => EventError::Syntax { problem, at },
    })?;
    let end = skip_ws(b, end);
    if end != b.len() {
        return Err(EventError::Trailing(end));
    }
    Ok((out, hot, owned))
}

impl Event {
    /// Parses one record from its JSON text; checks that the required fields are there.
    pub fn parse(text: impl Into<Box<str>>) -> Result<Event, EventError> {
        let raw = String::from(text.into());
        if raw.len() > u32::MAX as usize {
            return Err(EventError::TooLarge(raw.len()));
        }
        let (members, hot, owned) = scan_members(&raw)?;
        Self::from_parts(raw, members, hot, owned)
    }

    /// Builds an event from a scanned record and checks the required fields.
    pub(crate) fn from_parts(
        raw: String,
        members: Vec<Member>,
        hot: [u8; HOT.len()],
        owned_keys: OwnedKeys,
    ) -> Result<Event, EventError> {
        let mut ev = Event {
            raw,
            members,
            owned_keys,
            parsed: OnceCell::new(),
            hot,
            time_ms: 0,
            origin: None,
            lossy: std::cell::Cell::new(false),
            identity_type: OnceCell::new(),
        };
        for (f, h) in REQUIRED_FIELDS.into_iter().zip(REQUIRED_HOT) {
            if ev.hot_str(h).is_some() {
                continue;
            }
            match ev.get(f) {
                Some(Value::String(_)) => {}
                Some(other) => {
                    return Err(EventError::BadField {
                        field: f,
                        value: short(&other.to_string()),
                    })
                }
                None => return Err(EventError::MissingField(f)),
            }
        }
        let t = ev.hot_str(REQUIRED_HOT[0]).unwrap_or_default();
        ev.time_ms = parse_time_ms(t).ok_or_else(|| EventError::BadField {
            field: "eventTime",
            value: short(t),
        })?;
        Ok(ev)
    }

    /// True when a member read so far held values that could not be read exactly (`NaN`,
    /// numbers out of range, lone surrogates, nesting deeper than 128 levels): the detections
    /// judged it on what could be read (such values read as `null`, lone surrogates as U+FFFD),
    /// and the scan reports it.
    pub fn lossy(&self) -> bool {
        self.lossy.get()
    }

    /// The record's JSON text.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// A top-level member, parsed on first use. Members that are not valid JSON (cannot happen
    /// after [`Event::parse`]) read as absent.
    pub fn get(&self, key: &str) -> Option<&Value> {
        let (idx, m) = self.member_at(key)?;
        let cells = self.parsed.get_or_init(|| {
            (0..self.members.len())
                .map(|_| OnceCell::new())
                .collect::<Vec<_>>()
                .into_boxed_slice()
        });
        let cell = cells.get(idx)?;
        Some(cell.get_or_init(|| {
            let text = self
                .raw
                .get(m.start as usize..m.end as usize)
                .unwrap_or("null");
            match serde_json::from_str(text) {
                Ok(v) => v,
                Err(_) => {
                    // NaN, 1e400, a lone surrogate, nesting past serde's limit: judge the
                    // event on what can be read, and say so
                    self.lossy.set(true);
                    lenient::parse(text)
                }
            }
        }))
    }

    fn member(&self, key: &str) -> Option<&Member> {
        self.member_at(key).map(|(_, m)| m)
    }

    /// The member in slot `h` of [`HOT`], without comparing names.
    #[inline]
    fn hot_member(&self, h: usize) -> Option<&Member> {
        let at = usize::from(self.hot.get(h).copied().unwrap_or(NONE));
        if at != usize::from(NONE) {
            return self.members.get(at);
        }
        if self.members.len() < usize::from(NONE) {
            return None;
        }
        self.member(HOT.get(h)?)
    }

    /// The string member in slot `h` of [`HOT`] (see [`Event::str_field`]).
    #[inline]
    fn hot_str(&self, h: usize) -> Option<&str> {
        let m = self.hot_member(h)?;
        if m.flags & PLAIN_STRING != 0 {
            return self.raw.get(m.start as usize + 1..m.end as usize - 1);
        }
        if self.raw.as_bytes().get(m.start as usize) != Some(&b'"') {
            return None;
        }
        self.get(HOT.get(h)?).and_then(Value::as_str)
    }

    /// `userIdentity.type`, looked up once.
    fn identity_type(&self) -> RawLookup<'_> {
        let t = self.identity_type.get_or_init(|| {
            match self.lookup_raw_uncached(&["userIdentity", "type"]) {
                RawLookup::Str(v) => {
                    let at = v.as_ptr() as usize - self.raw.as_ptr() as usize;
                    IdentityType::Str(at as u32, (at + v.len()) as u32)
                }
                RawLookup::Missing => IdentityType::Missing,
                RawLookup::Complex => IdentityType::Complex,
            }
        });
        match *t {
            IdentityType::Str(a, b) => self
                .raw
                .get(a as usize..b as usize)
                .map_or(RawLookup::Complex, RawLookup::Str),
            IdentityType::Missing => RawLookup::Missing,
            IdentityType::Complex => RawLookup::Complex,
        }
    }

    fn member_at(&self, key: &str) -> Option<(usize, &Member)> {
        if let Some(h) = hot_index(key.as_bytes()) {
            let at = usize::from(self.hot.get(h).copied().unwrap_or(NONE));
            if at != usize::from(NONE) {
                return self.members.get(at).map(|m| (at, m));
            }
            if self.members.len() < usize::from(NONE) {
                return None;
            }
        }
        self.members.iter().enumerate().find(|(i, m)| {
            if m.flags & KEY_ESCAPED != 0 {
                self.owned_keys.iter().any(|(j, k)| j == i && &**k == key)
            } else {
                self.raw.get(m.key_start as usize..m.key_end as usize) == Some(key)
            }
        })
    }

    /// The text of a top-level member (`"…"` included for strings), unparsed.
    pub fn raw_member(&self, key: &str) -> Option<&str> {
        let m = self.member(key)?;
        self.raw.get(m.start as usize..m.end as usize)
    }

    /// Follows a dotted path through the raw text without parsing: the common case of nested
    /// objects ending in a plain string is answered in place; arrays, `items` wrappers and
    /// escaped strings answer [`RawLookup::Complex`] (use [`Event::visit_path`]).
    pub fn lookup_raw<S: AsRef<str>>(&self, path: &[S]) -> RawLookup<'_> {
        if let [a, b] = path {
            if a.as_ref() == "userIdentity" && b.as_ref() == "type" {
                return self.identity_type();
            }
        }
        self.lookup_raw_uncached(path)
    }

    fn lookup_raw_uncached<S: AsRef<str>>(&self, path: &[S]) -> RawLookup<'_> {
        let Some((first, rest)) = path.split_first() else {
            return RawLookup::Complex;
        };
        let Some(m) = self.member(first.as_ref()) else {
            return RawLookup::Missing;
        };
        let Some(mut text) = self.raw.get(m.start as usize..m.end as usize) else {
            return RawLookup::Missing;
        };
        // whether `text` is a string without escapes (known from the scan, no need to look)
        let mut plain = m.flags & PLAIN_STRING != 0;
        for key in rest {
            let b = text.as_bytes();
            if b.first() != Some(&b'{') {
                return if b.first() == Some(&b'[') {
                    RawLookup::Complex
                } else {
                    RawLookup::Missing
                };
            }
            match find_member(text, key.as_ref()) {
                Some(Found::Value(v, p)) => (text, plain) = (v, p),
                Some(Found::Absent) => return RawLookup::Missing,
                None => return RawLookup::Complex,
            }
        }
        if plain {
            return text
                .get(1..text.len().saturating_sub(1))
                .map_or(RawLookup::Complex, RawLookup::Str);
        }
        // a string with escapes, a number, an object…: the parsed value decides
        if text == "null" {
            RawLookup::Missing
        } else {
            RawLookup::Complex
        }
    }

    /// A top-level string member. Strings without escapes are read in place.
    pub fn str_field(&self, key: &str) -> Option<&str> {
        let m = self.member(key)?;
        if m.flags & PLAIN_STRING != 0 {
            return self.raw.get(m.start as usize + 1..m.end as usize - 1);
        }
        if self.raw.as_bytes().get(m.start as usize) != Some(&b'"') {
            return None;
        }
        self.get(key).and_then(Value::as_str)
    }

    pub fn event_name(&self) -> &str {
        self.hot_str(0).unwrap_or_default()
    }

    pub fn event_source(&self) -> &str {
        self.hot_str(1).unwrap_or_default()
    }

    pub fn event_id(&self) -> &str {
        self.hot_str(3).unwrap_or_default()
    }

    pub fn event_time(&self) -> &str {
        self.hot_str(2).unwrap_or_default()
    }

    pub fn source_ip(&self) -> &str {
        self.hot_str(7).unwrap_or_default()
    }

    pub fn error_code(&self) -> Option<&str> {
        self.hot_str(5)
    }

    /// The caller's ARN (`userIdentity.arn`), or the principal id / type when there is none.
    pub fn principal(&self) -> String {
        // in place when the identity's members are plain strings (nearly always): parsing the
        // whole `userIdentity` object costs more than the rest of a record's detections
        for k in ["arn", "principalId", "invokedBy", "type"] {
            match self.lookup_raw(&["userIdentity", k]) {
                RawLookup::Str(s) => return s.to_string(),
                RawLookup::Missing => {}
                RawLookup::Complex => return self.principal_parsed(),
            }
        }
        String::new()
    }

    fn principal_parsed(&self) -> String {
        let ui = self.get("userIdentity");
        let pick = |k: &str| ui.and_then(|u| u.get(k)).and_then(Value::as_str);
        pick("arn")
            .or_else(|| pick("principalId"))
            .or_else(|| pick("invokedBy"))
            .or_else(|| pick("type"))
            .unwrap_or_default()
            .to_string()
    }

    /// `userIdentity.accessKeyId`, when the call was signed with a key.
    pub fn access_key_id(&self) -> Option<&str> {
        match self.lookup_raw(&["userIdentity", "accessKeyId"]) {
            RawLookup::Str(s) => return Some(s).filter(|s| !s.is_empty()),
            RawLookup::Missing => return None,
            RawLookup::Complex => {}
        }
        self.get("userIdentity")
            .and_then(|u| u.get("accessKeyId"))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }

    /// Calls `f` with every value found at a dotted path. Arrays are traversed (any element can
    /// match), and an object that lacks the next key but wraps a list in `items` (EC2's request
    /// shape) is traversed through `items`, so `ipPermissions.ipRanges.cidrIp` and
    /// `ipPermissions.items.ipRanges.items.cidrIp` reach the same values.
    pub fn visit_path<'a, S: AsRef<str>>(&'a self, path: &[S], f: &mut dyn FnMut(&'a Value)) {
        let Some((first, rest)) = path.split_first() else {
            return;
        };
        if let Some(v) = self.get(first.as_ref()) {
            visit_value(v, rest, f);
        }
    }

    /// True when the dotted path reaches at least one value that is not `null`.
    pub fn has_path<S: AsRef<str>>(&self, path: &[S]) -> bool {
        let mut found = false;
        self.visit_path(path, &mut |v| found |= !v.is_null());
        found
    }

    /// The first string (or scalar rendered as text) at a dotted path.
    pub fn first_text<S: AsRef<str>>(&self, path: &[S]) -> Option<String> {
        let mut out = None;
        self.visit_path(path, &mut |v| {
            if out.is_none() {
                out = scalar_text(v).map(Cow::into_owned);
            }
        });
        out
    }
}

/// Walks `path` below `v`, calling `f` on each value reached.
pub fn visit_value<'a, S: AsRef<str>>(v: &'a Value, path: &[S], f: &mut dyn FnMut(&'a Value)) {
    match v {
        Value::Array(items) => {
            for it in items {
                visit_value(it, path, f);
            }
        }
        Value::Object(map) => match path.split_first() {
            None => f(v),
            Some((k, rest)) => {
                if let Some(next) = map.get(k.as_ref()) {
                    visit_value(next, rest, f);
                } else if let Some(items @ Value::Array(_)) = map.get("items") {
                    if k.as_ref() != "items" {
                        visit_value(items, path, f);
                    }
                }
            }
        },
        _ => {
            if path.is_empty() {
                f(v)
            }
        }
    }
}

/// A scalar as text: strings as they are, numbers and booleans as JSON writes them.
pub fn scalar_text(v: &Value) -> Option<Cow<'_, str>> {
    match v {
        Value::String(s) => Some(Cow::Borrowed(s)),
        Value::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        _ => None,
    }
}

fn short(s: &str) -> String {
    let mut out: String = s.chars().take(80).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// Parses an ISO 8601 UTC time (`2023-07-10T11:42:36Z`, optional fraction, `Z` or `+00:00`)
/// into milliseconds since the Unix epoch.
pub fn parse_time_ms(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 19 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let mut n = 0i64;
        for &c in b.get(r)? {
            if !c.is_ascii_digit() {
                return None;
            }
            n = n * 10 + i64::from(c - b'0');
        }
        Some(n)
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut ms = 0i64;
    let mut rest = s.get(19..)?;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let mut scale = 100;
        for c in frac.bytes().take(digits.min(3)) {
            ms += i64::from(c - b'0') * scale;
            scale /= 10;
        }
        rest = frac.get(digits..)?;
    }
    let offset_min = match rest {
        "Z" | "z" | "" => 0,
        _ => {
            let sign = match rest.as_bytes().first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return None,
            };
            let hh = rest.get(1..3)?.parse::<i64>().ok()?;
            let mm = rest
                .get(3..)
                .map(|m| m.trim_start_matches(':'))
                .filter(|m| !m.is_empty())
                .map_or(Some(0), |m| m.parse::<i64>().ok())?;
            sign * (hh * 60 + mm)
        }
    };
    // days from civil (Howard Hinnant)
    let y2 = if mo <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 86_400 + h * 3600 + mi * 60 + sec - offset_min * 60) * 1000) + ms)
}

/// Formats milliseconds since the epoch as `2023-07-10T11:42:36Z`.
pub fn format_time_ms(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

/// A JSON reader that never gives up on a member: what JSON (or `serde_json`) cannot represent
/// reads as `null` (`NaN`, `Infinity`, numbers out of range, nesting past [`lenient::MAX_DEPTH`]),
/// lone surrogates as U+FFFD, and broken text ends the value where it breaks.
pub(crate) mod lenient {
    use serde_json::{Map, Number, Value};

    /// Deeper nesting reads as `null`.
    pub const MAX_DEPTH: usize = 512;

    pub fn parse(text: &str) -> Value {
        let mut p = P {
            b: text.as_bytes(),
            i: 0,
        };
        p.value(0)
    }

    struct P<'a> {
        b: &'a [u8],
        i: usize,
    }

    impl P<'_> {
        fn ws(&mut self) {
            while matches!(self.b.get(self.i), Some(b' ' | b'\t' | b'\r' | b'\n')) {
                self.i += 1;
            }
        }

        fn value(&mut self, depth: usize) -> Value {
            self.ws();
            match self.b.get(self.i) {
                Some(b'{') => {
                    self.i += 1;
                    let mut m = Map::new();
                    loop {
                        self.ws();
                        match self.b.get(self.i) {
                            Some(b'}') => {
                                self.i += 1;
                                break;
                            }
                            Some(b',') => self.i += 1,
                            Some(b'"') => {
                                let k = self.string();
                                self.ws();
                                if self.b.get(self.i) == Some(&b':') {
                                    self.i += 1;
                                }
                                let v = self.nested(depth);
                                m.insert(k, v);
                            }
                            _ => break,
                        }
                    }
                    Value::Object(m)
                }
                Some(b'[') => {
                    self.i += 1;
                    let mut a = Vec::new();
                    loop {
                        self.ws();
                        match self.b.get(self.i) {
                            Some(b']') => {
                                self.i += 1;
                                break;
                            }
                            Some(b',') => self.i += 1,
                            None => break,
                            _ => {
                                let at = self.i;
                                a.push(self.nested(depth));
                                if self.i == at {
                                    break;
                                }
                            }
                        }
                    }
                    Value::Array(a)
                }
                Some(b'"') => Value::String(self.string()),
                Some(_) => self.scalar(),
                None => Value::Null,
            }
        }

        /// A value one level deeper: past [`MAX_DEPTH`], skipped and read as `null`.
        fn nested(&mut self, depth: usize) -> Value {
            if depth + 1 < MAX_DEPTH {
                return self.value(depth + 1);
            }
            // skip the value without recursing
            let mut level = 0usize;
            while let Some(&c) = self.b.get(self.i) {
                match c {
                    b'"' => {
                        self.string();
                        continue;
                    }
                    b'{' | b'[' => level += 1,
                    b'}' | b']' => {
                        if level == 0 {
                            break;
                        }
                        level -= 1;
                    }
                    b',' if level == 0 => break,
                    _ => {}
                }
                self.i += 1;
            }
            Value::Null
        }

        fn scalar(&mut self) -> Value {
            let start = self.i;
            while let Some(c) = self.b.get(self.i) {
                if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n') {
                    break;
                }
                self.i += 1;
            }
            if self.i == start {
                // a stray delimiter: step over it
                self.i += 1;
                return Value::Null;
            }
            let t = std::str::from_utf8(self.b.get(start..self.i).unwrap_or_default())
                .unwrap_or_default();
            match t {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => {
                    if let Ok(n) = t.parse::<i64>() {
                        Value::Number(n.into())
                    } else if let Ok(n) = t.parse::<u64>() {
                        Value::Number(n.into())
                    } else {
                        t.parse::<f64>()
                            .ok()
                            .and_then(Number::from_f64)
                            .map_or(Value::Null, Value::Number)
                    }
                }
            }
        }

        /// A string at `"`; escapes decoded, lone surrogates as U+FFFD.
        fn string(&mut self) -> String {
            self.i += 1;
            let mut out = String::new();
            let mut units: Vec<u16> = Vec::new();
            let flush = |units: &mut Vec<u16>, out: &mut String| {
                out.extend(char::decode_utf16(units.drain(..)).map(|r| r.unwrap_or('\u{fffd}')));
            };
            while let Some(&c) = self.b.get(self.i) {
                match c {
                    b'"' => {
                        self.i += 1;
                        break;
                    }
                    b'\\' => {
                        let e = self.b.get(self.i + 1).copied().unwrap_or(b'\\');
                        self.i += 2;
                        if e == b'u' {
                            let hex = self
                                .b
                                .get(self.i..self.i + 4)
                                .and_then(|h| std::str::from_utf8(h).ok())
                                .and_then(|h| u16::from_str_radix(h, 16).ok());
                            match hex {
                                Some(u) => {
                                    units.push(u);
                                    self.i += 4;
                                }
                                None => {
                                    flush(&mut units, &mut out);
                                    out.push('\u{fffd}');
                                }
                            }
                            continue;
                        }
                        flush(&mut units, &mut out);
                        out.push(match e {
                            b'n' => '\n',
                            b't' => '\t',
                            b'r' => '\r',
                            b'b' => '\u{8}',
                            b'f' => '\u{c}',
                            other => char::from(other),
                        });
                    }
                    _ => {
                        flush(&mut units, &mut out);
                        // the bytes up to the next quote or escape, as text
                        let start = self.i;
                        while let Some(&d) = self.b.get(self.i) {
                            if d == b'"' || d == b'\\' {
                                break;
                            }
                            self.i += 1;
                        }
                        out.push_str(&String::from_utf8_lossy(
                            self.b.get(start..self.i).unwrap_or_default(),
                        ));
                    }
                }
            }
            flush(&mut units, &mut out);
            out
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn unreadable_values_read_as_what_can_be_read() {
        let deep = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
        for junk in ["NaN", "1e400", "\"\\ud800\"", deep.as_str(), "-Infinity"] {
            let ev = Event::parse(format!(
                r#"{{"eventTime":"2023-07-10T11:42:36Z","eventSource":"iam.amazonaws.com","eventName":"AttachUserPolicy","requestParameters":{{"junk":{junk},"policyArn":"arn:aws:iam::aws:policy/AdministratorAccess","userName":"bob"}}}}"#
            ))
            .unwrap();
            let rp = ev.get("requestParameters").unwrap();
            assert_eq!(
                rp["policyArn"],
                "arn:aws:iam::aws:policy/AdministratorAccess",
                "{}",
                &junk[..junk.len().min(20)]
            );
            assert!(ev.lossy());
        }
        assert_eq!(
            lenient::parse("\"a\\ud800b\""),
            Value::String("a\u{fffd}b".into())
        );
        assert_eq!(
            lenient::parse("\"\\ud83d\\ude00\""),
            Value::String("\u{1f600}".into())
        );
    }

    #[test]
    fn times_round_trip() {
        let t = parse_time_ms("2023-07-10T11:42:36Z").unwrap();
        assert_eq!(t, 1_688_989_356_000);
        assert_eq!(format_time_ms(t), "2023-07-10T11:42:36Z");
        assert_eq!(parse_time_ms("2023-07-10T11:42:36.250Z"), Some(t + 250));
        assert_eq!(parse_time_ms("2023-07-10T20:42:36+09:00"), Some(t));
        assert_eq!(parse_time_ms("yesterday"), None);
        assert_eq!(parse_time_ms("2023-13-10T11:42:36Z"), None);
    }

    #[test]
    fn members_parse_lazily_and_paths_cross_items() {
        let ev = Event::parse(
            r#"{"eventTime":"2023-07-10T11:42:36Z","eventSource":"ec2.amazonaws.com","eventName":"AuthorizeSecurityGroupIngress",
            "requestParameters":{"ipPermissions":{"items":[{"ipRanges":{"items":[{"cidrIp":"10.0.0.0/8"},{"cidrIp":"0.0.0.0/0"}]}}]}}}"#,
        )
        .unwrap();
        let mut seen = vec![];
        ev.visit_path(
            &[
                "requestParameters",
                "ipPermissions",
                "items",
                "ipRanges",
                "items",
                "cidrIp",
            ],
            &mut |v| seen.push(v.as_str().unwrap().to_string()),
        );
        assert_eq!(seen, ["10.0.0.0/8", "0.0.0.0/0"]);
        let mut seen2 = vec![];
        ev.visit_path(
            &["requestParameters", "ipPermissions", "ipRanges", "cidrIp"],
            &mut |v| seen2.push(v.as_str().unwrap().to_string()),
        );
        assert_eq!(seen, seen2);
        assert!(!ev.has_path(&["errorCode"]));
    }

    #[test]
    fn escaped_and_unusual_keys_are_found() {
        let ev = Event::parse(
            r#"{"event\u004eame":"CreateUser","eventSource":"iam.amazonaws.com","eventTime":"2023-07-10T11:42:36Z","a\"b":"x","userAgent":"a\"b"}"#,
        )
        .unwrap();
        assert_eq!(ev.event_name(), "CreateUser");
        assert_eq!(ev.str_field("a\"b"), Some("x"));
        assert_eq!(ev.str_field("userAgent"), Some("a\"b"));
        assert_eq!(ev.lookup_raw(&["userAgent"]), RawLookup::Complex);
        assert_eq!(ev.lookup_raw(&["nothing", "here"]), RawLookup::Missing);
    }

    proptest::proptest! {
        /// The string scanners find what a byte-by-byte search finds, at any offset and
        /// length (past the 16 and 32 bytes where they change method).
        #[test]
        fn quotes_and_escapes_are_found_as_byte_by_byte(
            b in proptest::collection::vec(
                proptest::sample::select(vec![b'a', b'"', b'\\', b'{', 0xe3, b'\n']), 0..90),
            dense in 0usize..4,
            j in 0usize..95,
        ) {
            // mostly plain text, so that long runs without a quote occur
            let b: Vec<u8> = b.iter().enumerate()
                .map(|(k, &c)| if k % 4 < dense { c } else { b'x' })
                .collect();
            let naive = b
                .get(j..)
                .and_then(|r| r.iter().position(|&c| c == b'"' || c == b'\\'))
                .map(|k| j + k);
            proptest::prop_assert_eq!(quote_or_backslash(&b, j), naive);
            proptest::prop_assert_eq!(quote_or_backslash_swar(&b, j), naive);
            // a string opened at `j`: its end and whether it has escapes, as the byte loop
            let mut k = j + 1;
            let mut esc = false;
            let want = loop {
                match b.get(k) {
                    None => break None,
                    Some(b'\\') => {
                        esc = true;
                        k += 2;
                    }
                    Some(b'"') => break Some((k + 1, esc)),
                    Some(_) => k += 1,
                }
            };
            proptest::prop_assert_eq!(skip_string(&b, j), want);
        }
    }

    #[test]
    fn hot_keys_have_their_slots() {
        for (h, k) in HOT.iter().enumerate() {
            assert_eq!(hot_index(k.as_bytes()), Some(h), "{k}");
            // one byte changed, one byte more or less: not hot
            let mut other = k.as_bytes().to_vec();
            other[5] ^= 0x20;
            assert_eq!(hot_index(&other), None, "{k}");
            assert_eq!(hot_index(&k.as_bytes()[1..]), None, "{k}");
            assert_eq!(hot_index(format!("{k}x").as_bytes()), None, "{k}");
        }
        for (f, h) in REQUIRED_FIELDS.iter().zip(REQUIRED_HOT) {
            assert_eq!(HOT[h], *f);
        }
        for k in [
            "eventNamf",
            "eventTimX",
            "errorCodX",
            "userAgenX",
            "awsRegioX",
            "eventTypX",
        ] {
            assert_eq!(hot_index(k.as_bytes()), None, "{k}");
        }
    }

    #[test]
    fn missing_fields_are_named() {
        let e =
            Event::parse(r#"{"eventTime":"2023-07-10T11:42:36Z","eventName":"X"}"#).unwrap_err();
        assert_eq!(e, EventError::MissingField("eventSource"));
        assert!(matches!(Event::parse("[1]"), Err(EventError::NotObject)));
        assert!(matches!(
            Event::parse("{\"a\":"),
            Err(EventError::EndsEarly)
        ));
    }
}
