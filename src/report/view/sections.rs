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

/// Key figures, in reading order.
pub(super) fn key_figures(audit: &Audit, currency: &str) -> Vec<Figure> {
    let m = &audit.analysis.metrics;
    let n = |v: u64| format::num(Some(v as f64));
    let on = |v: Option<u64>| format::num(v.map(|x| x as f64));
    let period_days = Some(audit.analysis.params.period_days);
    let fig = |label: String, value: String| Figure { label, value };
    vec![
        fig(
            "Customers (buyers)".into(),
            format!("{} ({})", n(m.customers), n(m.buyers)),
        ),
        fig("Active customers".into(), n(m.active_customers)),
        fig(
            "Active rate / churn rate".into(),
            format!(
                "{} / {}",
                format::pct(m.active_rate),
                format::pct(m.churn_rate)
            ),
        ),
        fig("Repeat rate".into(), format::pct(m.repeat_rate)),
        fig(
            "Retention rate (period over period)".into(),
            format::pct(m.retention_rate),
        ),
        fig(
            format!(
                "New customers in the last {} days",
                format::num(period_days)
            ),
            on(m.new_customers),
        ),
        fig("Net promoter score".into(), format::num(m.nps)),
        fig("Valuable customers at risk".into(), n(m.high_value_at_risk)),
        fig(
            "Active customers overdue for contact".into(),
            on(m.overdue_contact),
        ),
        fig(
            "Marketing spend".into(),
            format::money(Some(m.spend_total), currency),
        ),
        fig(
            "Share of spend on retention".into(),
            format::pct(m.retention_spend_share),
        ),
        fig(
            "Acquisition cost per new customer".into(),
            format::money(m.acquisition_cost_per_new_customer, currency),
        ),
        fig(
            "Retention spend per active customer".into(),
            format::money(m.retention_spend_per_active_customer, currency),
        ),
    ]
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

/// The loyalty ladder, bottom rung first.
pub(super) fn ladder(audit: &Audit, currency: &str) -> Vec<StageRow> {
    let m = &audit.analysis.metrics;
    m.ladder
        .0
        .iter()
        .map(|(key, count)| {
            let (mut active, mut lost) = (0u64, 0u64);
            for f in audit
                .analysis
                .customers
                .iter()
                .filter(|f| f.stage.key() == key)
            {
                if f.buyer && !f.active {
                    lost += 1;
                } else {
                    active += 1;
                }
            }
            StageRow {
                key: key.clone(),
                label: title_case(key),
                customers: format::num(Some(*count as f64)),
                spend: format::money(m.spend_by_stage.get(key), currency),
                active,
                lost,
            }
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
            })
            .collect(),
    }
}
