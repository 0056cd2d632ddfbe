//! A reader for the values of a BerkeleyDB hash database (the rpm `Packages` file of Amazon
//! Linux 2, CentOS 7 and RHEL ≤ 8), written from the on-disk format: a metadata page, then
//! pages of type hash holding key/data pairs inline or on chains of overflow pages.

const HASH_MAGIC: u32 = 0x0006_1561;
const PAGE_HEADER: usize = 26;
const P_HASH_UNSORTED: u8 = 2;
const P_OVERFLOW: u8 = 7;
const P_HASH: u8 = 13;
const H_KEYDATA: u8 = 1;
const H_OFFPAGE: u8 = 3;
/// Hard limit on the size of one value, against loops in corrupt overflow chains.
const MAX_VALUE: usize = 64 << 20;

/// What the values of one database may cost: together they can never be larger than the file
/// that holds them, so items that overlap or overflow chains that share pages (a crafted file
/// of a few hundred KB could otherwise expand to gigabytes) are an error, not an allocation.
struct Budget {
    left: usize,
    /// Overflow pages already copied: each belongs to one chain.
    seen: Vec<bool>,
}

impl Budget {
    fn take(&mut self, n: usize) -> Result<(), String> {
        self.left = self.left.checked_sub(n).ok_or_else(|| {
            "the values add up to more than the file holds (overlapping items or shared overflow pages)"
                .to_string()
        })?;
        Ok(())
    }
}

#[derive(Clone, Copy)]
struct Endian(bool); // true = little

impl Endian {
    fn u16(self, b: &[u8], at: usize) -> Option<u16> {
        let s = b.get(at..at.checked_add(2)?)?;
        let a = [s[0], s[1]];
        Some(if self.0 {
            u16::from_le_bytes(a)
        } else {
            u16::from_be_bytes(a)
        })
    }
    fn u32(self, b: &[u8], at: usize) -> Option<u32> {
        let s = b.get(at..at.checked_add(4)?)?;
        let a = [s[0], s[1], s[2], s[3]];
        Some(if self.0 {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        })
    }
}

/// Returns every data item (the value of each key/value pair) of a hash database, in page
/// order. Errors name what is wrong; a database that is not a hash database is an error.
pub fn hash_values(db: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let le = Endian(true);
    let be = Endian(false);
    let e = if le.u32(db, 12) == Some(HASH_MAGIC) {
        le
    } else if be.u32(db, 12) == Some(HASH_MAGIC) {
        be
    } else {
        return Err("no BerkeleyDB hash magic at offset 12".to_string());
    };
    let page_size = e.u32(db, 20).ok_or("truncated metadata page")? as usize;
    if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
        return Err(format!("implausible page size {page_size}"));
    }
    let last_pgno = e.u32(db, 32).ok_or("truncated metadata page")? as usize;
    let pages = db.len() / page_size;
    let page = |n: usize| db.get(n * page_size..(n + 1) * page_size);
    let mut values = Vec::new();
    let mut budget = Budget {
        left: db.len(),
        seen: vec![false; pages + 1],
    };
    for n in 1..=last_pgno.min(pages.saturating_sub(1)) {
        let Some(p) = page(n) else { break };
        let ptype = p.get(25).copied().unwrap_or(0);
        if ptype != P_HASH && ptype != P_HASH_UNSORTED {
            continue;
        }
        let entries = e.u16(p, 20).ok_or("truncated page header")? as usize;
        if entries > (page_size - PAGE_HEADER) / 2 {
            return Err(format!("page {n}: {entries} entries cannot fit in a page"));
        }
        // items are pairs: key at even index, data at odd
        for i in (1..entries).step_by(2) {
            let off = e
                .u16(p, PAGE_HEADER + 2 * i)
                .ok_or_else(|| format!("page {n}: index {i} out of range"))?
                as usize;
            let end = if i == 0 {
                page_size
            } else {
                e.u16(p, PAGE_HEADER + 2 * (i - 1))
                    .ok_or_else(|| format!("page {n}: index {i} out of range"))?
                    as usize
            };
            let item = p
                .get(off..end.max(off))
                .ok_or_else(|| format!("page {n}: item {i} out of range"))?;
            match item.first() {
                Some(&H_KEYDATA) => {
                    let v = item.get(1..).unwrap_or_default();
                    budget.take(v.len())?;
                    values.push(v.to_vec());
                }
                Some(&H_OFFPAGE) => {
                    let pgno = e
                        .u32(item, 4)
                        .ok_or_else(|| format!("page {n}: item {i} truncated"))?
                        as usize;
                    let tlen = e
                        .u32(item, 8)
                        .ok_or_else(|| format!("page {n}: item {i} truncated"))?
                        as usize;
                    values.push(read_overflow(db, page_size, e, pgno, tlen, &mut budget)?);
                }
                _ => {}
            }
        }
    }
    Ok(values)
}

fn read_overflow(
    db: &[u8],
    page_size: usize,
    e: Endian,
    mut pgno: usize,
    tlen: usize,
    budget: &mut Budget,
) -> Result<Vec<u8>, String> {
    if tlen > MAX_VALUE {
        return Err(format!("overflow item of {tlen} bytes"));
    }
    // the length field is checked against what is left of the file before anything is
    // allocated for it
    budget.take(tlen)?;
    let mut out = Vec::with_capacity(tlen);
    while pgno != 0 && out.len() < tlen {
        match budget.seen.get_mut(pgno) {
            Some(seen) if !*seen => *seen = true,
            Some(_) => {
                return Err(format!(
                    "overflow page {pgno} is used twice (a loop or a shared chain)"
                ))
            }
            None => return Err(format!("overflow page {pgno} beyond the end of the file")),
        }
        let p = db
            .get(pgno * page_size..(pgno + 1) * page_size)
            .ok_or_else(|| format!("overflow page {pgno} beyond the end of the file"))?;
        if p.get(25).copied() != Some(P_OVERFLOW) {
            return Err(format!("page {pgno} is not an overflow page"));
        }
        let used = e.u16(p, 22).ok_or("truncated overflow page")? as usize;
        let data = p
            .get(PAGE_HEADER..PAGE_HEADER + used)
            .ok_or_else(|| format!("overflow page {pgno} claims {used} bytes"))?;
        out.extend_from_slice(data);
        pgno = e.u32(p, 16).ok_or("truncated overflow page")? as usize;
    }
    if out.len() < tlen {
        return Err(format!(
            "overflow chain ended after {} of {tlen} bytes",
            out.len()
        ));
    }
    out.truncate(tlen);
    Ok(out)
}
