//! The workbook read back: sheets, chart, notes, the Customers table and its
//! autofilter, print set-up, defined names, number formats, document properties.

mod common;

use std::io::Read;
use std::path::Path;

use common::*;

/// The text of one part of the xlsx package.
fn part(xlsx: &Path, name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(xlsx).unwrap()).unwrap();
    let mut s = String::new();
    z.by_name(name)
        .unwrap_or_else(|_| panic!("{name} in package"))
        .read_to_string(&mut s)
        .unwrap();
    s
}

fn parts(xlsx: &Path) -> Vec<String> {
    let z = zip::ZipArchive::new(std::fs::File::open(xlsx).unwrap()).unwrap();
    z.file_names()
        .filter_map(Result::ok)
        .map(|n| n.to_string())
        .collect()
}

/// The worksheet part of a sheet name, following workbook.xml and its rels.
fn sheet_part(xlsx: &Path, sheet: &str) -> String {
    let wb = part(xlsx, "xl/workbook.xml");
    let rels = part(xlsx, "xl/_rels/workbook.xml.rels");
    let tag = wb
        .split("<sheet ")
        .find(|t| t.contains(&format!("name=\"{sheet}\"")))
        .expect("sheet listed");
    let rid = tag
        .split("r:id=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let rel = rels
        .split("<Relationship ")
        .find(|r| r.contains(&format!("Id=\"{rid}\"")))
        .unwrap();
    let target = rel
        .split("Target=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    format!("xl/{target}")
}

/// The parts a sheet's rels point to (drawings, comments, tables).
fn sheet_rels(xlsx: &Path, sheet: &str) -> String {
    let p = sheet_part(xlsx, sheet);
    let (dir, file) = p.rsplit_once('/').unwrap();
    part(xlsx, &format!("{dir}/_rels/{file}.rels"))
}

fn audit_example() -> (tempfile::TempDir, std::path::PathBuf) {
    let out = temp();
    let o = mixaudit(&[
        "audit",
        root().join("examples/nordlys").to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let x = out.path().join("audit.xlsx");
    (out, x)
}

#[test]
fn sheets_in_order() {
    let (_d, x) = audit_example();
    assert_eq!(
        sheet_names(&x),
        [
            "Summary",
            "Touchpoints",
            "Matrix",
            "Checklist",
            "Customers",
            "Segments",
            "Value",
            "Cohorts",
            "Spend",
            "Findings",
            "Data gaps",
            "About"
        ]
    );
}

#[test]
fn summary_has_a_radar_chart_of_the_seven_ps() {
    let (_d, x) = audit_example();
    let rels = sheet_rels(&x, "Summary");
    assert!(rels.contains("drawing"), "{rels}");
    let charts: Vec<String> = parts(&x)
        .into_iter()
        .filter(|p| p.starts_with("xl/charts/chart"))
        .collect();
    let radar = charts
        .iter()
        .map(|c| part(&x, c))
        .find(|c| c.contains("<c:radarChart>"))
        .expect("a radar chart");
    assert!(
        radar.contains("Summary!$C$8:$C$14"),
        "plots the 7 P scores: {radar}"
    );
    assert!(radar.contains("Summary!$A$8:$A$14"));
    assert!(
        charts.len() >= 5,
        "ladder, defection and spend charts too: {charts:?}"
    );
}

#[test]
fn failed_and_partial_results_carry_notes() {
    let (d, x) = audit_example();
    let v = read_json(d.path());
    let short: usize = v["touchpoints"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["results"].as_array().unwrap())
        .chain(v["portfolio_items"].as_array().unwrap())
        .filter(|r| r["status"] == "fail" || r["status"] == "partial")
        .count();
    assert!(short > 0);
    let rels = sheet_rels(&x, "Matrix");
    let comments_part = rels
        .split("Target=\"../")
        .filter_map(|t| t.split('"').next())
        .find(|t| t.starts_with("comments"))
        .expect("Matrix has notes");
    let comments = part(&x, &format!("xl/{comments_part}"));
    let fixes = comments.matches("Fix: ").count();
    assert_eq!(
        fixes, short,
        "one note with the fix on every ✗ and ½ result"
    );
    // The first failed result of the first touchpoint: its note says why and how to fix.
    let t0 = &v["touchpoints"][0];
    let failed = t0["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["status"] == "fail")
        .unwrap();
    assert!(comments.contains(&format!("{} fail", failed["item"].as_str().unwrap())));
    assert!(comments.contains("Why it matters: "));
    // Touchpoints: the score cell of a touchpoint with shortfalls has a note too.
    assert!(sheet_rels(&x, "Touchpoints").contains("comments"));
}

#[test]
fn customers_are_a_table_with_autofilter_and_frozen_header() {
    let (_d, x) = audit_example();
    let rels = sheet_rels(&x, "Customers");
    let table_part = rels
        .split("Target=\"../")
        .filter_map(|t| t.split('"').next())
        .find(|t| t.starts_with("tables/"))
        .expect("a table");
    let table = part(&x, &format!("xl/{table_part}"));
    assert!(table.contains("<autoFilter"), "table autofilter");
    assert!(table.contains("name=\"CustomersTable\""));
    let ws = part(&x, &sheet_part(&x, "Customers"));
    assert!(ws.contains("state=\"frozen\""), "frozen header");
    let c = sheet(&x, "Customers");
    // The table covers the header and every customer row (it is declared
    // short and widened after the save), and so does its autofilter.
    let last_col = rust_xlsxwriter::utility::column_number_to_name(c.width() as u16 - 1);
    let range = format!("ref=\"A1:{last_col}{}\"", c.height());
    assert_eq!(c.height(), 241, "header and the 240 customers");
    assert_eq!(table.matches(&range).count(), 2, "{range} in {table}");
    let header: Vec<String> = (0..c.width() as u32)
        .map(|col| c.get_value((0, col)).unwrap().to_string())
        .collect();
    for h in [
        "Customer ID",
        "Last purchase",
        "Active",
        "Ladder stage",
        "Value tier",
        "Risk",
        "Warning signs",
        "Days since purchase",
        "Days since contact",
    ] {
        assert!(header.contains(&h.to_string()), "{h} in {header:?}");
    }
}

#[test]
fn print_setup_for_pdf_handover() {
    let (_d, x) = audit_example();
    for s in [
        "Touchpoints",
        "Matrix",
        "Checklist",
        "Customers",
        "Findings",
    ] {
        let ws = part(&x, &sheet_part(&x, s));
        assert!(ws.contains("orientation=\"landscape\""), "{s} landscape");
        assert!(ws.contains("fitToPage=\"1\""), "{s} fit to page");
    }
    let wb = part(&x, "xl/workbook.xml");
    for s in ["Touchpoints", "Checklist", "Customers", "Findings"] {
        assert!(
            wb.contains("_xlnm.Print_Titles\" localSheetId=\"")
                && wb.contains(&format!("{s}!$1:$1")),
            "{s} repeats its header row"
        );
    }
    for name in [
        "ItemWeights",
        "MatrixMarks",
        "PWeights",
        "TouchpointScores",
        "OverallScore",
    ] {
        assert!(
            wb.contains(&format!("name=\"{name}\"")),
            "defined name {name}"
        );
    }
    let core = part(&x, "docProps/core.xml");
    assert!(
        core.contains("Retention audit — Nordlys ApS"),
        "document title"
    );
}

#[test]
fn money_percent_and_date_formats() {
    let (_d, x) = audit_example();
    let styles = part(&x, "xl/styles.xml");
    // one money format, with the example's currency (audit.yaml: DKK); no cents
    for f in ["#,##0 &quot;DKK&quot;", "#,##0", "0.0%", "yyyy-mm-dd"] {
        assert!(styles.contains(&format!("formatCode=\"{f}\"")), "{f}");
    }
    assert!(
        !styles.contains("formatCode=\"#,##0.00\""),
        "a second money format is left"
    );
    let c = sheet(&x, "Customers");
    let lp = (0..c.width() as u32)
        .find(|col| *c.get_value((0, *col)).unwrap() == "Last purchase")
        .unwrap();
    assert!(
        matches!(c.get_value((1, lp)), Some(calamine::Data::DateTime(_))),
        "dates are real date cells"
    );
}
