//! The note beside each result, in words a marketing manager reads: what was
//! seen, the target, and how far off it is — never the rule's expression.

use minijinja::Value;

use super::Status;
use crate::analytics::{MetricKind, metric_label};
use crate::checklist::Item;
use crate::checklist::rules::lookup;
use crate::model::format as fmt;

/// A touchpoint field as a reader names it, and how its value reads.
fn touchpoint_figure(field: &str) -> Option<(&'static str, MetricKind)> {
    use MetricKind::{Count, Money, Number, Other, Share};
    Some(match field {
        "objective" => ("Objective", Other),
        "feedback_loop" => ("Collects feedback", Other),
        "personalized" => ("Personalised", Other),
        "stages" => ("Ladder stages served", Other),
        "cadence_days" => ("Contact interval in days", Number),
        "channel" => ("Channel", Other),
        "owner" => ("Run by", Other),
        "response_rate" => ("Response rate", Share),
        "reach" => ("Reach", Count),
        "responses" => ("Responses", Count),
        "reached" => ("Customers reached", Count),
        "reached_share" => ("Share of customers reached", Share),
        "active_rate_reached" => ("Active rate of customers reached", Share),
        "active_rate_not_reached" => ("Active rate of customers not reached", Share),
        "lift" => ("Activity lift of customers reached", Number),
        "revenue_reached" => ("Revenue of customers reached", Money),
        "revenue_per_reached" => ("Revenue per customer reached", Money),
        "spend_per_reached" => ("Spend per customer reached", Money),
        "spend_share" => ("Share of spend", Share),
        "spend" => ("Spend", Money),
        _ => return None,
    })
}

/// How a figure named by a rule path reads: its label and kind. `None` for
/// anything but one figure (sums, products, the touchpoint's P).
fn figure_of(path: &str) -> Option<(String, MetricKind)> {
    let path = path.trim();
    let (path, counted) = match path.strip_suffix("|length") {
        Some(p) => (p.trim(), true),
        None => (path, false),
    };
    let word = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let mut parts = path.splitn(3, '.');
    let (root, field, sub) = (parts.next()?, parts.next()?, parts.next());
    if !word(field) || sub.is_some_and(|k| !word(k)) {
        return None;
    }
    let (label, kind) = match (root, sub) {
        ("metrics", None) => {
            let l = metric_label(field)?;
            (l.label.to_string(), l.kind)
        }
        ("metrics", Some(key)) => {
            let l = metric_label(field)?;
            let key = key.replace('_', " ");
            match field {
                "defection_reasons" => (
                    format!("Lost customers who left over {key}"),
                    MetricKind::Count,
                ),
                f if f.starts_with("spend_by") => {
                    (format!("{}, {key}", l.label), MetricKind::Money)
                }
                _ => (format!("{}, {key}", l.label), MetricKind::Count),
            }
        }
        ("touchpoint", None) => {
            let (l, k) = touchpoint_figure(field)?;
            (l.to_string(), k)
        }
        _ => return None,
    };
    Some(if counted {
        (format!("{label} (how many)"), MetricKind::Count)
    } else {
        (label, kind)
    })
}

/// A value as the reports write it.
fn value(v: f64, kind: MetricKind) -> String {
    match kind {
        MetricKind::Share => fmt::pct(Some(v)),
        MetricKind::Money => fmt::money(Some(v), ""),
        MetricKind::Count => fmt::group(v, 0),
        _ => fmt::num(Some((v * 10.0).round() / 10.0)),
    }
}

/// The distance between figure and target, in the figure's terms.
fn gap(by: f64, kind: MetricKind) -> String {
    match kind {
        MetricKind::Share => format!("{:.1} percentage points", 100.0 * by),
        _ => value(by, kind),
    }
}

/// "at least 30.0%" for a comparison's operator and target.
fn target_words(op: &str, target: String) -> String {
    let words = match op {
        ">=" => "at least",
        ">" => "above",
        "<=" => "at most",
        "<" => "below",
        _ => "exactly",
    };
    format!("{words} {target}")
}

