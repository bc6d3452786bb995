//! Issue 11 point 12: score colours follow the checklist's rating bands. Every
//! score colour is a conditional format whose formula reads the band cells
//! on the Checklist sheet (the portfolio's on its own sheet), so editing a
//! band recolours the workbook; no fixed 0/50/100 colour scale is left.

mod common;
mod support;

use std::path::Path;

use calamine::Data;
use common::*;
use support::xlsx::{read_part, sheet_part};

/// Each conditional-format range of a sheet with its rules' formulas.
fn rules(xml: &str) -> Vec<(String, Vec<String>)> {
    xml.split("<conditionalFormatting ")
        .skip(1)
        .map(|block| {
            let block = &block[..block.find("</conditionalFormatting>").unwrap()];
            let sqref = block.split("sqref=\"").nth(1).unwrap();
            let sqref = sqref[..sqref.find('"').unwrap()].to_string();
            let formulas = block
                .split("<formula>")
                .skip(1)
                .map(|f| {
                    f[..f.find("</formula>").unwrap()]
                        .replace("&gt;", ">")
                        .replace("&lt;", "<")
                        .replace("&amp;", "&")
                })
                .collect();
            (sqref, formulas)
        })
        .collect()
}

/// The one-based rows of Checklist's "green" and "amber" band cells (column B).
fn band_rows(x: &Path) -> (usize, usize) {
    let s = sheet(x, "Checklist");
    let row_of = |label: &str| {
        s.rows()
            .position(|r| r.first() == Some(&Data::String(label.into())))
            .unwrap_or_else(|| panic!("no {label} band on Checklist"))
    };
    let (g, a) = (row_of("green"), row_of("amber"));
    assert_eq!(s.get((g, 1)), Some(&Data::Float(75.0)));
    assert_eq!(s.get((a, 1)), Some(&Data::Float(50.0)));
    (g + 1, a + 1)
}

#[test]
fn issue_11_score_colours_read_the_checklist_bands() {
    let out = temp();
    let o = mixaudit(&[
        "audit",
        root().join("examples/nordlys").to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let x = out.path().join("audit.xlsx");
    let (g, a) = band_rows(&x);
    let (green, amber) = (format!("Checklist!$B${g}"), format!("Checklist!$B${a}"));
    // sheet, the first cell of a coloured score range, and that range
    let expected = [
        ("Summary", "B4", "B4"),
        ("Summary", "C8", "C8:C14"),
        ("Touchpoints", "U2", "U2:U"),
        ("Matrix", "D", "D"),
    ];
    for (sheet, first, range) in expected {
        let xml = read_part(&x, &sheet_part(&x, sheet));
        assert!(
            !xml.contains("<colorScale>"),
            "{sheet}: a fixed colour scale is left"
        );
        let found = rules(&xml);
        let (sqref, f) = found
            .iter()
            .find(|(r, f)| r.starts_with(range) && f.len() == 3 && f[0].contains(&green))
            .unwrap_or_else(|| panic!("{sheet}: no band colours on {range}: {found:?}"));
        let x = sqref.split(':').next().unwrap();
        assert!(x.starts_with(first), "{sheet}: {sqref}");
        assert_eq!(
            f[0],
            format!("AND(ISNUMBER({x}),{x}>={green})"),
            "{sheet} green"
        );
        assert_eq!(
            f[1],
            format!("AND(ISNUMBER({x}),{x}>={amber},{x}<{green})"),
            "{sheet} amber"
        );
        assert_eq!(
            f[2],
            format!("AND(ISNUMBER({x}),{x}<{amber})"),
            "{sheet} red"
        );
    }
    // The same cells the rating words read.
    let summary = read_part(&x, &sheet_part(&x, "Summary"));
    assert!(
        summary.contains(&format!("C8&gt;={green}")),
        "rating formula reads the band"
    );
}

#[test]
fn issue_11_portfolio_heat_map_reads_its_band_cells() {
    let dir = temp();
    let input = dir.path().join("in");
    write_files(
        &input.join("acme"),
        &[("customers.csv", CUSTOMERS_CSV), ("spend.csv", SPEND_CSV)],
    );
    let out = dir.path().join("out");
    let o = mixaudit(&[
        "batch",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let x = out.join("portfolio.xlsx");
    let s = sheet(&x, "Portfolio");
    assert_eq!(s.get((1, 3)), Some(&Data::Float(75.0)));
    assert_eq!(s.get((1, 5)), Some(&Data::Float(50.0)));
    let xml = read_part(&x, &sheet_part(&x, "Portfolio"));
    assert!(!xml.contains("<colorScale>"));
    let found = rules(&xml);
    for range in ["C4", "E4:K4"] {
        let (_, f) = found
            .iter()
            .find(|(r, _)| r == range)
            .unwrap_or_else(|| panic!("no band colours on {range}: {found:?}"));
        let x = &range[..2];
        assert_eq!(f[0], format!("AND(ISNUMBER({x}),{x}>=$D$2)"));
        assert_eq!(f[2], format!("AND(ISNUMBER({x}),{x}<$F$2)"));
    }
}
