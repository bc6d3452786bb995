//! The Gamma-Gamma spend model (Fader & Hardie, "The Gamma-Gamma model of
//! monetary value", 2013 note; Colombo & Jiang 1999): a customer's order
//! values are Gamma(p, ν) around their own mean p/ν, and ν ~ Gamma(q, γ)
//! across customers. Fitted on repeat buyers (x ≥ 1) from x and the mean
//! repeat-order value m̄, it shrinks each buyer's m̄ towards the population
//! mean pγ/(q − 1) — which exists only for q > 1.
//!
//! The likelihood of one buyer's m̄ is
//! Γ(px+q) / (Γ(px) Γ(q)) · γ^q · x^(px) · m̄^(px−1) / (γ + x m̄)^(px+q);
//! the ln Γ and ψ parts depend on x only, so they are computed once per
//! distinct x and each buyer costs one logarithm per evaluation. The fit is
//! the BFGS of [`super::optim`] in log-parameter space.
//!
//! Whenever the model should not be used (too few repeat buyers, q ≤ 1, no
//! convergence) [`fit_gamma_gamma`] returns the reason as an error, and the
//! caller falls back to the observed mean order value
//! ([`super::OrderValue::Observed`]).

use super::special::{digamma, ln_gamma};
use super::{BuyerHistory, FitOptions, LOG_PARAM_LIMIT, ValueError, check_options, optim};
use rayon::prelude::*;

/// Fitted Gamma-Gamma parameters.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GammaGammaParams {
    /// Shape of each order value around the customer's mean.
    pub p: f64,
    /// Shape of the across-customer distribution of ν.
    pub q: f64,
    /// Scale of the across-customer distribution of ν.
    pub gamma: f64,
}

/// A Gamma-Gamma fit.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct GammaGammaFit {
    /// The parameters.
    pub params: GammaGammaParams,
    /// Total log-likelihood at the parameters.
    pub log_likelihood: f64,
    /// Repeat buyers fitted.
    pub customers: usize,
    /// BFGS iterations on the full data (large inputs start from a fit to
    /// a subsample, whose iterations are not counted).
    pub iterations: usize,
}

impl GammaGammaParams {
    /// Population mean order value pγ / (q − 1) (infinite for q ≤ 1).
    pub fn population_mean(&self) -> f64 {
        if self.q > 1.0 {
            self.p * self.gamma / (self.q - 1.0)
        } else {
            f64::INFINITY
        }
    }

    /// Expected order value of a buyer with x repeat purchases of mean value
    /// `monetary`: the weighted mean w·m̄ + (1 − w)·pγ/(q−1) with
    /// w = px / (px + q − 1); the population mean when x = 0.
    pub fn conditional_expected_order_value(&self, x: u32, monetary: f64) -> f64 {
        let px = self.p * x as f64;
        let w = px / (px + self.q - 1.0);
        w * monetary + (1.0 - w) * self.population_mean()
    }
}

/// The repeat buyers' (x, m̄), with per-x sums that stay fixed during the fit.
struct SpendData {
    /// Per repeat buyer: (index into xs, x·m̄).
    rows: Vec<(u32, f64)>,
    xs: Vec<u32>,
    /// Per distinct x: count, Σ ln m̄.
    per_x: Vec<(f64, f64)>,
}

impl SpendData {
    fn new(histories: &[BuyerHistory]) -> SpendData {
        let mut xs: Vec<u32> = histories.iter().filter(|h| h.x > 0).map(|h| h.x).collect();
        xs.sort_unstable();
        xs.dedup();
        let mut per_x = vec![(0.0, 0.0); xs.len()];
        let rows = histories
            .iter()
            .filter(|h| h.x > 0)
            .map(|h| {
                let xi = xs.partition_point(|&u| u < h.x);
                per_x[xi].0 += 1.0;
                per_x[xi].1 += h.monetary.ln();
                (xi as u32, h.x as f64 * h.monetary)
            })
            .collect();
        SpendData { rows, xs, per_x }
    }

    /// Mean log-likelihood per repeat buyer and its gradient with respect to
    /// (ln p, ln q, ln γ).
    fn mean_ll(&self, lp: &[f64; 3]) -> (f64, [f64; 3]) {
        let [p, q, gamma] = lp.map(f64::exp);
        if ![p, q, gamma].iter().all(|v| v.is_finite() && *v > 0.0) {
            return (f64::NAN, [0.0; 3]);
        }
        let shape: Vec<f64> = self.xs.iter().map(|&x| p * x as f64 + q).collect();
        // Σ over buyers of [(px+q) ln(γ + x m̄), (px+q)/(γ + x m̄), x ln(γ + x m̄), ln(γ + x m̄)].
        let partials: Vec<[f64; 4]> = self
            .rows
            .par_chunks(8192)
            .map(|chunk| {
                let mut s = [0.0; 4];
                for &(xi, sum) in chunk {
                    let k = shape[xi as usize];
                    let l = (gamma + sum).ln();
                    s[0] += k * l;
                    s[1] += k / (gamma + sum);
                    s[2] += self.xs[xi as usize] as f64 * l;
                    s[3] += l;
                }
                s
            })
            .collect();
        let mut s = [0.0; 4];
        for part in &partials {
            for k in 0..4 {
                s[k] += part[k];
            }
        }
        let (lg_q, dg_q, ln_g) = (ln_gamma(q), digamma(q), gamma.ln());
        let mut ll = -s[0];
        let mut g = [-s[2], -s[3], -s[1]];
        let mut n = 0.0;
        for (&x, &(count, sum_ln_m)) in self.xs.iter().zip(&self.per_x) {
            let xf = x as f64;
            let px = p * xf;
            ll += count * (ln_gamma(px + q) - ln_gamma(px) - lg_q + q * ln_g + px * xf.ln())
                + (px - 1.0) * sum_ln_m;
            let dg_pxq = digamma(px + q);
            g[0] += count * xf * (dg_pxq - digamma(px) + xf.ln()) + xf * sum_ln_m;
            g[1] += count * (dg_pxq - dg_q + ln_g);
            g[2] += count * q / gamma;
            n += count;
        }
        let theta = [p, q, gamma];
        (ll / n, std::array::from_fn(|k| g[k] * theta[k] / n))
    }
}

