//! The view model behind the human-facing reports: one serialisable
//! [`View`] built from an [`Audit`], with every label and number already
//! formatted, from which summary.md, report.html and the SVG charts all
//! render — so they agree by construction.
//!
//! This is the only place the human-facing reports read the audit's
//! internals; everything downstream sees plain strings and numbers.

mod rows;
mod sections;
mod value;

use serde::Serialize;

pub use rows::*;
pub use value::{COHORT_MILESTONES, ValueSection};

use super::charts::{self, CohortRow, LadderBar, RadarAxis};
use super::format;
use crate::audit::Audit;

/// Everything summary.md and report.html show.
#[derive(Debug, Clone, Serialize)]
pub struct View {
    /// Client name.
    pub client: String,
    /// Period label.
    pub period: String,
    /// Audit date, ISO.
    pub as_of: String,
    /// "mixaudit 0.1.0".
    pub tool: String,
    /// Currency shown after amounts (empty when unknown).
    pub currency: String,
    /// Overall score 0–100.
    pub score: Option<f64>,
    /// The score, rounded.
    pub score_label: String,
    /// green / amber / red / n/a.
    pub rating: String,
    /// high / medium / low: how far the score can be relied on.
    pub confidence: String,
    /// "218 of 253 checks judged".
    pub checks_label: String,
    /// The period in words: "2026 H1 (181 days)".
    pub period_phrase: String,
    /// Columns the inputs lack and what they cost.
    pub data_gaps: Vec<GapRow>,
    /// Rating thresholds of the checklist.
    pub ratings: Thresholds,
    /// The 7 Ps.
    pub ps: Vec<PRow>,
    /// Key figures, in reading order.
    pub metrics: Vec<Figure>,
    /// Total marketing spend, formatted.
    pub spend_total: String,
    /// Ranked findings shown (the top ten).
    pub findings: Vec<FindingRow>,
    /// How many findings there are in all.
    pub findings_total: usize,
    /// Loyalty ladder, bottom rung first.
    pub ladder: Vec<StageRow>,
    /// Ladder stages no touchpoint serves (`None`: unknown, no stage column).
    pub ladder_gaps: Option<Vec<String>>,
    /// Value tier × risk counts.
    pub value_risk: Grid,
    /// Valuable customers at high risk (the most valuable first).
    pub at_risk: Vec<AtRiskRow>,
    /// How many more there are than listed.
    pub at_risk_more: u64,
    /// Lost customers by reason (empty when none gave one).
    pub defection: Vec<Count>,
    /// "33 of 98 lost customers gave a reason", with a warning when too few.
    pub defection_base: String,
    /// Spend by P.
    pub spend_by_p: Vec<Amount>,
    /// Spend by ladder stage.
    pub spend_by_stage: Vec<Amount>,
    /// Spend by objective.
    pub spend_by_objective: Vec<Amount>,
    /// Cohort triangle data (from the Orders sheet; empty without one).
    pub cohorts: Vec<Cohort>,
    /// Months after the first purchase that the cohort table shows.
    pub cohort_milestones: Vec<usize>,
    /// Customer value: lifetime value, expected revenue, likely lost, RFM segments.
    pub value: ValueSection,
    /// Waived checks.
    pub waivers: Vec<WaiverRow>,
    /// Change since the previous audit, when one was given.
    pub changes: Option<Changes>,
    /// Notes for the reader.
    pub warnings: Vec<String>,
    /// Inputs, checklist and parameters.
    pub about: About,
    /// The chart files (relative paths) with their alt texts.
    pub charts: Vec<ChartRef>,
}

fn title_case(key: &str) -> String {
    format::capitalised(&key.replace('_', " "))
}

/// A metric's label, from the one table every report uses.
fn metric_label(key: &str) -> String {
    crate::analytics::metric_label(key)
        .map(|l| l.label.to_string())
        .unwrap_or_else(|| title_case(key))
}

const CHARTS: [(&str, &str); 7] = [
    ("radar", "7-P scores"),
    ("ladder", "Loyalty ladder"),
    ("value-risk", "Value × risk"),
    ("spend-p", "Spend by P"),
    ("spend-stage", "Spend by ladder stage"),
    ("spend-objective", "Spend by objective"),
    ("cohorts", "Customer cohorts"),
];

