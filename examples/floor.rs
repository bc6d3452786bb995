//! The I/O floor of an audit: what reading a client folder and writing a
//! workbook of the same size costs, with no analysis at all.
//!
//! ```sh
//! cargo run --release --example floor -- [--read-only] [--zip-level N] [--out DIR] CLIENT_DIR
//! ```
//!
//! 1. Read: every cell of `customers.xlsx` (sheet `Customers`, else the first
//!    sheet) and `spend.xlsx` (sheet `Spend`, else the first sheet) goes through
//!    calamine's streaming `worksheet_cells_reader`, so memory stays flat.
//! 2. Write (skipped with `--read-only`): while the customers are read, each
//!    cell is copied to a rust_xlsxwriter constant-memory sheet `Customers`, and
//!    each data row is closed by six cheap derived columns (days since purchase,
//!    active, ladder stage, average order value, risk points, days since
//!    contact); then the spend cells go to a sheet `Spend`. The workbook is saved
//!    as `DIR/.floor.xlsx.partial` and renamed to `DIR/floor.xlsx`.
//!
//! `--zip-level N` (1–9) is the deflate level of the saved workbook. Without it
//! the floor uses rust_xlsxwriter's default (6); mixaudit saves with level 1
//! (`src/report/workbook/mod.rs`, `ZIP_LEVEL`), so compare like with like.
//! Built as an example of this crate, the floor links the same
//! rust_xlsxwriter features as mixaudit (`constant_memory`, `ryu`) and the
//! zip crate's default zlib-rs deflate, as the shared floor does.
//!
//! Timings and a tally of what was read (so the reads cannot be optimised
//! away) go to stderr; stdout stays empty. Used by `scripts/bench.sh`.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, anyhow};
use calamine::{DataRef, Reader, Xlsx, open_workbook};
use clap::Parser;
use rust_xlsxwriter::{Format, Workbook, Worksheet};

/// The generator's audit date, 2026-06-30, as an Excel serial day number.
const AS_OF_SERIAL: f64 = 46_203.0;

/// Headers of the six derived columns appended to each customer row.
const DERIVED_HEADERS: [&str; 6] = [
    "days_since_purchase",
    "active",
    "ladder_stage",
    "avg_order_value",
    "risk_points",
    "days_since_contact",
];

/// The customer fields the derived columns read, in slot order.
const INPUT_FIELDS: [&str; 7] = [
    "last_purchase",
    "orders",
    "revenue",
    "last_contact",
    "open_complaints",
    "satisfaction",
    "referrals",
];
const LAST_PURCHASE: usize = 0;
const ORDERS: usize = 1;
const REVENUE: usize = 2;
const LAST_CONTACT: usize = 3;
const COMPLAINTS: usize = 4;
const SATISFACTION: usize = 5;
const REFERRALS: usize = 6;

/// The I/O floor: read both inputs cell by cell and write them back out.
#[derive(Parser)]
#[command(name = "floor")]
struct Args {
    /// Only read the inputs; write nothing.
    #[arg(long)]
    read_only: bool,
    /// Deflate level of the saved workbook, 1 (fast) to 9 (small); default: rust_xlsxwriter's 6.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=9))]
    zip_level: Option<u8>,
    /// Folder for floor.xlsx (created if missing).
    #[arg(long, value_name = "DIR", default_value = "floor-out")]
    out: PathBuf,
    /// Client folder holding customers.xlsx and spend.xlsx.
    client_dir: PathBuf,
}

/// Counts of what was read, reported so no read is dead code.
#[derive(Default)]
struct Seen {
    rows: u64,
    cells: u64,
    number_sum: f64,
    text_bytes: usize,
}

impl Seen {
    fn note(&mut self, value: &DataRef<'_>) {
        match value {
            DataRef::Empty => return,
            DataRef::Int(i) => self.number_sum += *i as f64,
            DataRef::Float(x) => self.number_sum += *x,
            DataRef::DateTime(d) => self.number_sum += d.as_f64(),
            DataRef::SharedString(s) => self.text_bytes += s.len(),
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
                self.text_bytes += s.len()
            }
            DataRef::Bool(_) | DataRef::Error(_) => {}
        }
        self.cells += 1;
    }
}

/// Streams every cell of the sheet named `wanted` (case-insensitive; else the
/// first sheet) of the xlsx file at `path` into `each(row, column, value)`,
/// in the file's order (row by row). Returns the sheet name that was read.
fn stream_cells(
    path: &Path,
    wanted: &str,
    mut each: impl FnMut(u32, u16, &DataRef<'_>) -> Result<()>,
) -> Result<String> {
    let mut book: Xlsx<BufReader<File>> =
        open_workbook(path).with_context(|| format!("opening {}", path.display()))?;
    let names = book.sheet_names();
    let sheet = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case(wanted))
        .or(names.first())
        .cloned()
        .ok_or_else(|| anyhow!("{}: the workbook has no sheets", path.display()))?;
    let mut reader = book
        .worksheet_cells_reader(&sheet)
        .with_context(|| format!("{} › {sheet}", path.display()))?;
    while let Some(cell) = reader
        .next_cell()
        .with_context(|| format!("{} › {sheet}", path.display()))?
    {
        let (row, col) = cell.get_position();
        let col = u16::try_from(col).context("column beyond Excel's limit")?;
        each(row, col, cell.get_value())?;
    }
    Ok(sheet)
}

