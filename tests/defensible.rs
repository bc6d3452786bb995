//! Issue 11: every figure defensible. Each test runs the binary on real
//! files and checks a figure against a hand-computed expectation.

mod common;

use common::{mixaudit, read_json, root, stderr, temp, write_files};
use serde_json::Value;

fn nordlys() -> (tempfile::TempDir, Value) {
    let out = temp();
    let o = mixaudit(&[
        "audit",
        root().join("examples/nordlys").to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j = read_json(out.path());
    (out, j)
}

/// 2026 H1 is 1 January–30 June: 181 days. New customers are those whose
/// first purchase falls in [2025-12-31, 2026-06-30] (10, counted with pandas
/// from customers.xlsx), and acquisition spend 7,450 / 10 = 745.
#[test]
fn the_period_label_sets_the_window_of_new_customers() {
    let (_out, j) = nordlys();
    assert_eq!(j["period_days"], 181);
    assert_eq!(j["period_days_source"], "label");
    let m = &j["metrics"];
    assert_eq!(m["new_customers"], 10);
    assert_eq!(m["acquisition_spend"], 7450.0);
    assert_eq!(m["acquisition_cost_per_new_customer"], 745.0);
    let md = std::fs::read_to_string(_out.path().join("summary.md")).unwrap();
    assert!(
        md.contains("New customers, 2026 H1 (181 days) | 10"),
        "{md}"
    );
}

/// An explicit period_days wins over the label, and a label 2× as long warns.
#[test]
fn an_explicit_period_that_disagrees_with_the_label_warns() {
    let out = temp();
    let o = mixaudit(&[
        "audit",
        root().join("examples/nordlys").to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--param",
        "period_days=90",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j = read_json(out.path());
    assert_eq!(j["period_days"], 90);
    assert!(stderr(&o).contains("spans 181 days, but period_days is set to 90"));
}

/// The active and lost ladders split the buyers' rungs exactly.
#[test]
fn the_ladder_splits_into_active_and_lost_buyers() {
    let (_out, j) = nordlys();
    let m = &j["metrics"];
    let mut active_sum = 0;
    let mut lost_sum = 0;
    for stage in ["customer", "client", "supporter", "advocate"] {
        let a = m["ladder_active"][stage].as_u64().unwrap();
        let l = m["ladder_lost"][stage].as_u64().unwrap();
        assert_eq!(a + l, m["ladder"][stage].as_u64().unwrap(), "{stage}");
        active_sum += a;
        lost_sum += l;
    }
    assert_eq!(active_sum, m["active_customers"].as_u64().unwrap());
    assert_eq!(lost_sum, m["lost_customers"].as_u64().unwrap());
    // The example: 16 of the 41 advocates are lost.
    assert_eq!(m["ladder_lost"]["advocate"], 16);
}

/// Bases: NPS over the 168 customers with a score, reasons over the 33 lost
/// customers who gave one, rates over the 232 buyers.
#[test]
fn every_rate_names_its_base() {
    let (out, j) = nordlys();
    let b = &j["metrics"]["bases"];
    assert_eq!(b["nps"], 168);
    assert_eq!(b["nps"], j["metrics"]["satisfaction_known"]);
    assert_eq!(b["active_rate"], 232);
    assert_eq!(b["defection_reasons"], 33);
    assert_eq!(j["metrics"]["lost_customers"], 98);
    let md = std::fs::read_to_string(out.path().join("summary.md")).unwrap();
    assert!(
        md.contains("33 of 98 lost customers gave a reason."),
        "{md}"
    );
    assert!(
        md.contains("| Net promoter score | 13.1 | 168 answers |"),
        "{md}"
    );
}

/// A client whose customers.csv has `n` buyers, the first `scored` with a
/// satisfaction score (5 promoters… as written below).
fn small_client(dir: &std::path::Path, n: usize, scored: usize, extra_rows: &str) {
    let mut customers =
        String::from("customer_id,name,first_purchase,last_purchase,orders,revenue,satisfaction\n");
    customers.push_str(extra_rows);
    for i in 0..n {
        let sat = if i < scored {
            if i % 2 == 0 { "10" } else { "3" }
        } else {
            ""
        };
        customers.push_str(&format!(
            "K{i:03},Customer {i},2025-01-{:02},2026-05-{:02},{},{}.00,{sat}\n",
            1 + i % 28,
            1 + i % 28,
            1 + i % 3,
            100 + i
        ));
    }
    let spend = "touchpoint,p,spend,objective,personalized\n\
Newsletter,promotion,1000,retention,yes\n\
Price promise,price,500,retention,no\n\
Shop,place,800,both,no\n\
Quality,product,300,both,yes\n\
Service desk,people,400,retention,yes\n\
Onboarding,process,200,retention,no\n\
Packaging,physical evidence,100,both,no\n";
    write_files(
        dir,
        &[
            ("customers.csv", &customers),
            ("spend.csv", spend),
            ("audit.yaml", "client: Small\nas_of: \"2026-06-30\"\n"),
        ],
    );
}

/// 6 satisfaction answers: NPS is shown but marked low-sample, and the item
/// that judges it (PHY-01) is n/a with a note naming 6 and 30.
#[test]
fn a_six_answer_nps_is_low_sample_and_not_judged() {
    let dir = temp();
    small_client(dir.path(), 40, 6, "");
    let out = temp();
    let o = mixaudit(&[
        "audit",
        dir.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j = read_json(out.path());
    assert_eq!(j["metrics"]["bases"]["nps"], 6);
    // 3 promoters (10) and 3 detractors (3): NPS 0.
    assert_eq!(j["metrics"]["nps"], 0.0);
    let phy01 = j["portfolio_items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["item"] == "PHY-01")
        .unwrap();
    assert_eq!(phy01["status"], "n/a");
    let note = phy01["note"].as_str().unwrap();
    assert!(
        note.contains("based on 6 answers") && note.contains("at least 30"),
        "{note}"
    );
    let md = std::fs::read_to_string(out.path().join("summary.md")).unwrap();
    assert!(
        md.contains("6 answers — too few to judge (at least 30 needed)"),
        "{md}"
    );
}

/// Untouched `init` templates are refused, naming both files' example rows.
#[test]
fn untouched_templates_are_refused() {
    let dir = temp();
    let client = dir.path().join("acme");
    let o = mixaudit(&["init", client.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = temp();
    let o = mixaudit(&[
        "audit",
        client.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("customers.xlsx › Customers › row 2: the templates are still blank"),
        "{err}"
    );
    assert!(
        err.contains("spend.xlsx › Spend › row 2: the templates are still blank"),
        "{err}"
    );
    assert!(!out.path().join("audit.json").exists());
}

/// The template's example customer among real ones is warned about by row
/// and left out of every count.
#[test]
fn an_example_row_among_real_rows_is_left_out() {
    let dir = temp();
    small_client(
        dir.path(),
        40,
        0,
        "C0001,Example Customer,2025-02-14,2026-05-30,4,1240.50,9\n",
    );
    let out = temp();
    let o = mixaudit(&[
        "audit",
        dir.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("customers.csv › row 2: the example customer from the template"),
        "{}",
        stderr(&o)
    );
    let j = read_json(out.path());
    assert_eq!(j["metrics"]["customers"], 40);
    assert_eq!(j["metrics"]["satisfaction_known"], 0);
}

/// A P without a spend row gets no score and a `no_touchpoint` finding.
#[test]
fn a_p_without_touchpoints_is_not_scored() {
    let dir = temp();
    small_client(dir.path(), 40, 0, "");
    let spend = std::fs::read_to_string(dir.path().join("spend.csv")).unwrap();
    let spend: String = spend
        .lines()
        .filter(|l| !l.contains(",product,"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.path().join("spend.csv"), spend).unwrap();
    let out = temp();
    let o = mixaudit(&[
        "audit",
        dir.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j = read_json(out.path());
    let product = j["ps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["p"] == "product")
        .unwrap();
    assert_eq!(product["score"], Value::Null);
    assert_eq!(product["rating"], "not assessed");
    assert_eq!(product["touchpoints"], 0);
    assert_eq!(product["confidence"], "low");
    assert!(
        j["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "no_touchpoint" && f["p"] == "product")
    );
}

/// The P of a default-checklist item, from its id.
fn p_of(item: &str) -> &'static str {
    match &item[..3] {
        "PRD" => "product",
        "PRI" => "price",
        "PLA" => "place",
        "PRO" => "promotion",
        "PEO" => "people",
        "PRC" => "process",
        _ => "physical_evidence",
    }
}

/// Recomputes the overall score from audit.json's results, with `passed`
/// (if any) counted as a pass wherever it fell short.
fn rescore(j: &Value, passed: Option<&str>) -> f64 {
    let mut results: Vec<&Value> = j["portfolio_items"].as_array().unwrap().iter().collect();
    for t in j["touchpoints"].as_array().unwrap() {
        results.extend(t["results"].as_array().unwrap());
    }
    let (mut num, mut den) = (0.0, 0.0);
    for p in j["ps"].as_array().unwrap() {
        if p["touchpoints"] == 0 {
            continue;
        }
        let (mut pn, mut pd) = (0.0, 0.0);
        for r in results
            .iter()
            .filter(|r| p_of(r["item"].as_str().unwrap()) == p["p"])
        {
            let w = r["weight"].as_f64().unwrap();
            let pts = match (
                r["status"].as_str().unwrap(),
                Some(r["item"].as_str().unwrap()) == passed,
            ) {
                ("pass", _) | ("fail" | "partial", true) => 1.0,
                ("partial", false) => 0.5,
                ("fail", false) => 0.0,
                _ => continue,
            };
            pn += w * pts;
            pd += w;
        }
        if pd > 0.0 {
            let weight = p["weight"].as_f64().unwrap();
            num += weight * 100.0 * pn / pd;
            den += weight;
        }
    }
    num / den
}

/// Findings are ranked by score_gain, and each gain is the recomputed
/// score with the item passed minus the score.
#[test]
fn findings_rank_by_the_points_a_fix_would_add() {
    let (_out, j) = nordlys();
    let score = j["score"].as_f64().unwrap();
    assert!((rescore(&j, None) - score).abs() < 1e-9);
    let findings = j["findings"].as_array().unwrap();
    let gains: Vec<f64> = findings
        .iter()
        .filter_map(|f| f["score_gain"].as_f64())
        .collect();
    assert!(gains.len() > 5);
    assert!(gains.windows(2).all(|w| w[0] >= w[1]), "{gains:?}");
    for f in findings.iter().filter(|f| f["kind"] == "item") {
        let id = f["item"].as_str().unwrap();
        let expected = rescore(&j, Some(id)) - score;
        let gain = f["score_gain"].as_f64().unwrap();
        assert!((gain - expected).abs() < 1e-9, "{id}: {gain} vs {expected}");
        // Spend affected is only that of the touchpoints where it falls short.
        if f["touchpoints"].as_array().unwrap().is_empty() {
            assert_eq!(f["spend_affected"], Value::Null, "{id}");
        } else {
            let spend: f64 = j["touchpoints"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|t| f["touchpoints"].as_array().unwrap().contains(&t["name"]))
                .map(|t| t["spend"].as_f64().unwrap())
                .sum();
            assert!(
                (f["spend_affected"].as_f64().unwrap() - spend).abs() < 1e-6,
                "{id}"
            );
        }
    }
    let md = std::fs::read_to_string(_out.path().join("summary.md")).unwrap();
    assert!(md.contains("points if fixed"), "{md}");
}

/// A date after as_of is named with its cell, days since never go negative,
/// and an audit date years past the data warns.
#[test]
fn dates_after_the_audit_date_and_far_audit_dates_warn() {
    let dir = temp();
    small_client(
        dir.path(),
        40,
        0,
        "Z999,Late,2025-01-01,2030-02-01,2,50.00,\n",
    );
    let out = temp();
    let o = mixaudit(&[
        "audit",
        dir.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("1 customer(s) have a last purchase date after the audit date 2026-06-30, the first at customers.csv"), "{err}");
    assert!(err.contains("D2 (2030-02-01)"), "{err}");
    let o = mixaudit(&[
        "audit",
        root().join("examples/nordlys").to_str().unwrap(),
        "--out",
        out.path().join("far").to_str().unwrap(),
        "--as-of",
        "2030-01-01",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("is 1281 days after the latest purchase"),
        "{}",
        stderr(&o)
    );
}

/// The human outputs of both examples carry no expression syntax, field
/// names or source file names.
#[test]
fn client_facing_outputs_carry_no_developer_notation() {
    for example in ["nordlys", "nordlys-messy"] {
        let out = temp();
        let o = mixaudit(&[
            "audit",
            root().join("examples").join(example).to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let mut texts = vec![
            std::fs::read_to_string(out.path().join("summary.md")).unwrap(),
            std::fs::read_to_string(out.path().join("report.html")).unwrap(),
        ];
        let book = std::fs::File::open(out.path().join("audit.xlsx")).unwrap();
        let mut zip = zip::ZipArchive::new(book).unwrap();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let name = f.name().map(|n| n.to_string()).unwrap_or_default();
            if name.starts_with("xl/") && name.ends_with(".xml") {
                let mut s = String::new();
                std::io::Read::read_to_string(&mut f, &mut s).unwrap();
                texts.push(s);
            }
        }
        // `metrics.x` / `touchpoint.x` as in a rule; a sentence may end in "touchpoint.".
        let expression = |t: &str, root: &str| {
            t.match_indices(root)
                .any(|(i, _)| t[i + root.len()..].starts_with(|c: char| c.is_ascii_lowercase()))
        };
        for t in &texts {
            for bad in ["metrics.", "touchpoint."] {
                assert!(!expression(t, bad), "{example}: {bad}");
            }
            assert!(
                !t.contains("physical_evidence"),
                "{example}: physical_evidence"
            );
            assert!(!t.contains(".txt"), "{example}: a .txt source name");
        }
        let customers = common::sheet(&out.path().join("audit.xlsx"), "Customers");
        for h in customers.rows().next().unwrap() {
            assert!(
                !h.to_string().contains('_'),
                "{example}: Customers header {h}"
            );
        }
    }
}
