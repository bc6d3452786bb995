//! Waivers in force and the ranked findings.

use super::{Finding, PScore, Status, Tally, TouchpointResult};
use crate::analytics::Analysis;
use crate::checklist::{Checklist, Scope};
use crate::error::{Code, Diagnostic};
use crate::input::config::{Waiver, parse_iso};
use crate::model::Dataset;

pub(super) fn waiver_for<'a>(
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

/// Checks every waiver against the checklist and the spend sheet, reporting
/// all bad ones at once with their audit.yaml line (run by `check` too).
pub fn check_waivers(
    ds: Option<&Dataset>,
    checklist: &Checklist,
    cfg: &crate::input::Config,
) -> crate::error::Result<()> {
    let mut problems = crate::error::Problems::default();
    let text = cfg
        .path
        .as_ref()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .unwrap_or_default();
    let file = cfg.path.clone().unwrap_or_else(|| "audit.yaml".into());
    let norm = crate::input::fields::normalize;
    for w in &cfg.waivers {
        let line = text
            .lines()
            .position(|l| {
                l.trim_start()
                    .trim_start_matches("- ")
                    .trim_start()
                    .strip_prefix("item:")
                    .is_some_and(|v| v.trim().trim_matches(['"', '\'']) == w.item)
            })
            .map(|i| i + 1);
        let at = || {
            crate::error::Location::file(&file)
                .at_line(line)
                .item(&w.item)
        };
        let Some(item) = checklist.items().find(|i| i.id == w.item) else {
            let ids: Vec<&str> = checklist.items().map(|i| i.id.as_str()).collect();
            problems.push(crate::error::Problem::new(
                Code::WaiverUnknownItem,
                at(),
                format!(
                    "a waiver names unknown item `{}`{}",
                    w.item,
                    crate::error::suggest(&w.item, &ids)
                ),
                "an item id of the checklist",
            ));
            continue;
        };
        if let Some(t) = &w.touchpoint {
            if item.scope == Scope::Portfolio {
                problems.push(crate::error::Problem::new(
                    Code::WaiverTouchpoint,
                    at(),
                    format!(
                        "the waiver names touchpoint \"{t}\", but {} is a portfolio item",
                        w.item
                    ),
                    "no `touchpoint:` for a portfolio item (it is waived for the whole client)",
                ));
            } else if let Some(ds) = ds
                && !ds.touchpoints.iter().any(|x| norm(&x.name) == norm(t))
            {
                problems.push(crate::error::Problem::new(
                    Code::WaiverTouchpoint,
                    at(),
                    format!(
                        "the waiver names touchpoint \"{t}\", which the spend sheet does not list"
                    ),
                    "a touchpoint name from the spend sheet",
                ));
            }
        }
    }
    problems.into_result()
}

/// The waivers in force at the audit date; expired ones are dropped with a warning.
pub(super) fn active_waivers(
    analysis: &Analysis,
    waivers: &[Waiver],
    warnings: &mut Vec<Diagnostic>,
) -> Vec<Waiver> {
    let mut kept = Vec::new();
    for w in waivers {
        if let Some(exp) = w.expires.as_deref().and_then(parse_iso)
            && exp < analysis.as_of
        {
            warnings.push(Diagnostic::new(
                Code::WaiverExpired,
                format!(
                    "waiver for {} expired on {exp} (before the audit date {}); ignored",
                    w.item, analysis.as_of
                ),
            ));
            continue;
        }
        kept.push(w.clone());
    }
    kept
}

/// The findings, ranked by the points each fix would add to the overall
/// score (`score_gain`), then by id; findings about a whole P, which no single
/// fix scores, follow.
pub(super) fn findings(tally: &Tally, ps: &[PScore], overall: Option<f64>) -> Vec<Finding> {
    let mut out = Vec::new();
    for item in tally.checklist.items() {
        let (status, touchpoints, spend) = match item.scope {
            Scope::Touchpoint => {
                let short: Vec<(&TouchpointResult, Status)> = tally
                    .touchpoints
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
                let spend = crate::model::total(short.iter().map(|(t, _)| t.spend));
                (
                    if all_partial { "partial" } else { "fail" },
                    short.iter().map(|(t, _)| t.name.clone()).collect(),
                    Some(spend),
                )
            }
            Scope::Portfolio => {
                let Some(r) = tally.portfolio.iter().find(|r| r.item == item.id) else {
                    continue;
                };
                match r.status {
                    Status::Fail => ("fail", vec![], None),
                    Status::Partial => ("partial", vec![], None),
                    _ => continue,
                }
            }
        };
        let fixed = tally.scores(Some(&item.id)).1;
        let score_gain = match (fixed, overall) {
            (Some(f), Some(o)) => Some((f - o).max(0.0)),
            (Some(f), None) => Some(f),
            _ => Some(0.0),
        };
        out.push(Finding {
            item: Some(item.id.clone()),
            kind: "item",
            status: Some(status),
            score_gain,
            p: item.p,
            title: item.title.clone(),
            touchpoints,
            spend_affected: spend,
            weight: item.weight,
            why: item.why.clone(),
            fix: item.fix.clone(),
        });
    }
    for p in ps.iter().filter(|p| p.touchpoints == 0) {
        out.push(Finding {
            item: None,
            kind: "no_touchpoint",
            status: None,
            score_gain: None,
            p: p.p,
            title: format!("{} has no touchpoint in the spend plan", p.title),
            touchpoints: vec![],
            spend_affected: None,
            weight: p.weight,
            why: "Every part of the mix should work toward keeping customers; a P with no planned activity and no budget is a P nobody manages.".into(),
            fix: format!(
                "Record the {} activities the business runs (even those without a budget line) in the spend sheet, with objective and ladder stage, so they can be judged.",
                p.title.to_lowercase()
            ),
        });
    }
    for p in ps.iter().filter(|p| p.touchpoints > 0 && p.score.is_none()) {
        out.push(Finding {
            item: None,
            kind: "not_assessed",
            status: None,
            score_gain: None,
            p: p.p,
            title: format!("{} could not be assessed: no check could be judged with these inputs", p.title),
            touchpoints: vec![],
            spend_affected: Some(p.spend),
            weight: p.weight,
            why: "A P nobody measures is a P nobody manages; every part of the mix should work toward customer satisfaction.".into(),
            fix: "Add the columns listed under Data gaps to the inputs, so the checks of this P can be judged.".into(),
        });
    }
    out.sort_by(|a, b| {
        let gain = |f: &Finding| f.score_gain.unwrap_or(f64::NEG_INFINITY);
        gain(b)
            .total_cmp(&gain(a))
            .then_with(|| b.weight.total_cmp(&a.weight))
            .then_with(|| a.item.cmp(&b.item))
    });
    out
}
