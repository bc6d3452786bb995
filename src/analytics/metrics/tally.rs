//! One-pass tallies behind [`Metrics::compute`](super::Metrics::compute),
//! kept in their own file so each concern (customer counts, satisfaction,
//! contact, spend, retention touchpoints) reads apart from the assembly.

use super::{OrderedMap, share};
use crate::analytics::{CustomerFacts, Params, Risk, ValueTier};
use crate::model::{
    Customer, CustomerField, Dataset, Day, Objective, P, SpendField, Stage, Touchpoint,
};

/// Satisfaction scores against the promoter/detractor thresholds, kept
/// together because NPS is derived from exactly these three counts.
#[derive(Debug, Default)]
pub(super) struct Satisfaction {
    /// Customers with a score.
    pub(super) known: u64,
    /// Scores ≥ promoter_min.
    pub(super) promoters: u64,
    /// Scores ≤ detractor_max.
    pub(super) detractors: u64,
}

impl Satisfaction {
    /// Counts one score, so the thresholds are applied in one place.
    pub(super) fn add(&mut self, score: f64, params: &Params) {
        self.known += 1;
        self.promoters += u64::from(score >= params.promoter_min);
        self.detractors += u64::from(score <= params.detractor_max);
    }

    /// Net promoter score −100…100, null when no score is known.
    pub(super) fn nps(&self) -> Option<f64> {
        share(self.promoters, self.known)
            .zip(share(self.detractors, self.known))
            .map(|(p, d)| 100.0 * (p - d))
    }
}

/// Everything one pass over the customer list yields; split out of
/// [`Metrics::compute`] so the per-customer counting reads on its own.
#[derive(Debug)]
pub(super) struct CustomerTally {
    /// Customers per ladder stage.
    pub(super) ladder: OrderedMap<u64>,
    /// Active buyers per ladder stage.
    pub(super) ladder_active: OrderedMap<u64>,
    /// Lost buyers per ladder stage.
    pub(super) ladder_lost: OrderedMap<u64>,
    /// Buyers per value tier.
    pub(super) tiers: OrderedMap<u64>,
    /// Buyers per risk level.
    pub(super) risk: OrderedMap<u64>,
    /// Value tier × risk.
    pub(super) value_risk: OrderedMap<OrderedMap<u64>>,
    /// Lost buyers' reasons by category (the checklist's, then `other`).
    pub(super) defection: OrderedMap<u64>,
    /// Buyers.
    pub(super) buyers: u64,
    /// Active buyers.
    pub(super) active: u64,
    /// Buyers with ≥ 2 orders.
    pub(super) repeat: u64,
    /// Σ (orders − 1) over buyers.
    pub(super) repeat_purchases: u64,
    /// Σ orders over all customers.
    pub(super) orders: u64,
    /// Active, high value, high risk buyers.
    pub(super) hvar: u64,
    /// Their revenue.
    pub(super) hvar_revenue: f64,
    /// Active buyers overdue for contact.
    pub(super) overdue: u64,
    /// Buyers with open complaints.
    pub(super) complaints: u64,
    /// Satisfaction counts (all customers).
    pub(super) satisfaction: Satisfaction,
    /// Total revenue (all customers).
    pub(super) revenue: f64,
    /// Lost buyers who gave a reason.
    pub(super) with_reason: u64,
    /// First purchase in [new_from, as_of].
    pub(super) new_customers: u64,
}

impl CustomerTally {
    /// Counts every customer once, in dataset order (float sums keep that order).
    pub(super) fn count(
        ds: &Dataset,
        facts: &[CustomerFacts],
        params: &Params,
        new_from: Day,
        as_of: Day,
        keywords: &[(String, Vec<String>)],
    ) -> CustomerTally {
        let risk_keys = || OrderedMap::with_keys(Risk::ALL.iter().map(|r| r.key()));
        let value_risk = ValueTier::ALL
            .iter()
            .map(|v| (v.key().to_string(), risk_keys()))
            .collect();
        let mut t = CustomerTally {
            ladder: OrderedMap::with_keys(Stage::ALL.iter().map(|s| s.key())),
            ladder_active: OrderedMap::with_keys(buyer_stages()),
            ladder_lost: OrderedMap::with_keys(buyer_stages()),
            tiers: OrderedMap::with_keys(ValueTier::ALL.iter().map(|v| v.key())),
            risk: risk_keys(),
            value_risk: OrderedMap(value_risk),
            defection: OrderedMap::with_keys(
                keywords.iter().map(|(k, _)| k.as_str()).chain(["other"]),
            ),
            buyers: 0,
            active: 0,
            repeat: 0,
            repeat_purchases: 0,
            orders: 0,
            hvar: 0,
            hvar_revenue: 0.0,
            overdue: 0,
            complaints: 0,
            satisfaction: Satisfaction::default(),
            revenue: 0.0,
            with_reason: 0,
            new_customers: 0,
        };
        let categories: Vec<String> = t.defection.0.iter().map(|(k, _)| k.clone()).collect();
        for (c, f) in ds.customers.iter().zip(facts) {
            t.add_customer(c, f, params, new_from, as_of);
            if f.buyer {
                t.add_buyer(c, f, &categories);
            }
        }
        t
    }

