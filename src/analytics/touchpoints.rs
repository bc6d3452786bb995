//! Per-touchpoint figures: share of spend and, when reach is known, how the
//! customers it reached behave against those it did not.

use super::CustomerFacts;
use crate::model::Dataset;

/// What the analytics know about one touchpoint.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct TouchpointFacts {
    /// Share of total spend.
    pub spend_share: Option<f64>,
    /// responses / reach as the business counts them.
    pub response_rate: Option<f64>,
    /// Customers reached (from the data).
    pub reached: Option<u64>,
    /// reached / customers.
    pub reached_share: Option<f64>,
    /// Active rate among buyers reached.
    pub active_rate_reached: Option<f64>,
    /// Active rate among buyers not reached.
    pub active_rate_not_reached: Option<f64>,
    /// active_rate_reached / active_rate_not_reached.
    pub lift: Option<f64>,
    /// Revenue of customers reached.
    pub revenue_reached: Option<f64>,
    /// Spend per customer reached.
    pub spend_per_reached: Option<f64>,
    /// Revenue per customer reached.
    pub revenue_per_reached: Option<f64>,
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b != 0.0 && a.is_finite() && b.is_finite()).then(|| a / b)
}

/// Computes every touchpoint's facts in one pass over the customers.
pub fn touchpoint_facts(ds: &Dataset, facts: &[CustomerFacts]) -> Vec<TouchpointFacts> {
    let total: f64 = crate::model::total(ds.touchpoints.iter().map(|t| t.spend));
    let n = ds.touchpoints.len();
    // Reach counts every customer reached; the active rates, like the
    // portfolio active_rate, are shares of buyers.
    let mut reached = vec![0u64; n];
    let mut reached_buyers = vec![0u64; n];
    let mut reached_active = vec![0u64; n];
    let mut revenue = vec![0f64; n];
    if ds.reach_known {
        for (c, f) in ds.customers.iter().zip(facts) {
            for &t in c.reached_by.iter() {
                let t = t as usize;
                reached[t] += 1;
                reached_buyers[t] += u64::from(f.buyer);
                reached_active[t] += u64::from(f.active);
                revenue[t] += c.revenue;
            }
        }
    }
    let customers = ds.customers.len() as f64;
    let buyers = facts.iter().filter(|f| f.buyer).count() as f64;
    let active_total = facts.iter().filter(|f| f.active).count() as f64;
    ds.touchpoints
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut tf = TouchpointFacts {
                spend_share: ratio(t.spend, total),
                response_rate: match (t.responses, t.reach) {
                    (Some(r), Some(n)) => ratio(r, n),
                    _ => None,
                },
                ..Default::default()
            };
            if ds.reach_known {
                let r = reached[i] as f64;
                let rb = reached_buyers[i] as f64;
                tf.reached = Some(reached[i]);
                tf.reached_share = ratio(r, customers);
                tf.active_rate_reached = ratio(reached_active[i] as f64, rb);
                tf.active_rate_not_reached =
                    ratio(active_total - reached_active[i] as f64, buyers - rb);
                tf.lift = match (tf.active_rate_reached, tf.active_rate_not_reached) {
                    (Some(a), Some(b)) => ratio(a, b),
                    _ => None,
                };
                tf.revenue_reached = Some(revenue[i]);
                tf.spend_per_reached = ratio(t.spend, r);
                tf.revenue_per_reached = ratio(revenue[i], r);
            }
            tf
        })
        .collect()
}