/// A number, if the cell holds one (dates as their serial day number).
fn as_number(value: &DataRef<'_>) -> Option<f64> {
    match value {
        DataRef::Int(i) => Some(*i as f64),
        DataRef::Float(x) => Some(*x),
        DataRef::DateTime(d) => Some(d.as_f64()),
        _ => None,
    }
}

/// Copies one read cell to the same place of `sheet`.
fn copy_cell(
    sheet: &mut Worksheet,
    date_format: &Format,
    row: u32,
    col: u16,
    value: &DataRef<'_>,
) -> Result<()> {
    match value {
        DataRef::Empty => return Ok(()),
        DataRef::Int(i) => sheet.write_number(row, col, *i as f64)?,
        DataRef::Float(x) => sheet.write_number(row, col, *x)?,
        DataRef::Bool(b) => sheet.write_boolean(row, col, *b)?,
        DataRef::DateTime(d) => {
            sheet.write_number_with_format(row, col, d.as_f64(), date_format)?
        }
        DataRef::SharedString(s) => sheet.write_string(row, col, *s)?,
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            sheet.write_string(row, col, s)?
        }
        DataRef::Error(e) => sheet.write_string(row, col, e.to_string())?,
    };
    Ok(())
}

/// Row state of the Customers sheet: which column feeds which input field,
/// and the field values of the row being read.
struct Deriver {
    /// `slot_of[col]` = index into `INPUT_FIELDS`, for the header's columns.
    slot_of: Vec<Option<usize>>,
    /// The current row's values, by slot.
    values: [Option<f64>; INPUT_FIELDS.len()],
    /// First column after the header's last one: where the derived cells go.
    first_derived: u16,
}

impl Deriver {
    fn new() -> Self {
        Deriver {
            slot_of: Vec::new(),
            values: [None; INPUT_FIELDS.len()],
            first_derived: 0,
        }
    }

    /// Learns the column of a header cell.
    fn header(&mut self, col: u16, value: &DataRef<'_>) {
        let text = match value {
            DataRef::SharedString(s) => *s,
            DataRef::String(s) => s.as_str(),
            _ => "",
        };
        let col = usize::from(col);
        if self.slot_of.len() <= col {
            self.slot_of.resize(col + 1, None);
        }
        let text = text.trim();
        self.slot_of[col] = INPUT_FIELDS
            .iter()
            .position(|f| f.eq_ignore_ascii_case(text));
        self.first_derived = self.first_derived.max(col as u16 + 1);
    }

    /// Keeps a data cell's value if its column feeds a derived field.
    fn data(&mut self, col: u16, value: &DataRef<'_>) {
        if let Some(Some(slot)) = self.slot_of.get(usize::from(col)) {
            self.values[*slot] = as_number(value);
        }
    }

    fn write_headers(&self, sheet: &mut Worksheet, row: u32, bold: &Format) -> Result<()> {
        for (k, name) in DERIVED_HEADERS.iter().enumerate() {
            sheet.write_string_with_format(row, self.first_derived + k as u16, *name, bold)?;
        }
        Ok(())
    }

    /// Writes the six derived cells of the finished row and forgets its values.
    fn close_row(&mut self, sheet: &mut Worksheet, row: u32) -> Result<()> {
        let v = std::mem::replace(&mut self.values, [None; INPUT_FIELDS.len()]);
        let at = self.first_derived;
        let orders = v[ORDERS].unwrap_or(0.0);
        let since_purchase = v[LAST_PURCHASE].map(|d| AS_OF_SERIAL - d);
        let since_contact = v[LAST_CONTACT].map(|d| AS_OF_SERIAL - d);

        if let Some(days) = since_purchase {
            sheet.write_number(row, at, days)?;
        }
        let active = matches!(since_purchase, Some(d) if d <= 365.0);
        sheet.write_boolean(row, at + 1, active)?;
        let stage = if orders < 1.0 {
            "prospect"
        } else if v[REFERRALS].unwrap_or(0.0) >= 1.0 {
            "advocate"
        } else if orders >= 2.0 {
            "client"
        } else {
            "customer"
        };
        sheet.write_string(row, at + 2, stage)?;
        if orders >= 1.0 {
            sheet.write_number(row, at + 3, v[REVENUE].unwrap_or(0.0) / orders)?;
        }
        let flags = [
            v[COMPLAINTS].unwrap_or(0.0) > 0.0,
            matches!(since_contact, Some(d) if d > 90.0),
            matches!(v[SATISFACTION], Some(s) if s <= 6.0),
            matches!(since_purchase, Some(d) if d > 180.0),
        ];
        let risk = flags.iter().filter(|&&f| f).count();
        sheet.write_number(row, at + 4, risk as f64)?;
        if let Some(days) = since_contact {
            sheet.write_number(row, at + 5, days)?;
        }
        Ok(())
    }
}

