//! The customer-value step of the audit (SPEC §4.2): turns the dataset into
//! buyer histories, fits the value models of [`super::value`], and stores
//! the per-customer results in [`CustomerFacts`] and the portfolio figures in
//! [`ValueMetrics`].
//!
//! The models are pure functions; this file decides where their inputs come
//! from and how every failure becomes one plain warning with empty figures,
//! so a client whose data cannot support a model still gets an audit.
//!
//! Histories come from the Orders sheet when there is one (same-day orders of
//! a customer are one purchase, and the mean order value is that of the
//! repeat purchases, the first excluded, as the Gamma-Gamma model expects).
//! Without it they come from each customer's `orders`, `first_purchase` and
//! `last_purchase` columns: x = orders − 1, t_x = last − first, and the mean
//! order value is revenue / orders — the list cannot tell the first
//! purchase's value apart, so it is included.

use rayon::prelude::*;
use serde::Serialize;

use super::value::{
    self, BgNbdFit, BuyerHistory, CohortTable, FitOptions, OrderValue, RfmSegments, RfmSource,
    ScoreOptions,
};
use super::{CustomerFacts, Estimate, OrderedMap, Params, ValueTier};
use crate::error::{Code, Diagnostic};
use crate::model::{Customer, Dataset, Day};

/// The fitted purchase model, as audit.json shows it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClvModel {
    /// Shape of the purchase-rate distribution.
    pub r: f64,
    /// Scale of the purchase-rate distribution (in `time_unit`).
    pub alpha: f64,
    /// First shape of the drop-out distribution.
    pub a: f64,
    /// Second shape of the drop-out distribution.
    pub b: f64,
    /// Log-likelihood at the fitted parameters.
    pub log_likelihood: f64,
    /// Buyers the model was fitted on.
    pub customers: u64,
    /// Whether the optimiser met its tolerance.
    pub converged: bool,
    /// The unit `alpha` is in.
    pub time_unit: &'static str,
}

/// The fitted spend model, as audit.json shows it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SpendModel {
    /// Shape of the order-value distribution.
    pub p: f64,
    /// Shape of the customers' mean-value distribution.
    pub q: f64,
    /// Scale of the customers' mean-value distribution.
    pub gamma: f64,
    /// Repeat buyers it was fitted on.
    pub customers: u64,
}

/// Customers and revenue of one RFM segment.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct SegmentFigures {
    /// Buyers in the segment.
    pub customers: u64,
    /// Their revenue.
    pub revenue: f64,
}

/// The customer-value figures of [`super::Metrics`] (flattened into it, so
/// audit.json and rules see them as ordinary metrics). `None` is "the data
/// cannot support the model": JSON null, n/a in rules.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ValueMetrics {
    /// The BG/NBD fit.
    pub clv_model: Option<ClvModel>,
    /// The Gamma-Gamma fit (null when the observed mean order value is used).
    pub spend_model: Option<SpendModel>,
    /// Σ customer lifetime value over `clv_months`.
    pub clv_total: Option<f64>,
    /// Σ expected purchases in the next `period_days` × expected order value.
    pub expected_revenue_next_period: Option<f64>,
    /// Active buyers with P(alive) below `alive_threshold`.
    pub likely_lost: Option<u64>,
    /// Those of them in the high value tier.
    pub high_value_likely_lost: Option<u64>,
    /// Active buyers in the top fifth by lifetime value (the customers the
    /// contact plan must reach first).
    pub high_clv_customers: Option<u64>,
    /// Of them, those not contacted within max_contact_gap_days (null
    /// without a last_contact column).
    pub high_clv_overdue_contact: Option<u64>,
    /// First-purchase-month cohorts (needs Orders).
    pub cohorts: Option<CohortTable>,
    /// Buyers and revenue per RFM segment, in table order.
    pub rfm: Option<OrderedMap<SegmentFigures>>,
}

