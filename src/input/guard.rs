//! Resource budgets for everything read from disk, checked before the
//! expensive work happens.
//!
//! Why this module exists: calamine trusts the sizes a file declares. An .xls
//! DIMENSIONS record or a cell moved to row/column 65535 makes it reserve
//! rows × columns cells, an .ods `number-rows-repeated` attribute makes it
//! expand rows it never stored, an xlsx `uniqueCount` makes it reserve that
//! many strings — and a failed allocation aborts the process, which
//! `catch_unwind` cannot catch. So before a workbook is handed to calamine its
//! size-declaring records are pre-scanned here (BIFF records of the xls
//! Workbook stream, the zip directory and the XML/binary parts of
//! xlsx/xlsm/xlsb/ods, streamed and counted) and anything over a budget is
//! refused with `file › sheet: … exceeds the limit of …`.
//!
//! Where calamine 0.38 allocates from sizes a file declares (checked here,
//! for a note upstream):
//! - `xls.rs` `Xls::parse_workbook`: `cells.reserve(rows × cols)` from the
//!   DIMENSIONS record (0x0200) of every sheet, at open — 4 billion rows
//!   aborts; then `Range::from_sparse` (`lib.rs`) allocates the dense
//!   bounding box of the cell records for values *and* formulas (a cell moved
//!   to row/column 65535 asks for 4.3 billion cells); `worksheet_range`
//!   clones it again. `parse_mul_rk` computes `col_last - col_first + 1` in
//!   u16 (panics on a forged record).
//! - `xlsx/mod.rs` `Xlsx::read_shared_strings`: `strings.reserve(uniqueCount)`
//!   at open (a 13-digit `uniqueCount` aborts); every string is then kept.
//!   `worksheet_range`/`worksheet_range_ref` reserve from `<dimension>` only
//!   below 100,000 cells, but `from_sparse` allocates the cells' bounding box
//!   (mixaudit streams xlsx instead, so it never builds that range).
//! - `xlsb/mod.rs` `RecordIter::fill_buffer`: `buf.resize(len)` from the
//!   record header's varint (up to 256 MiB per record from a few bytes);
//!   `worksheet_range_ref` → `from_sparse` allocates the cells' bounding box
//!   (row from BrtRowHdr, column from each cell record); `extern_sheets` is
//!   reserved from `cxti` (capped at 1,000,000).
//! - `ods.rs` `read_row`: column repeats (`number-columns-repeated`, capped at
//!   16,384 per row) are pushed one `Data` + one `String` per cell for every
//!   row element; `get_range` expands `number-rows-repeated` up to its own
//!   `MAX_CELLS` = 100,000,000 cells (≈ 5.6 GB of `Data` + formula `String`s)
//!   — a 859-byte file asks for 5.5 GB. All sheets are read at open.
//! - zip parts: calamine decompresses parts without a limit (the declared
//!   uncompressed size is not enforced by the zip crate on `by_name` reads),
//!   and quick-xml buffers a whole tag or text node, so one huge text run sits
//!   in memory whole.
//!
//! It also makes sure only regular files are read (a FIFO would block, a
//! device such as /dev/zero never ends) and that size caps hold on the open
//! handle and while reading, not only on what the path's metadata said.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;
use std::sync::Mutex;

use calamine::Sheets;

use crate::error::{Location, Problem, display_name};

