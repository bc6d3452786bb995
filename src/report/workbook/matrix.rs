//! The live core: Checklist (weights), Matrix (marks and per-P subtotals) and
//! Touchpoints (scores), with the cell positions the formulas share.

use rust_xlsxwriter::{Note, Workbook, Worksheet, XlsxError};

use super::{Styles, formula, print_setup};
use crate::audit::Audit;
use crate::checklist::Scope;
use crate::error::column_letters;
use crate::model::P;
use crate::score::Status;

/// Where everything sits, shared by the sheets whose formulas refer to each other.
pub struct Layout {
    /// Items in column order: (id, P, weight).
    pub items: Vec<(String, P, f64)>,
    /// Matrix marks: one row per touchpoint, then the portfolio row.
    pub marks: Vec<Vec<Option<Status>>>,
    /// Matrix column of the first item.
    pub first_item_col: u16,
    /// Matrix column of the first per-P helper (points, weight pairs).
    pub helper_col: u16,
    /// Matrix row of the first touchpoint.
    pub first_row: u32,
    /// Touchpoints.
    pub n_tp: u32,
    /// Checklist row of the first P weight (P i at this + i).
    pub p_weight_row: u32,
    /// Checklist rows of the green and amber thresholds.
    pub rating_rows: (u32, u32),
}

impl Layout {
    /// Lays out the audit.
    pub fn new(audit: &Audit) -> Layout {
        let items: Vec<(String, P, f64)> = audit
            .checklist
            .items()
            .map(|i| (i.id.clone(), i.p, i.weight))
            .collect();
        let mut marks: Vec<Vec<Option<Status>>> = audit
            .scores
            .touchpoints
            .iter()
            .map(|t| {
                items
                    .iter()
                    .map(|(id, _, _)| t.results.iter().find(|r| &r.item == id).map(|r| r.status))
                    .collect()
            })
            .collect();
        marks.push(
            items
                .iter()
                .map(|(id, _, _)| {
                    audit
                        .scores
                        .portfolio_items
                        .iter()
                        .find(|r| &r.item == id)
                        .map(|r| r.status)
                })
                .collect(),
        );
        let first_item_col = 4u16;
        let helper_col = first_item_col + items.len() as u16 + 1;
        let n_items = items.len() as u32;
        Layout {
            items,
            marks,
            first_item_col,
            helper_col,
            first_row: 3,
            n_tp: audit.scores.touchpoints.len() as u32,
            p_weight_row: n_items + 4,
            rating_rows: (n_items + 12, n_items + 13),
        }
    }

    /// The Matrix row of the portfolio results.
    pub fn portfolio_row(&self) -> u32 {
        self.first_row + self.n_tp
    }

    /// Matrix column range (first, last) of a P's items, if it has any.
    pub fn p_columns(&self, p: P) -> Option<(u16, u16)> {
        let cols: Vec<u16> = self
            .items
            .iter()
            .enumerate()
            .filter(|(_, (_, ip, _))| *ip == p)
            .map(|(k, _)| self.first_item_col + k as u16)
            .collect();
        Some((*cols.first()?, *cols.last()?))
    }

    fn col(c: u16) -> String {
        column_letters(u32::from(c))
    }

    /// Points and counted weight of P `p` on Matrix row index `r` (cached values).
    pub fn p_subtotal(&self, r: usize, p: P) -> (f64, f64) {
        let (mut pts, mut w) = (0.0, 0.0);
        for (k, (_, ip, weight)) in self.items.iter().enumerate() {
            if *ip != p {
                continue;
            }
            if let Some(points) = self.marks[r][k].and_then(|s| s.points()) {
                pts += weight * points;
                w += weight;
            }
        }
        (pts, w)
    }

    /// Formula for the Summary score of P index `i` (over the Matrix helpers).
    pub fn p_score_formula(&self, i: usize) -> String {
        let pc = Self::col(self.helper_col + 2 * i as u16);
        let wc = Self::col(self.helper_col + 2 * i as u16 + 1);
        let (a, b) = (self.first_row + 1, self.portfolio_row() + 1);
        format!(
            "=IF(SUM(Matrix!{wc}{a}:{wc}{b})=0,\"\",100*SUM(Matrix!{pc}{a}:{pc}{b})/SUM(Matrix!{wc}{a}:{wc}{b}))"
        )
    }

