//! Issue 11 point 11: the currency of the amounts — from audit.yaml, else the
//! marks in money cells — in audit.json, in every money cell's number format
//! and in the Markdown and HTML figures, in one money format throughout.

mod common;
mod support;

use std::path::Path;

use common::*;
use support::xlsx::read_part;

/// The customers CSV with revenue typed as `revenue` gives (one per customer).
fn customers(revenue: [&str; 4]) -> String {
    format!(
        "customer_id,name,last_purchase,orders,revenue\n\
         C1,Anna,2026-06-01,3,\"{}\"\n\
         C2,Ben,2025-01-15,1,\"{}\"\n\
         C3,Carla,2026-05-20,2,\"{}\"\n\
         C4,David,2026-04-02,1,\"{}\"\n",
        revenue[0], revenue[1], revenue[2], revenue[3]
    )
}

/// Audits a client folder with the given customers, spend and audit.yaml;
/// returns the temp dir, the output folder and the run's output.
fn audit(
    customers: &str,
    spend: &str,
    yaml: &str,
) -> (tempfile::TempDir, std::path::PathBuf, std::process::Output) {
    let dir = temp();
    let client = dir.path().join("client");
    write_files(
        &client,
        &[
            ("customers.csv", customers),
            ("spend.csv", spend),
            (
                "audit.yaml",
                &format!("client: Acme\nas_of: \"2026-06-30\"\n{yaml}"),
            ),
        ],
    );
    let out = dir.path().join("out");
    let o = mixaudit(&[
        "audit",
        client.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    (dir, out, o)
}

fn warnings(out: &Path) -> Vec<String> {
    read_json(out)["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect()
}

fn styles(out: &Path) -> String {
    read_part(&out.join("audit.xlsx"), "xl/styles.xml")
}

#[test]
fn issue_11_currency_from_euro_marks_everywhere_in_one_format() {
    let (_d, out, o) = audit(
        &customers(["€900", "€ 100", "300 EUR", "€1.250,50"]),
        SPEND_CSV,
        "",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v = read_json(&out);
    assert_eq!(v["currency"], "EUR");
    assert_eq!(v["metrics"]["spend_total"], 4000.0);
    assert!(!warnings(&out).iter().any(|w| w.contains("currenc")));
    // one money format in the workbook, with the code; no cents format left
    let st = styles(&out);
    assert!(st.contains("formatCode=\"#,##0 &quot;EUR&quot;\""), "{st}");
    assert!(!st.contains("#,##0.00"), "{st}");
    // Summary: the spend cells of the P table carry it (Promotion: 1000 + 3000)
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(md.contains("| Marketing spend | 4,000 EUR |"), "{md}");
    assert!(
        md.contains("| Promotion |") && md.contains("| 4,000 EUR | 100.0% |"),
        "{md}"
    );
    // acquisition cost: 3000 on acquisition / 1 new customer (C3, first order in the period)
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("4,000 EUR"), "report.html shows the currency");
    assert!(!html.contains("4000.00") && !md.contains("4,000.00"));
}

#[test]
fn issue_11_kroner_alone_is_ambiguous_until_audit_yaml_says() {
    let kroner = customers(["900 kr.", "100 kr.", "1.300,00 kr.", "kr 50"]);
    let (_d, out, o) = audit(&kroner, SPEND_CSV, "");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(read_json(&out)["currency"].is_null());
    let w = warnings(&out);
    let note = w
        .iter()
        .find(|w| w.contains("show kr. (revenue, customers.csv), which may be"))
        .unwrap_or_else(|| panic!("{w:?}"));
    assert!(
        note.contains("DKK, NOK or SEK") && note.contains("audit.yaml"),
        "{note}"
    );
    assert!(stderr(&o).contains("DKK, NOK or SEK"));
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(md.contains("| Marketing spend | 4,000 |"), "{md}");
    assert!(styles(&out).contains("formatCode=\"#,##0\""));

    let (_d, out, o) = audit(&kroner, SPEND_CSV, "currency: dkk\n");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read_json(&out)["currency"], "DKK");
    assert!(!warnings(&out).iter().any(|w| w.contains("kr.")));
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(md.contains("| Marketing spend | 4,000 DKK |"), "{md}");
    assert!(styles(&out).contains("#,##0 &quot;DKK&quot;"));
}

#[test]
fn issue_11_mixed_or_contradicted_currencies_warn() {
    let spend = SPEND_CSV.replace(",1000,", ",\"$1,000.00\",");
    let (_d, out, o) = audit(&customers(["€900", "€100", "€300", "€50"]), &spend, "");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(read_json(&out)["currency"].is_null());
    assert!(
        warnings(&out).iter().any(|w| w
            .contains("different currencies: € (revenue, customers.csv), $ (spend, spend.csv)")),
        "{:?}",
        warnings(&out)
    );

    let (_d, out, o) = audit(
        &customers(["€900", "€100", "€300", "€50"]),
        SPEND_CSV,
        "currency: GBP\n",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read_json(&out)["currency"], "GBP");
    assert!(
        warnings(&out).iter().any(|w| w.contains(
            "audit.yaml gives the currency as GBP, but the inputs show € (revenue, customers.csv)"
        )),
        "{:?}",
        warnings(&out)
    );
}

#[test]
fn issue_11_a_currency_that_is_not_a_code_is_an_error() {
    let (_d, out, o) = audit(CUSTOMERS_CSV, SPEND_CSV, "currency: kroner\n");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("audit.yaml")
            && err.contains("currency is \"kroner\"")
            && err.contains("ISO code"),
        "{err}"
    );
    assert!(!out.join("audit.json").exists());
}

#[test]
fn issue_11_the_examples_are_in_danish_kroner() {
    for example in ["nordlys", "nordlys-messy"] {
        let out = temp();
        let o = mixaudit(&[
            "audit",
            root().join("examples").join(example).to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(read_json(out.path())["currency"], "DKK", "{example}");
        assert!(!stderr(&o).contains("kr. ("), "{example}: {}", stderr(&o));
    }
    // nordlys: 14,440 of spend; 7,450 acquisition spend over 5 new customers = 1,490
    let out = temp();
    mixaudit(&[
        "audit",
        root().join("examples/nordlys").to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    let md = std::fs::read_to_string(out.path().join("summary.md")).unwrap();
    assert!(md.contains("| Marketing spend | 14,440 DKK |"), "{md}");
    let summary = sheet(&out.path().join("audit.xlsx"), "Spend");
    let total = summary.get((1, 0)).unwrap().to_string();
    assert!(total.starts_with("Total 14,440 DKK;"), "{total}");
}
