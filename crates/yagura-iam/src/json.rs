//! A small JSON reader that keeps the line and column of every value, so that policy errors can
//! point at the offending element. Nesting is limited to [`MAX_DEPTH`] levels and the reader
//! never recurses deeper than that, so hostile documents cannot overflow the stack.

use std::fmt;

/// The deepest nesting of arrays and objects accepted. IAM policies need at most 5.
pub const MAX_DEPTH: usize = 64;

/// A position in the input: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// A JSON value with the position where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Json {
    pub pos: Pos,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// The number as written (policies treat numbers as strings).
    Number(String),
    String(String),
    Array(Vec<Json>),
    /// Members in document order, with the position of each key.
    Object(Vec<(String, Pos, Json)>),
}

impl Value {
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

/// A syntax error with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub pos: Pos,
    pub message: String,
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    line: usize,
    line_start: usize,
    /// The last computed column: (byte offset, column in characters), so that positions on one
    /// long line cost linear time overall.
    col_cache: std::cell::Cell<(usize, usize)>,
}

/// Parses a complete JSON document.
pub fn parse(input: &str) -> Result<Json, SyntaxError> {
    let mut r = Reader {
        bytes: input.as_bytes(),
        at: 0,
        line: 1,
        line_start: 0,
        col_cache: std::cell::Cell::new((0, 1)),
    };
    // A leading byte order mark is tolerated.
    if input.starts_with('\u{feff}') {
        r.at = 3;
        r.line_start = 3;
        r.col_cache.set((3, 1));
    }
    r.skip_ws();
    let v = r.value(0)?;
    r.skip_ws();
    if r.at < r.bytes.len() {
        return Err(r.err("unexpected characters after the JSON value"));
    }
    Ok(v)
}

