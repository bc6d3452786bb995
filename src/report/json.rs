//! audit.json: the stable machine-readable result (`mixaudit.audit/1`).
//!
//! Deterministic: the same inputs give byte-identical JSON (no timestamps;
//! the run time appears only on the workbook's About sheet).

use serde::Serialize;
use serde_json::{Value, json};

use crate::analytics::{Analysis, Metrics};
use crate::audit::Audit;
use crate::model::InputFile;
use crate::score::{Finding, ItemResult, PScore, Scores, TouchpointResult};

/// The schema name; bump the number when a key changes meaning.
pub const SCHEMA: &str = "mixaudit.audit/1";

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
    as_of: String,
    as_of_source: crate::analytics::AsOfSource,
    score: Option<f64>,
    rating: &'a str,
    ps: &'a [PScore],
    touchpoints: Vec<TouchpointJson<'a>>,
    portfolio_items: &'a [ItemResult],
    metrics: &'a Metrics,
    findings: &'a [Finding],
    waivers: &'a [crate::input::config::Waiver],
    params: &'a std::collections::BTreeMap<String, f64>,
    checklist: ChecklistInfo<'a>,
    inputs: &'a [InputFile],
    changes: Option<Value>,
    warnings: &'a [String],
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
        schema: SCHEMA,
        tool: format!("mixaudit {}", env!("CARGO_PKG_VERSION")),
        client: &audit.client,
        period: &audit.period,
        as_of: a.as_of.iso(),
        as_of_source: a.as_of_source,
        score: audit.scores.score,
        rating: audit.scores.rating,
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
        waivers: &audit.scores.waivers,
        params: &a.params.values,
        checklist: ChecklistInfo {
            name: &audit.checklist.name,
            version: &audit.checklist.version,
            origin: &audit.checklist.origin,
            ratings: audit.checklist.ratings,
        },
        inputs: &audit.dataset.inputs,
        changes: audit.changes.clone(),
        warnings: &audit.warnings,
    };
    serde_json::to_value(doc).unwrap_or(Value::Null)
}

/// The JSON text of an audit (pretty, ending in a newline).
pub fn render(audit: &Audit) -> String {
    let mut s = serde_json::to_string_pretty(&to_value(audit)).unwrap_or_default();
    s.push('\n');
    s
}

fn diff(now: Option<f64>, before: Option<f64>) -> Value {
    json!({ "now": now, "before": before, "change": now.zip(before).map(|(a, b)| a - b) })
}

/// Change since a previous audit.json: overall, per P, per touchpoint, per key
/// metric. Computed once per audit (see [`Audit::changes`]); every report shows it.
pub fn changes(scores: &Scores, metrics: &Metrics, prev: &Value) -> Value {
    let num = |v: Option<&Value>| v.and_then(Value::as_f64);
    let prev_ps = prev
        .get("ps")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let prev_tps = prev
        .get("touchpoints")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let ps: Vec<Value> = scores
        .ps
        .iter()
        .map(|p| {
            let before = prev_ps
                .iter()
                .find(|q| q.get("p").and_then(Value::as_str) == Some(p.p.key()));
            let mut d = diff(p.score, num(before.and_then(|b| b.get("score"))));
            d["p"] = json!(p.p.key());
            d
        })
        .collect();
    let tps: Vec<Value> = scores
        .touchpoints
        .iter()
        .map(|t| {
            let before = prev_tps
                .iter()
                .find(|q| q.get("name").and_then(Value::as_str) == Some(t.name.as_str()));
            let mut d = diff(t.score, num(before.and_then(|b| b.get("score"))));
            d["name"] = json!(t.name);
            d["new"] = json!(before.is_none());
            d
        })
        .collect();
    let metrics = serde_json::to_value(metrics).unwrap_or(Value::Null);
    let key_metrics: serde_json::Map<String, Value> = KEY_METRICS
        .iter()
        .map(|k| {
            (
                k.to_string(),
                diff(
                    num(metrics.get(*k)),
                    num(prev.get("metrics").and_then(|m| m.get(*k))),
                ),
            )
        })
        .collect();
    json!({
        "previous_as_of": prev.get("as_of"),
        "previous_period": prev.get("period"),
        "score": diff(scores.score, num(prev.get("score"))),
        "ps": ps,
        "touchpoints": tps,
        "metrics": key_metrics,
    })
}

/// Metrics compared across audits and shown as key figures.
pub const KEY_METRICS: &[&str] = &[
    "customers",
    "buyers",
    "active_customers",
    "active_rate",
    "churn_rate",
    "repeat_rate",
    "retention_rate",
    "new_customers",
    "high_value_at_risk",
    "overdue_contact",
    "nps",
    "spend_total",
    "retention_spend_share",
    "acquisition_cost_per_new_customer",
    "retention_spend_per_active_customer",
];
