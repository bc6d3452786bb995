//! The Touchpoints sheet: every spend row with its reach figures and a live
//! score (the Matrix row's formula), with notes on what falls short.

use rust_xlsxwriter::{Format, Formula, Note, Worksheet, XlsxError};

use super::print::Print;
use super::{Ctx, Layout, Styles, formula};
use crate::analytics::TouchpointFacts;
use crate::audit::{Audit, TouchpointChange};
use crate::model::Touchpoint;
use crate::score::{ItemResult, Status};

/// The fixed columns, before the optional change columns and the extras.
const HEADERS: [&str; 23] = [
    "Touchpoint",
    "P",
    "Spend",
    "Share of spend",
    "Objective",
    "Stages",
    "Channel",
    "Owner",
    "Cadence (days)",
    "Personalised",
    "Feedback loop",
    "Reach",
    "Responses",
    "Customers reached",
    "Reached share",
    "Active rate reached",
    "Active rate not reached",
    "Lift",
    "Revenue reached",
    "Spend per reached",
    "Score",
    "Rating",
    "Shortfalls",
];

/// The Touchpoints sheet: spend rows, their reach figures and live scores.
pub fn write(
    ws: &mut Worksheet,
    audit: &Audit,
    layout: &Layout,
    st: &Styles,
) -> Result<(), XlsxError> {
    let cx = Ctx { audit, layout, st };
    ws.set_name("Touchpoints")?;
    let ds = &audit.dataset;
    let (headers, extras_col) = headers(audit);
    let mut pr = Print::new(true);
    pr.width(ws, 0, 0, 30.0)?;
    pr.width(ws, 1, 19, 12.0)?;
    pr.width(ws, 1, 1, 17.0)?;
    pr.width(ws, 5, 5, 24.0)?;
    pr.width(ws, 22, 22, 30.0)?;
    pr.height(ws, 0, 32.0)?;
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &st.header)?;
    }
    let changes = audit.changes.as_ref();
    for (i, (t, f)) in ds
        .touchpoints
        .iter()
        .zip(&audit.analysis.touchpoints)
        .enumerate()
    {
        let r = 1 + i as u32;
        write_facts(ws, st, r, t, f)?;
        let short = write_score(ws, cx, r, i)?;
        let stages = t
            .stages
            .iter()
            .map(|s| s.key())
            .collect::<Vec<_>>()
            .join(", ");
        pr.fit_row(ws, r, &[(&stages, 5), (&short, 22)])?;
        if let Some(d) = changes.and_then(|c| c.touchpoints.get(i)) {
            write_change(ws, st, r, d)?;
        }
        for (k, v) in t.extras.iter().enumerate() {
            super::customers::write_extra(ws, r, extras_col + k as u16, v, st)?;
        }
    }
    let n = ds.touchpoints.len() as u32;
    if n > 0 {
        let (g, a) = layout.band_cells();
        super::style::band_colours(ws, (1, 20, n, 20), (&g, &a), st)?;
        ws.autofilter(0, 0, n, headers.len() as u16 - 1)?;
    }
    ws.set_freeze_panes(1, 1)?;
    pr.repeat_rows(0, 0);
    pr.repeat_cols(0, 0);
    pr.finish(ws, &super::page_title(audit), headers.len() as u16 - 1)
}

/// The header row: the fixed columns, the change columns when a previous
/// audit was given, then the spend file's extra columns. Also returns the
/// column of the first extra.
fn headers(audit: &Audit) -> (Vec<String>, u16) {
    let mut headers: Vec<String> = HEADERS.iter().map(|s| s.to_string()).collect();
    if audit.changes.is_some() {
        headers.extend(["Score before".to_string(), "Change".to_string()]);
    }
    let extras_col = headers.len() as u16;
    headers.extend(audit.dataset.spend_extras.iter().cloned());
    (headers, extras_col)
}

