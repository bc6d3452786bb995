//! Excel tables over sheets of any length, at the cost of copying the saved
//! file once.
//!
//! Why: rust_xlsxwriter's `add_table` records every cell of a table's range
//! in a hash map to detect overlapping tables — at 100,000 customers × 28
//! columns that was 0.8 s and about 100 MB, a third of the audit, and the
//! reason the Customers sheet used to lose its table above 100,000 rows. The
//! range itself is written only in the table's own small part
//! (`xl/tables/tableN.xml`): the worksheet part merely points at it. So a
//! sheet declares its table over the header and first data row, and after
//! the save [`widen`] rewrites those few table parts with the full range
//! while every other part is copied still compressed, byte for byte.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

use rust_xlsxwriter::XlsxError;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

/// A table declared short: its name and the range it must really cover.
#[derive(Debug, Clone)]
pub struct Widen {
    /// The table's name (`CustomersTable`), which identifies its part.
    pub name: String,
    /// The range given to `add_table` (`A1:AB2`).
    pub declared: String,
    /// The range the table covers (`A1:AB100001`).
    pub full: String,
}

/// Copies the workbook `src` to `dst` with every table in `tables` widened
/// to its full range; an error if a listed table is missing or its part
/// does not carry the declared range exactly twice (table and autofilter),
/// so a change in the writer's output cannot go unnoticed.
pub fn widen(src: &Path, dst: &Path, tables: &[Widen], level: u8) -> Result<(), XlsxError> {
    let mut zip = ZipArchive::new(BufReader::new(File::open(src)?)).map_err(zip_err)?;
    let mut out = ZipWriter::new(BufWriter::new(File::create(dst)?));
    let mut done = vec![false; tables.len()];
    for i in 0..zip.len() {
        let is_table = zip
            .name_for_index(i)
            .and_then(|n| n.ok())
            .is_some_and(|n| n.starts_with("xl/tables/") && n.ends_with(".xml"));
        if !is_table {
            out.raw_copy_file(zip.by_index_raw(i).map_err(zip_err)?)
                .map_err(zip_err)?;
            continue;
        }
        let mut part = zip.by_index(i).map_err(zip_err)?;
        let name = part.name().map_err(zip_err)?.to_string();
        let mut xml = String::new();
        part.read_to_string(&mut xml)?;
        drop(part);
        if let Some(k) = tables
            .iter()
            .position(|t| xml.contains(&format!(" name=\"{}\"", t.name)))
        {
            xml = widened(&xml, &tables[k])?;
            done[k] = true;
        }
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(i64::from(level)))
            .unix_permissions(0o600)
            .last_modified_time(DateTime::default());
        out.start_file(name, options).map_err(zip_err)?;
        out.write_all(xml.as_bytes())?;
    }
    if let Some(k) = done.iter().position(|d| !d) {
        return Err(XlsxError::ParameterError(format!(
            "the table {} was not found in the saved workbook",
            tables[k].name
        )));
    }
    out.finish().map_err(zip_err)?.flush()?;
    Ok(())
}

/// The table part `xml` with the declared range replaced by the full one.
fn widened(xml: &str, t: &Widen) -> Result<String, XlsxError> {
    let declared = format!("ref=\"{}\"", t.declared);
    if xml.matches(&declared).count() != 2 {
        return Err(XlsxError::ParameterError(format!(
            "the table {} does not carry its range {} as expected",
            t.name, t.declared
        )));
    }
    Ok(xml.replace(&declared, &format!("ref=\"{}\"", t.full)))
}

fn zip_err(e: zip::result::ZipError) -> XlsxError {
    XlsxError::ParameterError(format!("rewriting the saved workbook: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(declared: &str) -> Widen {
        Widen {
            name: "CustomersTable".into(),
            declared: declared.into(),
            full: "A1:C100001".into(),
        }
    }

    #[test]
    fn widens_table_and_autofilter() {
        let xml =
            r#"<table id="1" name="CustomersTable" ref="A1:C2"><autoFilter ref="A1:C2"/></table>"#;
        let w = widened(xml, &table("A1:C2")).unwrap();
        assert_eq!(
            w,
            r#"<table id="1" name="CustomersTable" ref="A1:C100001"><autoFilter ref="A1:C100001"/></table>"#
        );
    }

    #[test]
    fn refuses_a_part_without_the_declared_range() {
        let xml =
            r#"<table id="1" name="CustomersTable" ref="A1:C9"><autoFilter ref="A1:C9"/></table>"#;
        assert!(widened(xml, &table("A1:C2")).is_err());
    }
}
