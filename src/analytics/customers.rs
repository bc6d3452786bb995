//! Per-customer facts: active, ladder stage, value tier, risk, contact.

use rayon::prelude::*;
use serde::Serialize;

use super::Params;
use super::params::days;
use super::value::RfmScores;
use crate::model::{Customer, Dataset, Day, Stage, StatusOverride};

/// Share of revenue a customer belongs to (SPEC §4 value tier).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum ValueTier {
    /// The customers making up the first `value_high_share` of revenue.
    High,
    /// Up to `value_medium_share`.
    Medium,
    /// The rest.
    Low,
}

impl ValueTier {
    /// All three, high first.
    pub const ALL: [ValueTier; 3] = [ValueTier::High, ValueTier::Medium, ValueTier::Low];

    /// Canonical key.
    pub fn key(self) -> &'static str {
        match self {
            ValueTier::High => "high",
            ValueTier::Medium => "medium",
            ValueTier::Low => "low",
        }
    }
}

/// Risk of an active buyer leaving; lost buyers are `Lost`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    /// No warning sign.
    Low,
    /// One warning sign.
    Medium,
    /// Two or more.
    High,
    /// Already gone.
    Lost,
}

impl Risk {
    /// All four.
    pub const ALL: [Risk; 4] = [Risk::Low, Risk::Medium, Risk::High, Risk::Lost];

    /// Canonical key.
    pub fn key(self) -> &'static str {
        match self {
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
            Risk::Lost => "lost",
        }
    }
}

/// The warning signs of SPEC §4's risk, in bit order of
/// [`CustomerFacts::risk_signs`], named for a reader.
pub const RISK_SIGNS: [&str; 4] = [
    "no recent purchase",
    "open complaint",
    "overdue for contact",
    "low satisfaction",
];

