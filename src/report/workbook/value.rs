//! The Value sheet: what the customer base is expected to be worth, from the
//! purchase and spend models (SPEC §4.2) — the model figures, the totals,
//! RFM segments with their value, how value is spread over buyers, and the
//! most valuable customers with their chance of still buying.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::Styles;
use super::print::Print;
use crate::analytics::{Analysis, ValueMetrics};
use crate::audit::Audit;

/// Customers listed by value.
const TOP: usize = 25;

/// Writes the Value sheet, printed landscape through the shared layout
/// ([`Print`]): each heading kept with its table, page header and footer.
pub fn write_value(ws: &mut Worksheet, audit: &Audit, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Value")?;
    let mut pr = Print::new(true);
    pr.width(ws, 0, 0, 58.0)?;
    for c in 1..=5 {
        pr.width(ws, c, c, if c == 4 { 19.0 } else { 16.0 })?;
    }
    ws.write_string_with_format(0, 0, "Customer value", &st.title)?;
    let a = &audit.analysis;
    let v = &a.metrics.value;
    let months = a.params.clv_months;
    let note = if v.clv_model.is_none() {
        "Customer lifetime value could not be estimated from these purchase histories (see the warnings on the About sheet); the RFM segments below do not need it.".to_string()
    } else {
        format!(
            "What each buyer is expected to spend over the next {months} months, discounted, from a model of how often customers buy and how likely they are to have stopped."
        )
    };
    ws.merge_range(1, 0, 1, 5, &note, &st.wrap)?;
    pr.height(
        ws,
        1,
        super::print::row_height(&[(&note, 58.0 + 16.0 * 4.0 + 19.0)]),
    )?;
    // Each block (a heading with its table) is kept on one page.
    let mut row = key_figures(ws, a, v, st, 3)?;
    pr.keep(3, row);
    let start = row + 1;
    row = models(ws, v, st, start)?;
    pr.keep(start, row);
    let order = by_value(a);
    let start = row + 1;
    row = segments(ws, a, st, start)?;
    pr.keep(start, row);
    let start = row + 1;
    row = distribution(ws, a, &order, st, start)?;
    pr.keep(start, row);
    let start = row + 1;
    let end = top_customers(ws, audit, &order, st, start)?;
    pr.keep(start, end);
    pr.finish(ws, &super::page_title(audit), 5)
}

/// Label in column A, a number with `fmt` in B (blank when unknown).
fn figure(
    ws: &mut Worksheet,
    row: u32,
    label: &str,
    v: Option<f64>,
    fmt: &rust_xlsxwriter::Format,
) -> Result<(), XlsxError> {
    ws.write_string(row, 0, label)?;
    if let Some(v) = v.filter(|v| v.is_finite()) {
        ws.write_number_with_format(row, 1, v, fmt)?;
    }
    Ok(())
}

/// The headline totals; returns the next free row.
fn key_figures(
    ws: &mut Worksheet,
    a: &Analysis,
    v: &ValueMetrics,
    st: &Styles,
    row: u32,
) -> Result<u32, XlsxError> {
    let p = &a.params;
    ws.write_string_with_format(row, 0, "Key figures", &st.subtitle)?;
    let lines = [
        (
            format!("Lifetime value of all buyers, next {} months", p.clv_months),
            v.clv_total,
            &st.money,
        ),
        (
            format!(
                "Revenue expected from current customers, next {} days",
                p.period_days
            ),
            v.expected_revenue_next_period,
            &st.money,
        ),
        (
            format!(
                "Active customers likely lost (chance of still buying below {:.0}%)",
                100.0 * p.alive_threshold
            ),
            v.likely_lost.map(|n| n as f64),
            &st.int,
        ),
        (
            "… of them high-value customers".to_string(),
            v.high_value_likely_lost.map(|n| n as f64),
            &st.int,
        ),
    ];
    for (i, (label, value, fmt)) in lines.iter().enumerate() {
        figure(ws, row + 1 + i as u32, label, *value, fmt)?;
    }
    Ok(row + 1 + lines.len() as u32)
}

/// The fitted model parameters; returns the next free row.
fn models(ws: &mut Worksheet, v: &ValueMetrics, st: &Styles, row: u32) -> Result<u32, XlsxError> {
    ws.write_string_with_format(row, 0, "Purchase model (BG/NBD, in days)", &st.subtitle)?;
    let Some(m) = &v.clv_model else {
        ws.write_string(row + 1, 0, "Not fitted")?;
        return Ok(row + 2);
    };
    let mut r = row + 1;
    for (label, value) in [
        ("Purchase-rate shape r", m.r),
        ("Purchase-rate scale alpha", m.alpha),
        ("Drop-out shape a", m.a),
        ("Drop-out shape b", m.b),
        ("Log-likelihood", m.log_likelihood),
    ] {
        figure(ws, r, label, Some(value), &st.dec3)?;
        r += 1;
    }
    figure(ws, r, "Buyers fitted", Some(m.customers as f64), &st.int)?;
    r += 1;
    ws.write_string(r, 0, "Fit converged")?;
    ws.write_string_with_format(
        r,
        1,
        if m.converged { "yes" } else { "no" },
        &rust_xlsxwriter::Format::new().set_align(rust_xlsxwriter::FormatAlign::Right),
    )?;
    r += 2;
    ws.write_string_with_format(r, 0, "Spend model (Gamma-Gamma)", &st.subtitle)?;
    r += 1;
    match &v.spend_model {
        Some(s) => {
            for (label, value) in [
                ("Order-value shape p", s.p),
                ("Shape q", s.q),
                ("Scale gamma", s.gamma),
            ] {
                figure(ws, r, label, Some(value), &st.dec3)?;
                r += 1;
            }
            figure(
                ws,
                r,
                "Repeat buyers fitted",
                Some(s.customers as f64),
                &st.int,
            )?;
            r += 1;
        }
        None => {
            ws.write_string(
                r,
                0,
                "Not used: every customer's expected order value is the observed mean order value",
            )?;
            r += 1;
        }
    }
    Ok(r)
}

