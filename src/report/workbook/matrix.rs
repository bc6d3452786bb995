//! The live core: the Matrix sheet (marks and per-P subtotals) and the cell
//! positions the Checklist, Matrix, Touchpoints and Summary formulas share.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Note, Workbook, Worksheet, XlsxError};

use super::print::Print;
use super::{Ctx, Styles, formula};
use crate::audit::Audit;
use crate::checklist::Item;
use crate::error::column_letters;
use crate::model::P;
use crate::score::{ItemResult, Status};

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
    /// Matrix row of the item ids (the item titles are on the row above).
    pub id_row: u32,
    /// Matrix row of the live item weights.
    pub weight_row: u32,
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
            id_row: 1,
            weight_row: 2,
            first_row: 4,
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

    /// Absolute reference to the Matrix weight-row cells of columns `a..=b`.
    fn weight_range(&self, a: u16, b: u16) -> String {
        let r = self.weight_row + 1;
        format!("${}${r}:${}${r}", Self::col(a), Self::col(b))
    }

    /// Column letters of zero-based column `c`, for formulas.
    pub(super) fn col(c: u16) -> String {
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
        let (g, a) = self.band_cells();
        format!(
            "=IF({cell}=\"\",\"not assessed\",IF({cell}>={g},\"green\",IF({cell}>={a},\"amber\",\"red\")))"
        )
    }

    /// The Checklist cells holding the green and amber bands (absolute
    /// references), which the rating formulas and score colours read.
    pub fn band_cells(&self) -> (String, String) {
        let (g, a) = (self.rating_rows.0 + 1, self.rating_rows.1 + 1);
        (format!("Checklist!$B${g}"), format!("Checklist!$B${a}"))
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

/// The Matrix sheet: touchpoints × items marks, touchpoint scores, per-P subtotals.
pub fn write_matrix(
    ws: &mut Worksheet,
    audit: &Audit,
    layout: &Layout,
    st: &Styles,
) -> Result<(), XlsxError> {
    let cx = Ctx { audit, layout, st };
    ws.set_name("Matrix")?;
    let fc = layout.first_item_col;
    let n_items = layout.items.len() as u16;
    let last = fc + n_items.max(1) - 1;
    let items: Vec<&Item> = audit.checklist.items().collect();
    write_matrix_header(ws, cx, &items)?;
    for r in 0..layout.marks.len() {
        write_matrix_label(ws, cx, r)?;
        write_marks(ws, cx, r, &items)?;
        write_p_helpers(ws, cx, r)?;
    }
    let last_row = layout.portfolio_row();
    if layout.n_tp > 0 {
        let (g, a) = layout.band_cells();
        let range = (layout.first_row, 3, last_row - 1, 3);
        super::style::band_colours(ws, range, (&g, &a), st)?;
    }
    ws.set_freeze_panes(layout.first_row, fc)?;
    ws.write_string_with_format(last_row + 2, 0, "✓ pass · ½ partial · ✗ fail · blank: not applicable · W: waived. Notes on ✗ and ½ say what was seen and how to fix it.", &st.helper)?;
    matrix_print(ws, cx, &items, last)
}

/// Widths, the title row's height and the print layout: the marks and
/// labels print landscape with the title and id rows and the label columns
/// repeated; the per-P helper columns (formula plumbing for the Summary) are
/// grouped, collapsed and left out of the print area.
fn matrix_print(ws: &mut Worksheet, cx: Ctx, items: &[&Item], last: u16) -> Result<(), XlsxError> {
    let layout = cx.layout;
    let fc = layout.first_item_col;
    let mut pr = Print::new(true);
    pr.width(ws, 0, 0, 30.0)?;
    pr.width(ws, 1, 1, 17.0)?;
    pr.width(ws, 2, 2, 11.0)?;
    pr.width(ws, 3, 3, 7.0)?;
    if !items.is_empty() {
        pr.width(ws, fc, last, ITEM_WIDTH)?;
    }
    let (h0, h1) = (layout.helper_col, layout.helper_col + 13);
    ws.set_column_range_width(h0, h1, 10.0)?;
    ws.group_columns_collapsed(h0, h1)?;
    let longest = items
        .iter()
        .map(|i| i.title.chars().count())
        .max()
        .unwrap_or(0);
    let title_pt = (longest as f64 / 3.0 * 4.4 + 12.0).clamp(60.0, 160.0);
    pr.height(ws, 0, title_pt)?;
    pr.height(ws, layout.id_row, 18.0)?;
    pr.repeat_rows(0, layout.id_row);
    pr.repeat_cols(0, 3);
    let legend_row = layout.portfolio_row() + 2;
    ws.set_print_area(0, 0, legend_row, last.max(3))?;
    pr.finish(ws, &super::page_title(cx.audit), last.max(3))
}

/// Width of an item's mark column, in characters: room for a mark and three
/// lines of the rotated title above it.
const ITEM_WIDTH: f64 = 6.5;

/// The four header rows: item titles (rotated, so the narrow mark columns
/// can carry them), item ids (with a note on what each checks), the live
/// item weights from Checklist and each item's P; then the per-P helper
/// column headers.
fn write_matrix_header(ws: &mut Worksheet, cx: Ctx, items: &[&Item]) -> Result<(), XlsxError> {
    let (layout, st) = (cx.layout, cx.st);
    let fc = layout.first_item_col;
    let (ir, wr) = (layout.id_row, layout.weight_row);
    let rotated = Format::new()
        .set_rotation(90)
        .set_text_wrap()
        .set_font_size(8)
        .set_align(FormatAlign::Bottom)
        .set_align(FormatAlign::Center)
        .set_border(FormatBorder::Hair);
    // Unwrapped and a size smaller, so an id fits its narrow mark column.
    let id_format = st.header.clone().unset_text_wrap().set_font_size(9);
    // Small enough that "promotion" fits the mark column.
    let p_format = st
        .helper
        .clone()
        .set_font_size(7)
        .set_align(FormatAlign::Center);
    ws.write_string_with_format(
        0,
        0,
        "Item title",
        &st.bold.clone().set_align(FormatAlign::Bottom),
    )?;
    for (c, h) in ["Touchpoint", "P", "Spend", "Score"].iter().enumerate() {
        ws.write_string_with_format(ir, c as u16, *h, &st.header)?;
    }
    ws.write_string_with_format(wr, 0, "Item weight (from Checklist)", &st.bold)?;
    ws.write_string_with_format(wr + 1, 0, "Item P", &st.bold)?;
    for (k, item) in items.iter().enumerate() {
        let c = fc + k as u16;
        ws.write_string_with_format(0, c, &item.title, &rotated)?;
        ws.write_string_with_format(ir, c, &item.id, &id_format)?;
        ws.insert_note(
            ir,
            c,
            &Note::new(format!("{} — {}\n\nWhy: {}", item.id, item.title, item.why))
                .set_author("mixaudit")
                .set_width(360)
                .set_height(160),
        )?;
        ws.write_formula_with_format(
            wr,
            c,
            formula(format!("=Checklist!$E${}", k + 2), Some(item.weight)),
            &st.helper,
        )?;
        ws.write_string_with_format(wr + 1, c, item.p.title(), &p_format)?;
    }
    for (i, p) in P::ALL.iter().enumerate() {
        let c = layout.helper_col + 2 * i as u16;
        ws.write_string_with_format(ir, c, format!("{} points", p.title()), &st.header)?;
        ws.write_string_with_format(ir, c + 1, format!("{} weight", p.title()), &st.header)?;
    }
    Ok(())
}

/// Columns A:D of Matrix row index `r`: a touchpoint's name, P, spend and
/// live score over its marks, or the portfolio row's label.
fn write_matrix_label(ws: &mut Worksheet, cx: Ctx, r: usize) -> Result<(), XlsxError> {
    let (layout, st) = (cx.layout, cx.st);
    let row = layout.first_row + r as u32;
    let excel_row = row + 1;
    if r >= layout.n_tp as usize {
        ws.write_string_with_format(row, 0, "Portfolio (whole client)", &st.bold)?;
        return Ok(());
    }
    let fc = layout.first_item_col;
    let last = fc + (layout.items.len() as u16).max(1) - 1;
    let w_range = layout.weight_range(fc, last);
    let t = &cx.audit.scores.touchpoints[r];
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
    Ok(())
}

/// The marks of Matrix row index `r`, with a note on every fail, partial,
/// not-applicable and waived mark saying what was seen.
fn write_marks(ws: &mut Worksheet, cx: Ctx, r: usize, items: &[&Item]) -> Result<(), XlsxError> {
    let (audit, layout, st) = (cx.audit, cx.layout, cx.st);
    let row = layout.first_row + r as u32;
    for (k, status) in layout.marks[r].iter().enumerate() {
        let Some(status) = status else { continue };
        let c = layout.first_item_col + k as u16;
        if !status.mark().is_empty() {
            ws.write_string_with_format(row, c, status.mark(), &st.mark)?;
        }
        let results = if r < layout.n_tp as usize {
            &audit.scores.touchpoints[r].results
        } else {
            &audit.scores.portfolio_items
        };
        let result = results.iter().find(|x| x.item == items[k].id);
        if let Some(res) = result
            && matches!(
                status,
                Status::Fail | Status::Partial | Status::NotApplicable | Status::Waived
            )
        {
            ws.insert_note(
                row,
                c,
                &Note::new(mark_note(items[k], *status, res))
                    .set_author("mixaudit")
                    .set_width(400)
                    .set_height(180),
            )?;
        }
    }
    Ok(())
}

/// A mark's note: the full explanation (seen, why, fix) for a fail or
/// partial, a one-liner for not applicable or waived.
fn mark_note(item: &Item, status: Status, res: &ItemResult) -> String {
    match status {
        Status::Fail | Status::Partial => format!(
            "{} {} — {}\nSeen: {}\nWhy it matters: {}\nFix: {}",
            item.id,
            status.label(),
            item.title,
            res.note,
            item.why,
            item.fix
        ),
        _ => format!("{} {}: {}", item.id, status.label(), res.note),
    }
}

/// The per-P helper pairs (points, counted weight) of Matrix row index `r`,
/// as live SUMPRODUCTs over that P's columns, or zeros for a P with no items.
fn write_p_helpers(ws: &mut Worksheet, cx: Ctx, r: usize) -> Result<(), XlsxError> {
    let (layout, st) = (cx.layout, cx.st);
    let row = layout.first_row + r as u32;
    let excel_row = row + 1;
    for (i, p) in P::ALL.iter().enumerate() {
        let c = layout.helper_col + 2 * i as u16;
        let (pts, w) = layout.p_subtotal(r, *p);
        match layout.p_columns(*p) {
            Some((a, b)) => {
                let wr = layout.weight_range(a, b);
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
    Ok(())
}
