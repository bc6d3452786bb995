//! Data gaps (SPEC §5 revision 2): for each column the inputs lack, the
//! checks it left unjudged and what to ask the client for — the consultant's
//! shopping list for the next round.

use serde::Serialize;

use super::{ItemResult, Status, TouchpointResult};
use crate::model::{CustomerField, Dataset, SpendField};

/// One kind of missing data, in the words a client understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    /// Stable key (the canonical column, or `orders` / `reach`).
    pub key: &'static str,
    /// Which input it belongs in: `customers`, `spend` or `orders`.
    pub file: &'static str,
    /// What it is, for notes ("the customers' last contact dates").
    pub what: &'static str,
    /// What to ask the client for.
    pub ask: &'static str,
}

const fn need(
    key: &'static str,
    file: &'static str,
    what: &'static str,
    ask: &'static str,
) -> Need {
    Need {
        key,
        file,
        what,
        ask,
    }
}

/// Every gap the checks can run into.
pub const NEEDS: &[Need] = &[
    need(
        "orders",
        "orders",
        "an Orders sheet (one row per order)",
        "An export of orders with customer id, order date and amount, one row per order, covering at least the last two periods.",
    ),
    need(
        "first_purchase",
        "customers",
        "each customer's first purchase date",
        "The date of each customer's first purchase (or the order history).",
    ),
    need(
        "last_contact",
        "customers",
        "each customer's last contact date",
        "The date each customer was last contacted personally (call, visit or personal e-mail), from the CRM.",
    ),
    need(
        "open_complaints",
        "customers",
        "open complaints per customer",
        "The number of open complaints per customer, from customer service.",
    ),
    need(
        "satisfaction",
        "customers",
        "satisfaction scores",
        "Satisfaction or recommendation scores (0–10) per customer, from the latest survey.",
    ),
    need(
        "churn_reason",
        "customers",
        "the reasons lost customers gave",
        "The reason each lost customer gave for leaving (exit survey or sales notes).",
    ),
    need(
        "stage",
        "spend",
        "the ladder stages each activity serves",
        "For each marketing activity, which loyalty-ladder stages it is aimed at (prospect, customer, client, supporter, advocate).",
    ),
    need(
        "cadence_days",
        "spend",
        "how often each activity reaches a customer",
        "For each retention activity, how often it reaches a customer, in days.",
    ),
    need(
        "personalized",
        "spend",
        "whether each activity is personalised",
        "For each activity, whether it is personalised (by name, history or stage).",
    ),
    need(
        "feedback_loop",
        "spend",
        "whether each activity collects feedback",
        "For each activity, whether it collects responses or feedback that someone acts on.",
    ),
    need(
        "reach",
        "spend",
        "how many customers each activity reached and how many responded",
        "For each campaign, how many customers it reached and how many responded.",
    ),
    need(
        "reached",
        "customers",
        "which customers each activity reached",
        "Which customers each activity reached: an export of interactions (customer id, activity), or a column listing the activities per customer.",
    ),
    need(
        "channel",
        "spend",
        "each activity's channel",
        "The channel of each activity (e-mail, event, store, phone…).",
    ),
    need(
        "owner",
        "spend",
        "who runs each activity",
        "Who runs each activity (marketing, sales, account management, service).",
    ),
];

