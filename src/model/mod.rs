//! The typed audit data: what the input stage produces and every later stage reads.
//!
//! Dates are whole days counted like Excel's serial numbers ([`Day`]), so date
//! arithmetic is integer subtraction and writing a date cell needs no conversion.

mod currency;
mod fields;
pub mod format;
mod labels;
pub mod limits;

pub use currency::{ColumnCurrency, CurrencyVerdict};
pub use fields::{CustomerField, FieldId, FieldSet, InteractionField, OrderField, SpendField};
pub use labels::{Label, Labels};

use std::fmt;

use chrono::{Datelike, NaiveDate};
use compact_str::CompactString;

/// Touchpoints that reached a customer (indices); up to eight live inline, so
/// a million customers do not mean a million small allocations.
pub type TouchList = smallvec::SmallVec<[u16; 8]>;
use serde::Serialize;

/// Sum of amounts: +0.0 for nothing (std's float sum of an empty iterator is
/// −0.0, which would show as "-0.0" in JSON and reports).
pub fn total(values: impl IntoIterator<Item = f64>) -> f64 {
    values.into_iter().fold(0.0, |a, b| a + b)
}

/// A calendar day as Excel's serial number (days since 1899-12-30).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i32);

impl Day {
    fn epoch() -> NaiveDate {
        NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid epoch")
    }

    /// The day of a calendar date.
    pub fn from_date(d: NaiveDate) -> Day {
        Day((d - Self::epoch()).num_days() as i32)
    }

    /// The day of year, month and day, if such a date exists.
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Option<Day> {
        NaiveDate::from_ymd_opt(y, m, d).map(Day::from_date)
    }

    /// The calendar date of this day.
    pub fn date(self) -> NaiveDate {
        Self::epoch() + chrono::Days::new(self.0.max(0) as u64)
    }

    /// Excel's serial number, for writing date cells.
    pub fn serial(self) -> f64 {
        f64::from(self.0)
    }

    /// Days from `earlier` to `self`.
    pub fn since(self, earlier: Day) -> i32 {
        self.0 - earlier.0
    }

    /// This day shifted by `days` (negative goes back).
    pub fn plus(self, days: i32) -> Day {
        Day(self.0 + days)
    }

    /// ISO 8601 text, the form used in JSON and Markdown.
    pub fn iso(self) -> String {
        let d = self.date();
        format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

impl Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

/// The seven Ps of the services marketing mix, in the order reports list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum P {
    /// What is sold and the value around it.
    Product,
    /// What customers pay, discounts and rewards.
    Price,
    /// Where and how customers buy.
    Place,
    /// How the business talks to customers.
    Promotion,
    /// Staff who serve customers.
    People,
    /// How service is delivered: complaints, follow-up, feedback.
    Process,
    /// What customers see and hold: packaging, premises, documents.
    PhysicalEvidence,
}

impl P {
    /// All seven, in report order.
    pub const ALL: [P; 7] = [
        P::Product,
        P::Price,
        P::Place,
        P::Promotion,
        P::People,
        P::Process,
        P::PhysicalEvidence,
    ];

    /// The canonical snake_case key used in YAML and JSON.
    pub fn key(self) -> &'static str {
        match self {
            P::Product => "product",
            P::Price => "price",
            P::Place => "place",
            P::Promotion => "promotion",
            P::People => "people",
            P::Process => "process",
            P::PhysicalEvidence => "physical_evidence",
        }
    }

