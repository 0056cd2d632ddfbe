//! Reading CloudTrail records from files and streams (WATCH-03).
//!
//! Accepted shapes, detected from the content (gzip by its magic bytes, not the file name):
//! - CloudTrail's own `{"Records":[…]}` objects (one or several in a row),
//! - JSON arrays of records,
//! - JSON lines (one record per line) and concatenated records.
//!
//! The input is scanned record by record: only the record being parsed is held in memory, so
//! memory does not grow with the input. A record that cannot be used (a line that is not JSON, a
//! record missing `eventTime`/`eventSource`/`eventName`) is reported with its file and position
//! and the scan goes on; a truncated gzip stream or file ends that file with an error after every
//! complete record before the damage has been returned.

use crate::event::{scan_object, Event, EventError, Origin, ScanFail};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Largest record accepted (CloudTrail's own limit is far below).
pub const MAX_RECORD_BYTES: usize = 64 << 20;

/// A position in an input: the record index (from 0), the line (from 1) and the byte offset
/// (from 0, in the decompressed stream) where the record or problem starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Position {
    pub record: u64,
    pub line: u64,
    pub byte: u64,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "record {} (line {}, byte {})",
            self.record, self.line, self.byte
        )
    }
}

impl Position {
    /// The position in Japanese.
    pub fn ja(&self) -> String {
        format!(
            "レコード {}(行 {}、バイト {})",
            self.record, self.line, self.byte
        )
    }
}

/// What went wrong at a position.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadErrorKind {
    #[error("cannot read: {0}")]
    Io(io::Error),
    #[error("gzip stream is truncated or corrupt: {0}")]
    Gzip(io::Error),
    #[error("input ends inside a record (truncated)")]
    Truncated,
    #[error("expected a record object, found `{0}`")]
    NotRecord(String),
    #[error("the line is not complete JSON")]
    BrokenLine,
    #[error("{0}")]
    Event(EventError),
    /// An entry the folder walk did not list (a FIFO, a link out of the folder, a budget).
    #[error("cannot read: {0}")]
    Unlisted(crate::walk::Why),
}

/// A problem in one input, with the file (or key) and position.
#[derive(Debug, thiserror::Error)]
#[error("`{file}` {pos}: {kind}")]
pub struct ReadError {
    pub file: Arc<str>,
    pub pos: Position,
    pub kind: ReadErrorKind,
}

impl ReadErrorKind {
    /// The error in Japanese; the system's message and the input's text quoted as they are.
    pub fn ja(&self) -> String {
        match self {
            ReadErrorKind::Io(e) => format!("読み取れません:「{e}」"),
            ReadErrorKind::Gzip(e) => {
                format!("gzip ストリームが途中で切れているか壊れています:「{e}」")
            }
            ReadErrorKind::Truncated => {
                "レコードの途中で入力が終わっています(途中で切れています)".to_string()
            }
            ReadErrorKind::NotRecord(found) => {
                format!("レコードのオブジェクトがあるはずの位置に `{found}` があります")
            }
            ReadErrorKind::BrokenLine => "行が完全な JSON ではありません".to_string(),
            ReadErrorKind::Event(e) => e.ja(),
            ReadErrorKind::Unlisted(why) => why.ja(),
        }
    }
}

impl ReadError {
    /// The error in Japanese (the file named as in English).
    pub fn ja(&self) -> String {
        format!("`{}` {}: {}", self.file, self.pos.ja(), self.kind.ja())
    }

    /// The error in English and Japanese.
    pub fn text(&self) -> yagura_core::Text {
        yagura_core::Text::owned(self.to_string(), self.ja())
    }

