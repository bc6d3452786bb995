//! The key figures every report shows, defined once: which metrics, in what
//! order, under which label, over which base — so the workbook, summary.md
//! and report.html cannot disagree on a label or a period.

use crate::analytics::{MetricKind, metric_label};
use crate::audit::Audit;
use crate::model::format;

/// One key figure with what a reader needs to weigh it.
#[derive(Debug, Clone)]
pub struct KeyFigure {
    /// Label, naming the period for "in the period" figures.
    pub label: String,
    /// The value, `None` when it cannot be computed.
    pub value: Option<f64>,
    /// How it reads.
    pub kind: MetricKind,
    /// "of 232 buyers", "168 answers": the base, when the figure has one.
    pub base: Option<String>,
    /// Whether the base is below `params.min_sample`.
    pub low_sample: bool,
}

impl KeyFigure {
    /// The value as text (em dash when unknown).
    pub fn text(&self, currency: &str) -> String {
        match self.kind {
            MetricKind::Share => format::pct(self.value),
            MetricKind::Money => format::money(self.value, currency),
            MetricKind::Count => format::num(self.value.map(f64::round)),
            _ => format::num(self.value.map(|v| (v * 10.0).round() / 10.0)),
        }
    }

    /// The base and, when too small, the warning, e.g. "6 answers — too few
    /// to judge (at least 30 needed)".
    pub fn note(&self, min: u64) -> String {
        match (&self.base, self.low_sample) {
            (Some(b), true) => format!("{b} — too few to judge (at least {min} needed)"),
            (Some(b), false) => b.clone(),
            (None, _) => String::new(),
        }
    }
}

/// "2026 H1 (181 days)", or "the 90 days to 2026-06-30" without a label that names a span.
pub fn period_phrase(audit: &Audit) -> String {
    let days = audit.analysis.period.days;
    if crate::analytics::span_days(&audit.period).is_some()
        || audit.analysis.period.source == crate::analytics::PeriodSource::Explicit
            && !audit.period.starts_with("to ")
    {
        format!("{} ({days} days)", audit.period)
    } else {
        format!("the {days} days to {}", audit.analysis.as_of)
    }
}

/// The key figures in reading order.
pub fn key_figures(audit: &Audit) -> Vec<KeyFigure> {
    let m = &audit.analysis.metrics;
    let min = min_sample(audit);
    let count = |v: u64| Some(v as f64);
    let opt = |v: Option<u64>| v.map(|x| x as f64);
    let rows: Vec<(&'static str, Option<f64>)> = vec![
        ("customers", count(m.customers)),
        ("buyers", count(m.buyers)),
        ("active_customers", count(m.active_customers)),
        ("lost_customers", count(m.lost_customers)),
        ("active_rate", m.active_rate),
        ("churn_rate", m.churn_rate),
        ("repeat_rate", m.repeat_rate),
        ("retention_rate", m.retention_rate),
        ("new_customers", opt(m.new_customers)),
        ("nps", m.nps),
        ("high_value_at_risk", count(m.high_value_at_risk)),
        ("overdue_contact", opt(m.overdue_contact)),
        ("spend_total", Some(m.spend_total)),
        ("retention_spend_share", m.retention_spend_share),
        (
            "acquisition_cost_per_new_customer",
            m.acquisition_cost_per_new_customer,
        ),
        (
            "retention_spend_per_active_customer",
            m.retention_spend_per_active_customer,
        ),
    ];
    let period = period_phrase(audit);
    rows.into_iter()
        .map(|(name, value)| {
            let l = metric_label(name);
            let base_name = if name == "overdue_contact" {
                "overdue_contact_rate"
            } else {
                name
            };
            let base = m.base(base_name);
            let unit = metric_label(base_name).map(|l| l.base_unit).unwrap_or("");
            let mut label = l
                .map(|l| l.label.to_string())
                .unwrap_or_else(|| name.into());
            if matches!(name, "new_customers" | "acquisition_cost_per_new_customer") {
                label = format!("{label}, {period}");
            }
            KeyFigure {
                label,
                value,
                kind: l.map(|l| l.kind).unwrap_or(MetricKind::Number),
                base: base.map(|n| match name {
                    "nps" => format!("{} {unit}", format::group(n as f64, 0)),
                    _ => format!("of {} {unit}", format::group(n as f64, 0)),
                }),
                low_sample: base.is_some_and(|n| n < min),
            }
        })
        .collect()
}

/// The sample size below which a figure is marked low-sample.
pub fn min_sample(audit: &Audit) -> u64 {
    audit.analysis.params.min_sample.max(0.0).round() as u64
}
