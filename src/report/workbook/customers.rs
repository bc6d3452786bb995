//! The Customers sheet: every customer with the derived fields, as an Excel
//! table with autofilter and a frozen header, written in constant-memory mode
//! and continued on further sheets past Excel's row limit.

use rust_xlsxwriter::utility::cell_range;
use rust_xlsxwriter::{Table, TableColumn, TableStyle, Workbook, Worksheet, XlsxError};

use super::Styles;
use super::print::Print;
use super::tables::Widen;
use crate::analytics::CustomerFacts;
use crate::audit::{Audit, CUSTOMER_ROWS_PER_SHEET as ROWS_PER_SHEET};
use crate::model::{Customer, CustomerField, Dataset, Extra, FieldId};

/// Writes an extra column's value.
pub fn write_extra(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    v: &Extra,
    st: &Styles,
) -> Result<(), XlsxError> {
    match v {
        Extra::Number(n) => ws.write_number(r, c, *n)?,
        Extra::Text(t) => ws.write_string(r, c, t.as_ref())?,
        Extra::Bool(b) => ws.write_boolean(r, c, *b)?,
        Extra::Date(d) => ws.write_number_with_format(r, c, d.serial(), &st.date)?,
        Extra::Empty => ws,
    };
    Ok(())
}

/// Where a Customers column's values come from.
#[derive(Clone, Copy)]
enum Col {
    Field(CustomerField),
    Extra(usize),
    Derived(&'static str),
}

/// The derived columns, after the input fields and extras.
const DERIVED: [&str; 14] = [
    "active",
    "ladder_stage",
    "value_tier",
    "risk",
    "risk_points",
    "warning_signs",
    "days_since_purchase",
    "days_since_contact",
    "overdue_contact",
    "defection_reason",
    "p_alive",
    "expected_purchases",
    "clv",
    "rfm_segment",
];

/// The header of a column, named for a marketing reader ("Last purchase",
/// "Warning signs"), never the snake_case field name.
fn derived_header(d: &str) -> String {
    let fixed = match d {
        "customer_id" => "Customer ID",
        "risk_points" => "Warning signs (count)",
        "days_since_purchase" => "Days since purchase",
        "days_since_contact" => "Days since contact",
        "overdue_contact" => "Overdue for contact",
        "p_alive" => "P(alive)",
        "expected_purchases" => "Expected purchases",
        "clv" => "CLV",
        "rfm_segment" => "RFM segment",
        _ => "",
    };
    if !fixed.is_empty() {
        return fixed.into();
    }
    crate::model::format::capitalised(&d.replace('_', " "))
}

/// What every Customers sheet shares: the audit, the formats, the columns and
/// the defection reasons' names, bundled so the helpers take one argument.
struct Sheets<'a> {
    /// The audit being written.
    audit: &'a Audit,
    /// The workbook's formats.
    st: &'a Styles,
    /// Header and source of each column, in order.
    cols: Vec<(String, Col)>,
    /// Defection reason names by index, "other" last.
    names: Vec<String>,
}

/// Writes the Customers sheet(s); returns their tables, declared over the
/// header and first row, for [`super::tables::widen`] to extend after the
/// save.
pub fn write(wb: &mut Workbook, audit: &Audit, st: &Styles) -> Result<Vec<Widen>, XlsxError> {
    let ds = &audit.dataset;
    let names: Vec<String> = audit
        .checklist
        .defection_keywords
        .iter()
        .map(|(k, _)| k.clone())
        .chain(["other".to_string()])
        .collect();
    let sh = Sheets {
        audit,
        st,
        cols: columns(ds),
        names,
    };
    let chunks: Vec<(usize, usize)> = if ds.customers.is_empty() {
        vec![(0, 0)]
    } else {
        (0..ds.customers.len())
            .step_by(ROWS_PER_SHEET)
            .map(|s| (s, (s + ROWS_PER_SHEET).min(ds.customers.len())))
            .collect()
    };
    let mut tables = Vec::new();
    for (n, (start, end)) in chunks.iter().enumerate() {
        let ws = wb.add_worksheet_with_constant_memory()?;
        tables.extend(start_sheet(ws, &sh, n, (end - start) as u32)?);
        for (k, i) in (*start..*end).enumerate() {
            write_customer(ws, &sh, 1 + k as u32, i)?;
        }
    }
    Ok(tables)
}

