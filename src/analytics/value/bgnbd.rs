//! The BG/NBD purchase model (Fader, Hardie & Lee 2005, "Counting your
//! customers the easy way"): while alive a customer buys at a Poisson rate λ
//! (λ ~ Gamma(r, α) across customers) and after each purchase drops out with
//! probability p (p ~ Beta(a, b)).
//!
//! The fit maximises the likelihood of every buyer's (x, t_x, T). Buyers with
//! the same history are one weighted row, and the per-row work is reduced to
//! one `exp` and one `ln_1p`: the terms that depend only on x (the ln Γ parts)
//! are computed once per distinct x, and ln(α + T), ln(α + t_x) once per
//! distinct T and t_x. The two likelihood terms are combined by log-sum-exp,
//! as Hardie's note on the numerical problems of the BG/NBD recommends, so
//! large x or T never overflow. The optimiser is the BFGS of
//! [`super::optim`] with the analytic gradient in log-parameter space (see
//! there for why).
//!
//! `p_alive` and `conditional_expected_purchases` follow the definitions of
//! the `lifetimes` package's `BetaGeoFitter` (`conditional_probability_alive`,
//! `conditional_expected_number_of_purchases_up_to_time`), including
//! P(alive) = 1 for a buyer with no repeat purchase.

use super::grouping::{distinct, position, used_days};
use super::special::{Hyp2f1Series, digamma, hyp2f1, ln_gamma};
use super::{BuyerHistory, FitOptions, LOG_PARAM_LIMIT, ValueError, check_options, optim};
use rayon::prelude::*;

/// Fitted BG/NBD parameters. `alpha` is in the fit's time unit
/// (`unit_days` days); every method takes times in days.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BgNbdParams {
    /// Shape of the purchase-rate distribution.
    pub r: f64,
    /// Scale of the purchase-rate distribution, in `unit_days`.
    pub alpha: f64,
    /// Beta shape a of the drop-out probability.
    pub a: f64,
    /// Beta shape b of the drop-out probability.
    pub b: f64,
    /// The time unit of `alpha`, in days.
    pub unit_days: f64,
}

/// A BG/NBD fit.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct BgNbdFit {
    /// The parameters.
    pub params: BgNbdParams,
    /// Total log-likelihood at the parameters, with times in the fit's unit.
    pub log_likelihood: f64,
    /// Buyers fitted.
    pub customers: usize,
    /// Whether the gradient tolerance was reached within the iteration cap.
    pub converged: bool,
    /// BFGS iterations on the full data (large inputs start from a fit to
    /// a subsample, whose iterations are not counted).
    pub iterations: usize,
}

impl BgNbdParams {
    /// Probability that a buyer with history (x, t_x, T) (days) is still
    /// alive at T: 1 / (1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)).
    pub fn p_alive(&self, x: u32, t_x: f64, t_big: f64) -> f64 {
        if x == 0 {
            return 1.0;
        }
        let (t_x, t_big) = (t_x / self.unit_days, t_big / self.unit_days);
        let xf = x as f64;
        let log_odds = (self.r + xf) * ((self.alpha + t_big) / (self.alpha + t_x)).ln()
            + (self.a / (self.b + xf - 1.0)).ln();
        // 1 / (1 + e^log_odds), written to stay in [0, 1] for any magnitude.
        if log_odds > 0.0 {
            let e = (-log_odds).exp();
            e / (1.0 + e)
        } else {
            1.0 / (1.0 + log_odds.exp())
        }
    }

    /// Expected purchases in the next `t` days of a buyer with history
    /// (x, t_x, T) (days): [`Self::expected_if_alive`] × [`Self::p_alive`].
    pub fn conditional_expected_purchases(&self, t: f64, x: u32, t_x: f64, t_big: f64) -> f64 {
        self.expected_if_alive(t, x, t_big) * self.p_alive(x, t_x, t_big)
    }