    /// The name people read in reports.
    pub fn title(self) -> &'static str {
        match self {
            P::Product => "Product",
            P::Price => "Price",
            P::Place => "Place",
            P::Promotion => "Promotion",
            P::People => "People",
            P::Process => "Process",
            P::PhysicalEvidence => "Physical evidence",
        }
    }

    /// Parses a P name as users write it ("Physical proof", "physical-evidence", "Produkt"…).
    pub fn parse(text: &str) -> Option<P> {
        let key: String = text
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        Some(match key.as_str() {
            "product" | "products" | "produkt" | "produkter" => P::Product,
            "price" | "pricing" | "pris" | "priser" | "preis" => P::Price,
            "place" | "distribution" | "sted" | "ort" | "placering" => P::Place,
            "promotion" | "promotions" | "kommunikation" | "promovering" => P::Promotion,
            "people" | "personnel" | "staff" | "mennesker" | "personale" | "menschen"
            | "personal" => P::People,
            "process" | "processes" | "proces" | "processer" | "prozess" | "prozesse" => P::Process,
            "physicalevidence"
            | "physicalproof"
            | "physical"
            | "evidence"
            | "fysiskebeviser"
            | "fysiskbevis"
            | "physischeausstattung" => P::PhysicalEvidence,
            _ => return None,
        })
    }
}

impl fmt::Display for P {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Whether a touchpoint wins new customers, keeps existing ones, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// New-customer work.
    Acquisition,
    /// Existing-customer work.
    Retention,
    /// Both (the default when the column is empty).
    Both,
}

impl Objective {
    /// All three, in report order.
    pub const ALL: [Objective; 3] = [
        Objective::Acquisition,
        Objective::Retention,
        Objective::Both,
    ];

    /// Canonical key.
    pub fn key(self) -> &'static str {
        match self {
            Objective::Acquisition => "acquisition",
            Objective::Retention => "retention",
            Objective::Both => "both",
        }
    }

    /// Parses the objective as users write it.
    pub fn parse(text: &str) -> Option<Objective> {
        let t = text.trim().to_lowercase();
        Some(match t.as_str() {
            "acquisition" | "acquire" | "new" | "new customers" | "akkvisition" | "nye kunder"
            | "neukunden" | "akquise" | "kundengewinnung" => Objective::Acquisition,
            "retention"
            | "retain"
            | "existing"
            | "existing customers"
            | "loyalty"
            | "fastholdelse"
            | "eksisterende kunder"
            | "kundenbindung"
            | "bestandskunden" => Objective::Retention,
            "both"
            | "mixed"
            | "all"
            | "begge"
            | "beide"
            | "acquisition/retention"
            | "acquisition & retention"
            | "acquisition and retention" => Objective::Both,
            _ => return None,
        })
    }
}

/// A rung of the loyalty ladder (prospect → advocate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Aware of the brand, has not bought.
    Prospect,
    /// Bought once.
    Customer,
    /// Bought again.
    Client,
    /// Recommends passively.
    Supporter,
    /// Actively recommends and refers.
    Advocate,
}

impl Stage {
    /// The ladder from bottom to top.
    pub const ALL: [Stage; 5] = [
        Stage::Prospect,
        Stage::Customer,
        Stage::Client,
        Stage::Supporter,
        Stage::Advocate,
    ];

    /// Canonical key.
    pub fn key(self) -> &'static str {
        match self {
            Stage::Prospect => "prospect",
            Stage::Customer => "customer",
            Stage::Client => "client",
            Stage::Supporter => "supporter",
            Stage::Advocate => "advocate",
        }
    }

    /// Parses one stage name (English, Danish, German).
    pub fn parse(text: &str) -> Option<Stage> {
        let t = text.trim().to_lowercase();
        Some(match t.as_str() {
            "prospect" | "prospects" | "lead" | "leads" | "emne" | "interessent" => Stage::Prospect,
            "customer" | "customers" | "kunde" | "kunder" | "first-time" | "new customer" => {
                Stage::Customer
            }
            "client" | "clients" | "repeat" | "repeat customer" | "stamkunde" | "klient"
            | "stammkunde" => Stage::Client,
            "supporter" | "supporters" | "tilhænger" | "unterstützer" | "fan" => Stage::Supporter,
            "advocate" | "advocates" | "ambassador" | "ambassadør" | "fortaler" | "botschafter" => {
                Stage::Advocate
            }
            _ => return None,
        })
    }
}

