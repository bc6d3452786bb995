//! Builders for the sections of the report view: each reads one part of
//! the [`Audit`] and returns formatted rows.

use super::rows::*;
use super::{metric_label, title_case};
use crate::audit::Audit;
use crate::report::format;

fn share(part: f64, total: f64) -> String {
    format::pct((total > 0.0).then(|| part / total))
}

/// The 7 Ps.
pub(super) fn ps(audit: &Audit, currency: &str) -> Vec<PRow> {
    let total = audit.analysis.metrics.spend_total;
    audit
        .scores
        .ps
        .iter()
        .map(|p| PRow {
            key: p.p.key().into(),
            title: p.title.clone(),
            confidence: p.confidence.label().into(),
            checks_label: checks_label(p.checks_assessed, p.checks_total, p.touchpoints),
            score: p.score,
            score_label: format::score(p.score),
            bar: format::bar(p.score),
            rating: p.rating.into(),
            spend: p.spend,
            spend_label: format::money(Some(p.spend), currency),
            share_label: share(p.spend, total),
            weight_label: format::num(Some(p.weight)),
        })
        .collect()
}

/// "16 of 17 checks judged", or why there is no score.
pub(super) fn checks_label(assessed: usize, total: usize, touchpoints: usize) -> String {
    if touchpoints == 0 {
        return "no touchpoint in the spend plan".into();
    }
    format!("{assessed} of {total} checks judged")
}

/// Spend per P, titled.
pub(super) fn spend_by_p(audit: &Audit, currency: &str) -> Vec<Amount> {
    let total = audit.analysis.metrics.spend_total;
    audit
        .scores
        .ps
        .iter()
        .map(|p| Amount {
            label: p.title.clone(),
            amount: p.spend,
            amount_label: format::money(Some(p.spend), currency),
            share_label: share(p.spend, total),
        })
        .collect()
}

/// Amounts of a spend breakdown, with their share of `total`.
pub(super) fn amounts(
    map: &crate::analytics::OrderedMap<f64>,
    total: f64,
    currency: &str,
) -> Vec<Amount> {
    map.0
        .iter()
        .map(|(k, v)| Amount {
            label: title_case(k),
            amount: *v,
            amount_label: format::money(Some(*v), currency),
            share_label: share(*v, total),
        })
        .collect()
}

/// The most valuable customers at high risk.
pub(super) fn at_risk(audit: &Audit, currency: &str) -> Vec<AtRiskRow> {
    crate::report::at_risk(audit, 15)
        .into_iter()
        .map(|raw| AtRiskRow {
            revenue_label: format::money(Some(raw.revenue), currency),
            purchase_label: format::num(raw.days_since_purchase.map(f64::from)),
            contact_label: format::num(raw.days_since_contact.map(f64::from)),
            raw,
        })
        .collect()
}

/// Lost customers by reason, alphabetical as summary.md has always listed them.
pub(super) fn defection(audit: &Audit) -> Vec<Count> {
    let m = &audit.analysis.metrics;
    if m.lost_with_reason == 0 {
        return Vec::new();
    }
    let mut rows: Vec<Count> = m
        .defection_reasons
        .0
        .iter()
        .map(|(k, n)| Count {
            label: k.clone(),
            value: format::num(Some(*n as f64)),
        })
        .collect();
    rows.sort_by(|a, b| a.label.cmp(&b.label));
    rows
}

/// How many lost customers the reasons cover.
pub(super) fn defection_base(audit: &Audit) -> String {
    let m = &audit.analysis.metrics;
    let min = crate::report::figures::min_sample(audit);
    let mut s = format!(
        "{} of {} lost customers gave a reason.",
        format::num(Some(m.lost_with_reason as f64)),
        format::num(Some(m.lost_customers as f64))
    );
    if m.lost_with_reason < min {
        s.push_str(&format!(
            " That is too few to judge (at least {min} needed); read the split as anecdotes."
        ));
    }
    s
}

/// Value tier × risk counts.
pub(super) fn value_risk(audit: &Audit) -> Grid {
    let vr = &audit.analysis.metrics.value_risk;
    Grid {
        rows: vr.0.iter().map(|(k, _)| title_case(k)).collect(),
        cols: vr
            .0
            .first()
            .map(|(_, r)| r.0.iter().map(|(k, _)| title_case(k)).collect())
            .unwrap_or_default(),
        counts: vr
            .0
            .iter()
            .map(|(_, r)| r.0.iter().map(|(_, n)| *n).collect())
            .collect(),
    }
}

/// Waived checks.
pub(super) fn waivers(audit: &Audit) -> Vec<WaiverRow> {
    audit
        .scores
        .waivers
        .iter()
        .map(|w| WaiverRow {
            item: w.item.clone(),
            touchpoint: w
                .touchpoint
                .clone()
                .unwrap_or_else(|| "whole client".into()),
            reason: w.reason.clone(),
            expires: w.expires.clone().unwrap_or_else(|| format::MISSING.into()),
        })
        .collect()
}

/// Key figures, in reading order, each with its base.
pub(super) fn key_figures(audit: &Audit, currency: &str) -> Vec<Figure> {
    let min = crate::report::figures::min_sample(audit);
    crate::report::figures::key_figures(audit)
        .into_iter()
        .map(|f| Figure {
            value: f.text(currency),
            note: f.note(min),
            low_sample: f.low_sample,
            label: f.label,
        })
        .collect()
}

