//! audit.json: the stable machine-readable result (`mixaudit.audit/1`).
//!
//! Deterministic: the same inputs give byte-identical JSON (no timestamps;
//! the run time appears only on the workbook's About sheet).

use serde::Serialize;
use serde_json::Value;

use crate::analytics::{Analysis, Metrics};
use crate::audit::Audit;
use crate::model::InputFile;
use crate::score::{Finding, ItemResult, PScore, TouchpointResult};

#[derive(Serialize)]
struct ChecklistInfo<'a> {
    name: &'a str,
    version: &'a str,
    origin: &'a str,
    ratings: crate::checklist::Ratings,
}

#[derive(Serialize)]
struct Document<'a> {
    schema: &'static str,
    tool: String,
    client: &'a str,
    period: &'a str,
    period_days: i32,
    period_days_source: crate::analytics::PeriodSource,
    as_of: String,
    as_of_source: crate::analytics::AsOfSource,
    currency: Option<&'a str>,
    score: Option<f64>,
    rating: &'a str,
    checks_assessed: usize,
    checks_total: usize,
    confidence: crate::score::Confidence,
    ps: &'a [PScore],
    touchpoints: Vec<TouchpointJson<'a>>,
    portfolio_items: &'a [ItemResult],
    metrics: &'a Metrics,
    findings: &'a [Finding],
    data_gaps: &'a [crate::score::gaps::DataGap],
    waivers: &'a [crate::input::config::Waiver],
    params: &'a std::collections::BTreeMap<String, f64>,
    checklist: ChecklistInfo<'a>,
    inputs: &'a [InputFile],
    changes: Option<&'a crate::audit::Changes>,
    warnings: Vec<String>,
    diagnostics: &'a [crate::error::Diagnostic],
}

#[derive(Serialize)]
struct TouchpointJson<'a> {
    #[serde(flatten)]
    result: &'a TouchpointResult,
    metrics: &'a crate::analytics::TouchpointFacts,
}

/// The JSON value of an audit.
pub fn to_value(audit: &Audit) -> Value {
    let a: &Analysis = &audit.analysis;
    let doc = Document {
        schema: crate::audit::SCHEMA,
        tool: format!("mixaudit {}", env!("CARGO_PKG_VERSION")),
        client: &audit.client,
        period: &audit.period,
        period_days: a.period.days,
        period_days_source: a.period.source,
        as_of: a.as_of.iso(),
        currency: audit.dataset.currency.as_deref(),
        as_of_source: a.as_of_source,
        score: audit.scores.score,
        rating: audit.scores.rating,
        checks_assessed: audit.scores.checks_assessed,
        checks_total: audit.scores.checks_total,
        confidence: audit.scores.confidence,
        ps: &audit.scores.ps,
        touchpoints: audit
            .scores
            .touchpoints
            .iter()
            .zip(&a.touchpoints)
            .map(|(result, metrics)| TouchpointJson { result, metrics })
            .collect(),
        portfolio_items: &audit.scores.portfolio_items,
        metrics: &a.metrics,
        findings: &audit.scores.findings,
        data_gaps: &audit.scores.data_gaps,
        waivers: &audit.scores.waivers,
        params: &a.params.all(),
        checklist: ChecklistInfo {
            name: &audit.checklist.name,
            version: &audit.checklist.version,
            origin: &audit.checklist.origin,
            ratings: audit.checklist.ratings,
        },
        inputs: &audit.dataset.inputs,
        changes: audit.changes.as_ref(),
        warnings: audit.warnings.iter().map(ToString::to_string).collect(),
        diagnostics: &audit.warnings,
    };
    serde_json::to_value(doc).unwrap_or(Value::Null)
}

/// The JSON text of an audit (pretty, ending in a newline).
pub fn render(audit: &Audit) -> String {
    let mut s = serde_json::to_string_pretty(&to_value(audit)).unwrap_or_default();
    s.push('\n');
    s
}
