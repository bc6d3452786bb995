//! Opening a spreadsheet or CSV file and streaming its rows.
//!
//! `.xlsx`/`.xlsm` are read cell by cell (calamine's streaming reader), so a
//! million-row export costs a few megabytes; `.xls`, `.xlsb` and `.ods` go
//! through calamine's whole-sheet reader; `.csv` through the `csv` crate with
//! the separator sniffed and non-UTF-8 (Windows-1252) text decoded. Every
//! reader hands rows to one callback as a reusable [`Row`], and
//! [`read_table`] finds the header row among title rows before handing on the
//! data rows.

use std::fs::File;
use std::io::{BufReader, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use calamine::{Data, DataRef, Reader, Sheets, open_workbook_auto};

use super::fields::{Field, Mapping, locate_header, normalize};
use crate::error::{Location, Problem, display_name};

/// How many rows at the top of a sheet may hold titles before the header.
pub const HEADER_SCAN_ROWS: usize = 30;
/// Excel's column limit; a cell further right is refused as hostile or corrupt.
pub const MAX_COLUMNS: u32 = 16_384;
/// Excel's row limit; an xlsx cell below it is refused as corrupt or hostile.
pub const EXCEL_ROWS: u32 = 1_048_576;
/// Rows accepted from one table (Excel's sheet limit is 1,048,576; CSV may hold more).
pub const MAX_ROWS: u32 = 10_000_000;

/// What a cell holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// Nothing.
    Empty,
    /// A number in `num`.
    Number,
    /// Text in `text`.
    Text,
    /// A boolean in `num` (1 or 0).
    Bool,
    /// A date cell: Excel serial in `num`.
    Date,
    /// An Excel error value (`#N/A`…) in `text`.
    Error,
}

/// One cell; its text buffer is reused from row to row, so streaming a sheet
/// does not allocate per cell.
#[derive(Debug, Clone)]
pub struct Cell {
    /// What it holds.
    pub kind: CellKind,
    /// Number, boolean or date serial.
    pub num: f64,
    /// Text or error text.
    pub text: String,
}

impl Cell {
    const EMPTY: Cell = Cell {
        kind: CellKind::Empty,
        num: 0.0,
        text: String::new(),
    };

    /// The cell as a user would recognise it in a message.
    pub fn show(&self) -> String {
        match self.kind {
            CellKind::Empty => "an empty cell".into(),
            CellKind::Number => format!("{}", self.num),
            CellKind::Bool => (if self.num != 0.0 { "TRUE" } else { "FALSE" }).into(),
            CellKind::Date => crate::input::value::date_from_serial(self.num)
                .map(|d| d.iso())
                .unwrap_or_else(|| format!("{}", self.num)),
            CellKind::Text => format!("\"{}\"", truncate(&self.text, 60)),
            CellKind::Error if self.text == UNCOMPUTED => {
                "a formula with no saved result (the file was saved by a program that does not calculate; open and save it in Excel or LibreOffice)".into()
            }
            CellKind::Error => format!("the error value {}", self.text),
        }
    }