/// The columns: the id, the input fields present (or derived from orders or
/// reach), the extras, then the derived fields.
fn columns(ds: &Dataset) -> Vec<(String, Col)> {
    use CustomerField as F;
    let mut cols: Vec<(String, Col)> = vec![(
        derived_header(F::CustomerId.name()),
        Col::Field(F::CustomerId),
    )];
    for &f in F::ALL.iter().skip(1) {
        let derived_from_orders = ds.orders.is_some()
            && matches!(
                f,
                F::Orders | F::Revenue | F::FirstPurchase | F::LastPurchase
            );
        if ds.customer_fields.has(f)
            || derived_from_orders
            || (f == F::Touchpoints && ds.reach_known)
        {
            cols.push((derived_header(f.name()), Col::Field(f)));
        }
    }
    let derived: Vec<String> = DERIVED.iter().map(|d| derived_header(d)).collect();
    for (k, name) in ds.customer_extras.iter().enumerate() {
        // An input column named like a derived one (`Risk`, `Active`) is kept
        // under "… (input)": Excel refuses a table with two equal headers.
        let taken = |h: &str| {
            cols.iter().any(|(c, _)| c.eq_ignore_ascii_case(h))
                || derived.iter().any(|d| d.eq_ignore_ascii_case(h))
        };
        let mut header = derived_header(name);
        if taken(&header) {
            header = format!("{} (input)", derived_header(name));
        }
        let mut n = 2;
        while taken(&header) {
            header = format!("{} (input {n})", derived_header(name));
            n += 1;
        }
        cols.push((header, Col::Extra(k)));
    }
    for (d, header) in DERIVED.into_iter().zip(derived) {
        cols.push((header, Col::Derived(d)));
    }
    cols
}

/// Names the `n`th Customers sheet and sets up its header (an Excel table,
/// declared over the header and first row and returned for widening when
/// the sheet has more rows), frozen panes, widths and print set-up, before
/// any row is streamed.
fn start_sheet(
    ws: &mut Worksheet,
    sh: &Sheets,
    n: usize,
    rows: u32,
) -> Result<Option<Widen>, XlsxError> {
    let cols = &sh.cols;
    ws.set_name(if n == 0 {
        "Customers".to_string()
    } else {
        format!("Customers ({})", n + 1)
    })?;
    let columns: Vec<TableColumn> = cols
        .iter()
        .map(|(h, _)| TableColumn::new().set_header(h))
        .collect();
    let name = if n == 0 {
        "CustomersTable".to_string()
    } else {
        format!("CustomersTable{}", n + 1)
    };
    let table = Table::new()
        .set_columns(&columns)
        .set_style(TableStyle::Medium2)
        .set_name(&name);
    let last_col = cols.len() as u16 - 1;
    ws.add_table(0, 0, 1, last_col, &table)?;
    let widen = (rows > 1).then(|| Widen {
        name,
        declared: cell_range(0, 0, 1, last_col),
        full: cell_range(0, 0, rows, last_col),
    });
    ws.set_freeze_panes(1, 1)?;
    // Landscape, as few pages across as keep the text readable (the id
    // column repeated on each), the header row on every page.
    let mut pr = Print::new(true);
    for (c, (h, _)) in cols.iter().enumerate() {
        let w = match h.as_str() {
            "Name" | "Churn reason" | "Touchpoints" | "Warning signs" => 24.0,
            "RFM segment" | "Expected purchases" => 18.0,
            _ => 13.0,
        };
        pr.width(ws, c as u16, c as u16, w)?;
    }
    for (c, (_, col)) in cols.iter().enumerate() {
        if let Some(format) = column_format(col, sh.st) {
            ws.set_column_format(c as u16, format)?;
        }
    }
    pr.repeat_rows(0, 0);
    pr.repeat_cols(0, 0);
    pr.finish(ws, &super::page_title(sh.audit), last_col)?;
    Ok(widen)
}

/// The number format of a column of dates, money or shares. Set on the
/// column, not on each cell: rust_xlsxwriter hashes a cell's whole format
/// on every write, a tenth of the sheet's time at a million rows.
fn column_format<'a>(col: &Col, st: &'a Styles) -> Option<&'a rust_xlsxwriter::Format> {
    use CustomerField as F;
    match col {
        Col::Field(F::FirstPurchase | F::LastPurchase | F::LastContact) => Some(&st.date),
        Col::Field(F::Revenue) | Col::Derived("clv") => Some(&st.money),
        Col::Derived("p_alive") => Some(&st.pct),
        Col::Derived("expected_purchases") => Some(&st.dec1),
        _ => None,
    }
}

/// Row `r`: every column of customer `i`.
fn write_customer(ws: &mut Worksheet, sh: &Sheets, r: u32, i: usize) -> Result<(), XlsxError> {
    let ds = &sh.audit.dataset;
    let c = &ds.customers[i];
    let f = &sh.audit.analysis.customers[i];
    for (j, (_, col)) in sh.cols.iter().enumerate() {
        let j = j as u16;
        match col {
            Col::Field(name) => write_field(ws, r, j, c, name, ds)?,
            Col::Extra(k) => {
                if let Some(v) = c.extras.get(*k) {
                    write_extra(ws, r, j, v, sh.st)?;
                }
            }
            Col::Derived(d) => write_derived(ws, sh, (r, j), d, (c, f))?,
        }
    }
    Ok(())
}