/// Largest spreadsheet or CSV file read at all.
pub const MAX_INPUT_BYTES: u64 = 1 << 30;
/// Largest xls Workbook stream (calamine loads it whole).
pub const MAX_XLS_STREAM_BYTES: u64 = 256 << 20;
/// Most parts in a zip-based workbook.
pub const MAX_ZIP_PARTS: usize = 10_000;
/// Largest decompressed size of one zip part, declared or actual.
pub const MAX_ZIP_PART_BYTES: u64 = 1 << 30;
/// Largest decompressed part that calamine holds in memory whole (ods
/// content.xml, xlsb parts).
pub const MAX_LOADED_PART_BYTES: u64 = 256 << 20;
/// Most text in one streamed row (xlsx), all its cells together.
pub const MAX_ROW_BYTES: u64 = 16 << 20;
/// Largest decompressed xlsx shared-strings part (calamine keeps it all).
pub const MAX_SHARED_STRINGS_BYTES: u64 = 192 << 20;
/// Most shared strings in a workbook, declared (`uniqueCount`) or actual.
pub const MAX_SHARED_STRINGS: u64 = 4_000_000;
/// Longest XML tag or text run (one cell's text is at most 32,767 characters).
pub const MAX_TOKEN_BYTES: u64 = 4 << 20;
/// Largest xlsb record (calamine sizes its buffer from the record header).
pub const MAX_RECORD_BYTES: u64 = 4 << 20;
/// Most cells of one sheet that a whole-sheet reader (xls, xlsb, ods) would
/// hold: the sheet's declared dimensions and its cells' bounding box.
pub const MAX_SHEET_CELLS: u64 = 4_000_000;
/// Most cells of all sheets together where calamine loads every sheet at
/// open (xls, ods).
pub const MAX_BOOK_CELLS: u64 = 6_000_000;
/// Most cells of one streamed sheet (xlsx, CSV): bounds time, not memory.
pub const MAX_STREAM_CELLS: u64 = 200_000_000;
/// Longest CSV field.
pub const MAX_CELL_BYTES: u64 = 256 << 10;
/// Longest CSV record (line, or lines inside quotes).
pub const MAX_CSV_RECORD_BYTES: u64 = 4 << 20;
/// Largest UTF-16 text file (decoded whole).
pub const MAX_UTF16_BYTES: u64 = 64 << 20;

/// Most filled cells in a row where the header is looked for: matching
/// headers costs fields × synonyms per cell, and naming duplicate extra
/// columns grows with their square.
pub const MAX_TABLE_COLUMNS: usize = 1_024;

/// The problem for a row among the header candidates with more than
/// [`MAX_TABLE_COLUMNS`] filled cells.
pub fn header_scan_row(loc: &Location, row: &super::row::Row) -> Option<Problem> {
    let filled = row
        .cells()
        .iter()
        .filter(|c| c.kind != super::row::CellKind::Empty)
        .count();
    (filled > MAX_TABLE_COLUMNS).then(|| {
        Problem::new(
            loc.clone().at_row(row.index),
            format!(
                "the row's {filled} filled cells exceed the limit of {MAX_TABLE_COLUMNS} columns per table"
            ),
            FIX,
        )
    })
}

/// Excel's row limit, which also caps calamine's ods row repeats.
const ROWS_LIMIT: u64 = 1_048_576;
/// Excel's column limit, which also caps calamine's ods column repeats.
const COLS_LIMIT: u64 = 16_384;

const FIX: &str =
    "a file within mixaudit's input limits (it may be corrupt, or built to exhaust memory)";

/// Writes a byte count the way people read it.
pub fn bytes(n: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if n >= size && n.is_multiple_of(size) {
            return format!("{} {unit}", n / size);
        }
    }
    format!("{n} bytes")
}

/// A count with thousands separators.
pub fn count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `file › part: <what> exceeds the limit of <limit>`.
pub fn over_limit(file: &str, part: Option<&str>, what: String, limit: String) -> Problem {
    let loc = match part {
        Some(p) => Location::sheet(file, p),
        None => Location::file(Path::new(file)),
    };
    Problem::new(loc, format!("{what} exceeds the limit of {limit}"), FIX)
}

/// What a path is, when it is not a regular file.
fn kind_of(ft: &std::fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if ft.is_char_device() || ft.is_block_device() {
            return Some("a device");
        }
        if ft.is_socket() {
            return Some("a socket");
        }
    }
    if ft.is_dir() {
        return Some("a folder");
    }
    (!ft.is_file()).then_some("not a regular file")
}

fn not_regular(path: &Path, what: &str) -> Problem {
    Problem::new(
        Location::file(path),
        format!("is {what}, not a regular file, so it was not read"),
        "a regular file",
    )
}

/// Why `path` cannot be an input, if it cannot: missing, or not a regular
/// file. Checks the path without opening it (opening a FIFO blocks).
pub fn check_path(path: &Path, role: &str) -> Option<Problem> {
    match std::fs::metadata(path) {
        Err(_) => Some(Problem::new(
            Location::file(path),
            "does not exist",
            role.to_string(),
        )),
        Ok(m) => kind_of(&m.file_type()).map(|k| not_regular(path, k)),
    }
}

