//! End-to-end: the real binary on real files, outputs read back.

mod common;

use common::*;
use serde_json::Value;

fn cell_f64(r: &calamine::Range<calamine::Data>, row: u32, col: u32) -> Option<f64> {
    match r.get_value((row, col))? {
        calamine::Data::Float(f) => Some(*f),
        calamine::Data::Int(i) => Some(*i as f64),
        _ => None,
    }
}

#[test]
fn audits_the_bundled_example_and_prints_json() {
    let out = temp();
    let o = mixaudit(&[
        "audit",
        root().join("examples/nordlys").to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).expect("stdout is JSON");
    assert_eq!(v["schema"], "mixaudit.audit/1");
    assert_eq!(v["client"], "Nordlys ApS");
    assert_eq!(v["as_of"], "2026-06-30");
    assert_eq!(v["ps"].as_array().unwrap().len(), 7);
    let tps = v["touchpoints"].as_array().unwrap();
    assert_eq!(tps.len(), 40);
    for t in tps {
        assert!(
            t["score"].is_number(),
            "touchpoint {} has a score",
            t["name"]
        );
        for r in t["results"].as_array().unwrap() {
            assert!(
                ["pass", "partial", "fail", "n/a", "waived"]
                    .contains(&r["status"].as_str().unwrap())
            );
        }
    }
    for k in [
        "customers",
        "buyers",
        "active_customers",
        "active_rate",
        "churn_rate",
        "repeat_rate",
        "retention_rate",
        "ladder",
        "value_tiers",
        "risk",
        "high_value_at_risk",
        "overdue_contact",
        "spend_total",
        "spend_by_p",
        "spend_by_stage",
        "spend_by_objective",
        "retention_spend_share",
    ] {
        assert!(v["metrics"].get(k).is_some(), "metrics.{k} present");
    }
    assert_eq!(v["metrics"]["customers"], 240);
    let score = v["score"].as_f64().unwrap();
    assert!((0.0..=100.0).contains(&score));
    // the file on disk is the same document as stdout
    assert_eq!(read_json(out.path()), v);

    let xlsx = out.path().join("audit.xlsx");
    let names = sheet_names(&xlsx);
    for s in [
        "Summary",
        "Touchpoints",
        "Matrix",
        "Checklist",
        "Customers",
        "Segments",
        "Spend",
        "Findings",
        "About",
    ] {
        assert!(names.contains(&s.to_string()), "sheet {s} in {names:?}");
    }
    let summary = sheet(&xlsx, "Summary");
    let cached = cell_f64(&summary, 3, 1).expect("overall score cell");
    assert!(
        (cached - score).abs() < 1e-9,
        "workbook {cached} vs json {score}"
    );
    let customers = sheet(&xlsx, "Customers");
    assert_eq!(customers.height(), 241);
    let md = std::fs::read_to_string(out.path().join("summary.md")).unwrap();
    assert!(md.contains("# Retention audit — Nordlys ApS"));
    assert!(md.contains(&format!("## Overall: {:.0} / 100", score)));
    // The example's waiver shows everywhere: JSON result, Markdown, workbook note.
    let store = tps.iter().find(|t| t["name"] == "Store design").unwrap();
    let waived = store["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["item"] == "PHY-03")
        .unwrap();
    assert_eq!(waived["status"], "waived");
    assert!(
        waived["note"]
            .as_str()
            .unwrap()
            .starts_with("waived: Store refit")
    );
    assert!(md.contains("## Waived checks") && md.contains("| PHY-03 | Store design |"));
}

#[test]
fn messy_example_reads_like_the_clean_one() {
    let out = temp();
    let o = mixaudit(&[
        "audit",
        root().join("examples/nordlys-messy").to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = read_json(out.path());
    assert_eq!(v["metrics"]["customers"], 240);
    assert_eq!(v["touchpoints"].as_array().unwrap().len(), 40);
    assert!(v["metrics"]["revenue_total"].as_f64().unwrap() > 0.0);
}

const CHECKLIST: &str = r#"
name: Test checklist
version: "1"
ratings: { green: 75, amber: 50 }
params: { gap: 60 }
sections:
  - p: promotion
    weight: 2
    items:
      - id: T-PASS
        title: personalised
        pass: "touchpoint.personalized"
        weight: 3
      - id: T-PART
        title: short cadence
        pass: "touchpoint.cadence_days <= 14"
        partial: "touchpoint.cadence_days <= params.gap"
        weight: 2
      - id: T-FAIL
        title: feedback
        pass: "touchpoint.feedback_loop"
        weight: 1
      - id: T-NA
        title: owner named
        pass: "touchpoint.owner == 'marketing'"
        weight: 4
      - id: T-WHEN
        title: only email
        when: "touchpoint.channel == 'email'"
        pass: "touchpoint.spend < 500"
        weight: 5
  - p: price
    items:
      - id: P-PORT
        title: retention share
        scope: portfolio
        pass: "metrics.retention_spend_share >= 0.5"
        partial: "metrics.retention_spend_share >= 0.25"
        weight: 1
"#;

#[test]
fn scoring_follows_the_spec_by_hand() {
    let dir = temp();
    write_files(
        dir.path(),
        &[
            ("customers.csv", CUSTOMERS_CSV),
            ("spend.csv", SPEND_CSV),
            ("checklist.yaml", CHECKLIST),
        ],
    );
    let out = dir.path().join("out");
    let o = mixaudit(&[
        "audit",
        dir.path().to_str().unwrap(),
        "--checklist",
        dir.path().join("checklist.yaml").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = read_json(&out);
    let news = &v["touchpoints"][0];
    assert_eq!(news["name"], "Loyalty newsletter");
    let status = |id: &str| {
        news["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["item"] == id)
            .map(|r| r["status"].as_str().unwrap().to_string())
    };
    assert_eq!(status("T-PASS").as_deref(), Some("pass"));
    assert_eq!(status("T-PART").as_deref(), Some("partial"));
    assert_eq!(status("T-FAIL").as_deref(), Some("fail"));
    assert_eq!(status("T-NA").as_deref(), Some("n/a"));
    assert_eq!(status("T-WHEN").as_deref(), Some("fail"));
    let na = news["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["item"] == "T-NA")
        .unwrap();
    assert!(
        na["note"]
            .as_str()
            .unwrap()
            .contains("who runs each activity"),
        "note names the column: {}",
        na["note"]
    );
    // (3·1 + 2·0.5 + 1·0 + 5·0) / (3 + 2 + 1 + 5) × 100
    let expected = 100.0 * 4.0 / 11.0;
    assert!((news["score"].as_f64().unwrap() - expected).abs() < 1e-9);
    // Paid search: channel is not email, so T-WHEN does not apply; no cadence → T-PART n/a.
    let paid = &v["touchpoints"][1];
    assert!(
        paid["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["item"] != "T-WHEN")
    );
    // pass 3·0 (not personalised) ; feedback 1·0 → 0
    assert_eq!(paid["score"].as_f64().unwrap(), 0.0);
    // Promotion P: newsletter (4 of 11) + paid search (0 of 4) = 4/15
    let promo = v["ps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["p"] == "promotion")
        .unwrap();
    assert!((promo["score"].as_f64().unwrap() - 100.0 * 4.0 / 15.0).abs() < 1e-9);
    // Price: its portfolio item is judged (retention share 1000/4000 = 0.25
    // → partial), but price has no spend row, so the P gets no score and a
    // no_touchpoint finding (SPEC §4.1).
    let price = v["ps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["p"] == "price")
        .unwrap();
    assert!(price["score"].is_null());
    assert_eq!(price["touchpoints"], 0);
    assert_eq!(v["portfolio_items"][0]["status"], "partial");
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "no_touchpoint" && f["p"] == "price")
    );
    // Overall: promotion alone, 26.67; the other six Ps are not assessed.
    let overall = 100.0 * 4.0 / 15.0;
    assert!((v["score"].as_f64().unwrap() - overall).abs() < 1e-9);
    assert_eq!(v["rating"], "red");
    let product = v["ps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["p"] == "product")
        .unwrap();
    assert!(product["score"].is_null());
    assert_eq!(product["rating"], "not assessed");
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "no_touchpoint" && f["p"] == "product")
    );
}

#[test]
fn rating_bands_at_their_edges() {
    // Scores of exactly 75 and 50 hit green and amber.
    let dir = temp();
    let checklist = r#"
name: edges
version: "1"
ratings: { green: 75, amber: 50 }
sections:
  - p: product
    items:
      - { id: A, title: a, scope: portfolio, pass: "metrics.buyers > 0", weight: 3 }
      - { id: B, title: b, scope: portfolio, pass: "metrics.buyers > 100", weight: 1 }
  - p: price
    items:
      - { id: C, title: c, scope: portfolio, pass: "metrics.buyers > 0", weight: 1 }
      - { id: D, title: d, scope: portfolio, pass: "metrics.buyers > 100", weight: 1 }
  - p: place
    items:
      - { id: E, title: e, scope: portfolio, pass: "metrics.buyers > 0", weight: 49.99 }
      - { id: F, title: f, scope: portfolio, pass: "metrics.buyers > 100", weight: 50.01 }
"#;
    write_files(
        dir.path(),
        &[
            ("customers.csv", CUSTOMERS_CSV),
            (
                "spend.csv",
                "touchpoint,p,spend,objective\nCare kit,product,100,retention\nLoyal price,price,100,retention\nShop,place,100,both\n",
            ),
            ("c.yaml", checklist),
        ],
    );
    let out = dir.path().join("out");
    let o = mixaudit(&[
        "audit",
        dir.path().to_str().unwrap(),
        "--checklist",
        dir.path().join("c.yaml").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = read_json(&out);
    let p = |k: &str| {
        v["ps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["p"] == k)
            .unwrap()
            .clone()
    };
    assert_eq!(p("product")["score"].as_f64(), Some(75.0));
    assert_eq!(p("product")["rating"], "green");
    assert_eq!(p("price")["score"].as_f64(), Some(50.0));
    assert_eq!(p("price")["rating"], "amber");
    assert!(p("place")["score"].as_f64().unwrap() < 50.0);
    assert_eq!(p("place")["rating"], "red");
}

fn refused(checklist: &str) -> String {
    let dir = temp();
    write_files(
        dir.path(),
        &[
            ("customers.csv", CUSTOMERS_CSV),
            ("spend.csv", SPEND_CSV),
            ("c.yaml", checklist),
        ],
    );
    let out = dir.path().join("out");
    let o = mixaudit(&[
        "audit",
        dir.path().to_str().unwrap(),
        "--checklist",
        dir.path().join("c.yaml").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "refused: {}", stderr(&o));
    assert!(!out.exists(), "nothing written");
    stderr(&o)
}

#[test]
fn broken_checklists_are_refused_naming_the_item() {
    let head = "name: x\nversion: '1'\nratings: { green: 75, amber: 50 }\nsections:\n";
    let e = refused(&format!(
        "{head}  - p: product\n    items:\n      - id: BAD-1\n        title: t\n        pass: \"touchpoint.spend >\"\n"
    ));
    assert!(e.contains("BAD-1") && e.contains("does not compile"), "{e}");
    assert!(e.contains("c.yaml:7"), "names the line: {e}");
    let e = refused(&format!(
        "{head}  - p: marketing\n    items:\n      - id: P-1\n        title: t\n        pass: \"true\"\n"
    ));
    assert!(
        e.contains("P-1") && e.contains("\"marketing\" is not one of the 7 Ps"),
        "{e}"
    );
    let e = refused(&format!(
        "{head}  - p: product\n    items:\n      - id: DUP\n        title: t\n        pass: \"true\"\n      - id: DUP\n        title: t\n        pass: \"true\"\n"
    ));
    assert!(e.contains("duplicate item id `DUP`"), "{e}");
    let e = refused(&format!(
        "{head}  - p: product\n    items:\n      - id: TYPO\n        title: t\n        pass: \"touchpoint.personalised\"\n"
    ));
    assert!(
        e.contains("TYPO") && e.contains("did you mean `personalized`"),
        "{e}"
    );
    let e = refused(&format!(
        "{head}  - p: product\n    items:\n      - id: M\n        title: t\n        scope: portfolio\n        pass: \"metrics.activ_rate > 0\"\n"
    ));
    assert!(e.contains("`metrics.activ_rate` is not a metric"), "{e}");
    let e = refused(&format!(
        "{head}  - p: product\n    items:\n      - id: K\n        title: t\n        pass: \"true\"\n        colour: red\n"
    ));
    assert!(e.contains("unknown field `colour`"), "{e}");
}

#[test]
fn exit_codes() {
    let dir = temp();
    write_files(
        dir.path(),
        &[("customers.csv", CUSTOMERS_CSV), ("spend.csv", SPEND_CSV)],
    );
    let out = dir.path().join("out");
    let d = dir.path().to_str().unwrap();
    let o = mixaudit(&[
        "audit",
        d,
        "--out",
        out.to_str().unwrap(),
        "--fail-under",
        "101",
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(out.join("audit.xlsx").exists(), "outputs still written");
    assert_eq!(mixaudit(&["audit", d, "--bogus"]).status.code(), Some(2));
    assert_eq!(
        mixaudit(&["audit", d, "--as-of", "tomorrow"]).status.code(),
        Some(2)
    );
    let o = mixaudit(&[
        "audit",
        dir.path().join("nope").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("has no customers file"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn as_of_and_params_change_the_figures() {
    let dir = temp();
    write_files(
        dir.path(),
        &[("customers.csv", CUSTOMERS_CSV), ("spend.csv", SPEND_CSV)],
    );
    let d = dir.path().to_str().unwrap();
    let out = dir.path().join("o1");
    assert!(
        mixaudit(&["audit", d, "--out", out.to_str().unwrap()])
            .status
            .success()
    );
    let v = read_json(&out);
    assert_eq!(v["as_of"], "2026-06-01", "latest purchase");
    assert_eq!(v["metrics"]["buyers"], 3);
    assert_eq!(v["metrics"]["active_customers"], 2);
    let out2 = dir.path().join("o2");
    assert!(
        mixaudit(&[
            "audit",
            d,
            "--out",
            out2.to_str().unwrap(),
            "--as-of",
            "2026-06-30",
            "--param",
            "active_days=600"
        ])
        .status
        .success()
    );
    let v = read_json(&out2);
    assert_eq!(v["as_of"], "2026-06-30");
    assert_eq!(v["metrics"]["active_customers"], 3);
    let o = mixaudit(&[
        "audit",
        d,
        "--out",
        out2.to_str().unwrap(),
        "--param",
        "activ_days=600",
    ]);
    // A misspelt parameter is a usage error (SPEC §6: exit 2).
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown parameter `activ_days`"));
}

#[test]
fn check_writes_nothing_and_init_templates_audit() {
    let dir = temp();
    let o = mixaudit(&["init", dir.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    for f in [
        "customers.xlsx",
        "spend.xlsx",
        "audit.yaml",
        "checklist.yaml",
    ] {
        assert!(dir.path().join(f).exists(), "{f}");
    }
    assert!(sheet_names(&dir.path().join("spend.xlsx")).contains(&"Instructions".to_string()));
    let before: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    // Untouched templates hold only the example rows: refused, naming them.
    let o = mixaudit(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("the templates are still blank"),
        "{}",
        stderr(&o)
    );
    let after: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(before.len(), after.len(), "check wrote nothing");
    let out = dir.path().join("out");
    let o = mixaudit(&[
        "audit",
        dir.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        !out.join("audit.json").exists(),
        "nothing written for blank templates"
    );
    assert_eq!(
        mixaudit(&["init", dir.path().to_str().unwrap()])
            .status
            .code(),
        Some(1),
        "refuses to overwrite"
    );
}
