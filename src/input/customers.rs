//! The Customers sheet → [`Customer`] records.

use super::columns::{Column, Hints, Read};
use super::fields::{CUSTOMER_FIELDS, Mapping, Need};
use super::table::{Cell, CellKind, Row, TableInfo, Workbook, read_table};
use super::value::split_list;
use crate::error::{Code, Diagnostic, Location, Problem, Problems};
use crate::model::{Customer, CustomerField, Day, Extra, FieldId, FieldSet, StatusOverride};

/// Customers read from a sheet, with touchpoint names still as names.
pub struct CustomerTable {
    /// The customers, in sheet order.
    pub customers: Vec<Customer>,
    /// Interned touchpoint names referenced by `Customer::reached_by`.
    pub touch_names: Vec<String>,
    /// The segments, statuses and churn reasons the customers refer to.
    pub labels: crate::model::Labels,
    /// Customer indices sorted by id.
    pub by_id: Vec<u32>,
    /// Whether the sheet had a touchpoints column.
    pub has_touchpoints: bool,
    /// Optional canonical fields present.
    pub present: FieldSet<CustomerField>,
    /// Extra columns' snake_case names.
    pub extras: Vec<String>,
    /// What the reader saw.
    pub info: TableInfo,
    /// Non-fatal notes.
    pub warnings: Vec<Diagnostic>,
    /// The currency the revenue column names in its header or cells.
    pub currencies: Vec<&'static str>,
}

/// Reads customers; `with_orders` relaxes the fields an Orders sheet supplies.
pub fn read_customers(
    book: &mut Workbook,
    sheet: &str,
    hints: Hints,
    mapped: &dyn Fn(&str) -> Option<String>,
    with_orders: bool,
    problems: &mut Problems,
) -> Option<CustomerTable> {
    let hints = hints.for_book(book);
    let loc = book.location(sheet);
    let mut customers: Vec<Customer> = Vec::new();
    let mut state: Option<State> = None;
    let mut local = Problems::default();
    let result = read_table(book, sheet, CUSTOMER_FIELDS, mapped, &mut |mapping, row| {
        let st = state.get_or_insert_with(|| State::new(mapping, &loc, hints));
        if let Some(c) = st.read(row, customers.len() as u32, &mut local) {
            customers.push(c);
        }
    });
    let mut info = match result {
        Ok(info) => info,
        Err(p) => {
            problems.push(p);
            return None;
        }
    };
    for p in &info.problems {
        local.push(p.clone());
    }
    for (k, field) in CUSTOMER_FIELDS.iter().enumerate() {
        let needed =
            field.need == Need::Required || (field.need == Need::UnlessOrders && !with_orders);
        if needed && info.mapping.columns[k].is_none() {
            let why = if field.need == Need::UnlessOrders {
                " (needed unless an Orders sheet is given)"
            } else {
                ""
            };
            local.push(super::fields::missing_column(
                loc.clone().at_row(info.mapping.header_row),
                field,
                &info.headers,
                &info.mapping.columns,
                why,
            ));
        }
    }
    let mut st = state.unwrap_or_else(|| State::new(&info.mapping, &loc, hints));
    let mut warnings = info.warnings.clone();
    warnings.extend(st.settle(&mut customers, &mut local));
    info.conventions = super::columns::conventions(st.cols.iter().flatten());
    let mut currencies: Vec<&'static str> = info.mapping.currency[CustomerField::Revenue.index()]
        .into_iter()
        .collect();
    if let Some(col) = st.col(CustomerField::Revenue) {
        currencies.extend(col.currencies.iter().copied());
    }
    if let Some(first) = st.totals_rows.first() {
        warnings.push(Diagnostic::at(
            Code::TotalsRows,
            loc.clone().at_row(*first),
            format!(
                "{} totals row(s) (\"Total\", \"I alt\", \"Summe\"…) skipped, not read as customers",
                st.totals_rows.len()
            ),
        ));
    }
    if customers.is_empty() && local.is_empty() {
        local.push(Problem::new(
            Code::NoRows,
            loc.clone(),
            "has a header row but no customers",
            "one row per customer below the header",
        ));
    }
    let by_id = check_duplicates(&customers, &loc, &mut local);
    let missing_dates = customers
        .iter()
        .filter(|c| c.orders > 0 && c.last_purchase.is_none())
        .count();
    if missing_dates > 0 && !with_orders {
        warnings.push(Diagnostic::at(
            Code::NoPurchaseDate,
            loc.clone(),
            format!(
                "{missing_dates} customer(s) with orders have no last_purchase date and count as inactive"
            ),
        ));
    }
    let failed = !local.is_empty();
    problems.extend(local);
    if failed {
        return None;
    }
    let present: FieldSet<CustomerField> = CustomerField::ALL
        .iter()
        .zip(&info.mapping.columns)
        .filter(|(_, c)| c.is_some())
        .map(|(f, _)| *f)
        .collect();
    Some(CustomerTable {
        customers,
        touch_names: st.touch_names,
        labels: st.labels.sealed(),
        by_id,
        has_touchpoints: present.has(CustomerField::Touchpoints),
        present,
        extras: info
            .mapping
            .extras
            .iter()
            .map(|(_, n, _)| n.clone())
            .collect(),
        info,
        warnings,
        currencies,
    })
}

