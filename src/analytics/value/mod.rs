//! Customer value (SPEC §4.2, revision 2): the BG/NBD purchase model, the
//! Gamma-Gamma spend model, customer lifetime value, purchase cohorts and RFM
//! segments.
//!
//! This module is self-contained: pure functions over plain numbers (days,
//! counts, amounts), so it can be tested against the `lifetimes` Python package
//! without the rest of the audit. The audit pipeline decides where the inputs
//! come from and how errors become warnings.
//!
//! Typical use (the audit turns each `Err` into a warning):
//! ```
//! use mixaudit::analytics::value::{self, BuyerHistory, FitOptions, OrderValue, ScoreOptions};
//! // x repeat purchases, t_x and T in days, mean repeat-order value: half
//! // the repeat buyers stopped early (t_x ≪ T), half are still buying.
//! let buyers: Vec<BuyerHistory> = (0..300u32)
//!     .map(|i| {
//!         let x = i % 6;
//!         let t_x = match (x, i % 2) { (0, _) => 0.0, (_, 0) => 10.0 * x as f64, _ => 280.0 + (i % 20) as f64 };
//!         let monetary = if x == 0 { 0.0 } else { 20.0 + (i % 7) as f64 };
//!         BuyerHistory { x, t_x, t_big: 300.0, monetary }
//!     })
//!     .collect();
//! let bg = value::fit_bgnbd(&buyers, &FitOptions::default()).expect("a usable purchase model");
//! let spend = match value::fit_gamma_gamma(&buyers, &FitOptions::default()) {
//!     Ok(fit) => OrderValue::GammaGamma(fit.params),
//!     Err(_why) => OrderValue::Observed { mean_order_value: 23.0 },
//! };
//! let scores = value::score(&buyers, &bg.params, &spend, &ScoreOptions::default());
//! assert!(scores.iter().all(|s| (0.0..=1.0).contains(&s.p_alive) && s.clv >= 0.0));
//! ```

mod bgnbd;
mod clv;
mod cohorts;
mod gamma_gamma;
mod grouping;
mod optim;
mod rfm;
pub mod special;

pub use bgnbd::{BgNbdFit, BgNbdParams, bgnbd_log_likelihood, fit_bgnbd};
pub use clv::{
    CustomerValue, OrderValue, ScoreOptions, ScoreTable, clv, expected_purchases_next, score,
    score_table,
};
pub use cohorts::{CohortRow, CohortTable, cohort_table};
pub use gamma_gamma::{
    GammaGammaFit, GammaGammaParams, fit_gamma_gamma, gamma_gamma_log_likelihood,
};
pub use rfm::{
    RfmBuyer, RfmResult, RfmScores, RfmSegments, RfmSource, SegmentRule, SegmentTotals, rfm_scores,
    rfm_segments, scores_of, segments_of,
};

/// One buyer's purchase history, in days, as the BG/NBD and Gamma-Gamma
/// models see it (same-day orders are one purchase).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BuyerHistory {
    /// Repeat purchases: purchases after the first one.
    pub x: u32,
    /// Days from the first to the last purchase (0 when `x` = 0).
    pub t_x: f64,
    /// Days from the first purchase to the audit date ("T" in the papers).
    pub t_big: f64,
    /// Mean value of the repeat purchases (the first purchase excluded); 0
    /// when `x` = 0. Only the Gamma-Gamma model reads it.
    pub monetary: f64,
}

/// Settings of the maximum-likelihood fits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FitOptions {
    /// The time unit of the fitted parameters, in days: 1 fits in days, 7 in
    /// weeks (the published CDNOW figures). Inputs are always in days; α
    /// scales with the unit (α in days = 7 × α in weeks), r, a and b do not.
    pub unit_days: f64,
    /// Fewest buyers (BG/NBD) or repeat buyers (Gamma-Gamma) to fit at all.
    pub min_customers: usize,
    /// Most BFGS iterations.
    pub max_iterations: usize,
    /// Convergence: largest gradient component of the mean negative
    /// log-likelihood per customer, with respect to the log-parameters.
    pub tolerance: f64,
    /// L2 penalty on the BG/NBD parameters, as the lifetimes package's
    /// `penalizer_coef` (α measured with time scaled so the longest
    /// observation is 10, lifetimes' convention): 0 is plain maximum
    /// likelihood; a small value (0.001) keeps a and b finite when the data
    /// show no pattern of customers dropping out.
    pub penalizer: f64,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            unit_days: 1.0,
            min_customers: 20,
            max_iterations: 300,
            tolerance: 1e-8,
            penalizer: 0.0,
        }
    }
}

