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
use std::io::{Read, Seek, SeekFrom};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use calamine::{Reader, Sheets};

use super::csv::read_csv;
use super::fields::{Field, Mapping, locate_header, normalize};
use super::guard;
use super::row::data_ref;
pub use super::row::{Cell, CellKind, Row};
use super::sniff::{Content, classify, describe_calamine, utf16_encoding};
use super::xlsx::stream_xlsx;
use crate::error::{Code, Diagnostic, Location, Problem, column_letters, display_name};

/// How many rows at the top of a sheet may hold titles before the header.
pub const HEADER_SCAN_ROWS: usize = 30;
/// Excel's column limit; a cell further right is refused as hostile or corrupt.
pub const MAX_COLUMNS: u32 = 16_384;
/// Excel's row limit; an xlsx cell below it is refused as corrupt or hostile.
pub const EXCEL_ROWS: u32 = 1_048_576;
/// Rows accepted from one table (Excel's sheet limit is 1,048,576; CSV may hold more).
pub const MAX_ROWS: u32 = 10_000_000;

enum Book {
    Calamine(Box<Sheets<guard::Input>>),
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
    /// The meter of the large xlsx sheets, running beside the reads.
    gate: guard::GateHandle,
}

/// The extensions mixaudit reads.
pub const EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xlsb", "xls", "ods", "csv", "tsv", "txt"];

impl Workbook {
    /// Opens a file, recognising what it really is from its first bytes so a
    /// password-protected workbook or a PDF renamed `.xlsx` gets a clear message.
    pub fn open(path: &Path) -> Result<Workbook, Problem> {
        let name = display_name(path);
        let mut file = guard::open_regular(path, guard::MAX_INPUT_BYTES)?;
        let mut head = [0u8; 512];
        let n = file.read(&mut head).map_err(|e| {
            Problem::new(
                Code::Unreadable,
                Location::file(path),
                format!("cannot be read: {e}"),
                "",
            )
        })?;
        let head = &head[..n];
        if n == 0 {
            return Err(Problem::new(
                Code::EmptyFile,
                Location::file(path),
                "is an empty file",
                "a spreadsheet (.xlsx, .xls, .ods) or .csv file",
            ));
        }
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let utf16 = utf16_encoding(head);
        let text_like = !head.contains(&0) || utf16.is_some();
        if classify(path, &ext, head, text_like)? == Content::Text {
            return Ok(Workbook {
                path: path.to_path_buf(),
                name,
                book: Book::Csv(utf16),
                sheets: vec![],
                visible: vec![],
                gate: guard::GateHandle(None),
            });
        }
        let kind = guard::Kind::from_ext(&ext).expect("a workbook extension");
        let (sheets, gate) = open_workbook(path, file, kind, &name)?;
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
            gate: guard::GateHandle(gate),
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

    /// Whether the workbook counts dates in the 1904 system, so that plain
    /// numbers read as dates are shifted like date cells are.
    pub fn date1904(&self) -> bool {
        match &self.book {
            Book::Calamine(b) => uses_1904(b),
            Book::Csv(_) => false,
        }
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
                let gate = self.gate.0.as_deref();
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    read_calamine(book, gate, sheet, &loc, f)
                }));
                result.unwrap_or_else(|_| {
                    Err(Problem::new(
                        Code::MalformedWorkbook,
                        loc.clone(),
                        "is malformed (the spreadsheet reader gave up on it)",
                        "a workbook that opens in Excel or LibreOffice",
                    ))
                })
            }
        }
    }
}

/// Pre-scans the workbook `file` (named `name`) against the input budgets,
/// then opens it with calamine from its start, a calamine error or panic
/// turned into a problem for `path`; with the meter of its large sheets,
/// when it has some.
fn open_workbook(
    path: &Path,
    mut file: File,
    kind: guard::Kind,
    name: &str,
) -> Result<(Sheets<guard::Input>, Option<Arc<guard::Gate>>), Problem> {
    let loc = || Location::file(path);
    file.seek(SeekFrom::Start(0))
        .map_err(|e| Problem::new(Code::Unreadable, loc(), format!("cannot be read: {e}"), ""))?;
    let gate = guard::prescan(&file, kind, name)?;
    file.seek(SeekFrom::Start(0))
        .map_err(|e| Problem::new(Code::Unreadable, loc(), format!("cannot be read: {e}"), ""))?;
    let for_reader = gate.clone();
    let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        guard::open_sheets(file, kind, for_reader)
    }));
    if !matches!(opened, Ok(Ok(_)))
        && let Some(g) = &gate
    {
        // A part over budget stopped calamine: say that, not what it saw.
        // (The verdict comes once the meter has finished.)
        g.outcome()?;
    }
    match opened {
        Ok(Ok(s)) => Ok((s, gate)),
        Ok(Err(e)) => Err(Problem::new(
            Code::MalformedWorkbook,
            loc(),
            describe_calamine(&e),
            "a workbook that opens in Excel or LibreOffice",
        )),
        Err(_) => Err(Problem::new(
            Code::MalformedWorkbook,
            loc(),
            "is malformed (the spreadsheet reader gave up on it)",
            "a workbook that opens in Excel or LibreOffice",
        )),
    }
}