    /// True when the error ended the file (later records of that file were not read).
    pub fn is_fatal(&self) -> bool {
        matches!(
            self.kind,
            ReadErrorKind::Io(_) | ReadErrorKind::Gzip(_) | ReadErrorKind::Truncated
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Top,
    /// Inside an array of records; `wrapper` when the array is the value of `Records`.
    Array {
        wrapper: bool,
    },
    Done,
}

enum Capture {
    Complete,
    Eof,
    /// A line ended inside a record read as JSON lines: the record is broken, the scan resumes
    /// at the start of the next line.
    BrokenLine,
    TooLarge,
}

const CHUNK: usize = 64 << 10;

/// Splits a byte stream into record texts; see the module documentation.
pub struct RecordScanner<R> {
    inner: R,
    name: Arc<str>,
    gzip: bool,
    chunk: Vec<u8>,
    pos: usize,
    len: usize,
    eof: bool,
    /// Bytes consumed before `chunk[0]`.
    base: u64,
    line: u64,
    /// True when the last consumed byte was a newline (or nothing was consumed).
    at_line_start: bool,
    record: u64,
    state: State,
    buf: Vec<u8>,
}

impl<R: Read> RecordScanner<R> {
    /// A scanner over an uncompressed stream; `name` names the input in errors.
    pub fn new(name: impl Into<Arc<str>>, inner: R) -> Self {
        RecordScanner {
            inner,
            name: name.into(),
            gzip: false,
            chunk: spare_chunk(),
            pos: 0,
            len: 0,
            eof: false,
            base: 0,
            line: 1,
            at_line_start: true,
            record: 0,
            state: State::Top,
            buf: Vec::with_capacity(4096),
        }
    }

    fn here(&self) -> Position {
        Position {
            record: self.record,
            line: self.line,
            byte: self.base + self.pos as u64,
        }
    }

    fn err(&self, pos: Position, kind: ReadErrorKind) -> ReadError {
        ReadError {
            file: self.name.clone(),
            pos,
            kind,
        }
    }

    fn io_err(&self, e: io::Error) -> ReadError {
        let kind = if self.gzip {
            ReadErrorKind::Gzip(e)
        } else {
            ReadErrorKind::Io(e)
        };
        self.err(self.here(), kind)
    }

    /// Makes at least `want` bytes available (fewer at end of input).
    fn fill(&mut self, want: usize) -> io::Result<usize> {
        if self.len - self.pos >= want || self.eof {
            return Ok(self.len - self.pos);
        }
        if self.pos > 0 {
            self.chunk.copy_within(self.pos..self.len, 0);
            self.base += self.pos as u64;
            self.len -= self.pos;
            self.pos = 0;
        }
        if self.chunk.len() < want.max(CHUNK) {
            self.chunk.resize(want.max(CHUNK), 0);
        }
        while self.len < want && !self.eof {
            let Some(dst) = self.chunk.get_mut(self.len..) else {
                break;
            };
            match self.inner.read(dst) {
                Ok(0) => self.eof = true,
                Ok(n) => self.len += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.eof = true;
                    return Err(e);
                }
            }
        }
        Ok(self.len - self.pos)
    }

    fn peek(&mut self) -> io::Result<Option<u8>> {
        if self.pos >= self.len {
            self.fill(1)?;
        }
        Ok(self
            .chunk
            .get(self.pos)
            .copied()
            .filter(|_| self.pos < self.len))
    }

    fn bump(&mut self) {
        if let Some(&b) = self.chunk.get(self.pos) {
            self.pos += 1;
            self.at_line_start = b == b'\n';
            if b == b'\n' {
                self.line += 1;
            }
        }
    }

    fn skip_ws(&mut self) -> io::Result<Option<u8>> {
        loop {
            match self.peek()? {
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.bump(),
                // a UTF-8 byte order mark at the start
                Some(0xEF) if self.base + self.pos as u64 == 0 => {
                    self.fill(3)?;
                    // within the bytes read: the buffer, reused from another input, may hold
                    // stale bytes past them
                    let head = self.chunk.get(self.pos..self.len).unwrap_or_default();
                    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
                        self.pos += 3;
                    } else {
                        return Ok(Some(0xEF));
                    }
                }
                other => return Ok(other),
            }
        }
    }

    fn skip_line(&mut self) -> io::Result<()> {
        while let Some(b) = self.peek()? {
            self.bump();
            if b == b'\n' {
                break;
            }
        }
        Ok(())
    }

