//! `--shard I/N`: which accounts of an Organization one of N runs audits. An account belongs to
//! shard `FNV-1a-64(account id as ASCII) mod N + 1`: a stable hash (the same on every machine,
//! version and run), so N runners started anywhere split the Organization without talking to
//! each other, and every account is in exactly one shard.

use std::fmt;
use std::str::FromStr;

/// One shard of N (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

/// The most shards a run may be split into.
pub const MAX_SHARDS: u32 = 100_000;

/// The name of the hash, as reports state it.
pub const SHARD_HASH: &str = "fnv1a64(account_id) mod count + 1";

/// A `--shard` that does not read `I/N` with `1 <= I <= N <= MAX_SHARDS`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a shard is written I/N with 1 <= I <= N <= {MAX_SHARDS} (e.g. 2/8)")]
pub struct BadShard;

impl FromStr for Shard {
    type Err = BadShard;
    fn from_str(s: &str) -> Result<Shard, BadShard> {
        let (i, n) = s.split_once('/').ok_or(BadShard)?;
        let index: u32 = i.trim().parse().map_err(|_| BadShard)?;
        let count: u32 = n.trim().parse().map_err(|_| BadShard)?;
        if index == 0 || index > count || count > MAX_SHARDS {
            return Err(BadShard);
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// The shard (1-based) of `account_id` among `count`.
    pub fn of(account_id: &str, count: u32) -> u32 {
        let n = u64::from(count.max(1));
        // `n` is at most MAX_SHARDS, so the remainder fits in u32.
        u32::try_from(fnv1a64(account_id.as_bytes()) % n).unwrap_or(0) + 1
    }

    /// Whether this shard audits `account_id`.
    pub fn contains(&self, account_id: &str) -> bool {
        Shard::of(account_id, self.count) == self.index
    }
}

/// FNV-1a, 64 bits (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses() {
        assert_eq!("2/8".parse(), Ok(Shard { index: 2, count: 8 }));
        for bad in ["0/4", "5/4", "1", "a/b", "1/0", "1/100001", "-1/4", ""] {
            assert_eq!(bad.parse::<Shard>(), Err(BadShard), "{bad}");
        }
        assert_eq!(Shard { index: 3, count: 4 }.to_string(), "3/4");
    }

    #[test]
    fn the_hash_is_fnv1a_and_every_account_is_in_exactly_one_shard() {
        // published FNV-1a-64 test vectors
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
        let mut sizes = [0usize; 4];
        for i in 0..1000u64 {
            let id = format!("{:012}", 123_456_789_000 + i * 7919);
            let owners: Vec<u32> = (1..=4)
                .filter(|&k| Shard { index: k, count: 4 }.contains(&id))
                .collect();
            assert_eq!(owners.len(), 1, "{id}");
            sizes[owners[0] as usize - 1] += 1;
        }
        // spread: no shard far from a quarter
        assert!(sizes.iter().all(|&n| (180..=320).contains(&n)), "{sizes:?}");
    }
}
