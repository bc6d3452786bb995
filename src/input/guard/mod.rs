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
//! - zip parts: quick-xml buffers a whole tag or text node, so one huge text
//!   run sits in memory whole. (The zip crate, since 9.x, stops a part's
//!   output at its declared size, and the declared sizes are checked here
//!   first; small parts are still metered in full before calamine opens the
//!   file, large worksheet parts beside its read — see [`gate`].)
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

use crate::error::{Code, Location, Problem, display_name};

mod csv;
mod gate;
mod ods;
#[cfg(test)]
mod tests;
mod xls;
mod xlsb;
mod zip;

pub(crate) use csv::CsvMeter;
pub(crate) use gate::{Gate, GateHandle, Source};

/// What calamine reads an input through.
pub(crate) type Input = BufReader<Source>;

/// Largest spreadsheet or CSV file read at all.
pub(crate) const MAX_INPUT_BYTES: u64 = 1 << 30;
/// Largest xls Workbook stream (calamine loads it whole).
const MAX_XLS_STREAM_BYTES: u64 = 256 << 20;
/// Most parts in a zip-based workbook.
const MAX_ZIP_PARTS: usize = 10_000;
/// Largest decompressed size of one zip part, declared or actual.
const MAX_ZIP_PART_BYTES: u64 = 1 << 30;
/// Largest decompressed part that calamine holds in memory whole (ods
/// content.xml, xlsb parts).
const MAX_LOADED_PART_BYTES: u64 = 256 << 20;
/// Most text in one streamed row (xlsx), all its cells together.
pub(crate) const MAX_ROW_BYTES: u64 = 16 << 20;
/// Largest decompressed xlsx shared-strings part (calamine keeps it all).
const MAX_SHARED_STRINGS_BYTES: u64 = 192 << 20;
/// Most shared strings in a workbook, declared (`uniqueCount`) or actual.
const MAX_SHARED_STRINGS: u64 = 4_000_000;
/// Longest XML tag or text run (one cell's text is at most 32,767 characters).
const MAX_TOKEN_BYTES: u64 = 4 << 20;
/// Largest xlsb record (calamine sizes its buffer from the record header).
const MAX_RECORD_BYTES: u64 = 4 << 20;
/// Most cells of one sheet that a whole-sheet reader (xls, xlsb, ods) would
/// hold: the sheet's declared dimensions and its cells' bounding box.
const MAX_SHEET_CELLS: u64 = 4_000_000;
/// Most cells of all sheets together where calamine loads every sheet at
/// open (xls, ods).
const MAX_BOOK_CELLS: u64 = 6_000_000;
/// Most cells of one streamed sheet (xlsx, CSV): bounds time, not memory.
pub(crate) const MAX_STREAM_CELLS: u64 = 200_000_000;
/// Longest CSV field.
const MAX_CELL_BYTES: u64 = 256 << 10;
/// Longest CSV record (line, or lines inside quotes).
const MAX_CSV_RECORD_BYTES: u64 = 4 << 20;
/// Largest UTF-16 text file (decoded whole).
pub(crate) const MAX_UTF16_BYTES: u64 = 64 << 20;

/// Most filled cells in a row where the header is looked for: matching
/// headers costs fields × synonyms per cell, and naming duplicate extra
/// columns grows with their square.
const MAX_TABLE_COLUMNS: usize = 1_024;

