//! The ods pre-scan: content.xml, counted the way calamine expands it.
//!
//! Why: calamine's `ods.rs` reads every sheet at open, pushes one `Data` and
//! one `String` per repeated column of every row element, and `get_range`
//! expands `number-rows-repeated` up to 100,000,000 cells — an 859-byte file
//! asks for 5.5 GB. So per table the cells its rows store (up to the last
//! non-empty cell, column repeats expanded) and the range from the first to
//! the last non-empty row with row repeats expanded are checked against the
//! sheet and workbook budgets before calamine sees the file.

use std::io::{BufReader, Read};

use quick_xml::events::{BytesStart, Event};

use super::{
    COLS_LIMIT, CellBudget, MAX_LOADED_PART_BYTES, MAX_TOKEN_BYTES, Meter, ROWS_LIMIT, area,
    attr_str, attr_u64, meter_problem,
};
use crate::error::Problem;

/// One `<table:table>` (a sheet) as far as it has been read.
#[derive(Default)]
struct Table {
    /// The sheet's name, for messages.
    name: String,
    /// Rows so far, repeats expanded.
    rows: u64,
    /// The first row holding a value.
    first: Option<u64>,
    /// The row after the last row holding a value.
    last_end: u64,
    /// The leftmost column holding a value.
    col_min: u64,
    /// The column after the rightmost value.
    col_max: u64,
    /// Cells the rows store, column and row repeats expanded.
    stored: u64,
}

impl Table {
    /// A table named `name` with no rows yet.
    fn new(name: String) -> Self {
        Table {
            name,
            col_min: u64::MAX,
            ..Table::default()
        }
    }

    /// The range from the first to the last row holding a value, repeats
    /// expanded.
    fn span(&self) -> u64 {
        area(
            self.last_end - self.first.unwrap_or(self.last_end),
            self.col_max.saturating_sub(self.col_min),
        )
    }

    /// Adds a finished row (`repeats` times) and checks the sheet budgets.
    fn end_row(&mut self, r: RowState, budget: &mut CellBudget<'_>) -> Result<(), Problem> {
        if r.extent > 0 {
            self.first.get_or_insert(self.rows);
            self.last_end = self.rows + r.repeats;
            self.col_min = self.col_min.min(r.first_col.unwrap_or(0));
            self.col_max = self.col_max.max(r.extent);
            self.stored = self.stored.saturating_add(r.extent);
        }
        self.rows += r.repeats;
        budget.sheet(&self.name, "the number of cells it stores", self.stored)?;
        budget.sheet(
            &self.name,
            "the range its rows span once repeats are expanded",
            self.span(),
        )
    }
}

/// One `<table:table-row>` as far as it has been read.
#[derive(Default)]
struct RowState {
    /// How many times the row repeats (capped at the sheet's row limit).
    repeats: u64,
    /// The column after the cells read so far.
    col: u64,
    /// The column after the last cell holding a value.
    extent: u64,
    /// The first column holding a value.
    first_col: Option<u64>,
}

impl RowState {
    /// Adds a `<table:table-cell>` or covered cell, repeats expanded.
    fn add_cell(&mut self, e: &BytesStart<'_>, empty: bool) {
        let want = attr_u64(e, "table:number-columns-repeated").unwrap_or(1);
        let repeats = want.min(COLS_LIMIT.saturating_sub(self.col));
        let valued = !empty
            || e.try_get_attribute("office:value-type")
                .ok()
                .flatten()
                .is_some();
        if valued {
            self.first_col.get_or_insert(self.col);
            self.col += repeats;
            self.extent = self.col;
        } else {
            self.col += repeats;
        }
    }
}

/// The content.xml walk: the table and row open, and how deep inside a cell
/// the reader is (a cell's content is skipped).
struct Scan<'b, 'a> {
    /// The workbook's cell budgets.
    budget: &'b mut CellBudget<'a>,
    /// The open table, if any.
    table: Option<Table>,
    /// The open row, if any.
    row: Option<RowState>,
    /// Elements open inside the current cell (0: not in a cell).
    cell_depth: usize,
    /// Tables seen so far, to name unnamed ones.
    tables: usize,
}

impl Scan<'_, '_> {
    /// A start tag, or an empty element when `empty`.
    fn start(&mut self, e: &BytesStart<'_>, empty: bool) -> Result<(), Problem> {
        if self.cell_depth > 0 {
            if !empty {
                self.cell_depth += 1;
            }
            return Ok(());
        }
        match e.name().as_ref() {
            "table:table" if !empty => {
                self.tables += 1;
                let n = self.tables;
                let name = attr_str(e, "table:name").unwrap_or_else(|| format!("sheet {n}"));
                self.table = Some(Table::new(name));
            }
            "table:table-row" => {
                if let Some(t) = self.table.as_mut() {
                    let want = attr_u64(e, "table:number-rows-repeated").unwrap_or(1);
                    let repeats = want.min(ROWS_LIMIT.saturating_sub(t.rows));
                    let r = RowState {
                        repeats,
                        ..RowState::default()
                    };
                    if empty {
                        t.end_row(r, self.budget)?;
                    } else {
                        self.row = Some(r);
                    }
                }
            }
            "table:table-cell" | "table:covered-table-cell" => {
                if let Some(r) = self.row.as_mut() {
                    r.add_cell(e, empty);
                }
                if !empty {
                    self.cell_depth = 1;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// An end tag named `name`.
    fn end(&mut self, name: &str) -> Result<(), Problem> {
        if self.cell_depth > 0 {
            self.cell_depth -= 1;
            return Ok(());
        }
        match name {
            "table:table-row" => {
                if let (Some(t), Some(r)) = (self.table.as_mut(), self.row.take()) {
                    t.end_row(r, self.budget)?;
                }
            }
            "table:table" => {
                if let Some(t) = self.table.take() {
                    self.budget.add(&t.name, t.span().max(t.stored))?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Checks ods content.xml against the sheet and workbook cell budgets (and
/// its size and longest tag or text run); XML the scan cannot parse is left
/// to calamine.
pub(super) fn content(
    f: impl Read,
    name: &str,
    part: &str,
    budget: &mut CellBudget<'_>,
) -> Result<(), Problem> {
    let m = Meter::new(f, MAX_LOADED_PART_BYTES, Some(MAX_TOKEN_BYTES));
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(m));
    let mut buf = Vec::new();
    let mut scan = Scan {
        budget,
        table: None,
        row: None,
        cell_depth: 0,
        tables: 0,
    };
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => scan.start(&e, false)?,
            Ok(Event::Empty(e)) => scan.start(&e, true)?,
            Ok(Event::End(e)) => scan.end(e.name().as_ref())?,
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
    }
}
