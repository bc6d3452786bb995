//! Helpers shared by the integration tests: run the real binary, make client
//! folders from CSV text, read workbooks back with calamine.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use calamine::{Data, Reader, open_workbook_auto};

/// Runs `mixaudit` with `args`.
pub fn mixaudit(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_mixaudit"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh temporary folder.
pub fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Writes `files` (name, text) into `dir`.
pub fn write_files(dir: &Path, files: &[(&str, &str)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

/// Reads audit.json of an output folder.
pub fn read_json(out: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("audit.json")).unwrap()).unwrap()
}

/// Reads one sheet of a workbook as rows of cells.
pub fn sheet(path: &Path, name: &str) -> calamine::Range<Data> {
    let mut wb = open_workbook_auto(path).expect("workbook opens");
    wb.worksheet_range(name).expect("sheet exists")
}

/// Sheet names of a workbook.
pub fn sheet_names(path: &Path) -> Vec<String> {
    open_workbook_auto(path)
        .expect("workbook opens")
        .sheet_names()
}

/// Minimal canonical spend CSV used by several tests.
pub const SPEND_CSV: &str = "touchpoint,p,spend,objective,stage,channel,cadence_days,personalized,feedback_loop\n\
Loyalty newsletter,promotion,1000,retention,customer;client,email,30,yes,no\n\
Paid search,promotion,3000,acquisition,prospect,paid search,,no,no\n";

/// Minimal canonical customers CSV: 4 customers, as_of 2026-06-30.
pub const CUSTOMERS_CSV: &str = "customer_id,name,last_purchase,orders,revenue,first_purchase,last_contact,satisfaction,referrals\n\
C1,Anna,2026-06-01,3,900,2025-01-10,2026-06-10,9,1\n\
C2,Ben,2025-01-15,1,100,2025-01-15,2025-02-01,5,0\n\
C3,Carla,2026-05-20,2,300,2026-05-01,,10,0\n\
C4,David,,0,0,,,,\n";

/// Writes a minimal xlsx by hand (one sheet named `sheet`, `sheet_data` is the
/// `<sheetData>` content), for cases no spreadsheet library writes: formulas
/// without cached results, cells past Excel's limits.
pub fn raw_xlsx(path: &Path, sheet: &str, dimension: &str, sheet_data: &str) {
    use std::io::Write;
    let f = std::fs::File::create(path).unwrap();
    let mut z = zip::ZipWriter::new(f);
    let opts = zip::write::SimpleFileOptions::default();
    let parts = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
        ("xl/workbook.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>"#)),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string()),
        ("xl/worksheets/sheet1.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{sheet_data}</sheetData></worksheet>"#)),
    ];
    for (name, body) in parts {
        z.start_file(name, opts).unwrap();
        z.write_all(body.as_bytes()).unwrap();
    }
    z.finish().unwrap();
}

/// An inline-string cell for [`raw_xlsx`].
pub fn raw_text(r: &str, t: &str) -> String {
    format!(r#"<c r="{r}" t="inlineStr"><is><t>{t}</t></is></c>"#)
}

/// The field name behind a Customers-sheet header ("Days since purchase" →
/// `days_since_purchase`), so checks can name fields as the spec does while
/// the sheet shows headers for a reader.
pub fn field_key(header: &str) -> String {
    // An input column renamed beside a derived one: "Risk (input)" → "risk (input)".
    if let Some(i) = header.find(" (input") {
        return format!("{}{}", field_key(&header[..i]), &header[i..]);
    }
    match header {
        "Warning signs (count)" => "risk_points".into(),
        "Overdue for contact" => "overdue_contact".into(),
        h => h.to_lowercase().replace(' ', "_"),
    }
}
