//! portfolio.xlsx: clients × 7 Ps heat-map, ranking, key metrics and a chart.

use std::path::Path;

use rust_xlsxwriter::{Chart, ChartType, Workbook, Worksheet, XlsxError};

use super::Styles;
use crate::audit::Portfolio;
use crate::error::{Error, Result};
use crate::model::P;

/// The rating bands the heat-map reads (D2 green, F2 amber): editing one
/// recolours the sheet.
fn write_bands(
    ws: &mut Worksheet,
    v: &Portfolio,
    st: &Styles,
) -> std::result::Result<(), XlsxError> {
    let (bands, agree) = v.bands();
    ws.write_string_with_format(1, 2, "Green from", &st.bold)?;
    ws.write_number(1, 3, bands.green)?;
    ws.write_string_with_format(1, 4, "Amber from", &st.bold)?;
    ws.write_number(1, 5, bands.amber)?;
    let note = if agree {
        "Score colours follow these bands: edit one to recolour."
    } else {
        "The clients' checklists use different bands; colours follow these (ratings stay each client's own)."
    };
    ws.write_string_with_format(1, 6, note, &st.helper_text)?;
    Ok(())
}

/// Writes the portfolio workbook.
pub fn write(v: &Portfolio, path: &Path) -> Result<()> {
    build(v, path).map_err(|e| Error::Output {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

fn build(v: &Portfolio, path: &Path) -> std::result::Result<(), XlsxError> {
    let st = Styles::for_currency(v.currency());
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Portfolio")?;
    ws.write_string_with_format(0, 0, "Portfolio retention audit", &st.title)?;
    let mut headers: Vec<String> = vec![
        "Rank".into(),
        "Client".into(),
        "Score".into(),
        "Rating".into(),
    ];
    headers.extend(P::ALL.iter().map(|p| p.title().to_string()));
    headers.extend(
        [
            "Customers",
            "Active rate",
            "Retention spend share",
            "Valuable at risk",
            "Spend",
            "Findings",
        ]
        .map(String::from),
    );
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, h, &st.header)?;
    }
    write_bands(ws, v, &st)?;
    let clients = &v.clients;
    for (i, c) in clients.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_number(r, 0, (i + 1) as f64)?;
        ws.write_string(r, 1, c.client.as_deref().unwrap_or(""))?;
        if let Some(s) = c.score {
            ws.write_number_with_format(r, 2, s, &st.score)?;
        }
        ws.write_string(r, 3, c.rating.as_deref().unwrap_or(""))?;
        for (j, p) in P::ALL.iter().enumerate() {
            if let Some(s) = c.ps.iter().find(|q| q.p == p.key()).and_then(|q| q.score) {
                ws.write_number_with_format(r, 4 + j as u16, s, &st.score)?;
            }
        }
        let m = &c.metrics;
        let nums = [
            (11u16, &m.customers, &st.int),
            (12, &m.active_rate, &st.pct),
            (13, &m.retention_spend_share, &st.pct),
            (14, &m.high_value_at_risk, &st.int),
            (15, &m.spend_total, &st.money),
        ];
        for (col, k, f) in nums {
            if let Some(x) = k.as_ref().and_then(serde_json::Number::as_f64) {
                ws.write_number_with_format(r, col, x, f)?;
            }
        }
        ws.write_number(r, 16, c.findings as f64)?;
    }
    let n = clients.len() as u32;
    if n > 0 {
        let bands = ("$D$2", "$F$2");
        super::style::band_colours(ws, (3, 2, 2 + n, 2), bands, &st)?;
        super::style::band_colours(ws, (3, 4, 2 + n, 10), bands, &st)?;
        let mut chart = Chart::new(ChartType::Bar);
        chart
            .add_series()
            .set_name("Score")
            .set_categories(("Portfolio", 3, 1, 2 + n, 1))
            .set_values(("Portfolio", 3, 2, 2 + n, 2));
        chart.title().set_name("Overall score by client");
        chart.legend().set_hidden();
        chart.set_width(640).set_height(300 + 12 * n.min(60));
        ws.insert_chart(4 + n, 1, &chart)?;
    }
    ws.set_column_width(1, 28)?;
    ws.set_column_range_width(2, 16, 11)?;
    ws.set_freeze_panes(3, 2)?;
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    let fails = &v.failures;
    if !fails.is_empty() {
        let ws = wb.add_worksheet();
        ws.set_name("Failures")?;
        ws.write_string_with_format(0, 0, "Client", &st.header)?;
        ws.write_string_with_format(0, 1, "Error", &st.header)?;
        for (i, f) in fails.iter().enumerate() {
            ws.write_string(1 + i as u32, 0, &f.key)?;
            ws.write_string_with_format(1 + i as u32, 1, &f.error, &st.wrap)?;
        }
        ws.set_column_width(0, 24)?;
        ws.set_column_width(1, 100)?;
    }
    wb.save(path)?;
    Ok(())
}