/// Customers with a CLV, most valuable first (ties by id).
fn by_value(a: &Analysis) -> Vec<u32> {
    let mut order: Vec<u32> = (0..a.customers.len() as u32)
        .filter(|&i| a.customers[i as usize].clv.is_some())
        .collect();
    let clv = |i: u32| a.customers[i as usize].clv.get().unwrap_or(0.0);
    order.sort_unstable_by(|&x, &y| clv(y).total_cmp(&clv(x)).then(x.cmp(&y)));
    order
}

/// One row per RFM segment: customers, revenue, CLV; returns the next free row.
fn segments(ws: &mut Worksheet, a: &Analysis, st: &Styles, row: u32) -> Result<u32, XlsxError> {
    ws.write_string_with_format(row, 0, "RFM segments (buyers)", &st.subtitle)?;
    let Some(rfm) = &a.metrics.value.rfm else {
        ws.write_string(row + 1, 0, "No buyer has a last purchase date")?;
        return Ok(row + 2);
    };
    for (c, h) in ["Segment", "Customers", "Revenue", "Lifetime value"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(row + 1, c as u16, *h, &st.header)?;
    }
    let clv = a.clv_by_segment();
    for (i, (name, s)) in rfm.0.iter().enumerate() {
        let r = row + 2 + i as u32;
        ws.write_string(r, 0, name)?;
        ws.write_number_with_format(r, 1, s.customers as f64, &st.int)?;
        ws.write_number_with_format(r, 2, s.revenue, &st.money)?;
        if let Some(v) = clv.as_ref().and_then(|c| c.get(i)) {
            ws.write_number_with_format(r, 3, *v, &st.money)?;
        }
    }
    Ok(row + 2 + rfm.0.len() as u32)
}

/// Lifetime value by tenth of the buyers (most valuable tenth first);
/// returns the next free row.
fn distribution(
    ws: &mut Worksheet,
    a: &Analysis,
    order: &[u32],
    st: &Styles,
    row: u32,
) -> Result<u32, XlsxError> {
    if order.is_empty() {
        return Ok(row);
    }
    ws.write_string_with_format(row, 0, "How value is spread over buyers", &st.subtitle)?;
    for (c, h) in [
        "Buyers by value",
        "Customers",
        "Lifetime value",
        "Share of value",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(row + 1, c as u16, *h, &st.header)?;
    }
    let clv = |i: u32| a.customers[i as usize].clv.get().unwrap_or(0.0);
    let total: f64 = order.iter().map(|&i| clv(i)).sum();
    let n = order.len();
    let mut r = row + 2;
    for d in 0..10 {
        let (lo, hi) = (d * n / 10, (d + 1) * n / 10);
        if lo == hi {
            continue;
        }
        let sum: f64 = order[lo..hi].iter().map(|&i| clv(i)).sum();
        let label = match d {
            0 => "Top 10%".to_string(),
            _ => format!("{}–{}%", 10 * d, 10 * (d + 1)),
        };
        ws.write_string(r, 0, label)?;
        ws.write_number_with_format(r, 1, (hi - lo) as f64, &st.int)?;
        ws.write_number_with_format(r, 2, sum, &st.money)?;
        if total > 0.0 {
            ws.write_number_with_format(r, 3, sum / total, &st.pct)?;
        }
        r += 1;
    }
    Ok(r)
}

/// The most valuable customers with their chance of still buying.
fn top_customers(
    ws: &mut Worksheet,
    audit: &Audit,
    order: &[u32],
    st: &Styles,
    row: u32,
) -> Result<u32, XlsxError> {
    if order.is_empty() {
        return Ok(row);
    }
    let a = &audit.analysis;
    let title = format!("The {TOP} most valuable customers");
    ws.write_string_with_format(row, 0, title, &st.subtitle)?;
    let headers = [
        "Customer",
        "Name",
        "Lifetime value",
        "P(alive)",
        "Expected purchases",
        "RFM segment",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(row + 1, c as u16, *h, &st.header)?;
    }
    let shown = order.len().min(TOP) as u32;
    for (k, &i) in order.iter().take(TOP).enumerate() {
        let r = row + 2 + k as u32;
        let (c, f) = (
            &audit.dataset.customers[i as usize],
            &a.customers[i as usize],
        );
        ws.write_string(r, 0, c.id.as_str())?;
        if let Some(n) = &c.name {
            ws.write_string(r, 1, n.as_str())?;
        }
        if let Some(v) = f.clv.get() {
            ws.write_number_with_format(r, 2, v, &st.money)?;
        }
        if let Some(v) = f.p_alive.get() {
            ws.write_number_with_format(r, 3, v, &st.pct)?;
        }
        if let Some(v) = f.expected_purchases.get() {
            ws.write_number_with_format(r, 4, v, &st.dec1)?;
        }
        if let Some(s) = f.rfm_segment {
            ws.write_string(r, 5, a.rfm_segments.name(usize::from(s)))?;
        }
    }
    Ok(row + 2 + shown)
}