/// A `status` column value that overrides the derived active flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusOverride {
    /// The business says the customer is active.
    Active,
    /// The business says the customer is gone (churned, lost, inactive, closed).
    Churned,
}

impl StatusOverride {
    /// Parses a status value; unknown values override nothing.
    pub fn parse(text: &str) -> Option<StatusOverride> {
        let t = text.trim().to_lowercase();
        match t.as_str() {
            "active" | "aktiv" | "current" | "live" => Some(StatusOverride::Active),
            "churned" | "lost" | "inactive" | "closed" | "cancelled" | "canceled" | "tabt"
            | "ophørt" | "inaktiv" | "lukket" | "verloren" | "gekündigt" | "geschlossen" => {
                Some(StatusOverride::Churned)
            }
            _ => None,
        }
    }
}

/// A cell value of a column mixaudit has no meaning for; kept and shown as is.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Extra {
    /// A number.
    Number(f64),
    /// Text.
    Text(Box<str>),
    /// A boolean.
    Bool(bool),
    /// A date.
    Date(Day),
    /// Nothing.
    Empty,
}

/// One customer as the business knows them.
#[derive(Debug, Clone, PartialEq)]
pub struct Customer {
    /// Unique id.
    pub id: CompactString,
    /// Display name.
    pub name: Option<CompactString>,
    /// Grouping (region, B2B/B2C…), in [`Dataset::labels`].
    pub segment: Option<Label>,
    /// First purchase.
    pub first_purchase: Option<Day>,
    /// Last purchase.
    pub last_purchase: Option<Day>,
    /// Number of purchases.
    pub orders: u32,
    /// Total revenue.
    pub revenue: f64,
    /// Last outbound contact by the business.
    pub last_contact: Option<Day>,
    /// Unresolved complaints.
    pub open_complaints: Option<u32>,
    /// Likelihood to recommend, 0–10.
    pub satisfaction: Option<f64>,
    /// Customers this customer referred.
    pub referrals: Option<u32>,
    /// A status that overrides the derived active flag.
    pub status: Option<StatusOverride>,
    /// The status text as written, for the Customers sheet, in [`Dataset::labels`].
    pub status_text: Option<Label>,
    /// Why a lost customer left, in [`Dataset::labels`].
    pub churn_reason: Option<Label>,
    /// Indices into [`Dataset::touchpoints`] of touchpoints that reached this customer.
    pub reached_by: TouchList,
    /// Values of extra columns, in [`Dataset::customer_extras`] order.
    pub extras: Box<[Extra]>,
    /// Zero-based row in the input sheet, for messages.
    pub source_row: u32,
}

impl Customer {
    /// An empty customer with only an id, as created for an unknown id in Orders.
    pub fn with_id(id: impl Into<CompactString>, source_row: u32) -> Customer {
        Customer {
            id: id.into(),
            name: None,
            segment: None,
            first_purchase: None,
            last_purchase: None,
            orders: 0,
            revenue: 0.0,
            last_contact: None,
            open_complaints: None,
            satisfaction: None,
            referrals: None,
            status: None,
            status_text: None,
            churn_reason: None,
            reached_by: TouchList::new(),
            extras: Box::new([]),
            source_row,
        }
    }
}

/// One marketing touchpoint and what was spent on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Touchpoint {
    /// Its name, e.g. "Loyalty newsletter".
    pub name: String,
    /// The P it belongs to.
    pub p: P,
    /// Spend in the audited period.
    pub spend: f64,
    /// Acquisition, retention or both.
    pub objective: Objective,
    /// Ladder stages it serves.
    pub stages: Vec<Stage>,
    /// Channel (email, events…).
    pub channel: Option<String>,
    /// Owning team.
    pub owner: Option<String>,
    /// How often it reaches a customer, in days.
    pub cadence_days: Option<f64>,
    /// Whether it is personalised.
    pub personalized: Option<bool>,
    /// Whether responses are collected and acted on.
    pub feedback_loop: Option<bool>,
    /// People reached, as the business counts them.
    pub reach: Option<f64>,
    /// Responses received.
    pub responses: Option<f64>,
    /// Values of extra columns, in [`Dataset::spend_extras`] order.
    pub extras: Vec<Extra>,
    /// Zero-based row in the input sheet.
    pub source_row: u32,
}