/// The problem for a row among the header candidates with more than
/// [`MAX_TABLE_COLUMNS`] filled cells.
pub(crate) fn header_scan_row(loc: &Location, row: &super::row::Row) -> Option<Problem> {
    let filled = row
        .cells()
        .iter()
        .filter(|c| c.kind != super::row::CellKind::Empty)
        .count();
    (filled > MAX_TABLE_COLUMNS).then(|| {
        Problem::new(Code::ExcelLimit,
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
pub(crate) fn bytes(n: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if n >= size && n.is_multiple_of(size) {
            return format!("{} {unit}", n / size);
        }
    }
    format!("{n} bytes")
}

/// A count with thousands separators.
pub(crate) fn count(n: u64) -> String {
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
pub(crate) fn over_limit(file: &str, part: Option<&str>, what: String, limit: String) -> Problem {
    let loc = match part {
        Some(p) => Location::sheet(file, p),
        None => Location::file(Path::new(file)),
    };
    Problem::new(
        Code::InputLimit,
        loc,
        format!("{what} exceeds the limit of {limit}"),
        FIX,
    )
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

/// The problem for `path`, which is `what` rather than a regular file.
fn not_regular(path: &Path, what: &str) -> Problem {
    Problem::new(
        Code::NotRegularFile,
        Location::file(path),
        format!("is {what}, not a regular file, so it was not read"),
        "a regular file",
    )
}

/// Why `path` cannot be an input, if it cannot: missing, or not a regular
/// file. Checks the path without opening it (opening a FIFO blocks).
pub(crate) fn check_path(path: &Path, role: &str) -> Option<Problem> {
    match std::fs::metadata(path) {
        Err(_) => Some(Problem::new(
            Code::FileMissing,
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
pub(crate) fn open_regular(path: &Path, limit: u64) -> Result<File, Problem> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = opts.open(path).map_err(|e| {
        Problem::new(
            Code::Unreadable,
            Location::file(path),
            format!("cannot be read: {e}"),
            "",
        )
    })?;
    let meta = file.metadata().map_err(|e| {
        Problem::new(
            Code::Unreadable,
            Location::file(path),
            format!("cannot be read: {e}"),
            "",
        )
    })?;
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
pub(crate) fn read_capped(path: &Path, limit: u64) -> Result<Vec<u8>, Problem> {
    let file = open_regular(path, limit)?;
    let mut out = Vec::new();
    file.take(limit + 1).read_to_end(&mut out).map_err(|e| {
        Problem::new(
            Code::Unreadable,
            Location::file(path),
            format!("cannot be read: {e}"),
            "",
        )
    })?;
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
pub(crate) fn read_text_capped(path: &Path, limit: u64) -> Result<String, Problem> {
    String::from_utf8(read_capped(path, limit)?).map_err(|_| {
        Problem::new(
            Code::NotUtf8,
            Location::file(path),
            "is not UTF-8 text",
            "a UTF-8 text file",
        )
    })
}

/// The workbook formats calamine reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
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
    pub(crate) fn from_ext(ext: &str) -> Option<Kind> {
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
pub(crate) fn open_sheets(
    file: File,
    kind: Kind,
    gate: Option<std::sync::Arc<Gate>>,
) -> Result<Sheets<Input>, calamine::Error> {
    use calamine::{Ods, Xls, Xlsb, Xlsx, open_workbook_from_rs};
    let r = BufReader::new(Source::new(file, gate));
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

/// A file's identity: device, inode, size, modification time (s, ns).
type FileId = (u64, u64, u64, i64, i64);

/// Files already pre-scanned in this process (a workbook is opened once per
/// table it holds), by [`FileId`].
fn scanned() -> &'static Mutex<HashMap<FileId, ()>> {
    static SEEN: std::sync::OnceLock<Mutex<HashMap<FileId, ()>>> = std::sync::OnceLock::new();
    SEEN.get_or_init(Default::default)
}

/// The open file's [`FileId`], where the platform gives one.
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
pub(crate) fn prescan(
    file: &File,
    kind: Kind,
    name: &str,
) -> Result<Option<std::sync::Arc<Gate>>, Problem> {
    let id = identity(file);
    if let Some(id) = id
        && scanned().lock().is_ok_and(|m| m.contains_key(&id))
    {
        return Ok(None);
    }
    let deferred = match kind {
        Kind::Xls => xls::scan(file, name).map(|()| Vec::new()),
        Kind::Xlsx | Kind::Xlsb | Kind::Ods => zip::scan(file, kind, name),
    }?;
    if deferred.is_empty() {
        if let Some(id) = id
            && let Ok(mut m) = scanned().lock()
        {
            m.insert(id, ());
        }
        return Ok(None);
    }
    // Not remembered as scanned: the meter's verdict is still to come.
    gate::start(file, name, deferred).map(Some).map_err(|e| {
        Problem::new(
            Code::Unreadable,
            Location::file(Path::new(name)),
            format!("cannot be read: {e}"),
            "",
        )
    })
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
    /// Wraps `inner`: at most `limit` bytes, and runs between `<` and `>`
    /// of at most `token_limit` bytes when there is one.
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

    /// Records which budget ran over and fails the read.
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
    /// The workbook's name, for messages.
    file: &'a str,
    /// Cells of the sheets counted so far.
    book: u64,
}

impl CellBudget<'_> {
    /// Checks one sheet's `cells` (described as `what`) against the
    /// per-sheet budget.
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

    /// Adds a sheet's cells to the workbook's total and checks it.
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

/// A numeric attribute of an XML start tag.
fn attr_u64(e: &quick_xml::events::BytesStart<'_>, key: &str) -> Option<u64> {
    let a = e.try_get_attribute(key).ok()??;
    a.value.trim().parse().ok()
}

/// A text attribute of an XML start tag.
fn attr_str(e: &quick_xml::events::BytesStart<'_>, key: &str) -> Option<String> {
    let a = e.try_get_attribute(key).ok()??;
    Some(a.value.into_owned())
}