/// Repeat buyers in the warm-start subsample of large fits.
const WARM_START_SAMPLE: usize = 50_000;

/// The objective of the fit: mean negative log-likelihood and its gradient.
fn negated(data: &SpendData) -> impl Fn(&[f64; 3]) -> (f64, [f64; 3]) + '_ {
    move |lp| {
        let (f, g) = data.mean_ll(lp);
        (-f, g.map(|v| -v))
    }
}

/// Total Gamma-Gamma log-likelihood of the repeat buyers in `histories`.
pub fn gamma_gamma_log_likelihood(params: &GammaGammaParams, histories: &[BuyerHistory]) -> f64 {
    let data = SpendData::new(histories);
    if data.rows.is_empty() {
        return 0.0;
    }
    let (ll, _) = data.mean_ll(&[params.p.ln(), params.q.ln(), params.gamma.ln()]);
    ll * data.rows.len() as f64
}

/// Fits the Gamma-Gamma model to the repeat buyers (x ≥ 1) of `histories`
/// by maximum likelihood (`opts.unit_days` is irrelevant here).
///
/// Errors (the caller warns and uses the observed mean order value): invalid
/// histories, a repeat buyer with a non-positive mean value, fewer than
/// `opts.min_customers` repeat buyers, all mean values equal, divergence, no
/// convergence within the iteration cap, or q ≤ 1.
pub fn fit_gamma_gamma(
    histories: &[BuyerHistory],
    opts: &FitOptions,
) -> Result<GammaGammaFit, ValueError> {
    check_options(opts)?;
    super::bgnbd::validate(histories)?;
    if let Some(index) = histories.iter().position(|h| h.x > 0 && h.monetary <= 0.0) {
        return Err(ValueError::InvalidHistory {
            index,
            reason: "a repeat buyer's mean order value must be positive",
        });
    }
    let data = SpendData::new(histories);
    let needed = opts.min_customers.max(2);
    if data.rows.len() < needed {
        return Err(ValueError::TooFewCustomers {
            what: "repeat buyers",
            found: data.rows.len(),
            needed,
        });
    }
    let mut values = histories.iter().filter(|h| h.x > 0).map(|h| h.monetary);
    let first = values.next().unwrap_or(0.0);
    if values.all(|m| m == first) {
        return Err(ValueError::NoSpendVariation);
    }
    let mean: f64 = histories
        .iter()
        .filter(|h| h.x > 0)
        .map(|h| h.monetary)
        .sum::<f64>()
        / data.rows.len() as f64;
    // Start at p = q = 1 and γ matching the mean order value; large inputs
    // warm-start from a strided subsample's optimum, as the BG/NBD fit does.
    let mut x0 = [0.0, 0.0, mean.ln()];
    let mut h0 = None;
    if data.rows.len() >= 4 * WARM_START_SAMPLE {
        let step = data.rows.len() / WARM_START_SAMPLE;
        let sample: Vec<BuyerHistory> = histories
            .iter()
            .filter(|h| h.x > 0)
            .step_by(step)
            .copied()
            .collect();
        let small = SpendData::new(&sample);
        let out = optim::minimise(
            negated(&small),
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
    let out = optim::minimise(
        negated(&data),
        x0,
        h0,
        opts.tolerance,
        opts.max_iterations,
        LOG_PARAM_LIMIT,
    );
    let names = ["p", "q", "gamma"];
    if let Some(k) = (0..3).find(|&k| !out.x[k].is_finite() || out.x[k].abs() > LOG_PARAM_LIMIT) {
        return Err(ValueError::Diverged {
            model: "Gamma-Gamma",
            detail: format!("{} ran off to {:.3e}", names[k], out.x[k].exp()),
        });
    }
    if !out.converged {
        return Err(ValueError::NotConverged {
            model: "Gamma-Gamma",
            iterations: out.iterations,
            gradient: out.grad_max,
        });
    }
    let [p, q, gamma] = out.x.map(f64::exp);
    if q <= 1.0 {
        return Err(ValueError::QNotAboveOne { q });
    }
    Ok(GammaGammaFit {
        params: GammaGammaParams { p, q, gamma },
        log_likelihood: -out.f * data.rows.len() as f64,
        customers: data.rows.len(),
        iterations: out.iterations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analytic_gradient_matches_finite_differences() {
        let hs: Vec<BuyerHistory> = (1..200u32)
            .map(|i| BuyerHistory {
                x: 1 + i % 6,
                t_x: 1.0,
                t_big: 2.0,
                monetary: 5.0 + (i * 37 % 50) as f64,
            })
            .collect();
        let data = SpendData::new(&hs);
        let lp = [6.0_f64.ln(), 3.5_f64.ln(), 15.0_f64.ln()];
        let (_, g) = data.mean_ll(&lp);
        for k in 0..3 {
            let (mut up, mut down) = (lp, lp);
            up[k] += 1e-6;
            down[k] -= 1e-6;
            let numeric = (data.mean_ll(&up).0 - data.mean_ll(&down).0) / 2e-6;
            assert!((numeric - g[k]).abs() < 1e-7, "{k}: {numeric} vs {}", g[k]);
        }
    }
}
