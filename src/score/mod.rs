//! Scoring: evaluates every checklist item against the client's touchpoints and
//! portfolio and produces the one result model all reports render.
//!
//! Status points: pass 1, partial ½, fail 0; n/a and waived are left out of
//! both numerator and denominator (SPEC §3).

use std::collections::BTreeMap;

mod evaluate;
mod findings;
pub mod gaps;
mod notes;

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
    /// The data gap ([`gaps::NEEDS`] key) that left it n/a, if a missing column did.
    #[serde(skip)]
    pub gap: Option<&'static str>,
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
    /// Spend rows of this P.
    pub touchpoints: usize,
    /// Checks of this P that produced pass, partial or fail.
    pub checks_assessed: usize,
    /// Checks of this P that applied: assessed, n/a for missing data or too
    /// small a sample (waived checks are a decision, not a gap, and are left out).
    pub checks_total: usize,
    /// How far the score can be relied on.
    pub confidence: Confidence,
}

/// A weakness worth fixing, ranked by the points its fix would add.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Item id (none for a P that could not be assessed).
    pub item: Option<String>,
    /// `item`, `not_assessed` (a P no check could judge) or `no_touchpoint`
    /// (a P without a spend row).
    pub kind: &'static str,
    /// For item findings: `fail`, or `partial` when it is only partly met everywhere.
    pub status: Option<&'static str>,
    /// Points the overall score would rise if the item passed everywhere it
    /// falls short (null for findings about a whole P).
    pub score_gain: Option<f64>,
    /// The P concerned.
    pub p: P,
    /// What good looks like.
    pub title: String,
    /// Touchpoints that fall short (empty for portfolio items).
    pub touchpoints: Vec<String>,
    /// Spend of those touchpoints (null for portfolio items, which judge the
    /// whole client rather than particular spend).
    pub spend_affected: Option<f64>,
    /// Item weight.
    pub weight: f64,
    /// Why it matters.
    pub why: String,
    /// How to fix it.
    pub fix: String,
}

impl Finding {
    /// The kind of shortfall in words, for reports.
    pub fn kind_label(&self) -> &'static str {
        match (self.kind, self.status) {
            ("item", Some("partial")) => "partly met",
            ("item", _) => "not met",
            ("no_touchpoint", _) => "no touchpoint",
            _ => "not assessed",
        }
    }
}

/// The scored audit.
#[derive(Debug, Clone, Serialize)]
pub struct Scores {
    /// Overall score.
    pub score: Option<f64>,
    /// Checks that produced pass, partial or fail, over all Ps.
    pub checks_assessed: usize,
    /// Checks that applied (assessed or n/a), over all Ps.
    pub checks_total: usize,
    /// How far the overall score can be relied on.
    pub confidence: Confidence,
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
    /// Columns the inputs lack and the checks they left unjudged.
    pub data_gaps: Vec<gaps::DataGap>,
    /// Waivers applied.
    pub waivers: Vec<Waiver>,
    /// Notes for the user.
    pub warnings: Vec<crate::error::Diagnostic>,
}

/// Weighted mean of status points: Σ w·points / Σ w over counted results, ×100.
pub fn weighted_score<'a>(results: impl IntoIterator<Item = &'a ItemResult>) -> Option<f64> {
    weighted(results.into_iter().map(|r| (r.weight, r.status)))
}

/// [`weighted_score`] over (weight, status) pairs, so a rescoring can
/// substitute statuses without copying the results.
fn weighted(results: impl Iterator<Item = (f64, Status)>) -> Option<f64> {
    let (mut num, mut den) = (0.0, 0.0);
    for (weight, status) in results {
        if let Some(p) = status.points() {
            num += weight * p;
            den += weight;
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
    let samples = evaluate::Samples {
        metrics: &analysis.metrics,
        min: analysis.params.min_sample.max(0.0).round() as u64,
    };
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
                    let mut r = evaluate(i, &ctx, ds, &samples, &mut warnings)?;
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
            let mut r = evaluate(i, &pctx, ds, &samples, &mut warnings)?;
            if let Some(w) = waiver_for(&waivers, &i.id, None) {
                r.status = Status::Waived;
                r.note = format!("waived: {}", w.reason);
            }
            Some(r)
        })
        .collect();

    let tally = Tally {
        checklist,
        ds,
        touchpoints: &touchpoints,
        portfolio: &portfolio_items,
    };
    let (ps, overall) = tally.scores(None);
    let findings = findings(&tally, &ps, overall);
    let (checks_assessed, checks_total) = ps.iter().fold((0, 0), |(a, t), p| {
        (a + p.checks_assessed, t + p.checks_total)
    });
    let confidence = Confidence::overall(&ps, checks_assessed, checks_total);
    let data_gaps = gaps::data_gaps(ds, &touchpoints, &portfolio_items);
    Ok(Scores {
        score: overall,
        checks_assessed,
        checks_total,
        confidence,
        rating: overall
            .map(|s| checklist.ratings.rate(s))
            .unwrap_or("not assessed"),
        ps,
        touchpoints,
        portfolio_items,
        findings,
        data_gaps,
        waivers,
        warnings,
    })
}

