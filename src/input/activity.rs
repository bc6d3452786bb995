//! The optional Orders and Interactions sheets: who bought when, and which
//! touchpoints reached whom. Both refer to customers by id.

use std::collections::HashMap;

use super::columns::{Column, Hints, Read};
use super::fields::{Field, INTERACTION_FIELDS, Need, ORDER_FIELDS, normalize};
use super::table::{TableInfo, Workbook, read_table};
use crate::error::{Code, Location, Problem, Problems};
use crate::model::{Customer, Day, Order};

/// Finds customers by id: the sorted ids of the customer list, plus customers
/// created on the way (ids that only appear in Orders).
pub struct CustomerIndex {
    sorted: Vec<u32>,
    added: HashMap<Box<str>, u32>,
}

impl CustomerIndex {
    /// Indexes customers from their indices already sorted by id.
    pub fn from_sorted(sorted: Vec<u32>) -> Self {
        CustomerIndex {
            sorted,
            added: HashMap::new(),
        }
    }

    /// The customer with `id`, if known.
    pub fn find(&self, customers: &[Customer], id: &str) -> Option<u32> {
        self.sorted
            .binary_search_by(|i| customers[*i as usize].id.as_str().cmp(id))
            .ok()
            .map(|k| self.sorted[k])
            .or_else(|| self.added.get(id).copied())
    }

    fn add(&mut self, customers: &mut Vec<Customer>, id: &str, row: u32) -> u32 {
        let k = customers.len() as u32;
        customers.push(Customer::with_id(id, row));
        self.added.insert(id.into(), k);
        k
    }
}

fn columns(
    fields: &[Field],
    mapping: &super::fields::Mapping,
    loc: &Location,
    hints: Hints,
) -> Vec<Option<Column>> {
    fields
        .iter()
        .zip(&mapping.columns)
        .map(|(f, c)| c.map(|c| Column::new(*f, c, loc.clone(), hints)))
        .collect()
}

fn require(fields: &[Field], info: &TableInfo, loc: &Location, problems: &mut Problems) {
    for (k, f) in fields.iter().enumerate() {
        if f.need == Need::Required && info.mapping.columns[k].is_none() {
            problems.push(super::fields::missing_column(
                loc.clone().at_row(info.mapping.header_row),
                f,
                &info.headers,
                &info.mapping.columns,
                "",
            ));
        }
    }
}

/// Orders read from a sheet.
pub struct OrderTable {
    /// The orders.
    pub orders: Vec<Order>,
    /// Ids that were not in the customer list and were created from orders
    /// (the first five of them, for the warning).
    pub created: usize,
    /// The first ids created from orders.
    pub created_ids: Vec<String>,
    /// The currency the amount column names in its header or cells.
    pub currencies: Vec<&'static str>,
    /// Rows read.
    pub info: TableInfo,
}

/// Reads the Orders sheet; unknown customer ids create customers.
pub fn read_orders(
    book: &mut Workbook,
    sheet: &str,
    hints: Hints,
    mapped: &dyn Fn(&str) -> Option<String>,
    customers: &mut Vec<Customer>,
    index: &mut CustomerIndex,
    problems: &mut Problems,
) -> Option<OrderTable> {
    let hints = hints.for_book(book);
    let loc = book.location(sheet);
    let mut local = Problems::default();
    let mut orders: Vec<Order> = Vec::new();
    let mut cols: Option<Vec<Option<Column>>> = None;
    let mut created = 0usize;
    let mut created_ids: Vec<String> = Vec::new();
    let result = read_table(book, sheet, ORDER_FIELDS, mapped, &mut |mapping, row| {
        let cols = cols.get_or_insert_with(|| columns(ORDER_FIELDS, mapping, &loc, hints));
        let r = row.index;
        let record = orders.len() as u32;
        let Some(id) = cols[0]
            .as_mut()
            .and_then(|c| c.text(row.get(c.col), &mut local, r, true).ok())
        else {
            if let Some(c) = cols[0].as_ref() {
                local.push(Problem::new(
                    Code::MissingValue,
                    c.at(r),
                    "the order has no customer_id",
                    "the id of the customer who ordered",
                ));
            }
            return;
        };
        let day = match cols[1].as_mut() {
            Some(c) => match c.date(row.get(c.col), &mut local, r, record, true) {
                Read::Value(d) => d,
                Read::Missing => {
                    local.push(Problem::new(
                        Code::MissingValue,
                        c.at(r),
                        "the order has no date",
                        "the order date",
                    ));
                    return;
                }
                Read::Bad => return,
            },
            None => return,
        };
        let amount = match cols[2].as_mut() {
            Some(c) => match c.number(row.get(c.col), &mut local, r, record, false) {
                Read::Value(v) => v,
                Read::Missing => 0.0,
                Read::Bad => return,
            },
            None => 0.0,
        };
        let customer = match index.find(customers, &id) {
            Some(k) => k,
            None => {
                created += 1;
                if created_ids.len() < 5 {
                    created_ids.push(id.to_string());
                }
                index.add(customers, &id, r)
            }
        };
        orders.push(Order {
            customer,
            day,
            amount,
        });
    });
    let info = match result {
        Ok(i) => i,
        Err(p) => {
            problems.push(p);
            return None;
        }
    };
    for p in &info.problems {
        local.push(p.clone());
    }
    require(ORDER_FIELDS, &info, &loc, &mut local);
    let mut currencies: Vec<&'static str> = info.mapping.currency[2].into_iter().collect();
    if let Some(cols) = cols.as_mut() {
        if let Some(c) = cols[2].as_ref() {
            currencies.extend(c.currencies.iter().copied());
        }
        if let Some(c) = cols[1].as_mut() {
            c.settle_dates(&mut local, |rec, d| orders[rec as usize].day = d);
        }
        if let Some(c) = cols[2].as_mut() {
            if let Some(p) = c.overflow() {
                local.push(p);
            }
            c.settle_numbers(&mut local, true, |rec, v| orders[rec as usize].amount = v);
        }
    }
    let failed = !local.is_empty();
    problems.extend(local);
    (!failed).then_some(OrderTable {
        orders,
        created,
        created_ids,
        currencies,
        info,
    })
}