    /// True when the next bytes are `{ "Records" : [` (whitespace allowed).
    fn at_records_wrapper(&mut self) -> io::Result<bool> {
        self.fill(512)?;
        let avail = self.chunk.get(self.pos..self.len).unwrap_or_default();
        let mut it = avail.iter().copied().peekable();
        let expect = |it: &mut std::iter::Peekable<std::iter::Copied<std::slice::Iter<u8>>>,
                      lit: &[u8]|
         -> bool {
            while matches!(it.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
                it.next();
            }
            lit.iter().all(|c| it.next() == Some(*c))
        };
        Ok(expect(&mut it, b"{")
            && expect(&mut it, b"\"Records\"")
            && expect(&mut it, b":")
            && expect(&mut it, b"["))
    }

    /// Consumes `{ "Records" : [` (known to be there).
    fn consume_wrapper_head(&mut self) -> io::Result<()> {
        while let Some(b) = self.peek()? {
            self.bump();
            if b == b'[' {
                break;
            }
        }
        Ok(())
    }

    /// Copies one JSON value starting at the current byte into `buf` (or discards it when
    /// `keep` is false). `lines` turns on the JSON-lines checks.
    fn capture(&mut self, keep: bool, lines: bool, start_depth: u32) -> io::Result<Capture> {
        self.buf.clear();
        let mut depth: u32 = start_depth;
        let mut in_str = false;
        let mut esc = false;
        let mut scalar = false;
        let mut too_large = false;
        let mut after_nl = false;
        loop {
            if self.pos >= self.len && self.fill(1)? == 0 {
                return Ok(if scalar && depth == 0 {
                    Capture::Complete
                } else {
                    Capture::Eof
                });
            }
            let start = self.pos;
            let mut i = start;
            let end = self.len;
            let mut done: Option<Capture> = None;
            let bytes = self.chunk.get(..end).unwrap_or_default();
            let mut newlines = 0u64;
            while i < end {
                if in_str && !esc {
                    // fast forward to the next interesting byte in a string
                    match memchr::memchr3(b'"', b'\\', b'\n', bytes.get(i..).unwrap_or_default()) {
                        Some(off) => i += off,
                        None => {
                            i = end;
                            break;
                        }
                    }
                }
                let b = bytes.get(i).copied().unwrap_or(0);
                i += 1;
                if after_nl {
                    after_nl = false;
                    if lines && depth > 0 && b == b'{' && !in_str {
                        // a new record at the start of a line: the previous one was cut short
                        i -= 1;
                        done = Some(Capture::BrokenLine);
                        break;
                    }
                }
                if in_str {
                    if esc {
                        esc = false;
                        if b == b'\n' {
                            newlines += 1;
                        }
                        continue;
                    }
                    match b {
                        b'"' => in_str = false,
                        b'\\' => esc = true,
                        b'\n' => {
                            newlines += 1;
                            if lines {
                                done = Some(Capture::BrokenLine);
                                break;
                            }
                        }
                        _ => {}
                    }
                    continue;
                }
                if scalar && depth == 0 {
                    if matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n') {
                        i -= 1;
                        done = Some(Capture::Complete);
                        break;
                    }
                    continue;
                }
                match b {
                    b'"' => {
                        in_str = true;
                        if depth == 0 {
                            scalar = true;
                        }
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            done = Some(Capture::Complete);
                            break;
                        }
                    }
                    b'\n' => {
                        newlines += 1;
                        after_nl = true;
                        if lines && depth == 0 {
                            i -= 1;
                            done = Some(Capture::Complete);
                            break;
                        }
                    }
                    _ => {
                        if depth == 0 {
                            scalar = true;
                        }
                    }
                }
            }
            let taken = bytes.get(start..i).unwrap_or_default();
            if keep && !too_large {
                if self.buf.len() + taken.len() > MAX_RECORD_BYTES {
                    too_large = true;
                    self.buf.clear();
                } else {
                    self.buf.extend_from_slice(taken);
                }
            }
            if let Some(&last) = taken.last() {
                self.at_line_start = last == b'\n';
            }
            self.line += newlines;
            self.pos = i;
            if let Some(d) = done {
                if too_large && matches!(d, Capture::Complete) {
                    return Ok(Capture::TooLarge);
                }
                return Ok(d);
            }
        }
    }

    /// The next record text with its position, or an error; `None` at the end of input.
    pub fn next_record(&mut self) -> Option<Result<(Position, &str), ReadError>> {
        loop {
            match self.step() {
                Ok(Step::Record(pos)) => {
                    return Some(match std::str::from_utf8(&self.buf) {
                        Ok(s) => Ok((pos, s)),
                        Err(e) => Err(ReadError {
                            file: self.name.clone(),
                            pos,
                            kind: ReadErrorKind::Event(EventError::Utf8(e)),
                        }),
                    })
                }
                Ok(Step::Continue) => continue,
                Ok(Step::End) => return None,
                Err(e) => return Some(Err(e)),
            }
        }
    }

    fn step(&mut self) -> Result<Step, ReadError> {
        match self.state {
            State::Done => Ok(Step::End),
            State::Top => {
                let b = match self.skip_ws() {
                    Ok(Some(b)) => b,
                    Ok(None) => {
                        self.state = State::Done;
                        return Ok(Step::End);
                    }
                    Err(e) => {
                        self.state = State::Done;
                        return Err(self.io_err(e));
                    }
                };
                match b {
                    b'[' => {
                        self.bump();
                        self.state = State::Array { wrapper: false };
                        Ok(Step::Continue)
                    }
                    b'{' => {
                        let wrapper = self.at_records_wrapper().map_err(|e| self.io_err(e));
                        if wrapper? {
                            self.consume_wrapper_head().map_err(|e| self.io_err(e))?;
                            self.state = State::Array { wrapper: true };
                            return Ok(Step::Continue);
                        }
                        let pos = self.here();
                        let lines = self.at_line_start;
                        self.record_capture(pos, lines)
                    }
                    _ => {
                        let pos = self.here();
                        let found = self.preview();
                        self.skip_line().map_err(|e| self.io_err(e))?;
                        self.record += 1;
                        Err(self.err(pos, ReadErrorKind::NotRecord(found)))
                    }
                }
            }
            State::Array { wrapper } => {
                let b = match self.skip_ws() {
                    Ok(Some(b)) => b,
                    Ok(None) => {
                        self.state = State::Done;
                        return Err(self.err(self.here(), ReadErrorKind::Truncated));
                    }
                    Err(e) => {
                        self.state = State::Done;
                        return Err(self.io_err(e));
                    }
                };
                match b {
                    b',' => {
                        self.bump();
                        Ok(Step::Continue)
                    }
                    b']' => {
                        self.bump();
                        if wrapper {
                            // the rest of the `{"Records":[…] …}` object
                            match self.capture(false, false, 1) {
                                Ok(Capture::Complete) => {}
                                Ok(_) => {
                                    self.state = State::Done;
                                    return Err(self.err(self.here(), ReadErrorKind::Truncated));
                                }
                                Err(e) => {
                                    self.state = State::Done;
                                    return Err(self.io_err(e));
                                }
                            }
                        }
                        self.state = State::Top;
                        Ok(Step::Continue)
                    }
                    b'{' => {
                        let pos = self.here();
                        self.record_capture(pos, false)
                    }
                    _ => {
                        let pos = self.here();
                        let found = self.preview();
                        match self.capture(false, false, 0) {
                            Ok(Capture::Complete) => {}
                            Ok(_) => self.state = State::Done,
                            Err(e) => {
                                self.state = State::Done;
                                return Err(self.io_err(e));
                            }
                        }
                        self.record += 1;
                        Err(self.err(pos, ReadErrorKind::NotRecord(found)))
                    }
                }
            }
        }
    }

    fn record_capture(&mut self, pos: Position, lines: bool) -> Result<Step, ReadError> {
        match self.capture(true, lines, 0) {
            Ok(Capture::Complete) => {
                self.record += 1;
                Ok(Step::Record(pos))
            }
            Ok(Capture::BrokenLine) => {
                self.record += 1;
                if self.peek().ok().flatten() != Some(b'{') {
                    let _ = self.skip_line();
                }
                Err(self.err(pos, ReadErrorKind::BrokenLine))
            }
            Ok(Capture::TooLarge) => {
                self.record += 1;
                Err(self.err(
                    pos,
                    ReadErrorKind::Event(EventError::TooLarge(MAX_RECORD_BYTES)),
                ))
            }
            Ok(Capture::Eof) => {
                self.state = State::Done;
                Err(self.err(pos, ReadErrorKind::Truncated))
            }
            Err(e) => {
                self.state = State::Done;
                Err(self.io_err(e))
            }
        }
    }

    /// Inside an array, parses the next record object in place (one pass, no copy of the
    /// structure). `None` hands over to the general path (end of array, odd input, errors).
    fn fast_record(&mut self) -> Option<Result<(Position, Event), ReadError>> {
        if !matches!(self.state, State::Array { .. }) {
            return None;
        }
        loop {
            match self.skip_ws() {
                Ok(Some(b',')) => self.bump(),
                Ok(Some(b'{')) => break,
                _ => return None,
            }
        }
        let pos = self.here();
        loop {
            let avail = self.chunk.get(self.pos..self.len).unwrap_or_default();
            match scan_object(avail) {
                Ok((members, hot, end, owned)) => {
                    let bytes = avail.get(..end).unwrap_or_default();
                    let text = std::str::from_utf8(bytes).ok()?;
                    // most records are one line: finding no newline is cheaper than counting
                    let newlines = match memchr::memchr(b'\n', bytes) {
                        None => 0,
                        Some(k) => memchr::memchr_iter(b'\n', bytes.get(k..).unwrap_or_default())
                            .count() as u64,
                    };
                    let raw = crate::event::pooled_text(text);
                    self.pos += end;
                    self.line += newlines;
                    self.at_line_start = false;
                    self.record += 1;
                    return Some(
                        Event::from_parts(raw, members, hot, owned)
                            .map(|ev| (pos, ev))
                            .map_err(|e| self.err(pos, ReadErrorKind::Event(e))),
                    );
                }
                Err(ScanFail::Incomplete) => {
                    let have = avail.len();
                    if self.eof || have >= MAX_RECORD_BYTES {
                        return None;
                    }
                    match self.fill((have * 2).max(CHUNK)) {
                        Ok(n) if n > have => {}
                        Ok(_) => return None,
                        Err(e) => {
                            self.state = State::Done;
                            return Some(Err(self.io_err(e)));
                        }
                    }
                }
                Err(ScanFail::Bad(..)) => return None,
            }
        }
    }

    fn preview(&mut self) -> String {
        let _ = self.fill(24);
        let avail = self.chunk.get(self.pos..self.len).unwrap_or_default();
        let line = avail.split(|&b| b == b'\n').next().unwrap_or_default();
        let s = String::from_utf8_lossy(line.get(..line.len().min(24)).unwrap_or_default());
        s.trim_end().to_string()
    }
}