    /// Expected purchases in the next `t` days of a buyer with x repeat
    /// purchases and age T days who is known to be alive at T:
    /// (a+b+x−1)/(a−1) · [1 − ₂F₁(r+x, b+x; a+b+x−1; z) · (1−z)^(r+x)],
    /// z = t/(α+T+t). It does not depend on t_x, which is why scoring caches
    /// it per distinct (x, T). NaN only if the series cannot be summed (a
    /// horizon millions of times longer than α + T).
    pub fn expected_if_alive(&self, t: f64, x: u32, t_big: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        // The expression is continuous in a but 0/0 at a = 1: step off it.
        if (self.a - 1.0).abs() < 1e-6 {
            let lo = BgNbdParams {
                a: 1.0 - 1e-6,
                ..*self
            };
            let hi = BgNbdParams {
                a: 1.0 + 1e-6,
                ..*self
            };
            return 0.5 * (lo.expected_if_alive(t, x, t_big) + hi.expected_if_alive(t, x, t_big));
        }
        let (t, t_big) = (t / self.unit_days, t_big / self.unit_days);
        let xf = x as f64;
        let (ha, hb, hc) = (self.r + xf, self.b + xf, self.a + self.b + xf - 1.0);
        let z = t / (self.alpha + t_big + t);
        let ln_1mz = (-z).ln_1p();
        // ₂F₁ · (1−z)^(r+x) as (series value, power of 1−z). Euler's
        // transformation ₂F₁(A,B;C;z) = (1−z)^(C−A−B) ₂F₁(C−A, C−B; C; z) has
        // faster-decaying terms when A + B > C (large x); use whichever form
        // converges.
        let direct = || hyp2f1(ha, hb, hc, z).map(|h| (h, ha));
        let euler = || hyp2f1(hc - ha, hc - hb, hc, z).map(|h| (h, hc - hb));
        let term = if ha + hb > hc {
            euler().or_else(direct)
        } else {
            direct().or_else(euler)
        };
        let one_minus = match term {
            // 1 − h (1−z)^k through expm1, exact for short horizons.
            Some((h, k)) if h > 0.0 => -(h.ln() + k * ln_1mz).exp_m1(),
            // h ≤ 0 happens when a + b + x − 1 < 0 (x = 0, a + b < 1).
            Some((h, k)) => 1.0 - h * (k * ln_1mz).exp(),
            None => f64::NAN,
        };
        hc / (self.a - 1.0) * one_minus
    }

    /// The series of [`Self::expected_if_alive`] for buyers with `x` repeat
    /// purchases and arguments z ≤ `z_max`; `None`: use the per-call path.
    pub(crate) fn if_alive_series(&self, x: u32, z_max: f64) -> Option<IfAliveSeries> {
        if (self.a - 1.0).abs() < 1e-6 {
            return None;
        }
        let xf = x as f64;
        let (ha, hb, hc) = (self.r + xf, self.b + xf, self.a + self.b + xf - 1.0);
        // The same choice of form as expected_if_alive.
        let (series, power) = if ha + hb > hc {
            (Hyp2f1Series::new(hc - ha, hc - hb, hc, z_max)?, hc - hb)
        } else {
            (Hyp2f1Series::new(ha, hb, hc, z_max)?, ha)
        };
        Some(IfAliveSeries {
            series,
            power,
            factor: hc / (self.a - 1.0),
        })
    }

    /// The argument z = t/(α+T+t) of the series, times in days.
    pub(crate) fn series_argument(&self, t: f64, t_big: f64) -> f64 {
        let (t, t_big) = (t / self.unit_days, t_big / self.unit_days);
        t / (self.alpha + t_big + t)
    }

    fn to_log(self) -> [f64; 4] {
        [self.r.ln(), self.alpha.ln(), self.a.ln(), self.b.ln()]
    }
}

/// [`BgNbdParams::expected_if_alive`] for one x at many (T, t), sharing the
/// series coefficients.
pub(crate) struct IfAliveSeries {
    series: Hyp2f1Series,
    power: f64,
    factor: f64,
}

