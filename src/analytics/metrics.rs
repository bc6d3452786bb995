//! Portfolio metrics under SPEC §4's names: the figures in audit.json's
//! `metrics`, in checklist rules as `metrics.*`, and on the Summary sheet.

use serde::Serialize;
use serde::ser::SerializeMap;

pub mod labels;
mod tally;

use super::lifetime::ValueMetrics;
use super::{CustomerFacts, Params};
use crate::error::{Code, Diagnostic};
use crate::model::{CustomerField, Dataset, Day, Stage};
use tally::{ContactFigures, CustomerTally, Keeping, SpendTally, feedback_share};

/// A map that keeps its keys in a meaningful order (ladder bottom to top, the 7 Ps…).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OrderedMap<T>(pub Vec<(String, T)>);

impl<T: Copy + Default + std::ops::AddAssign> OrderedMap<T> {
    fn with_keys<'a>(keys: impl IntoIterator<Item = &'a str>) -> Self {
        OrderedMap(
            keys.into_iter()
                .map(|k| (k.to_string(), T::default()))
                .collect(),
        )
    }

    fn add(&mut self, key: &str, v: T) {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some((_, x)) => *x += v,
            None => self.0.push((key.to_string(), v)),
        }
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<T> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
    }
}

impl<T: Serialize> Serialize for OrderedMap<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// Every portfolio figure. Rates are fractions 0–1; `None` is "cannot be
/// computed from these inputs" (JSON null, n/a in rules).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    /// Rows in the customer list (plus ids created from orders).
    pub customers: u64,
    /// Customers with orders ≥ 1.
    pub buyers: u64,
    /// Customers with no orders.
    pub prospects: u64,
    /// Active buyers.
    pub active_customers: u64,
    /// Buyers who are not active.
    pub lost_customers: u64,
    /// active buyers / buyers.
    pub active_rate: Option<f64>,
    /// 1 − active_rate.
    pub churn_rate: Option<f64>,
    /// Buyers with orders ≥ 2.
    pub repeat_buyers: u64,
    /// repeat_buyers / buyers.
    pub repeat_rate: Option<f64>,
    /// Purchases after each buyer's first: Σ (orders − 1).
    pub repeat_purchases: u64,
    /// Share of the previous period's buyers who bought again this period (needs Orders).
    pub retention_rate: Option<f64>,
    /// Buyers in the previous period (the retention_rate base).
    pub retention_base: Option<u64>,
    /// First purchase within the last period_days.
    pub new_customers: Option<u64>,
    /// Customers per loyalty-ladder stage.
    pub ladder: OrderedMap<u64>,
    /// Active buyers per ladder stage: the ladder the business still has.
    pub ladder_active: OrderedMap<u64>,
    /// Lost buyers per ladder stage: who the ladder lost, and from which rung.
    pub ladder_lost: OrderedMap<u64>,
    /// Buyers per value tier.
    pub value_tiers: OrderedMap<u64>,
    /// Buyers in the high tier.
    pub high_value_customers: u64,
    /// Buyers per risk level (lost = not active).
    pub risk: OrderedMap<u64>,
    /// Value tier × risk counts.
    pub value_risk: OrderedMap<OrderedMap<u64>>,
    /// Active, high value, high risk.
    pub high_value_at_risk: u64,
    /// Their revenue.
    pub high_value_at_risk_revenue: f64,
    /// Active buyers not contacted within max_contact_gap_days (null without a last_contact column).
    pub overdue_contact: Option<u64>,
    /// overdue_contact / active_customers.
    pub overdue_contact_rate: Option<f64>,
    /// Buyers with open complaints (null without the column).
    pub customers_with_complaints: Option<u64>,
    /// customers_with_complaints / buyers.
    pub complaint_rate: Option<f64>,
    /// Customers with a satisfaction score.
    pub satisfaction_known: u64,
    /// Scores ≥ promoter_min.
    pub promoters: u64,
    /// Scores ≤ detractor_max.
    pub detractors: u64,
    /// Net promoter score, −100…100.
    pub nps: Option<f64>,
    /// Lost buyers' reasons by category.
    pub defection_reasons: OrderedMap<u64>,
    /// Lost buyers who gave a reason.
    pub lost_with_reason: u64,
    /// Share of given reasons that are competitor or indifference — the two the seed
    /// articles call the majority and largely within the business's control
    /// (named after the larger of the two).
    pub indifference_share: Option<f64>,
    /// Total revenue.
    pub revenue_total: f64,
    /// revenue_total / orders.
    pub average_order_value: Option<f64>,
    /// Total marketing spend.
    pub spend_total: f64,
    /// Spend per P.
    pub spend_by_p: OrderedMap<f64>,
    /// Spend per ladder stage (a touchpoint's spend split evenly over its stages).
    pub spend_by_stage: OrderedMap<f64>,
    /// Spend per objective.
    pub spend_by_objective: OrderedMap<f64>,
    /// Spend with objective retention.
    pub retention_spend: f64,
    /// Spend with objective acquisition.
    pub acquisition_spend: f64,
    /// retention_spend / spend_total.
    pub retention_spend_share: Option<f64>,
    /// acquisition_spend / new_customers.
    pub acquisition_cost_per_new_customer: Option<f64>,
    /// retention_spend / active_customers.
    pub retention_spend_per_active_customer: Option<f64>,
    /// Touchpoints in the spend sheet.
    pub touchpoints: u64,
    /// Touchpoints with objective retention or both.
    pub retention_touchpoints: u64,
    /// Share of retention/both touchpoints that are personalised.
    pub personalized_share: Option<f64>,
    /// Share of touchpoints with a feedback loop.
    pub feedback_share: Option<f64>,
    /// Retention/both touchpoints whose cadence keeps within max_contact_gap_days.
    pub contact_plan_touchpoints: Option<u64>,
    /// Ladder stages at least one touchpoint serves (null without a stage column).
    pub stages_served: Option<Vec<Stage>>,
    /// Ladder stages no touchpoint serves.
    pub stages_without_touchpoint: Option<Vec<Stage>>,
    /// Customer value (SPEC §4.2), filled by the value step after the rest.
    #[serde(flatten)]
    pub value: ValueMetrics,
    /// The count each customer-based rate or score is computed over (SPEC
    /// §4.1), so a reader can tell 6 answers from 600.
    pub bases: OrderedMap<u64>,
}