impl View {
    /// Builds the view of an audit.
    pub fn build(audit: &Audit) -> View {
        let m = &audit.analysis.metrics;
        let currency = audit.dataset.currency.clone().unwrap_or_default();
        let ratings = audit.checklist.ratings;
        let at_risk = sections::at_risk(audit, &currency);
        View {
            client: audit.client.clone(),
            period: audit.period.clone(),
            as_of: audit.analysis.as_of.iso(),
            tool: format!("mixaudit {}", env!("CARGO_PKG_VERSION")),
            score: audit.scores.score,
            score_label: format::score(audit.scores.score),
            rating: audit.scores.rating.into(),
            confidence: audit.scores.confidence.label().into(),
            checks_label: sections::checks_label(
                audit.scores.checks_assessed,
                audit.scores.checks_total,
                usize::MAX,
            ),
            period_phrase: crate::report::figures::period_phrase(audit),
            data_gaps: sections::data_gaps(audit),
            ratings: Thresholds {
                green: ratings.green,
                amber: ratings.amber,
            },
            ps: sections::ps(audit, &currency),
            metrics: sections::key_figures(audit, &currency),
            spend_total: format::money(Some(m.spend_total), &currency),
            findings: sections::findings(audit, &currency),
            findings_total: audit.scores.findings.len(),
            ladder: sections::ladder(audit, &currency),
            ladder_gaps: m
                .stages_without_touchpoint
                .as_ref()
                .map(|s| s.iter().map(|x| x.key().to_string()).collect()),
            value_risk: sections::value_risk(audit),
            at_risk_more: m.high_value_at_risk.saturating_sub(at_risk.len() as u64),
            at_risk,
            defection: sections::defection(audit),
            defection_base: sections::defection_base(audit),
            spend_by_p: sections::spend_by_p(audit, &currency),
            spend_by_stage: sections::amounts(&m.spend_by_stage, m.spend_total, &currency),
            spend_by_objective: sections::amounts(&m.spend_by_objective, m.spend_total, &currency),
            cohorts: value::cohorts(audit),
            cohort_milestones: COHORT_MILESTONES.to_vec(),
            value: value::value(audit, &currency),
            waivers: sections::waivers(audit),
            changes: audit.changes.as_ref().and_then(sections::changes),
            warnings: audit.warnings.iter().map(ToString::to_string).collect(),
            about: sections::about(audit),
            charts: CHARTS
                .iter()
                .map(|(name, alt)| ChartRef {
                    name: (*name).into(),
                    file: format!("charts/{name}.svg"),
                    alt: (*alt).into(),
                })
                .collect(),
            currency,
        }
    }

    /// Renders every chart of [`View::charts`].
    pub fn render_charts(&self) -> Vec<Chart> {
        self.charts
            .iter()
            .map(|at| {
                let t = at.alt.as_str();
                let amounts = |rows: &[Amount]| {
                    rows.iter()
                        .map(|a| (a.label.clone(), a.amount))
                        .collect::<Vec<_>>()
                };
                let svg = match at.name.as_str() {
                    "radar" => {
                        let axes: Vec<RadarAxis> = self
                            .ps
                            .iter()
                            .map(|p| RadarAxis {
                                label: p.title.clone(),
                                score: p.score,
                            })
                            .collect();
                        charts::radar(t, &axes, self.ratings.amber, self.ratings.green)
                    }
                    "ladder" => {
                        let bars: Vec<LadderBar> = self
                            .ladder
                            .iter()
                            .map(|s| LadderBar {
                                label: s.label.clone(),
                                active: s.active,
                                lost: s.lost,
                            })
                            .collect();
                        charts::ladder(t, &bars, ("active", "lost"))
                    }
                    "value-risk" => charts::value_risk(
                        t,
                        &self.value_risk.rows,
                        &self.value_risk.cols,
                        &self.value_risk.counts,
                    ),
                    "spend-p" => {
                        charts::spend_bars(&at.name, t, &amounts(&self.spend_by_p), &self.currency)
                    }
                    "spend-stage" => charts::spend_bars(
                        &at.name,
                        t,
                        &amounts(&self.spend_by_stage),
                        &self.currency,
                    ),
                    "spend-objective" => charts::spend_bars(
                        &at.name,
                        t,
                        &amounts(&self.spend_by_objective),
                        &self.currency,
                    ),
                    _ => {
                        let rows: Vec<CohortRow> = self
                            .cohorts
                            .iter()
                            .map(|c| CohortRow {
                                label: c.month.clone(),
                                size: c.size,
                                shares: c.shares.clone(),
                            })
                            .collect();
                        charts::cohorts(t, &rows)
                    }
                };
                Chart {
                    at: at.clone(),
                    svg,
                }
            })
            .collect()
    }
}
