//! One row of cells as every reader hands it on: a reusable buffer, so that
//! streaming a million-row sheet allocates nothing per cell.

use calamine::{Data, DataRef};

/// Error text of a formula cell that has no saved result.
pub const UNCOMPUTED: &str = "a formula with no saved result";

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
            CellKind::Number if self.num.is_nan() => "NaN (not a number)".into(),
            CellKind::Number if self.num.is_infinite() => {
                (if self.num > 0.0 { "infinity" } else { "-infinity" }).into()
            }
            CellKind::Number if self.num.abs() >= 1e15 => format!("{:e}", self.num),
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

/// `s` cut to `n` characters with an ellipsis, for quoting user text in messages.
pub(crate) fn truncate(s: &str, n: usize) -> String {
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
    /// One-based line a CSV record starts on (0 for spreadsheets).
    pub line: u32,
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

    /// Bytes this row's buffers hold (cells and their text, used or not), so
    /// a reused row can be let go once a hostile row made it huge.
    pub(super) fn retained(&self) -> usize {
        self.cells.capacity() * std::mem::size_of::<Cell>()
            + self.cells.iter().map(|c| c.text.capacity()).sum::<usize>()
    }

    pub(super) fn reset(&mut self, index: u32) {
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

    pub(super) fn is_blank(&self) -> bool {
        self.cells().iter().all(Cell::is_blank)
    }

    /// Sets a cell from calamine's value. `date_shift` is added to date
    /// serials: 1,462 for a workbook in the 1904 date system (Excel for Mac),
    /// whose serials count from 1904-01-01, so every date reads as written.
    pub(super) fn set_data(&mut self, col: usize, v: &DataRef<'_>, date_shift: f64) {
        match v {
            DataRef::Int(i) => self.set_num(col, CellKind::Number, *i as f64),
            DataRef::Float(f) => self.set_num(col, CellKind::Number, *f),
            DataRef::Bool(b) => self.set_num(col, CellKind::Bool, f64::from(u8::from(*b))),
            DataRef::DateTime(d) => {
                if d.is_duration() {
                    self.set_num(col, CellKind::Number, d.as_f64())
                } else {
                    self.set_num(col, CellKind::Date, d.as_f64() + date_shift)
                }
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

pub(super) fn data_ref(d: &Data) -> DataRef<'_> {
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
