//! Streaming an xlsx sheet on two cores: calamine's XML cell reader on a
//! scoped thread, the record builder on the calling one.

use std::ops::ControlFlow;

use calamine::DataRef;

use super::row::{CellKind, Row, UNCOMPUTED};
use super::table::{EXCEL_ROWS, MAX_COLUMNS, column_limit, unreadable};
use crate::error::{Code, Location, Problem};

/// Rows handed from the reading thread to the consuming one at a time.
const BATCH_ROWS: usize = 512;
/// Bytes of row buffers per batch before it is handed on early (wide or
/// text-heavy rows), so the batches in flight stay small.
const BATCH_BYTES: usize = 16 << 20;
/// A recycled row holding more than this is replaced by a fresh one.
const REUSE_BYTES: usize = 64 << 10;

/// A batch of rows; its row buffers travel back to the reader for reuse.
struct Batch {
    rows: Vec<Row>,
    len: usize,
}

/// Streams an xlsx sheet on two cores: a scoped thread runs calamine's XML
/// cell reader and fills batches of rows, while the calling thread turns rows
/// into records. Batches are recycled, so steady state allocates nothing.
/// A sheet read to its end, or a read that failed, waits for the verdict of
/// the `gate`'s meter (see `guard::gate`), whose problem comes first.
pub(super) fn stream_xlsx(
    x: &mut calamine::Xlsx<super::guard::Input>,
    gate: Option<&super::guard::Gate>,
    sheet: &str,
    loc: &Location,
    f: &mut dyn FnMut(&Row) -> ControlFlow<()>,
) -> Result<(), Problem> {
    use std::sync::mpsc;
    let fail = |e: String| unreadable(loc, e);
    let shift = super::table::date_shift(x.has_1904_epoch());
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
                let mut seen: u64 = 0;
                let mut row_bytes: u64 = 0;
                let mut batch_bytes: usize = 0;
                while let Some(cell) = cells
                    .next_cell_with_formula_metadata()
                    .map_err(|e| fail(e.to_string()))?
                {
                    let (r, c) = cell.pos;
                    seen += 1;
                    if seen > super::guard::MAX_STREAM_CELLS {
                        return Err(super::guard::over_limit(
                            &loc.file,
                            loc.sheet.as_deref(),
                            "its number of cells".into(),
                            format!("{} cells", super::guard::count(super::guard::MAX_STREAM_CELLS)),
                        ));
                    }
                    if c >= MAX_COLUMNS {
                        return Err(column_limit(loc, r, c));
                    }
                    if r >= EXCEL_ROWS {
                        return Err(Problem::new(Code::ExcelLimit,
                            loc.clone(),
                            format!("has a cell on row {}, beyond Excel's {EXCEL_ROWS}-row limit", u64::from(r) + 1),
                            "a sheet within Excel's size limits (the file may be corrupt or hostile)",
                        ));
                    }
                    if current != Some(r) {
                        row_bytes = 0;
                        if current.is_some() && !batch.rows[batch.len].is_blank() {
                            batch_bytes += batch.rows[batch.len].retained();
                            batch.len += 1;
                            if batch.len == BATCH_ROWS || batch_bytes >= BATCH_BYTES {
                                batch_bytes = 0;
                                let next = empty_rx
                                    .try_recv()
                                    .map(|mut b| {
                                        for row in b.rows.iter_mut() {
                                            if row.retained() > REUSE_BYTES {
                                                *row = Row::default();
                                            }
                                        }
                                        b
                                    })
                                    .unwrap_or_else(|_| fresh());
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
                        batch.rows[batch.len].set_data(c as usize, &cell.value, shift);
                        row_bytes += batch.rows[batch.len].get(c).text.len() as u64;
                        if row_bytes > super::guard::MAX_ROW_BYTES {
                            return Err(super::guard::over_limit(
                                &loc.file,
                                loc.sheet.as_deref(),
                                format!("the text of row {}", u64::from(r) + 1),
                                format!("{} per row", super::guard::bytes(super::guard::MAX_ROW_BYTES)),
                            ));
                        }
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
        // Owned by `consume`, so an early return drops it and frees the reader.
        consume(full_rx, empty_tx, gate, f)
    })
}

/// Hands the batches' rows to `f` and the emptied batches back; the gate's
/// verdict comes first when the read failed or reached the sheet's end.
fn consume(
    full_rx: std::sync::mpsc::Receiver<Result<Batch, Problem>>,
    empty_tx: std::sync::mpsc::Sender<Batch>,
    gate: Option<&super::guard::Gate>,
    f: &mut dyn FnMut(&Row) -> ControlFlow<()>,
) -> Result<(), Problem> {
    let verdict = || gate.map_or(Ok(()), |g| g.outcome());
    for batch in full_rx.iter() {
        let batch = match batch {
            Ok(b) => b,
            Err(p) => return verdict().and(Err(p)),
        };
        for row in &batch.rows[..batch.len] {
            if f(row).is_break() {
                return Ok(()); // dropping the receiver stops the reader
            }
        }
        let _ = empty_tx.send(batch);
    }
    verdict()
}