/// Opens `path` for reading if it is a regular file no larger than `limit`.
/// Opened without blocking (a FIFO would otherwise wait for a writer) and
/// checked on the open handle, so what is checked is what is read.
pub fn open_regular(path: &Path, limit: u64) -> Result<File, Problem> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = opts
        .open(path)
        .map_err(|e| Problem::new(Location::file(path), format!("cannot be read: {e}"), ""))?;
    let meta = file
        .metadata()
        .map_err(|e| Problem::new(Location::file(path), format!("cannot be read: {e}"), ""))?;
    if let Some(k) = kind_of(&meta.file_type()) {
        return Err(not_regular(path, k));
    }
    if meta.len() > limit {
        return Err(over_limit(
            &display_name(path),
            None,
            format!("its size of {}", bytes(meta.len())),
            bytes(limit),
        ));
    }
    Ok(file)
}

/// Reads a regular file of at most `limit` bytes; the cap holds while
/// reading too, should the file grow.
pub fn read_capped(path: &Path, limit: u64) -> Result<Vec<u8>, Problem> {
    let file = open_regular(path, limit)?;
    let mut out = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| Problem::new(Location::file(path), format!("cannot be read: {e}"), ""))?;
    if out.len() as u64 > limit {
        return Err(over_limit(
            &display_name(path),
            None,
            "its size".into(),
            bytes(limit),
        ));
    }
    Ok(out)
}

/// [`read_capped`] for UTF-8 text.
pub fn read_text_capped(path: &Path, limit: u64) -> Result<String, Problem> {
    String::from_utf8(read_capped(path, limit)?).map_err(|_| {
        Problem::new(
            Location::file(path),
            "is not UTF-8 text",
            "a UTF-8 text file",
        )
    })
}

/// The workbook formats calamine reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Excel 97–2003 (BIFF in a compound file).
    Xls,
    /// Office Open XML (.xlsx, .xlsm).
    Xlsx,
    /// Excel binary workbook.
    Xlsb,
    /// OpenDocument spreadsheet.
    Ods,
}

impl Kind {
    /// The format an extension names, as calamine would pick it.
    pub fn from_ext(ext: &str) -> Option<Kind> {
        match ext {
            "xls" => Some(Kind::Xls),
            "xlsx" | "xlsm" => Some(Kind::Xlsx),
            "xlsb" => Some(Kind::Xlsb),
            "ods" => Some(Kind::Ods),
            _ => None,
        }
    }
}

/// Hands an already checked file to calamine (the same handle, so nothing can
/// swap the file between the checks and the read).
pub fn open_sheets(file: File, kind: Kind) -> Result<Sheets<BufReader<File>>, calamine::Error> {
    use calamine::{Ods, Xls, Xlsb, Xlsx, open_workbook_from_rs};
    let r = BufReader::new(file);
    Ok(match kind {
        Kind::Xls => {
            Sheets::Xls(open_workbook_from_rs::<Xls<_>, _>(r).map_err(calamine::Error::Xls)?)
        }
        Kind::Xlsx => {
            Sheets::Xlsx(open_workbook_from_rs::<Xlsx<_>, _>(r).map_err(calamine::Error::Xlsx)?)
        }
        Kind::Xlsb => {
            Sheets::Xlsb(open_workbook_from_rs::<Xlsb<_>, _>(r).map_err(calamine::Error::Xlsb)?)
        }
        Kind::Ods => {
            Sheets::Ods(open_workbook_from_rs::<Ods<_>, _>(r).map_err(calamine::Error::Ods)?)
        }
    })
}

/// Files already pre-scanned in this process (a workbook is opened once per
/// table it holds): device, inode, size and modification time.
/// A file's identity: device, inode, size, modification time (s, ns).
type FileId = (u64, u64, u64, i64, i64);

fn scanned() -> &'static Mutex<HashMap<FileId, ()>> {
    static SEEN: std::sync::OnceLock<Mutex<HashMap<FileId, ()>>> = std::sync::OnceLock::new();
    SEEN.get_or_init(Default::default)
}