/// How far a score can be relied on, from how many of its checks could be
/// judged (rules in the README, "Confidence").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Fewer than half the checks judged, fewer than three judged, or no touchpoint.
    Low,
    /// At least half, but not three quarters, of the checks judged.
    Medium,
    /// Three quarters or more of the checks judged, at least five of them.
    High,
}

impl Confidence {
    /// The confidence of one P.
    pub fn of(assessed: usize, total: usize, touchpoints: usize) -> Confidence {
        let share = if total == 0 {
            0.0
        } else {
            assessed as f64 / total as f64
        };
        if touchpoints == 0 || assessed < 3 || share < 0.5 {
            Confidence::Low
        } else if share < 0.75 || assessed < 5 {
            Confidence::Medium
        } else {
            Confidence::High
        }
    }

    /// The overall confidence: the rule on all checks, and no higher than
    /// medium while any P is low.
    pub fn overall(ps: &[PScore], assessed: usize, total: usize) -> Confidence {
        let on_totals = Confidence::of(assessed, total, usize::MAX);
        if ps.iter().any(|p| p.confidence == Confidence::Low) {
            on_totals.min(Confidence::Medium)
        } else {
            on_totals
        }
    }

    /// The word used in reports.
    pub fn label(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// The results of one audit, for scoring and re-scoring "as if an item passed".
pub(crate) struct Tally<'a> {
    pub(crate) checklist: &'a Checklist,
    pub(crate) ds: &'a Dataset,
    pub(crate) touchpoints: &'a [TouchpointResult],
    pub(crate) portfolio: &'a [ItemResult],
}

impl Tally<'_> {
    /// Every result of P `p`'s items.
    fn results_of(&self, p: P) -> impl Iterator<Item = &ItemResult> {
        let items: Vec<&str> = self
            .checklist
            .items()
            .filter(|i| i.p == p)
            .map(|i| i.id.as_str())
            .collect();
        self.touchpoints
            .iter()
            .flat_map(|t| t.results.iter())
            .chain(self.portfolio.iter())
            .filter(move |r| items.contains(&r.item.as_str()))
    }

    /// The 7 P scores and the overall score; with `passed`, as if that item
    /// passed wherever it applies and was judged (the score a fix would give).
    pub(crate) fn scores(&self, passed: Option<&str>) -> (Vec<PScore>, Option<f64>) {
        let ps: Vec<PScore> = P::ALL.iter().map(|&p| self.p_score(p, passed)).collect();
        let (mut num, mut den) = (0.0, 0.0);
        for p in &ps {
            if let Some(s) = p.score {
                num += p.weight * s;
                den += p.weight;
            }
        }
        (ps, (den > 0.0).then(|| num / den))
    }

    fn p_score(&self, p: P, passed: Option<&str>) -> PScore {
        let section = self.checklist.sections.iter().find(|s| s.p == p);
        // The status each result counts with: as judged, or a pass where
        // `passed` fell short (a fix changes no n/a or waiver).
        let status = |r: &ItemResult| match r.status {
            Status::Fail | Status::Partial if Some(r.item.as_str()) == passed => Status::Pass,
            s => s,
        };
        let results: Vec<(f64, Status)> =
            self.results_of(p).map(|r| (r.weight, status(r))).collect();
        let touchpoints = self.ds.touchpoints.iter().filter(|t| t.p == p).count();
        let assessed = results.iter().filter(|(_, s)| s.points().is_some()).count();
        let total = results.iter().filter(|(_, s)| *s != Status::Waived).count();
        // A P without a spend row has nothing in the mix to judge: its
        // portfolio checks still show, but it gets no score (SPEC §4.1).
        let score = if touchpoints == 0 {
            None
        } else {
            weighted(results.into_iter())
        };
        PScore {
            p,
            title: section
                .map(|s| s.title.clone())
                .unwrap_or_else(|| p.title().to_string()),
            weight: section.map(|s| s.weight).unwrap_or(1.0),
            score,
            rating: score
                .map(|s| self.checklist.ratings.rate(s))
                .unwrap_or("not assessed"),
            spend: crate::model::total(
                self.ds
                    .touchpoints
                    .iter()
                    .filter(|t| t.p == p)
                    .map(|t| t.spend),
            ),
            evaluated: assessed,
            touchpoints,
            checks_assessed: assessed,
            checks_total: total,
            confidence: Confidence::of(assessed, total, touchpoints),
        }
    }
}