    /// Whether the cell holds nothing (or only blanks).
    pub fn is_blank(&self) -> bool {
        match self.kind {
            CellKind::Empty => true,
            CellKind::Text => self.text.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as header text.
    pub fn header_text(&self) -> Option<String> {
        match self.kind {
            CellKind::Text => Some(self.text.trim().to_string()),
            CellKind::Number => Some(format!("{}", self.num)),
            _ => None,
        }
    }
}

static EMPTY_CELL: Cell = Cell::EMPTY;

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

/// A row of cells, reused while streaming.
#[derive(Debug, Clone, Default)]
pub struct Row {
    /// Zero-based row number in the sheet (or record number in a CSV file).
    pub index: u32,
    cells: Vec<Cell>,
    width: usize,
}

impl Row {
    /// The cell at a zero-based column (empty beyond the row's end).
    pub fn get(&self, col: u32) -> &Cell {
        let c = col as usize;
        if c < self.width {
            &self.cells[c]
        } else {
            &EMPTY_CELL
        }
    }

    /// Cells of the row, left to right.
    pub fn cells(&self) -> &[Cell] {
        &self.cells[..self.width]
    }

    fn reset(&mut self, index: u32) {
        self.index = index;
        for c in &mut self.cells[..self.width] {
            c.kind = CellKind::Empty;
        }
        self.width = 0;
    }

    fn slot(&mut self, col: usize) -> &mut Cell {
        if col >= self.cells.len() {
            self.cells.resize(col + 1, Cell::EMPTY);
        }
        if col >= self.width {
            for c in &mut self.cells[self.width..col] {
                c.kind = CellKind::Empty;
            }
            self.width = col + 1;
        }
        &mut self.cells[col]
    }

    /// Sets a cell to a number (or date/bool, by `kind`).
    pub fn set_num(&mut self, col: usize, kind: CellKind, num: f64) {
        let c = self.slot(col);
        c.kind = kind;
        c.num = num;
    }

    /// Sets a cell to text (or an error value).
    pub fn set_text(&mut self, col: usize, kind: CellKind, text: &str) {
        let c = self.slot(col);
        c.kind = kind;
        c.text.clear();
        c.text.push_str(text);
    }

    fn is_blank(&self) -> bool {
        self.cells().iter().all(Cell::is_blank)
    }

    fn set_data(&mut self, col: usize, v: &DataRef<'_>) {
        match v {
            DataRef::Int(i) => self.set_num(col, CellKind::Number, *i as f64),
            DataRef::Float(f) => self.set_num(col, CellKind::Number, *f),
            DataRef::Bool(b) => self.set_num(col, CellKind::Bool, f64::from(u8::from(*b))),
            DataRef::DateTime(d) => {
                let kind = if d.is_duration() {
                    CellKind::Number
                } else {
                    CellKind::Date
                };
                self.set_num(col, kind, d.as_f64())
            }
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
                self.set_text(col, CellKind::Text, s)
            }
            DataRef::SharedString(s) => self.set_text(col, CellKind::Text, s),
            DataRef::Error(e) => self.set_text(col, CellKind::Error, &e.to_string()),
            DataRef::Empty => {}
        }
    }
}

fn data_ref(d: &Data) -> DataRef<'_> {
    match d {
        Data::Int(i) => DataRef::Int(*i),
        Data::Float(f) => DataRef::Float(*f),
        Data::String(s) => DataRef::SharedString(s),
        Data::Bool(b) => DataRef::Bool(*b),
        Data::DateTime(d) => DataRef::DateTime(*d),
        Data::DateTimeIso(s) | Data::DurationIso(s) => DataRef::SharedString(s),
        Data::Error(e) => DataRef::Error(e.clone()),
        Data::Empty => DataRef::Empty,
    }
}