pub use super::glossary::METRIC_NAMES;

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b != 0.0).then(|| a / b)
}

fn share(count: u64, of: u64) -> Option<f64> {
    ratio(count as f64, of as f64)
}

impl Metrics {
    /// Computes every metric.
    pub fn compute(
        ds: &Dataset,
        facts: &[CustomerFacts],
        params: &Params,
        as_of: Day,
        keywords: &[(String, Vec<String>)],
        warnings: &mut Vec<Diagnostic>,
    ) -> Metrics {
        let period = super::params::days(params.period_days);
        let c = CustomerTally::count(ds, facts, params, as_of.plus(-period), as_of, keywords);
        let has_first = ds.customer_fields.has(CustomerField::FirstPurchase) || ds.orders.is_some();
        let (retention_rate, retention_base) = retention(ds, as_of, period, warnings);
        let s = SpendTally::count(ds);
        let k = Keeping::of(ds, params.max_contact_gap_days);
        let contact = ContactFigures::of(ds, &c);
        let indifference_share = c.indifference_share();
        let new_customers = has_first.then_some(c.new_customers);
        let (retention_spend, acquisition_spend) =
            (s.objective("retention"), s.objective("acquisition"));
        let (stages_served, stages_without_touchpoint) = s.stage_coverage(ds);
        Metrics {
            customers: ds.customers.len() as u64,
            buyers: c.buyers,
            prospects: ds.customers.len() as u64 - c.buyers,
            active_customers: c.active,
            lost_customers: c.buyers - c.active,
            active_rate: share(c.active, c.buyers),
            churn_rate: share(c.active, c.buyers).map(|a| 1.0 - a),
            repeat_buyers: c.repeat,
            repeat_rate: share(c.repeat, c.buyers),
            repeat_purchases: c.repeat_purchases,
            retention_rate,
            retention_base,
            new_customers,
            ladder: c.ladder,
            ladder_active: c.ladder_active,
            ladder_lost: c.ladder_lost,
            high_value_customers: c.tiers.get("high").unwrap_or(0),
            value_tiers: c.tiers,
            risk: c.risk,
            value_risk: c.value_risk,
            high_value_at_risk: c.hvar,
            high_value_at_risk_revenue: c.hvar_revenue,
            overdue_contact: contact.overdue_contact,
            overdue_contact_rate: contact.overdue_contact_rate,
            customers_with_complaints: contact.customers_with_complaints,
            complaint_rate: contact.complaint_rate,
            satisfaction_known: c.satisfaction.known,
            promoters: c.satisfaction.promoters,
            detractors: c.satisfaction.detractors,
            nps: c.satisfaction.nps(),
            indifference_share,
            defection_reasons: c.defection,
            lost_with_reason: c.with_reason,
            revenue_total: c.revenue,
            average_order_value: ratio(c.revenue, c.orders as f64),
            spend_total: s.total,
            retention_spend_share: ratio(retention_spend, s.total),
            spend_by_p: s.by_p,
            spend_by_stage: s.by_stage,
            spend_by_objective: s.by_objective,
            retention_spend,
            acquisition_spend,
            acquisition_cost_per_new_customer: new_customers
                .and_then(|n| ratio(acquisition_spend, n as f64)),
            retention_spend_per_active_customer: ratio(retention_spend, c.active as f64),
            touchpoints: ds.touchpoints.len() as u64,
            retention_touchpoints: k.count,
            personalized_share: k.personalized_share,
            feedback_share: feedback_share(ds),
            contact_plan_touchpoints: k.contact_plan,
            stages_served,
            stages_without_touchpoint,
            value: ValueMetrics::default(),
            bases: OrderedMap::default(),
        }
        .with_bases()
    }