    /// Rating formula for a score cell.
    pub fn rating_formula(&self, cell: &str) -> String {
        let (g, a) = (self.rating_rows.0 + 1, self.rating_rows.1 + 1);
        format!(
            "=IF({cell}=\"\",\"not assessed\",IF({cell}>=Checklist!$B${g},\"green\",IF({cell}>=Checklist!$B${a},\"amber\",\"red\")))"
        )
    }

    /// Checklist cell of P index `i`'s weight.
    pub fn p_weight_cell(&self, i: usize) -> String {
        format!("Checklist!$B${}", self.p_weight_row + 1 + i as u32)
    }

    /// Defined names for the key ranges, so formulas users write can name them.
    pub fn define_names(&self, wb: &mut Workbook) -> Result<(), XlsxError> {
        let last_item = Self::col(self.first_item_col + self.items.len().max(1) as u16 - 1);
        let first = Self::col(self.first_item_col);
        wb.define_name(
            "ItemWeights",
            &format!("=Checklist!$E$2:$E${}", self.items.len() + 1),
        )?;
        wb.define_name(
            "MatrixMarks",
            &format!(
                "=Matrix!${first}${}:${last_item}${}",
                self.first_row + 1,
                self.portfolio_row() + 1
            ),
        )?;
        wb.define_name(
            "PWeights",
            &format!(
                "=Checklist!$B${}:$B${}",
                self.p_weight_row + 1,
                self.p_weight_row + 7
            ),
        )?;
        wb.define_name(
            "TouchpointScores",
            &format!(
                "=Matrix!$D${}:$D${}",
                self.first_row + 1,
                self.first_row + self.n_tp.max(1)
            ),
        )?;
        wb.define_name("OverallScore", "=Summary!$B$4")?;
        Ok(())
    }
}

/// The Checklist sheet: items with weights (the numbers consultants edit), P weights, ratings.
pub fn write_checklist(
    ws: &mut Worksheet,
    audit: &Audit,
    layout: &Layout,
    st: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name("Checklist")?;
    let headers = [
        "ID",
        "P",
        "Title",
        "Scope",
        "Weight",
        "Why it matters",
        "How to fix",
        "Source",
        "Pass",
        "Partial",
        "Fail",
        "N/A",
        "Waived",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &st.header)?;
    }
    let (a, b) = (layout.first_row + 1, layout.portfolio_row() + 1);
    for (k, item) in audit.checklist.items().enumerate() {
        let r = 1 + k as u32;
        ws.write_string(r, 0, &item.id)?;
        ws.write_string(r, 1, item.p.title())?;
        ws.write_string_with_format(r, 2, &item.title, &st.wrap)?;
        ws.write_string(
            r,
            3,
            if item.scope == Scope::Touchpoint {
                "touchpoint"
            } else {
                "portfolio"
            },
        )?;
        ws.write_number(r, 4, item.weight)?;
        ws.write_string_with_format(r, 5, &item.why, &st.wrap)?;
        ws.write_string_with_format(r, 6, &item.fix, &st.wrap)?;
        ws.write_string_with_format(r, 7, item.source.as_deref().unwrap_or(""), &st.wrap)?;
        let col = Layout::col(layout.first_item_col + k as u16);
        for (j, status) in [Status::Pass, Status::Partial, Status::Fail]
            .iter()
            .enumerate()
        {
            let n = layout
                .marks
                .iter()
                .filter(|row| row[k] == Some(*status))
                .count();
            ws.write_formula(
                r,
                8 + j as u16,
                formula(
                    format!("=COUNTIF(Matrix!{col}{a}:{col}{b},\"{}\")", status.mark()),
                    Some(n as f64),
                ),
            )?;
        }
        let na = layout
            .marks
            .iter()
            .filter(|row| row[k] == Some(Status::NotApplicable))
            .count();
        let waived = layout
            .marks
            .iter()
            .filter(|row| row[k] == Some(Status::Waived))
            .count();
        ws.write_number(r, 11, na as f64)?;
        ws.write_number(r, 12, waived as f64)?;
    }
    let pr = layout.p_weight_row;
    ws.write_string_with_format(pr - 1, 0, "P", &st.header)?;
    ws.write_string_with_format(pr - 1, 1, "P weight", &st.header)?;
    ws.write_string_with_format(pr - 1, 2, "Section", &st.header)?;
    for (i, p) in P::ALL.iter().enumerate() {
        let section = audit.checklist.sections.iter().find(|s| s.p == *p);
        ws.write_string(pr + i as u32, 0, p.title())?;
        ws.write_number(pr + i as u32, 1, section.map_or(1.0, |s| s.weight))?;
        ws.write_string(
            pr + i as u32,
            2,
            section.map_or("(no items)", |s| s.title.as_str()),
        )?;
    }
    let (g, am) = layout.rating_rows;
    ws.write_string_with_format(g - 1, 0, "Rating bands", &st.header)?;
    ws.write_string_with_format(g - 1, 1, "Score ≥", &st.header)?;
    ws.write_string(g, 0, "green")?;
    ws.write_number(g, 1, audit.checklist.ratings.green)?;
    ws.write_string(am, 0, "amber")?;
    ws.write_number(am, 1, audit.checklist.ratings.amber)?;
    ws.write_string(am + 1, 0, "red")?;
    ws.write_string(am + 1, 1, "below amber")?;
    ws.write_string_with_format(
        am + 3,
        0,
        format!(
            "Checklist: {} — version {} ({})",
            audit.checklist.name, audit.checklist.version, audit.checklist.origin
        ),
        &st.helper,
    )?;
    ws.write_string_with_format(
        am + 4,
        0,
        "Edit a weight in column E or a P weight above: every score in this workbook recalculates.",
        &st.helper,
    )?;
    for (c, w) in [
        (0, 9.0),
        (1, 16.0),
        (2, 42.0),
        (3, 11.0),
        (4, 8.0),
        (5, 50.0),
        (6, 50.0),
        (7, 28.0),
    ] {
        ws.set_column_width(c, w)?;
    }
    ws.set_column_range_width(8, 12, 8.0)?;
    ws.set_freeze_panes(1, 1)?;
    ws.autofilter(0, 0, layout.items.len() as u32, 12)?;
    print_setup(ws, Some(0))?;
    Ok(())
}

