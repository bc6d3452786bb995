//! Heat-maps: the cohort triangle (share of each month's new customers still
//! buying N months later) and the value × risk grid (customer counts).
//!
//! Both are grids of cells coloured on one sequential scale with the figure
//! printed in the cell, so the chart still reads in greyscale print and for
//! colour-blind readers.

use super::{Svg, WIDTH, clip, scale};
use crate::report::format;

/// One cohort: customers whose first purchase fell in the same month.
#[derive(Debug, Clone)]
pub struct CohortRow {
    /// The cohort's month, e.g. "2026-01".
    pub label: String,
    /// Customers in the cohort.
    pub size: u64,
    /// Share still buying 0, 1, 2… months after; `None` where not yet observable.
    pub shares: Vec<Option<f64>>,
}

const TOP: f64 = 70.0;

/// The cohort triangle. Rows are cohorts (oldest first), columns months since
/// the first purchase; cells show the share 0–1 as a percentage.
pub fn cohorts(title: &str, rows: &[CohortRow]) -> String {
    let cols = rows
        .iter()
        .map(|r| r.shares.len())
        .max()
        .unwrap_or(0)
        .max(1);
    let left = 130.0;
    let cell_w = ((WIDTH - left - 20.0) / cols as f64).min(60.0);
    let cell_h = 24.0;
    let height = TOP + cell_h * rows.len().max(1) as f64 + 44.0;
    let mut svg = Svg::new("cohorts", height, title);
    svg.text(
        left,
        TOP - 22.0,
        "ma-m ma-s",
        "start",
        "months since first purchase →",
    );
    for c in 0..cols {
        let x = left + cell_w * (c as f64 + 0.5);
        svg.text(x, TOP - 6.0, "ma-m ma-s", "middle", &c.to_string());
    }
    if rows.is_empty() {
        svg.text(
            20.0,
            TOP + 18.0,
            "ma-m",
            "start",
            "Cohorts need an Orders sheet with the date of every order.",
        );
    }
    for (r, row) in rows.iter().enumerate() {
        let y = TOP + cell_h * r as f64;
        let label = format!(
            "{} ({})",
            clip(&row.label, 10),
            format::num(Some(row.size as f64))
        );
        svg.text(20.0, y + 16.0, "ma-s", "start", &label);
        for (c, share) in row.shares.iter().enumerate() {
            let x = left + cell_w * c as f64;
            match share.filter(|s| s.is_finite()) {
                Some(s) => {
                    let (fill, ink) = scale(s);
                    svg.rect(
                        x + 1.0,
                        y + 1.0,
                        cell_w - 2.0,
                        cell_h - 2.0,
                        "",
                        Some(&fill),
                    );
                    let text = format!("{:.0}", 100.0 * s.clamp(0.0, 1.0));
                    svg.raw(&format!(
                        "<text class=\"ma-t ma-s\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" style=\"fill:{ink}\">{text}</text>",
                        super::n(x + cell_w / 2.0),
                        super::n(y + 16.0)
                    ));
                }
                None => svg.rect(
                    x + 1.0,
                    y + 1.0,
                    cell_w - 2.0,
                    cell_h - 2.0,
                    "ma-cell0",
                    None,
                ),
            }
        }
    }
    svg.text(
        20.0,
        height - 16.0,
        "ma-m ma-s",
        "start",
        "Cells: % of the cohort who bought in that month; cohort size in brackets.",
    );
    svg.finish()
}

/// The value × risk grid: `rows` labels (value tiers, high first) × `cols`
/// labels (risk levels), `counts[row][col]` customers per cell.
pub fn value_risk(title: &str, rows: &[String], cols: &[String], counts: &[Vec<u64>]) -> String {
    let left = 140.0;
    let cell_w = ((WIDTH - left - 20.0) / cols.len().max(1) as f64).min(120.0);
    let cell_h = 44.0;
    let height = TOP + cell_h * rows.len().max(1) as f64 + 40.0;
    let mut svg = Svg::new("value-risk", height, title);
    let max = counts.iter().flatten().copied().max().unwrap_or(0);
    svg.text(left, TOP - 24.0, "ma-m ma-s", "start", "risk of leaving →");
    for (c, label) in cols.iter().enumerate() {
        let x = left + cell_w * (c as f64 + 0.5);
        svg.text(x, TOP - 6.0, "ma-b", "middle", &clip(label, 14));
    }
    for (r, label) in rows.iter().enumerate() {
        let y = TOP + cell_h * r as f64;
        svg.text(
            20.0,
            y + cell_h / 2.0 + 4.0,
            "ma-b",
            "start",
            &clip(label, 18),
        );
        for c in 0..cols.len() {
            let count = counts
                .get(r)
                .and_then(|row| row.get(c))
                .copied()
                .unwrap_or(0);
            let share = if max > 0 {
                count as f64 / max as f64
            } else {
                0.0
            };
            let (fill, ink) = scale(share);
            let x = left + cell_w * c as f64;
            svg.rect(
                x + 2.0,
                y + 2.0,
                cell_w - 4.0,
                cell_h - 4.0,
                "",
                Some(&fill),
            );
            svg.raw(&format!(
                "<text class=\"ma-t ma-b\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" style=\"fill:{ink}\">{}</text>",
                super::n(x + cell_w / 2.0),
                super::n(y + cell_h / 2.0 + 5.0),
                format::num(Some(count as f64))
            ));
        }
    }
    svg.text(
        20.0,
        height - 14.0,
        "ma-m ma-s",
        "start",
        "Customers per value tier (rows) and risk level (columns).",
    );
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::super::testing::{check, texts};
    use super::*;

    #[test]
    fn cohort_triangle_leaves_future_cells_empty() {
        let rows = vec![
            CohortRow {
                label: "2026-01".into(),
                size: 40,
                shares: vec![Some(1.0), Some(0.5), Some(f64::NAN)],
            },
            CohortRow {
                label: "<b>".into(),
                size: 0,
                shares: vec![Some(1.0), None],
            },
        ];
        let svg = cohorts("Cohorts", &rows);
        let doc = check(&svg);
        let t = texts(&doc);
        assert!(t.contains("2026-01 (40)") && t.contains("<b> (0)"), "{t}");
        assert!(t.contains("50"));
    }

    #[test]
    fn empty_cohorts_render() {
        check(&cohorts("Cohorts", &[]));
    }

    #[test]
    fn value_risk_grid_counts() {
        let rows: Vec<String> = ["high", "medium", "low"].map(String::from).to_vec();
        let cols: Vec<String> = ["low", "medium", "high", "lost"].map(String::from).to_vec();
        let counts = vec![vec![1, 2, 3, 4], vec![5, 6, 7, 1200], vec![0, 0, 0, 0]];
        let svg = value_risk("Value × risk", &rows, &cols, &counts);
        let doc = check(&svg);
        let t = texts(&doc);
        assert!(t.contains("1,200") && t.contains("lost"), "{t}");
        // Short rows are padded with zeros rather than failing.
        check(&value_risk("x", &rows, &cols, &[vec![1]]));
    }
}