/// Buyer histories and the customers they belong to.
struct Histories {
    /// One per scored buyer.
    list: Vec<BuyerHistory>,
    /// Index into the dataset's customers, parallel to `list`.
    owner: Vec<u32>,
    /// Σ order value and Σ purchases behind the histories (the fallback mean).
    revenue: f64,
    purchases: f64,
}

/// Runs the value step: fills the value fields of `facts` and returns the
/// portfolio figures; problems become `warnings`.
pub fn compute(
    ds: &Dataset,
    facts: &mut [CustomerFacts],
    params: &Params,
    as_of: Day,
    table: &RfmSegments,
    warnings: &mut Vec<Diagnostic>,
) -> ValueMetrics {
    let rfm = rfm(ds, facts, as_of, table);
    let cohorts = ds.orders.as_ref().map(|orders| {
        value::cohort_table(
            orders
                .iter()
                .filter(|o| o.day <= as_of)
                .map(|o| (ds.customers[o.customer as usize].id.as_str(), o.day.date())),
        )
    });
    let buyers = ds.customers.iter().filter(|c| c.orders >= 1).count();
    let h = match &ds.orders {
        Some(_) => from_orders(ds, as_of),
        None => from_columns(ds, as_of, buyers),
    };
    let skipped = buyers.saturating_sub(h.list.len());
    if skipped > 0 {
        warnings.push(Diagnostic::new(
            Code::ValueBuyersSkipped,
            format!(
                "{skipped} buyer(s) have no usable first purchase date (or purchases after the audit date), so they have no lifetime value"
            ),
        ));
    }
    let mut m = ValueMetrics {
        cohorts,
        rfm,
        ..ValueMetrics::default()
    };
    match models(&h, params.clv_penalizer, warnings) {
        Some((bg, order_value)) => {
            score(facts, params, &h, &bg, &order_value, &mut m);
            let has_contact = ds
                .customer_fields
                .has(crate::model::CustomerField::LastContact);
            high_clv_contact(facts, has_contact, &mut m);
        }
        None => return m,
    };
    if m.clv_total.is_none() {
        warnings.push(Diagnostic::new(
            Code::ValueNotEstimated,
            "customer lifetime value could not be computed: the purchase model gives no finite figures for these customers; the value figures are left empty",
        ));
    }
    m
}

/// Share of active buyers counted as "high lifetime value" for the contact check.
const HIGH_CLV_SHARE: f64 = 0.20;

/// How many active buyers are in the top fifth by lifetime value (ties kept
/// in customer order), and how many of those are overdue for contact.
fn high_clv_contact(facts: &[CustomerFacts], has_contact: bool, m: &mut ValueMetrics) {
    let mut ranked: Vec<(f64, usize)> = facts
        .iter()
        .enumerate()
        .filter(|(_, f)| f.active)
        .filter_map(|(i, f)| f.clv.get().map(|v| (v, i)))
        .collect();
    if ranked.is_empty() {
        return;
    }
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let top = ((ranked.len() as f64 * HIGH_CLV_SHARE).ceil() as usize).max(1);
    m.high_clv_customers = Some(top as u64);
    m.high_clv_overdue_contact = has_contact.then(|| {
        ranked[..top]
            .iter()
            .filter(|(_, i)| facts[*i].overdue_contact)
            .count() as u64
    });
}

/// Fit settings of the audit. The module's default gradient tolerance (1e-8
/// on the mean log-likelihood per customer) is tighter than a million
/// customers' float sums can reliably reach when the data do not follow the
/// models closely: the optimisers then run to their iteration cap (a 1M-customer
/// client took 94 s for BG/NBD, 6 s for Gamma-Gamma at 200k). 1e-6 converges in a handful of
/// iterations and moved the total CLV by about 1e-7 relative in those runs.
const AUDIT_FIT: FitOptions = FitOptions {
    unit_days: 1.0,
    min_customers: 20,
    max_iterations: 100,
    tolerance: 1e-6,
    penalizer: 0.0,
};