/// The Matrix sheet: touchpoints × items marks, touchpoint scores, per-P subtotals.
pub fn write_matrix(
    ws: &mut Worksheet,
    audit: &Audit,
    layout: &Layout,
    st: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name("Matrix")?;
    let fc = layout.first_item_col;
    let n_items = layout.items.len() as u16;
    let last = fc + n_items.max(1) - 1;
    for (c, h) in ["Touchpoint", "P", "Spend", "Score"].iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &st.header)?;
    }
    ws.write_string_with_format(1, 0, "Item weight (from Checklist)", &st.bold)?;
    ws.write_string_with_format(2, 0, "Item P", &st.bold)?;
    let items: Vec<&crate::checklist::Item> = audit.checklist.items().collect();
    for (k, item) in items.iter().enumerate() {
        let c = fc + k as u16;
        ws.write_string_with_format(0, c, &item.id, &st.header)?;
        ws.insert_note(
            0,
            c,
            &Note::new(format!("{} — {}\n\nWhy: {}", item.id, item.title, item.why))
                .set_author("mixaudit")
                .set_width(360)
                .set_height(160),
        )?;
        ws.write_formula_with_format(
            1,
            c,
            formula(format!("=Checklist!$E${}", k + 2), Some(item.weight)),
            &st.helper,
        )?;
        ws.write_string_with_format(2, c, item.p.key(), &st.helper)?;
    }
    for (i, p) in P::ALL.iter().enumerate() {
        let c = layout.helper_col + 2 * i as u16;
        ws.write_string_with_format(0, c, format!("{} points", p.title()), &st.header)?;
        ws.write_string_with_format(0, c + 1, format!("{} weight", p.title()), &st.header)?;
    }
    let w_range = format!("${}$2:${}$2", Layout::col(fc), Layout::col(last));
    let rows = layout.marks.len();
    for r in 0..rows {
        let row = layout.first_row + r as u32;
        let excel_row = row + 1;
        if r < layout.n_tp as usize {
            let t = &audit.scores.touchpoints[r];
            ws.write_string(row, 0, &t.name)?;
            ws.write_string(row, 1, t.p.title())?;
            ws.write_number_with_format(row, 2, t.spend, &st.money)?;
            let m = format!(
                "{}{excel_row}:{}{excel_row}",
                Layout::col(fc),
                Layout::col(last)
            );
            let counted = format!("({m}=\"✓\")+({m}=\"½\")+({m}=\"✗\")");
            ws.write_formula_with_format(
                row,
                3,
                formula(format!("=IF(SUMPRODUCT({w_range},{counted})=0,\"\",100*SUMPRODUCT({w_range},({m}=\"✓\")+0.5*({m}=\"½\"))/SUMPRODUCT({w_range},{counted}))"), t.score),
                &st.score,
            )?;
        } else {
            ws.write_string_with_format(row, 0, "Portfolio (whole client)", &st.bold)?;
        }
        for (k, status) in layout.marks[r].iter().enumerate() {
            let Some(status) = status else { continue };
            let c = fc + k as u16;
            if !status.mark().is_empty() {
                ws.write_string_with_format(row, c, status.mark(), &st.mark)?;
            }
            let result = if r < layout.n_tp as usize {
                audit.scores.touchpoints[r]
                    .results
                    .iter()
                    .find(|x| x.item == items[k].id)
            } else {
                audit
                    .scores
                    .portfolio_items
                    .iter()
                    .find(|x| x.item == items[k].id)
            };
            if let Some(res) = result
                && matches!(
                    status,
                    Status::Fail | Status::Partial | Status::NotApplicable | Status::Waived
                )
            {
                let text = match status {
                    Status::Fail | Status::Partial => format!(
                        "{} {} — {}\nSeen: {}\nWhy it matters: {}\nFix: {}",
                        items[k].id,
                        status.label(),
                        items[k].title,
                        res.note,
                        items[k].why,
                        items[k].fix
                    ),
                    _ => format!("{} {}: {}", items[k].id, status.label(), res.note),
                };
                ws.insert_note(
                    row,
                    c,
                    &Note::new(text)
                        .set_author("mixaudit")
                        .set_width(400)
                        .set_height(180),
                )?;
            }
        }
        for (i, p) in P::ALL.iter().enumerate() {
            let c = layout.helper_col + 2 * i as u16;
            let (pts, w) = layout.p_subtotal(r, *p);
            match layout.p_columns(*p) {
                Some((a, b)) => {
                    let wr = format!("${}$2:${}$2", Layout::col(a), Layout::col(b));
                    let m = format!(
                        "{}{excel_row}:{}{excel_row}",
                        Layout::col(a),
                        Layout::col(b)
                    );
                    ws.write_formula_with_format(
                        row,
                        c,
                        formula(
                            format!("=SUMPRODUCT({wr},({m}=\"✓\")+0.5*({m}=\"½\"))"),
                            Some(pts),
                        ),
                        &st.helper,
                    )?;
                    ws.write_formula_with_format(
                        row,
                        c + 1,
                        formula(
                            format!("=SUMPRODUCT({wr},({m}=\"✓\")+({m}=\"½\")+({m}=\"✗\"))"),
                            Some(w),
                        ),
                        &st.helper,
                    )?;
                }
                None => {
                    ws.write_number_with_format(row, c, 0.0, &st.helper)?;
                    ws.write_number_with_format(row, c + 1, 0.0, &st.helper)?;
                }
            }
        }
    }
    let last_row = layout.portfolio_row();
    if layout.n_tp > 0 {
        let cf = super::style::score_scale(audit.checklist.ratings.amber);
        ws.add_conditional_format(layout.first_row, 3, last_row - 1, 3, &cf)?;
    }
    ws.set_column_width(0, 30)?;
    ws.set_column_width(1, 16)?;
    ws.set_column_width(2, 11)?;
    ws.set_column_width(3, 7)?;
    if n_items > 0 {
        ws.set_column_range_width(fc, last, 7.5)?;
    }
    ws.set_column_range_width(layout.helper_col, layout.helper_col + 13, 10.0)?;
    ws.set_freeze_panes(layout.first_row, fc)?;
    ws.write_string_with_format(last_row + 2, 0, "✓ pass · ½ partial · ✗ fail · blank: not applicable · W: waived. Notes on ✗ and ½ say what was seen and how to fix it.", &st.helper)?;
    print_setup(ws, Some(0))?;
    Ok(())
}
