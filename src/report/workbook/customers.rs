//! The Customers sheet: every customer with the derived fields, as an Excel
//! table with autofilter and a frozen header, written in constant-memory mode
//! and continued on further sheets past Excel's row limit.

use rust_xlsxwriter::{Table, TableColumn, TableStyle, Workbook, Worksheet, XlsxError};

use super::{Styles, print_setup};
use crate::audit::{
    Audit, CUSTOMER_ROWS_PER_SHEET as ROWS_PER_SHEET, CUSTOMER_TABLE_ROWS as MAX_TABLE_ROWS,
};
use crate::model::{Customer, CustomerField, Extra, FieldId};

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

#[derive(Clone, Copy)]
enum Col {
    Field(CustomerField),
    Extra(usize),
    Derived(&'static str),
}

/// Writes the Customers sheet(s).
pub fn write(wb: &mut Workbook, audit: &Audit, st: &Styles) -> Result<(), XlsxError> {
    let ds = &audit.dataset;
    let mut cols: Vec<(String, Col)> = vec![(
        CustomerField::CustomerId.name().into(),
        Col::Field(CustomerField::CustomerId),
    )];
    for &f in CustomerField::ALL.iter().skip(1) {
        use CustomerField as F;
        let derived_from_orders = ds.orders.is_some()
            && matches!(
                f,
                F::Orders | F::Revenue | F::FirstPurchase | F::LastPurchase
            );
        if ds.customer_fields.has(f)
            || derived_from_orders
            || (f == F::Touchpoints && ds.reach_known)
        {
            cols.push((f.name().into(), Col::Field(f)));
        }
    }
    for (k, name) in ds.customer_extras.iter().enumerate() {
        cols.push((name.clone(), Col::Extra(k)));
    }
    for d in [
        "active",
        "ladder_stage",
        "value_tier",
        "risk",
        "risk_points",
        "days_since_purchase",
        "days_since_contact",
        "overdue_contact",
        "defection_reason",
    ] {
        cols.push((d.into(), Col::Derived(d)));
    }
    let names: Vec<String> = audit
        .checklist
        .defection_keywords
        .iter()
        .map(|(k, _)| k.clone())
        .chain(["other".to_string()])
        .collect();
    let chunks: Vec<(usize, usize)> = if ds.customers.is_empty() {
        vec![(0, 0)]
    } else {
        (0..ds.customers.len())
            .step_by(ROWS_PER_SHEET)
            .map(|s| (s, (s + ROWS_PER_SHEET).min(ds.customers.len())))
            .collect()
    };
    for (n, (start, end)) in chunks.iter().enumerate() {
        let ws = wb.add_worksheet_with_constant_memory()?;
        ws.set_name(if n == 0 {
            "Customers".to_string()
        } else {
            format!("Customers ({})", n + 1)
        })?;
        let rows = (end - start) as u32;
        if ds.customers.len() <= MAX_TABLE_ROWS {
            let columns: Vec<TableColumn> = cols
                .iter()
                .map(|(h, _)| TableColumn::new().set_header(h))
                .collect();
            let table = Table::new()
                .set_columns(&columns)
                .set_style(TableStyle::Medium2)
                .set_name(if n == 0 {
                    "CustomersTable".to_string()
                } else {
                    format!("CustomersTable{}", n + 1)
                });
            ws.add_table(0, 0, rows.max(1), cols.len() as u16 - 1, &table)?;
        } else {
            for (c, (h, _)) in cols.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, h, &st.header)?;
            }
            ws.autofilter(0, 0, rows.max(1), cols.len() as u16 - 1)?;
        }
        ws.set_freeze_panes(1, 1)?;
        for (c, (h, _)) in cols.iter().enumerate() {
            let w = match h.as_str() {
                "name" | "churn_reason" | "touchpoints" => 24.0,
                _ => 13.0,
            };
            ws.set_column_width(c as u16, w)?;
        }
        print_setup(ws, Some(0))?;
        for (k, i) in (*start..*end).enumerate() {
            let r = 1 + k as u32;
            let c = &ds.customers[i];
            let f = &audit.analysis.customers[i];
            for (j, (_, col)) in cols.iter().enumerate() {
                let j = j as u16;
                match col {
                    Col::Field(name) => write_field(ws, r, j, c, name, ds, st)?,
                    Col::Extra(k) => {
                        if let Some(v) = c.extras.get(*k) {
                            write_extra(ws, r, j, v, st)?;
                        }
                    }
                    Col::Derived(d) => {
                        match *d {
                            "active" => {
                                if f.buyer {
                                    ws.write_string(r, j, if f.active { "yes" } else { "no" })?;
                                }
                            }
                            "ladder_stage" => {
                                ws.write_string(r, j, f.stage.key())?;
                            }
                            "value_tier" => {
                                if let Some(v) = f.value {
                                    ws.write_string(r, j, v.key())?;
                                }
                            }
                            "risk" => {
                                if let Some(v) = f.risk {
                                    ws.write_string(r, j, v.key())?;
                                }
                            }
                            "risk_points" => {
                                if let Some(v) = f.risk_points {
                                    ws.write_number(r, j, f64::from(v))?;
                                }
                            }
                            "days_since_purchase" => {
                                if let Some(v) = f.days_since_purchase {
                                    ws.write_number(r, j, f64::from(v))?;
                                }
                            }
                            "days_since_contact" => {
                                if let Some(v) = f.days_since_contact {
                                    ws.write_number(r, j, f64::from(v))?;
                                }
                            }
                            "overdue_contact" => {
                                if f.active && ds.customer_fields.has(CustomerField::LastContact) {
                                    ws.write_string(
                                        r,
                                        j,
                                        if f.overdue_contact { "yes" } else { "no" },
                                    )?;
                                }
                            }
                            _ => {
                                if let Some(d) = f.defection {
                                    ws.write_string(r, j, &names[d as usize])?;
                                }
                            }
                        };
                    }
                }
            }
        }
    }
    Ok(())
}

fn write_field(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    cust: &Customer,
    name: &CustomerField,
    ds: &crate::model::Dataset,
    st: &Styles,
) -> Result<(), XlsxError> {
    let date = |ws: &mut Worksheet, d: Option<crate::model::Day>| -> Result<(), XlsxError> {
        if let Some(d) = d {
            ws.write_number_with_format(r, c, d.serial(), &st.date)?;
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
        F::Segment => text(ws, cust.segment.as_deref())?,
        F::FirstPurchase => date(ws, cust.first_purchase)?,
        F::LastPurchase => date(ws, cust.last_purchase)?,
        F::LastContact => date(ws, cust.last_contact)?,
        F::Orders => {
            ws.write_number(r, c, f64::from(cust.orders))?;
        }
        F::Revenue => {
            ws.write_number_with_format(r, c, cust.revenue, &st.money2)?;
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
        F::Status => text(ws, cust.status_text.as_deref())?,
        F::ChurnReason => text(ws, cust.churn_reason.as_deref())?,
        F::Touchpoints if !cust.reached_by.is_empty() => {
            let joined = cust
                .reached_by
                .iter()
                .map(|t| ds.touchpoints[*t as usize].name.as_str())
                .collect::<Vec<_>>()
                .join("; ");
            ws.write_string(r, c, joined)?;
        }
        F::Touchpoints => {}
    }
    Ok(())
}
