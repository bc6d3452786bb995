//! The JSON documents of `check --json` and `batch --json` (documented in the
//! README): what was checked or audited, and every diagnostic with its code.

use serde_json::{Value, json};

use crate::batch::Outcome;
use crate::checklist::Checklist;
use crate::error::{Diagnostic, Error};
use crate::model::Dataset;

/// Schema name of `check --json`.
pub const CHECK_SCHEMA: &str = "mixaudit.check/1";
/// Schema name of `batch --json`.
pub const BATCH_SCHEMA: &str = "mixaudit.batch/1";

fn records(list: &[Diagnostic]) -> Vec<Value> {
    list.iter()
        .map(|d| serde_json::to_value(d).unwrap_or(Value::Null))
        .collect()
}

/// `check --json` for inputs that passed: the counts and the warnings.
pub fn check_ok(ds: &Dataset, checklist: &Checklist) -> Value {
    json!({
        "schema": CHECK_SCHEMA,
        "ok": true,
        "customers": ds.customers.len(),
        "touchpoints": ds.touchpoints.len(),
        "orders": ds.orders.as_ref().map(Vec::len),
        "checklist": { "name": checklist.name, "items": checklist.items().count() },
        "diagnostics": records(&ds.warnings),
    })
}

/// `check --json` for inputs that failed: every problem.
pub fn check_failed(e: &Error) -> Value {
    json!({
        "schema": CHECK_SCHEMA,
        "ok": false,
        "customers": null,
        "touchpoints": null,
        "orders": null,
        "checklist": null,
        "diagnostics": records(&e.diagnostics()),
    })
}

/// `batch --json`: each client's status, score and diagnostics (folder order).
pub fn batch(outcomes: &[Outcome], run_level: &[Diagnostic]) -> Value {
    let clients: Vec<Value> = outcomes
        .iter()
        .map(|o| match o {
            Ok(c) => json!({
                "key": c.key,
                "status": "ok",
                "score": c.score,
                "rating": c.rating,
                "error": null,
                "diagnostics": c.diagnostics,
            }),
            Err(f) => json!({
                "key": f.key,
                "status": "failed",
                "score": null,
                "rating": null,
                "error": f.error,
                "diagnostics": f.diagnostics,
            }),
        })
        .collect();
    json!({
        "schema": BATCH_SCHEMA,
        "clients": clients,
        "diagnostics": records(run_level),
    })
}

/// The document a failed `audit --error-json` prints for its parent batch.
pub fn failure(e: &Error) -> Value {
    json!({ "diagnostics": records(&e.diagnostics()) })
}
