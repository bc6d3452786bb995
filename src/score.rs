//! Scoring: evaluates every checklist item against the client's touchpoints and
//! portfolio and produces the one result model all reports render.
//!
//! Status points: pass 1, partial ½, fail 0; n/a and waived are left out of
//! both numerator and denominator (SPEC §3).

use std::collections::BTreeMap;

use minijinja::Value;
use serde::Serialize;

use crate::analytics::{Analysis, TouchpointFacts};
use crate::checklist::rules::lookup;
use crate::checklist::{Checklist, Item, Rule, Scope};
use crate::input::config::{Waiver, parse_iso};
use crate::input::fields::SPEND_FIELDS;
use crate::model::{Dataset, Extra, P, Touchpoint};

/// The outcome of one item for one touchpoint (or the portfolio).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Status {
    /// Meets the item.
    #[serde(rename = "pass")]
    Pass,
    /// Half way.
    #[serde(rename = "partial")]
    Partial,
    /// Does not meet it.
    #[serde(rename = "fail")]
    Fail,
    /// The inputs lack what the rule needs.
    #[serde(rename = "n/a")]
    NotApplicable,
    /// Waived in audit.yaml.
    #[serde(rename = "waived")]
    Waived,
}

impl Status {
    /// Points earned, or `None` when the result does not count.
    pub fn points(self) -> Option<f64> {
        match self {
            Status::Pass => Some(1.0),
            Status::Partial => Some(0.5),
            Status::Fail => Some(0.0),
            Status::NotApplicable | Status::Waived => None,
        }
    }

    /// The word used in reports.
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Partial => "partial",
            Status::Fail => "fail",
            Status::NotApplicable => "n/a",
            Status::Waived => "waived",
        }
    }

    /// The Matrix sheet's mark (blank for results that do not count).
    pub fn mark(self) -> &'static str {
        match self {
            Status::Pass => "✓",
            Status::Partial => "½",
            Status::Fail => "✗",
            Status::NotApplicable => "",
            Status::Waived => "W",
        }
    }
}

/// One item's result.
#[derive(Debug, Clone, Serialize)]
pub struct ItemResult {
    /// Item id.
    pub item: String,
    /// Outcome.
    pub status: Status,
    /// Item weight.
    pub weight: f64,
    /// Why this outcome: the values the rule saw, the missing column, or the waiver reason.
    pub note: String,
}

/// One touchpoint's results.
#[derive(Debug, Clone, Serialize)]
pub struct TouchpointResult {
    /// Name.
    pub name: String,
    /// Its P.
    pub p: P,
    /// Spend.
    pub spend: f64,
    /// Score 0–100 over applicable items (null when none applies).
    pub score: Option<f64>,
    /// Rating of the score.
    pub rating: Option<&'static str>,
    /// One result per item whose `when` holds.
    pub results: Vec<ItemResult>,
}

/// One P's score.
#[derive(Debug, Clone, Serialize)]
pub struct PScore {
    /// The P's key.
    pub p: P,
    /// Its display name.
    pub title: String,
    /// Weight in the overall score.
    pub weight: f64,
    /// Score 0–100, null when not assessed.
    pub score: Option<f64>,
    /// green / amber / red / not assessed.
    pub rating: &'static str,
    /// Spend on touchpoints of this P.
    pub spend: f64,
    /// Results that counted.
    pub evaluated: usize,
}

/// A weakness worth fixing, ranked by weight × spend affected.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Item id (none for a P that could not be assessed).
    pub item: Option<String>,
    /// fail, partial or not_assessed.
    pub kind: &'static str,
    /// The P concerned.
    pub p: P,
    /// What good looks like.
    pub title: String,
    /// Touchpoints that fall short (empty for portfolio items).
    pub touchpoints: Vec<String>,
    /// Spend of those touchpoints (the P's spend for portfolio items).
    pub spend_affected: f64,
    /// Item weight.
    pub weight: f64,
    /// weight × spend affected × the share of points missed: the ranking key.
    pub impact: f64,
    /// Why it matters.
    pub why: String,
    /// How to fix it.
    pub fix: String,
}

