//! The Cohorts sheet: buyers grouped by the month of their first purchase,
//! and the share of each group that bought again in each later month — the
//! retention heat-map — with the average curve as a line chart.

use rust_xlsxwriter::{
    Chart, ChartType, ConditionalFormat3ColorScale, ConditionalFormatType, Worksheet, XlsxError,
};

use super::Styles;
use super::print::Print;
use crate::analytics::value::CohortTable;
use crate::audit::Audit;

/// First row of the share triangle's header.
const HEAD: u32 = 3;

/// Writes the Cohorts sheet, printed landscape through the shared layout
/// ([`Print`]): the triangle, the chart and the counts each kept whole, the
/// cohort and size columns repeated on every page across.
pub fn write_cohorts(ws: &mut Worksheet, audit: &Audit, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Cohorts")?;
    let mut pr = Print::new(true);
    pr.width(ws, 0, 0, 20.0)?;
    pr.width(ws, 1, 1, 11.0)?;
    let title = super::page_title(audit);
    ws.write_string_with_format(0, 0, "Purchase cohorts", &st.title)?;
    let Some(t) = audit
        .analysis
        .metrics
        .value
        .cohorts
        .as_ref()
        .filter(|t| !t.rows.is_empty())
    else {
        ws.write_string(
            1,
            0,
            "Cohorts need the date of every order, so this sheet stays empty until the customer file comes with an Orders sheet.",
        )?;
        return pr.finish(ws, &title, 9);
    };
    ws.merge_range(
        1,
        0,
        1,
        9,
        "Each row is the customers whose first purchase fell in that month; each column is the share of them who bought in the month so many months later.",
        &st.wrap,
    )?;
    pr.height(ws, 1, 30.0)?;
    let width = t.rows.iter().map(|r| r.retained.len()).max().unwrap_or(1);
    // Wide enough for "Month 10" on one line.
    pr.width(ws, 2, 1 + width as u16, 9.5)?;
    let average_row = shares(ws, t, width, st)?;
    pr.keep(HEAD, average_row + 1);
    // The chart takes about 15 rows below the average; the counts follow it.
    pr.keep(average_row + 1, average_row + 17);
    let counts_row = average_row + 18;
    counts(ws, t, width, st, counts_row)?;
    pr.keep(counts_row, counts_row + 2 + t.rows.len() as u32);
    chart(ws, width, average_row)?;
    // The chart (560 px from column B) may reach past the last month column.
    let table_px: f64 = (1..=1 + width as u16)
        .map(|c| pr.col_width(c) * 7.0 + 5.0)
        .sum();
    pr.extra_width((560.0 - table_px).max(0.0));
    // The month header repeats only when the triangle itself runs past a
    // page; above the chart and the counts on a later page it would mislead.
    if t.rows.len() > 24 {
        pr.repeat_rows(HEAD, HEAD);
    }
    pr.repeat_cols(0, 1);
    pr.finish(ws, &title, (1 + width as u16).max(9))
}

/// Header, one row of shares per cohort and the size-weighted average row;
/// returns the average row.
fn shares(
    ws: &mut Worksheet,
    t: &CohortTable,
    width: usize,
    st: &Styles,
) -> Result<u32, XlsxError> {
    ws.write_string_with_format(HEAD, 0, "First purchase month", &st.header)?;
    ws.write_string_with_format(HEAD, 1, "Customers", &st.header)?;
    for k in 0..width {
        ws.write_string_with_format(HEAD, 2 + k as u16, format!("Month {k}"), &st.header)?;
    }
    let mut kept = vec![0u64; width];
    let mut base = vec![0u64; width];
    for (i, row) in t.rows.iter().enumerate() {
        let r = HEAD + 1 + i as u32;
        ws.write_string(r, 0, &row.cohort)?;
        ws.write_number_with_format(r, 1, row.size as f64, &st.int)?;
        for (k, (&share, &n)) in row.retained_share.iter().zip(&row.retained).enumerate() {
            ws.write_number_with_format(r, 2 + k as u16, share, &st.pct)?;
            kept[k] += n;
            base[k] += row.size;
        }
    }
    let last = HEAD + t.rows.len() as u32;
    let scale = ConditionalFormat3ColorScale::new()
        .set_minimum(ConditionalFormatType::Number, 0)
        .set_midpoint(ConditionalFormatType::Percentile, 50)
        .set_maximum(ConditionalFormatType::Number, 1)
        .set_minimum_color("F8696B")
        .set_midpoint_color("FFEB84")
        .set_maximum_color("63BE7B");
    // Month 0 is always 100%: the scale starts at month 1 so it shows the spread that matters.
    if width > 1 {
        ws.add_conditional_format(HEAD + 1, 3, last, 1 + width as u16, &scale)?;
    }
    let avg = last + 1;
    ws.write_string_with_format(avg, 0, "Average", &st.bold)?;
    ws.write_number_with_format(avg, 1, base[0] as f64, &st.int)?;
    for k in 0..width {
        if base[k] > 0 {
            let share = kept[k] as f64 / base[k] as f64;
            ws.write_number_with_format(avg, 2 + k as u16, share, &st.pct)?;
        }
    }
    Ok(avg)
}

/// The same triangle as customer counts, from row `row`.
fn counts(
    ws: &mut Worksheet,
    t: &CohortTable,
    width: usize,
    st: &Styles,
    row: u32,
) -> Result<(), XlsxError> {
    ws.write_string_with_format(row, 0, "Customers who bought, by month", &st.subtitle)?;
    ws.write_string_with_format(row + 1, 0, "First purchase month", &st.header)?;
    ws.write_string_with_format(row + 1, 1, "Customers", &st.header)?;
    for k in 0..width {
        ws.write_string_with_format(row + 1, 2 + k as u16, format!("Month {k}"), &st.header)?;
    }
    for (i, c) in t.rows.iter().enumerate() {
        let r = row + 2 + i as u32;
        ws.write_string(r, 0, &c.cohort)?;
        ws.write_number_with_format(r, 1, c.size as f64, &st.int)?;
        for (k, &n) in c.retained.iter().enumerate() {
            ws.write_number_with_format(r, 2 + k as u16, n as f64, &st.int)?;
        }
    }
    Ok(())
}

/// A line chart of the average row, placed to the right of the header note.
fn chart(ws: &mut Worksheet, width: usize, avg: u32) -> Result<(), XlsxError> {
    let last = 1 + width as u16;
    let mut c = Chart::new(ChartType::Line);
    c.add_series()
        .set_name("Average share still buying")
        .set_categories(("Cohorts", HEAD, 2, HEAD, last))
        .set_values(("Cohorts", avg, 2, avg, last));
    c.title()
        .set_name("Average share of a cohort buying, by month");
    c.legend().set_hidden();
    c.y_axis().set_num_format("0%").set_min(0).set_max(1);
    c.set_width(560).set_height(280);
    ws.insert_chart(avg + 2, 1, &c)?;
    Ok(())
}