/// The fitted purchase model and the order-value source, or `None` (with a
/// warning) when no purchase model can be fitted.
fn models(
    h: &Histories,
    penalizer: f64,
    warnings: &mut Vec<Diagnostic>,
) -> Option<(BgNbdFit, OrderValue)> {
    let opts = FitOptions {
        penalizer,
        ..AUDIT_FIT
    };
    let bg = match value::fit_bgnbd(&h.list, &opts) {
        Ok(fit) if penalizer > 0.0 => {
            warnings.push(Diagnostic::new(
                Code::ValuePenalised,
                format!(
                    "the purchase model is fitted with a penalty of {penalizer} (the lifetimes package's penalizer), so its figures are regularised rather than plain maximum likelihood"
                ),
            ));
            fit
        }
        Ok(fit) => fit,
        Err(e) => {
            warnings.push(Diagnostic::new(
                Code::ValueNotEstimated,
                format!(
                    "customer lifetime value is not estimated: {}; the value figures are left empty",
                    plain(&e)
                ),
            ));
            return None;
        }
    };
    let repeat: Vec<BuyerHistory> = h
        .list
        .iter()
        .filter(|b| b.x > 0 && b.monetary > 0.0)
        .copied()
        .collect();
    let order_value = match value::fit_gamma_gamma(&repeat, &opts).and_then(|f| {
        if f.params.q <= 1.0 {
            Err(value::ValueError::QNotAboveOne { q: f.params.q })
        } else {
            Ok(f)
        }
    }) {
        Ok(fit) => OrderValue::GammaGamma(fit.params),
        Err(e) => {
            let mean = if h.purchases > 0.0 {
                h.revenue / h.purchases
            } else {
                0.0
            };
            warnings.push(Diagnostic::new(
                Code::SpendModelUnused,
                format!(
                    "the spend model is not used ({}); every customer's expected order value is the observed mean order value",
                    plain(&e)
                ),
            ));
            OrderValue::Observed {
                mean_order_value: mean,
            }
        }
    };
    Some((bg, order_value))
}

/// Why a model cannot be used, in words for a marketing reader (the model
/// errors speak of parameters and gradients).
fn plain(e: &value::ValueError) -> String {
    use value::ValueError as E;
    match e {
        E::TooFewCustomers { found: 0, what, .. } => format!("there are no {what} with usable purchase dates"),
        E::TooFewCustomers { what, found, needed } => {
            format!("only {found} {what} have usable purchase dates, and at least {needed} are needed")
        }
        E::NoRepeatPurchases => "no buyer has bought more than once".into(),
        E::NoObservationTime => "every buyer first bought on the audit date".into(),
        E::NoSpendVariation => "every repeat buyer spends the same per order".into(),
        E::QNotAboveOne { .. } => "order values vary too much between customers for a stable estimate".into(),
        E::Diverged { .. } | E::NotConverged { .. } => {
            "the purchase histories show no pattern of customers dropping out that the model could learn from (a regularised fit is possible with --param clv_penalizer=0.001, the lifetimes package's penalizer)".into()
        }
        E::InvalidHistory { .. } | E::InvalidOptions(_) => "some purchase histories are not usable".into(),
    }
}

/// Buyers scored at a time (see [`score`]).
const SCORE_CHUNK: usize = 1 << 16;