enum Book {
    Calamine(Box<Sheets<BufReader<File>>>),
    /// Delimited text; UTF-16 text (Excel's "Unicode Text") carries its encoding.
    Csv(Option<&'static encoding_rs::Encoding>),
}

/// An open input file: a workbook with sheets, or a CSV file (one unnamed sheet).
pub struct Workbook {
    path: PathBuf,
    name: String,
    book: Book,
    sheets: Vec<String>,
    /// Sheets not hidden, for the "only sheet" rule.
    visible: Vec<String>,
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The extensions mixaudit reads.
pub const EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xlsb", "xls", "ods", "csv", "tsv", "txt"];

impl Workbook {
    /// Opens a file, recognising what it really is from its first bytes so a
    /// password-protected workbook or a PDF renamed `.xlsx` gets a clear message.
    pub fn open(path: &Path) -> Result<Workbook, Problem> {
        let name = display_name(path);
        let loc = || Location::file(path);
        let mut head = [0u8; 512];
        let n = File::open(path)
            .and_then(|mut f| f.read(&mut head))
            .map_err(|e| Problem::new(loc(), format!("cannot be read: {e}"), ""))?;
        let head = &head[..n];
        if n == 0 {
            return Err(Problem::new(
                loc(),
                "is an empty file",
                "a spreadsheet (.xlsx, .xls, .ods) or .csv file",
            ));
        }
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let is_zip = head.starts_with(ZIP_MAGIC);
        let is_cfb = head.starts_with(CFB_MAGIC);
        let utf16 = if head.starts_with(&[0xFF, 0xFE]) {
            Some(encoding_rs::UTF_16LE)
        } else if head.starts_with(&[0xFE, 0xFF]) {
            Some(encoding_rs::UTF_16BE)
        } else {
            None
        };
        let text_like = !head.contains(&0) || utf16.is_some();
        let csv = |path: &Path| Workbook {
            path: path.to_path_buf(),
            name: name.clone(),
            book: Book::Csv(utf16),
            sheets: vec![],
            visible: vec![],
        };
        match ext.as_str() {
            "csv" | "tsv" | "txt" => {
                if !text_like {
                    return Err(Problem::new(
                        loc(),
                        "is not a text file (binary content)",
                        "comma, semicolon or tab separated text",
                    ));
                }
                return Ok(csv(path));
            }
            "xlsx" | "xlsm" | "xlsb" | "ods" if is_cfb => {
                return Err(Problem::new(
                    loc(),
                    "is password-protected (encrypted), so it cannot be read",
                    "the workbook saved again without a password (File › Info › Protect Workbook › remove the password)",
                ));
            }
            "xlsx" | "xlsm" | "xlsb" | "ods" if !is_zip => {
                return Err(Problem::new(
                    loc(),
                    format!("is not a spreadsheet ({})", sniff(head)),
                    format!("a real .{ext} workbook"),
                ));
            }
            "xls" if !is_cfb => {
                if text_like && !sniff(head).contains("HTML") {
                    // Old web exports write tab-separated text named .xls.
                    return Ok(csv(path));
                }
                return Err(Problem::new(
                    loc(),
                    format!("is not a spreadsheet ({})", sniff(head)),
                    "a real .xls workbook (or save it as .xlsx or .csv)",
                ));
            }
            "xlsx" | "xlsm" | "xlsb" | "ods" | "xls" => {}
            _ => {
                return Err(Problem::new(
                    loc(),
                    format!("has an unknown file type `.{ext}`"),
                    "one of .xlsx, .xlsm, .xlsb, .xls, .ods, .csv",
                ));
            }
        }
        let opened = std::panic::catch_unwind(|| open_workbook_auto(path));
        let sheets = match opened {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => {
                return Err(Problem::new(
                    loc(),
                    describe_calamine(&e),
                    "a workbook that opens in Excel or LibreOffice",
                ));
            }
            Err(_) => {
                return Err(Problem::new(
                    loc(),
                    "is malformed (the spreadsheet reader gave up on it)",
                    "a workbook that opens in Excel or LibreOffice",
                ));
            }
        };
        let names = sheets.sheet_names();
        let visible = sheets
            .sheets_metadata()
            .iter()
            .filter(|m| m.visible == calamine::SheetVisible::Visible)
            .map(|m| m.name.clone())
            .collect();
        Ok(Workbook {
            path: path.to_path_buf(),
            name,
            book: Book::Calamine(Box::new(sheets)),
            sheets: names,
            visible,
        })
    }

    /// The file name for messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The sheet names (empty for CSV).
    pub fn sheet_names(&self) -> &[String] {
        &self.sheets
    }

    /// Whether this is a CSV file.
    pub fn is_csv(&self) -> bool {
        matches!(self.book, Book::Csv(_))
    }