/// The top ten findings.
pub(super) fn findings(audit: &Audit, currency: &str) -> Vec<FindingRow> {
    audit
        .scores
        .findings
        .iter()
        .take(10)
        .enumerate()
        .map(|(i, f)| {
            let mut tps = f
                .touchpoints
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            if f.touchpoints.len() > 5 {
                tps.push_str(&format!(" and {} more", f.touchpoints.len() - 5));
            }
            FindingRow {
                rank: i + 1,
                title: f.title.clone(),
                p: f.p.key().into(),
                p_title: f.p.title().into(),
                item: f.item.clone(),
                kind: f.status.unwrap_or(f.kind).into(),
                touchpoints: tps,
                spend_affected: f
                    .spend_affected
                    .map(|v| format::money(Some(v), currency))
                    .unwrap_or_default(),
                kind_label: f.kind_label().into(),
                gain: f
                    .score_gain
                    .map(|g| format::points_if_fixed(Some(g)))
                    .unwrap_or_default(),
                why: f.why.clone(),
                fix: f.fix.clone(),
            }
        })
        .collect()
}

/// The loyalty ladder, bottom rung first, with each rung's active and lost buyers.
pub(super) fn ladder(audit: &Audit, currency: &str) -> Vec<StageRow> {
    let m = &audit.analysis.metrics;
    m.ladder
        .0
        .iter()
        .map(|(key, count)| {
            let active = m.ladder_active.get(key);
            let lost = m.ladder_lost.get(key);
            let label =
                |v: Option<u64>| v.map_or(format::MISSING.into(), |n| format::num(Some(n as f64)));
            StageRow {
                key: key.clone(),
                label: title_case(key),
                customers: format::num(Some(*count as f64)),
                spend: format::money(m.spend_by_stage.get(key), currency),
                // Prospects have not bought, so they are neither active nor lost;
                // the chart shows them whole.
                active: active.unwrap_or(*count),
                lost: lost.unwrap_or(0),
                active_label: label(active),
                lost_label: label(lost),
            }
        })
        .collect()
}

/// The data gaps: what is missing, what it left unjudged, what to ask for.
pub(super) fn data_gaps(audit: &Audit) -> Vec<GapRow> {
    audit
        .scores
        .data_gaps
        .iter()
        .map(|g| GapRow {
            what: g.what.into(),
            file: g.file.clone(),
            checks: g.checks.join(", "),
            count: g.checks.len(),
            ask: g.ask.into(),
        })
        .collect()
}

/// Change since the previous audit, formatted.
pub(super) fn changes(c: &crate::audit::Changes) -> Option<Changes> {
    let score_row = |name: String, label: String, d: &crate::audit::Delta| Delta {
        name,
        label,
        before: format::score(d.before),
        now: format::score(d.now),
        change: format::delta(d.change),
    };
    let ps =
        c.ps.iter()
            .map(|d| score_row(d.p.to_string(), title_case(d.p), &d.delta))
            .collect();
    let mut moved: Vec<&crate::audit::TouchpointChange> = c
        .touchpoints
        .iter()
        .filter(|t| t.delta.change.is_some_and(|x| x.abs() >= 0.05))
        .collect();
    moved.sort_by(|a, b| {
        let (x, y) = (
            a.delta.change.unwrap_or(0.0).abs(),
            b.delta.change.unwrap_or(0.0).abs(),
        );
        y.total_cmp(&x).then_with(|| a.name.cmp(&b.name))
    });
    moved.truncate(10);
    let metrics = c
        .metrics
        .iter()
        .filter_map(|(k, d)| {
            if d.before.is_none() && d.now.is_none() {
                return None;
            }
            let rate = k.ends_with("_rate") || k.ends_with("_share");
            type Fmt = fn(Option<f64>) -> String;
            let (f, ch): (Fmt, Fmt) = if rate {
                (format::pct, format::pp)
            } else {
                (format::num, format::delta)
            };
            Some(Delta {
                name: (*k).into(),
                label: metric_label(k),
                before: f(d.before),
                now: f(d.now),
                change: ch(d.change),
            })
        })
        .collect();
    let previous_as_of = c.previous_as_of.clone().unwrap_or_default();
    let previous = c
        .previous_period
        .clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| previous_as_of.clone());
    Some(Changes {
        score: format::delta(c.score.change),
        ps,
        moved: moved
            .iter()
            .map(|d| score_row(d.name.clone(), d.name.clone(), &d.delta))
            .collect(),
        new_touchpoints: c
            .touchpoints
            .iter()
            .filter(|t| t.new)
            .map(|t| t.name.clone())
            .collect(),
        metrics,
        previous_as_of,
        previous,
    })
}

/// Inputs, checklist and parameters.
pub(super) fn about(audit: &Audit) -> About {
    About {
        checklist: audit.checklist.name.clone(),
        checklist_version: audit.checklist.version.clone(),
        checklist_origin: audit.checklist.origin.clone(),
        inputs: audit
            .dataset
            .inputs
            .iter()
            .map(|f| InputRow {
                role: f.role.clone(),
                path: f.path.clone(),
                sheet: f.sheet.clone(),
                rows: format::num(Some(f.rows as f64)),
                sha256: f.sha256.clone(),
            })
            .collect(),
        params: audit
            .analysis
            .params
            .all()
            .iter()
            .map(|(k, v)| Figure {
                label: k.clone(),
                value: if v.fract() == 0.0 {
                    format::num(Some(*v))
                } else {
                    v.to_string()
                },
                note: String::new(),
                low_sample: false,
            })
            .collect(),
    }
}