fn identity(file: &File) -> Option<FileId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let m = file.metadata().ok()?;
        Some((m.dev(), m.ino(), m.size(), m.mtime(), m.mtime_nsec()))
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        None
    }
}

/// Checks every size the workbook declares or expands to against the
/// budgets, before calamine allocates from them. Files the pre-scan cannot
/// parse are left to calamine, which reports them as corrupt.
pub fn prescan(file: &File, kind: Kind, name: &str) -> Result<(), Problem> {
    let id = identity(file);
    if let Some(id) = id
        && scanned().lock().is_ok_and(|m| m.contains_key(&id))
    {
        return Ok(());
    }
    let result = match kind {
        Kind::Xls => xls::scan(file, name),
        Kind::Xlsx | Kind::Xlsb | Kind::Ods => zipped::scan(file, kind, name),
    };
    if result.is_ok()
        && let Some(id) = id
        && let Ok(mut m) = scanned().lock()
    {
        m.insert(id, ());
    }
    result
}

/// Which budget a metered read ran over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Over {
    Bytes,
    Token,
}

/// Counts the bytes read through it and the longest run between `<` and `>`
/// (one XML tag or text node), failing the read once either is over budget —
/// before a parser reading from it can buffer more.
struct Meter<R> {
    inner: R,
    read: u64,
    limit: u64,
    token_limit: Option<u64>,
    run: u64,
    over: Option<Over>,
}

impl<R: Read> Meter<R> {
    fn new(inner: R, limit: u64, token_limit: Option<u64>) -> Self {
        Meter {
            inner,
            read: 0,
            limit,
            token_limit,
            run: 0,
            over: None,
        }
    }

    fn fail(&mut self, over: Over) -> io::Error {
        self.over = Some(over);
        io::Error::other("over budget")
    }
}

impl<R: Read> Read for Meter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(o) = self.over {
            return Err(self.fail(o));
        }
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.limit {
            return Err(self.fail(Over::Bytes));
        }
        if let Some(t) = self.token_limit {
            // a plain loop: tags are a few bytes apart, so a searcher's
            // set-up per call costs more than it saves
            let mut run = self.run;
            let mut over = false;
            for &b in &buf[..n] {
                if b == b'<' || b == b'>' {
                    run = 0;
                } else {
                    run += 1;
                    over |= run > t;
                }
            }
            self.run = run;
            if over {
                return Err(self.fail(Over::Token));
            }
        }
        Ok(n)
    }
}

/// The problem for a meter that ran over, if it did.
fn meter_problem<R>(m: &Meter<R>, file: &str, part: &str, limit_what: &str) -> Option<Problem> {
    match m.over? {
        Over::Bytes => Some(over_limit(
            file,
            Some(part),
            format!("its {limit_what} (more than {})", bytes(m.limit)),
            bytes(m.limit),
        )),
        Over::Token => Some(over_limit(
            file,
            Some(part),
            "one XML tag or text run".into(),
            bytes(m.token_limit.unwrap_or_default()),
        )),
    }
}

/// Cell budgets of whole-sheet readers, shared by the xls and ods scans.
struct CellBudget<'a> {
    file: &'a str,
    book: u64,
}

impl CellBudget<'_> {
    fn sheet(&mut self, sheet: &str, what: &str, cells: u64) -> Result<(), Problem> {
        if cells > MAX_SHEET_CELLS {
            return Err(over_limit(
                self.file,
                Some(sheet),
                format!("{what} ({} cells)", count(cells)),
                format!("{} cells per sheet", count(MAX_SHEET_CELLS)),
            ));
        }
        Ok(())
    }

    fn add(&mut self, sheet: &str, cells: u64) -> Result<(), Problem> {
        self.book = self.book.saturating_add(cells);
        if self.book > MAX_BOOK_CELLS {
            return Err(over_limit(
                self.file,
                Some(sheet),
                format!(
                    "the size of all its sheets ({} cells so far)",
                    count(self.book)
                ),
                format!("{} cells per workbook", count(MAX_BOOK_CELLS)),
            ));
        }
        Ok(())
    }
}

/// Rows × columns of a bounding box, saturating.
fn area(rows: u64, cols: u64) -> u64 {
    rows.saturating_mul(cols)
}