impl CustomerFacts {
    /// The warning signs this customer shows, named ("no recent purchase; open complaint").
    pub fn warning_signs(&self) -> String {
        RISK_SIGNS
            .iter()
            .enumerate()
            .filter(|(k, _)| self.risk_signs & (1 << k) != 0)
            .map(|(_, n)| *n)
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// A model estimate for one customer, or none (the purchase model could not
/// be fitted, or gave no finite figure): a NaN marks none, so it costs 8
/// bytes where `Option<f64>` costs 16 — 24 MB at a million customers.
#[derive(Debug, Clone, Copy)]
pub struct Estimate(f64);

impl Estimate {
    /// No estimate.
    pub const NONE: Estimate = Estimate(f64::NAN);

    /// An estimate of `v`; none when `v` is not finite.
    pub fn of(v: f64) -> Estimate {
        if v.is_finite() {
            Estimate(v)
        } else {
            Self::NONE
        }
    }

    /// The estimate, if there is one.
    pub fn get(self) -> Option<f64> {
        (!self.0.is_nan()).then_some(self.0)
    }

    /// Whether there is an estimate.
    pub fn is_some(self) -> bool {
        !self.0.is_nan()
    }
}

impl PartialEq for Estimate {
    fn eq(&self, other: &Estimate) -> bool {
        self.get() == other.get()
    }
}

/// What the analytics know about one customer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CustomerFacts {
    /// Has bought at least once.
    pub buyer: bool,
    /// An active buyer.
    pub active: bool,
    /// Loyalty-ladder stage.
    pub stage: Stage,
    /// Value tier (buyers only).
    pub value: Option<ValueTier>,
    /// Risk (buyers only).
    pub risk: Option<Risk>,
    /// Warning signs counted (active buyers only).
    pub risk_points: Option<u8>,
    /// Which warning signs: bits in [`RISK_SIGNS`] order.
    pub risk_signs: u8,
    /// Active buyer not contacted within max_contact_gap_days.
    pub overdue_contact: bool,
    /// Index into the checklist's defection categories (len = other), lost buyers with a reason.
    pub defection: Option<u8>,
    /// Probability the buyer is still a customer (purchase model; `None` when it could not be fitted).
    pub p_alive: Estimate,
    /// Expected purchases over the next `clv_months` months.
    pub expected_purchases: Estimate,
    /// Discounted customer lifetime value over `clv_months` months.
    pub clv: Estimate,
    /// RFM quintile scores (buyers with a last purchase date).
    pub rfm: Option<RfmScores>,
    /// Index into the checklist's RFM segment table ([`RfmSegments::name`](super::value::RfmSegments::name)).
    pub rfm_segment: Option<u8>,
}

/// Defection categories and default keywords (used when the checklist has none).
pub const DEFAULT_DEFECTION: &[(&str, &[&str])] = &[
    (
        "price",
        &[
            "price",
            "pricing",
            "expensive",
            "cheap",
            "cost",
            "discount",
            "pris",
            "dyr",
            "billig",
            "preis",
            "teuer",
            "günstig",
        ],
    ),
    (
        "complaint",
        &[
            "complaint",
            "service",
            "problem",
            "delivery",
            "quality",
            "broken",
            "klage",
            "levering",
            "kvalitet",
            "beschwerde",
            "lieferung",
            "qualität",
        ],
    ),
    (
        "competitor",
        &[
            "competitor",
            "switched",
            "better deal",
            "other supplier",
            "konkurrent",
            "skiftet",
            "wettbewerb",
            "gewechselt",
            "anbieter",
        ],
    ),
    (
        "indifference",
        &[
            "ignored",
            "followed up",
            "follow up",
            "didn't care",
            "did not care",
            "no contact",
            "forgot",
            "ignoreret",
            "opfølgning",
            "ignoriert",
            "kein kontakt",
        ],
    ),
];

/// Maps a churn reason to a defection category (index into `keywords`; `keywords.len()` = other).
pub fn classify_defection(reason: &str, keywords: &[(String, Vec<String>)]) -> u8 {
    let r = reason.to_lowercase();
    keywords
        .iter()
        .position(|(_, words)| {
            words
                .iter()
                .any(|w| !w.is_empty() && r.contains(w.as_str()))
        })
        .unwrap_or(keywords.len()) as u8
}

fn stage_of(c: &Customer, promoter_min: f64) -> Stage {
    if c.orders >= 1 && c.referrals.unwrap_or(0) >= 1 {
        Stage::Advocate
    } else if c.orders >= 2 && c.satisfaction.is_some_and(|s| s >= promoter_min) {
        Stage::Supporter
    } else if c.orders >= 2 {
        Stage::Client
    } else if c.orders == 1 {
        Stage::Customer
    } else {
        Stage::Prospect
    }
}

/// Days from `day` to `as_of` ("days since purchase", "days since
/// contact"), never negative: a date after as_of is warned about
/// (`dates::check`). Computed where shown rather than kept per customer.
pub fn days_since(as_of: Day, day: Option<Day>) -> Option<i32> {
    day.map(|d| as_of.since(d).max(0))
}

/// Computes every customer's facts.
pub fn customer_facts(
    ds: &Dataset,
    params: &Params,
    as_of: Day,
    keywords: &[(String, Vec<String>)],
) -> Vec<CustomerFacts> {
    let active_days = days(params.active_days);
    let gap = days(params.max_contact_gap_days);
    let recency_limit = days(params.risk_recency_days);
    let promoter_min = params.promoter_min;
    let detractor_max = params.detractor_max;
    let active_from = as_of.plus(-active_days);
    let mut facts: Vec<CustomerFacts> = ds
        .customers
        .par_iter()
        .map(|c| {
            let buyer = c.orders >= 1;
            let active = buyer
                && match c.status {
                    Some(StatusOverride::Active) => true,
                    Some(StatusOverride::Churned) => false,
                    None => c.last_purchase.is_some_and(|d| d >= active_from),
                };
            let days_since_purchase = days_since(as_of, c.last_purchase);
            let days_since_contact = days_since(as_of, c.last_contact);
            let contact_late = days_since_contact.is_some_and(|d| d > gap);
            let signs = if active {
                u8::from(days_since_purchase.is_some_and(|d| d > recency_limit))
                    | u8::from(c.open_complaints.unwrap_or(0) > 0) << 1
                    | u8::from(contact_late) << 2
                    | u8::from(c.satisfaction.is_some_and(|s| s <= detractor_max)) << 3
            } else {
                0
            };
            let (risk, risk_points) = if active {
                let points = signs.count_ones() as u8;
                let r = match points {
                    0 => Risk::Low,
                    1 => Risk::Medium,
                    _ => Risk::High,
                };
                (Some(r), Some(points))
            } else if buyer {
                (Some(Risk::Lost), None)
            } else {
                (None, None)
            };
            let defection = (buyer && !active)
                .then_some(ds.labels.get(c.churn_reason))
                .flatten()
                .filter(|r| !r.trim().is_empty())
                .map(|r| classify_defection(r, keywords));
            CustomerFacts {
                buyer,
                active,
                stage: stage_of(c, promoter_min),
                value: None,
                risk,
                risk_points,
                risk_signs: signs,
                overdue_contact: active && (c.last_contact.is_none() || contact_late),
                defection,
                p_alive: Estimate::NONE,
                expected_purchases: Estimate::NONE,
                clv: Estimate::NONE,
                rfm: None,
                rfm_segment: None,
            }
        })
        .collect();
    assign_value_tiers(
        &ds.customers,
        &mut facts,
        params.value_high_share,
        params.value_medium_share,
    );
    facts
}

/// Buyers by revenue descending (ties by id): high while the revenue share
/// before the customer is below `high`, medium while below `medium`, else low.
fn assign_value_tiers(customers: &[Customer], facts: &mut [CustomerFacts], high: f64, medium: f64) {
    // (revenue, index) side by side: the sort reads the ids only on ties.
    let mut buyers: Vec<(f64, u32)> = (0..customers.len() as u32)
        .filter(|i| facts[*i as usize].buyer)
        .map(|i| (customers[i as usize].revenue, i))
        .collect();
    buyers.par_sort_unstable_by(|(ra, a), (rb, b)| {
        rb.total_cmp(ra)
            .then_with(|| customers[*a as usize].id.cmp(&customers[*b as usize].id))
    });
    let total: f64 = crate::model::total(buyers.iter().map(|(r, _)| *r));
    let mut before = 0.0;
    for (_, i) in buyers {
        let share = if total > 0.0 { before / total } else { 1.0 };
        facts[i as usize].value = Some(if share < high {
            ValueTier::High
        } else if share < medium {
            ValueTier::Medium
        } else {
            ValueTier::Low
        });
        before += customers[i as usize].revenue;
    }
}
