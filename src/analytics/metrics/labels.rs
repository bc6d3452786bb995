//! What each metric is called in client-facing text, how its value reads,
//! and what its base counts: one table, so a figure has one label in the
//! workbook, summary.md, report.html and every note.

/// How a figure's value is written for a reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A count of customers, touchpoints or purchases.
    Count,
    /// A fraction 0–1 shown as a percentage.
    Share,
    /// An amount of money.
    Money,
    /// A plain number (a score, a multiple).
    Number,
    /// A list or table (stages, segments); shown by its parts.
    Other,
}

/// One metric's reader-facing description.
#[derive(Debug, Clone, Copy)]
pub struct Label {
    /// Metric name (audit.json key).
    pub name: &'static str,
    /// What a marketing manager reads.
    pub label: &'static str,
    /// How the value is written.
    pub kind: Kind,
    /// What the base counts, for figures that have one ("answers", "buyers").
    pub base_unit: &'static str,
}

const fn l(name: &'static str, label: &'static str, kind: Kind, base_unit: &'static str) -> Label {
    Label {
        name,
        label,
        kind,
        base_unit,
    }
}

use Kind::{Count, Money, Number, Other, Share};

/// Every metric, in the order of [`super::METRIC_NAMES`].
pub const LABELS: &[Label] = &[
    l("customers", "Customers", Count, ""),
    l("buyers", "Buyers", Count, ""),
    l("prospects", "Prospects (no purchase yet)", Count, ""),
    l("active_customers", "Active customers", Count, ""),
    l("lost_customers", "Lost customers", Count, ""),
    l("active_rate", "Active rate", Share, "buyers"),
    l("churn_rate", "Churn rate", Share, "buyers"),
    l("repeat_buyers", "Repeat buyers", Count, ""),
    l("repeat_rate", "Repeat rate", Share, "buyers"),
    l("repeat_purchases", "Repeat purchases", Count, ""),
    l(
        "retention_rate",
        "Retention rate (period over period)",
        Share,
        "buyers in the previous period",
    ),
    l("retention_base", "Buyers in the previous period", Count, ""),
    l("new_customers", "New customers", Count, ""),
    l("ladder", "Loyalty ladder", Other, ""),
    l("ladder_active", "Loyalty ladder, active buyers", Other, ""),
    l("ladder_lost", "Loyalty ladder, lost buyers", Other, ""),
    l("value_tiers", "Buyers by value tier", Other, ""),
    l("high_value_customers", "High-value customers", Count, ""),
    l("risk", "Buyers by risk", Other, ""),
    l("value_risk", "Value × risk", Other, ""),
    l(
        "high_value_at_risk",
        "Valuable customers at risk",
        Count,
        "high-value customers",
    ),
    l(
        "high_value_at_risk_revenue",
        "Revenue of valuable customers at risk",
        Money,
        "",
    ),
    l(
        "overdue_contact",
        "Active customers overdue for contact",
        Count,
        "",
    ),
    l(
        "overdue_contact_rate",
        "Share of active customers overdue for contact",
        Share,
        "active customers",
    ),
    l(
        "customers_with_complaints",
        "Buyers with open complaints",
        Count,
        "",
    ),
    l(
        "complaint_rate",
        "Share of buyers with open complaints",
        Share,
        "buyers",
    ),
    l(
        "satisfaction_known",
        "Customers with a satisfaction score",
        Count,
        "",
    ),
    l("promoters", "Promoters", Count, ""),
    l("detractors", "Detractors", Count, ""),
    l("nps", "Net promoter score", Number, "answers"),
    l(
        "defection_reasons",
        "Why customers left",
        Other,
        "lost customers with a reason",
    ),
    l(
        "lost_with_reason",
        "Lost customers who gave a reason",
        Count,
        "",
    ),
    l(
        "indifference_share",
        "Share who left feeling ignored or for a competitor",
        Share,
        "lost customers with a reason",
    ),
    l("revenue_total", "Revenue", Money, ""),
    l("average_order_value", "Average order value", Money, ""),
    l("spend_total", "Marketing spend", Money, ""),
    l("spend_by_p", "Spend by P", Other, ""),
    l("spend_by_stage", "Spend by ladder stage", Other, ""),
    l("spend_by_objective", "Spend by objective", Other, ""),
    l("retention_spend", "Retention spend", Money, ""),
    l("acquisition_spend", "Acquisition spend", Money, ""),
    l(
        "retention_spend_share",
        "Share of spend on retention",
        Share,
        "",
    ),
    l(
        "acquisition_cost_per_new_customer",
        "Acquisition cost per new customer",
        Money,
        "new customers",
    ),
    l(
        "retention_spend_per_active_customer",
        "Retention spend per active customer",
        Money,
        "active customers",
    ),
    l("touchpoints", "Touchpoints", Count, ""),
    l(
        "retention_touchpoints",
        "Touchpoints that keep customers",
        Count,
        "",
    ),
    l(
        "personalized_share",
        "Share of retention touchpoints that are personalised",
        Share,
        "",
    ),
    l(
        "feedback_share",
        "Share of touchpoints that collect feedback",
        Share,
        "",
    ),
    l(
        "contact_plan_touchpoints",
        "Touchpoints in a regular contact plan",
        Count,
        "",
    ),
    l("stages_served", "Ladder stages served", Other, ""),
    l(
        "stages_without_touchpoint",
        "Ladder stages without a touchpoint",
        Other,
        "",
    ),
    l("clv_model", "Purchase model", Other, "buyers"),
    l("spend_model", "Order value model", Other, ""),
    l(
        "clv_total",
        "Customer lifetime value, all buyers",
        Money,
        "buyers",
    ),
    l(
        "expected_revenue_next_period",
        "Revenue expected from current customers next period",
        Money,
        "buyers",
    ),
    l(
        "likely_lost",
        "Active buyers likely lost",
        Count,
        "active customers",
    ),
    l(
        "high_value_likely_lost",
        "High-value customers likely lost",
        Count,
        "high-value customers",
    ),
    l(
        "high_clv_customers",
        "Active customers in the top fifth by lifetime value",
        Count,
        "",
    ),
    l(
        "high_clv_overdue_contact",
        "Top-value customers overdue for contact",
        Count,
        "top-value customers",
    ),
    l("cohorts", "Cohorts", Other, ""),
    l("rfm", "RFM segments", Other, ""),
    l("bases", "Bases", Other, ""),
];

/// The description of metric `name`.
pub fn label(name: &str) -> Option<&'static Label> {
    LABELS.iter().find(|l| l.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every metric has exactly one label, in the same order, and every
    /// figure with a base says what its base counts.
    #[test]
    fn every_metric_is_labelled_once() {
        let names: Vec<&str> = LABELS.iter().map(|l| l.name).collect();
        assert_eq!(names, super::super::METRIC_NAMES);
        let mut labels: Vec<&str> = LABELS.iter().map(|l| l.label).collect();
        labels.sort_unstable();
        let n = labels.len();
        labels.dedup();
        assert_eq!(labels.len(), n, "two metrics share a label");
    }
}
