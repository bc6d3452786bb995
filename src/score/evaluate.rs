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
use crate::model::{Dataset, Extra, SpendField, Touchpoint};

/// A touchpoint field in words.
pub(super) fn touchpoint_label(field: &str) -> &str {
    match field {
        "stages" => "the ladder stages it serves",
        "cadence_days" => "its contact interval",
        "personalized" => "whether it is personalised",
        "feedback_loop" => "whether it collects feedback",
        "response_rate" => "its response rate",
        "reach" => "its reach",
        "responses" => "its responses",
        "reached" => "the customers it reached",
        "reached_share" => "the share of customers it reached",
        "active_rate_reached" | "active_rate_not_reached" | "lift" => {
            "the activity of the customers it reached"
        }
        "revenue_reached" | "revenue_per_reached" => "the revenue of the customers it reached",
        "spend_per_reached" => "its spend per customer reached",
        "spend_share" => "its share of spend",
        "channel" => "its channel",
        "owner" => "who runs it",
        "objective" => "its objective",
        other => other,
    }
}

/// Why a rule could not be judged, in words that tell the user what to add,
/// and the data gap behind it when a column or sheet is missing.
fn missing_note(ds: &Dataset, root: &str, field: Option<&str>) -> (String, Option<&'static str>) {
    let f = field.unwrap_or_default();
    if let Some(need) = super::gaps::need_for(ds, root, f) {
        let file = match need.file {
            "spend" => ds.inputs.get(1),
            _ => ds.inputs.first(),
        }
        .map(|i| crate::error::display_name(std::path::Path::new(&i.path)))
        .unwrap_or_else(|| format!("the {} file", need.file));
        return (
            format!(
                "not judged: needs {}, which {file} does not have",
                need.what
            ),
            Some(need.key),
        );
    }
    let note = match root {
        "touchpoint" if f == "response_rate" => {
            "not judged: needs its reach and responses (with a reach above 0)".to_string()
        }
        "touchpoint" => format!(
            "not judged: {} is not known for this touchpoint",
            touchpoint_label(f)
        ),
        "metrics" => {
            let label = crate::analytics::metric_label(f)
                .map(|l| l.label)
                .unwrap_or(f);
            let why = match f {
                "retention_rate" | "retention_base" => {
                    "no customer ordered in the previous period".to_string()
                }
                "clv_model"
                | "spend_model"
                | "clv_total"
                | "expected_revenue_next_period"
                | "likely_lost"
                | "high_clv_customers"
                | "high_clv_overdue_contact"
                | "high_value_likely_lost" => {
                    "the purchase histories do not support the customer-value model (see the notes)"
                        .into()
                }
                "rfm" => "no buyer has a last purchase date".into(),
                "indifference_share" => "no lost customer gave a reason".into(),
                _ => "these inputs do not have the data it needs".into(),
            };
            format!("not judged: {label} cannot be computed: {why}")
        }
        _ => format!("not judged: needs {root} {f}"),
    };
    (note, None)
}

enum Outcome {
    Value(bool),
    Missing((String, Option<&'static str>)),
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

/// The figures too thin to judge on: metrics whose base is below
/// `params.min_sample` (SPEC §4.1).
pub(super) struct Samples<'a> {
    /// The metrics and their bases.
    pub(super) metrics: &'a crate::analytics::Metrics,
    /// The fewest a base may count.
    pub(super) min: u64,
}

impl Samples<'_> {
    /// The note for the first low-sample metric `item` reads, if any.
    fn low(&self, item: &Item) -> Option<String> {
        item.rules()
            .flat_map(|r| r.vars.iter())
            .filter(|(root, _)| root == "metrics")
            .filter_map(|(_, f)| f.as_deref())
            .find_map(|f| {
                let n = self.metrics.base(f)?;
                (n < self.min).then(|| {
                    let label = crate::analytics::metric_label(f);
                    format!(
                        "not judged: {} is based on {} {}; at least {} are needed",
                        label.map(|l| l.label).unwrap_or(f),
                        n,
                        label.map(|l| l.base_unit).unwrap_or("customers"),
                        self.min
                    )
                })
            })
    }
}

/// Evaluates one item in one context. `None` when `when` is false.
pub(super) fn evaluate(
    item: &Item,
    ctx: &Value,
    ds: &Dataset,
    samples: &Samples,
    warnings: &mut Vec<Diagnostic>,
) -> Option<ItemResult> {
    let result = |status, note: String| ItemResult {
        item: item.id.clone(),
        status,
        weight: item.weight,
        note,
        gap: None,
    };
    let missing = |(note, gap): (String, Option<&'static str>)| ItemResult {
        gap,
        ..result(Status::NotApplicable, note)
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
            Outcome::Missing(n) => return Some(missing(n)),
            Outcome::Error(e) => return Some(rule_error(e)),
        }
    }
    if let Some(note) = samples.low(item) {
        return Some(result(Status::NotApplicable, note));
    }
    let seen = |status| super::notes::judged(item, status, ctx);
    match run(&item.pass, ctx, ds) {
        Outcome::Missing(n) => Some(missing(n)),
        Outcome::Error(e) => Some(rule_error(e)),
        Outcome::Value(true) => Some(result(Status::Pass, seen(Status::Pass))),
        Outcome::Value(false) => match item.partial.as_ref().map(|p| run(p, ctx, ds)) {
            Some(Outcome::Value(true)) => Some(result(Status::Partial, seen(Status::Partial))),
            Some(Outcome::Missing((n, _))) => Some(result(
                Status::Fail,
                format!("{}; half marks not checked ({n})", seen(Status::Fail)),
            )),
            Some(Outcome::Error(e)) => Some(rule_error(e)),
            _ => Some(result(Status::Fail, seen(Status::Fail))),
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
