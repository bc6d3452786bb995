//! The Summary sheet: headline score, the live 7-P table with traffic lights,
//! a radar chart, key metrics and the top findings.

use crate::analytics::MetricKind;
use rust_xlsxwriter::{
    Chart, ChartType, ConditionalFormatCell, ConditionalFormatCellRule, Formula, Worksheet,
    XlsxError,
};

use super::print::{Print, row_height};
use super::{Ctx, Layout, Styles, formula};
use crate::audit::{Audit, Changes, Delta};

/// First row of the P table's data (zero-based).
pub const P_ROW: u32 = 7;

/// Row after the P table's last data row (zero-based): the anchor for what follows it.
const LAST: u32 = P_ROW + 7;

/// Writes the Summary sheet.
pub fn write(
    ws: &mut Worksheet,
    audit: &Audit,
    layout: &Layout,
    st: &Styles,
) -> Result<(), XlsxError> {
    let cx = Ctx { audit, layout, st };
    ws.set_name("Summary")?;
    let mut pr = Print::new(false);
    pr.width(ws, 0, 0, 46.0)?;
    pr.width(ws, 1, 7, 11.0)?;
    // The helper columns the overall score sums: hidden, so they neither
    // print nor distract, but there for a consultant who unhides them.
    ws.set_column_width(8, 11)?;
    ws.set_column_width(9, 11)?;
    ws.set_column_hidden(8)?;
    ws.set_column_hidden(9)?;
    pr.height(ws, P_ROW - 1, 30.0)?;
    pr.height(ws, 3, 36.0)?;
    write_header(ws, cx)?;
    write_p_table(ws, cx)?;
    pr.keep(0, LAST);
    add_traffic_lights(ws, cx)?;
    insert_radar(ws)?;
    pr.extra_width(60.0);
    let mut row = write_key_metrics(ws, cx, LAST + 2)?;
    pr.keep(LAST + 1, row.max(LAST + 2 + RADAR_ROWS));
    if let Some(ch) = audit.changes.as_ref() {
        let end = write_changes(ws, st, ch, row + 1)?;
        pr.keep(row, end);
        row = end;
    }
    write_top_findings(ws, cx, &mut pr, row + 1)?;
    pr.finish(ws, &super::page_title(audit), 7)
}

/// Rows the radar chart covers (330 px at 20 px a row), for the page breaks.
const RADAR_ROWS: u32 = 17;

/// Title, period line and the live overall score with its rating: what a
/// reader sees first, kept apart from the tables below it.
fn write_header(ws: &mut Worksheet, cx: Ctx) -> Result<(), XlsxError> {
    let (audit, st) = (cx.audit, cx.st);
    ws.write_string_with_format(
        0,
        0,
        format!("Retention audit — {}", audit.client),
        &st.title,
    )?;
    ws.write_string(
        1,
        0,
        format!(
            "Period: {} · As of: {} · Checklist: {} ({})",
            audit.period, audit.analysis.as_of, audit.checklist.name, audit.checklist.version
        ),
    )?;
    ws.write_string_with_format(3, 0, "Overall score", &st.subtitle)?;
    let overall = format!(
        "=IF(SUM(J{a}:J{b})=0,\"\",SUM(I{a}:I{b})/SUM(J{a}:J{b}))",
        a = P_ROW + 1,
        b = LAST
    );
    ws.write_formula_with_format(3, 1, formula(overall, audit.scores.score), &st.big_score)?;
    ws.write_formula_with_format(
        3,
        2,
        Formula::new(cx.layout.rating_formula("B4")).set_result(audit.scores.rating),
        &st.subtitle,
    )?;
    let sc = &audit.scores;
    ws.write_string_with_format(
        3,
        3,
        format!(
            "Confidence: {} ({} of {} checks judged)",
            sc.confidence.label(),
            sc.checks_assessed,
            sc.checks_total
        ),
        &st.bold,
    )?;
    ws.write_string_with_format(
        4,
        0,
        "0–100: the weighted share of applicable checks met. Ratings: see Checklist.",
        &st.helper,
    )?;
    Ok(())
}