/// The note of a judged result: "Share of spend on retention is 28.2%;
/// target at least 30.0% (half marks from 20.0%); 1.8 percentage points short."
pub(super) fn judged(item: &Item, status: Status, ctx: &Value) -> String {
    let pass = item.pass.comparison.as_ref();
    if let Some(c) = pass
        && let Some((figure, target)) = c.values(ctx)
    {
        let (mut note, kind) = match figure_of(&c.figure) {
            Some((label, kind)) => (format!("{label} is {}", value(figure, kind)), kind),
            None => {
                let kind = MetricKind::Number;
                let parts = seen(item, ctx);
                let lead = if parts.is_empty() {
                    String::new()
                } else {
                    format!("{parts}; ")
                };
                (format!("{lead}together {}", value(figure, kind)), kind)
            }
        };
        note.push_str(&format!(
            "; target {}",
            target_words(c.op, value(target, kind))
        ));
        if let Some(p) = item.partial.as_ref().and_then(|p| p.comparison.as_ref())
            && p.figure == c.figure
            && let Some((_, half)) = p.values(ctx)
        {
            note.push_str(&format!(" (half marks from {})", value(half, kind)));
        }
        if status != Status::Pass {
            let by = (target - figure).abs();
            let direction = if c.op.starts_with('>') {
                "short"
            } else {
                "over"
            };
            note.push_str(&format!("; {} {direction}", gap(by, kind)));
        }
        return fmt::capitalised(&note);
    }
    fmt::capitalised(&seen(item, ctx))
}

/// "Seen: …" for rules that are not one comparison: every figure they read, in words.
fn seen(item: &Item, ctx: &Value) -> String {
    let mut parts: Vec<String> = Vec::new();
    // The figures the judgement reads; `when` only selects where it applies.
    let rules = std::iter::once(&item.pass).chain(item.partial.as_ref());
    for rule in rules {
        for (root, field) in &rule.vars {
            let Some(f) = field else { continue };
            if root == "params" {
                continue;
            }
            let Some(v) = lookup(ctx, root, Some(f)) else {
                continue;
            };
            let path = format!("{root}.{f}");
            let Some((label, kind)) = figure_of(&path) else {
                continue;
            };
            let text = match f64::try_from(v.clone()) {
                Ok(n) if v.kind() == minijinja::value::ValueKind::Number => value(n, kind),
                _ => words(&v),
            };
            let part = format!("{label}: {text}");
            if !parts.contains(&part) {
                parts.push(part);
            }
        }
    }
    parts.join("; ")
}

/// A list, map, yes/no or text value in words.
fn words(v: &Value) -> String {
    use minijinja::value::ValueKind;
    match v.kind() {
        ValueKind::Bool | ValueKind::Undefined | ValueKind::None if !v.is_true() => "no".into(),
        ValueKind::Bool => "yes".into(),
        ValueKind::Seq => {
            let items: Vec<String> = v
                .try_iter()
                .map(|it| it.map(|x| words(&x)).collect())
                .unwrap_or_default();
            if items.is_empty() {
                "none".into()
            } else {
                items.join(", ")
            }
        }
        ValueKind::Map => {
            let items: Vec<String> = v
                .try_iter()
                .map(|it| {
                    it.map(|k| {
                        let x = v.get_item(&k).map(|x| words(&x)).unwrap_or_default();
                        format!("{} {x}", k.to_string().replace('_', " "))
                    })
                    .collect()
                })
                .unwrap_or_default();
            items.join(", ")
        }
        ValueKind::Number => f64::try_from(v.clone())
            .map(|n| fmt::num(Some((n * 10.0).round() / 10.0)))
            .unwrap_or_else(|_| v.to_string()),
        _ => crate::input::row::truncate(&v.to_string().replace('_', " "), 60),
    }
}
