//! The customer-value part of the view: the value headline figures, the RFM
//! segment table and the cohort rows, all from the audit's metrics (SPEC
//! §4.2), formatted for summary.md and report.html.

use serde::Serialize;

use super::rows::Cohort;
use crate::audit::Audit;
use crate::report::format;

/// Months after the first purchase that summary.md's cohort table shows.
pub const COHORT_MILESTONES: [usize; 4] = [1, 3, 6, 12];

/// The value section.
#[derive(Debug, Clone, Serialize)]
pub struct ValueSection {
    /// Whether the purchase model could be fitted (else the figures are "—").
    pub available: bool,
    /// The lifetime-value horizon in months.
    pub months: u32,
    /// The period the expected revenue covers, in days.
    pub period_days: u32,
    /// The "likely lost" threshold as a percentage label.
    pub threshold_label: String,
    /// Σ customer lifetime value, formatted.
    pub clv_total: String,
    /// Revenue expected from current customers next period, formatted.
    pub expected_revenue: String,
    /// Active buyers likely lost, formatted.
    pub likely_lost: String,
    /// Those of them in the high value tier, formatted.
    pub high_value_likely_lost: String,
    /// One row per RFM segment with buyers in it.
    pub segments: Vec<SegmentRow>,
}

/// One RFM segment.
#[derive(Debug, Clone, Serialize)]
pub struct SegmentRow {
    /// Segment name.
    pub name: String,
    /// Buyers, formatted.
    pub customers: String,
    /// Their revenue, formatted.
    pub revenue: String,
    /// Their lifetime value, formatted ("—" without a model).
    pub clv: String,
}

/// Builds the value section.
pub(super) fn value(audit: &Audit, currency: &str) -> ValueSection {
    let a = &audit.analysis;
    let v = &a.metrics.value;
    let count = |n: Option<u64>| format::num(n.map(|n| n as f64));
    let available = v.clv_model.is_some();
    let clv = a.clv_by_segment();
    let segments = v
        .rfm
        .iter()
        .flat_map(|r| r.0.iter().enumerate())
        .filter(|(_, (_, s))| s.customers > 0)
        .map(|(i, (name, s))| SegmentRow {
            name: name.clone(),
            customers: format::num(Some(s.customers as f64)),
            revenue: format::money(Some(s.revenue), currency),
            clv: format::money(clv.as_ref().and_then(|c| c.get(i).copied()), currency),
        })
        .collect();
    ValueSection {
        available,
        months: a.params.clv_months as u32,
        period_days: a.params.period_days.round().max(0.0) as u32,
        threshold_label: format::pct(Some(a.params.alive_threshold)),
        clv_total: format::money(v.clv_total, currency),
        expected_revenue: format::money(v.expected_revenue_next_period, currency),
        likely_lost: count(v.likely_lost),
        high_value_likely_lost: count(v.high_value_likely_lost),
        segments,
    }
}

/// The cohort rows of `metrics.cohorts` (none without an Orders sheet):
/// the full triangle for the chart, and the milestone labels for the table.
pub(super) fn cohorts(audit: &Audit) -> Vec<Cohort> {
    let Some(t) = &audit.analysis.metrics.value.cohorts else {
        return Vec::new();
    };
    t.rows
        .iter()
        .map(|r| Cohort {
            month: r.cohort.clone(),
            size: r.size,
            shares: r.retained_share.iter().map(|&s| Some(s)).collect(),
            milestones: COHORT_MILESTONES
                .iter()
                .map(|&k| format::pct(r.retained_share.get(k).copied()))
                .collect(),
        })
        .collect()
}
