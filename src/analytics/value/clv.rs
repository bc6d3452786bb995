//! Customer lifetime value and per-customer scoring.
//!
//! CLV follows the convention of the `lifetimes` package's
//! `customer_lifetime_value` with `freq = 'D'`: months of 30 days, the
//! expected purchases of month i (expected purchases by 30·i days minus by
//! 30·(i−1) days) times the expected order value, discounted by (1 + d)^i,
//! summed over months 1…n.
//!
//! Scoring a million customers stays cheap because the expensive part, the
//! hypergeometric series in the BG/NBD expectation, depends on (x, T) only
//! (see [`BgNbdParams::expected_if_alive`]): it is computed once per distinct
//! (x, T), in parallel, and each customer then costs one P(alive).

use super::{BgNbdParams, BuyerHistory, GammaGammaParams};
use rayon::prelude::*;

/// Days in a CLV month (the `lifetimes` convention).
pub const MONTH_DAYS: f64 = 30.0;

/// How each customer's expected order value is obtained.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OrderValue {
    /// Gamma-Gamma conditional expectation from the customer's x and m̄.
    GammaGamma(GammaGammaParams),
    /// The same observed mean order value for everyone (the fallback when
    /// the Gamma-Gamma model is unusable).
    Observed {
        /// Mean order value.
        mean_order_value: f64,
    },
}

impl OrderValue {
    /// Expected order value of a customer.
    pub fn expected(&self, h: &BuyerHistory) -> f64 {
        match self {
            OrderValue::GammaGamma(p) => p.conditional_expected_order_value(h.x, h.monetary),
            OrderValue::Observed { mean_order_value } => *mean_order_value,
        }
    }
}

/// Settings of [`score`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreOptions {
    /// CLV horizon and expected-purchases horizon, in 30-day months.
    pub clv_months: u32,
    /// Discount rate per month.
    pub discount_rate: f64,
}

impl Default for ScoreOptions {
    fn default() -> Self {
        ScoreOptions {
            clv_months: 12,
            discount_rate: 0.01,
        }
    }
}

/// One customer's value figures.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct CustomerValue {
    /// Probability the customer is still alive at the audit date.
    pub p_alive: f64,
    /// Expected purchases over the next `clv_months` months.
    pub expected_purchases: f64,
    /// Expected value of one future order.
    pub expected_order_value: f64,
    /// Discounted customer lifetime value over `clv_months` months.
    pub clv: f64,
}

/// Discount weights 1/(1+d)^i, i = 1…months.
fn discounts(months: u32, d: f64) -> Vec<f64> {
    (1..=months as i32).map(|i| (1.0 + d).powi(-i)).collect()
}

/// (Expected purchases if alive by the end of the horizon, discounted sum of
/// the monthly increments) for one (x, T).
fn if_alive_sums(bg: &BgNbdParams, x: u32, t_big: f64, disc: &[f64]) -> (f64, f64) {
    let mut previous = 0.0;
    let mut discounted = 0.0;
    for (i, w) in disc.iter().enumerate() {
        let now = bg.expected_if_alive(MONTH_DAYS * (i + 1) as f64, x, t_big);
        discounted += (now - previous) * w;
        previous = now;
    }
    (previous, discounted)
}

/// CLV of one customer with history `h` (days) and expected order value
/// `order_value`, over `months` 30-day months at monthly discount rate `d`.
pub fn clv(bg: &BgNbdParams, order_value: f64, h: &BuyerHistory, months: u32, d: f64) -> f64 {
    let (_, discounted) = if_alive_sums(bg, h.x, h.t_big, &discounts(months, d));
    order_value * discounted * bg.p_alive(h.x, h.t_x, h.t_big)
}

/// Expected purchases of one customer over the next `months` 30-day months.
pub fn expected_purchases_next(bg: &BgNbdParams, h: &BuyerHistory, months: u32) -> f64 {
    bg.conditional_expected_purchases(MONTH_DAYS * months as f64, h.x, h.t_x, h.t_big)
}

/// P(alive), expected purchases over `opts.clv_months` months, expected
/// order value and CLV for every history, in input order. Results for equal
/// (x, T) share one evaluation of the hypergeometric series.
pub fn score(
    histories: &[BuyerHistory],
    bg: &BgNbdParams,
    order_value: &OrderValue,
    opts: &ScoreOptions,
) -> Vec<CustomerValue> {
    let disc = discounts(opts.clv_months, opts.discount_rate);
    // Distinct (x, T), found by sorting (x, T bits, position).
    let mut keys: Vec<(u32, u64, u32)> = histories
        .par_iter()
        .enumerate()
        .map(|(i, h)| (h.x, h.t_big.to_bits(), i as u32))
        .collect();
    keys.par_sort_unstable();
    let mut distinct: Vec<(u32, f64)> = Vec::new();
    let mut slot = vec![0u32; histories.len()];
    for &(x, t, i) in &keys {
        if distinct.last() != Some(&(x, f64::from_bits(t))) {
            distinct.push((x, f64::from_bits(t)));
        }
        slot[i as usize] = (distinct.len() - 1) as u32;
    }
    drop(keys);
    let sums: Vec<(f64, f64)> = distinct
        .par_iter()
        .map(|&(x, t)| if_alive_sums(bg, x, t, &disc))
        .collect();
    histories
        .par_iter()
        .zip(slot.par_iter())
        .map(|(h, &s)| {
            let (by_horizon, discounted) = sums[s as usize];
            let p_alive = bg.p_alive(h.x, h.t_x, h.t_big);
            let expected_order_value = order_value.expected(h);
            CustomerValue {
                p_alive,
                expected_purchases: by_horizon * p_alive,
                expected_order_value,
                clv: expected_order_value * discounted * p_alive,
            }
        })
        .collect()
}
