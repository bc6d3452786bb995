//! Hostile input is bounded: YAML alias bombs, runaway templates, rows past
//! Excel's limit, and text that looks like a formula.

mod common;

use std::io::Write;

use common::*;

fn alias_bomb() -> String {
    let mut lines = vec![
        "  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"
            .to_string(),
    ];
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 9].join(",");
        lines.push(format!("  {}: &{} [{refs}]", w[1], w[1]));
    }
    format!(
        "name: bomb\nversion:\n{}\nratings: {{green: 75, amber: 50}}\nsections: []\n",
        lines.join("\n")
    )
}

#[test]
fn a_yaml_alias_bomb_is_refused() {
    let dir = temp();
    write_files(
        dir.path(),
        &[
            ("customers.csv", CUSTOMERS_CSV),
            ("spend.csv", SPEND_CSV),
            ("bomb.yaml", &alias_bomb()),
        ],
    );
    let o = mixaudit(&[
        "check",
        dir.path().to_str().unwrap(),
        "--checklist",
        dir.path().join("bomb.yaml").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("bomb.yaml") && e.contains("repetition limit exceeded"),
        "{e}"
    );
}

#[test]
fn templates_are_fuelled_and_sandboxed() {
    let dir = temp();
    write_files(
        dir.path(),
        &[
            ("customers.csv", CUSTOMERS_CSV),
            ("spend.csv", SPEND_CSV),
            (
                "loop.j2",
                "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
            ),
            ("include.j2", "{% include '/etc/passwd' %}"),
            ("ok.j2", "Score {{ score | score }} for {{ client }}\n"),
        ],
    );
    let d = dir.path().to_str().unwrap();
    for (t, needle) in [("loop.j2", "fuel"), ("include.j2", "template")] {
        let out = dir.path().join(format!("out-{t}"));
        let o = mixaudit(&[
            "audit",
            d,
            "--out",
            out.to_str().unwrap(),
            "--template",
            dir.path().join(t).to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(1), "{t}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{t}: {}", stderr(&o));
        assert!(
            !out.join("audit.xlsx").exists(),
            "no partial output for {t}"
        );
    }
    let out = dir.path().join("out-ok");
    let o = mixaudit(&[
        "audit",
        d,
        "--out",
        out.to_str().unwrap(),
        "--template",
        dir.path().join("ok.j2").to_str().unwrap(),
        "--client",
        "Acme",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(md.starts_with("Score ") && md.contains("for Acme"), "{md}");
}

#[test]
fn text_that_looks_like_a_formula_stays_text() {
    let dir = temp();
    let customers = "customer_id,name,last_purchase,orders,revenue,churn_reason\n\
        C1,=HYPERLINK(\"http://x\"),2026-06-01,2,100,\n\
        C2,+1+1,2026-06-01,1,50,@SUM(A1:A9)\n\
        C3,-2+3,2026-06-01,1,50,\n";
    let spend = "touchpoint,p,spend\n=cmd|' /C calc'!A0,promotion,100\n";
    write_files(
        dir.path(),
        &[("customers.csv", customers), ("spend.csv", spend)],
    );
    let out = dir.path().join("out");
    let o = mixaudit(&[
        "audit",
        dir.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let xlsx = out.join("audit.xlsx");
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    use calamine::Reader;
    let formulas = wb.worksheet_formula("Customers").unwrap();
    assert!(
        formulas.used_cells().next().is_none(),
        "no formulas on Customers"
    );
    let cells = sheet(&xlsx, "Customers");
    let names: Vec<String> = (1..4)
        .map(|r| cells.get_value((r, 1)).unwrap().to_string())
        .collect();
    assert_eq!(names, vec!["=HYPERLINK(\"http://x\")", "+1+1", "-2+3"]);
    let tp = sheet(&xlsx, "Touchpoints");
    assert_eq!(
        tp.get_value((1, 0)).unwrap().to_string(),
        "=cmd|' /C calc'!A0"
    );
    let tf = wb.worksheet_formula("Touchpoints").unwrap();
    assert_eq!(
        tf.start().map(|(_, c)| c),
        Some(20),
        "formulas start at the Score column"
    );
    let all: Vec<_> = tf.used_cells().map(|(_, _, f)| f.clone()).collect();
    assert_eq!(all.len(), 2, "only the score and rating formulas: {all:?}");
    assert!(all.iter().all(|f| !f.contains("cmd")));
}

/// A minimal xlsx whose only sheet has a cell far below Excel's last row.
fn xlsx_with_row(path: &std::path::Path, row: u64) {
    let f = std::fs::File::create(path).unwrap();
    let mut z = zip::ZipWriter::new(f);
    let opts = zip::write::SimpleFileOptions::default();
    let parts = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
        ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Customers" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string()),
        ("xl/worksheets/sheet1.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD{row}"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>customer_id</t></is></c><c r="B1" t="inlineStr"><is><t>last_purchase</t></is></c><c r="C1" t="inlineStr"><is><t>orders</t></is></c><c r="D1" t="inlineStr"><is><t>revenue</t></is></c></row><row r="{row}"><c r="A{row}" t="inlineStr"><is><t>C1</t></is></c></row></sheetData></worksheet>"#)),
    ];
    for (name, body) in parts {
        z.start_file(name, opts).unwrap();
        z.write_all(body.as_bytes()).unwrap();
    }
    z.finish().unwrap();
}

#[test]
fn rows_past_excels_limit_are_refused_without_allocating_them() {
    let dir = temp();
    xlsx_with_row(&dir.path().join("customers.xlsx"), 9_000_000);
    write_files(dir.path(), &[("spend.csv", SPEND_CSV)]);
    let o = mixaudit(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("customers.xlsx › Customers: has a cell on row 9000000, beyond Excel's 1048576-row limit"), "{e}");
}

/// A named pipe where customers.csv or audit.yaml should be is named as
/// such (exit 1, no hang), not passed over as if the file were missing.
#[test]
fn a_pipe_named_like_an_input_is_reported_not_skipped() {
    for name in ["customers.csv", "audit.yaml"] {
        let dir = common::temp();
        common::write_files(
            dir.path(),
            &[
                ("spend.csv", common::SPEND_CSV),
                ("customers.csv", common::CUSTOMERS_CSV),
            ],
        );
        let pipe = dir.path().join(name);
        let _ = std::fs::remove_file(&pipe);
        let c = std::ffi::CString::new(pipe.to_str().unwrap()).unwrap();
        // SAFETY: creating a FIFO at a path we own.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let out = dir.path().join("out");
        let o = common::mixaudit(&[
            "audit",
            dir.path().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        let err = common::stderr(&o);
        assert!(
            err.contains(&format!("{name}: is a named pipe (FIFO)")),
            "{err}"
        );
    }
}

/// A customers sheet large enough that its XML is metered beside the read
/// (above 4 MiB), `rows` customers, and `tail` appended to the last name.
fn large_sheet(dir: &std::path::Path, rows: usize, tail: &str) {
    let mut data = String::from(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>customer_id</t></is></c><c r="B1" t="inlineStr"><is><t>name</t></is></c><c r="C1" t="inlineStr"><is><t>orders</t></is></c><c r="D1" t="inlineStr"><is><t>revenue</t></is></c><c r="E1" t="inlineStr"><is><t>last_purchase</t></is></c></row>"#,
    );
    for i in 0..rows {
        let r = i + 2;
        let name = if i + 1 == rows {
            format!("Customer {i}{tail}")
        } else {
            format!("Customer {i}")
        };
        data.push_str(&format!(
            r#"<row r="{r}">{}{}<c r="C{r}"><v>{}</v></c><c r="D{r}"><v>{}</v></c><c r="E{r}"><v>{}</v></c></row>"#,
            raw_text(&format!("A{r}"), &format!("C{i:06}")),
            raw_text(&format!("B{r}"), &name),
            1 + i % 4,
            100 + i % 900,
            46_000 + i % 200,
        ));
    }
    raw_xlsx(
        &dir.join("customers.xlsx"),
        "Customers",
        &format!("A1:E{}", rows + 1),
        &data,
    );
    std::fs::write(dir.join("spend.csv"), SPEND_CSV).unwrap();
}

#[test]
fn a_large_sheet_is_metered_beside_the_read() {
    // Valid: 40,000 customers (about 8 MiB of sheet XML) read in full.
    let ok = temp();
    large_sheet(ok.path(), 40_000, "");
    let out = ok.path().join("out");
    let o = mixaudit(&[
        "audit",
        ok.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let json = read_json(&out);
    assert_eq!(json["metrics"]["customers"], 40_000, "every row read");

    // The same sheet with a 5 MiB text run in its last row: the meter finds
    // it only after calamine has read most of the sheet, and its message is
    // the one reported.
    let bad = temp();
    large_sheet(bad.path(), 40_000, &"x".repeat(5 << 20));
    let out = bad.path().join("out");
    let o = mixaudit(&[
        "audit",
        bad.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("customers.xlsx › Customers")
            && e.contains("one XML tag or text run exceeds the limit of 4 MiB"),
        "{e}"
    );
    assert!(!out.join("audit.json").exists(), "nothing written");
}