/// Reports repeated ids; returns the customer indices sorted by id (the
/// customer index for Orders and Interactions reuses it).
fn check_duplicates(customers: &[Customer], loc: &Location, problems: &mut Problems) -> Vec<u32> {
    let mut order: Vec<u32> = (0..customers.len() as u32).collect();
    order.sort_unstable_by(|a, b| customers[*a as usize].id.cmp(&customers[*b as usize].id));
    for pair in order.windows(2) {
        let (a, b) = (&customers[pair[0] as usize], &customers[pair[1] as usize]);
        if a.id == b.id {
            let (first, second) = if a.source_row < b.source_row {
                (a, b)
            } else {
                (b, a)
            };
            problems.push(Problem::new(
                Code::DuplicateCustomer,
                loc.clone().at_row(second.source_row),
                format!(
                    "customer id \"{}\" appears again (first on row {})",
                    second.id,
                    first.source_row + 1
                ),
                "each customer_id once",
            ));
        }
    }
    order
}

/// Column readers for one customers sheet.
struct State {
    cols: Vec<Option<Column>>,
    extras: Vec<(u32, String)>,
    touch_names: Vec<String>,
    touch_index: std::collections::HashMap<String, u16>,
    /// The same ids by name exactly as written, so repeated names cost one lookup.
    touch_raw: std::collections::HashMap<Box<str>, u16>,
    /// Rows skipped as totals ("Total", "I alt", "Summe"…).
    totals_rows: Vec<u32>,
    /// Segment, status and churn-reason texts, each stored once.
    labels: crate::model::Labels,
}

/// Words that mark a totals row under a table.
const TOTALS: &[&str] = &[
    "total",
    "totals",
    "grandtotal",
    "subtotal",
    "sum",
    "ialt",
    "summe",
    "gesamt",
    "gesamtsumme",
    "samlet",
    "totalt",
];

/// A row that sums the table rather than being a customer: its id cell (or,
/// with an empty id, its first text cell) says "Total".
fn is_totals_row(row: &Row, id_cell: &Cell) -> bool {
    let is_total = |c: &Cell| {
        // Cheap screen first: this runs on every row of a million-row sheet.
        let t = c.text.trim_start();
        c.kind == CellKind::Text
            && t.len() <= 16
            && t.chars()
                .next()
                .is_some_and(|ch| matches!(ch.to_ascii_lowercase(), 't' | 's' | 'g' | 'i'))
            && TOTALS.contains(&super::fields::normalize(t).as_str())
    };
    if id_cell.kind == CellKind::Text {
        return is_total(id_cell);
    }
    id_cell.is_blank()
        && row
            .cells()
            .iter()
            .find(|c| c.kind == CellKind::Text)
            .is_some_and(is_total)
}

impl State {
    fn new(mapping: &Mapping, loc: &Location, hints: Hints) -> State {
        State {
            cols: CUSTOMER_FIELDS
                .iter()
                .zip(&mapping.columns)
                .map(|(f, c)| c.map(|c| Column::new(*f, c, loc.clone(), hints)))
                .collect(),
            extras: mapping
                .extras
                .iter()
                .map(|(c, n, _)| (*c, n.clone()))
                .collect(),
            touch_names: Vec::new(),
            touch_index: Default::default(),
            touch_raw: Default::default(),
            totals_rows: Vec::new(),
            labels: Default::default(),
        }
    }

    fn col(&mut self, field: CustomerField) -> Option<&mut Column> {
        self.cols[field.index()].as_mut()
    }

