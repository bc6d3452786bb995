//! The Segments sheet (value × risk, ladder, defection reasons) and the Spend
//! sheet (by P, stage and objective), each table with its chart.

use rust_xlsxwriter::{Chart, ChartType, Worksheet, XlsxError};

use super::Styles;
use super::print::Print;
use crate::analytics::OrderedMap;
use crate::audit::Audit;

fn table(
    ws: &mut Worksheet,
    st: &Styles,
    row: u32,
    title: &str,
    header: [&str; 2],
    data: &[(String, f64)],
    money: bool,
) -> Result<u32, XlsxError> {
    ws.write_string_with_format(row, 0, title, &st.subtitle)?;
    ws.write_string_with_format(row + 1, 0, header[0], &st.header)?;
    ws.write_string_with_format(row + 1, 1, header[1], &st.header)?;
    for (i, (k, v)) in data.iter().enumerate() {
        let r = row + 2 + i as u32;
        ws.write_string(r, 0, k)?;
        ws.write_number_with_format(r, 1, *v, if money { &st.money } else { &st.int })?;
    }
    Ok(row + 2)
}

fn chart(
    ws: &mut Worksheet,
    sheet: &str,
    kind: ChartType,
    title: &str,
    first: u32,
    n: usize,
    at_row: u32,
) -> Result<(), XlsxError> {
    if n == 0 {
        return Ok(());
    }
    let mut c = Chart::new(kind);
    c.add_series()
        .set_name(title)
        .set_categories((sheet, first, 0, first + n as u32 - 1, 0))
        .set_values((sheet, first, 1, first + n as u32 - 1, 1));
    c.title().set_name(title);
    if kind != ChartType::Pie {
        c.legend().set_hidden();
    }
    c.set_width(480).set_height(260);
    ws.insert_chart(at_row, 4, &c)?;
    Ok(())
}

/// Rows a chart covers (260 px at 20 px a row), for the page breaks.
const CHART_ROWS: u32 = 14;

/// Keeps a table's heading at `row`, its `n` data rows from `first` and the
/// chart beside it on one page; returns the row after the block.
fn keep_table(pr: &mut Print, row: u32, first: u32, n: usize) -> u32 {
    let end = (first + n as u32).max(row + CHART_ROWS);
    pr.keep(row, end);
    end
}

/// The portrait layout of a tables-and-charts sheet: columns A:D with the
/// charts beside them (from column E, 480 px wide).
fn finish(ws: &mut Worksheet, audit: &Audit, mut pr: Print) -> Result<(), XlsxError> {
    pr.extra_width(480.0);
    pr.finish(ws, &super::page_title(audit), 3)
}

fn floats(m: &OrderedMap<u64>) -> Vec<(String, f64)> {
    m.0.iter().map(|(k, v)| (k.clone(), *v as f64)).collect()
}