impl IfAliveSeries {
    /// Expected purchases if alive at the arguments `zs` (from
    /// [`BgNbdParams::series_argument`], each ≤ the z_max it was built for),
    /// into `out`.
    pub(crate) fn eval_many(&self, zs: &[f64], out: &mut [f64]) {
        self.series.eval_many(zs, out);
        for (v, &z) in out.iter_mut().zip(zs) {
            let ln_1mz = (-z).ln_1p();
            let h = *v;
            let one_minus = if h > 0.0 {
                -(h.ln() + self.power * ln_1mz).exp_m1()
            } else {
                1.0 - h * (self.power * ln_1mz).exp()
            };
            *v = if z > 0.0 {
                self.factor * one_minus
            } else {
                0.0
            };
        }
    }
}

/// Checks histories: finite, non-negative, t_x ≤ T, t_x = 0 when x = 0.
pub(crate) fn validate(histories: &[BuyerHistory]) -> Result<(), ValueError> {
    for (index, h) in histories.iter().enumerate() {
        let reason = if !(h.t_x.is_finite() && h.t_big.is_finite() && h.monetary.is_finite()) {
            Some("a time or amount is not a finite number")
        } else if h.t_x < 0.0 || h.t_big < 0.0 {
            Some("negative time")
        } else if h.t_x > h.t_big {
            Some("last purchase after the audit date (t_x > T)")
        } else if h.x == 0 && h.t_x != 0.0 {
            Some("no repeat purchase but t_x > 0")
        } else if h.monetary < 0.0 {
            Some("negative order value")
        } else {
            None
        };
        if let Some(reason) = reason {
            return Err(ValueError::InvalidHistory { index, reason });
        }
    }
    Ok(())
}

/// Rows summed at a time by [`Groups::mean_ll`] (fixed, so the sum's order
/// and hence its bits do not depend on the number of threads).
const LL_CHUNK: usize = 8192;

/// Histories grouped by identical (x, t_x, T) (times in the fit's unit),
/// with indices into the distinct x, t_x and T values.
struct Groups {
    xs: Vec<u32>,
    x_weight: Vec<f64>,
    t_x_values: Vec<f64>,
    t_big_values: Vec<f64>,
    /// Per group: (x index, t_x index, T index, customers). 16 bytes a
    /// group: at a million customers nearly every one is a group of its own.
    rows: Vec<(u32, u32, u32, u32)>,
    total_weight: f64,
}

impl Groups {
    /// Groups sorted by (x, t_x, T). Whole-day times (the usual case) are
    /// packed into one integer key, which sorts several times faster.
    fn new(histories: &[BuyerHistory], unit_days: f64) -> Groups {
        Self::whole_days(histories, unit_days)
            .unwrap_or_else(|| Self::any_times(histories, unit_days))
    }

    /// The packed-key path: x < 2¹⁶, t_x and T whole days < 2¹⁶; the distinct
    /// t_x and T values are the days that occur, found by day.
    fn whole_days(histories: &[BuyerHistory], unit_days: f64) -> Option<Groups> {
        const LIMIT: f64 = 65_536.0;
        let whole = |v: f64| v.fract() == 0.0 && v < LIMIT;
        if !histories
            .par_iter()
            .all(|h| h.x < 1 << 16 && whole(h.t_x) && whole(h.t_big))
        {
            return None;
        }
        let mut keys: Vec<u64> = histories
            .par_iter()
            .map(|h| (h.x as u64) << 32 | (h.t_x as u64) << 16 | h.t_big as u64)
            .collect();
        keys.par_sort_unstable();
        let groups = 1 + keys.windows(2).filter(|w| w[0] != w[1]).count();
        let (mut xs, mut x_weight) = (Vec::new(), Vec::<f64>::new());
        let mut rows = Vec::with_capacity(groups);
        let (mut max_tx, mut max_tb) = (0u32, 0u32);
        let mut k = 0;
        while k < keys.len() {
            let key = keys[k];
            let run = keys[k..].partition_point(|&v| v == key);
            let (x, tx, tb) = (
                (key >> 32) as u32,
                (key >> 16 & 0xffff) as u32,
                (key & 0xffff) as u32,
            );
            if xs.last() != Some(&x) {
                xs.push(x);
                x_weight.push(0.0);
            }
            *x_weight.last_mut()? += run as f64;
            rows.push(((xs.len() - 1) as u32, tx, tb, run as u32));
            (max_tx, max_tb) = (max_tx.max(tx), max_tb.max(tb));
            k += run;
        }
        // Only the days that occur: a small client's few hundred rows span
        // thousands of days, and every likelihood evaluation takes a
        // logarithm per value.
        let t_x_values = used_days(&mut rows, max_tx, unit_days, |r| &mut r.1);
        let t_big_values = used_days(&mut rows, max_tb, unit_days, |r| &mut r.2);
        Some(Groups {
            xs,
            x_weight,
            t_x_values,
            t_big_values,
            rows,
            total_weight: histories.len() as f64,
        })
    }