/// The 7-P table: one row per P with live weight, score and rating formulas
/// plus the helper columns (weighted score, assessed weight) the overall
/// score sums.
fn write_p_table(ws: &mut Worksheet, cx: Ctx) -> Result<(), XlsxError> {
    let (audit, layout, st) = (cx.audit, cx.layout, cx.st);
    let headers = [
        "P",
        "Weight",
        "Score",
        "Rating",
        "Spend",
        "Share of spend",
        "Confidence",
        "",
        "Weighted score",
        "Assessed weight",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(P_ROW - 1, c as u16, *h, &st.header)?;
    }
    let total = audit.analysis.metrics.spend_total;
    for (i, p) in audit.scores.ps.iter().enumerate() {
        let r = P_ROW + i as u32;
        let x = r + 1;
        ws.write_string_with_format(r, 0, &p.title, &st.bold)?;
        ws.write_formula(
            r,
            1,
            formula(format!("={}", layout.p_weight_cell(i)), Some(p.weight)),
        )?;
        // A P without a spend row is not scored, whatever the weights (SPEC §4.1).
        let score_formula = if p.touchpoints == 0 {
            "=\"\"".to_string()
        } else {
            layout.p_score_formula(i)
        };
        ws.write_formula_with_format(r, 2, formula(score_formula, p.score), &st.score)?;
        ws.write_formula(
            r,
            3,
            Formula::new(layout.rating_formula(&format!("C{x}"))).set_result(p.rating),
        )?;
        ws.write_number_with_format(r, 4, p.spend, &st.money)?;
        if total > 0.0 {
            ws.write_number_with_format(r, 5, p.spend / total, &st.pct)?;
        }
        let weighted = p.score.map(|s| s * p.weight).unwrap_or(0.0);
        ws.write_formula_with_format(
            r,
            8,
            formula(format!("=IF(ISNUMBER(C{x}),B{x}*C{x},0)"), Some(weighted)),
            &st.helper,
        )?;
        ws.write_formula_with_format(
            r,
            9,
            formula(
                format!("=IF(ISNUMBER(C{x}),B{x},0)"),
                Some(if p.score.is_some() { p.weight } else { 0.0 }),
            ),
            &st.helper,
        )?;
        // Confidence beside the score it qualifies (the helper columns the
        // overall score sums sit right of the print area).
        let confidence = if p.touchpoints == 0 {
            "low · no touchpoint".to_string()
        } else {
            format!(
                "{} · {} of {} checks",
                p.confidence.label(),
                p.checks_assessed,
                p.checks_total
            )
        };
        ws.merge_range(r, 6, r, 7, &confidence, &st.wrap)?;
    }
    Ok(())
}

/// Green/amber/red conditional formats on the P scores, the overall score and
/// the rating words, so the colours follow the numbers when weights change.
fn add_traffic_lights(ws: &mut Worksheet, cx: Ctx) -> Result<(), XlsxError> {
    let st = cx.st;
    let (g, a) = cx.layout.band_cells();
    super::style::band_colours(ws, (P_ROW, 2, LAST - 1, 2), (&g, &a), st)?;
    super::style::band_colours(ws, (3, 1, 3, 1), (&g, &a), st)?;
    for (text, fmt) in [("green", &st.green), ("amber", &st.amber), ("red", &st.red)] {
        let cf = ConditionalFormatCell::new()
            .set_rule(ConditionalFormatCellRule::EqualTo(
                format!("\"{text}\"").as_str(),
            ))
            .set_format(fmt);
        ws.add_conditional_format(P_ROW, 3, LAST - 1, 3, &cf)?;
    }
    Ok(())
}

/// The radar chart of the seven P scores, beside the key metrics.
fn insert_radar(ws: &mut Worksheet) -> Result<(), XlsxError> {
    let mut chart = Chart::new(ChartType::RadarFilled);
    chart
        .add_series()
        .set_name("Score")
        .set_categories(("Summary", P_ROW, 0, LAST - 1, 0))
        .set_values(("Summary", P_ROW, 2, LAST - 1, 2));
    chart.title().set_name("7-P scores (0–100)");
    chart.legend().set_hidden();
    chart.y_axis().set_min(0).set_max(100).set_major_unit(25);
    chart.set_width(470).set_height(330);
    ws.insert_chart(LAST + 2, 4, &chart)?;
    Ok(())
}