mod xls {
    //! BIFF records of the xls Workbook stream: DIMENSIONS and the cell
    //! records whose positions calamine turns into a dense range.

    use super::*;

    fn u16_at(d: &[u8], at: usize) -> Option<u32> {
        d.get(at..at + 2)
            .map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])))
    }

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
}

mod zipped {
    //! The zip-based formats: every part's declared size, and the parts
    //! calamine reads, decompressed and counted.

    use super::*;
    use quick_xml::events::Event;

    pub(super) fn scan(file: &File, kind: Kind, name: &str) -> Result<(), Problem> {
        let Ok(mut zip) = zip::ZipArchive::new(BufReader::new(file)) else {
            return Ok(()); // calamine reports a broken zip in its own words
        };
        if zip.len() > MAX_ZIP_PARTS {
            return Err(over_limit(
                name,
                None,
                format!("its {} zip parts", count(zip.len() as u64)),
                format!("{} parts", count(MAX_ZIP_PARTS as u64)),
            ));
        }
        let mut parts = Vec::new();
        for i in 0..zip.len() {
            let Ok(f) = zip.by_index_raw(i) else {
                continue;
            };
            let Ok(part) = f.name().map(|n| n.to_string()) else {
                continue;
            };
            if f.size() > MAX_ZIP_PART_BYTES {
                return Err(over_limit(
                    name,
                    Some(&part),
                    format!("its declared uncompressed size of {}", bytes(f.size())),
                    format!("{} per part", bytes(MAX_ZIP_PART_BYTES)),
                ));
            }
            parts.push((i, part));
        }
        let mut budget = CellBudget {
            file: name,
            book: 0,
        };
        for (i, part) in parts {
            let lower = part.to_ascii_lowercase();
            let Ok(f) = zip.by_index(i) else {
                continue;
            };
            let xml = lower.ends_with(".xml") || lower.ends_with(".rels");
            if kind == Kind::Xlsx && lower.ends_with("sharedstrings.xml") {
                shared_strings(f, name, &part)?;
            } else if kind == Kind::Ods && lower == "content.xml" {
                ods_content(f, name, &part, &mut budget)?;
            } else if kind == Kind::Xlsb && lower.ends_with(".bin") {
                xlsb_part(f, name, &part, lower.starts_with("xl/worksheets/"), &lower)?;
            } else if xml {
                let mut m = Meter::new(f, MAX_ZIP_PART_BYTES, Some(MAX_TOKEN_BYTES));
                let _ = io::copy(&mut m, &mut io::sink());
                if let Some(p) = meter_problem(&m, name, &part, "decompressed size") {
                    return Err(p);
                }
            }
        }
        Ok(())
    }

    fn attr_u64(e: &quick_xml::events::BytesStart<'_>, key: &str) -> Option<u64> {
        let a = e.try_get_attribute(key).ok()??;
        a.value.trim().parse().ok()
    }

    fn attr_str(e: &quick_xml::events::BytesStart<'_>, key: &str) -> Option<String> {
        let a = e.try_get_attribute(key).ok()??;
        Some(a.value.into_owned())
    }