    /// Finds the sheet to read: the user's name, else a synonym, else the only
    /// sheet when `single_ok`. CSV files have one unnamed sheet ("").
    pub fn find_sheet(
        &self,
        names: &[&str],
        explicit: Option<&str>,
        single_ok: bool,
    ) -> Option<String> {
        if self.is_csv() {
            return single_ok.then(String::new);
        }
        if let Some(want) = explicit {
            let w = normalize(want);
            return self.sheets.iter().find(|s| normalize(s) == w).cloned();
        }
        let by_name = self
            .sheets
            .iter()
            .find(|s| names.iter().any(|n| normalize(n) == normalize(s)));
        if by_name.is_some() {
            return by_name.cloned();
        }
        if !single_ok {
            return None;
        }
        match (self.sheets.len(), self.visible.len()) {
            (1, _) => Some(self.sheets[0].clone()),
            // one visible sheet beside hidden helper sheets (lists, lookups)
            (_, 1) => Some(self.visible[0].clone()),
            _ => None,
        }
    }

    /// Location of a sheet for messages (no sheet part for CSV).
    pub fn location(&self, sheet: &str) -> Location {
        if self.is_csv() {
            Location::file(&self.path)
        } else {
            Location::sheet(&self.name, sheet)
        }
    }

    /// Streams every non-blank row of `sheet` to `f`, which may stop early.
    pub fn for_each_row(
        &mut self,
        sheet: &str,
        f: &mut dyn FnMut(&Row) -> ControlFlow<()>,
    ) -> Result<(), Problem> {
        let loc = self.location(sheet);
        let path = self.path.clone();
        match &mut self.book {
            Book::Csv(utf16) => read_csv(&path, *utf16, loc, f),
            Book::Calamine(book) => {
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    read_calamine(book, sheet, &loc, f)
                }));
                result.unwrap_or_else(|_| {
                    Err(Problem::new(
                        loc.clone(),
                        "is malformed (the spreadsheet reader gave up on it)",
                        "a workbook that opens in Excel or LibreOffice",
                    ))
                })
            }
        }
    }
}

fn sniff(head: &[u8]) -> &'static str {
    let lower = String::from_utf8_lossy(&head[..head.len().min(200)]).to_lowercase();
    if head.starts_with(b"%PDF") {
        "it is a PDF document"
    } else if lower.contains("<html")
        || lower.contains("<!doctype html")
        || lower.contains("<table")
    {
        "it is an HTML page"
    } else if head.starts_with(ZIP_MAGIC) {
        "it is a zip archive of another kind"
    } else if head.starts_with(CFB_MAGIC) {
        "it is an old Office document of another kind"
    } else if head.starts_with(b"\x89PNG") || head.starts_with(b"\xFF\xD8\xFF") {
        "it is an image"
    } else if !head.contains(&0) {
        "it is plain text"
    } else {
        "unrecognised binary content"
    }
}

fn describe_calamine(e: &calamine::Error) -> String {
    let text = e.to_string();
    let lower = text.to_lowercase();
    if lower.contains("password") || lower.contains("encrypt") {
        "is password-protected (encrypted), so it cannot be read".into()
    } else if lower.contains("zip")
        || lower.contains("invalid")
        || lower.contains("eof")
        || lower.contains("xml")
    {
        format!("is corrupt or truncated ({text})")
    } else {
        format!("could not be read ({text})")
    }
}

fn column_limit(loc: &Location, row: u32, col: u32) -> Problem {
    Problem::new(
        loc.clone().at(row, col.min(MAX_COLUMNS)),
        format!(
            "a cell in column {} lies beyond Excel's {MAX_COLUMNS}-column limit",
            col + 1
        ),
        "a sheet within Excel's size limits (the file may be corrupt or hostile)",
    )
}

/// A sheet the spreadsheet reader failed on part-way.
fn unreadable(loc: &Location, e: String) -> Problem {
    Problem::new(
        loc.clone(),
        format!("cannot be read: {e}"),
        "a workbook that opens in Excel or LibreOffice",
    )
}

