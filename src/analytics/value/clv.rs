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
//! (see [`BgNbdParams::expected_if_alive`]), and its coefficients on x only:
//! the coefficients are computed once per distinct x, the series evaluated
//! once per distinct (x, T) at all monthly horizons together (multiply-adds
//! only), in parallel, and each customer then costs one P(alive).

use super::{BgNbdParams, BuyerHistory, GammaGammaParams, KeyMap};
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

/// The distinct (x, T) of `histories`, sorted by (x, T), and each history's
/// index into them. Whole-day T with a small x × T grid (the usual case) use
/// a dense table, whose traversal order is already sorted; anything else is
/// hashed and then sorted.
fn distinct_x_t(histories: &[BuyerHistory]) -> (Vec<(u32, f64)>, Vec<u32>) {
    const DENSE_CELLS: usize = 1 << 22;
    let max_x = histories.iter().map(|h| h.x as usize).max().unwrap_or(0);
    let max_t = histories.iter().map(|h| h.t_big).fold(0.0_f64, f64::max);
    let whole = histories.par_iter().all(|h| h.t_big.fract() == 0.0);
    if whole && max_t < DENSE_CELLS as f64 && (max_x + 1) * (max_t as usize + 1) <= DENSE_CELLS {
        let width = max_t as usize + 1;
        let cell = |h: &BuyerHistory| h.x as usize * width + h.t_big as usize;
        let mut rank = vec![u32::MAX; (max_x + 1) * width];
        for h in histories {
            rank[cell(h)] = 0;
        }
        let mut distinct = Vec::new();
        for (c, r) in rank.iter_mut().enumerate() {
            if *r == 0 {
                *r = distinct.len() as u32;
                distinct.push(((c / width) as u32, (c % width) as f64));
            }
        }
        let slot = histories.par_iter().map(|h| rank[cell(h)]).collect();
        return (distinct, slot);
    }
    let mut seen: KeyMap<(u32, u64), u32> = KeyMap::default();
    let mut distinct: Vec<(u32, f64)> = Vec::new();
    let first: Vec<u32> = histories
        .iter()
        .map(|h| {
            *seen.entry((h.x, h.t_big.to_bits())).or_insert_with(|| {
                distinct.push((h.x, h.t_big));
                (distinct.len() - 1) as u32
            })
        })
        .collect();
    let mut order: Vec<u32> = (0..distinct.len() as u32).collect();
    order.sort_unstable_by(|&i, &j| {
        let (a, b) = (distinct[i as usize], distinct[j as usize]);
        a.0.cmp(&b.0).then(a.1.total_cmp(&b.1))
    });
    let mut rank = vec![0u32; distinct.len()];
    for (k, &i) in order.iter().enumerate() {
        rank[i as usize] = k as u32;
    }
    let sorted = order.iter().map(|&i| distinct[i as usize]).collect();
    (sorted, first.iter().map(|&s| rank[s as usize]).collect())
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
    let table = score_table(histories, bg, opts);
    histories
        .par_iter()
        .enumerate()
        .map(|(k, h)| table.value(k, h, order_value))
        .collect()
}

/// What [`score`] shares between the histories: per distinct (x, T), the
/// expected purchases if alive over the horizon and their discounted sum.
/// Built once, it scores any history on demand, so a caller can score a
/// million customers in chunks instead of holding every result at once.
pub struct ScoreTable {
    bg: BgNbdParams,
    /// Per history, its (x, T) row in `sums`.
    slot: Vec<u32>,
    /// Per distinct (x, T): (purchases over the horizon, discounted).
    sums: Vec<(f64, f64)>,
}

impl ScoreTable {
    /// History `k` (`h`, the same history [`score_table`] saw at `k`) scored.
    pub fn value(&self, k: usize, h: &BuyerHistory, order_value: &OrderValue) -> CustomerValue {
        let (by_horizon, discounted) = self.sums[self.slot[k] as usize];
        let p_alive = self.bg.p_alive(h.x, h.t_x, h.t_big);
        let expected_order_value = order_value.expected(h);
        CustomerValue {
            p_alive,
            expected_purchases: by_horizon * p_alive,
            expected_order_value,
            clv: expected_order_value * discounted * p_alive,
        }
    }
}

