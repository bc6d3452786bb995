//! Retention analytics (SPEC §4): per-customer facts, per-touchpoint reach,
//! and the portfolio metrics that checklist rules and reports read.
//!
//! Every definition lives here once; the workbook, Markdown and JSON only
//! show what [`Analysis`] holds.

mod customers;
mod dates;
mod glossary;
mod lifetime;
mod metrics;
mod params;
mod period;
mod touchpoints;
pub mod value;

pub use customers::{
    CustomerFacts, DEFAULT_DEFECTION, Estimate, RISK_SIGNS, Risk, ValueTier, classify_defection,
    customer_facts, days_since,
};
pub use glossary::{METRICS, MetricDef};
/// The customer-value step alone (histories, BG/NBD and Gamma-Gamma fits,
/// P(alive), expected purchases, CLV, cohorts, RFM), as [`analyse`] runs it:
/// public so its share of an audit can be timed on its own
/// (`examples/value_step_bench.rs`).
pub use lifetime::compute as value_step;
pub use lifetime::{ClvModel, SegmentFigures, SpendModel, ValueMetrics};
pub use metrics::labels::{
    Kind as MetricKind, LABELS as METRIC_LABELS, Label as MetricLabel, label as metric_label,
};
pub use metrics::{METRIC_NAMES, Metrics, OrderedMap};
pub use params::{DEFAULTS as DEFAULT_PARAMS, Params};
pub use period::{Period, PeriodSource, resolve as resolve_period, span_days};
pub use touchpoints::{TouchpointFacts, touchpoint_facts};

use crate::error::{Error, Result};
use crate::model::{Dataset, Day};

/// Where the audit date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AsOfSource {
    /// `--as-of`.
    CommandLine,
    /// audit.yaml.
    Config,
    /// The latest purchase or order in the data.
    Data,
}

/// Everything computed from one client's data.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The audit date.
    pub as_of: Day,
    /// Where it came from.
    pub as_of_source: AsOfSource,
    /// Parameters in force.
    pub params: Params,
    /// The audited period's length (also in `params.period_days`) and its origin.
    pub period: Period,
    /// One entry per customer, same order as the dataset.
    pub customers: Vec<CustomerFacts>,
    /// One entry per touchpoint, same order as the dataset.
    pub touchpoints: Vec<TouchpointFacts>,
    /// Portfolio metrics.
    pub metrics: Metrics,
    /// The RFM segment table in force (names of [`CustomerFacts::rfm_segment`]).
    pub rfm_segments: value::RfmSegments,
    /// Notes about figures that could not be computed.
    pub warnings: Vec<crate::error::Diagnostic>,
}

impl Analysis {
    /// Σ customer lifetime value per RFM segment, in table order (`other`
    /// last), or `None` when no customer has a lifetime value: the Value
    /// sheet and the reports show value beside the segment counts.
    pub fn clv_by_segment(&self) -> Option<Vec<f64>> {
        let mut clv = vec![0.0; self.rfm_segments.rules.len() + 1];
        let mut known = false;
        for f in &self.customers {
            if let (Some(k), Some(v)) = (f.rfm_segment, f.clv.get())
                && let Some(slot) = clv.get_mut(usize::from(k))
            {
                *slot += v;
                known = true;
            }
        }
        known.then_some(clv)
    }
}

/// The latest purchase or order date in the data.
pub fn latest_date(ds: &Dataset) -> Option<Day> {
    let from_customers = ds.customers.iter().filter_map(|c| c.last_purchase).max();
    let from_orders = ds
        .orders
        .as_ref()
        .and_then(|o| o.iter().map(|o| o.day).max());
    from_customers.max(from_orders)
}

/// Runs every analysis. `as_of` is the explicit date, if the user gave one;
/// `defection_keywords` map churn reasons to categories, in matching order;
/// `rfm_segments` names the RFM segments.
pub fn analyse(
    ds: &Dataset,
    params: &Params,
    defection_keywords: &[(String, Vec<String>)],
    rfm_segments: &value::RfmSegments,
    as_of: Option<(Day, AsOfSource)>,
) -> Result<Analysis> {
    let (as_of, as_of_source) = match as_of {
        Some(a) => a,
        None => match latest_date(ds) {
            Some(d) => (d, AsOfSource::Data),
            None => {
                return Err(Error::Failed(
                    "the audit date cannot be inferred: no customer has a purchase date; give --as-of YYYY-MM-DD or `as_of:` in audit.yaml".into(),
                ));
            }
        },
    };
    let mut warnings = dates::check(ds, as_of, params::days(params.active_days), latest_date(ds));
    let mut facts = customer_facts(ds, params, as_of, defection_keywords);
    let tps = touchpoint_facts(ds, &facts);
    let mut metrics =
        Metrics::compute(ds, &facts, params, as_of, defection_keywords, &mut warnings);
    metrics.value = lifetime::compute(ds, &mut facts, params, as_of, rfm_segments, &mut warnings);
    metrics.add_value_bases();
    Ok(Analysis {
        as_of,
        as_of_source,
        params: params.clone(),
        period: Period {
            days: params::days(params.period_days),
            source: PeriodSource::Default,
        },
        customers: facts,
        touchpoints: tps,
        metrics,
        rfm_segments: rfm_segments.clone(),
        warnings,
    })
}