/// Replaces each customer's orders, revenue and first/last purchase with what
/// the orders say (the Orders sheet is the more detailed truth).
pub fn apply_orders(customers: &mut [Customer], orders: &[Order]) {
    for c in customers.iter_mut() {
        c.orders = 0;
        c.revenue = 0.0;
        c.first_purchase = None;
        c.last_purchase = None;
    }
    for o in orders {
        let c = &mut customers[o.customer as usize];
        c.orders += 1;
        c.revenue += o.amount;
        c.first_purchase = Some(c.first_purchase.map_or(o.day, |d: Day| d.min(o.day)));
        c.last_purchase = Some(c.last_purchase.map_or(o.day, |d: Day| d.max(o.day)));
    }
}

/// Interactions read from a sheet: (customer index, touchpoint name key) pairs.
pub struct InteractionTable {
    /// Customer index and normalised touchpoint name.
    pub pairs: Vec<(u32, String)>,
    /// Ids not in the customer list (skipped).
    pub unknown_ids: usize,
    /// The first five of them, for the warning.
    pub unknown_first: Vec<String>,
    /// Rows read.
    pub info: TableInfo,
}

/// Reads the Interactions sheet.
pub fn read_interactions(
    book: &mut Workbook,
    sheet: &str,
    hints: Hints,
    mapped: &dyn Fn(&str) -> Option<String>,
    customers: &[Customer],
    index: &CustomerIndex,
    problems: &mut Problems,
) -> Option<InteractionTable> {
    let hints = hints.for_book(book);
    let loc = book.location(sheet);
    let mut local = Problems::default();
    let mut pairs = Vec::new();
    let mut unknown_ids = 0;
    let mut unknown_first: Vec<String> = Vec::new();
    let mut cols: Option<Vec<Option<Column>>> = None;
    let result = read_table(
        book,
        sheet,
        INTERACTION_FIELDS,
        mapped,
        &mut |mapping, row| {
            let cols =
                cols.get_or_insert_with(|| columns(INTERACTION_FIELDS, mapping, &loc, hints));
            let r = row.index;
            let id = cols[0]
                .as_mut()
                .and_then(|c| c.text(row.get(c.col), &mut local, r, true).ok());
            let tp = cols[1]
                .as_mut()
                .and_then(|c| c.text(row.get(c.col), &mut local, r, true).ok());
            let (Some(id), Some(tp)) = (id, tp) else {
                return;
            };
            match index.find(customers, &id) {
                Some(k) => pairs.push((k, normalize(&tp))),
                None => {
                    unknown_ids += 1;
                    if unknown_first.len() < 5 {
                        unknown_first.push(id.to_string());
                    }
                }
            }
        },
    );
    let info = match result {
        Ok(i) => i,
        Err(p) => {
            problems.push(p);
            return None;
        }
    };
    for p in &info.problems {
        local.push(p.clone());
    }
    require(INTERACTION_FIELDS, &info, &loc, &mut local);
    let failed = !local.is_empty();
    problems.extend(local);
    (!failed).then_some(InteractionTable {
        pairs,
        unknown_ids,
        unknown_first,
        info,
    })
}