pub(super) fn column_limit(loc: &Location, row: u32, col: u32) -> Problem {
    Problem::new(
        Code::ExcelLimit,
        loc.clone().at(row, col.min(MAX_COLUMNS)),
        format!(
            "a cell in column {} lies beyond Excel's {MAX_COLUMNS}-column limit",
            col + 1
        ),
        "a sheet within Excel's size limits (the file may be corrupt or hostile)",
    )
}

/// A sheet the spreadsheet reader failed on part-way.
pub(super) fn unreadable(loc: &Location, e: String) -> Problem {
    Problem::new(
        Code::MalformedWorkbook,
        loc.clone(),
        format!("cannot be read: {e}"),
        "a workbook that opens in Excel or LibreOffice",
    )
}

/// Days between the 1900 and the 1904 date systems' serial zero.
pub const DAYS_1900_TO_1904: f64 = 1_462.0;

/// What to add to a date serial read from a workbook so it counts from the
/// 1900 date system the rest of mixaudit (and its outputs) use.
pub(super) fn date_shift(date1904: bool) -> f64 {
    if date1904 { DAYS_1900_TO_1904 } else { 0.0 }
}

/// Whether a workbook uses the 1904 date system (`<workbookPr date1904="1"/>`
/// in xlsx, the DATEMODE record in xls, the flag in xlsb's workbook part).
/// calamine reads the flag but hands serials on unshifted. ODS stores dates
/// as ISO text, so it never needs a shift.
fn uses_1904(book: &Sheets<guard::Input>) -> bool {
    match book {
        Sheets::Xlsx(x) => x.has_1904_epoch(),
        Sheets::Xls(x) => x.has_1904_epoch(),
        Sheets::Xlsb(x) => x.has_1904_epoch(),
        Sheets::Ods(_) => false,
    }
}

fn read_calamine(
    book: &mut Sheets<guard::Input>,
    gate: Option<&guard::Gate>,
    sheet: &str,
    loc: &Location,
    f: &mut dyn FnMut(&Row) -> ControlFlow<()>,
) -> Result<(), Problem> {
    let fail = |e: String| unreadable(loc, e);
    if let Sheets::Xlsx(x) = book {
        return stream_xlsx(x, gate, sheet, loc, f);
    }
    let shift = date_shift(uses_1904(book));
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
            row.set_data(c0 as usize + j, &data_ref(d), shift);
        }
        if !row.is_blank() && f(&row).is_break() {
            break;
        }
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
    /// Problems with the header row itself (two columns with one name).
    pub problems: Vec<Problem>,
    /// Things worth saying about the table (CSV rows wider than the header,
    /// two columns naming one field).
    pub warnings: Vec<Diagnostic>,
    /// Conventions decided per column once every row was read: (field, in words).
    pub conventions: Vec<(String, String)>,
}

impl TableInfo {
    /// One entry of the input list (its hash is filled in once known).
    pub(super) fn input_file(
        &self,
        role: &str,
        path: &std::path::Path,
        sheet: String,
        fields: &[super::fields::Field],
    ) -> crate::model::InputFile {
        let info = self;
        let header = |col: u32| {
            info.headers
                .iter()
                .find(|(c, _)| *c == col)
                .map(|(_, h)| h.clone())
                .unwrap_or_default()
        };
        let m = &info.mapping;
        let read = crate::model::TableRead {
            header_row: m.header_row + 1,
            columns: fields
                .iter()
                .zip(&m.columns)
                .filter_map(|(f, c)| {
                    c.map(|c| {
                        (
                            f.name.to_string(),
                            crate::error::column_letters(c),
                            header(c),
                        )
                    })
                })
                .collect(),
            extras: m
                .extras
                .iter()
                .map(|(c, _, h)| (crate::error::column_letters(*c), h.clone()))
                .collect(),
            conventions: info.conventions.clone(),
        };
        crate::model::InputFile {
            role: role.into(),
            path: path.display().to_string(),
            sheet,
            rows: info.rows,
            sha256: String::new(),
            read,
        }
    }
}