fn read_calamine(
    book: &mut Sheets<BufReader<File>>,
    sheet: &str,
    loc: &Location,
    f: &mut dyn FnMut(&Row) -> ControlFlow<()>,
) -> Result<(), Problem> {
    let fail = |e: String| unreadable(loc, e);
    if let Sheets::Xlsx(x) = book {
        return stream_xlsx(x, sheet, loc, f);
    }
    let mut row = Row::default();
    let range = book
        .worksheet_range(sheet)
        .map_err(|e| fail(e.to_string()))?;
    let (r0, c0) = range.start().unwrap_or((0, 0));
    if range.width() as u64 + c0 as u64 > MAX_COLUMNS as u64 {
        return Err(column_limit(loc, r0, c0 + range.width() as u32));
    }
    for (i, cells) in range.rows().enumerate() {
        row.reset(r0 + i as u32);
        for (j, d) in cells.iter().enumerate() {
            row.set_data(c0 as usize + j, &data_ref(d));
        }
        if !row.is_blank() && f(&row).is_break() {
            break;
        }
    }
    Ok(())
}

/// Error text of a formula cell that has no saved result.
pub const UNCOMPUTED: &str = "a formula with no saved result";

/// Rows handed from the reading thread to the consuming one at a time.
const BATCH_ROWS: usize = 512;

/// A batch of rows; its row buffers travel back to the reader for reuse.
struct Batch {
    rows: Vec<Row>,
    len: usize,
}

/// Streams an xlsx sheet on two cores: a scoped thread runs calamine's XML
/// cell reader and fills batches of rows, while the calling thread turns rows
/// into records. Batches are recycled, so steady state allocates nothing.
fn stream_xlsx(
    x: &mut calamine::Xlsx<BufReader<File>>,
    sheet: &str,
    loc: &Location,
    f: &mut dyn FnMut(&Row) -> ControlFlow<()>,
) -> Result<(), Problem> {
    use std::sync::mpsc;
    let fail = |e: String| unreadable(loc, e);
    let (full_tx, full_rx) = mpsc::sync_channel::<Result<Batch, Problem>>(4);
    let (empty_tx, empty_rx) = mpsc::channel::<Batch>();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut produce = || -> Result<(), Problem> {
                let mut cells = x
                    .worksheet_cells_reader(sheet)
                    .map_err(|e| fail(e.to_string()))?;
                let fresh = || Batch {
                    rows: vec![Row::default(); BATCH_ROWS],
                    len: 0,
                };
                let mut batch = fresh();
                let mut current: Option<u32> = None;
                while let Some(cell) = cells
                    .next_cell_with_formula_metadata()
                    .map_err(|e| fail(e.to_string()))?
                {
                    let (r, c) = cell.pos;
                    if c >= MAX_COLUMNS {
                        return Err(column_limit(loc, r, c));
                    }
                    if r >= EXCEL_ROWS {
                        return Err(Problem::new(
                            loc.clone(),
                            format!("has a cell on row {}, beyond Excel's {EXCEL_ROWS}-row limit", u64::from(r) + 1),
                            "a sheet within Excel's size limits (the file may be corrupt or hostile)",
                        ));
                    }
                    if current != Some(r) {
                        if current.is_some() && !batch.rows[batch.len].is_blank() {
                            batch.len += 1;
                            if batch.len == BATCH_ROWS {
                                let next = empty_rx.try_recv().unwrap_or_else(|_| fresh());
                                let full = std::mem::replace(&mut batch, next);
                                if full_tx.send(Ok(full)).is_err() {
                                    return Ok(()); // the consumer stopped early
                                }
                                batch.len = 0;
                            }
                        }
                        batch.rows[batch.len].reset(r);
                        current = Some(r);
                    }
                    if cell.formula.is_some() && matches!(cell.value, DataRef::Empty) {
                        // Saved by a program that does not calculate (openpyxl, pandas…).
                        batch.rows[batch.len].set_text(c as usize, CellKind::Error, UNCOMPUTED);
                    } else {
                        batch.rows[batch.len].set_data(c as usize, &cell.value);
                    }
                }
                if current.is_some() && !batch.rows[batch.len].is_blank() {
                    batch.len += 1;
                }
                if batch.len > 0 {
                    let _ = full_tx.send(Ok(batch));
                }
                Ok(())
            };
            if let Err(p) = produce() {
                let _ = full_tx.send(Err(p));
            }
        });
        let full_rx = full_rx; // owned here, so an early return drops it and frees the reader
        for batch in full_rx.iter() {
            let batch = batch?;
            for row in &batch.rows[..batch.len] {
                if f(row).is_break() {
                    return Ok(()); // dropping the receiver stops the reader
                }
            }
            let _ = empty_tx.send(batch);
        }
        Ok(())
    })
}

