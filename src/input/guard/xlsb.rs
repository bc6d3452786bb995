//! The xlsb pre-scan: the binary records of each part.
//!
//! Why: calamine's `RecordIter::fill_buffer` sizes a buffer from each record
//! header's varint (up to 256 MiB from a few bytes), `worksheet_range_ref`
//! allocates the bounding box of a worksheet's cells (row from BrtRowHdr,
//! column from each cell record), and a declared shared-string count could
//! ask for millions of strings. So record sizes, the declared dimension, the
//! cells' bounding box and the shared strings are checked here.

use std::io::{self, BufReader, Read};

use super::{
    CellBudget, MAX_LOADED_PART_BYTES, MAX_RECORD_BYTES, MAX_SHARED_STRINGS, Meter, area, bytes,
    count, meter_problem, over_limit,
};
use crate::error::Problem;

/// Reads an xlsb varint of at most `max` bytes.
fn varint(r: &mut impl Read, max: usize) -> io::Result<Option<u32>> {
    let mut v = 0u32;
    for i in 0..max {
        let mut b = [0u8];
        if r.read(&mut b)? == 0 {
            return if i == 0 {
                Ok(None)
            } else {
                Err(io::ErrorKind::UnexpectedEof.into())
            };
        }
        v |= u32::from(b[0] & 0x7F) << (7 * i);
        if b[0] & 0x80 == 0 {
            break;
        }
    }
    Ok(Some(v))
}

/// xlsb part: record sizes (calamine sizes a buffer from each), shared
/// string count, and for worksheets the declared dimension and the cells'
/// bounding box (calamine allocates that range).
pub(super) fn part(
    f: impl Read,
    name: &str,
    part: &str,
    sheet: bool,
    lower: &str,
) -> Result<(), Problem> {
    let mut m = BufReader::new(Meter::new(f, MAX_LOADED_PART_BYTES, None));
    let mut budget = CellBudget {
        file: name,
        book: 0,
    };
    let mut row = 0u32;
    let (mut r0, mut r1, mut c0, mut c1) = (u32::MAX, 0u32, u32::MAX, 0u32);
    let mut strings = 0u64;
    let mut data = Vec::new();
    while let Ok(Some(typ)) = varint(&mut m, 2) {
        let Ok(Some(len)) = varint(&mut m, 4) else {
            break;
        };
        if u64::from(len) > MAX_RECORD_BYTES {
            return Err(over_limit(
                name,
                Some(part),
                format!("a record of {}", bytes(u64::from(len))),
                bytes(MAX_RECORD_BYTES),
            ));
        }
        data.clear();
        if (&mut m)
            .take(u64::from(len))
            .read_to_end(&mut data)
            .is_err()
        {
            break;
        }
        let u32_at = |at: usize| {
            data.get(at..at + 4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        };
        match typ {
            0x0000 if sheet => row = u32_at(0).unwrap_or(row),
            0x0002..=0x000B if sheet => {
                if let Some(c) = u32_at(0) {
                    r0 = r0.min(row);
                    r1 = r1.max(row);
                    c0 = c0.min(c);
                    c1 = c1.max(c);
                }
            }
            0x0094 if sheet => {
                if let (Some(a), Some(b), Some(c), Some(d)) =
                    (u32_at(0), u32_at(4), u32_at(8), u32_at(12))
                {
                    let rows = u64::from(b.saturating_sub(a)) + 1;
                    let cols = u64::from(d.saturating_sub(c)) + 1;
                    budget.sheet(part, "the size its dimensions declare", area(rows, cols))?;
                }
            }
            0x009F if lower.ends_with("sharedstrings.bin") => {
                if let Some(n) = u32_at(4).filter(|n| u64::from(*n) > MAX_SHARED_STRINGS) {
                    return Err(over_limit(
                        name,
                        Some(part),
                        format!(
                            "the number of shared strings it declares ({})",
                            count(u64::from(n))
                        ),
                        format!("{} shared strings", count(MAX_SHARED_STRINGS)),
                    ));
                }
            }
            0x0013 => {
                strings += 1;
                if strings > MAX_SHARED_STRINGS {
                    return Err(over_limit(
                        name,
                        Some(part),
                        format!(
                            "the number of its shared strings (at least {})",
                            count(strings)
                        ),
                        format!("{} shared strings", count(MAX_SHARED_STRINGS)),
                    ));
                }
            }
            _ => {}
        }
    }
    if let Some(p) = meter_problem(m.get_ref(), name, part, "decompressed size") {
        return Err(p);
    }
    if r0 <= r1 {
        let used = area(u64::from(r1 - r0) + 1, u64::from(c1 - c0) + 1);
        budget.sheet(part, "the range its cells span", used)?;
    }
    Ok(())
}