thread_local! {
    /// Scanner buffers of finished inputs, reused by the next input on the same thread so that
    /// reading many files does not fragment the heap.
    static SPARE: std::cell::RefCell<Vec<Vec<u8>>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn spare_chunk() -> Vec<u8> {
    SPARE
        .with(|s| s.borrow_mut().pop())
        .filter(|c| c.len() >= CHUNK)
        .unwrap_or_else(|| vec![0; CHUNK])
}

fn give_back(chunk: Vec<u8>) {
    if chunk.len() >= CHUNK && chunk.len() <= 4 * CHUNK {
        SPARE.with(|s| {
            let mut s = s.borrow_mut();
            if s.len() < 4 {
                s.push(chunk);
            }
        });
    }
}

impl<R> Drop for RecordScanner<R> {
    fn drop(&mut self) {
        give_back(std::mem::take(&mut self.chunk));
    }
}

enum Step {
    Record(Position),
    Continue,
    End,
}

/// The events of one input stream, gzip or not.
pub struct EventReader<R> {
    scanner: RecordScanner<Box<dyn Read + Send>>,
    skip: u64,
    _r: std::marker::PhantomData<R>,
}

impl<R: Read + Send + 'static> EventReader<R> {
    /// Reads `inner`, decompressing it when it starts with the gzip magic bytes.
    pub fn new(name: impl Into<Arc<str>>, inner: R) -> Self {
        let name = name.into();
        let mut peeked = Peeked::new(inner);
        let gzip = peeked.starts_with(&[0x1f, 0x8b]);
        let boxed: Box<dyn Read + Send> = if gzip {
            Box::new(flate2::bufread::MultiGzDecoder::new(PooledBufReader::new(
                peeked,
            )))
        } else {
            Box::new(peeked)
        };
        let mut scanner = RecordScanner::new(name, boxed);
        scanner.gzip = gzip;
        EventReader {
            scanner,
            skip: 0,
            _r: std::marker::PhantomData,
        }
    }

    /// Skips the first `n` records (resuming from a checkpoint).
    pub fn skip_records(mut self, n: u64) -> Self {
        self.skip = n;
        self
    }
}