/// The key-metrics block starting at `row`, "n/a" where a metric could not be
/// computed and each figure's base beside it (marked when too small to
/// judge); returns the row after it.
fn write_key_metrics(ws: &mut Worksheet, cx: Ctx, mut row: u32) -> Result<u32, XlsxError> {
    let st = cx.st;
    ws.write_string_with_format(row, 0, "Key metrics", &st.subtitle)?;
    row += 1;
    let min = crate::report::figures::min_sample(cx.audit);
    for f in crate::report::figures::key_figures(cx.audit) {
        let fmt = match f.kind {
            MetricKind::Share => &st.pct,
            MetricKind::Money => &st.money,
            MetricKind::Count => &st.int,
            _ => &st.dec1,
        };
        ws.write_string(row, 0, &f.label)?;
        match f.value {
            Some(v) => ws.write_number_with_format(row, 1, v, fmt)?,
            None => ws.write_string_with_format(row, 1, "n/a", &st.helper)?,
        };
        let note = f.note(min);
        if !note.is_empty() {
            let style = if f.low_sample {
                &st.bold
            } else {
                &st.helper_text
            };
            ws.write_string_with_format(row, 2, note, style)?;
        }
        row += 1;
    }
    Ok(row)
}

/// The "Change since" block (overall, per P, per metric) starting at `row`,
/// written only when a previous audit was given; returns the row after it.
fn write_changes(
    ws: &mut Worksheet,
    st: &Styles,
    ch: &Changes,
    mut row: u32,
) -> Result<u32, XlsxError> {
    ws.write_string_with_format(
        row,
        0,
        format!(
            "Change since {}",
            ch.previous_as_of.as_deref().unwrap_or("the previous audit")
        ),
        &st.subtitle,
    )?;
    row += 1;
    for (c, h) in ["", "Before", "Now", "Change"].iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *h, &st.header)?;
    }
    row += 1;
    write_delta(ws, st, "Overall score", &ch.score, row)?;
    row += 1;
    for p in &ch.ps {
        write_delta(ws, st, p.p, &p.delta, row)?;
        row += 1;
    }
    for (k, d) in &ch.metrics {
        write_delta(ws, st, k, d, row)?;
        row += 1;
    }
    Ok(row)
}

/// One before/now/change line of the changes block, blank where a side is unknown.
fn write_delta(
    ws: &mut Worksheet,
    st: &Styles,
    label: &str,
    d: &Delta,
    row: u32,
) -> Result<(), XlsxError> {
    ws.write_string(row, 0, label)?;
    for (c, v) in [(1u16, d.before), (2, d.now), (3, d.change)] {
        if let Some(v) = v {
            ws.write_number_with_format(row, c, v, &st.dec1)?;
        }
    }
    Ok(())
}

/// The ten top findings from `row`: two rows each, what falls short and then
/// the fix, wrapped across B:H, each kept on one page (the heading with the
/// first).
fn write_top_findings(
    ws: &mut Worksheet,
    cx: Ctx,
    pr: &mut Print,
    mut row: u32,
) -> Result<(), XlsxError> {
    let st = cx.st;
    ws.write_string_with_format(row, 0, "Top findings", &st.subtitle)?;
    let mut start = row;
    row += 1;
    let merged: f64 = (1..=7).map(|c| pr.col_width(c)).sum();
    for (i, f) in cx.audit.scores.findings.iter().take(10).enumerate() {
        let label = match &f.item {
            Some(id) => format!("{}. {id} · {}", i + 1, f.p.title()),
            None => format!("{}. {}", i + 1, f.p.title()),
        };
        ws.write_string_with_format(row, 0, label, &st.bold)?;
        ws.merge_range(row, 1, row, 7, &f.title, &st.wrap_bold)?;
        pr.height(ws, row, row_height(&[(&f.title, merged)]))?;
        row += 1;
        ws.write_string_with_format(
            row,
            0,
            crate::report::format::points_if_fixed(f.score_gain),
            &st.helper_text,
        )?;
        let fix = format!("Fix: {}", f.fix);
        ws.merge_range(row, 1, row, 7, &fix, &st.wrap)?;
        pr.height(ws, row, row_height(&[(&fix, merged)]))?;
        row += 1;
        pr.keep(start, row);
        start = row;
    }
    Ok(())
}
