//! Evaluating one item in one context: applicability, missing data (n/a with a
//! note naming what to add), pass / partial / fail, and the note of what the
//! rule saw.

use std::collections::BTreeMap;

use minijinja::Value;

use super::{ItemResult, Status};
use crate::analytics::TouchpointFacts;
use crate::checklist::rules::lookup;
use crate::checklist::{Item, Rule};
use crate::error::{Code, Diagnostic};
use crate::model::{Dataset, Extra, FieldId, SpendField, Touchpoint};

fn fmt_number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e12 {
        return format!("{}", f as i64);
    }
    let s = format!("{f:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A rule input as a note shows it: numbers rounded, lists and maps shortened.
fn fmt_value(v: &Value) -> String {
    use minijinja::value::ValueKind;
    match v.kind() {
        ValueKind::Bool => {
            if v.is_true() {
                "yes".into()
            } else {
                "no".into()
            }
        }
        ValueKind::Number => f64::try_from(v.clone())
            .map(fmt_number)
            .unwrap_or_else(|_| v.to_string()),
        ValueKind::Seq => {
            let items: Vec<String> = v
                .try_iter()
                .map(|it| it.map(|x| fmt_value(&x)).collect())
                .unwrap_or_default();
            format!("[{}]", items.join(", "))
        }
        ValueKind::Map => {
            let items: Vec<String> = v
                .try_iter()
                .map(|it| {
                    it.map(|k| {
                        format!(
                            "{k}: {}",
                            v.get_item(&k).map(|x| fmt_value(&x)).unwrap_or_default()
                        )
                    })
                    .collect()
                })
                .unwrap_or_default();
            format!("{{{}}}", items.join(", "))
        }
        _ => crate::input::row::truncate(&v.to_string(), 60),
    }
}

/// Names the data a rule lacks, in words that tell the user what to add.
fn missing_note(ds: &Dataset, root: &str, field: Option<&str>) -> String {
    let spend_file = ds
        .inputs
        .get(1)
        .map(|i| crate::error::display_name(std::path::Path::new(&i.path)))
        .unwrap_or_else(|| "the spend file".into());
    let f = field.unwrap_or_default();
    // Rules read `touchpoint.stages`; the column is `stage`.
    let column = if f == "stages" { "stage" } else { f };
    match root {
        "touchpoint" if SpendField::from_name(column).is_some() => {
            if SpendField::from_name(column).is_some_and(|c| ds.spend_fields.has(c)) {
                format!("needs `{column}`, which is empty for this touchpoint")
            } else {
                format!("needs column `{column}`, which {spend_file} lacks")
            }
        }
        "touchpoint" if ds.spend_extras.iter().any(|x| x == f) => {
            format!("needs `{f}`, which is empty for this touchpoint")
        }
        "touchpoint" if f == "response_rate" => {
            "needs columns `reach` and `responses` (with reach > 0)".into()
        }
        "touchpoint" if !ds.reach_known && f != "spend_share" => format!(
            "needs `{f}`, which needs reach data: an Interactions sheet or a `touchpoints` column in the customers file"
        ),
        "touchpoint" => format!("needs `{f}`, which cannot be computed for this touchpoint"),
        "metrics" => {
            let need = match f {
                "retention_rate" | "retention_base" => {
                    "an Orders sheet with orders in the previous period"
                }
                "new_customers" | "acquisition_cost_per_new_customer" => {
                    "a `first_purchase` column or an Orders sheet"
                }
                "overdue_contact" | "overdue_contact_rate" => {
                    "a `last_contact` column in the customers file"
                }
                "customers_with_complaints" | "complaint_rate" => {
                    "an `open_complaints` column in the customers file"
                }
                "nps" => "a `satisfaction` column with scores",
                "stages_served" | "stages_without_touchpoint" => {
                    "a `stage` column in the spend file"
                }
                "contact_plan_touchpoints" => "a `cadence_days` column in the spend file",
                "personalized_share" => "a `personalized` column in the spend file",
                "feedback_share" => "a `feedback_loop` column in the spend file",
                "indifference_share" => "lost customers with a `churn_reason`",
                "clv_model"
                | "spend_model"
                | "clv_total"
                | "expected_revenue_next_period"
                | "likely_lost"
                | "high_value_likely_lost" => {
                    "purchase histories the customer-value model can be fitted to (see the warnings)"
                }
                "cohorts" => "an Orders sheet",
                "rfm" => "buyers with a last purchase date",
                _ => "data these inputs do not have",
            };
            format!("needs metrics.{f}, which needs {need}")
        }
        _ => format!("needs `{root}.{f}`"),
    }
}

enum Outcome {
    Value(bool),
    Missing(String),
    Error(String),
}

fn run(rule: &Rule, ctx: &Value, ds: &Dataset) -> Outcome {
    for (root, field) in &rule.vars {
        if lookup(ctx, root, field.as_deref()).is_none() {
            return Outcome::Missing(missing_note(ds, root, field.as_deref()));
        }
    }
    match rule.eval(ctx) {
        Ok(b) => Outcome::Value(b),
        Err(e) => Outcome::Error(e),
    }
}

fn seen_values(item: &Item, ctx: &Value) -> String {
    let mut parts: Vec<String> = Vec::new();
    for rule in item.rules() {
        for (root, field) in &rule.vars {
            let Some(f) = field else { continue };
            if root == "params" {
                continue;
            }
            let label = if root == "touchpoint" {
                f.clone()
            } else {
                format!("{root}.{f}")
            };
            if parts.iter().any(|p| p.starts_with(&format!("{label} = "))) {
                continue;
            }
            if let Some(v) = lookup(ctx, root, Some(f)) {
                parts.push(format!("{label} = {}", fmt_value(&v)));
            }
        }
    }
    parts.join(", ")
}

/// Evaluates one item in one context. `None` when `when` is false.
pub(super) fn evaluate(
    item: &Item,
    ctx: &Value,
    ds: &Dataset,
    warnings: &mut Vec<Diagnostic>,
) -> Option<ItemResult> {
    let result = |status, note: String| ItemResult {
        item: item.id.clone(),
        status,
        weight: item.weight,
        note,
    };
    let mut rule_error = |e: String| {
        warnings.push(Diagnostic::new(
            Code::RuleError,
            format!("item {}: rule error: {e}", item.id),
        ));
        result(Status::NotApplicable, format!("rule error: {e}"))
    };
    if let Some(when) = &item.when {
        match run(when, ctx, ds) {
            Outcome::Value(false) => return None,
            Outcome::Value(true) => {}
            Outcome::Missing(n) => return Some(result(Status::NotApplicable, n)),
            Outcome::Error(e) => return Some(rule_error(e)),
        }
    }
    let seen = seen_values(item, ctx);
    match run(&item.pass, ctx, ds) {
        Outcome::Missing(n) => Some(result(Status::NotApplicable, n)),
        Outcome::Error(e) => Some(rule_error(e)),
        Outcome::Value(true) => Some(result(Status::Pass, seen)),
        Outcome::Value(false) => match item.partial.as_ref().map(|p| run(p, ctx, ds)) {
            Some(Outcome::Value(true)) => Some(result(Status::Partial, seen)),
            Some(Outcome::Missing(n)) => Some(result(
                Status::Fail,
                format!("{seen}; partial credit not checked: {n}"),
            )),
            Some(Outcome::Error(e)) => Some(rule_error(e)),
            _ => Some(result(Status::Fail, seen)),
        },
    }
}

fn opt(v: Option<f64>) -> Value {
    v.map(Value::from).unwrap_or(Value::from(()))
}

/// The `touchpoint` context of one spend row: its columns, extras and reach figures.
pub fn touchpoint_value(ds: &Dataset, t: &Touchpoint, f: &TouchpointFacts) -> Value {
    let mut m: BTreeMap<String, Value> = BTreeMap::new();
    let has = |k: SpendField| ds.spend_fields.has(k);
    m.insert("name".into(), Value::from(t.name.clone()));
    m.insert("p".into(), Value::from(t.p.key()));
    m.insert("spend".into(), Value::from(t.spend));
    m.insert("spend_share".into(), opt(f.spend_share));
    m.insert("objective".into(), Value::from(t.objective.key()));
    m.insert(
        "stages".into(),
        if has(SpendField::Stage) {
            Value::from(t.stages.iter().map(|s| s.key()).collect::<Vec<_>>())
        } else {
            Value::from(())
        },
    );
    m.insert(
        "channel".into(),
        t.channel
            .clone()
            .map(Value::from)
            .unwrap_or(Value::from(())),
    );
    m.insert(
        "owner".into(),
        t.owner.clone().map(Value::from).unwrap_or(Value::from(())),
    );
    m.insert("cadence_days".into(), opt(t.cadence_days));
    m.insert(
        "personalized".into(),
        t.personalized.map(Value::from).unwrap_or(Value::from(())),
    );
    m.insert(
        "feedback_loop".into(),
        t.feedback_loop.map(Value::from).unwrap_or(Value::from(())),
    );
    m.insert("reach".into(), opt(t.reach));
    m.insert("responses".into(), opt(t.responses));
    m.insert("response_rate".into(), opt(f.response_rate));
    m.insert("reached".into(), opt(f.reached.map(|r| r as f64)));
    m.insert("reached_share".into(), opt(f.reached_share));
    m.insert("active_rate_reached".into(), opt(f.active_rate_reached));
    m.insert(
        "active_rate_not_reached".into(),
        opt(f.active_rate_not_reached),
    );
    m.insert("lift".into(), opt(f.lift));
    m.insert("revenue_reached".into(), opt(f.revenue_reached));
    m.insert("spend_per_reached".into(), opt(f.spend_per_reached));
    m.insert("revenue_per_reached".into(), opt(f.revenue_per_reached));
    for (name, v) in ds.spend_extras.iter().zip(&t.extras) {
        let value = match v {
            Extra::Number(n) => Value::from(*n),
            Extra::Text(s) => Value::from(s.to_string()),
            Extra::Bool(b) => Value::from(*b),
            Extra::Date(d) => Value::from(d.iso()),
            Extra::Empty => Value::from(()),
        };
        m.entry(name.clone()).or_insert(value);
    }
    Value::from(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Objective, P};

    /// The checklist validates `touchpoint.*` against TOUCHPOINT_FIELDS; the
    /// context must offer exactly those names, or a valid rule would fail.
    #[test]
    fn the_rule_context_offers_exactly_the_documented_fields() {
        let ds = Dataset::default();
        let t = Touchpoint {
            name: "Newsletter".into(),
            p: P::Promotion,
            spend: 1.0,
            objective: Objective::Both,
            stages: vec![],
            channel: None,
            owner: None,
            cadence_days: None,
            personalized: None,
            feedback_loop: None,
            reach: None,
            responses: None,
            extras: vec![],
            source_row: 1,
        };
        let v = touchpoint_value(&ds, &t, &TouchpointFacts::default());
        let mut keys: Vec<String> = v.try_iter().unwrap().map(|k| k.to_string()).collect();
        keys.sort();
        let mut documented: Vec<String> = crate::checklist::TOUCHPOINT_FIELDS
            .iter()
            .map(|s| s.to_string())
            .collect();
        documented.sort();
        assert_eq!(keys, documented);
    }
}