impl<R> Iterator for EventReader<R> {
    type Item = Result<Event, ReadError>;
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let name = self.scanner.name.clone();
            if let Some(fast) = self.scanner.fast_record() {
                match fast {
                    Ok((pos, mut ev)) => {
                        if pos.record < self.skip {
                            continue;
                        }
                        ev.origin = Some(Origin {
                            key: name,
                            index: pos.record,
                        });
                        return Some(Ok(ev));
                    }
                    Err(e) => {
                        if e.pos.record < self.skip && !e.is_fatal() {
                            continue;
                        }
                        return Some(Err(e));
                    }
                }
            }
            let (pos, text) = match self.scanner.next_record()? {
                Ok(x) => x,
                Err(e) => {
                    if e.pos.record < self.skip && !e.is_fatal() {
                        continue;
                    }
                    return Some(Err(e));
                }
            };
            if pos.record < self.skip {
                continue;
            }
            return Some(match Event::parse(text) {
                Ok(mut ev) => {
                    ev.origin = Some(Origin {
                        key: name,
                        index: pos.record,
                    });
                    Ok(ev)
                }
                Err(e) => Err(ReadError {
                    file: name,
                    pos,
                    kind: ReadErrorKind::Event(e),
                }),
            });
        }
    }
}

/// A buffered reader whose buffer comes from (and goes back to) the thread's pool of scanner
/// buffers: reading thousands of gzip files does not leave a trail of freed buffers behind.
struct PooledBufReader<R> {
    inner: R,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
}