    /// The general path for fractional or very large times.
    fn any_times(histories: &[BuyerHistory], unit_days: f64) -> Groups {
        let mut keys: Vec<(u32, u64, u64)> = histories
            .par_iter()
            .map(|h| {
                (
                    h.x,
                    (h.t_x / unit_days).to_bits(),
                    (h.t_big / unit_days).to_bits(),
                )
            })
            .collect();
        // Non-negative floats order like their bit patterns.
        keys.par_sort_unstable();
        let mut grouped: Vec<((u32, u64, u64), f64)> = Vec::new();
        for k in keys {
            match grouped.last_mut() {
                Some((last, w)) if *last == k => *w += 1.0,
                _ => grouped.push((k, 1.0)),
            }
        }
        let mut xs: Vec<u32> = grouped.iter().map(|g| g.0.0).collect();
        xs.dedup(); // sorted by x already
        let t_x_values = distinct(grouped.iter().map(|g| f64::from_bits(g.0.1)).collect());
        let t_big_values = distinct(grouped.iter().map(|g| f64::from_bits(g.0.2)).collect());
        let mut x_weight = vec![0.0; xs.len()];
        let rows = grouped
            .iter()
            .map(|&((x, tx, tb), w)| {
                let xi = xs.partition_point(|&u| u < x);
                x_weight[xi] += w;
                (
                    xi as u32,
                    position(&t_x_values, f64::from_bits(tx)),
                    position(&t_big_values, f64::from_bits(tb)),
                    w as u32,
                )
            })
            .collect();
        Groups {
            xs,
            x_weight,
            t_x_values,
            t_big_values,
            rows,
            total_weight: histories.len() as f64,
        }
    }