/// The [`ScoreTable`] of `histories`.
pub fn score_table(
    histories: &[BuyerHistory],
    bg: &BgNbdParams,
    opts: &ScoreOptions,
) -> ScoreTable {
    let disc = discounts(opts.clv_months, opts.discount_rate);
    let (distinct, slot) = distinct_x_t(histories);
    // One series per distinct x, built for that x's largest argument (the
    // longest horizon at its smallest T, which sorts first).
    let horizons: Vec<f64> = (1..=opts.clv_months)
        .map(|i| MONTH_DAYS * i as f64)
        .collect();
    let mut runs: Vec<usize> = Vec::new(); // start of each x's run in `distinct`
    let mut run_of = vec![0u32; distinct.len()];
    for (k, &(x, _)) in distinct.iter().enumerate() {
        if k == 0 || distinct[k - 1].0 != x {
            runs.push(k);
        }
        run_of[k] = (runs.len() - 1) as u32;
    }
    let series: Vec<_> = runs
        .par_iter()
        .map(|&start| {
            let (x, t_min) = distinct[start];
            let t_max = *horizons.last()?;
            bg.if_alive_series(x, bg.series_argument(t_max, t_min))
        })
        .collect();
    let m = horizons.len();
    let sums: Vec<(f64, f64)> = distinct
        .par_iter()
        .zip(run_of.par_iter())
        .map_init(
            || (vec![0.0; m], vec![0.0; m]),
            |(zs, out), (&(x, t), &run)| match &series[run as usize] {
                Some(s) => {
                    for (z, &h) in zs.iter_mut().zip(&horizons) {
                        *z = bg.series_argument(h, t);
                    }
                    s.eval_many(zs, out);
                    let mut previous = 0.0;
                    let mut discounted = 0.0;
                    for (now, w) in out.iter().zip(&disc) {
                        discounted += (now - previous) * w;
                        previous = *now;
                    }
                    (previous, discounted)
                }
                None => if_alive_sums(bg, x, t, &disc),
            },
        )
        .collect();
    ScoreTable {
        bg: *bg,
        slot,
        sums,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `score` (cached series, either de-duplication path) agrees with the
    /// per-customer functions.
    #[test]
    fn score_matches_the_per_customer_functions() {
        let bg = BgNbdParams {
            r: 0.3,
            alpha: 12.0,
            a: 0.7,
            b: 2.0,
            unit_days: 1.0,
        };
        let gg = GammaGammaParams {
            p: 5.0,
            q: 3.0,
            gamma: 10.0,
        };
        for shift in [0.0, 0.25] {
            let hs: Vec<BuyerHistory> = (0..300u32)
                .map(|i| {
                    let x = i % 9;
                    let t_big = (i % 50) as f64 * 7.0 + shift;
                    BuyerHistory {
                        x,
                        t_x: if x == 0 {
                            0.0
                        } else {
                            (i % 5) as f64 * t_big / 5.0
                        },
                        t_big,
                        monetary: if x == 0 { 0.0 } else { 20.0 + i as f64 },
                    }
                })
                .collect();
            let ov = OrderValue::GammaGamma(gg);
            let scores = score(&hs, &bg, &ov, &ScoreOptions::default());
            for (h, s) in hs.iter().zip(&scores) {
                let want_clv = clv(&bg, ov.expected(h), h, 12, 0.01);
                let want_e = expected_purchases_next(&bg, h, 12);
                assert!(
                    (s.clv - want_clv).abs() <= 1e-10 * want_clv.max(1e-3),
                    "{h:?}"
                );
                assert!(
                    (s.expected_purchases - want_e).abs() <= 1e-10 * want_e.max(1e-3),
                    "{h:?}"
                );
            }
        }
    }
}