impl<R: Read> PooledBufReader<R> {
    fn new(inner: R) -> Self {
        PooledBufReader {
            inner,
            buf: spare_chunk(),
            pos: 0,
            len: 0,
        }
    }
}

impl<R> Drop for PooledBufReader<R> {
    fn drop(&mut self) {
        give_back(std::mem::take(&mut self.buf));
    }
}

impl<R: Read> Read for PooledBufReader<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let avail = io::BufRead::fill_buf(self)?;
        let n = avail.len().min(out.len());
        out.get_mut(..n)
            .unwrap_or_default()
            .copy_from_slice(avail.get(..n).unwrap_or_default());
        io::BufRead::consume(self, n);
        Ok(n)
    }
}

impl<R: Read> io::BufRead for PooledBufReader<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos >= self.len {
            self.len = self.inner.read(&mut self.buf)?;
            self.pos = 0;
        }
        Ok(self.buf.get(self.pos..self.len).unwrap_or_default())
    }
    fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.len);
    }
}

/// A reader that can look at its first bytes without losing them.
struct Peeked<R> {
    head: Vec<u8>,
    at: usize,
    inner: R,
    err: Option<io::Error>,
}

impl<R: Read> Peeked<R> {
    fn new(inner: R) -> Self {
        Peeked {
            head: Vec::new(),
            at: 0,
            inner,
            err: None,
        }
    }
    fn starts_with(&mut self, magic: &[u8]) -> bool {
        let mut buf = [0u8; 8];
        while self.head.len() < magic.len() {
            match self.inner.read(&mut buf[..magic.len() - self.head.len()]) {
                Ok(0) => break,
                Ok(n) => self
                    .head
                    .extend_from_slice(buf.get(..n).unwrap_or_default()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.err = Some(e);
                    break;
                }
            }
        }
        self.head.starts_with(magic)
    }
}

