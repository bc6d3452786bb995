//! Reads transactions (CSV `customer_id,date,amount`, date YYYY-MM-DD) and
//! prints as JSON the cohort table and RFM scores/segments of
//! `mixaudit::analytics::value`, for scripts/crosscheck_value.py to compare
//! with its own pandas computation. Same-day orders of a customer are one
//! purchase; recency is counted to the latest date in the file.
//!
//! ```sh
//! cargo run --release --example value_crosscheck -- orders.csv
//! ```

use chrono::NaiveDate;
use mixaudit::analytics::value::{self, RfmBuyer, RfmSegments};
use std::collections::BTreeMap;

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: value_crosscheck ORDERS.csv");
    let mut rdr = csv::Reader::from_path(&path).expect("open csv");
    let mut orders: Vec<(String, NaiveDate, f64)> = Vec::new();
    for rec in rdr.records() {
        let rec = rec.expect("csv record");
        let day = NaiveDate::parse_from_str(&rec[1], "%Y-%m-%d").expect("date");
        orders.push((rec[0].to_string(), day, rec[2].parse().expect("amount")));
    }
    let cohorts = value::cohort_table(orders.iter().map(|(c, d, _)| (c.as_str(), *d)));
    // Per customer: purchase days, last day, revenue.
    let mut per: BTreeMap<&str, (Vec<NaiveDate>, f64)> = BTreeMap::new();
    for (c, d, amount) in &orders {
        let e = per.entry(c.as_str()).or_default();
        e.0.push(*d);
        e.1 += amount;
    }
    let as_of = orders.iter().map(|o| o.1).max().expect("no orders");
    let buyers: Vec<RfmBuyer<'_>> = per
        .iter_mut()
        .map(|(id, (days, revenue))| {
            days.sort_unstable();
            days.dedup();
            RfmBuyer {
                id,
                recency_days: (as_of - *days.last().unwrap()).num_days() as f64,
                frequency: days.len() as u32,
                monetary: *revenue,
            }
        })
        .collect();
    let table = RfmSegments::default();
    let rfm = value::rfm_segments(&buyers, &table);
    let scores: serde_json::Map<String, serde_json::Value> = buyers
        .iter()
        .zip(&rfm.scores)
        .map(|(b, s)| (b.id.to_string(), serde_json::json!([s.r, s.f, s.m])))
        .collect();
    let out = serde_json::json!({
        "cohorts": cohorts,
        "rfm_table": table,
        "rfm": { "scores": scores, "totals": rfm.totals },
    });
    println!("{out}");
}
