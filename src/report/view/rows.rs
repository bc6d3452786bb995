//! The rows of the report view model: small serialisable records with
//! their figures already formatted (kept apart from the builder so each file
//! stays short and the shape of the view is easy to read in one place).

use serde::Serialize;

/// Green and amber thresholds.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Thresholds {
    /// Green at or above.
    pub green: f64,
    /// Amber at or above.
    pub amber: f64,
}

/// One P's row.
#[derive(Debug, Clone, Serialize)]
pub struct PRow {
    /// Canonical key, e.g. `physical_evidence`.
    pub key: String,
    /// Title, e.g. "Physical evidence".
    pub title: String,
    /// Score 0–100 (`None`: not assessed).
    pub score: Option<f64>,
    /// Rounded score or "—".
    pub score_label: String,
    /// Ten-character text bar.
    pub bar: String,
    /// green / amber / red / n/a.
    pub rating: String,
    /// Spend on this P.
    pub spend: f64,
    /// Spend, formatted.
    pub spend_label: String,
    /// Share of all spend, formatted.
    pub share_label: String,
    /// Weight of the P in the overall score, formatted.
    pub weight_label: String,
    /// high / medium / low.
    pub confidence: String,
    /// "16 of 17 checks judged" (or "no touchpoint in the spend plan").
    pub checks_label: String,
}

/// A labelled figure.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    /// What it is.
    pub label: String,
    /// The figure, formatted.
    pub value: String,
    /// Its base ("of 232 buyers"), and a warning when too small to judge.
    pub note: String,
    /// Whether the base is below the minimum sample.
    pub low_sample: bool,
}

/// A finding, ready to print.
#[derive(Debug, Clone, Serialize)]
pub struct FindingRow {
    /// 1-based rank.
    pub rank: usize,
    /// The item's title.
    pub title: String,
    /// P key.
    pub p: String,
    /// P title.
    pub p_title: String,
    /// Checklist item id.
    pub item: Option<String>,
    /// `fail`, `partial`, `no_touchpoint` or `not_assessed` (for styling).
    pub kind: String,
    /// The shortfall in words ("not met", "partly met", "no touchpoint").
    pub kind_label: String,
    /// "+2.3 points if fixed", or empty for findings about a whole P.
    pub gain: String,
    /// Up to five touchpoint names, then "and N more" (empty for portfolio items).
    pub touchpoints: String,
    /// Spend of the touchpoints that fall short, formatted; empty for portfolio items.
    pub spend_affected: String,
    /// Why it matters.
    pub why: String,
    /// How to fix it.
    pub fix: String,
}

/// A loyalty-ladder stage.
#[derive(Debug, Clone, Serialize)]
pub struct StageRow {
    /// Canonical key, e.g. `advocate`.
    pub key: String,
    /// Title, e.g. "Advocate".
    pub label: String,
    /// Customers, formatted.
    pub customers: String,
    /// Spend aimed at the stage, formatted.
    pub spend: String,
    /// Active buyers in the stage (prospects: every prospect).
    pub active: u64,
    /// Active buyers, formatted ("—" for prospects, who are neither active nor lost).
    pub active_label: String,
    /// Lost buyers, formatted ("—" for prospects).
    pub lost_label: String,
    /// Lost customers in the stage.
    pub lost: u64,
}

/// A grid of counts with row and column labels.
#[derive(Debug, Clone, Serialize)]
pub struct Grid {
    /// Row labels.
    pub rows: Vec<String>,
    /// Column labels.
    pub cols: Vec<String>,
    /// `counts[row][col]`.
    pub counts: Vec<Vec<u64>>,
}

/// A valuable customer at risk.
#[derive(Debug, Clone, Serialize)]
pub struct AtRiskRow {
    /// The raw figures (also what older templates read).
    #[serde(flatten)]
    pub raw: crate::report::AtRisk,
    /// Revenue, formatted.
    pub revenue_label: String,
    /// Days since purchase, formatted.
    pub purchase_label: String,
    /// Days since contact, formatted.
    pub contact_label: String,
}