impl<R: Read> Read for Peeked<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if let Some(e) = self.err.take() {
            return Err(e);
        }
        if self.at < self.head.len() {
            let rest = self.head.get(self.at..).unwrap_or_default();
            let n = rest.len().min(out.len());
            out.get_mut(..n)
                .unwrap_or_default()
                .copy_from_slice(rest.get(..n).unwrap_or_default());
            self.at += n;
            return Ok(n);
        }
        self.inner.read(out)
    }
}

/// Reads events from any reader (gzip detected from the content).
pub fn read_stream<R: Read + Send + 'static>(
    name: impl Into<Arc<str>>,
    inner: R,
) -> EventReader<R> {
    EventReader::new(name, inner)
}

/// Where an object key sits in CloudTrail's layout
/// `AWSLogs/[<org-id>/]<account>/CloudTrail/<region>/YYYY/MM/DD/<file>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyInfo {
    pub org_id: Option<String>,
    pub account: String,
    pub region: String,
    pub date: String,
    /// The key up to and including the region: one ordered stream of objects.
    pub stream: String,
}

impl KeyInfo {
    /// Parses a key (or path); `None` when it is not in CloudTrail's layout.
    pub fn parse(key: &str) -> Option<KeyInfo> {
        let idx = key.find("AWSLogs/")?;
        let rest = key.get(idx + "AWSLogs/".len()..)?;
        let parts: Vec<&str> = rest.split('/').collect();
        let (org_id, p) = match parts.first() {
            Some(first) if first.starts_with("o-") => (Some(first.to_string()), parts.get(1..)?),
            _ => (None, &parts[..]),
        };
        let [account, kind, region, y, m, d, ..] = p else {
            return None;
        };
        if *kind != "CloudTrail" || !account.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let prefix_len = key.len() - rest.len()
            + org_id.as_ref().map_or(0, |o| o.len() + 1)
            + account.len()
            + kind.len()
            + region.len()
            + 3;
        Some(KeyInfo {
            org_id,
            account: account.to_string(),
            region: region.to_string(),
            date: format!("{y}-{m}-{d}"),
            stream: key.get(..prefix_len.min(key.len()))?.to_string(),
        })
    }
}

/// How far one stream of objects has been read: every object with a key below `key` and the
/// first `records` records of `key` (all of them when `complete`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub key: String,
    pub records: u64,
    pub complete: bool,
}

/// What is left to read of an object, given the checkpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resume {
    /// Already read: skip the object.
    Skip,
    /// Read it, skipping its first `n` records.
    From(u64),
}

/// Checkpoints per stream (`AWSLogs/…/CloudTrail/<region>/`, or the whole key space for keys
/// outside the layout). CloudTrail's keys sort by time within one stream, not across regions,
/// so one position per stream is what makes a restarted run neither skip nor repeat.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoints {
    pub streams: BTreeMap<String, Checkpoint>,
}

impl Checkpoints {
    pub fn stream_of(key: &str) -> String {
        KeyInfo::parse(key).map(|k| k.stream).unwrap_or_default()
    }

    /// What to read of `key`.
    pub fn resume(&self, key: &str) -> Resume {
        match self.streams.get(&Self::stream_of(key)) {
            None => Resume::From(0),
            Some(cp) => match key.cmp(cp.key.as_str()) {
                std::cmp::Ordering::Less => Resume::Skip,
                std::cmp::Ordering::Equal if cp.complete => Resume::Skip,
                std::cmp::Ordering::Equal => Resume::From(cp.records),
                std::cmp::Ordering::Greater => Resume::From(0),
            },
        }
    }

