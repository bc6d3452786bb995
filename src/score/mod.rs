//! Scoring: evaluates every checklist item against the client's touchpoints and
//! portfolio and produces the one result model all reports render.
//!
//! Status points: pass 1, partial ½, fail 0; n/a and waived are left out of
//! both numerator and denominator (SPEC §3).

use std::collections::BTreeMap;

mod evaluate;
mod findings;

use minijinja::Value;
use serde::Serialize;

use crate::analytics::Analysis;
use crate::checklist::{Checklist, Scope};
use crate::input::config::Waiver;
use crate::model::{Dataset, P};
use evaluate::evaluate;
pub use evaluate::touchpoint_value;
pub use findings::check_waivers;
use findings::{active_waivers, findings, waiver_for};

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

    /// The Matrix sheet's mark: ✓ ½ ✗, blank for n/a, W for waived.
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
    pub warnings: Vec<crate::error::Diagnostic>,
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

/// Scores the whole checklist.
pub fn score(
    ds: &Dataset,
    analysis: &Analysis,
    checklist: &Checklist,
    waivers: &[Waiver],
) -> crate::error::Result<Scores> {
    let mut warnings = Vec::new();
    let waivers = active_waivers(analysis, waivers, &mut warnings);
    let metrics = Value::from(minijinja::value::Serde(&analysis.metrics));
    let params = Value::from(analysis.params.all());
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