    /// Mean log-likelihood per customer and its gradient with respect to
    /// (ln r, ln α, ln a, ln b).
    fn mean_ll(&self, lp: &[f64; 4]) -> (f64, [f64; 4]) {
        let [r, alpha, a, b] = lp.map(f64::exp);
        if ![r, alpha, a, b].iter().all(|v| v.is_finite() && *v > 0.0) {
            return (f64::NAN, [0.0; 4]);
        }
        // Per distinct x: r + x, ln a − ln(b+x−1), 1/(b+x−1).
        let per_x: Vec<(f64, f64, f64)> = self
            .xs
            .iter()
            .map(|&x| {
                let xf = x as f64;
                let bx1 = b + xf - 1.0;
                (r + xf, if x > 0 { (a / bx1).ln() } else { 0.0 }, 1.0 / bx1)
            })
            .collect();
        let ln_at = |v: &[f64]| -> Vec<(f64, f64)> {
            v.iter()
                .map(|t| ((alpha + t).ln(), 1.0 / (alpha + t)))
                .collect()
        };
        let (tx, tb) = (ln_at(&self.t_x_values), ln_at(&self.t_big_values));
        // Row sums: [Σ w·LSE, Σ w·((1−π) ln(α+T) + π ln(α+t_x)),
        //   Σ w·(r+x)·((1−π)/(α+T) + π/(α+t_x)), Σ w·π, Σ w·π/(b+x−1)],
        // π = the share of the "dropped out at t_x" term. Fixed chunks summed
        // in order keep the result deterministic.
        let sums = |chunk: &[(u32, u32, u32, u32)]| {
            let mut s = [0.0; 5];
            for &(xi, txi, tbi, w) in chunk {
                let w = f64::from(w);
                let (rx, c, inv_bx1) = per_x[xi as usize];
                let (ln_tb, inv_tb) = tb[tbi as usize];
                let a3 = -rx * ln_tb;
                if self.xs[xi as usize] == 0 {
                    s[0] += w * a3;
                    s[1] += w * ln_tb;
                    s[2] += w * rx * inv_tb;
                    continue;
                }
                let (ln_tx, inv_tx) = tx[txi as usize];
                let a4 = c - rx * ln_tx;
                let e = (-(a3 - a4).abs()).exp();
                let lse = a3.max(a4) + e.ln_1p();
                let pi = if a4 >= a3 {
                    1.0 / (1.0 + e)
                } else {
                    e / (1.0 + e)
                };
                s[0] += w * lse;
                s[1] += w * ((1.0 - pi) * ln_tb + pi * ln_tx);
                s[2] += w * rx * ((1.0 - pi) * inv_tb + pi * inv_tx);
                s[3] += w * pi;
                s[4] += w * pi * inv_bx1;
            }
            s
        };
        // One chunk is summed on this thread: handing a small client's few
        // hundred rows to the thread pool cost more than the sums, on each
        // of the optimiser's hundreds of evaluations. Same order, same bits.
        let partials: Vec<[f64; 5]> = if self.rows.len() <= LL_CHUNK {
            vec![sums(&self.rows)]
        } else {
            self.rows.par_chunks(LL_CHUNK).map(sums).collect()
        };
        let mut s = [0.0; 5];
        for p in &partials {
            for k in 0..5 {
                s[k] += p[k];
            }
        }
        // Terms that depend on x only.
        let (lg_r, lg_b, lg_ab) = (ln_gamma(r), ln_gamma(b), ln_gamma(a + b));
        let (dg_r, dg_b, dg_ab) = (digamma(r), digamma(b), digamma(a + b));
        let mut ll = s[0];
        let mut g = [-s[1], -s[2], s[3] / a, -s[4]];
        for (&x, &w) in self.xs.iter().zip(&self.x_weight) {
            let xf = x as f64;
            ll += w
                * (ln_gamma(r + xf) - lg_r + r * alpha.ln() + lg_ab + ln_gamma(b + xf)
                    - lg_b
                    - ln_gamma(a + b + xf));
            let dg_abx = digamma(a + b + xf);
            g[0] += w * (digamma(r + xf) - dg_r + alpha.ln());
            g[1] += w * r / alpha;
            g[2] += w * (dg_ab - dg_abx);
            g[3] += w * (dg_ab + digamma(b + xf) - dg_b - dg_abx);
        }
        let n = self.total_weight;
        let theta = [r, alpha, a, b];
        (ll / n, std::array::from_fn(|k| g[k] * theta[k] / n))
    }
}

/// Buyers in the warm-start subsample of large fits.
const WARM_START_SAMPLE: usize = 50_000;

/// The objective of the fit: mean negative log-likelihood and its gradient.
/// The objective the optimiser minimises: the mean negative log-likelihood
/// plus `penalizer` × Σ θ² over r, α (in units where the longest observation
/// is 10), a and b — lifetimes' penalty, so a penalised fit compares with theirs.
fn negated(
    groups: &Groups,
    penalizer: f64,
    alpha_scale: f64,
) -> impl Fn(&[f64; 4]) -> (f64, [f64; 4]) + '_ {
    move |lp| {
        let (f, g) = groups.mean_ll(lp);
        let mut value = -f;
        let mut grad = g.map(|v| -v);
        if penalizer > 0.0 {
            for k in 0..4 {
                let theta = lp[k].exp() * if k == 1 { alpha_scale } else { 1.0 };
                value += penalizer * theta * theta;
                grad[k] += 2.0 * penalizer * theta * theta;
            }
        }
        (value, grad)
    }
}

/// Total BG/NBD log-likelihood of `histories` (days) at `params` (times
/// converted to the params' unit, as the published figures use).
pub fn bgnbd_log_likelihood(params: &BgNbdParams, histories: &[BuyerHistory]) -> f64 {
    if histories.is_empty() {
        return 0.0;
    }
    let groups = Groups::new(histories, params.unit_days);
    groups.mean_ll(&params.to_log()).0 * groups.total_weight
}