    /// Records that the first `records` records of `key` have been processed.
    pub fn advance(&mut self, key: &str, records: u64, complete: bool) {
        self.streams.insert(
            Self::stream_of(key),
            Checkpoint {
                key: key.to_string(),
                records,
                complete,
            },
        );
    }
}

/// The CloudTrail files below `root` (or `root` itself), sorted by path, and every entry that
/// could not be listed (an unreadable folder, a FIFO or device, a link out of the folder), as
/// errors: the rest is still listed. Digest and Insight files and hidden entries are left out.
/// See [`crate::walk`] for what the walk guards against.
pub fn list_files(root: &Path) -> (Vec<PathBuf>, Vec<ReadError>) {
    let accept = |name: &str, is_dir: bool| {
        !(name.starts_with('.')
            || name.contains("CloudTrail-Digest")
            || name.contains("CloudTrail-Insight"))
            && (is_dir || is_log_name(name))
    };
    let w = crate::walk::walk(root, &crate::walk::Limits::default(), &accept);
    let errors = w
        .errors
        .into_iter()
        .map(|e| ReadError {
            file: e.path.display().to_string().into(),
            pos: Position::default(),
            kind: match e.io {
                Some(io) => ReadErrorKind::Io(io),
                None => ReadErrorKind::Unlisted(e.why),
            },
        })
        .collect();
    (w.files, errors)
}

pub(crate) fn is_log_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        ".json",
        ".json.gz",
        ".jsonl",
        ".jsonl.gz",
        ".ndjson",
        ".gz",
        ".log",
    ]
    .iter()
    .any(|ext| n.ends_with(ext))
}

/// The events of every file at `path` (a file or a directory tree), file after file.
pub struct PathEvents {
    files: std::vec::IntoIter<PathBuf>,
    current: Option<EventReader<File>>,
    pending: std::vec::IntoIter<ReadError>,
    checkpoints: Option<Checkpoints>,
    /// Key (path) of the file being read.
    pub current_key: Option<Arc<str>>,
}

impl PathEvents {
    /// Resumes after `checkpoints`: files already read are skipped, a partly read one resumes
    /// after its last processed record. Keys are the paths as listed.
    pub fn resume(mut self, checkpoints: Checkpoints) -> Self {
        self.checkpoints = Some(checkpoints);
        self
    }
}

/// Reads every CloudTrail file at `path`; errors are items, and the rest is still read.
pub fn read_path(path: &Path) -> PathEvents {
    let (files, pending) = list_files(path);
    PathEvents {
        files: files.into_iter(),
        current: None,
        pending: pending.into_iter(),
        checkpoints: None,
        current_key: None,
    }
}

/// Opens one file (gzip or not) as an event reader.
pub fn open_file(path: &Path) -> Result<EventReader<File>, ReadError> {
    let name: Arc<str> = path.display().to_string().into();
    let f = crate::walk::open_regular(path).map_err(|e| ReadError {
        file: name.clone(),
        pos: Position::default(),
        kind: ReadErrorKind::Io(e),
    })?;
    Ok(EventReader::new(name, f))
}

impl Iterator for PathEvents {
    type Item = Result<Event, ReadError>;
    fn next(&mut self) -> Option<Self::Item> {
        if let Some(e) = self.pending.next() {
            return Some(Err(e));
        }
        loop {
            if let Some(cur) = self.current.as_mut() {
                match cur.next() {
                    Some(item) => return Some(item),
                    None => self.current = None,
                }
            }
            let path = self.files.next()?;
            let key: Arc<str> = path.display().to_string().into();
            let skip = match self.checkpoints.as_ref().map(|c| c.resume(&key)) {
                Some(Resume::Skip) => continue,
                Some(Resume::From(n)) => n,
                None => 0,
            };
            self.current_key = Some(key);
            match open_file(&path) {
                Ok(r) => self.current = Some(r.skip_records(skip)),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}