/// The need behind a rule input the inputs cannot provide, when it is a
/// column or sheet the client could send (not a figure that is merely empty).
pub(super) fn need_for(ds: &Dataset, root: &str, field: &str) -> Option<&'static Need> {
    let key = match root {
        "touchpoint" => match field {
            "stages" if !ds.spend_fields.has(SpendField::Stage) => "stage",
            "cadence_days" if !ds.spend_fields.has(SpendField::CadenceDays) => "cadence_days",
            "personalized" if !ds.spend_fields.has(SpendField::Personalized) => "personalized",
            "feedback_loop" if !ds.spend_fields.has(SpendField::FeedbackLoop) => "feedback_loop",
            "channel" if !ds.spend_fields.has(SpendField::Channel) => "channel",
            "owner" if !ds.spend_fields.has(SpendField::Owner) => "owner",
            "reach" | "responses" | "response_rate"
                if !ds.spend_fields.has(SpendField::Reach)
                    || !ds.spend_fields.has(SpendField::Responses) =>
            {
                "reach"
            }
            "reached"
            | "reached_share"
            | "active_rate_reached"
            | "active_rate_not_reached"
            | "lift"
            | "revenue_reached"
            | "spend_per_reached"
            | "revenue_per_reached"
                if !ds.reach_known =>
            {
                "reached"
            }
            _ => return None,
        },
        "metrics" => {
            let customers = |f: CustomerField| !ds.customer_fields.has(f);
            let spend = |f: SpendField| !ds.spend_fields.has(f);
            match field {
                "retention_rate" | "retention_base" | "cohorts" if ds.orders.is_none() => "orders",
                "new_customers" | "acquisition_cost_per_new_customer"
                    if ds.orders.is_none() && customers(CustomerField::FirstPurchase) =>
                {
                    "first_purchase"
                }
                "overdue_contact" | "overdue_contact_rate"
                    if customers(CustomerField::LastContact) =>
                {
                    "last_contact"
                }
                "customers_with_complaints" | "complaint_rate"
                    if customers(CustomerField::OpenComplaints) =>
                {
                    "open_complaints"
                }
                "nps" if customers(CustomerField::Satisfaction) => "satisfaction",
                "indifference_share" | "defection_reasons" | "lost_with_reason"
                    if customers(CustomerField::ChurnReason) =>
                {
                    "churn_reason"
                }
                "stages_served" | "stages_without_touchpoint" if spend(SpendField::Stage) => {
                    "stage"
                }
                "contact_plan_touchpoints" if spend(SpendField::CadenceDays) => "cadence_days",
                "personalized_share" if spend(SpendField::Personalized) => "personalized",
                "feedback_share" if spend(SpendField::FeedbackLoop) => "feedback_loop",
                _ => return None,
            }
        }
        _ => return None,
    };
    NEEDS.iter().find(|n| n.key == key)
}

/// One column the inputs lack, and what it costs the audit.
#[derive(Debug, Clone, Serialize)]
pub struct DataGap {
    /// The missing column (canonical name) or sheet (`orders`, `reach`).
    pub column: &'static str,
    /// The input file it belongs in, as the user named it.
    pub file: String,
    /// What it is, in words.
    pub what: &'static str,
    /// Checklist items left n/a for want of it (each once).
    pub checks: Vec<String>,
    /// What to ask the client for.
    pub ask: &'static str,
}

/// The data gaps of a scored audit, in [`NEEDS`] order.
pub(super) fn data_gaps(
    ds: &Dataset,
    touchpoints: &[TouchpointResult],
    portfolio: &[ItemResult],
) -> Vec<DataGap> {
    let file_of = |role: &str| -> String {
        let k = match role {
            "spend" => 1,
            _ => 0,
        };
        ds.inputs
            .get(k)
            .map(|i| crate::error::display_name(std::path::Path::new(&i.path)))
            .unwrap_or_else(|| format!("the {role} file"))
    };
    let results: Vec<&ItemResult> = touchpoints
        .iter()
        .flat_map(|t| t.results.iter())
        .chain(portfolio.iter())
        .filter(|r| r.status == Status::NotApplicable)
        .collect();
    NEEDS
        .iter()
        .filter_map(|n| {
            let mut checks: Vec<String> = results
                .iter()
                .filter(|r| r.gap == Some(n.key))
                .map(|r| r.item.clone())
                .collect();
            checks.sort();
            checks.dedup();
            (!checks.is_empty()).then(|| DataGap {
                column: n.key,
                file: file_of(n.file),
                what: n.what,
                checks,
                ask: n.ask,
            })
        })
        .collect()
}