/// Fits the BG/NBD model to `histories` (days) by maximum likelihood.
///
/// Errors, never panics or NaN: invalid histories, fewer than
/// `opts.min_customers` buyers, no repeat purchase at all, no observation
/// time (every first purchase on the audit date), or parameters running off
/// to 0/∞. A fit that stops at the iteration cap is returned with
/// `converged: false`.
pub fn fit_bgnbd(histories: &[BuyerHistory], opts: &FitOptions) -> Result<BgNbdFit, ValueError> {
    check_options(opts)?;
    validate(histories)?;
    if histories.len() < opts.min_customers.max(1) {
        return Err(ValueError::TooFewCustomers {
            what: "buyers",
            found: histories.len(),
            needed: opts.min_customers.max(1),
        });
    }
    let repeats: f64 = histories.iter().map(|h| h.x as f64).sum();
    if repeats == 0.0 {
        return Err(ValueError::NoRepeatPurchases);
    }
    let exposure: f64 = histories.iter().map(|h| h.t_big / opts.unit_days).sum();
    if exposure <= 0.0 {
        return Err(ValueError::NoObservationTime);
    }
    // Start: r = 1 and α matching the mean purchase rate, a = b = 1. Large
    // inputs first fit a strided subsample of about WARM_START_SAMPLE buyers
    // and start the full fit from its optimum and inverse Hessian: the full
    // data then need a few iterations instead of twenty-odd. The result is
    // the full-data optimum either way.
    let mut x0 = [0.0, (exposure / repeats).ln(), 0.0, 0.0];
    // lifetimes scales time so the longest observation is 10 before fitting.
    let longest = histories
        .iter()
        .map(|h| h.t_big / opts.unit_days)
        .fold(0.0, f64::max);
    let alpha_scale = if longest > 0.0 { 10.0 / longest } else { 1.0 };
    let mut h0 = None;
    if histories.len() >= 4 * WARM_START_SAMPLE {
        let step = histories.len() / WARM_START_SAMPLE;
        let sample: Vec<BuyerHistory> = histories.iter().step_by(step).copied().collect();
        if sample.iter().any(|h| h.x > 0) {
            let small = Groups::new(&sample, opts.unit_days);
            let out = optim::minimise(
                negated(&small, opts.penalizer, alpha_scale),
                x0,
                None,
                1e-6,
                opts.max_iterations,
                LOG_PARAM_LIMIT,
            );
            if out.f.is_finite() && out.x.iter().all(|v| v.abs() <= LOG_PARAM_LIMIT) {
                (x0, h0) = (out.x, Some(out.inverse_hessian));
            }
        }
    }
    let groups = Groups::new(histories, opts.unit_days);
    let out = optim::minimise(
        negated(&groups, opts.penalizer, alpha_scale),
        x0,
        h0,
        opts.tolerance,
        opts.max_iterations,
        LOG_PARAM_LIMIT,
    );
    let names = ["r", "alpha", "a", "b"];
    if let Some(k) = (0..4).find(|&k| !out.x[k].is_finite() || out.x[k].abs() > LOG_PARAM_LIMIT) {
        return Err(ValueError::Diverged {
            model: "BG/NBD",
            detail: format!("{} ran off to {:.3e}", names[k], out.x[k].exp()),
        });
    }
    if !out.f.is_finite() {
        return Err(ValueError::Diverged {
            model: "BG/NBD",
            detail: "the likelihood is not finite".into(),
        });
    }
    let [r, alpha, a, b] = out.x.map(f64::exp);
    Ok(BgNbdFit {
        params: BgNbdParams {
            r,
            alpha,
            a,
            b,
            unit_days: opts.unit_days,
        },
        // The likelihood itself, without the penalty the optimiser also carried.
        log_likelihood: groups.mean_ll(&out.x).0 * groups.total_weight,
        customers: histories.len(),
        converged: out.converged,
        iterations: out.iterations,
    })
}

#[cfg(test)]
#[path = "bgnbd_tests.rs"]
mod tests;