/// The scored audit.
#[derive(Debug, Clone, Serialize)]
pub struct Scores {
    /// Overall score.
    pub score: Option<f64>,
    /// Its rating.
    pub rating: &'static str,
    /// All 7 Ps.
    pub ps: Vec<PScore>,
    /// Per touchpoint.
    pub touchpoints: Vec<TouchpointResult>,
    /// Portfolio items.
    pub portfolio_items: Vec<ItemResult>,
    /// Ranked findings.
    pub findings: Vec<Finding>,
    /// Waivers applied.
    pub waivers: Vec<Waiver>,
    /// Notes for the user.
    pub warnings: Vec<String>,
}

/// Weighted mean of status points: Σ w·points / Σ w over counted results, ×100.
pub fn weighted_score<'a>(results: impl IntoIterator<Item = &'a ItemResult>) -> Option<f64> {
    let (mut num, mut den) = (0.0, 0.0);
    for r in results {
        if let Some(p) = r.status.points() {
            num += r.weight * p;
            den += r.weight;
        }
    }
    (den > 0.0).then(|| 100.0 * num / den)
}

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
        _ => {
            let s = v.to_string();
            if s.chars().count() > 60 {
                format!("{}…", s.chars().take(60).collect::<String>())
            } else {
                s
            }
        }
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
    match root {
        "touchpoint" if SPEND_FIELDS.iter().any(|x| x.name == f) => {
            if ds.spend_fields.has(f) || matches!(f, "name" | "p" | "spend") {
                format!("needs `{f}`, which is empty for this touchpoint")
            } else {
                format!("needs column `{f}`, which {spend_file} lacks")
            }
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
fn evaluate(
    item: &Item,
    ctx: &Value,
    ds: &Dataset,
    warnings: &mut Vec<String>,
) -> Option<ItemResult> {
    let result = |status, note: String| ItemResult {
        item: item.id.clone(),
        status,
        weight: item.weight,
        note,
    };
    let mut rule_error = |e: String| {
        warnings.push(format!("item {}: rule error: {e}", item.id));
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
    let has = |k: &str| ds.spend_fields.has(k);
    m.insert("name".into(), Value::from(t.name.clone()));
    m.insert("p".into(), Value::from(t.p.key()));
    m.insert("spend".into(), Value::from(t.spend));
    m.insert("spend_share".into(), opt(f.spend_share));
    m.insert("objective".into(), Value::from(t.objective.key()));
    m.insert(
        "stages".into(),
        if has("stage") {
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

fn waiver_for<'a>(
    waivers: &'a [Waiver],
    item: &str,
    touchpoint: Option<&str>,
) -> Option<&'a Waiver> {
    let norm = crate::input::fields::normalize;
    waivers.iter().find(|w| {
        w.item == item
            && match (&w.touchpoint, touchpoint) {
                (None, _) => true,
                (Some(wt), Some(t)) => norm(wt) == norm(t),
                (Some(_), None) => false,
            }
    })
}

/// Scores the whole checklist.
pub fn score(
    ds: &Dataset,
    analysis: &Analysis,
    checklist: &Checklist,
    waivers: &[Waiver],
) -> crate::error::Result<Scores> {
    let mut warnings = Vec::new();
    let waivers = active_waivers(ds, analysis, checklist, waivers, &mut warnings)?;
    let metrics = Value::from(minijinja::value::Serde(&analysis.metrics));
    let params = Value::from(analysis.params.values.clone());
    let mut touchpoints: Vec<TouchpointResult> = ds
        .touchpoints
        .iter()
        .zip(&analysis.touchpoints)
        .map(|(t, f)| {
            let ctx = Value::from(BTreeMap::from([
                ("touchpoint", touchpoint_value(ds, t, f)),
                ("metrics", metrics.clone()),
                ("params", params.clone()),
            ]));
            let results = checklist
                .items()
                .filter(|i| i.scope == Scope::Touchpoint)
                .filter_map(|i| {
                    let mut r = evaluate(i, &ctx, ds, &mut warnings)?;
                    if let Some(w) = waiver_for(&waivers, &i.id, Some(&t.name)) {
                        r.status = Status::Waived;
                        r.note = format!("waived: {}", w.reason);
                    }
                    Some(r)
                })
                .collect::<Vec<_>>();
            TouchpointResult {
                name: t.name.clone(),
                p: t.p,
                spend: t.spend,
                score: None,
                rating: None,
                results,
            }
        })
        .collect();
    for t in &mut touchpoints {
        t.score = weighted_score(&t.results);
        t.rating = t.score.map(|s| checklist.ratings.rate(s));
    }
    let pctx = Value::from(BTreeMap::from([
        ("metrics", metrics.clone()),
        ("params", params.clone()),
    ]));
    let portfolio_items: Vec<ItemResult> = checklist
        .items()
        .filter(|i| i.scope == Scope::Portfolio)
        .filter_map(|i| {
            let mut r = evaluate(i, &pctx, ds, &mut warnings)?;
            if let Some(w) = waiver_for(&waivers, &i.id, None) {
                r.status = Status::Waived;
                r.note = format!("waived: {}", w.reason);
            }
            Some(r)
        })
        .collect();

    let item_p: BTreeMap<&str, P> = checklist.items().map(|i| (i.id.as_str(), i.p)).collect();
    let ps: Vec<PScore> = P::ALL
        .iter()
        .map(|&p| {
            let section = checklist.sections.iter().find(|s| s.p == p);
            let results: Vec<&ItemResult> = touchpoints
                .iter()
                .flat_map(|t| t.results.iter())
                .chain(portfolio_items.iter())
                .filter(|r| item_p.get(r.item.as_str()) == Some(&p))
                .collect();
            let score = weighted_score(results.iter().copied());
            PScore {
                p,
                title: section
                    .map(|s| s.title.clone())
                    .unwrap_or_else(|| p.title().to_string()),
                weight: section.map(|s| s.weight).unwrap_or(1.0),
                score,
                rating: score
                    .map(|s| checklist.ratings.rate(s))
                    .unwrap_or("not assessed"),
                spend: crate::model::total(
                    ds.touchpoints.iter().filter(|t| t.p == p).map(|t| t.spend),
                ),
                evaluated: results
                    .iter()
                    .filter(|r| r.status.points().is_some())
                    .count(),
            }
        })
        .collect();
    let (mut num, mut den) = (0.0, 0.0);
    for p in &ps {
        if let Some(s) = p.score {
            num += p.weight * s;
            den += p.weight;
        }
    }
    let overall = (den > 0.0).then(|| num / den);
    let findings = findings(ds, checklist, &touchpoints, &portfolio_items, &ps);
    Ok(Scores {
        score: overall,
        rating: overall
            .map(|s| checklist.ratings.rate(s))
            .unwrap_or("not assessed"),
        ps,
        touchpoints,
        portfolio_items,
        findings,
        waivers,
        warnings,
    })
}

/// Validates waivers against the checklist and touchpoints; drops expired ones with a warning.
fn active_waivers(
    ds: &Dataset,
    analysis: &Analysis,
    checklist: &Checklist,
    waivers: &[Waiver],
    warnings: &mut Vec<String>,
) -> crate::error::Result<Vec<Waiver>> {
    let mut kept = Vec::new();
    for w in waivers {
        let Some(item) = checklist.items().find(|i| i.id == w.item) else {
            let ids: Vec<&str> = checklist.items().map(|i| i.id.as_str()).collect();
            let near = ids
                .iter()
                .max_by(|a, b| {
                    strsim::jaro_winkler(a, &w.item).total_cmp(&strsim::jaro_winkler(b, &w.item))
                })
                .copied()
                .unwrap_or_default();
            return Err(crate::error::Error::Usage(format!(
                "audit.yaml: waiver for unknown item `{}` (did you mean `{near}`?)",
                w.item
            )));
        };
        if let Some(t) = &w.touchpoint {
            let norm = crate::input::fields::normalize;
            if item.scope == Scope::Portfolio {
                return Err(crate::error::Error::Usage(format!(
                    "audit.yaml: waiver for `{}` names touchpoint \"{t}\", but {} is a portfolio item (omit `touchpoint:`)",
                    w.item, w.item
                )));
            }
            if !ds.touchpoints.iter().any(|x| norm(&x.name) == norm(t)) {
                return Err(crate::error::Error::Usage(format!(
                    "audit.yaml: waiver for `{}` names touchpoint \"{t}\", which the spend sheet does not list",
                    w.item
                )));
            }
        }
        if let Some(exp) = w.expires.as_deref().and_then(parse_iso)
            && exp < analysis.as_of
        {
            warnings.push(format!(
                "waiver for {} expired on {exp} (before the audit date {}); ignored",
                w.item, analysis.as_of
            ));
            continue;
        }
        kept.push(w.clone());
    }
    Ok(kept)
}

fn findings(
    ds: &Dataset,
    checklist: &Checklist,
    tps: &[TouchpointResult],
    portfolio: &[ItemResult],
    ps: &[PScore],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for item in checklist.items() {
        let (kind, touchpoints, spend, missed) = match item.scope {
            Scope::Touchpoint => {
                let short: Vec<(&TouchpointResult, Status)> = tps
                    .iter()
                    .filter_map(|t| {
                        t.results
                            .iter()
                            .find(|r| r.item == item.id)
                            .map(|r| (t, r.status))
                    })
                    .filter(|(_, s)| matches!(s, Status::Fail | Status::Partial))
                    .collect();
                if short.is_empty() {
                    continue;
                }
                let all_partial = short.iter().all(|(_, s)| *s == Status::Partial);
                let spend: f64 = crate::model::total(short.iter().map(|(t, _)| t.spend));
                let missed: f64 = crate::model::total(
                    short
                        .iter()
                        .map(|(t, s)| t.spend * (1.0 - s.points().unwrap_or(0.0))),
                );
                let kind = if all_partial { "partial" } else { "fail" };
                (
                    kind,
                    short.iter().map(|(t, _)| t.name.clone()).collect(),
                    spend,
                    missed,
                )
            }
            Scope::Portfolio => {
                let Some(r) = portfolio.iter().find(|r| r.item == item.id) else {
                    continue;
                };
                let spend = crate::model::total(
                    ds.touchpoints
                        .iter()
                        .filter(|t| t.p == item.p)
                        .map(|t| t.spend),
                );
                match r.status {
                    Status::Fail => ("fail", vec![], spend, spend),
                    Status::Partial => ("partial", vec![], spend, spend * 0.5),
                    _ => continue,
                }
            }
        };
        out.push(Finding {
            item: Some(item.id.clone()),
            kind,
            p: item.p,
            title: item.title.clone(),
            touchpoints,
            spend_affected: spend,
            weight: item.weight,
            impact: item.weight * missed,
            why: item.why.clone(),
            fix: item.fix.clone(),
        });
    }
    for p in ps.iter().filter(|p| p.score.is_none()) {
        out.push(Finding {
            item: None,
            kind: "not_assessed",
            p: p.p,
            title: format!("{} could not be assessed: no checklist item applies with these inputs", p.title),
            touchpoints: vec![],
            spend_affected: p.spend,
            weight: p.weight,
            impact: p.weight * p.spend,
            why: "A P nobody measures is a P nobody manages; every part of the mix should work toward customer satisfaction.".into(),
            fix: format!("Record {} touchpoints in the spend sheet with the columns the checklist reads, or add checklist items for it.", p.title.to_lowercase()),
        });
    }
    out.sort_by(|a, b| {
        b.impact
            .total_cmp(&a.impact)
            .then_with(|| a.item.cmp(&b.item))
    });
    out
}