/// Why a value model could not be fitted or should not be used. The audit
/// turns these into warnings; none of them is a crash.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValueError {
    /// A history has a negative, non-finite or inconsistent field.
    #[error("buyer {index}: {reason}")]
    InvalidHistory {
        /// Position in the input.
        index: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// Too few customers for a meaningful fit.
    #[error("only {found} {what}; at least {needed} are needed to fit the model")]
    TooFewCustomers {
        /// "buyers" or "repeat buyers".
        what: &'static str,
        /// How many there are.
        found: usize,
        /// The minimum.
        needed: usize,
    },
    /// No buyer ever bought again, so repeat behaviour cannot be estimated.
    #[error("no buyer made a repeat purchase, so purchase rates and drop-out cannot be estimated")]
    NoRepeatPurchases,
    /// Every buyer's first purchase is on the audit date.
    #[error("every buyer first purchased on the audit date: there is no observation time")]
    NoObservationTime,
    /// All repeat buyers have the same mean order value.
    #[error(
        "all repeat buyers have the same mean order value: spend heterogeneity cannot be estimated"
    )]
    NoSpendVariation,
    /// The likelihood has no interior maximum: parameters run off to 0 or ∞.
    #[error("the {model} fit diverged ({detail})")]
    Diverged {
        /// "BG/NBD" or "Gamma-Gamma".
        model: &'static str,
        /// Which parameter ran away.
        detail: String,
    },
    /// The optimiser stopped before the gradient tolerance was met.
    #[error(
        "the {model} fit did not converge within {iterations} iterations (gradient {gradient:.2e})"
    )]
    NotConverged {
        /// "BG/NBD" or "Gamma-Gamma".
        model: &'static str,
        /// Iterations used.
        iterations: usize,
        /// Largest gradient component left.
        gradient: f64,
    },
    /// Gamma-Gamma q ≤ 1: the population mean order value is infinite.
    #[error("Gamma-Gamma q = {q:.3} ≤ 1: the expected order value is unbounded")]
    QNotAboveOne {
        /// The fitted q.
        q: f64,
    },
    /// The options are unusable.
    #[error("invalid option: {0}")]
    InvalidOptions(&'static str),
}

/// Largest |ln θ| a fitted parameter may reach before the fit counts as
/// diverged (θ outside about [1e-8, 1e8]; e.g. a, b → ∞ together when the
/// data show no drop-out at all).
pub(crate) const LOG_PARAM_LIMIT: f64 = 18.42;

/// A fast deterministic hasher for the integer and float-bit keys the value
/// models group by (SipHash's DoS resistance is not needed for them).
#[derive(Default, Clone, Copy)]
pub(crate) struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    fn write_u32(&mut self, v: u32) {
        self.write_u64(v as u64);
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(26) ^ v).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }
}

/// A hash map keyed by ids or float bits, hashed with [`KeyHasher`].
pub(crate) type KeyMap<K, V> =
    std::collections::HashMap<K, V, std::hash::BuildHasherDefault<KeyHasher>>;

pub(crate) fn check_options(opts: &FitOptions) -> Result<(), ValueError> {
    if !(opts.unit_days.is_finite() && opts.unit_days > 0.0) {
        return Err(ValueError::InvalidOptions(
            "unit_days must be a positive number",
        ));
    }
    if !(opts.tolerance.is_finite() && opts.tolerance > 0.0) {
        return Err(ValueError::InvalidOptions(
            "tolerance must be a positive number",
        ));
    }
    if !(opts.penalizer.is_finite() && opts.penalizer >= 0.0) {
        return Err(ValueError::InvalidOptions(
            "penalizer must be a number of 0 or more",
        ));
    }
    Ok(())
}