/// Writes the Segments sheet.
pub fn write_segments(ws: &mut Worksheet, audit: &Audit, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Segments")?;
    let mut pr = Print::new(false);
    pr.width(ws, 0, 0, 26.0)?;
    pr.width(ws, 1, 1, 15.0)?;
    pr.width(ws, 2, 3, 12.0)?;
    let m = &audit.analysis.metrics;
    ws.write_string_with_format(0, 0, "Customer segments", &st.title)?;
    ws.write_string_with_format(2, 0, "Value tier × risk (buyers)", &st.subtitle)?;
    let risks = ["low", "medium", "high", "lost"];
    ws.write_string_with_format(3, 0, "Value \\ risk", &st.header)?;
    for (c, r) in risks.iter().enumerate() {
        ws.write_string_with_format(3, 1 + c as u16, *r, &st.header)?;
    }
    for (i, (tier, row)) in m.value_risk.0.iter().enumerate() {
        let r = 4 + i as u32;
        ws.write_string_with_format(r, 0, tier, &st.bold)?;
        for (c, k) in risks.iter().enumerate() {
            let v = row.get(k).unwrap_or(0) as f64;
            let fmt = if tier == "high" && *k == "high" {
                &st.red
            } else {
                &st.int
            };
            ws.write_number_with_format(r, 1 + c as u16, v, fmt)?;
        }
    }
    ws.write_string_with_format(
        7,
        0,
        "High value × high risk = valuable customers at risk: protect them first.",
        &st.helper,
    )?;
    let ladder = floats(&m.ladder);
    let first = table(
        ws,
        st,
        9,
        "Loyalty ladder",
        ["Stage", "Customers"],
        &ladder,
        false,
    )?;
    // Beside each rung: its active and lost buyers (prospects are neither).
    ws.write_string_with_format(first - 1, 2, "Active", &st.header)?;
    ws.write_string_with_format(first - 1, 3, "Lost", &st.header)?;
    for (i, (stage, _)) in ladder.iter().enumerate() {
        let r = first + i as u32;
        for (c, split) in [(2, &m.ladder_active), (3, &m.ladder_lost)] {
            match split.get(stage) {
                Some(n) => ws.write_number_with_format(r, c, n as f64, &st.int)?,
                None => ws.write_string(r, c, "—")?,
            };
        }
    }
    chart(
        ws,
        "Segments",
        ChartType::Column,
        "Customers per ladder stage",
        first,
        ladder.len(),
        9,
    )?;
    pr.keep(0, 8);
    keep_table(&mut pr, 9, first, ladder.len());
    let reasons = floats(&m.defection_reasons);
    let row = first + ladder.len() as u32 + 8;
    let first = table(
        ws,
        st,
        row,
        "Why lost customers left",
        ["Reason", "Lost customers"],
        &reasons,
        false,
    )?;
    keep_table(&mut pr, row, first, reasons.len() + 1);
    if m.lost_with_reason > 0 {
        chart(
            ws,
            "Segments",
            ChartType::Bar,
            "Defection reasons",
            first,
            reasons.len(),
            row,
        )?;
    } else {
        ws.write_string_with_format(
            first + reasons.len() as u32,
            0,
            "No churn reasons recorded.",
            &st.helper,
        )?;
    }
    finish(ws, audit, pr)
}

/// Writes the Spend sheet.
pub fn write_spend(ws: &mut Worksheet, audit: &Audit, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Spend")?;
    let mut pr = Print::new(false);
    pr.width(ws, 0, 0, 24.0)?;
    pr.width(ws, 1, 1, 14.0)?;
    let m = &audit.analysis.metrics;
    ws.write_string_with_format(0, 0, "Marketing spend", &st.title)?;
    ws.write_string(
        1,
        0,
        format!(
            "Total {}; share on retention {}",
            crate::report::format::money(
                Some(m.spend_total),
                audit.dataset.currency.as_deref().unwrap_or("")
            ),
            crate::report::format::pct(m.retention_spend_share)
        ),
    )?;
    let by_p: Vec<(String, f64)> = m
        .spend_by_p
        .0
        .iter()
        .map(|(k, v)| {
            (
                crate::model::P::parse(k).map_or(k.clone(), |p| p.title().to_string()),
                *v,
            )
        })
        .collect();
    let first = table(ws, st, 3, "Spend by P", ["P", "Spend"], &by_p, true)?;
    chart(
        ws,
        "Spend",
        ChartType::Column,
        "Spend by P",
        first,
        by_p.len(),
        3,
    )?;
    pr.keep(0, 3);
    keep_table(&mut pr, 3, first, by_p.len());
    let row = first + by_p.len() as u32 + 8;
    let by_stage: Vec<(String, f64)> = m.spend_by_stage.0.clone();
    let first = table(
        ws,
        st,
        row,
        "Spend by loyalty-ladder stage",
        ["Stage", "Spend"],
        &by_stage,
        true,
    )?;
    chart(
        ws,
        "Spend",
        ChartType::Column,
        "Spend by ladder stage",
        first,
        by_stage.len(),
        row,
    )?;
    keep_table(&mut pr, row, first, by_stage.len());
    let row = first + by_stage.len().max(7) as u32 + 8;
    let by_obj: Vec<(String, f64)> = m.spend_by_objective.0.clone();
    let first = table(
        ws,
        st,
        row,
        "Spend by objective",
        ["Objective", "Spend"],
        &by_obj,
        true,
    )?;
    chart(
        ws,
        "Spend",
        ChartType::Pie,
        "Spend by objective",
        first,
        by_obj.len(),
        row,
    )?;
    keep_table(&mut pr, row, first, by_obj.len());
    finish(ws, audit, pr)
}
