//! SPEC §4 (retention analytics) by hand: small client folders with every
//! edge of every definition, run through the real binary with `--as-of`
//! fixed, checked against figures worked out on paper in the comments.
//!
//! The audit date is 2026-06-30 throughout. Days before it:
//! 30 → 2026-05-31, 90 → 2026-04-01, 91 → 2026-03-31, 180 → 2026-01-01,
//! 181 → 2025-12-31, 364 → 2025-07-01, 365 → 2025-06-30, 366 → 2025-06-29,
//! 2024-01-01 is 911 days back.

mod common;

use std::collections::HashMap;

use calamine::Data;
use common::*;
use serde_json::{Value, json};

const AS_OF: &str = "2026-06-30";

/// One finished audit: audit.json and the Customers sheet by customer id.
struct Run {
    json: Value,
    customers: HashMap<String, HashMap<String, Data>>,
    _dir: tempfile::TempDir,
}

/// Writes `files` into a fresh client folder and audits it as of [`AS_OF`].
fn run(files: &[(&str, &str)], args: &[&str]) -> Run {
    let dir = temp();
    let input = dir.path().join("client");
    write_files(&input, files);
    let out = dir.path().join("out");
    let mut all = vec![
        "audit",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--as-of",
        AS_OF,
    ];
    all.extend_from_slice(args);
    let o = mixaudit(&all);
    assert!(o.status.success(), "audit failed: {}", stderr(&o));
    let json = read_json(&out);
    assert_eq!(json["as_of"], AS_OF);
    let range = sheet(&out.join("audit.xlsx"), "Customers");
    let mut rows = range.rows();
    let header: Vec<String> = rows
        .next()
        .expect("header row")
        .iter()
        .map(|c| common::field_key(&c.to_string()))
        .collect();
    let mut customers = HashMap::new();
    for row in rows {
        let map: HashMap<String, Data> = header.iter().cloned().zip(row.iter().cloned()).collect();
        let id = map["customer_id"].to_string();
        assert!(
            customers.insert(id.clone(), map).is_none(),
            "customer {id} listed twice"
        );
    }
    Run {
        json,
        customers,
        _dir: dir,
    }
}

impl Run {
    fn metrics(&self) -> &Value {
        &self.json["metrics"]
    }

    /// Checks the listed metrics (numbers to 1e-9, nested objects key by key).
    fn expect(&self, expected: Value) {
        check("metrics", self.metrics(), &expected);
    }

    /// A derived cell of the Customers sheet as text ("" for blank, whole
    /// numbers without a decimal point).
    fn cell(&self, id: &str, column: &str) -> String {
        let row = self
            .customers
            .get(id)
            .unwrap_or_else(|| panic!("customer {id} on the Customers sheet"));
        match row.get(column) {
            None => panic!("column {column} on the Customers sheet: {:?}", row.keys()),
            Some(Data::Empty) => String::new(),
            Some(Data::Float(f)) if f.fract() == 0.0 => format!("{}", *f as i64),
            Some(Data::Int(i)) => i.to_string(),
            Some(d) => d.to_string(),
        }
    }

    /// Checks one Customers-sheet column for the listed customers.
    fn expect_column(&self, column: &str, expected: &[(&str, &str)]) {
        for (id, want) in expected {
            assert_eq!(
                self.cell(id, column),
                *want,
                "Customers sheet, {id}, column {column}"
            );
        }
    }

