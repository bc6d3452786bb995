//! Every metric's name, definition and the data it needs, in one list:
//! [`METRIC_NAMES`] (what rules may read, tested against audit.json's keys)
//! and [`METRICS`] (what `mixaudit metrics` and `mixaudit explain` print) are
//! generated from it, so a metric cannot exist without its definition. Its
//! client-facing label is the one of [`super::metrics::labels`], shared with
//! the reports.

/// One metric as people read it.
#[derive(Debug, Clone, Copy)]
pub struct MetricDef {
    /// Its key in audit.json `metrics` and in rules (`metrics.<name>`).
    pub name: &'static str,
    /// What it counts or measures.
    pub definition: &'static str,
    /// The input columns (or sheet) it needs.
    pub needs: &'static str,
}

macro_rules! glossary {
    ($( $name:literal, $needs:literal, $definition:literal; )*) => {
        /// The names of the `metrics` figures, for validating `metrics.*` in rules.
        pub const METRIC_NAMES: &[&str] = &[$($name),*];
        /// Every metric with its definition, in audit.json order.
        pub const METRICS: &[MetricDef] = &[
            $( MetricDef { name: $name, definition: $definition, needs: $needs }, )*
        ];
    };
}

glossary! {
    "customers", "customer list",
        "Rows in the customer list, plus customer ids that appear only in orders.";
    "buyers", "customer list › orders",
        "Customers with at least one order.";
    "prospects", "customer list › orders",
        "Customers with no order yet.";
    "active_customers", "customer list › last purchase (or an Orders sheet)",
        "Buyers whose last purchase lies within the active period (active_days before the audit date); a status column overrides.";
    "lost_customers", "customer list › last purchase (or an Orders sheet)",
        "Buyers who are not active.";
    "active_rate", "customer list › last purchase (or an Orders sheet)",
        "Active buyers as a share of all buyers.";
    "churn_rate", "customer list › last purchase (or an Orders sheet)",
        "One minus the active rate: the share of buyers lost.";
    "repeat_buyers", "customer list › orders",
        "Buyers with two or more orders.";
    "repeat_rate", "customer list › orders",
        "Repeat buyers as a share of all buyers.";
    "repeat_purchases", "customer list › orders",
        "Purchases after each buyer's first, added up.";
    "retention_rate", "Orders sheet",
        "Of the buyers who ordered in the previous period, the share who ordered again in this period.";
    "retention_base", "Orders sheet",
        "Buyers who ordered in the previous period: the base of the retention rate.";
    "new_customers", "customer list › first purchase (or an Orders sheet)",
        "Customers whose first purchase falls within the audited period.";
    "ladder", "customer list › orders, satisfaction, referrals",
        "Customers per loyalty-ladder stage: prospect, customer, client, supporter, advocate.";
    "ladder_active", "customer list › orders, satisfaction, referrals, last purchase",
        "Active buyers per loyalty-ladder stage.";
    "ladder_lost", "customer list › orders, satisfaction, referrals, last purchase",
        "Lost buyers per loyalty-ladder stage.";
    "value_tiers", "customer list › revenue",
        "Buyers per value tier (high, medium, low) by their share of cumulative revenue.";
    "high_value_customers", "customer list › revenue",
        "Buyers in the high value tier.";
    "risk", "customer list › last purchase, complaints, last contact, satisfaction",
        "Active buyers per risk level (high, medium, low; lost buyers apart), one point per warning sign.";
    "value_risk", "customer list › revenue, last purchase",
        "Buyers counted by value tier and risk level together.";
    "high_value_at_risk", "customer list › revenue, last purchase",
        "Active high-value buyers with a high risk level.";
    "high_value_at_risk_revenue", "customer list › revenue",
        "The revenue of the valuable customers at risk.";
    "overdue_contact", "customer list › last contact",
        "Active buyers not contacted within the longest allowed gap (max_contact_gap_days).";
    "overdue_contact_rate", "customer list › last contact",
        "Customers overdue for contact as a share of active buyers.";
    "customers_with_complaints", "customer list › complaints",
        "Buyers with an open complaint.";
    "complaint_rate", "customer list › complaints",
        "Customers with complaints as a share of buyers.";
    "satisfaction_known", "customer list › satisfaction",
        "Customers whose satisfaction score (0–10) is known.";
    "promoters", "customer list › satisfaction",
        "Customers scoring at least promoter_min (9) out of 10.";
    "detractors", "customer list › satisfaction",
        "Customers scoring at most detractor_max (6) out of 10.";
    "nps", "customer list › satisfaction",
        "Promoters minus detractors as a share of scores, from −100 to 100.";
    "defection_reasons", "customer list › churn reason",
        "Lost buyers' reasons grouped into price, complaint, competitor, indifference and other.";
    "lost_with_reason", "customer list › churn reason",
        "Lost buyers who gave a reason for leaving.";
    "indifference_share", "customer list › churn reason",
        "Share of given reasons that are indifference or a competitor: the causes a business can most influence.";
    "revenue_total", "customer list › revenue (or an Orders sheet)",
        "Revenue of all customers.";
    "average_order_value", "customer list › revenue, orders",
        "Total revenue divided by the number of orders.";
    "spend_total", "spend sheet › spend",
        "Marketing spend of all touchpoints in the period.";
    "spend_by_p", "spend sheet › spend, P",
        "Spend per P of the marketing mix.";
    "spend_by_stage", "spend sheet › spend, stage",
        "Spend per loyalty-ladder stage (a touchpoint serving several stages splits its spend evenly).";
    "spend_by_objective", "spend sheet › spend, objective",
        "Spend per objective: acquisition, retention, both.";
    "retention_spend", "spend sheet › spend, objective",
        "Spend on touchpoints whose objective is retention.";
    "acquisition_spend", "spend sheet › spend, objective",
        "Spend on touchpoints whose objective is acquisition.";
    "retention_spend_share", "spend sheet › spend, objective",
        "Retention spend as a share of total marketing spend.";
    "acquisition_cost_per_new_customer", "spend sheet › objective; customer list › first purchase",
        "Acquisition spend divided by the new customers of the period.";
    "retention_spend_per_active_customer", "spend sheet › objective; customer list › last purchase",
        "Retention spend divided by the active buyers.";
    "touchpoints", "spend sheet",
        "Rows of the spend sheet: the marketing activities audited.";
    "retention_touchpoints", "spend sheet › objective",
        "Touchpoints whose objective is retention or both.";
    "personalized_share", "spend sheet › personalized, objective",
        "Share of retention touchpoints that are personalised.";
    "feedback_share", "spend sheet › feedback loop",
        "Share of touchpoints that collect customer feedback.";
    "contact_plan_touchpoints", "spend sheet › cadence days, objective",
        "Retention touchpoints whose cadence keeps within the longest allowed contact gap.";
    "stages_served", "spend sheet › stage",
        "Loyalty-ladder stages at least one touchpoint serves.";
    "stages_without_touchpoint", "spend sheet › stage",
        "Loyalty-ladder stages no touchpoint serves.";
    "clv_model", "customer list › first and last purchase, orders (or an Orders sheet)",
        "The fitted BG/NBD purchase model: its parameters, fit and the customers it was fitted to.";
    "spend_model", "customer list › revenue, orders (or an Orders sheet)",
        "The fitted Gamma-Gamma model of order values, when there are enough repeat buyers.";
    "clv_total", "customer list › first and last purchase, orders, revenue (or an Orders sheet)",
        "Expected, discounted revenue of all buyers over the next clv_months months.";
    "expected_revenue_next_period", "customer list › first and last purchase, orders, revenue (or an Orders sheet)",
        "Revenue the purchase and order-value models expect from current buyers in the next period.";
    "likely_lost", "customer list › first and last purchase, orders (or an Orders sheet)",
        "Active buyers whose chance of still being a customer is below alive_threshold (0.5).";
    "high_value_likely_lost", "customer list › first and last purchase, orders, revenue (or an Orders sheet)",
        "High-value buyers among the customers likely lost.";
    "high_clv_customers", "customer list › first and last purchase, orders, revenue (or an Orders sheet)",
        "Active buyers in the top fifth by customer lifetime value: the customers the contact plan must reach first.";
    "high_clv_overdue_contact", "customer list › last contact, and what customer lifetime value needs",
        "Of the top fifth of active buyers by lifetime value, those not contacted within the longest contact gap allowed.";
    "cohorts", "Orders sheet",
        "Customers by the month of their first purchase, and how many of each bought again in each later month.";
    "rfm", "customer list › last purchase, orders, revenue",
        "Customers and revenue per segment of recency, frequency and monetary value (the checklist's segment table).";
    "bases", "whatever each figure needs",
        "The count each rate or score is computed over (buyers, answers, lost customers with a reason), so 6 answers read differently from 600.";
}

impl MetricDef {
    /// Its client-facing label (the reports' one), e.g. "Active rate".
    pub fn label(&self) -> &'static str {
        super::metrics::labels::label(self.name).map_or(self.name, |l| l.label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_has_a_label_a_definition_and_its_data() {
        assert_eq!(METRICS.len(), METRIC_NAMES.len());
        for m in METRICS {
            assert!(!m.label().contains('_'), "{}: label in words", m.name);
            assert!(
                m.definition.ends_with('.') && m.definition.len() > 15,
                "{}",
                m.name
            );
            assert!(!m.needs.is_empty(), "{}", m.name);
        }
    }
}