    /// Figures every customer counts toward, buyer or prospect.
    pub(super) fn add_customer(
        &mut self,
        c: &Customer,
        f: &CustomerFacts,
        params: &Params,
        new_from: Day,
        as_of: Day,
    ) {
        self.ladder.add(f.stage.key(), 1);
        self.revenue += c.revenue;
        self.orders += u64::from(c.orders);
        if let Some(s) = c.satisfaction {
            self.satisfaction.add(s, params);
        }
        if c.first_purchase
            .is_some_and(|d| d >= new_from && d <= as_of)
        {
            self.new_customers += 1;
        }
    }

    /// Figures only buyers count toward: activity, repeats, value × risk, defection.
    pub(super) fn add_buyer(&mut self, c: &Customer, f: &CustomerFacts, categories: &[String]) {
        self.buyers += 1;
        self.active += u64::from(f.active);
        if f.active {
            self.ladder_active.add(f.stage.key(), 1);
        } else {
            self.ladder_lost.add(f.stage.key(), 1);
        }
        self.repeat += u64::from(c.orders >= 2);
        self.repeat_purchases += u64::from(c.orders.saturating_sub(1));
        self.complaints += u64::from(c.open_complaints.unwrap_or(0) > 0);
        self.overdue += u64::from(f.overdue_contact);
        if let (Some(v), Some(r)) = (f.value, f.risk) {
            self.tiers.add(v.key(), 1);
            self.risk.add(r.key(), 1);
            if let Some((_, row)) = self.value_risk.0.iter_mut().find(|(k, _)| k == v.key()) {
                row.add(r.key(), 1);
            }
            if f.active && v == ValueTier::High && r == Risk::High {
                self.hvar += 1;
                self.hvar_revenue += c.revenue;
            }
        }
        if let Some(d) = f.defection {
            self.with_reason += 1;
            self.defection.add(&categories[d as usize], 1);
        }
    }

    /// Share of given reasons that are competitor or indifference.
    pub(super) fn indifference_share(&self) -> Option<f64> {
        let avoidable = self.defection.get("competitor").unwrap_or(0)
            + self.defection.get("indifference").unwrap_or(0);
        share(avoidable, self.with_reason)
    }
}

/// The ladder stages a buyer can be on (every stage but prospect).
fn buyer_stages() -> impl Iterator<Item = &'static str> {
    Stage::ALL
        .iter()
        .filter(|s| **s != Stage::Prospect)
        .map(|s| s.key())
}

/// Contact and complaint figures, null when the customer list lacks the
/// column they need (so "not measured" never reads as zero).
#[derive(Debug)]
pub(super) struct ContactFigures {
    /// Active buyers overdue for contact.
    pub(super) overdue_contact: Option<u64>,
    /// overdue_contact / active buyers.
    pub(super) overdue_contact_rate: Option<f64>,
    /// Buyers with open complaints.
    pub(super) customers_with_complaints: Option<u64>,
    /// customers_with_complaints / buyers.
    pub(super) complaint_rate: Option<f64>,
}

impl ContactFigures {
    /// Derives the figures from the tally, gated on the columns present.
    pub(super) fn of(ds: &Dataset, c: &CustomerTally) -> ContactFigures {
        let has_contact = ds.customer_fields.has(CustomerField::LastContact);
        let has_complaints = ds.customer_fields.has(CustomerField::OpenComplaints);
        ContactFigures {
            overdue_contact: has_contact.then_some(c.overdue),
            overdue_contact_rate: if has_contact {
                share(c.overdue, c.active)
            } else {
                None
            },
            customers_with_complaints: has_complaints.then_some(c.complaints),
            complaint_rate: if has_complaints {
                share(c.complaints, c.buyers)
            } else {
                None
            },
        }
    }
}