/// Reads both inputs and writes nothing.
fn read_only(customers: &Path, spend: &Path) -> Result<()> {
    let start = Instant::now();
    let mut seen = Seen::default();
    let mut lap = Vec::new();
    for (path, sheet) in [(customers, "Customers"), (spend, "Spend")] {
        let t = Instant::now();
        let mut last_row = None;
        stream_cells(path, sheet, |row, _, value| {
            if last_row != Some(row) {
                last_row = Some(row);
                seen.rows += 1;
            }
            seen.note(value);
            Ok(())
        })?;
        lap.push(t.elapsed().as_secs_f64());
    }
    eprintln!(
        "floor read-only: {} rows, {} cells (numbers sum {:.0}, text {} bytes); \
         customers {:.2}s, spend {:.2}s, total {:.2}s",
        seen.rows,
        seen.cells,
        seen.number_sum,
        seen.text_bytes,
        lap[0],
        lap[1],
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Reads both inputs and streams them, with the derived columns, into
/// `out/floor.xlsx`.
fn read_write(customers: &Path, spend: &Path, out: &Path, zip_level: Option<u8>) -> Result<()> {
    let start = Instant::now();
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let partial = out.join(".floor.xlsx.partial");
    let target = out.join("floor.xlsx");

    let mut book = Workbook::new();
    if let Some(level) = zip_level {
        book.set_zip_compression_level(level);
    }
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    let bold = Format::new().set_bold();
    let mut seen = Seen::default();

    // Customers: copy each cell as it arrives; when the row number changes the
    // previous row is complete and gets its derived cells.
    let sheet = book.add_worksheet_with_constant_memory()?;
    sheet.set_name("Customers")?;
    let mut deriver = Deriver::new();
    let mut header_row: Option<u32> = None;
    let mut open_row: Option<u32> = None;
    stream_cells(customers, "Customers", |row, col, value| {
        if open_row != Some(row) {
            if let Some(done) = open_row {
                if Some(done) == header_row {
                    deriver.write_headers(sheet, done, &bold)?;
                } else {
                    deriver.close_row(sheet, done)?;
                }
            }
            header_row.get_or_insert(row);
            open_row = Some(row);
            seen.rows += 1;
        }
        seen.note(value);
        if Some(row) == header_row {
            deriver.header(col, value);
        } else {
            deriver.data(col, value);
        }
        copy_cell(sheet, &date_format, row, col, value)
    })?;
    match open_row {
        Some(last) if Some(last) == header_row => deriver.write_headers(sheet, last, &bold)?,
        Some(last) => deriver.close_row(sheet, last)?,
        None => {}
    }
    let t_customers = start.elapsed().as_secs_f64();

    // Spend: a plain copy.
    let sheet = book.add_worksheet_with_constant_memory()?;
    sheet.set_name("Spend")?;
    let mut last_row = None;
    stream_cells(spend, "Spend", |row, col, value| {
        if last_row != Some(row) {
            last_row = Some(row);
            seen.rows += 1;
        }
        seen.note(value);
        copy_cell(sheet, &date_format, row, col, value)
    })?;
    let t_filled = start.elapsed().as_secs_f64();

    let saved = book
        .save(&partial)
        .with_context(|| format!("saving {}", partial.display()));
    if let Err(e) = saved {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    std::fs::rename(&partial, &target)
        .with_context(|| format!("renaming {} to {}", partial.display(), target.display()))?;
    let total = start.elapsed().as_secs_f64();
    let bytes = std::fs::metadata(&target).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "floor read+write (zip level {}): {} rows, {} cells (numbers sum {:.0}, text {} bytes); \
         customers read+fill {:.2}s, spend read+fill {:.2}s, save {:.2}s, total {:.2}s -> {} ({:.1} MB)",
        zip_level.map_or_else(|| "default 6".to_string(), |l| l.to_string()),
        seen.rows,
        seen.cells,
        seen.number_sum,
        seen.text_bytes,
        t_customers,
        t_filled - t_customers,
        total - t_filled,
        total,
        target.display(),
        bytes as f64 / 1e6
    );
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    let customers = args.client_dir.join("customers.xlsx");
    let spend = args.client_dir.join("spend.xlsx");
    let done = if args.read_only {
        read_only(&customers, &spend)
    } else {
        read_write(&customers, &spend, &args.out, args.zip_level)
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("floor: {e:#}");
            ExitCode::FAILURE
        }
    }
}
