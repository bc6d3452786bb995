//! Purchase cohorts: customers grouped by the calendar month of their first
//! order, and for each later calendar month (0, 1, 2, … months since), how
//! many of them ordered in it. This is the classic retention heat-map, and it
//! needs order dates, not just first/last purchase.

use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;

/// One cohort: customers whose first order fell in `cohort`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CohortRow {
    /// First-order month, "YYYY-MM".
    pub cohort: String,
    /// Customers in the cohort.
    pub size: u64,
    /// Customers with an order in month k after the cohort month, k = 0, 1, …
    /// up to the last month in the data (month 0 = `size`).
    pub retained: Vec<u64>,
    /// `retained[k] / size`.
    pub retained_share: Vec<f64>,
}

/// The cohort table, oldest cohort first; serialises as `{rows: [...]}`.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct CohortTable {
    /// The cohorts.
    pub rows: Vec<CohortRow>,
}

fn month_index(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

/// Builds the cohort table from (customer id, order date) pairs in any
/// order; several orders of a customer in one month count once.
pub fn cohort_table<'a>(orders: impl IntoIterator<Item = (&'a str, NaiveDate)>) -> CohortTable {
    let mut ids: HashMap<&'a str, u32> = HashMap::new();
    let mut pairs: Vec<(u32, i32)> = Vec::new();
    for (id, day) in orders {
        let next = ids.len() as u32;
        let c = *ids.entry(id).or_insert(next);
        pairs.push((c, month_index(day)));
    }
    if pairs.is_empty() {
        return CohortTable::default();
    }
    pairs.sort_unstable();
    pairs.dedup();
    let last = pairs.iter().map(|p| p.1).max().unwrap_or(0);
    let first_month = pairs.iter().map(|p| p.1).min().unwrap_or(0);
    let width = |cohort: i32| (last - cohort + 1) as usize;
    let mut counts: Vec<Vec<u64>> = (first_month..=last).map(|c| vec![0; width(c)]).collect();
    let mut start = 0;
    while start < pairs.len() {
        let customer = pairs[start].0;
        let mut end = start;
        while end < pairs.len() && pairs[end].0 == customer {
            end += 1;
        }
        // Sorted by month within the customer: the first is the cohort.
        let cohort = pairs[start].1;
        let row = &mut counts[(cohort - first_month) as usize];
        for &(_, m) in &pairs[start..end] {
            row[(m - cohort) as usize] += 1;
        }
        start = end;
    }
    let rows = counts
        .into_iter()
        .enumerate()
        .filter(|(_, r)| r[0] > 0)
        .map(|(k, retained)| {
            let m = first_month + k as i32;
            let size = retained[0];
            CohortRow {
                cohort: format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1),
                size,
                retained_share: retained.iter().map(|&c| c as f64 / size as f64).collect(),
                retained,
            }
        })
        .collect();
    CohortTable { rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn counts_distinct_customers_per_month_since_first() {
        let orders = [
            ("a", d(2024, 1, 5)),
            ("a", d(2024, 1, 20)),
            ("a", d(2024, 3, 1)),
            ("b", d(2024, 1, 31)),
            ("b", d(2024, 2, 1)),
            ("c", d(2024, 3, 9)),
        ];
        let t = cohort_table(orders.iter().map(|(i, d)| (*i, *d)));
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].cohort, "2024-01");
        assert_eq!(t.rows[0].size, 2);
        assert_eq!(t.rows[0].retained, vec![2, 1, 1]);
        assert_eq!(t.rows[0].retained_share, vec![1.0, 0.5, 0.5]);
        assert_eq!(t.rows[1].cohort, "2024-03");
        assert_eq!(t.rows[1].retained, vec![1]);
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(json["rows"][0]["cohort"], "2024-01");
    }

    #[test]
    fn empty_input_gives_no_rows() {
        assert!(cohort_table(std::iter::empty()).rows.is_empty());
    }
}