/// Scores every history into `facts` and sums the portfolio figures into
/// `m`; leaves them empty when any figure is not finite.
fn score(
    facts: &mut [CustomerFacts],
    params: &Params,
    h: &Histories,
    fit: &BgNbdFit,
    order_value: &OrderValue,
    m: &mut ValueMetrics,
) {
    let bg = &fit.params;
    let opts = ScoreOptions {
        clv_months: params.clv_months as u32,
        discount_rate: params.clv_discount_rate,
    };
    let table = value::score_table(&h.list, bg, &opts);
    let period = params.period_days.max(0.0);
    // Expected purchases in the period if alive depend on (x, T) only: cache.
    let mut if_alive: value::KeyMap<(u32, u64), f64> = value::KeyMap::default();
    let (mut clv_total, mut revenue) = (0.0, 0.0);
    let (mut lost, mut hv_lost) = (0u64, 0u64);
    // Scored a chunk at a time: the results of a million buyers at once
    // would be 32 MB more at the audit's peak.
    let chunks = h.list.chunks(SCORE_CHUNK).zip(h.owner.chunks(SCORE_CHUNK));
    for (c, (list, owner)) in chunks.enumerate() {
        let base = c * SCORE_CHUNK;
        let scores: Vec<value::CustomerValue> = list
            .par_iter()
            .enumerate()
            .map(|(j, b)| table.value(base + j, b, order_value))
            .collect();
        for ((b, s), &i) in list.iter().zip(&scores).zip(owner) {
            let per_alive = *if_alive
                .entry((b.x, b.t_big.to_bits()))
                .or_insert_with(|| bg.expected_if_alive(period, b.x, b.t_big));
            let period_revenue = per_alive * s.p_alive * s.expected_order_value;
            let finite = [s.clv, s.p_alive, s.expected_purchases, period_revenue]
                .iter()
                .all(|v| v.is_finite());
            if !finite {
                for f in facts.iter_mut() {
                    (f.p_alive, f.expected_purchases, f.clv) =
                        (Estimate::NONE, Estimate::NONE, Estimate::NONE);
                }
                return;
            }
            let f = &mut facts[i as usize];
            f.p_alive = Estimate::of(s.p_alive);
            f.expected_purchases = Estimate::of(s.expected_purchases);
            f.clv = Estimate::of(s.clv);
            clv_total += s.clv;
            revenue += period_revenue;
            if f.active && s.p_alive < params.alive_threshold {
                lost += 1;
                hv_lost += u64::from(f.value == Some(ValueTier::High));
            }
        }
    }
    m.clv_model = Some(ClvModel {
        r: bg.r,
        alpha: bg.alpha,
        a: bg.a,
        b: bg.b,
        log_likelihood: fit.log_likelihood,
        customers: fit.customers as u64,
        converged: fit.converged,
        time_unit: "days",
    });
    if let OrderValue::GammaGamma(g) = order_value {
        m.spend_model = Some(SpendModel {
            p: g.p,
            q: g.q,
            gamma: g.gamma,
            customers: h
                .list
                .iter()
                .filter(|b| b.x > 0 && b.monetary > 0.0)
                .count() as u64,
        });
    }
    m.clv_total = Some(clv_total);
    m.expected_revenue_next_period = Some(revenue);
    m.likely_lost = Some(lost);
    m.high_value_likely_lost = Some(hv_lost);
}

/// Histories from the Orders sheet: orders sorted by (customer, day), one
/// pass merging same-day orders. Orders after the audit date are ignored.
fn from_orders(ds: &Dataset, as_of: Day) -> Histories {
    let mut orders: Vec<(u32, i32, f64)> = ds
        .orders
        .iter()
        .flatten()
        .filter(|o| o.day <= as_of)
        .map(|o| (o.customer, o.day.0, o.amount))
        .collect();
    orders.sort_unstable_by_key(|o| (o.0, o.1));
    let mut h = Histories {
        list: Vec::new(),
        owner: Vec::new(),
        revenue: 0.0,
        purchases: 0.0,
    };
    let mut start = 0;
    while start < orders.len() {
        let (customer, first) = (orders[start].0, orders[start].1);
        let (mut x, mut last, mut repeat_value, mut total) = (0u32, first, 0.0, 0.0);
        let mut end = start;
        while end < orders.len() && orders[end].0 == customer {
            let (_, day, amount) = orders[end];
            if day != last {
                x += 1;
                last = day;
            }
            if day != first {
                repeat_value += amount;
            }
            total += amount;
            end += 1;
        }
        h.list.push(BuyerHistory {
            x,
            t_x: f64::from(last - first),
            t_big: f64::from(as_of.0 - first),
            monetary: if x > 0 {
                (repeat_value / f64::from(x)).max(0.0)
            } else {
                0.0
            },
        });
        h.owner.push(customer);
        h.revenue += total;
        h.purchases += f64::from(x + 1);
        start = end;
    }
    h
}