    fn touchpoint(&self, name: &str) -> &Value {
        self.json["touchpoints"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .unwrap_or_else(|| panic!("touchpoint {name}"))
    }

    fn warned(&self, needle: &str) -> bool {
        self.json["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains(needle))
    }
}

/// Compares `actual` with `expected`: numbers approximately, objects only on
/// the keys `expected` names, everything else exactly.
fn check(path: &str, actual: &Value, expected: &Value) {
    match expected {
        Value::Number(n) => {
            let want = n.as_f64().unwrap();
            let got = actual
                .as_f64()
                .unwrap_or_else(|| panic!("{path}: expected {want}, got {actual}"));
            assert!(
                (got - want).abs() <= 1e-9 * want.abs().max(1.0),
                "{path}: expected {want}, got {got}"
            );
        }
        Value::Object(map) => {
            for (k, v) in map {
                let a = actual
                    .get(k)
                    .unwrap_or_else(|| panic!("{path}.{k} missing in {actual}"));
                check(&format!("{path}.{k}"), a, v);
            }
        }
        _ => assert_eq!(actual, expected, "{path}"),
    }
}

/// Object keys in document order.
fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

// ---------------------------------------------------------------------------
// active, status override, active_rate / churn_rate / repeat_rate

/// A1 bought exactly 365 days (active_days) before as_of, A2 366 days.
/// S1–S6 carry a status: "Active" keeps a 2020 buyer active; churned, Lost,
/// inactive, CLOSED make recent buyers lost; "paused" is no status word and
/// overrides nothing. P1 is a prospect marked active (still no buyer). Z1 has
/// two orders but revenue 0.
const ACTIVE_CSV: &str = "customer_id,last_purchase,orders,revenue,status
A1,2025-06-30,1,10,
A2,2025-06-29,1,10,
S1,2020-01-01,3,10,Active
S2,2026-06-29,1,10,churned
S3,2026-06-29,1,10,Lost
S4,2026-06-29,1,10,inactive
S5,2026-06-29,1,10,CLOSED
S6,2026-06-29,1,10,paused
P1,,0,0,active
Z1,2026-06-01,2,0,
";

#[test]
fn active_window_edges_and_status_overrides() {
    let r = run(
        &[("customers.csv", ACTIVE_CSV), ("spend.csv", SPEND_CSV)],
        &[],
    );
    // buyers: all but P1 = 9; active: A1, S1, S6, Z1.
    r.expect(json!({
        "customers": 10,
        "buyers": 9,
        "prospects": 1,
        "active_customers": 4,
        "lost_customers": 5,
        "active_rate": 4.0 / 9.0,
        "churn_rate": 5.0 / 9.0,
        "repeat_buyers": 2,          // S1 (3 orders), Z1 (2)
        "repeat_rate": 2.0 / 9.0,
        "repeat_purchases": 3,       // (3-1) + (2-1)
        "revenue_total": 80.0,
        "average_order_value": 80.0 / 12.0,
        // no Orders sheet: no retention rate
        "retention_rate": null,
        "retention_base": null,
        // no first_purchase column and no orders: new customers unknown
        "new_customers": null,
        "acquisition_cost_per_new_customer": null,
        // no last_contact / open_complaints columns
        "overdue_contact": null,
        "overdue_contact_rate": null,
        "customers_with_complaints": null,
        "complaint_rate": null,
        // SPEND_CSV: retention 1000 of 4000
        "retention_spend_share": 0.25,
        "retention_spend_per_active_customer": 250.0,
        // risk of the active: A1 and S1 bought > 180 days ago (1 point), S6 and Z1 none
        "risk": {"low": 2, "medium": 2, "high": 0, "lost": 5},
        "ladder": {"prospect": 1, "customer": 7, "client": 2, "supporter": 0, "advocate": 0},
    }));
    assert!(r.warned("the retention rate needs an Orders sheet"));
    r.expect_column(
        "active",
        &[
            ("A1", "yes"),
            ("A2", "no"),
            ("S1", "yes"),
            ("S2", "no"),
            ("S3", "no"),
            ("S4", "no"),
            ("S5", "no"),
            ("S6", "yes"),
            ("P1", ""),
            ("Z1", "yes"),
        ],
    );
    r.expect_column(
        "days_since_purchase",
        &[("A1", "365"), ("A2", "366"), ("S1", "2372"), ("P1", "")],
    );
    r.expect_column(
        "risk",
        &[
            ("A1", "medium"),
            ("A2", "lost"),
            ("S1", "medium"),
            ("S2", "lost"),
            ("S6", "low"),
            ("Z1", "low"),
            ("P1", ""),
        ],
    );
    r.expect_column(
        "risk_points",
        &[("A1", "1"), ("S6", "0"), ("A2", ""), ("P1", "")],
    );
    // no last_contact column: overdue_contact is left blank for everyone
    r.expect_column("overdue_contact", &[("A1", ""), ("S6", "")]);
}

#[test]
fn active_days_from_param_and_config_with_the_command_line_winning() {
    // active_days = 366 reaches A2 (366 days).
    let r = run(
        &[("customers.csv", ACTIVE_CSV), ("spend.csv", SPEND_CSV)],
        &["--param", "active_days=366"],
    );
    r.expect(json!({"active_customers": 5, "active_rate": 5.0 / 9.0}));
    assert_eq!(r.json["params"]["active_days"], 366.0);
    r.expect_column("active", &[("A2", "yes"), ("S2", "no")]);

    // audit.yaml says 366 …
    let yaml = "params: { active_days: 366 }\n";
    let r = run(
        &[
            ("customers.csv", ACTIVE_CSV),
            ("spend.csv", SPEND_CSV),
            ("audit.yaml", yaml),
        ],
        &[],
    );
    r.expect(json!({"active_customers": 5}));
    // … and --param overrides audit.yaml.
    let r = run(
        &[
            ("customers.csv", ACTIVE_CSV),
            ("spend.csv", SPEND_CSV),
            ("audit.yaml", yaml),
        ],
        &["--param", "active_days=30"],
    );
    // 30 days back is 2026-05-31: S6 (status ignored, 1 day) and S1 (status active) stay;
    // A1 drops; Z1 (2026-06-01, 29 days) stays.
    r.expect(json!({"active_customers": 3, "lost_customers": 6}));
    r.expect_column("active", &[("A1", "no"), ("S1", "yes"), ("Z1", "yes")]);
}

// ---------------------------------------------------------------------------
// value tiers

/// Revenue 80 / 15 / 4 / 1 / 0 of 100: V2 starts exactly at 80 % cumulative
/// share, V3 exactly at 95 %. VZ has three orders and revenue 0; VP is a prospect.
const VALUE_CSV: &str = "customer_id,last_purchase,orders,revenue
V1,2026-06-01,1,80
V2,2026-06-01,1,15
V3,2026-06-01,1,4
V4,2026-06-01,1,1
VZ,2026-06-01,3,0
VP,,0,0
";

#[test]
fn value_tiers_at_exactly_80_and_95_percent() {
    let r = run(
        &[("customers.csv", VALUE_CSV), ("spend.csv", SPEND_CSV)],
        &[],
    );
    // share before: V1 0 → high; V2 0.80 (not < 0.80) → medium; V3 0.95 → low;
    // V4 0.99, VZ 1.00 → low.
    r.expect(json!({
        "buyers": 5,
        "value_tiers": {"high": 1, "medium": 1, "low": 3},
        "high_value_customers": 1,
    }));
    assert_eq!(keys(&r.metrics()["value_tiers"]), ["high", "medium", "low"]);
    r.expect_column(
        "value_tier",
        &[
            ("V1", "high"),
            ("V2", "medium"),
            ("V3", "low"),
            ("V4", "low"),
            ("VZ", "low"),
            ("VP", ""),
        ],
    );
    // A buyer with revenue 0 is still a buyer: active, on the ladder, low value.
    r.expect_column("ladder_stage", &[("VZ", "client"), ("VP", "prospect")]);
    r.expect_column("active", &[("VZ", "yes")]);

    // Moving the thresholds just past the boundaries moves V2 and V3 up.
    let r = run(
        &[("customers.csv", VALUE_CSV), ("spend.csv", SPEND_CSV)],
        &[
            "--param",
            "value_high_share=0.81",
            "--param",
            "value_medium_share=0.951",
        ],
    );
    r.expect(json!({"value_tiers": {"high": 2, "medium": 1, "low": 2}}));
    r.expect_column(
        "value_tier",
        &[("V2", "high"), ("V3", "medium"), ("V4", "low")],
    );
}

#[test]
fn value_ties_are_ranked_by_id_not_by_row_order() {
    // K 60, then M and L tie at 20 with M first in the file. Ranked by id,
    // L comes before M: L starts at 0.60 → high, M at 0.80 → medium.
    let csv = "customer_id,last_purchase,orders,revenue
K,2026-06-01,1,60
M,2026-06-01,1,20
L,2026-06-01,1,20
";
    let r = run(&[("customers.csv", csv), ("spend.csv", SPEND_CSV)], &[]);
    r.expect(json!({"value_tiers": {"high": 2, "medium": 1, "low": 0}}));
    r.expect_column(
        "value_tier",
        &[("K", "high"), ("L", "high"), ("M", "medium")],
    );
}

#[test]
fn value_tiers_partition_buyers_when_all_revenue_is_zero() {
    // The share "before" is 0/0 here; §4 does not say. Whatever the tier,
    // every buyer gets exactly one.
    let csv = "customer_id,last_purchase,orders,revenue
Z1,2026-06-01,1,0
Z2,2026-06-01,2,0
Z3,,0,0
";
    let r = run(&[("customers.csv", csv), ("spend.csv", SPEND_CSV)], &[]);
    let t = &r.metrics()["value_tiers"];
    let sum: u64 = ["high", "medium", "low"]
        .iter()
        .map(|k| t[k].as_u64().unwrap())
        .sum();
    assert_eq!(sum, 2, "{t}");
    assert_eq!(r.cell("Z3", "value_tier"), "");
}

// ---------------------------------------------------------------------------
// risk, high_value_at_risk, overdue_contact, satisfaction

/// Risk points, one per sign (defaults: recency > 180, complaints > 0,
/// contact > 90 days ago, satisfaction ≤ 6):
///   R0   180 days, contact 90 days, sat 7           → 0 low
///   R1a  181 days                                    → 1 medium (recency)
///   R1b  2 complaints                                → 1 medium
///   R1c  contact 91 days ago                         → 1 medium, overdue
///   R1d  satisfaction 6                              → 1 medium
///   R2   181 days + 1 complaint                      → 2 high
///   R4   364 days, complaint, contact 2025, sat 0    → 4 high, overdue
///   RN   no contact, complaints or score at all      → 0 low, overdue (never contacted)
///   RL   bought 2024 → lost;  RS status churned → lost;  RP prospect.
/// Revenue 1000 (R4) + 500 (R2) + 8 × 10 = 1580: R4 and R2 are high value,
/// R0 (first of the 10s by id) starts at 1500/1580 = 0.949 → medium, the rest low.
const RISK_CSV: &str =
    "customer_id,last_purchase,orders,revenue,last_contact,open_complaints,satisfaction,status
R0,2026-01-01,1,10,2026-04-01,0,7,
R1a,2025-12-31,1,10,2026-06-01,0,9,
R1b,2026-06-01,1,10,2026-06-01,2,10,
R1c,2026-06-01,1,10,2026-03-31,0,8,
R1d,2026-06-01,1,10,2026-06-01,0,6,
R2,2025-12-31,1,500,2026-06-01,1,8,
R4,2025-07-01,1,1000,2025-01-01,1,0,
RN,2026-06-01,1,10,,,,
RL,2024-01-01,1,10,2024-01-01,0,10,
RS,2026-06-01,1,10,2026-06-01,0,,churned
RP,,0,0,,,,
";

#[test]
fn risk_points_levels_and_overdue_contact() {
    let r = run(
        &[("customers.csv", RISK_CSV), ("spend.csv", SPEND_CSV)],
        &[],
    );
    r.expect(json!({
        "customers": 11,
        "buyers": 10,
        "active_customers": 8,
        "risk": {"low": 2, "medium": 4, "high": 2, "lost": 2},
        "value_tiers": {"high": 2, "medium": 1, "low": 7},
        "value_risk": {
            "high": {"low": 0, "medium": 0, "high": 2, "lost": 0},
            "medium": {"low": 1, "medium": 0, "high": 0, "lost": 0},
            "low": {"low": 1, "medium": 4, "high": 0, "lost": 2},
        },
        "high_value_at_risk": 2,
        "high_value_at_risk_revenue": 1500.0,
        // R1c, R4, RN; RL is lost so not counted
        "overdue_contact": 3,
        "overdue_contact_rate": 3.0 / 8.0,
        // R1b, R2, R4
        "customers_with_complaints": 3,
        "complaint_rate": 0.3,
        // scores: 7 9 10 8 6 8 0 10 → promoters (≥ 9) 3, detractors (≤ 6) 2
        "satisfaction_known": 8,
        "promoters": 3,
        "detractors": 2,
        "nps": 12.5,
    }));
    assert_eq!(
        keys(&r.metrics()["risk"]),
        ["low", "medium", "high", "lost"]
    );
    r.expect_column(
        "risk_points",
        &[
            ("R0", "0"),
            ("R1a", "1"),
            ("R1b", "1"),
            ("R1c", "1"),
            ("R1d", "1"),
            ("R2", "2"),
            ("R4", "4"),
            ("RN", "0"),
            ("RL", ""),
            ("RS", ""),
            ("RP", ""),
        ],
    );
    r.expect_column(
        "risk",
        &[
            ("R0", "low"),
            ("R1a", "medium"),
            ("R1d", "medium"),
            ("R2", "high"),
            ("R4", "high"),
            ("RN", "low"),
            ("RL", "lost"),
            ("RS", "lost"),
            ("RP", ""),
        ],
    );
    r.expect_column(
        "overdue_contact",
        &[
            ("R0", "no"),
            ("R1a", "no"),
            ("R1c", "yes"),
            ("R4", "yes"),
            ("RN", "yes"),
            ("RL", ""),
            ("RS", ""),
            ("RP", ""),
        ],
    );
    r.expect_column(
        "days_since_contact",
        &[("R0", "90"), ("R1c", "91"), ("RN", "")],
    );
    r.expect_column(
        "days_since_purchase",
        &[("R0", "180"), ("R1a", "181"), ("R4", "364")],
    );
    r.expect_column(
        "value_tier",
        &[
            ("R4", "high"),
            ("R2", "high"),
            ("R0", "medium"),
            ("R1a", "low"),
        ],
    );
}

#[test]
fn risk_parameters_move_every_boundary() {
    // recency 181 is no longer > 181 (R1a → 0, R2 → 1); contact 91 days is
    // within 91 (R1c → 0, not overdue); satisfaction 6 is above detractor_max 5 (R1d → 0).
    let r = run(
        &[("customers.csv", RISK_CSV), ("spend.csv", SPEND_CSV)],
        &[
            "--param",
            "risk_recency_days=181",
            "--param",
            "max_contact_gap_days=91",
            "--param",
            "detractor_max=5",
        ],
    );
    r.expect(json!({
        "risk": {"low": 5, "medium": 2, "high": 1, "lost": 2},
        "high_value_at_risk": 1,
        "high_value_at_risk_revenue": 1000.0,
        "overdue_contact": 2,
        "detractors": 1,
        "nps": 25.0,
    }));
    r.expect_column(
        "risk_points",
        &[
            ("R1a", "0"),
            ("R2", "1"),
            ("R1c", "0"),
            ("R1d", "0"),
            ("R4", "4"),
        ],
    );
    r.expect_column("overdue_contact", &[("R1c", "no"), ("R4", "yes")]);
}

// ---------------------------------------------------------------------------
// loyalty ladder

#[test]
fn ladder_each_rung_and_advocate_first() {
    // ADV1: 1 order + 1 referral (and lost: the ladder ignores activity);
    // ADV2: would be a supporter but referred → advocate; SUP: 2 orders,
    // score 9 = promoter_min; CLI1: score 8; CLI2: no score; CUS: 1 order
    // with score 10; PRO: referrals but no order; PRO2: nothing.
    let csv = "customer_id,last_purchase,orders,revenue,satisfaction,referrals
ADV1,2024-01-01,1,10,,1
ADV2,2026-06-01,5,10,10,2
SUP,2026-06-01,2,10,9,0
CLI1,2026-06-01,2,10,8,
CLI2,2026-06-01,3,10,,
CUS,2026-06-01,1,10,10,0
PRO,,0,0,,3
PRO2,,0,0,,
";
    let r = run(&[("customers.csv", csv), ("spend.csv", SPEND_CSV)], &[]);
    r.expect(json!({
        "ladder": {"prospect": 2, "customer": 1, "client": 2, "supporter": 1, "advocate": 2},
    }));
    assert_eq!(
        keys(&r.metrics()["ladder"]),
        ["prospect", "customer", "client", "supporter", "advocate"]
    );
    r.expect_column(
        "ladder_stage",
        &[
            ("ADV1", "advocate"),
            ("ADV2", "advocate"),
            ("SUP", "supporter"),
            ("CLI1", "client"),
            ("CLI2", "client"),
            ("CUS", "customer"),
            ("PRO", "prospect"),
            ("PRO2", "prospect"),
        ],
    );
    // promoter_min 8 makes CLI1 a supporter.
    let r = run(
        &[("customers.csv", csv), ("spend.csv", SPEND_CSV)],
        &["--param", "promoter_min=8"],
    );
    r.expect(json!({"ladder": {"client": 1, "supporter": 2, "advocate": 2}}));
    r.expect_column("ladder_stage", &[("CLI1", "supporter")]);
}

// ---------------------------------------------------------------------------
// defection reasons

#[test]
fn defection_reasons_by_keyword_in_category_order() {
    // Lost buyers (2024) with reasons; categories are tried price, complaint,
    // competitor, indifference, and the first that matches wins.
    // D06 "cheaper" is price before competitor; D07 complaint before competitor;
    // D08 competitor before indifference ("never heard"). D10 gave no reason,
    // D11 is active, D12 is lost by status, D13 is a prospect.
    let csv = "customer_id,last_purchase,orders,revenue,status,churn_reason
D01,2024-01-01,1,10,,Too expensive for us
D02,2024-01-01,1,10,,Complaint never resolved
D03,2024-01-01,1,10,,Switched to a competitor
D04,2024-01-01,1,10,,\"They never followed up, felt ignored\"
D05,2024-01-01,1,10,,Moved abroad
D06,2024-01-01,1,10,,Competitor was cheaper
D07,2024-01-01,1,10,,Unresolved complaint; went to a competitor
D08,2024-01-01,1,10,,Competitor - we never heard from you
D09,2024-01-01,1,10,,PRICE
D10,2024-01-01,1,10,,
D11,2026-06-01,1,10,,too expensive
D12,2026-06-01,1,10,closed,Never contacted us after the sale
D13,,0,0,,price
";
    let r = run(&[("customers.csv", csv), ("spend.csv", SPEND_CSV)], &[]);
    r.expect(json!({
        "buyers": 12,
        "lost_customers": 11,
        "defection_reasons": {"price": 3, "complaint": 2, "competitor": 2, "indifference": 2, "other": 1},
        "lost_with_reason": 10,
        // (competitor + indifference) / reasons given
        "indifference_share": 0.4,
    }));
    assert_eq!(
        keys(&r.metrics()["defection_reasons"]),
        ["price", "complaint", "competitor", "indifference", "other"]
    );
    r.expect_column(
        "defection_reason",
        &[
            ("D01", "price"),
            ("D02", "complaint"),
            ("D03", "competitor"),
            ("D04", "indifference"),
            ("D05", "other"),
            ("D06", "price"),
            ("D07", "complaint"),
            ("D08", "competitor"),
            ("D09", "price"),
            ("D10", ""),
            ("D11", ""),
            ("D12", "indifference"),
            ("D13", ""),
        ],
    );
}

// ---------------------------------------------------------------------------
// Orders sheet: retention_rate, derived figures, unknown ids, new customers

const ORDER_CUSTOMERS_CSV: &str = "customer_id,name
O1,One
O2,Two
O3,Three
O4,Four
O5,Five
O6,Six
O7,Seven
O8,Eight
O9,Nine
PZ,Prospect
";

/// W = 90: previous window [2026-01-01, 2026-04-01), current [2026-04-01, 2026-06-30].
///   O1  2026-01-01 (first day of prev) + 2026-06-30 (as_of)   → base, retained
///   O2  2026-03-31 (last day of prev)  + 2026-04-01 (cur)     → base, retained
///   O3  2026-03-31 only                                       → base
///   O4  2025-12-31 (before prev) + 2026-05-01, amounts 0      → not in base; revenue 0
///   O5  2026-04-01 only (cur)                                 → not in base; new
///   O6  2026-02-01 + 2026-07-01 (after as_of)                 → base, not retained
///   O7  two orders on 2026-02-01                              → base
///   O8  2026-06-30 only                                       → new
///   O9  2026-07-01 only (after as_of)                         → not new
///   NEW1 not in the customer list                             → created, new
const ORDERS_CSV: &str = "customer_id,date,amount
O1,2026-01-01,10
O1,2026-06-30,20
O2,2026-03-31,5
O2,2026-04-01,5
O3,2026-03-31,100
O4,2025-12-31,0
O4,2026-05-01,0
O5,2026-04-01,50
O6,2026-02-01,1
O6,2026-07-01,1
O7,2026-02-01,3
O7,2026-02-01,4
NEW1,2026-06-15,25
O8,2026-06-30,40
O9,2026-07-01,60
";

/// 300 acquisition, 200 retention, 100 both.
const ORDER_SPEND_CSV: &str = "touchpoint,p,spend,objective
Search ads,promotion,300,acquisition
Win-back mail,promotion,200,retention
Shop,place,100,both
";

#[test]
fn retention_rate_windows_and_figures_derived_from_orders() {
    let r = run(
        &[
            ("customers.csv", ORDER_CUSTOMERS_CSV),
            ("orders.csv", ORDERS_CSV),
            ("spend.csv", ORDER_SPEND_CSV),
        ],
        &[],
    );
    r.expect(json!({
        "customers": 11,             // 10 listed + NEW1
        "buyers": 10,
        "prospects": 1,
        "active_customers": 10,
        "active_rate": 1.0,
        "churn_rate": 0.0,
        "repeat_buyers": 5,          // O1 O2 O4 O6 O7
        "repeat_rate": 0.5,
        "repeat_purchases": 5,
        "retention_base": 5,         // O1 O2 O3 O6 O7
        "retention_rate": 0.4,       // O1 O2
        "new_customers": 3,          // O5 O8 NEW1
        "revenue_total": 324.0,
        "average_order_value": 324.0 / 15.0,
        // by revenue: O3 100, O9 60, O5 50, O8 40, O1 30 | NEW1 25 (0.864), O2 10 (0.941) | O7 7 (0.972) …
        "value_tiers": {"high": 5, "medium": 2, "low": 3},
        "ladder": {"prospect": 1, "customer": 5, "client": 5, "supporter": 0, "advocate": 0},
        "acquisition_cost_per_new_customer": 100.0,
        "retention_spend_per_active_customer": 20.0,
        "retention_spend_share": 200.0 / 600.0,
    }));
    assert!(
        r.warned("1 customer id(s) appear only in orders"),
        "{}",
        r.json["warnings"]
    );
    assert!(!r.warned("retention_rate"), "{}", r.json["warnings"]);
    // derived per customer
    r.expect_column(
        "orders",
        &[
            ("O1", "2"),
            ("O4", "2"),
            ("O7", "2"),
            ("NEW1", "1"),
            ("PZ", "0"),
        ],
    );
    r.expect_column("revenue", &[("O1", "30"), ("O4", "0"), ("NEW1", "25")]);
    r.expect_column(
        "value_tier",
        &[
            ("O4", "low"),
            ("NEW1", "medium"),
            ("O1", "high"),
            ("PZ", ""),
        ],
    );
    // O6's last order is a day after the audit date: warned about, and its
    // days since purchase stay 0 rather than going negative (SPEC §4.1).
    r.expect_column(
        "days_since_purchase",
        &[("O1", "0"), ("O4", "60"), ("O6", "0"), ("O7", "149")],
    );
    assert!(
        r.json["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("dated after the audit date")),
        "{}",
        r.json["warnings"]
    );
    r.expect_column("ladder_stage", &[("O4", "client"), ("NEW1", "customer")]);
}

#[test]
fn period_days_moves_the_retention_and_new_customer_windows() {
    // W = 60: previous [2026-03-02, 2026-05-01), current [2026-05-01, 2026-06-30].
    // Base: O2 (03-31, 04-01), O3 (03-31), O5 (04-01); none ordered again → 0.
    // New: first purchase in [2026-05-01, 2026-06-30]: O8, NEW1.
    let r = run(
        &[
            ("customers.csv", ORDER_CUSTOMERS_CSV),
            ("orders.csv", ORDERS_CSV),
            ("spend.csv", ORDER_SPEND_CSV),
        ],
        &["--param", "period_days=60"],
    );
    r.expect(json!({
        "retention_base": 3,
        "retention_rate": 0.0,
        "new_customers": 2,
        "acquisition_cost_per_new_customer": 150.0,
    }));
}

#[test]
fn empty_orders_sheet_makes_everyone_a_prospect() {
    // The Orders sheet is the truth when present, even with only a header:
    // the customers' own orders/revenue columns are replaced.
    let customers = "customer_id,last_purchase,orders,revenue
E1,2026-06-01,3,100
E2,2026-06-01,1,50
";
    let r = run(
        &[
            ("customers.csv", customers),
            ("orders.csv", "customer_id,date,amount\n"),
            ("spend.csv", SPEND_CSV),
        ],
        &[],
    );
    r.expect(json!({
        "customers": 2,
        "buyers": 0,
        "prospects": 2,
        "active_customers": 0,
        "active_rate": null,
        "churn_rate": null,
        "repeat_rate": null,
        "retention_rate": null,
        "retention_base": 0,
        "new_customers": 0,
        "revenue_total": 0.0,
        "average_order_value": null,
        "value_tiers": {"high": 0, "medium": 0, "low": 0},
        "ladder": {"prospect": 2},
        "retention_spend_per_active_customer": null,
        "acquisition_cost_per_new_customer": null,
    }));
    assert!(r.warned("has no orders"), "{}", r.json["warnings"]);
    r.expect_column("orders", &[("E1", "0")]);
    r.expect_column("active", &[("E1", "")]);
}

// ---------------------------------------------------------------------------
// new customers and spend

/// First purchases at the window edges (W = 90 → from 2026-04-01):
/// N1 2026-04-01 new; N2 2026-03-31 not; N3 2026-06-30 (as_of) new;
/// N4 2026-07-01 (after as_of) not; N5 unknown. All five are active
/// (N5 bought 2026-01-01, exactly 180 days back).
const NEW_CSV: &str = "customer_id,first_purchase,last_purchase,orders,revenue
N1,2026-04-01,2026-04-01,1,10
N2,2026-03-31,2026-03-31,1,10
N3,2026-06-30,2026-06-30,1,10
N4,2026-07-01,2026-07-01,1,10
N5,,2026-01-01,1,10
";

/// Total 5000: acquisition 3000, retention 1000 + 600, both 400 (Service desk)
/// plus 0 (Price match, objective blank = both). Stages: Newsletter's 1000 split
/// over customer/client, Loyalty club's 600 over client/supporter, Service desk
/// has none ("unassigned"); nothing serves advocates.
const STAGE_SPEND_CSV: &str = "touchpoint,p,spend,objective,stage
Search ads,promotion,3000,acquisition,prospect
Newsletter,promotion,1000,retention,customer;client
Loyalty club,price,600,retention,client; supporter
Service desk,people,400,both,
Price match,price,0,,customer
";

#[test]
fn new_customers_window_and_spend_breakdown() {
    let r = run(
        &[("customers.csv", NEW_CSV), ("spend.csv", STAGE_SPEND_CSV)],
        &[],
    );
    r.expect(json!({
        "new_customers": 2,
        "active_customers": 5,
        "spend_total": 5000.0,
        "spend_by_p": {
            "product": 0.0, "price": 600.0, "place": 0.0, "promotion": 4000.0,
            "people": 400.0, "process": 0.0, "physical_evidence": 0.0,
        },
        "spend_by_stage": {
            "prospect": 3000.0, "customer": 500.0, "client": 800.0,
            "supporter": 300.0, "advocate": 0.0, "unassigned": 400.0,
        },
        "spend_by_objective": {"acquisition": 3000.0, "retention": 1600.0, "both": 400.0},
        "retention_spend": 1600.0,
        "acquisition_spend": 3000.0,
        "retention_spend_share": 0.32,
        "acquisition_cost_per_new_customer": 1500.0,
        "retention_spend_per_active_customer": 320.0,
        "touchpoints": 5,
        "retention_touchpoints": 4,
        "stages_served": ["prospect", "customer", "client", "supporter"],
        "stages_without_touchpoint": ["advocate"],
    }));
    assert_eq!(
        keys(&r.metrics()["spend_by_p"]),
        [
            "product",
            "price",
            "place",
            "promotion",
            "people",
            "process",
            "physical_evidence"
        ]
    );
    check(
        "Search ads",
        &r.touchpoint("Search ads")["metrics"],
        &json!({"spend_share": 0.6}),
    );
    check(
        "Price match",
        &r.touchpoint("Price match")["metrics"],
        &json!({"spend_share": 0.0}),
    );
    // no reach data: reach figures are null
    check(
        "Newsletter",
        &r.touchpoint("Newsletter")["metrics"],
        &json!({"reached": null, "lift": null, "spend_per_reached": null}),
    );

    // period_days 91 reaches N2 (2026-03-31); active_days 179 drops N5 (180 days).
    let r = run(
        &[("customers.csv", NEW_CSV), ("spend.csv", STAGE_SPEND_CSV)],
        &["--param", "period_days=91", "--param", "active_days=179"],
    );
    r.expect(json!({
        "new_customers": 3,
        "acquisition_cost_per_new_customer": 1000.0,
        "active_customers": 4,
        "retention_spend_per_active_customer": 400.0,
    }));
    r.expect_column("active", &[("N5", "no"), ("N4", "yes")]);
}

#[test]
fn spend_without_stage_or_objective_columns() {
    // No stage column: all spend is unassigned and stage coverage is unknown.
    // No objective column: everything is "both", so retention share is 0.
    let spend = "touchpoint,p,spend
Catalogue,physical proof,250
Events,people,750
";
    let r = run(&[("customers.csv", NEW_CSV), ("spend.csv", spend)], &[]);
    r.expect(json!({
        "spend_total": 1000.0,
        "spend_by_p": {"physical_evidence": 250.0, "people": 750.0},
        "spend_by_stage": {"prospect": 0.0, "unassigned": 1000.0},
        "spend_by_objective": {"acquisition": 0.0, "retention": 0.0, "both": 1000.0},
        "retention_spend_share": 0.0,
        "retention_spend_per_active_customer": 0.0,
        "acquisition_cost_per_new_customer": 0.0,
        "stages_served": null,
        "stages_without_touchpoint": null,
    }));
    // Zero total spend: the share is undefined, not 0.
    let zero = "touchpoint,p,spend,objective\nCatalogue,product,0,retention\n";
    let r = run(&[("customers.csv", NEW_CSV), ("spend.csv", zero)], &[]);
    r.expect(json!({"spend_total": 0.0, "retention_spend_share": null}));
}

// ---------------------------------------------------------------------------
// reach from the customers' touchpoints column

/// H1, H2, H4 active; H3, H5, H6 lost. H1 lists two touchpoints separated by
/// a comma, H2 writes "newsletter" in lower case, H6 names a touchpoint the
/// spend sheet does not have.
const REACH_CSV: &str = "customer_id,last_purchase,orders,revenue,touchpoints
H1,2026-06-01,1,100,\"Newsletter, Loyalty club\"
H2,2026-06-01,1,200,newsletter
H3,2024-01-01,1,50,Newsletter
H4,2026-06-01,1,300,
H5,2024-01-01,1,10,Loyalty club
H6,2024-01-01,1,40,Podcast
";

const REACH_SPEND_CSV: &str = "touchpoint,p,spend,objective
Newsletter,promotion,1000,retention
Loyalty club,price,300,retention
Search ads,promotion,600,acquisition
";

#[test]
fn reach_per_touchpoint_from_the_touchpoints_column() {
    let r = run(
        &[("customers.csv", REACH_CSV), ("spend.csv", REACH_SPEND_CSV)],
        &[],
    );
    // Newsletter reached H1 H2 H3: 2 of 3 active; not reached H4 H5 H6: 1 of 3.
    check(
        "Newsletter",
        &r.touchpoint("Newsletter")["metrics"],
        &json!({
            "spend_share": 1000.0 / 1900.0,
            "reached": 3,
            "reached_share": 0.5,
            "active_rate_reached": 2.0 / 3.0,
            "active_rate_not_reached": 1.0 / 3.0,
            "lift": 2.0,
            "revenue_reached": 350.0,
            "spend_per_reached": 1000.0 / 3.0,
            "revenue_per_reached": 350.0 / 3.0,
        }),
    );
    // Loyalty club reached H1 H5: 1 of 2 active; not reached H2 H3 H4 H6: 2 of 4.
    check(
        "Loyalty club",
        &r.touchpoint("Loyalty club")["metrics"],
        &json!({
            "reached": 2,
            "active_rate_reached": 0.5,
            "active_rate_not_reached": 0.5,
            "lift": 1.0,
            "revenue_reached": 110.0,
            "spend_per_reached": 150.0,
        }),
    );
    // Search ads reached nobody: rates over nobody are undefined.
    check(
        "Search ads",
        &r.touchpoint("Search ads")["metrics"],
        &json!({
            "reached": 0,
            "reached_share": 0.0,
            "active_rate_reached": null,
            "active_rate_not_reached": 0.5,
            "lift": null,
            "revenue_reached": 0.0,
            "spend_per_reached": null,
        }),
    );
    assert!(r.warned("Podcast"), "{}", r.json["warnings"]);
    r.expect_column(
        "touchpoints",
        &[("H1", "Newsletter; Loyalty club"), ("H2", "Newsletter")],
    );
}

/// SPEC §4 defines the active rate as active buyers / buyers; the per-touchpoint
/// "active rate of reached vs not reached" uses customers (prospects included)
/// as the base. With a reached prospect (H7) the two differ: by the spec the
/// Newsletter's reached active rate stays 2/3 (lift 2), the binary reports 2/4
/// (lift 1.5).
#[test]
fn reach_active_rates_are_over_buyers_as_the_spec_defines_active_rate() {
    let customers = format!("{REACH_CSV}H7,,0,0,Newsletter\n");
    let r = run(
        &[
            ("customers.csv", customers.as_str()),
            ("spend.csv", REACH_SPEND_CSV),
        ],
        &[],
    );
    check(
        "Newsletter",
        &r.touchpoint("Newsletter")["metrics"],
        &json!({
            "active_rate_reached": 2.0 / 3.0,
            "active_rate_not_reached": 1.0 / 3.0,
            "lift": 2.0,
        }),
    );
}

#[test]
fn reach_from_an_interactions_sheet_matches_the_touchpoints_column() {
    // The same reach as REACH_CSV, given as one row per contact; repeated
    // contacts count once, an unknown customer id is skipped with a warning.
    let customers = "customer_id,last_purchase,orders,revenue
H1,2026-06-01,1,100
H2,2026-06-01,1,200
H3,2024-01-01,1,50
H4,2026-06-01,1,300
H5,2024-01-01,1,10
H6,2024-01-01,1,40
";
    let interactions = "customer_id,touchpoint,date
H1,Newsletter,2026-05-01
H1,Newsletter,2026-06-01
H1,Loyalty club,2026-05-01
H2,newsletter,2026-05-01
H3,Newsletter,2025-01-01
H5,Loyalty club,2024-01-01
HX,Newsletter,2026-05-01
";
    let r = run(
        &[
            ("customers.csv", customers),
            ("interactions.csv", interactions),
            ("spend.csv", REACH_SPEND_CSV),
        ],
        &[],
    );
    check(
        "Newsletter",
        &r.touchpoint("Newsletter")["metrics"],
        &json!({
            "reached": 3,
            "active_rate_reached": 2.0 / 3.0,
            "active_rate_not_reached": 1.0 / 3.0,
            "lift": 2.0,
            "revenue_reached": 350.0,
            "spend_per_reached": 1000.0 / 3.0,
        }),
    );
    check(
        "Loyalty club",
        &r.touchpoint("Loyalty club")["metrics"],
        &json!({"reached": 2, "lift": 1.0, "spend_per_reached": 150.0}),
    );
    assert!(
        r.warned("not in the customer list"),
        "{}",
        r.json["warnings"]
    );
}
