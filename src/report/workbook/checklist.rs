//! The Checklist sheet: the numbers consultants edit (item weights, P weights,
//! rating bands) that every live score in the workbook reads through
//! [`Layout`]. Split from the Matrix sheet, whose marks it counts.

use rust_xlsxwriter::{Format, FormatAlign, Worksheet, XlsxError};

use super::print::Print;
use super::{Ctx, Layout, Styles, formula};
use crate::audit::Audit;
use crate::checklist::{Item, Scope};
use crate::model::P;
use crate::score::Status;

/// The Checklist sheet: items with weights (the numbers consultants edit), P weights, ratings.
pub fn write_checklist(
    ws: &mut Worksheet,
    audit: &Audit,
    layout: &Layout,
    st: &Styles,
) -> Result<(), XlsxError> {
    let cx = Ctx { audit, layout, st };
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
    let mut pr = Print::new(true);
    for (c, w) in [
        (0, 13.0),
        (1, 17.0),
        (2, 32.0),
        (3, 11.0),
        (4, 8.0),
        (5, 42.0),
        (6, 42.0),
        (7, 18.0),
    ] {
        pr.width(ws, c, c, w)?;
    }
    pr.width(ws, 8, 12, 7.5)?;
    pr.height(ws, 0, 18.0)?;
    for (k, item) in audit.checklist.items().enumerate() {
        write_item(ws, cx, k, item)?;
        let source = item.source.as_deref().unwrap_or("");
        let text = [(&item.title, 2), (&item.why, 5), (&item.fix, 6)];
        let mut cells: Vec<(&str, u16)> = text.iter().map(|(t, c)| (t.as_str(), *c)).collect();
        cells.push((source, 7));
        pr.fit_row(ws, 1 + k as u32, &cells)?;
    }
    write_p_weights(ws, cx)?;
    write_ratings(ws, cx)?;
    let (pw, (g, am)) = (layout.p_weight_row, layout.rating_rows);
    pr.keep(pw - 1, pw + 7);
    pr.keep(g - 1, am + 5);
    ws.set_freeze_panes(1, 1)?;
    ws.autofilter(0, 0, layout.items.len() as u32, 12)?;
    pr.repeat_rows(0, 0);
    pr.finish(ws, &super::page_title(audit), 12)
}

/// Row of item `k`: its text, its editable weight (column E, which Matrix
/// reads), live counts of its pass/partial/fail marks and fixed counts of
/// not-applicable and waived ones.
fn write_item(ws: &mut Worksheet, cx: Ctx, k: usize, item: &Item) -> Result<(), XlsxError> {
    let (layout, st) = (cx.layout, cx.st);
    let (a, b) = (layout.first_row + 1, layout.portfolio_row() + 1);
    let r = 1 + k as u32;
    // Top-aligned like the wrapped text, so a tall row reads as one line.
    let top = Format::new().set_align(FormatAlign::Top);
    ws.write_string_with_format(r, 0, &item.id, &top)?;
    ws.write_string_with_format(r, 1, item.p.title(), &top)?;
    ws.write_string_with_format(r, 2, &item.title, &st.wrap)?;
    ws.write_string_with_format(
        r,
        3,
        if item.scope == Scope::Touchpoint {
            "touchpoint"
        } else {
            "portfolio"
        },
        &top,
    )?;
    ws.write_number_with_format(
        r,
        4,
        item.weight,
        &top.clone().set_align(FormatAlign::Center),
    )?;
    ws.write_string_with_format(r, 5, &item.why, &st.wrap)?;
    ws.write_string_with_format(r, 6, &item.fix, &st.wrap)?;
    ws.write_string_with_format(r, 7, item.source.as_deref().unwrap_or(""), &st.wrap)?;
    let col = Layout::col(layout.first_item_col + k as u16);
    let count = |status: Status| {
        layout
            .marks
            .iter()
            .filter(|row| row[k] == Some(status))
            .count()
    };
    for (j, status) in [Status::Pass, Status::Partial, Status::Fail]
        .iter()
        .enumerate()
    {
        ws.write_formula_with_format(
            r,
            8 + j as u16,
            formula(
                format!("=COUNTIF(Matrix!{col}{a}:{col}{b},\"{}\")", status.mark()),
                Some(count(*status) as f64),
            ),
            &top,
        )?;
    }
    ws.write_number_with_format(r, 11, count(Status::NotApplicable) as f64, &top)?;
    ws.write_number_with_format(r, 12, count(Status::Waived) as f64, &top)?;
    Ok(())
}

/// The editable P weights (1 for a P with no section), which the Summary
/// weights read.
fn write_p_weights(ws: &mut Worksheet, cx: Ctx) -> Result<(), XlsxError> {
    let st = cx.st;
    let pr = cx.layout.p_weight_row;
    ws.write_string_with_format(pr - 1, 0, "P", &st.header)?;
    ws.write_string_with_format(pr - 1, 1, "P weight", &st.header)?;
    ws.write_string_with_format(pr - 1, 2, "Section", &st.header)?;
    for (i, p) in P::ALL.iter().enumerate() {
        let section = cx.audit.checklist.sections.iter().find(|s| s.p == *p);
        ws.write_string(pr + i as u32, 0, p.title())?;
        ws.write_number(pr + i as u32, 1, section.map_or(1.0, |s| s.weight))?;
        ws.write_string(
            pr + i as u32,
            2,
            section.map_or("(no items)", |s| s.title.as_str()),
        )?;
    }
    Ok(())
}

/// The editable rating thresholds every rating formula reads, then the
/// checklist's provenance and the hint that edits recalculate.
fn write_ratings(ws: &mut Worksheet, cx: Ctx) -> Result<(), XlsxError> {
    let (audit, st) = (cx.audit, cx.st);
    let (g, am) = cx.layout.rating_rows;
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
    Ok(())
}