    /// Fills [`Metrics::bases`] from the counts already computed. Rates and
    /// scores that describe customer behaviour get one; money per head
    /// (acquisition cost, retention spend per customer) is an exact ratio of
    /// two totals, and figures over the spend sheet are a census of the
    /// client's own plan, so neither is a sample.
    fn with_bases(mut self) -> Metrics {
        let mut b = Vec::new();
        for name in ["active_rate", "churn_rate", "repeat_rate"] {
            b.push((name, self.buyers));
        }
        if self.complaint_rate.is_some() {
            b.push(("complaint_rate", self.buyers));
        }
        if let Some(n) = self.retention_base {
            b.push(("retention_rate", n));
        }
        if self.overdue_contact.is_some() {
            b.push(("overdue_contact_rate", self.active_customers));
        }
        b.push(("nps", self.satisfaction_known));
        b.push(("defection_reasons", self.lost_with_reason));
        b.push(("indifference_share", self.lost_with_reason));
        b.push(("high_value_at_risk", self.high_value_customers));
        self.bases = OrderedMap(b.into_iter().map(|(k, n)| (k.to_string(), n)).collect());
        self
    }

    /// Adds the bases of the customer-value figures, known only after the value step.
    pub(super) fn add_value_bases(&mut self) {
        if let Some(model) = &self.value.clv_model {
            let fitted = model.customers;
            for name in ["clv_model", "clv_total", "expected_revenue_next_period"] {
                self.bases.0.push((name.to_string(), fitted));
            }
        }
        if self.value.likely_lost.is_some() {
            self.bases
                .0
                .push(("likely_lost".into(), self.active_customers));
            self.bases
                .0
                .push(("high_value_likely_lost".into(), self.high_value_customers));
        }
        if let (Some(_), Some(n)) = (
            self.value.high_clv_overdue_contact,
            self.value.high_clv_customers,
        ) {
            self.bases.0.push(("high_clv_overdue_contact".into(), n));
        }
    }

    /// The count `name` is computed over, when it has one.
    pub fn base(&self, name: &str) -> Option<u64> {
        self.bases.get(name)
    }
}

/// Of buyers with an order in [as_of − 2W, as_of − W), the share with one in [as_of − W, as_of].
fn retention(
    ds: &Dataset,
    as_of: Day,
    period: i32,
    warnings: &mut Vec<Diagnostic>,
) -> (Option<f64>, Option<u64>) {
    let Some(orders) = &ds.orders else {
        warnings.push(Diagnostic::new(
            Code::RetentionNeedsOrders,
            "the retention rate needs an Orders sheet (one row per order); it is left empty",
        ));
        return (None, None);
    };
    let prev_from = as_of.plus(-2 * period);
    let cur_from = as_of.plus(-period);
    let mut in_prev = vec![false; ds.customers.len()];
    let mut in_cur = vec![false; ds.customers.len()];
    for o in orders {
        let k = o.customer as usize;
        if o.day >= prev_from && o.day < cur_from {
            in_prev[k] = true;
        } else if o.day >= cur_from && o.day <= as_of {
            in_cur[k] = true;
        }
    }
    let base = in_prev.iter().filter(|b| **b).count() as u64;
    let kept = in_prev
        .iter()
        .zip(&in_cur)
        .filter(|(p, c)| **p && **c)
        .count() as u64;
    if base == 0 {
        warnings.push(Diagnostic::new(
            Code::RetentionNoBase,
            "the retention rate is left empty: no customer ordered in the previous period, so there is nothing to retain",
        ));
        return (None, Some(0));
    }
    (share(kept, base), Some(base))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names checklist rules may read are exactly the keys audit.json's
    /// `metrics` has, so a rule can neither miss a metric nor name one that
    /// does not exist.
    #[test]
    fn metric_names_are_the_metrics_keys() {
        let ds = Dataset::default();
        let metrics = Metrics::compute(
            &ds,
            &[],
            &Params::default(),
            Day::from_ymd(2026, 6, 30).unwrap(),
            &[],
            &mut Vec::new(),
        );
        let v = serde_json::to_value(&metrics).unwrap();
        let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        let mut names = METRIC_NAMES.to_vec();
        keys.sort_unstable();
        names.sort_unstable();
        assert_eq!(keys, names);
    }
}