/// Picks the separator from the first line: the most frequent of `;`, tab and
/// `,` outside quotes (Excel's `sep=;` line wins when present).
fn sniff_delimiter(first_line: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in first_line {
        match b {
            b'"' => quoted = !quoted,
            b';' if !quoted => counts[0] += 1,
            b'\t' if !quoted => counts[1] += 1,
            b',' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let candidates = [b';', b'\t', b','];
    let (best, n) = counts
        .iter()
        .enumerate()
        .max_by_key(|(i, n)| (**n, usize::from(*i == 2)))
        .map(|(i, n)| (candidates[i], *n))
        .unwrap_or((b',', 0));
    if n == 0 { b',' } else { best }
}

fn read_csv(
    path: &Path,
    utf16: Option<&'static encoding_rs::Encoding>,
    loc: Location,
    f: &mut dyn FnMut(&Row) -> ControlFlow<()>,
) -> Result<(), Problem> {
    let io = |e: std::io::Error| Problem::new(loc.clone(), format!("cannot be read: {e}"), "");
    let mut file: Box<dyn Read> = match utf16 {
        // UTF-16 exports (Excel's "Unicode Text") are small; decode them whole.
        Some(enc) => {
            let bytes = std::fs::read(path).map_err(io)?;
            let (text, _, _) = enc.decode(&bytes);
            Box::new(std::io::Cursor::new(text.into_owned().into_bytes()))
        }
        None => Box::new(BufReader::new(File::open(path).map_err(io)?)),
    };
    let mut head = Vec::new();
    (&mut file)
        .take(64 * 1024)
        .read_to_end(&mut head)
        .map_err(io)?;
    let mut start = 0;
    if head.starts_with(b"\xEF\xBB\xBF") {
        start = 3;
    }
    let first_line_end = head[start..]
        .iter()
        .position(|&b| b == b'\n')
        .map(|p| start + p)
        .unwrap_or(head.len());
    let first_line = &head[start..first_line_end];
    let (delimiter, skip_first) = match first_line.strip_prefix(b"sep=") {
        Some(rest) if !rest.is_empty() => (rest[0], true),
        _ => (sniff_delimiter(first_line), false),
    };
    if skip_first {
        start = (first_line_end + 1).min(head.len());
    }
    let rest = std::io::Cursor::new(head[start..].to_vec()).chain(file);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(rest);
    let mut record = csv::ByteRecord::new();
    let mut row = Row::default();
    let mut index: u32 = 0;
    let mut decoded = String::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(Problem::new(
                    loc.at_row(index),
                    format!("is not valid CSV here: {e}"),
                    "well-formed comma, semicolon or tab separated text",
                ));
            }
        }
        if index >= MAX_ROWS {
            return Err(Problem::new(
                loc.at_row(index),
                format!("has more than {MAX_ROWS} rows"),
                "a file within mixaudit's documented row limit",
            ));
        }
        if record.len() as u32 > MAX_COLUMNS {
            return Err(column_limit(&loc, index, record.len() as u32));
        }
        row.reset(index);
        for (j, field) in record.iter().enumerate() {
            if field.is_empty() {
                continue;
            }
            let text = match std::str::from_utf8(field) {
                Ok(t) => t,
                Err(_) => {
                    let (cow, _, _) = encoding_rs::WINDOWS_1252.decode(field);
                    decoded.clear();
                    decoded.push_str(&cow);
                    &decoded
                }
            };
            row.set_text(j, CellKind::Text, text);
        }
        if !row.is_blank() && f(&row).is_break() {
            break;
        }
        index += 1;
    }
    Ok(())
}