/// A labelled count.
#[derive(Debug, Clone, Serialize)]
pub struct Count {
    /// What is counted.
    pub label: String,
    /// The count, formatted.
    pub value: String,
}

/// A labelled amount.
#[derive(Debug, Clone, Serialize)]
pub struct Amount {
    /// What it is.
    pub label: String,
    /// The amount.
    pub amount: f64,
    /// The amount, formatted with the currency.
    pub amount_label: String,
    /// Share of the total, formatted.
    pub share_label: String,
}

/// A cohort row.
#[derive(Debug, Clone, Serialize)]
pub struct Cohort {
    /// Month of first purchase, "YYYY-MM".
    pub month: String,
    /// Customers in it.
    pub size: u64,
    /// Share who bought in the month 0, 1, 2… months after the first purchase.
    pub shares: Vec<Option<f64>>,
    /// The shares at months 1, 3, 6 and 12, formatted ("—" not yet reached).
    pub milestones: Vec<String>,
}

/// A waived check.
#[derive(Debug, Clone, Serialize)]
pub struct WaiverRow {
    /// Item id.
    pub item: String,
    /// Touchpoint, or "whole client".
    pub touchpoint: String,
    /// Why.
    pub reason: String,
    /// Last day, or "—".
    pub expires: String,
}

/// Change since the previous audit.
#[derive(Debug, Clone, Serialize)]
pub struct Changes {
    /// The previous audit's date.
    pub previous_as_of: String,
    /// The previous audit's period label (its date when it had none).
    pub previous: String,
    /// Change of the overall score, formatted.
    pub score: String,
    /// Per P.
    pub ps: Vec<Delta>,
    /// Touchpoints whose score moved most (up to ten).
    pub moved: Vec<Delta>,
    /// Touchpoints new this period.
    pub new_touchpoints: Vec<String>,
    /// Key metrics known before or now.
    pub metrics: Vec<Delta>,
}

/// A before/now/change row.
#[derive(Debug, Clone, Serialize)]
pub struct Delta {
    /// Key or name as in audit.json.
    pub name: String,
    /// Human label.
    pub label: String,
    /// Before, formatted.
    pub before: String,
    /// Now, formatted.
    pub now: String,
    /// Change, formatted.
    pub change: String,
}

/// Provenance of the audit.
#[derive(Debug, Clone, Serialize)]
pub struct About {
    /// Checklist name.
    pub checklist: String,
    /// Checklist version.
    pub checklist_version: String,
    /// Where the checklist came from.
    pub checklist_origin: String,
    /// Files read.
    pub inputs: Vec<InputRow>,
    /// Parameters in force.
    pub params: Vec<Figure>,
}

/// A file read.
#[derive(Debug, Clone, Serialize)]
pub struct InputRow {
    /// customers / spend / …
    pub role: String,
    /// Path as given.
    pub path: String,
    /// Sheet read.
    pub sheet: String,
    /// Rows read, formatted.
    pub rows: String,
    /// SHA-256 of the bytes.
    pub sha256: String,
}

/// A chart file.
#[derive(Debug, Clone, Serialize)]
pub struct ChartRef {
    /// Short name, e.g. `radar`.
    pub name: String,
    /// Path relative to the output folder, e.g. `charts/radar.svg`.
    pub file: String,
    /// Alt text / title.
    pub alt: String,
}

/// A rendered chart.
#[derive(Debug, Clone)]
pub struct Chart {
    /// Where it goes and what it shows.
    pub at: ChartRef,
    /// The SVG document.
    pub svg: String,
}

/// A column the inputs lack and what to ask the client for.
#[derive(Debug, Clone, Serialize)]
pub struct GapRow {
    /// What is missing, in words.
    pub what: String,
    /// The file it belongs in.
    pub file: String,
    /// The checks it left unjudged (ids).
    pub checks: String,
    /// How many checks.
    pub count: usize,
    /// What to ask the client for.
    pub ask: String,
}