impl Reader<'_> {
    fn pos(&self) -> Pos {
        let (mut from, mut column) = self.col_cache.get();
        if from < self.line_start || from > self.at {
            from = self.line_start;
            column = 1;
        }
        let bytes = self.bytes.get(from..self.at).unwrap_or_default();
        // Columns count characters, not bytes.
        column += bytes.iter().filter(|b| (**b & 0xC0) != 0x80).count();
        self.col_cache.set((self.at, column));
        Pos {
            line: self.line,
            column,
        }
    }

    fn err(&self, message: &str) -> SyntaxError {
        SyntaxError {
            pos: self.pos(),
            message: message.to_string(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\r' => self.at += 1,
                b'\n' => {
                    self.at += 1;
                    self.line += 1;
                    self.line_start = self.at;
                }
                _ => break,
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, SyntaxError> {
        let pos = self.pos();
        let value = match self.peek() {
            None => return Err(self.err("unexpected end of input, expected a value")),
            Some(b'{') => {
                if depth >= MAX_DEPTH {
                    return Err(self.err(&format!("nesting deeper than {MAX_DEPTH} levels")));
                }
                self.at += 1;
                self.object(depth + 1)?
            }
            Some(b'[') => {
                if depth >= MAX_DEPTH {
                    return Err(self.err(&format!("nesting deeper than {MAX_DEPTH} levels")));
                }
                self.at += 1;
                self.array(depth + 1)?
            }
            Some(b'"') => Value::String(self.string()?),
            Some(b't') => {
                self.literal("true")?;
                Value::Bool(true)
            }
            Some(b'f') => {
                self.literal("false")?;
                Value::Bool(false)
            }
            Some(b'n') => {
                self.literal("null")?;
                Value::Null
            }
            Some(b'-' | b'0'..=b'9') => Value::Number(self.number()?),
            Some(_) => return Err(self.err("expected a value")),
        };
        Ok(Json { pos, value })
    }

    fn literal(&mut self, word: &str) -> Result<(), SyntaxError> {
        if self.bytes.get(self.at..self.at + word.len()) == Some(word.as_bytes()) {
            self.at += word.len();
            Ok(())
        } else {
            Err(self.err("expected a value"))
        }
    }

    fn number(&mut self) -> Result<String, SyntaxError> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        let digits = |r: &mut Self| {
            let s = r.at;
            while matches!(r.peek(), Some(b'0'..=b'9')) {
                r.at += 1;
            }
            r.at > s
        };
        if !digits(self) {
            return Err(self.err("invalid number"));
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if !digits(self) {
                return Err(self.err("invalid number"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if !digits(self) {
                return Err(self.err("invalid number"));
            }
        }
        let text = self.bytes.get(start..self.at).unwrap_or_default();
        Ok(String::from_utf8_lossy(text).into_owned())
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(b) if b.is_ascii_hexdigit() => (b as char).to_digit(16).unwrap_or(0),
                _ => return Err(self.err("invalid unicode escape")),
            };
            v = v * 16 + d;
            self.at += 1;
        }
        Ok(v)
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        self.at += 1; // opening quote
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(b) = self.peek() else {
                return Err(self.err("unterminated string"));
            };
            match b {
                b'"' => {
                    self.at += 1;
                    break;
                }
                b'\\' => {
                    self.at += 1;
                    let Some(e) = self.peek() else {
                        return Err(self.err("unterminated string"));
                    };
                    self.at += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            if (0xD800..0xDC00).contains(&hi) {
                                if self.bytes.get(self.at..self.at + 2) != Some(b"\\u") {
                                    return Err(self.err("unpaired surrogate in unicode escape"));
                                }
                                self.at += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(self.err("unpaired surrogate in unicode escape"));
                                }
                                let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                char::from_u32(cp).unwrap_or('\u{fffd}')
                            } else {
                                match char::from_u32(hi) {
                                    Some(c) => c,
                                    None => {
                                        return Err(self.err("unpaired surrogate in unicode escape"))
                                    }
                                }
                            }
                        }
                        _ => {
                            self.at -= 1;
                            return Err(self.err("invalid escape in string"));
                        }
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                0x00..=0x1F => return Err(self.err("control character in string")),
                _ => {
                    out.push(b);
                    self.at += 1;
                }
            }
        }
        // The input is a &str, so the bytes between quotes are valid UTF-8.
        String::from_utf8(out).map_err(|_| self.err("invalid utf-8 in string"))
    }

    fn array(&mut self, depth: usize) -> Result<Value, SyntaxError> {
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Value::Array(items));
                }
                None => return Err(self.err("unexpected end of input, expected `,` or `]`")),
                Some(_) => return Err(self.err("expected `,` or `]`")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, SyntaxError> {
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_ws();
            let kpos = self.pos();
            if self.peek() != Some(b'"') {
                return Err(self.err("expected a string key"));
            }
            let key = self.string()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.err("expected `:` after key"));
            }
            self.at += 1;
            self.skip_ws();
            let v = self.value(depth)?;
            members.push((key, kpos, v));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Value::Object(members));
                }
                None => return Err(self.err("unexpected end of input, expected `,` or `}`")),
                Some(_) => return Err(self.err("expected `,` or `}`")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    #[test]
    fn positions_are_line_and_column() {
        let e = parse("{\n  \"a\": [1,\n  tru]\n}").unwrap_err();
        assert_eq!(e.pos, Pos { line: 3, column: 3 });
        let v = parse("{\"é\": \"x\"}").unwrap();
        let Value::Object(m) = v.value else { panic!() };
        assert_eq!(m[0].2.pos, Pos { line: 1, column: 7 });
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let s = "[".repeat(100_000);
        let e = parse(&s).unwrap_err();
        assert!(e.message.contains("nesting"), "{}", e.message);
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn escapes_and_numbers() {
        let v = parse(r#"["a\u00e9\ud83d\ude00\n", -1.5e3, true, null]"#).unwrap();
        let Value::Array(a) = v.value else { panic!() };
        assert_eq!(a[0].value, Value::String("aé😀\n".into()));
        assert_eq!(a[1].value, Value::Number("-1.5e3".into()));
        assert!(parse("[01x]").is_err());
        assert!(parse("\"\\ud800\"").is_err());
        assert!(parse("{} x").is_err());
    }
}