/// What [`read_table`] found.
#[derive(Debug, Clone)]
pub struct TableInfo {
    /// Where the fields are.
    pub mapping: Mapping,
    /// Every header as written, with its column (for messages).
    pub headers: Vec<(u32, String)>,
    /// Data rows handed on.
    pub rows: usize,
}

/// Streams a table: finds its header row within the first
/// [`HEADER_SCAN_ROWS`] rows, then hands each data row to `on_row`.
pub fn read_table(
    book: &mut Workbook,
    sheet: &str,
    fields: &[Field],
    mapped: &dyn Fn(&str) -> Option<String>,
    on_row: &mut dyn FnMut(&Mapping, &Row),
) -> Result<TableInfo, Problem> {
    let loc = book.location(sheet);
    let mut buffered: Vec<Row> = Vec::new();
    let mut found: Option<TableInfo> = None;
    let mut failed = false;
    let header_of = |rows: &[Row]| -> Option<TableInfo> {
        let texts: Vec<(u32, Vec<Option<String>>)> = rows
            .iter()
            .map(|r| (r.index, r.cells().iter().map(Cell::header_text).collect()))
            .collect();
        let mapping = locate_header(&texts, fields, mapped)?;
        let headers = texts
            .iter()
            .find(|(i, _)| *i == mapping.header_row)
            .map(|(_, cells)| {
                cells
                    .iter()
                    .enumerate()
                    .filter_map(|(c, h)| h.clone().filter(|h| !h.is_empty()).map(|h| (c as u32, h)))
                    .collect()
            })
            .unwrap_or_default();
        Some(TableInfo {
            mapping,
            headers,
            rows: 0,
        })
    };
    book.for_each_row(sheet, &mut |row| {
        if let Some(info) = &mut found {
            info.rows += 1;
            on_row(&info.mapping, row);
            return ControlFlow::Continue(());
        }
        buffered.push(row.clone());
        if buffered.len() < HEADER_SCAN_ROWS {
            return ControlFlow::Continue(());
        }
        match header_of(&buffered) {
            Some(mut info) => {
                for r in buffered
                    .drain(..)
                    .filter(|r| r.index > info.mapping.header_row)
                {
                    info.rows += 1;
                    on_row(&info.mapping, &r);
                }
                found = Some(info);
                ControlFlow::Continue(())
            }
            None => {
                failed = true;
                ControlFlow::Break(())
            }
        }
    })?;
    if found.is_none()
        && !failed
        && !buffered.is_empty()
        && let Some(mut info) = header_of(&buffered)
    {
        {
            for r in buffered
                .iter()
                .filter(|r| r.index > info.mapping.header_row)
            {
                info.rows += 1;
                on_row(&info.mapping, r);
            }
            found = Some(info);
        }
    }
    if buffered.is_empty() && found.is_none() {
        return Err(Problem::new(
            loc,
            "the sheet is empty",
            "a header row and one row per record",
        ));
    }
    found.ok_or_else(|| {
        let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
        Problem::new(
            loc,
            format!("no header row found in the first {HEADER_SCAN_ROWS} rows: no row names any known column"),
            format!("a header row with columns such as {}", names.join(", ")),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiter_sniffing() {
        assert_eq!(sniff_delimiter(b"a;b;c"), b';');
        assert_eq!(sniff_delimiter(b"a,b,c"), b',');
        assert_eq!(sniff_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter(b"\"x;y\",b,c"), b',');
        assert_eq!(sniff_delimiter(b"abc"), b',');
    }
}
