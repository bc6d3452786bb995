//! The xls pre-scan: BIFF records of the Workbook stream — each sheet's
//! DIMENSIONS and the cell records whose positions calamine turns into a
//! dense range.
//!
//! Why: calamine's `Xls::parse_workbook` reserves rows × columns cells from
//! every sheet's DIMENSIONS record at open, and `Range::from_sparse` then
//! allocates the bounding box of the cell records, so a forged record or one
//! cell at row/column 65535 asks for billions of cells. The stream itself is
//! loaded whole, so its size is capped first.

use super::*;

/// The little-endian u16 at `at`, widened.
fn u16_at(d: &[u8], at: usize) -> Option<u32> {
    d.get(at..at + 2)
        .map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])))
}

/// The little-endian u32 at `at`.
fn u32_at(d: &[u8], at: usize) -> Option<u32> {
    d.get(at..at + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// One record: type, data, and the offset after it.
fn record(s: &[u8], at: usize) -> Option<(u16, &[u8], usize)> {
    let typ = u16_at(s, at)? as u16;
    let len = u16_at(s, at + 2)? as usize;
    let data = s.get(at + 4..at + 4 + len)?;
    Some((typ, data, at + 4 + len))
}

/// The sheet name of a BOUNDSHEET record, BIFF8 (UTF-16 or compressed) or
/// older (8-bit).
fn sheet_name(d: &[u8], biff8: bool) -> Option<String> {
    let cch = *d.get(6)? as usize;
    if biff8 {
        let flags = *d.get(7)?;
        if flags & 1 == 1 {
            let raw = d.get(8..8 + 2 * cch)?;
            let units: Vec<u16> = raw
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            Some(String::from_utf16_lossy(&units))
        } else {
            Some(d.get(8..8 + cch)?.iter().map(|&b| b as char).collect())
        }
    } else {
        Some(d.get(7..7 + cch)?.iter().map(|&b| b as char).collect())
    }
}

/// Checks the Workbook stream of the compound file `file`; a file that is
/// not one, or has no such stream, is left to calamine.
pub(super) fn scan(file: &File, name: &str) -> Result<(), Problem> {
    let Ok(mut cfb) = cfb::CompoundFile::open(file) else {
        return Ok(()); // not a compound file calamine can read either
    };
    let stream = ["Workbook", "Book", "WORKBOOK", "BOOK"]
        .into_iter()
        .find(|s| cfb.is_stream(s));
    let Some(stream) = stream else {
        return Ok(());
    };
    let Ok(entry) = cfb.entry(stream) else {
        return Ok(());
    };
    if entry.len() > MAX_XLS_STREAM_BYTES {
        return Err(over_limit(
            name,
            None,
            format!("its Workbook stream of {}", bytes(entry.len())),
            bytes(MAX_XLS_STREAM_BYTES),
        ));
    }
    let mut data = Vec::new();
    match cfb.open_stream(stream) {
        Ok(s) => {
            if s.take(MAX_XLS_STREAM_BYTES + 1)
                .read_to_end(&mut data)
                .is_err()
            {
                return Ok(());
            }
        }
        Err(_) => return Ok(()),
    }
    if data.len() as u64 > MAX_XLS_STREAM_BYTES {
        return Err(over_limit(
            name,
            None,
            "its Workbook stream".into(),
            bytes(MAX_XLS_STREAM_BYTES),
        ));
    }
    scan_stream(&data, name)
}

/// Walks the globals substream for the sheets, then each sheet's
/// substream from where calamine starts reading it.
pub(super) fn scan_stream(s: &[u8], name: &str) -> Result<(), Problem> {
    let mut at = 0;
    let mut biff8 = true;
    let mut sheets: Vec<(usize, String)> = Vec::new();
    while let Some((typ, d, next)) = record(s, at) {
        match typ {
            0x0809 => biff8 = u16_at(d, 0).is_none_or(|v| v >= 0x0600),
            0x0085 => {
                if let Some(pos) = u32_at(d, 0) {
                    let n = sheets.len() + 1;
                    let label = sheet_name(d, biff8).unwrap_or_else(|| format!("sheet {n}"));
                    sheets.push((pos as usize, label));
                }
            }
            0x000A => break,
            _ => {}
        }
        at = next;
    }
    let mut budget = CellBudget {
        file: name,
        book: 0,
    };
    for (pos, sheet) in &sheets {
        let cells = scan_sheet(s, *pos, sheet, &mut budget)?;
        budget.add(sheet, cells)?;
    }
    Ok(())
}

/// One sheet substream: its DIMENSIONS (calamine reserves rows × columns
/// from it) and its cells' bounding box (calamine allocates that range).
fn scan_sheet(
    s: &[u8],
    start: usize,
    sheet: &str,
    budget: &mut CellBudget<'_>,
) -> Result<u64, Problem> {
    let mut at = start;
    let mut seen_bof = false;
    let mut depth = 0usize;
    let (mut r0, mut r1, mut c0, mut c1) = (u32::MAX, 0u32, u32::MAX, 0u32);
    let mut declared = 0u64;
    let mut fmla: Option<(u32, u32)> = None;
    let mut any = false;
    while let Some((typ, d, next)) = record(s, at) {
        at = next;
        if depth > 0 {
            match typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        let mut cell = |row: u32, first: u32, last: u32| {
            any = true;
            r0 = r0.min(row);
            r1 = r1.max(row);
            c0 = c0.min(first.min(last));
            c1 = c1.max(first.max(last));
        };
        match typ {
            0x0809 => {
                if seen_bof {
                    depth += 1;
                } else {
                    seen_bof = true;
                }
            }
            0x0200 => {
                let dims = match d.len() {
                    10 => (u16_at(d, 0), u16_at(d, 2), u16_at(d, 4), u16_at(d, 6)),
                    14 | 16 => (u32_at(d, 0), u32_at(d, 4), u16_at(d, 8), u16_at(d, 10)),
                    _ => (None, None, None, None),
                };
                if let (Some(rf), Some(rl), Some(mut cf), Some(cl)) = dims {
                    if cf > 0xFF || cl < cf {
                        cf = 0;
                    }
                    if rl >= 1 && cl >= 1 {
                        // as calamine computes it, wrapping where it wraps
                        let rows = (rl - 1).wrapping_sub(rf).wrapping_add(1) as u64;
                        let cols = (cl - 1).wrapping_sub(cf).wrapping_add(1) as u64;
                        declared = area(rows, cols);
                        budget.sheet(sheet, "the size its dimensions declare", declared)?;
                    }
                }
            }
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD => {
                if let (Some(r), Some(c)) = (u16_at(d, 0), u16_at(d, 2)) {
                    cell(r, c, c);
                }
            }
            0x0006 => {
                if let (Some(r), Some(c)) = (u16_at(d, 0), u16_at(d, 2)) {
                    fmla = Some((r, c));
                    cell(r, c, c);
                }
            }
            0x0207 => {
                if let Some((r, c)) = fmla {
                    cell(r, c, c);
                }
            }
            0x00BD => {
                if let (Some(r), Some(c), Some(l)) = (
                    u16_at(d, 0),
                    u16_at(d, 2),
                    d.len().checked_sub(2).and_then(|e| u16_at(d, e)),
                ) {
                    cell(r, c, l);
                }
            }
            0x000A => break,
            _ => {}
        }
    }
    let used = if any {
        area(u64::from(r1 - r0) + 1, u64::from(c1 - c0) + 1)
    } else {
        0
    };
    budget.sheet(sheet, "the range its cells span", used)?;
    Ok(used.max(declared))
}
