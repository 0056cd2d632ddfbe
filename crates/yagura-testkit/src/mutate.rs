//! Inputs for the hostile-input property tests (issue 16): real text grown past a size, edited
//! at random places, and random bytes of any length from a seed. The fuzz targets' 4 KB default
//! never reaches a budget; these reach a megabyte and more.

/// One edit of [`edit`]: at a position (taken modulo the length), an operation (`0` insert the
/// text, `1` delete as many bytes as the text has plus one, `2` replace one character by the
/// text, anything else cut the rest) and a text.
pub type Edit = (usize, u8, String);

/// The nearest character boundary at or before `i`.
fn boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Applies `edits` to `text` in order.
pub fn edit(text: &mut String, edits: &[Edit]) {
    for (at, op, s) in edits {
        let i = boundary(text, at % (text.len() + 1));
        match op {
            0 => text.insert_str(i, s),
            1 => {
                let j = boundary(text, i + s.len() + 1);
                text.replace_range(i..j, "");
            }
            2 => {
                let j = boundary(text, i + 1);
                text.replace_range(i..j, s);
            }
            _ => text.truncate(i),
        }
    }
}

/// `head`, then `item(0)`, `item(1)`, … until the text holds at least `at_least` bytes, then
/// `tail`: a real document grown by repeating (and numbering) one of its parts.
pub fn grown(head: &str, item: impl Fn(usize) -> String, tail: &str, at_least: usize) -> String {
    let mut s = String::with_capacity(at_least + 4096);
    s.push_str(head);
    let mut i = 0;
    while s.len() + tail.len() < at_least {
        s.push_str(&item(i));
        i += 1;
    }
    s.push_str(tail);
    s
}

/// A strategy of up to eight [`Edit`]s whose texts are drawn from the characters of the regex
/// class `class` (a format's punctuation, e.g. `"[ {}\\[\\]\":,0-9a-z]"`).
pub fn edits(class: &str) -> impl proptest::strategy::Strategy<Value = Vec<Edit>> {
    use proptest::prelude::*;
    prop::collection::vec(
        (
            any::<usize>(),
            0u8..4,
            proptest::string::string_regex(&format!("{class}{{0,4}}")).unwrap(),
        ),
        0..8,
    )
}

/// Runs `read` on an input of `len` bytes and fails when it takes 10 s or more: a megabyte of
/// any input is read in well under that.
pub fn timed<T>(len: usize, read: impl FnOnce() -> T) -> T {
    let t = std::time::Instant::now();
    let out = read();
    let secs = t.elapsed().as_secs_f64();
    assert!(secs < 10.0, "{len} bytes took {secs:.1} s");
    out
}

/// `len` pseudo-random bytes from `seed` (xorshift64*: fast, and the same bytes for a seed, so
/// a failing case is reproduced from its seed).
pub fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        out.extend_from_slice(&x.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes());
    }
    out.truncate(len);
    out
}

/// `len` bytes of text drawn from `alphabet` by `seed`: random input that is mostly made of a
/// format's own punctuation (brackets, quotes, colons), so it gets past the first byte.
pub fn random_text(seed: u64, len: usize, alphabet: &str) -> String {
    let chars: Vec<char> = alphabet.chars().collect();
    if chars.is_empty() {
        return String::new();
    }
    let bytes = random_bytes(seed, len);
    let mut s = String::with_capacity(len + 4);
    for b in bytes {
        s.push(chars[usize::from(b) % chars.len()]);
        if s.len() >= len {
            break;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_keep_utf8_and_sizes_grow() {
        let mut s = "あいう".to_string();
        edit(
            &mut s,
            &[(1, 0, "x".into()), (4, 2, "y".into()), (100, 1, "".into())],
        );
        assert!(s.is_char_boundary(s.len()));
        let g = grown("[", |i| format!("{i},"), "0]", 1000);
        assert!(g.len() >= 1000 && g.starts_with('[') && g.ends_with("0]"));
        assert_eq!(random_bytes(7, 13), random_bytes(7, 13));
        assert_eq!(random_bytes(7, 13).len(), 13);
        assert!(random_text(1, 100, "[]{}").len() >= 100);
    }
}