/// Histories from the customer list's order count and purchase dates, for
/// at most `buyers` customers (sized up front: a million grown by doubling
/// would hold up to twice that while the model is fitted).
fn from_columns(ds: &Dataset, as_of: Day, buyers: usize) -> Histories {
    let mut h = Histories {
        list: Vec::with_capacity(buyers),
        owner: Vec::with_capacity(buyers),
        revenue: 0.0,
        purchases: 0.0,
    };
    for (i, c) in ds.customers.iter().enumerate() {
        let Some(first) = c.first_purchase.filter(|_| c.orders >= 1) else {
            continue;
        };
        let x = c.orders - 1;
        let last = if x == 0 {
            first
        } else {
            c.last_purchase.unwrap_or(first)
        };
        if first > as_of || last > as_of || last < first {
            continue;
        }
        h.list.push(BuyerHistory {
            x,
            t_x: if x == 0 {
                0.0
            } else {
                f64::from(last.since(first))
            },
            t_big: f64::from(as_of.since(first)),
            monetary: if x > 0 {
                (c.revenue / f64::from(c.orders)).max(0.0)
            } else {
                0.0
            },
        });
        h.owner.push(i as u32);
        h.revenue += c.revenue;
        h.purchases += f64::from(c.orders);
    }
    h
}

/// The buyers RFM scores, read from the customers in place.
struct RfmCustomers<'a> {
    customers: &'a [Customer],
    /// Indices of the buyers with a last purchase date.
    owner: &'a [u32],
    as_of: Day,
}

impl RfmSource for RfmCustomers<'_> {
    fn len(&self) -> usize {
        self.owner.len()
    }
    fn id(&self, k: usize) -> &str {
        &self.customers[self.owner[k] as usize].id
    }
    fn recency_days(&self, k: usize) -> f64 {
        let c = &self.customers[self.owner[k] as usize];
        c.last_purchase
            .map_or(0.0, |last| f64::from(self.as_of.since(last).max(0)))
    }
    fn frequency(&self, k: usize) -> u32 {
        self.customers[self.owner[k] as usize].orders
    }
    fn monetary(&self, k: usize) -> f64 {
        self.customers[self.owner[k] as usize].revenue
    }
}

/// RFM scores and segments over buyers with a last purchase date (recency
/// needs it), written into `facts`; the per-segment totals, or `None` when
/// there is no such buyer.
fn rfm(
    ds: &Dataset,
    facts: &mut [CustomerFacts],
    as_of: Day,
    table: &RfmSegments,
) -> Option<OrderedMap<SegmentFigures>> {
    let owner: Vec<u32> = (0..ds.customers.len() as u32)
        .filter(|&i| {
            let c = &ds.customers[i as usize];
            c.orders >= 1 && c.last_purchase.is_some()
        })
        .collect();
    let buyers = RfmCustomers {
        customers: &ds.customers,
        owner: &owner,
        as_of,
    };
    if buyers.is_empty() {
        return None;
    }
    let result = value::segments_of(&buyers, table);
    for ((&i, &s), &k) in owner.iter().zip(&result.scores).zip(&result.segment) {
        let f = &mut facts[i as usize];
        f.rfm = Some(s);
        f.rfm_segment = Some(k as u8);
    }
    Some(OrderedMap(
        result
            .totals
            .into_iter()
            .map(|t| {
                let figures = SegmentFigures {
                    customers: t.customers,
                    revenue: t.revenue,
                };
                (t.name, figures)
            })
            .collect(),
    ))
}