    /// xlsx sharedStrings: `uniqueCount` (calamine reserves that many
    /// strings), the number of `<si>` items and the decompressed bytes.
    fn shared_strings(f: impl Read, name: &str, part: &str) -> Result<(), Problem> {
        let m = Meter::new(f, MAX_SHARED_STRINGS_BYTES, Some(MAX_TOKEN_BYTES));
        let mut xml = quick_xml::Reader::from_reader(BufReader::new(m));
        let mut buf = Vec::new();
        let mut items = 0u64;
        let too_many = |n: u64, what: &str| {
            over_limit(
                name,
                Some(part),
                what.replace("{}", &count(n)),
                format!("{} shared strings", count(MAX_SHARED_STRINGS)),
            )
        };
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf) {
                Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                    "sst" => {
                        // calamine reserves `uniqueCount` strings up front
                        if let Some(n) = attr_u64(&e, "uniqueCount")
                            && n > MAX_SHARED_STRINGS
                        {
                            return Err(too_many(
                                n,
                                "the number of shared strings it declares ({})",
                            ));
                        }
                    }
                    "si" => items += 1,
                    _ => {}
                },
                Ok(Event::Eof) => return Ok(()),
                Ok(_) => {}
                Err(_) => {
                    let m = xml.get_ref().get_ref();
                    return match meter_problem(m, name, part, "decompressed size") {
                        Some(p) => Err(p),
                        None => Ok(()),
                    };
                }
            }
            if items > 0 {
                break; // past the header: the items are only counted from here on
            }
        }
        // Counting `<si>` tags byte-wise is many times faster than events
        // (what matters in a debug build and on a 20 MB part).
        let mut r = xml.into_inner();
        let counted = count_tags(&mut r, b"si", |n| n > MAX_SHARED_STRINGS - items);
        match counted {
            Ok(n) if items + n > MAX_SHARED_STRINGS => Err(too_many(
                items + n,
                "the number of its shared strings (at least {})",
            )),
            Ok(_) => Ok(()),
            Err(_) => match meter_problem(r.get_ref(), name, part, "decompressed size") {
                Some(p) => Err(p),
                None => Ok(()),
            },
        }
    }

    /// Counts start or empty tags whose local name is `local`, until the end
    /// of `r` or until `stop` says the count is enough.
    pub(super) fn count_tags(
        r: &mut impl Read,
        local: &[u8],
        stop: impl Fn(u64) -> bool,
    ) -> io::Result<u64> {
        const NAME: usize = 64;
        let mut buf = vec![0u8; 64 * 1024];
        let mut data: Vec<u8> = Vec::with_capacity(buf.len() + NAME);
        let mut n = 0u64;
        loop {
            let got = r.read(&mut buf)?;
            if got == 0 {
                return Ok(n);
            }
            data.extend_from_slice(&buf[..got]);
            let mut pos = 0;
            let mut keep = data.len();
            while let Some(i) = data[pos..].iter().position(|&b| b == b'<') {
                let at = pos + i;
                let tail = &data[at + 1..];
                let end = tail
                    .iter()
                    .take(NAME)
                    .position(|b| matches!(b, b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r'));
                let Some(end) = end else {
                    if tail.len() < NAME {
                        keep = at; // the name may continue in the next read
                        break;
                    }
                    pos = at + 1;
                    continue;
                };
                let name = &tail[..end];
                if name.rsplit(|&b| b == b':').next() == Some(local) {
                    n += 1;
                    if stop(n) {
                        return Ok(n);
                    }
                }
                pos = at + 1;
            }
            data.drain(..keep);
        }
    }

    /// ods content.xml, counted the way calamine expands it: per table the
    /// cells its rows store (up to the last non-empty cell, column repeats
    /// expanded) and the range from the first to the last non-empty row with
    /// row repeats expanded.
    fn ods_content(
        f: impl Read,
        name: &str,
        part: &str,
        budget: &mut CellBudget<'_>,
    ) -> Result<(), Problem> {
        let m = Meter::new(f, MAX_LOADED_PART_BYTES, Some(MAX_TOKEN_BYTES));
        let mut xml = quick_xml::Reader::from_reader(BufReader::new(m));
        let mut buf = Vec::new();
        #[derive(Default)]
        struct Table {
            name: String,
            rows: u64,
            first: Option<u64>,
            last_end: u64,
            col_min: u64,
            col_max: u64,
            stored: u64,
        }
        #[derive(Default)]
        struct RowState {
            repeats: u64,
            col: u64,
            extent: u64,
            first_col: Option<u64>,
        }
        let mut table: Option<Table> = None;
        let mut row: Option<RowState> = None;
        let mut cell_depth = 0usize;
        let mut tables = 0usize;
        let end_row = |t: &mut Table, r: RowState, budget: &mut CellBudget<'_>| {
            if r.extent > 0 {
                t.first.get_or_insert(t.rows);
                t.last_end = t.rows + r.repeats;
                t.col_min = t.col_min.min(r.first_col.unwrap_or(0));
                t.col_max = t.col_max.max(r.extent);
                t.stored = t.stored.saturating_add(r.extent);
            }
            t.rows += r.repeats;
            let span = area(
                t.last_end - t.first.unwrap_or(t.last_end),
                t.col_max.saturating_sub(t.col_min),
            );
            budget.sheet(&t.name, "the number of cells it stores", t.stored)?;
            budget.sheet(
                &t.name,
                "the range its rows span once repeats are expanded",
                span,
            )?;
            Ok::<(), Problem>(())
        };
        loop {
            buf.clear();
            let ev = xml.read_event_into(&mut buf);
            let (e, empty) = match ev {
                Ok(Event::Start(e)) => (e, false),
                Ok(Event::Empty(e)) => (e, true),
                Ok(Event::End(e)) => {
                    if cell_depth > 0 {
                        cell_depth -= 1;
                        continue;
                    }
                    match e.name().as_ref() {
                        "table:table-row" => {
                            if let (Some(t), Some(r)) = (table.as_mut(), row.take()) {
                                end_row(t, r, budget)?;
                            }
                        }
                        "table:table" => {
                            if let Some(t) = table.take() {
                                let span = area(
                                    t.last_end - t.first.unwrap_or(t.last_end),
                                    t.col_max.saturating_sub(t.col_min),
                                );
                                budget.add(&t.name, span.max(t.stored))?;
                            }
                        }
                        _ => {}
                    }
                    continue;
                }
                Ok(Event::Eof) => return Ok(()),
                Ok(_) => continue,
                Err(_) => {
                    let m = xml.get_ref().get_ref();
                    return match meter_problem(m, name, part, "decompressed size") {
                        Some(p) => Err(p),
                        None => Ok(()),
                    };
                }
            };
            if cell_depth > 0 {
                if !empty {
                    cell_depth += 1;
                }
                continue;
            }
            match e.name().as_ref() {
                "table:table" if !empty => {
                    tables += 1;
                    table = Some(Table {
                        name: attr_str(&e, "table:name")
                            .unwrap_or_else(|| format!("sheet {tables}")),
                        col_min: u64::MAX,
                        ..Table::default()
                    });
                }
                "table:table-row" => {
                    if let Some(t) = table.as_mut() {
                        let want = attr_u64(&e, "table:number-rows-repeated").unwrap_or(1);
                        let repeats = want.min(ROWS_LIMIT.saturating_sub(t.rows));
                        let r = RowState {
                            repeats,
                            ..RowState::default()
                        };
                        if empty {
                            end_row(t, r, budget)?;
                        } else {
                            row = Some(r);
                        }
                    }
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    if let Some(r) = row.as_mut() {
                        let want = attr_u64(&e, "table:number-columns-repeated").unwrap_or(1);
                        let repeats = want.min(COLS_LIMIT.saturating_sub(r.col));
                        let valued = !empty
                            || e.try_get_attribute("office:value-type")
                                .ok()
                                .flatten()
                                .is_some();
                        if valued {
                            r.first_col.get_or_insert(r.col);
                            r.col += repeats;
                            r.extent = r.col;
                        } else {
                            r.col += repeats;
                        }
                    }
                    if !empty {
                        cell_depth = 1;
                    }
                }
                _ => {}
            }
        }
    }

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
    fn xlsb_part(
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
}

/// Guards a CSV byte stream: no record (a line, or lines held together by
/// quotes) longer than [`MAX_CSV_RECORD_BYTES`], no field longer than
/// [`MAX_CELL_BYTES`], no more than `limit` bytes in all — failing the read
/// before the CSV parser's buffers grow past them.
pub struct CsvMeter<R> {
    inner: R,
    delimiter: u8,
    quoted: bool,
    record: u64,
    field: u64,
    read: u64,
    limit: u64,
    /// Which budget was exceeded, as a message, once one was.
    pub over: Option<String>,
}

impl<R: Read> CsvMeter<R> {
    /// Wraps `inner`, whose fields are separated by `delimiter`.
    pub fn new(inner: R, delimiter: u8, limit: u64) -> Self {
        CsvMeter {
            inner,
            delimiter,
            quoted: false,
            record: 0,
            field: 0,
            read: 0,
            limit,
            over: None,
        }
    }

    fn fail(&mut self, what: String) -> io::Error {
        self.over = Some(what.clone());
        io::Error::other(what)
    }
}

impl<R: Read> Read for CsvMeter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(o) = self.over.clone() {
            return Err(io::Error::other(o));
        }
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.limit {
            return Err(self.fail(format!(
                "the file exceeds the limit of {}",
                bytes(self.limit)
            )));
        }
        for &b in &buf[..n] {
            self.record += 1;
            self.field += 1;
            if b == b'"' {
                self.quoted = !self.quoted;
            } else if !self.quoted {
                if b == b'\n' {
                    self.record = 0;
                    self.field = 0;
                } else if b == self.delimiter {
                    self.field = 0;
                }
            }
            if self.field > MAX_CELL_BYTES {
                return Err(self.fail(format!(
                    "a field exceeds the limit of {} per field",
                    bytes(MAX_CELL_BYTES)
                )));
            }
            if self.record > MAX_CSV_RECORD_BYTES {
                return Err(self.fail(format!(
                    "a line exceeds the limit of {} per line",
                    bytes(MAX_CSV_RECORD_BYTES)
                )));
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meter_stops_long_tokens_and_big_parts() {
        let text = format!("<a>{}</a>", "x".repeat(100));
        let mut m = Meter::new(text.as_bytes(), 1000, Some(50));
        assert!(io::copy(&mut m, &mut io::sink()).is_err());
        assert_eq!(m.over, Some(Over::Token));
        let mut m = Meter::new(text.as_bytes(), 10, Some(500));
        assert!(io::copy(&mut m, &mut io::sink()).is_err());
        assert_eq!(m.over, Some(Over::Bytes));
        let mut m = Meter::new(text.as_bytes(), 1000, Some(500));
        assert!(io::copy(&mut m, &mut io::sink()).is_ok());
    }

    #[test]
    fn tags_are_counted_across_reads() {
        let text = format!(
            "<sst>{}<x:si>1</x:si><sib/>",
            "<si><t>a</t></si>".repeat(10_000)
        );
        // a reader handing out 7 bytes at a time splits names across reads
        struct Slow<'a>(&'a [u8]);
        impl Read for Slow<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(7).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let n = zipped::count_tags(&mut Slow(text.as_bytes()), b"si", |_| false).unwrap();
        assert_eq!(n, 10_001);
    }

    #[test]
    fn csv_meter_counts_quoted_lines_as_one_record() {
        let long = format!("a,\"{}\"\n", "x\n".repeat(MAX_CELL_BYTES as usize));
        let mut m = CsvMeter::new(long.as_bytes(), b',', u64::MAX);
        assert!(io::copy(&mut m, &mut io::sink()).is_err());
        assert!(m.over.unwrap().contains("per field"));
        let fine = "a,b\n".repeat(100_000);
        let mut m = CsvMeter::new(fine.as_bytes(), b',', u64::MAX);
        assert!(io::copy(&mut m, &mut io::sink()).is_ok());
    }

    #[test]
    fn xls_dimensions_are_checked_as_calamine_reads_them() {
        fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
            let mut v = typ.to_le_bytes().to_vec();
            v.extend((data.len() as u16).to_le_bytes());
            v.extend(data);
            v
        }
        let mut s = rec(0x0809, &[0, 6, 0x10, 0]);
        let sheet_at = s.len() + 14 + 4;
        let mut bs = (sheet_at as u32).to_le_bytes().to_vec();
        bs.extend([0, 0, 2, 0, b'S', b'1']);
        s.extend(rec(0x0085, &bs));
        s.extend(rec(0x000A, &[]));
        assert_eq!(s.len(), sheet_at);
        s.extend(rec(0x0809, &[0, 6, 0x10, 0]));
        let mut dims = 0u32.to_le_bytes().to_vec();
        dims.extend(u32::MAX.to_le_bytes());
        dims.extend([0, 0, 0, 1, 0, 0]);
        s.extend(rec(0x0200, &dims));
        s.extend(rec(0x000A, &[]));
        let e = xls::scan_stream(&s, "c.xls").unwrap_err().to_string();
        assert!(
            e.starts_with("c.xls › S1: the size its dimensions declare (1,099,511,627,520 cells) exceeds the limit of 4,000,000 cells per sheet"),
            "{e}"
        );
    }
}
