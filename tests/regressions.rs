//! Regressions named after what broke: real-world input quirks found while
//! building the fixture corpus.

mod common;

use common::*;

fn audit_dir(dir: &std::path::Path) -> (std::process::Output, std::path::PathBuf) {
    let out = dir.join("out");
    let o = mixaudit(&[
        "audit",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--as-of",
        "2026-06-30",
    ]);
    (o, out)
}

#[test]
fn a_totals_row_under_the_table_is_not_a_customer() {
    let dir = temp();
    let customers = format!("{CUSTOMERS_CSV}Total,,,6,1300\n");
    write_files(
        dir.path(),
        &[
            ("customers.csv", customers.as_str()),
            ("spend.csv", SPEND_CSV),
        ],
    );
    let (o, out) = audit_dir(dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let v = read_json(&out);
    assert_eq!(v["metrics"]["customers"], 4);
    assert_eq!(v["metrics"]["revenue_total"], 1300.0);
    assert!(
        stderr(&o).contains("customers.csv › row 6: 1 totals row(s)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn one_visible_sheet_beside_hidden_helper_sheets_is_the_table() {
    let dir = temp();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Ark1").unwrap();
    for (r, line) in CUSTOMERS_CSV.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            ws.write_string(r as u32, c as u16, cell).unwrap();
        }
    }
    let lists = wb.add_worksheet();
    lists.set_name("Lists").unwrap();
    lists.write_string(0, 0, "active").unwrap();
    lists.set_hidden(true);
    wb.save(dir.path().join("customers.xlsx")).unwrap();
    write_files(dir.path(), &[("spend.csv", SPEND_CSV)]);
    let (o, out) = audit_dir(dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read_json(&out)["inputs"][0]["sheet"], "Ark1");
}

#[test]
fn utf16_unicode_text_exports_are_read() {
    let dir = temp();
    let tsv = CUSTOMERS_CSV.replace(',', "\t").replace("Anna", "Åse Ærø");
    let mut bytes = vec![0xFF, 0xFE];
    for u in tsv.encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    std::fs::write(dir.path().join("customers.txt"), bytes).unwrap();
    write_files(dir.path(), &[("spend.csv", SPEND_CSV)]);
    let (o, out) = audit_dir(dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let c = sheet(&out.join("audit.xlsx"), "Customers");
    assert_eq!(c.get_value((1, 1)).unwrap().to_string(), "Åse Ærø");
}

#[test]
fn dates_before_1900_are_refused() {
    let dir = temp();
    let customers = CUSTOMERS_CSV.replace("2026-06-01,3,900", "1850-01-01,3,900");
    write_files(
        dir.path(),
        &[
            ("customers.csv", customers.as_str()),
            ("spend.csv", SPEND_CSV),
        ],
    );
    let (o, _) = audit_dir(dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("customers.csv › C2: \"1850-01-01\" is not a date (column `last_purchase`); expected a date from 1900 on"), "{}", stderr(&o));
}

#[test]
fn a_broken_customers_file_does_not_hide_the_spend_problems() {
    let dir = temp();
    write_files(
        dir.path(),
        &[
            ("customers.csv", ""),
            ("spend.csv", "touchpoint,p,spend\nNewsletter,marketing,-5\n"),
        ],
    );
    let (o, _) = audit_dir(dir.path());
    let e = stderr(&o);
    assert!(e.contains("customers.csv: is an empty file"), "{e}");
    assert!(
        e.contains("spend.csv › B2: \"marketing\" is not one of the 7 Ps"),
        "{e}"
    );
    assert!(
        e.contains("spend.csv › C2: spend \"-5\" is negative"),
        "{e}"
    );
}

#[test]
fn a_score_of_eight_point_one_two_five_is_a_decimal_not_thousands() {
    let dir = temp();
    let customers = CUSTOMERS_CSV.replace(",9,1\n", ",8.125,1\n");
    write_files(
        dir.path(),
        &[
            ("customers.csv", customers.as_str()),
            ("spend.csv", SPEND_CSV),
        ],
    );
    let (o, out) = audit_dir(dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let c = sheet(&out.join("audit.xlsx"), "Customers");
    let col = (0..c.width() as u32)
        .find(|k| *c.get_value((0, *k)).unwrap() == "Satisfaction")
        .unwrap();
    assert_eq!(c.get_value((1, col)).unwrap().to_string(), "8.125");
}

#[test]
fn formulas_saved_without_results_are_reported_not_read_as_empty() {
    let dir = temp();
    let header = ["A1", "B1", "C1", "D1"]
        .iter()
        .zip(["customer_id", "last_purchase", "orders", "revenue"])
        .map(|(r, t)| raw_text(r, t))
        .collect::<String>();
    let row = |n: u32, revenue: &str| {
        format!(
            r#"<row r="{n}">{}<c r="B{n}"><v>46150</v></c><c r="C{n}"><v>2</v></c>{revenue}</row>"#,
            raw_text(&format!("A{n}"), &format!("C{n}"))
        )
    };
    let data = format!(
        r#"<row r="1">{header}</row>{}{}"#,
        row(2, r#"<c r="D2"><v>120</v></c>"#),
        row(3, r#"<c r="D3"><f>D2*2</f></c>"#)
    );
    raw_xlsx(
        &dir.path().join("customers.xlsx"),
        "Customers",
        "A1:D3",
        &data,
    );
    write_files(dir.path(), &[("spend.csv", SPEND_CSV)]);
    let (o, out) = audit_dir(dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("customers.xlsx › Customers › D3: 1 cell(s) of column `revenue` hold a formula error or a formula with no saved result and were read as empty (first: a formula with no saved result)"),
        "{e}"
    );
    assert_eq!(read_json(&out)["metrics"]["revenue_total"], 120.0);
}

#[test]
fn a_config_elsewhere_still_audits_the_given_folder() {
    let dir = temp();
    let client = dir.path().join("client");
    let shared = dir.path().join("shared");
    write_files(
        &client,
        &[("customers.csv", CUSTOMERS_CSV), ("spend.csv", SPEND_CSV)],
    );
    write_files(&shared, &[("audit.yaml", "client: Shared settings Ltd\n")]);
    let out = dir.path().join("out");
    let o = mixaudit(&[
        "audit",
        client.to_str().unwrap(),
        "--config",
        shared.join("audit.yaml").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = read_json(&out);
    assert_eq!(v["client"], "Shared settings Ltd");
    assert_eq!(v["metrics"]["customers"], 4);
}

#[test]
fn the_data_settles_its_decimal_style_even_against_the_hint() {
    // `decimal: ","` but the column proves point decimals (2,500.00): 1,200 is 1200.
    let dir = temp();
    let spend =
        "touchpoint,p,spend\nNewsletter,promotion,\"1,200\"\nPaid search,promotion,\"2,500.00\"\n";
    write_files(
        dir.path(),
        &[
            ("customers.csv", CUSTOMERS_CSV),
            ("spend.csv", spend),
            ("audit.yaml", "decimal: \",\"\n"),
        ],
    );
    let (o, out) = audit_dir(dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read_json(&out)["metrics"]["spend_total"], 3700.0);
}

#[test]
fn check_reports_every_bad_waiver_with_its_line() {
    let dir = temp();
    let cfg = "client: X\nwaivers:\n  - item: NOPE-1\n    reason: r\n  - item: PHY-03\n    touchpoint: Billboards\n    reason: r\n";
    write_files(
        dir.path(),
        &[
            ("customers.csv", CUSTOMERS_CSV),
            ("spend.csv", SPEND_CSV),
            ("audit.yaml", cfg),
        ],
    );
    let o = mixaudit(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("audit.yaml:3 › NOPE-1: a waiver names unknown item `NOPE-1`"),
        "{e}"
    );
    assert!(e.contains("audit.yaml:5 › PHY-03: the waiver names touchpoint \"Billboards\", which the spend sheet does not list"), "{e}");
}

#[test]
fn a_duplicate_item_id_is_reported_at_its_own_line() {
    let dir = temp();
    let checklist = "name: x\nversion: '1'\nratings: { green: 75, amber: 50 }\nsections:\n  - p: product\n    items:\n      - id: DUP\n        title: t\n        pass: \"true\"\n      - id: DUP\n        title: t\n        pass: \"true\"\n";
    write_files(
        dir.path(),
        &[
            ("customers.csv", CUSTOMERS_CSV),
            ("spend.csv", SPEND_CSV),
            ("c.yaml", checklist),
        ],
    );
    let o = mixaudit(&[
        "check",
        dir.path().to_str().unwrap(),
        "--checklist",
        dir.path().join("c.yaml").to_str().unwrap(),
    ]);
    let e = stderr(&o);
    assert!(
        e.contains("c.yaml:10 › DUP: duplicate item id `DUP` (first at line 7)"),
        "{e}"
    );
}

#[test]
fn batch_refuses_two_clients_with_one_name() {
    let dir = temp();
    for parent in ["a", "b"] {
        write_files(
            &dir.path().join(parent).join("acme"),
            &[("customers.csv", CUSTOMERS_CSV), ("spend.csv", SPEND_CSV)],
        );
    }
    let o = mixaudit(&[
        "batch",
        dir.path().join("a").to_str().unwrap(),
        dir.path().join("b").to_str().unwrap(),
        "--out",
        dir.path().join("out").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("several client folders share a name (acme)"),
        "{}",
        stderr(&o)
    );
}
