//! Horizontal bar charts: spend by P / stage / objective, and the loyalty
//! ladder as stacked bars (active vs lost) per stage.
//!
//! Horizontal because the category names (touchpoint stages, P titles) are
//! words of varying length that read best left-aligned, and because the
//! amount label fits at the bar's end without rotating text.

use super::{Svg, WIDTH, clip};
use crate::report::format;

/// One stage of the loyalty ladder.
#[derive(Debug, Clone)]
pub struct LadderBar {
    /// Stage name, e.g. "Advocate".
    pub label: String,
    /// Customers in the stage who are active (or, for prospects, not yet buying).
    pub active: u64,
    /// Customers in the stage who have lapsed.
    pub lost: u64,
}

const LABEL_W: f64 = 150.0;
const VALUE_W: f64 = 150.0;
const ROW_H: f64 = 30.0;
const TOP: f64 = 52.0;

fn bar_x() -> f64 {
    20.0 + LABEL_W
}

fn bar_span() -> f64 {
    WIDTH - bar_x() - VALUE_W
}

/// Spend per category as labelled bars; amounts formatted with `currency`
/// (empty for none) and each bar's share of the total. `kind` names the chart
/// (unique per page: `spend-p`, `spend-stage`…).
pub fn spend_bars(kind: &str, title: &str, rows: &[(String, f64)], currency: &str) -> String {
    let height = TOP + ROW_H * rows.len().max(1) as f64 + 20.0;
    let mut svg = Svg::new(kind, height, title);
    let clean = |v: f64| if v.is_finite() { v.max(0.0) } else { 0.0 };
    let total: f64 = rows.iter().map(|(_, v)| clean(*v)).sum();
    let max = rows.iter().map(|(_, v)| clean(*v)).fold(0.0, f64::max);
    if rows.is_empty() {
        svg.text(20.0, TOP + 18.0, "ma-m", "start", "No spend recorded.");
    }
    for (i, (label, value)) in rows.iter().enumerate() {
        let y = TOP + ROW_H * i as f64;
        let v = clean(*value);
        svg.text(20.0, y + 19.0, "", "start", &clip(label, 22));
        svg.rect(bar_x(), y + 6.0, bar_span(), 18.0, "ma-cell0", None);
        let w = if max > 0.0 { bar_span() * v / max } else { 0.0 };
        svg.rect(bar_x(), y + 6.0, w, 18.0, "ma-bar1", None);
        let share = (total > 0.0).then(|| v / total);
        let amount = format!(
            "{} · {}",
            format::money(value.is_finite().then_some(*value), currency),
            format::pct(share)
        );
        svg.text(WIDTH - 20.0, y + 19.0, "ma-m", "end", &amount);
    }
    svg.finish()
}

/// The loyalty ladder, bottom rung first as given, each stage split into
/// `labels.0` (e.g. active) and `labels.1` (e.g. lost) customers.
pub fn ladder(title: &str, stages: &[LadderBar], labels: (&str, &str)) -> String {
    let height = TOP + ROW_H * stages.len().max(1) as f64 + 48.0;
    let mut svg = Svg::new("ladder", height, title);
    let max = stages
        .iter()
        .map(|s| s.active.saturating_add(s.lost))
        .max()
        .unwrap_or(0);
    for (i, s) in stages.iter().enumerate() {
        let y = TOP + ROW_H * i as f64;
        let total = s.active.saturating_add(s.lost);
        svg.text(20.0, y + 19.0, "", "start", &clip(&s.label, 22));
        svg.rect(bar_x(), y + 6.0, bar_span(), 18.0, "ma-cell0", None);
        let unit = if max > 0 {
            bar_span() / max as f64
        } else {
            0.0
        };
        let wa = unit * s.active as f64;
        svg.rect(bar_x(), y + 6.0, wa, 18.0, "ma-bar1", None);
        svg.rect(
            bar_x() + wa,
            y + 6.0,
            unit * s.lost as f64,
            18.0,
            "ma-bar2",
            None,
        );
        let text = format!(
            "{} · {} {}",
            format::num(Some(total as f64)),
            format::num(Some(s.lost as f64)),
            labels.1
        );
        svg.text(WIDTH - 20.0, y + 19.0, "ma-m", "end", &text);
    }
    let y = height - 20.0;
    svg.rect(20.0, y - 10.0, 12.0, 12.0, "ma-bar1", None);
    svg.text(38.0, y, "ma-m ma-s", "start", labels.0);
    let x = 60.0 + 7.0 * labels.0.chars().count() as f64;
    svg.rect(x, y - 10.0, 12.0, 12.0, "ma-bar2", None);
    svg.text(x + 18.0, y, "ma-m ma-s", "start", labels.1);
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::super::testing::{check, texts};
    use super::*;

    #[test]
    fn spend_bars_label_amounts_with_currency() {
        let rows = vec![
            ("Promotion".to_string(), 12000.0),
            ("<script>x</script>".to_string(), 3000.0),
            ("Broken".to_string(), f64::NAN),
        ];
        let svg = spend_bars("spend-p", "Spend by P", &rows, "DKK");
        let doc = check(&svg);
        let t = texts(&doc);
        assert!(t.contains("12,000 DKK · 80.0%"), "{t}");
        assert!(t.contains("<script>x</script>"));
        assert!(t.contains("— · 0.0%"), "{t}");
    }

    #[test]
    fn empty_spend_says_so() {
        let svg = spend_bars("spend-p", "Spend", &[], "");
        assert!(texts(&check(&svg)).contains("No spend recorded."));
    }

    #[test]
    fn ladder_stacks_active_and_lost() {
        let stages = vec![
            LadderBar {
                label: "Customer".into(),
                active: 30,
                lost: 10,
            },
            LadderBar {
                label: "Advocate & co".into(),
                active: 0,
                lost: 0,
            },
        ];
        let svg = ladder("Loyalty ladder", &stages, ("active", "lost"));
        let doc = check(&svg);
        let t = texts(&doc);
        assert!(
            t.contains("40 · 10 lost") && t.contains("Advocate & co"),
            "{t}"
        );
    }
}
