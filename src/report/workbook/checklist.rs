//! The Checklist sheet: the numbers consultants edit (item weights, P weights,
//! rating bands) that every live score in the workbook reads through
//! [`Layout`]. Split from the Matrix sheet, whose marks it counts.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::{Ctx, Layout, Styles, formula, print_setup};
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
    for (k, item) in audit.checklist.items().enumerate() {
        write_item(ws, cx, k, item)?;
    }
    write_p_weights(ws, cx)?;
    write_ratings(ws, cx)?;
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

/// Row of item `k`: its text, its editable weight (column E, which Matrix
/// reads), live counts of its pass/partial/fail marks and fixed counts of
/// not-applicable and waived ones.
fn write_item(ws: &mut Worksheet, cx: Ctx, k: usize, item: &Item) -> Result<(), XlsxError> {
    let (layout, st) = (cx.layout, cx.st);
    let (a, b) = (layout.first_row + 1, layout.portfolio_row() + 1);
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
        ws.write_formula(
            r,
            8 + j as u16,
            formula(
                format!("=COUNTIF(Matrix!{col}{a}:{col}{b},\"{}\")", status.mark()),
                Some(count(*status) as f64),
            ),
        )?;
    }
    ws.write_number(r, 11, count(Status::NotApplicable) as f64)?;
    ws.write_number(r, 12, count(Status::Waived) as f64)?;
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