/// Spend sums over the spend sheet, split out so the money figures are
/// computed apart from the customer counts.
#[derive(Debug)]
pub(super) struct SpendTally {
    /// Total spend.
    pub(super) total: f64,
    /// Spend per P.
    pub(super) by_p: OrderedMap<f64>,
    /// Spend per stage (split evenly over a touchpoint's stages).
    pub(super) by_stage: OrderedMap<f64>,
    /// Spend per objective.
    pub(super) by_objective: OrderedMap<f64>,
    /// Stages some touchpoint serves, sorted.
    pub(super) served: Vec<Stage>,
}

impl SpendTally {
    /// Sums spend over touchpoints in sheet order (float sums keep that order).
    pub(super) fn count(ds: &Dataset) -> SpendTally {
        let mut s = SpendTally {
            total: crate::model::total(ds.touchpoints.iter().map(|t| t.spend)),
            by_p: OrderedMap::with_keys(P::ALL.iter().map(|p| p.key())),
            by_stage: OrderedMap::with_keys(Stage::ALL.iter().map(|s| s.key())),
            by_objective: OrderedMap::with_keys(Objective::ALL.iter().map(|o| o.key())),
            served: Vec::new(),
        };
        for t in &ds.touchpoints {
            s.by_p.add(t.p.key(), t.spend);
            s.by_objective.add(t.objective.key(), t.spend);
            if t.stages.is_empty() {
                s.by_stage.add("unassigned", t.spend);
            }
            for st in &t.stages {
                s.by_stage.add(st.key(), t.spend / t.stages.len() as f64);
                if !s.served.contains(st) {
                    s.served.push(*st);
                }
            }
        }
        s.served.sort();
        s
    }

    /// Spend under one objective (0 when none).
    pub(super) fn objective(&self, key: &str) -> f64 {
        self.by_objective.get(key).unwrap_or(0.0)
    }

    /// Stages served and not served, both null without a stage column.
    pub(super) fn stage_coverage(&self, ds: &Dataset) -> (Option<Vec<Stage>>, Option<Vec<Stage>>) {
        let has_stage = ds.spend_fields.has(SpendField::Stage);
        let served = has_stage.then(|| self.served.clone());
        let missing = has_stage.then(|| {
            Stage::ALL
                .iter()
                .copied()
                .filter(|s| !self.served.contains(s))
                .collect()
        });
        (served, missing)
    }
}

/// Figures over the touchpoints that keep customers (objective retention or
/// both), the ones a contact plan and personalisation are judged on.
#[derive(Debug)]
pub(super) struct Keeping {
    /// How many there are.
    pub(super) count: u64,
    /// Share personalised, of those whose personalisation is known.
    pub(super) personalized_share: Option<f64>,
    /// Those whose cadence keeps within max_contact_gap_days (null without a cadence column).
    pub(super) contact_plan: Option<u64>,
}

impl Keeping {
    /// Counts the non-acquisition touchpoints.
    pub(super) fn of(ds: &Dataset, gap: f64) -> Keeping {
        let keeping: Vec<&Touchpoint> = ds
            .touchpoints
            .iter()
            .filter(|t| t.objective != Objective::Acquisition)
            .collect();
        let pers_known: Vec<bool> = keeping.iter().filter_map(|t| t.personalized).collect();
        Keeping {
            count: keeping.len() as u64,
            personalized_share: share(
                pers_known.iter().filter(|b| **b).count() as u64,
                pers_known.len() as u64,
            ),
            contact_plan: ds.spend_fields.has(SpendField::CadenceDays).then(|| {
                keeping
                    .iter()
                    .filter(|t| t.cadence_days.is_some_and(|c| c <= gap))
                    .count() as u64
            }),
        }
    }
}

/// Share of all touchpoints with a feedback loop, of those where it is known.
pub(super) fn feedback_share(ds: &Dataset) -> Option<f64> {
    let fb_known: Vec<bool> = ds
        .touchpoints
        .iter()
        .filter_map(|t| t.feedback_loop)
        .collect();
    share(
        fb_known.iter().filter(|b| **b).count() as u64,
        fb_known.len() as u64,
    )
}