/// The input and derived facts of touchpoint row `r` (columns A:T).
fn write_facts(
    ws: &mut Worksheet,
    st: &Styles,
    r: u32,
    t: &Touchpoint,
    f: &TouchpointFacts,
) -> Result<(), XlsxError> {
    let yes_no = |b: Option<bool>| b.map(|b| if b { "yes" } else { "no" }).unwrap_or("");
    ws.write_string(r, 0, &t.name)?;
    ws.write_string(r, 1, t.p.title())?;
    ws.write_number_with_format(r, 2, t.spend, &st.money)?;
    if let Some(v) = f.spend_share {
        ws.write_number_with_format(r, 3, v, &st.pct)?;
    }
    ws.write_string(r, 4, t.objective.key())?;
    ws.write_string_with_format(
        r,
        5,
        t.stages
            .iter()
            .map(|s| s.key())
            .collect::<Vec<_>>()
            .join(", "),
        &Format::new().set_text_wrap(),
    )?;
    ws.write_string(r, 6, t.channel.as_deref().unwrap_or(""))?;
    ws.write_string(r, 7, t.owner.as_deref().unwrap_or(""))?;
    let nums: [(u16, Option<f64>, &Format); 11] = [
        (8, t.cadence_days, &st.int),
        (11, t.reach, &st.int),
        (12, t.responses, &st.int),
        (13, f.reached.map(|v| v as f64), &st.int),
        (14, f.reached_share, &st.pct),
        (15, f.active_rate_reached, &st.pct),
        (16, f.active_rate_not_reached, &st.pct),
        (17, f.lift, &st.dec1),
        (18, f.revenue_reached, &st.money),
        (19, f.spend_per_reached, &st.money),
        (2, Some(t.spend), &st.money),
    ];
    for (c, v, fmt) in nums {
        if let Some(v) = v {
            ws.write_number_with_format(r, c, v, fmt)?;
        }
    }
    ws.write_string(r, 9, yes_no(t.personalized))?;
    ws.write_string(r, 10, yes_no(t.feedback_loop))?;
    Ok(())
}

/// The live score and rating of touchpoint `i` on row `r` (over its Matrix
/// row), the ids that fall short, and a note explaining each of them.
/// Returns the shortfall list, which the row's height must fit.
fn write_score(ws: &mut Worksheet, cx: Ctx, r: u32, i: usize) -> Result<String, XlsxError> {
    let (layout, st) = (cx.layout, cx.st);
    let res = &cx.audit.scores.touchpoints[i];
    let matrix_row = layout.first_row + 1 + i as u32;
    ws.write_formula_with_format(
        r,
        20,
        formula(format!("=Matrix!D{matrix_row}"), res.score),
        &st.score,
    )?;
    let rating = res.rating.unwrap_or("not assessed");
    ws.write_formula(
        r,
        21,
        Formula::new(layout.rating_formula(&format!("U{}", r + 1))).set_result(rating),
    )?;
    let short: Vec<&ItemResult> = res
        .results
        .iter()
        .filter(|x| matches!(x.status, Status::Fail | Status::Partial))
        .collect();
    let list = crate::model::limits::join_capped(short.iter().map(|x| x.item.as_str()), ", ");
    ws.write_string_with_format(r, 22, &list, &Format::new().set_text_wrap())?;
    if !short.is_empty() {
        ws.insert_note(
            r,
            20,
            &Note::new(shortfall_text(cx.audit, &short))
                .set_author("mixaudit")
                .set_width(460)
                .set_height((110 * short.len() as u32).clamp(160, 900)),
        )?;
    }
    Ok(list)
}

/// The score note's text: per failed or partial item, what was seen, why it
/// matters and the fix.
fn shortfall_text(audit: &Audit, short: &[&ItemResult]) -> String {
    let notes = short
        .iter()
        .map(|x| {
            let item = audit.checklist.items().find(|i| i.id == x.item);
            format!(
                "{} ({}): {}\nSeen: {}\nWhy: {}\nFix: {}",
                x.item,
                x.status.label(),
                item.map_or("", |i| i.title.as_str()),
                x.note,
                item.map_or("", |i| i.why.as_str()),
                item.map_or("", |i| i.fix.as_str())
            )
        })
        .collect::<Vec<_>>();
    let mut text = crate::model::limits::join_capped(notes.iter().map(String::as_str), "\n\n");
    crate::model::limits::clamp(&mut text);
    text
}

/// The score before and the change since the previous audit ("new" for a
/// touchpoint the previous audit did not have).
fn write_change(
    ws: &mut Worksheet,
    st: &Styles,
    r: u32,
    d: &TouchpointChange,
) -> Result<(), XlsxError> {
    match d.delta.before {
        Some(b) => ws.write_number_with_format(r, 23, b, &st.score)?,
        None => ws.write_string_with_format(r, 23, if d.new { "new" } else { "" }, &st.helper)?,
    };
    if let Some(c) = d.delta.change {
        ws.write_number_with_format(r, 24, c, &st.dec1)?;
    }
    Ok(())
}