/// CSV rows with more cells than the header: how many, and the first one's line.
#[derive(Default)]
struct Wide {
    count: usize,
    first_line: u32,
}

impl Wide {
    fn see(&mut self, info: &TableInfo, row: &Row) {
        let width = info.headers.last().map_or(0, |(c, _)| *c as usize + 1);
        if row.cells().len() > width && width > 0 {
            if self.count == 0 {
                self.first_line = row.line;
            }
            self.count += 1;
        }
    }

    fn warning(&self, book: &Workbook, info: &TableInfo) -> Option<Diagnostic> {
        (self.count > 0 && book.is_csv()).then(|| {
            Diagnostic::at(
                Code::WideRows,
                Location::file(&book.path),
                format!(
                    "{} row(s) have more cells than the header's {} column(s) (first on line {}); the cells beyond the header were ignored",
                    self.count,
                    info.headers.last().map_or(0, |(c, _)| *c + 1),
                    self.first_line
                ),
            )
        })
    }
}

/// Finds the header row among `rows` and maps it: the fields' columns, the
/// headers as written, and the header row's own problems and warnings.
fn table_info(
    rows: &[Row],
    fields: &[Field],
    mapped: &dyn Fn(&str) -> Option<String>,
    loc: &Location,
) -> Option<TableInfo> {
    let texts: Vec<(u32, Vec<Option<String>>)> = rows
        .iter()
        .map(|r| (r.index, r.cells().iter().map(Cell::header_text).collect()))
        .collect();
    let mapping = locate_header(&texts, fields, mapped)?;
    let headers: Vec<(u32, String)> = texts
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
    let problems = super::fields::duplicate_headers(loc, mapping.header_row, &headers);
    let warnings = shadow_warnings(&mapping, &headers, fields, loc);
    Some(TableInfo {
        mapping,
        headers,
        rows: 0,
        problems,
        warnings,
        conventions: Vec::new(),
    })
}

/// Warnings for later columns that name a field an earlier column already
/// names (`Revenue (DKK)` and `Revenue (EUR)`): the first is read.
fn shadow_warnings(
    mapping: &Mapping,
    headers: &[(u32, String)],
    fields: &[Field],
    loc: &Location,
) -> Vec<Diagnostic> {
    let header = |c: u32| {
        headers
            .iter()
            .find(|(k, _)| *k == c)
            .map_or("", |(_, h)| h.as_str())
    };
    mapping
        .shadowed
        .iter()
        .filter(|(_, a, b)| normalize(header(*a)) != normalize(header(*b)))
        .map(|(k, a, b)| {
            Diagnostic::at(Code::ShadowedColumn, loc.clone().at_row(mapping.header_row), format!(
                "columns {} \"{}\" and {} \"{}\" both name `{}`; {} is read, {} is kept as an extra column",
                column_letters(*a),
                header(*a),
                column_letters(*b),
                header(*b),
                fields[*k].name,
                column_letters(*a),
                column_letters(*b)
            ))
        })
        .collect()
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
    let mut too_wide: Option<Problem> = None;
    let header_of = |rows: &[Row]| table_info(rows, fields, mapped, &loc);
    let mut wide = Wide::default();
    book.for_each_row(sheet, &mut |row| {
        if let Some(info) = &mut found {
            info.rows += 1;
            wide.see(info, row);
            on_row(&info.mapping, row);
            return ControlFlow::Continue(());
        }
        if let Some(p) = guard::header_scan_row(&loc, row) {
            too_wide = Some(p);
            return ControlFlow::Break(());
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
                    wide.see(&info, &r);
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
    if let Some(p) = too_wide {
        return Err(p);
    }
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
                wide.see(&info, r);
                on_row(&info.mapping, r);
            }
            found = Some(info);
        }
    }
    if buffered.is_empty() && found.is_none() {
        return Err(Problem::new(
            Code::EmptySheet,
            loc,
            "the sheet is empty",
            "a header row and one row per record",
        ));
    }
    if let Some(info) = &mut found
        && let Some(w) = wide.warning(book, info)
    {
        info.warnings.push(w);
    }
    found.ok_or_else(|| {
        let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
        Problem::new(Code::NoHeaderRow,
            loc,
            format!("no header row found in the first {HEADER_SCAN_ROWS} rows: no row names any known column"),
            format!("a header row with columns such as {}", names.join(", ")),
        )
    })
}
