//! audit.xlsx: the annotated, live workbook.
//!
//! Scores on Summary, Touchpoints and Matrix are Excel formulas over the Matrix
//! marks (✓ ½ ✗) and the Checklist weights, written with cached results equal
//! to the JSON values: the file opens with the right numbers, and a consultant
//! who edits a weight sees every score recalculate. One file per sheet group.

mod checklist;
mod cohorts;
mod customers;
mod findings;
mod gaps;
mod matrix;
pub mod portfolio;
mod print;
mod segments;
mod style;
mod summary;
mod tables;
mod touchpoints;
mod value;

use std::path::Path;

use rust_xlsxwriter::{DocProperties, Workbook, Worksheet, XlsxError};

use crate::audit::Audit;
use crate::error::{Error, Result};
pub use matrix::Layout;
pub use style::Styles;

/// Deflate level for the output: level 1 deflates several times faster than
/// the default 6 for a somewhat larger file, which matters at a million rows.
pub const ZIP_LEVEL: u8 = 1;

fn xlsx_err(path: &Path) -> impl Fn(XlsxError) -> Error + '_ {
    move |e| Error::Output {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// Writes the workbook to `path`; `scratch` holds the constant-memory
/// writer's temporary files (on the output's disk, so a full disk is one
/// clear error). A panic inside the writer (it panics when it cannot write
/// a temporary file) becomes an error, never a crash.
pub fn write(audit: &Audit, path: &Path, scratch: &Path) -> Result<()> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build(audit, path, scratch)))
        .unwrap_or_else(|_| {
            Err(XlsxError::ParameterError(
                "the workbook writer failed while writing its temporary files (is the disk full?)"
                    .into(),
            ))
        })
        .map_err(xlsx_err(path))
}

fn build(audit: &Audit, path: &Path, scratch: &Path) -> std::result::Result<(), XlsxError> {
    let mut wb = Workbook::new();
    wb.set_tempdir(scratch)?;
    wb.set_zip_compression_level(ZIP_LEVEL);
    let styles = Styles::for_currency(audit.dataset.currency.as_deref());
    let layout = Layout::new(audit);
    let props = DocProperties::new()
        .set_title(format!("Retention audit — {}", audit.client))
        .set_subject(format!(
            "7P marketing-mix retention audit, {}",
            audit.period
        ))
        .set_author("mixaudit")
        .set_company(audit.client.as_str())
        .set_keywords("retention, marketing mix, 7P, audit")
        .set_comment(format!(
            "Checklist: {} {}",
            audit.checklist.name, audit.checklist.version
        ));
    wb.set_properties(&props);

    let mut sheets: Vec<Worksheet> = Vec::new();
    let mut s = Worksheet::new();
    summary::write(&mut s, audit, &layout, &styles)?;
    sheets.push(s);
    let mut s = Worksheet::new();
    touchpoints::write(&mut s, audit, &layout, &styles)?;
    sheets.push(s);
    let mut s = Worksheet::new();
    matrix::write_matrix(&mut s, audit, &layout, &styles)?;
    sheets.push(s);
    let mut s = Worksheet::new();
    checklist::write_checklist(&mut s, audit, &layout, &styles)?;
    sheets.push(s);
    for s in sheets {
        wb.push_worksheet(s);
    }
    let tables = customers::write(&mut wb, audit, &styles)?;
    let mut tail: Vec<Worksheet> = Vec::new();
    let mut s = Worksheet::new();
    segments::write_segments(&mut s, audit, &styles)?;
    tail.push(s);
    let mut s = Worksheet::new();
    value::write_value(&mut s, audit, &styles)?;
    tail.push(s);
    let mut s = Worksheet::new();
    cohorts::write_cohorts(&mut s, audit, &styles)?;
    tail.push(s);
    let mut s = Worksheet::new();
    segments::write_spend(&mut s, audit, &styles)?;
    tail.push(s);
    let mut s = Worksheet::new();
    findings::write_findings(&mut s, audit, &styles)?;
    tail.push(s);
    let mut s = Worksheet::new();
    gaps::write_data_gaps(&mut s, audit, &styles)?;
    tail.push(s);
    let mut s = Worksheet::new();
    findings::write_about(&mut s, audit, &styles)?;
    tail.push(s);
    for s in tail {
        wb.push_worksheet(s);
    }
    layout.define_names(&mut wb)?;
    if tables.is_empty() {
        wb.save(path)?;
        return Ok(());
    }
    let short = scratch.join("declared-tables.xlsx");
    wb.save(&short)?;
    drop(wb);
    tables::widen(&short, path, &tables, ZIP_LEVEL)?;
    std::fs::remove_file(&short)?;
    Ok(())
}

/// What the sheet writers' helpers read: the audit, the shared cell layout
/// and the formats. Bundled so a helper takes one argument instead of three.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    /// The audit being written.
    audit: &'a Audit,
    /// Cell positions the cross-sheet formulas share.
    layout: &'a Layout,
    /// The workbook's formats.
    st: &'a Styles,
}

/// The title every printed page's header carries.
fn page_title(audit: &Audit) -> String {
    format!("Retention audit — {}", audit.client)
}

/// A formula with its cached result.
fn formula(text: String, cached: Option<f64>) -> rust_xlsxwriter::Formula {
    let f = rust_xlsxwriter::Formula::new(text);
    match cached {
        Some(v) => f.set_result(format!("{v}")),
        None => f.set_result(""),
    }
}