/// One order from an Orders sheet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Order {
    /// Index into [`Dataset::customers`].
    pub customer: u32,
    /// Order date.
    pub day: Day,
    /// Order amount.
    pub amount: f64,
}

/// An input file as it was read, for the About sheet and audit.json.
#[derive(Debug, Clone, Serialize)]
pub struct InputFile {
    /// What it holds (customers, spend…).
    pub role: String,
    /// Its path as given.
    pub path: String,
    /// The sheet read.
    pub sheet: String,
    /// Data rows read.
    pub rows: usize,
    /// SHA-256 of the file bytes.
    pub sha256: String,
    /// How the table was read (header row, columns mapped), for `--verbose`.
    #[serde(skip)]
    pub read: TableRead,
}

/// How one table was read: what `--verbose` tells a consultant who wonders
/// why a column was (not) picked up.
#[derive(Debug, Clone, Default)]
pub struct TableRead {
    /// One-based row of the header.
    pub header_row: u32,
    /// Each field found: (field name, column letters, header as written).
    pub columns: Vec<(String, String, String)>,
    /// Columns kept as extra fields: (column letters, header as written).
    pub extras: Vec<(String, String)>,
    /// Number and date conventions decided per column: (field, in words).
    pub conventions: Vec<(String, String)>,
}

/// Everything read from one client's inputs.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// The customers.
    pub customers: Vec<Customer>,
    /// The texts customers share (segments, statuses, churn reasons).
    pub labels: Labels,
    /// The touchpoints (spend rows).
    pub touchpoints: Vec<Touchpoint>,
    /// Orders, when an Orders sheet exists.
    pub orders: Option<Vec<Order>>,
    /// Whether reach per touchpoint is known (Interactions sheet or touchpoints column).
    pub reach_known: bool,
    /// Canonical customer fields present in the input.
    pub customer_fields: FieldSet<CustomerField>,
    /// Zero-based sheet column of each customer field ([`CustomerField`]
    /// order), so a figure can name the cell it came from.
    pub customer_columns: Vec<Option<u32>>,
    /// Canonical spend fields present in the input.
    pub spend_fields: FieldSet<SpendField>,
    /// Normalised names of extra customer columns.
    pub customer_extras: Vec<String>,
    /// Normalised names of extra spend columns.
    pub spend_extras: Vec<String>,
    /// The files read.
    pub inputs: Vec<InputFile>,
    /// Things worth telling the user that did not stop the audit.
    pub warnings: Vec<crate::error::Diagnostic>,
    /// The days the spend sheet's `period` column covers, when it has one.
    pub spend_span: Option<(Day, Day)>,
    /// The currency each money column states in its header or cells.
    pub currencies: Vec<ColumnCurrency>,
    /// ISO code of the amounts' currency (audit.yaml, else what the inputs
    /// state, when they settle it); `None` when unknown, and amounts show
    /// without one.
    pub currency: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_round_trips_excel_serials() {
        let d = Day::from_ymd(2026, 6, 30).unwrap();
        assert_eq!(d.0, 46203);
        assert_eq!(d.iso(), "2026-06-30");
        assert_eq!(Day(1).iso(), "1899-12-31");
    }

    #[test]
    fn p_names_in_the_wild() {
        assert_eq!(P::parse("Physical proof"), Some(P::PhysicalEvidence));
        assert_eq!(P::parse("physical_evidence"), Some(P::PhysicalEvidence));
        assert_eq!(P::parse(" PROMOTION "), Some(P::Promotion));
        assert_eq!(P::parse("Produkt"), Some(P::Product));
        assert_eq!(P::parse("marketing"), None);
    }
}