    fn read(&mut self, row: &Row, record: u32, problems: &mut Problems) -> Option<Customer> {
        let r = row.index;
        let id = {
            let col = self.col(CustomerField::CustomerId)?;
            let c = row.get(col.col);
            if is_totals_row(row, c) {
                self.totals_rows.push(r);
                return None;
            }
            match col.text(c, problems, r, true) {
                Read::Value(t) => compact_str::CompactString::from(t.as_ref()),
                _ => {
                    if c.is_blank() {
                        problems.push(Problem::new(
                            Code::MissingValue,
                            col.at(r),
                            "customer_id is empty",
                            "an id on every customer row",
                        ));
                    }
                    return None;
                }
            }
        };
        let mut cust = Customer::with_id(id, r);
        macro_rules! text {
            ($name:ident) => {
                self.col(CustomerField::$name).and_then(|col| {
                    let c = row.get(col.col);
                    col.text(c, problems, r, false)
                        .ok()
                        .map(|t| compact_str::CompactString::from(t.as_ref()))
                })
            };
        }
        macro_rules! num {
            ($name:ident) => {
                self.col(CustomerField::$name).and_then(|col| {
                    let c = row.get(col.col);
                    col.number(c, problems, r, record, false).ok()
                })
            };
        }
        macro_rules! date {
            ($name:ident) => {
                self.col(CustomerField::$name).and_then(|col| {
                    let c = row.get(col.col);
                    col.date(c, problems, r, record, false).ok()
                })
            };
        }
        cust.name = text!(Name);
        cust.segment = text!(Segment).map(|t| self.labels.intern(&t));
        cust.first_purchase = date!(FirstPurchase);
        cust.last_purchase = date!(LastPurchase);
        cust.orders = num!(Orders).map(|v| v as u32).unwrap_or(0);
        cust.revenue = num!(Revenue).unwrap_or(0.0);
        cust.last_contact = date!(LastContact);
        cust.open_complaints = num!(OpenComplaints).map(|v| v as u32);
        cust.satisfaction = num!(Satisfaction);
        cust.referrals = num!(Referrals).map(|v| v as u32);
        let status = text!(Status);
        cust.status = status.as_deref().and_then(StatusOverride::parse);
        cust.status_text = status.map(|t| self.labels.intern(&t));
        cust.churn_reason = text!(ChurnReason).map(|t| self.labels.intern(&t));
        if let Some(col) = self.col(CustomerField::Touchpoints)
            && let Read::Value(list) = col.text(row.get(col.col), problems, r, false)
        {
            let mut ids = crate::model::TouchList::new();
            for name in split_list(&list) {
                let id = match self.touch_raw.get(name) {
                    Some(id) => *id,
                    None if self.touch_names.len() >= usize::from(u16::MAX) => continue,
                    None => {
                        let next = self.touch_names.len() as u16;
                        let id = *self
                            .touch_index
                            .entry(super::fields::normalize(name))
                            .or_insert_with(|| {
                                self.touch_names.push(name.to_string());
                                next
                            });
                        self.touch_raw.insert(name.into(), id);
                        id
                    }
                };
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            cust.reached_by = ids;
        }
        if !self.extras.is_empty() {
            cust.extras = self
                .extras
                .iter()
                .map(|(c, _)| extra(row.get(*c)))
                .collect();
        }
        Some(cust)
    }

    fn settle(&mut self, customers: &mut [Customer], problems: &mut Problems) -> Vec<Diagnostic> {
        let mut warnings = Vec::new();
        for (k, (f, &id)) in CUSTOMER_FIELDS.iter().zip(CustomerField::ALL).enumerate() {
            let Some(col) = self.cols[k].as_mut() else {
                continue;
            };
            warnings.extend(col.error_warning());
            if let Some(p) = col.overflow() {
                problems.push(p);
            }
            match f.kind {
                super::fields::Kind::Date => col.settle_dates(problems, |rec, day| {
                    set_date(&mut customers[rec as usize], id, day)
                }),
                super::fields::Kind::Money
                | super::fields::Kind::Count
                | super::fields::Kind::Number => {
                    if let Some(w) = col.settle_numbers(problems, false, |rec, v| {
                        set_number(&mut customers[rec as usize], id, v)
                    }) {
                        warnings.push(w);
                    }
                }
                _ => {}
            }
        }
        warnings
    }
}

/// Stores a settled date in its field (only date fields reach here).
fn set_date(c: &mut Customer, f: CustomerField, day: Day) {
    use CustomerField as F;
    match f {
        F::FirstPurchase => c.first_purchase = Some(day),
        F::LastPurchase => c.last_purchase = Some(day),
        F::LastContact => c.last_contact = Some(day),
        F::CustomerId
        | F::Name
        | F::Segment
        | F::Orders
        | F::Revenue
        | F::OpenComplaints
        | F::Satisfaction
        | F::Referrals
        | F::Status
        | F::ChurnReason
        | F::Touchpoints => {}
    }
}

/// Stores a settled number in its field (only numeric fields reach here).
fn set_number(c: &mut Customer, f: CustomerField, v: f64) {
    use CustomerField as F;
    match f {
        F::Revenue => c.revenue = v,
        F::Satisfaction => c.satisfaction = Some(v),
        F::Orders => c.orders = v as u32,
        F::OpenComplaints => c.open_complaints = Some(v as u32),
        F::Referrals => c.referrals = Some(v as u32),
        F::CustomerId
        | F::Name
        | F::Segment
        | F::FirstPurchase
        | F::LastPurchase
        | F::LastContact
        | F::Status
        | F::ChurnReason
        | F::Touchpoints => {}
    }
}

/// An extra column's cell, kept as it was.
pub fn extra(cell: &Cell) -> Extra {
    match cell.kind {
        CellKind::Empty => Extra::Empty,
        // NaN and infinity cannot be written to a workbook: kept as text.
        CellKind::Number | CellKind::Date if !cell.num.is_finite() => {
            Extra::Text(cell.show().into())
        }
        CellKind::Number => Extra::Number(cell.num),
        CellKind::Bool => Extra::Bool(cell.num != 0.0),
        CellKind::Date => super::value::date_from_serial(cell.num)
            .map(Extra::Date)
            .unwrap_or(Extra::Number(cell.num)),
        CellKind::Text | CellKind::Error => {
            let t = cell.text.trim();
            if t.is_empty() {
                Extra::Empty
            } else {
                Extra::Text(t.into())
            }
        }
    }
}