/// Derived field `d` of one customer at `(r, c)`, blank where it does not apply.
fn write_derived(
    ws: &mut Worksheet,
    sh: &Sheets,
    (r, c): (u32, u16),
    d: &str,
    (cust, f): (&Customer, &CustomerFacts),
) -> Result<(), XlsxError> {
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let as_of = sh.audit.analysis.as_of;
    let since = |d| crate::analytics::days_since(as_of, d).map(f64::from);
    let number = |ws: &mut Worksheet, v: Option<f64>| -> Result<(), XlsxError> {
        if let Some(v) = v {
            ws.write_number(r, c, v)?;
        }
        Ok(())
    };
    match d {
        "active" => {
            if f.buyer {
                ws.write_string(r, c, yes_no(f.active))?;
            }
        }
        "ladder_stage" => {
            ws.write_string(r, c, f.stage.key())?;
        }
        "value_tier" => {
            if let Some(v) = f.value {
                ws.write_string(r, c, v.key())?;
            }
        }
        "risk" => {
            if let Some(v) = f.risk {
                ws.write_string(r, c, v.key())?;
            }
        }
        "risk_points" => number(ws, f.risk_points.map(f64::from))?,
        "warning_signs" => {
            let signs = f.warning_signs();
            if !signs.is_empty() {
                ws.write_string(r, c, signs)?;
            }
        }
        "days_since_purchase" => number(ws, since(cust.last_purchase))?,
        "days_since_contact" => number(ws, since(cust.last_contact))?,
        "overdue_contact" => {
            if f.active
                && sh
                    .audit
                    .dataset
                    .customer_fields
                    .has(CustomerField::LastContact)
            {
                ws.write_string(r, c, yes_no(f.overdue_contact))?;
            }
        }
        "p_alive" => {
            if let Some(v) = f.p_alive.get() {
                ws.write_number(r, c, v)?;
            }
        }
        "expected_purchases" => {
            if let Some(v) = f.expected_purchases.get() {
                ws.write_number(r, c, v)?;
            }
        }
        "clv" => {
            if let Some(v) = f.clv.get() {
                ws.write_number(r, c, v)?;
            }
        }
        "rfm_segment" => {
            if let Some(k) = f.rfm_segment {
                let name = sh.audit.analysis.rfm_segments.name(usize::from(k));
                ws.write_string(r, c, name)?;
            }
        }
        _ => {
            if let Some(d) = f.defection {
                ws.write_string(r, c, &sh.names[d as usize])?;
            }
        }
    }
    Ok(())
}

/// Input field `name` of one customer at `(r, c)`, blank where it is unknown.
fn write_field(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    cust: &Customer,
    name: &CustomerField,
    ds: &crate::model::Dataset,
) -> Result<(), XlsxError> {
    let date = |ws: &mut Worksheet, d: Option<crate::model::Day>| -> Result<(), XlsxError> {
        if let Some(d) = d {
            ws.write_number(r, c, d.serial())?;
        }
        Ok(())
    };
    let text = |ws: &mut Worksheet, t: Option<&str>| -> Result<(), XlsxError> {
        if let Some(t) = t {
            ws.write_string(r, c, t)?;
        }
        Ok(())
    };
    use CustomerField as F;
    match name {
        F::CustomerId => text(ws, Some(&cust.id))?,
        F::Name => text(ws, cust.name.as_deref())?,
        F::Segment => text(ws, ds.labels.get(cust.segment))?,
        F::FirstPurchase => date(ws, cust.first_purchase)?,
        F::LastPurchase => date(ws, cust.last_purchase)?,
        F::LastContact => date(ws, cust.last_contact)?,
        F::Orders => {
            ws.write_number(r, c, f64::from(cust.orders))?;
        }
        F::Revenue => {
            ws.write_number(r, c, cust.revenue)?;
        }
        F::OpenComplaints => {
            if let Some(v) = cust.open_complaints {
                ws.write_number(r, c, f64::from(v))?;
            }
        }
        F::Satisfaction => {
            if let Some(v) = cust.satisfaction {
                ws.write_number(r, c, v)?;
            }
        }
        F::Referrals => {
            if let Some(v) = cust.referrals {
                ws.write_number(r, c, f64::from(v))?;
            }
        }
        F::Status => text(ws, ds.labels.get(cust.status_text))?,
        F::ChurnReason => text(ws, ds.labels.get(cust.churn_reason))?,
        F::Touchpoints if !cust.reached_by.is_empty() => {
            let joined = crate::model::limits::join_capped(
                cust.reached_by
                    .iter()
                    .map(|t| ds.touchpoints[*t as usize].name.as_str()),
                "; ",
            );
            ws.write_string(r, c, joined)?;
        }
        F::Touchpoints => {}
    }
    Ok(())
}
