//! Every metric's name, label, definition and the data it needs, in one list:
//! [`METRIC_NAMES`] (what rules may read, tested against audit.json's keys)
//! and [`METRICS`] (what `mixaudit metrics` and `mixaudit explain` print) are
//! generated from it, so a metric cannot exist without its definition.

/// One metric as people read it.
#[derive(Debug, Clone, Copy)]
pub struct MetricDef {
    /// Its key in audit.json `metrics` and in rules (`metrics.<name>`).
    pub name: &'static str,
    /// Its name in words, for client-facing text.
    pub label: &'static str,
    /// What it counts or measures.
    pub definition: &'static str,
    /// The input columns (or sheet) it needs.
    pub needs: &'static str,
}

macro_rules! glossary {
    ($( $name:literal, $label:literal, $needs:literal, $definition:literal; )*) => {
        /// The names of the `metrics` figures, for validating `metrics.*` in rules.
        pub const METRIC_NAMES: &[&str] = &[$($name),*];
        /// Every metric with its definition, in audit.json order.
        pub const METRICS: &[MetricDef] = &[
            $( MetricDef { name: $name, label: $label, definition: $definition, needs: $needs }, )*
        ];
    };
}

glossary! {
    "customers", "customers", "customer list",
        "Rows in the customer list, plus customer ids that appear only in orders.";
    "buyers", "buyers", "customer list › orders",
        "Customers with at least one order.";
    "prospects", "prospects", "customer list › orders",
        "Customers with no order yet.";
    "active_customers", "active customers", "customer list › last purchase (or an Orders sheet)",
        "Buyers whose last purchase lies within the active period (active_days before the audit date); a status column overrides.";
    "lost_customers", "lost customers", "customer list › last purchase (or an Orders sheet)",
        "Buyers who are not active.";
    "active_rate", "active rate", "customer list › last purchase (or an Orders sheet)",
        "Active buyers as a share of all buyers.";
    "churn_rate", "churn rate", "customer list › last purchase (or an Orders sheet)",
        "One minus the active rate: the share of buyers lost.";
    "repeat_buyers", "repeat buyers", "customer list › orders",
        "Buyers with two or more orders.";
    "repeat_rate", "repeat rate", "customer list › orders",
        "Repeat buyers as a share of all buyers.";
    "repeat_purchases", "repeat purchases", "customer list › orders",
        "Purchases after each buyer's first, added up.";
    "retention_rate", "retention rate", "Orders sheet",
        "Of the buyers who ordered in the previous period, the share who ordered again in this period.";
    "retention_base", "buyers of the previous period", "Orders sheet",
        "Buyers who ordered in the previous period: the base of the retention rate.";
    "new_customers", "new customers", "customer list › first purchase (or an Orders sheet)",
        "Customers whose first purchase falls within the audited period.";
    "ladder", "loyalty ladder", "customer list › orders, satisfaction, referrals",
        "Customers per loyalty-ladder stage: prospect, customer, client, supporter, advocate.";
    "value_tiers", "value tiers", "customer list › revenue",
        "Buyers per value tier (high, medium, low) by their share of cumulative revenue.";
    "high_value_customers", "high-value customers", "customer list › revenue",
        "Buyers in the high value tier.";
    "risk", "risk levels", "customer list › last purchase, complaints, last contact, satisfaction",
        "Active buyers per risk level (high, medium, low; lost buyers apart), one point per warning sign.";
    "value_risk", "value by risk", "customer list › revenue, last purchase",
        "Buyers counted by value tier and risk level together.";
    "high_value_at_risk", "valuable customers at risk", "customer list › revenue, last purchase",
        "Active high-value buyers with a high risk level.";
    "high_value_at_risk_revenue", "revenue of valuable customers at risk", "customer list › revenue",
        "The revenue of the valuable customers at risk.";
    "overdue_contact", "customers overdue for contact", "customer list › last contact",
        "Active buyers not contacted within the longest allowed gap (max_contact_gap_days).";
    "overdue_contact_rate", "share overdue for contact", "customer list › last contact",
        "Customers overdue for contact as a share of active buyers.";
    "customers_with_complaints", "customers with complaints", "customer list › complaints",
        "Buyers with an open complaint.";
    "complaint_rate", "complaint rate", "customer list › complaints",
        "Customers with complaints as a share of buyers.";
    "satisfaction_known", "customers with a satisfaction score", "customer list › satisfaction",
        "Customers whose satisfaction score (0–10) is known.";
    "promoters", "promoters", "customer list › satisfaction",
        "Customers scoring at least promoter_min (9) out of 10.";
    "detractors", "detractors", "customer list › satisfaction",
        "Customers scoring at most detractor_max (6) out of 10.";
    "nps", "net promoter score", "customer list › satisfaction",
        "Promoters minus detractors as a share of scores, from −100 to 100.";
    "defection_reasons", "reasons for leaving", "customer list › churn reason",
        "Lost buyers' reasons grouped into price, complaint, competitor, indifference and other.";
    "lost_with_reason", "lost customers with a reason", "customer list › churn reason",
        "Lost buyers who gave a reason for leaving.";
    "indifference_share", "share leaving from indifference", "customer list › churn reason",
        "Share of given reasons that are indifference or a competitor: the causes a business can most influence.";
    "revenue_total", "total revenue", "customer list › revenue (or an Orders sheet)",
        "Revenue of all customers.";
    "average_order_value", "average order value", "customer list › revenue, orders",
        "Total revenue divided by the number of orders.";
    "spend_total", "total marketing spend", "spend sheet › spend",
        "Marketing spend of all touchpoints in the period.";
    "spend_by_p", "spend by P", "spend sheet › spend, P",
        "Spend per P of the marketing mix.";
    "spend_by_stage", "spend by ladder stage", "spend sheet › spend, stage",
        "Spend per loyalty-ladder stage (a touchpoint serving several stages splits its spend evenly).";
    "spend_by_objective", "spend by objective", "spend sheet › spend, objective",
        "Spend per objective: acquisition, retention, both.";
    "retention_spend", "retention spend", "spend sheet › spend, objective",
        "Spend on touchpoints whose objective is retention.";
    "acquisition_spend", "acquisition spend", "spend sheet › spend, objective",
        "Spend on touchpoints whose objective is acquisition.";
    "retention_spend_share", "retention share of spend", "spend sheet › spend, objective",
        "Retention spend as a share of total marketing spend.";
    "acquisition_cost_per_new_customer", "acquisition cost per new customer", "spend sheet › objective; customer list › first purchase",
        "Acquisition spend divided by the new customers of the period.";
    "retention_spend_per_active_customer", "retention spend per active customer", "spend sheet › objective; customer list › last purchase",
        "Retention spend divided by the active buyers.";
    "touchpoints", "touchpoints", "spend sheet",
        "Rows of the spend sheet: the marketing activities audited.";
    "retention_touchpoints", "retention touchpoints", "spend sheet › objective",
        "Touchpoints whose objective is retention or both.";
    "personalized_share", "share of personalised touchpoints", "spend sheet › personalized, objective",
        "Share of retention touchpoints that are personalised.";
    "feedback_share", "share of touchpoints with a feedback loop", "spend sheet › feedback loop",
        "Share of touchpoints that collect customer feedback.";
    "contact_plan_touchpoints", "touchpoints keeping contact", "spend sheet › cadence days, objective",
        "Retention touchpoints whose cadence keeps within the longest allowed contact gap.";
    "stages_served", "ladder stages served", "spend sheet › stage",
        "Loyalty-ladder stages at least one touchpoint serves.";
    "stages_without_touchpoint", "ladder stages without a touchpoint", "spend sheet › stage",
        "Loyalty-ladder stages no touchpoint serves.";
    "clv_model", "purchase model", "customer list › first and last purchase, orders (or an Orders sheet)",
        "The fitted BG/NBD purchase model: its parameters, fit and the customers it was fitted to.";
    "spend_model", "order-value model", "customer list › revenue, orders (or an Orders sheet)",
        "The fitted Gamma-Gamma model of order values, when there are enough repeat buyers.";
    "clv_total", "total customer lifetime value", "customer list › first and last purchase, orders, revenue (or an Orders sheet)",
        "Expected, discounted revenue of all buyers over the next clv_months months.";
    "expected_revenue_next_period", "expected revenue next period", "customer list › first and last purchase, orders, revenue (or an Orders sheet)",
        "Revenue the purchase and order-value models expect from current buyers in the next period.";
    "likely_lost", "customers likely lost", "customer list › first and last purchase, orders (or an Orders sheet)",
        "Active buyers whose chance of still being a customer is below alive_threshold (0.5).";
    "high_value_likely_lost", "valuable customers likely lost", "customer list › first and last purchase, orders, revenue (or an Orders sheet)",
        "High-value buyers among the customers likely lost.";
    "cohorts", "cohorts", "Orders sheet",
        "Customers by the month of their first purchase, and how many of each bought again in each later month.";
    "rfm", "RFM segments", "customer list › last purchase, orders, revenue",
        "Customers and revenue per segment of recency, frequency and monetary value (the checklist's segment table).";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_has_a_label_a_definition_and_its_data() {
        assert_eq!(METRICS.len(), METRIC_NAMES.len());
        for m in METRICS {
            assert!(!m.label.contains('_'), "{}: label in words", m.name);
            assert!(
                m.definition.ends_with('.') && m.definition.len() > 15,
                "{}",
                m.name
            );
            assert!(!m.needs.is_empty(), "{}", m.name);
        }
    }
}
