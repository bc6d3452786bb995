//! The example rows `mixaudit init` writes into its templates, and how the
//! reader recognises them: an example customer left among real ones would be
//! counted, and untouched templates would be scored "green" on nothing.

use crate::error::{Code, Diagnostic, Location, Problem, Problems};
use crate::model::{Dataset, Objective, P};

/// The client name the audit.yaml template carries until it is filled in.
pub const CLIENT: &str = "Client name";

/// The example value `init` writes for a field in row 2 of its templates.
pub fn sample(field: &str) -> &'static str {
    match field {
        "customer_id" => "C0001",
        "name" => "Example Customer",
        "segment" => "B2C North",
        "first_purchase" => "2025-02-14",
        "last_purchase" => "2026-05-30",
        "orders" => "4",
        "revenue" => "1240.50",
        "last_contact" => "2026-06-02",
        "open_complaints" => "0",
        "satisfaction" => "9",
        "referrals" => "1",
        "status" => "active",
        "churn_reason" => "",
        "touchpoints" => "Loyalty newsletter; Webshop",
        "touchpoint" => "Loyalty newsletter",
        "p" => "promotion",
        "spend" => "12000",
        "objective" => "retention",
        "stage" => "customer; client",
        "channel" => "email",
        "owner" => "marketing",
        "cadence_days" => "30",
        "personalized" => "yes",
        "feedback_loop" => "no",
        "reach" => "5400",
        "responses" => "610",
        _ => "",
    }
}

/// Whether a customer is the template's example: id and name both as written
/// by `init` (a real customer is unlikely to match both).
fn is_example_customer(c: &crate::model::Customer) -> bool {
    c.id == sample("customer_id") && c.name.as_deref() == Some(sample("name"))
}

/// Whether a spend row is the template's example: name, P, objective and
/// amount all as written by `init`.
fn is_example_touchpoint(t: &crate::model::Touchpoint) -> bool {
    t.name == sample("touchpoint")
        && t.p == P::Promotion
        && t.objective == Objective::Retention
        && t.spend == 12000.0
}

/// Leaves the templates' example rows out of the audit. Among real rows each
/// is a warning naming its row; a file with nothing but examples is an error
/// (the templates are still blank), reported for both files at once.
pub fn remove(ds: &mut Dataset) -> Result<(), Problems> {
    let mut problems = Problems::default();
    let place = |k: usize| {
        ds.inputs
            .get(k)
            .map(|i| {
                let file = crate::error::display_name(std::path::Path::new(&i.path));
                (file, i.sheet.clone())
            })
            .unwrap_or_default()
    };
    let (cfile, csheet) = place(0);
    let (sfile, ssheet) = place(1);
    let examples: Vec<u32> = ds
        .customers
        .iter()
        .filter(|c| is_example_customer(c))
        .map(|c| c.source_row)
        .collect();
    let blank = "the templates are still blank: this is the example row `mixaudit init` writes";
    let fill = "the client's own rows in place of the example";
    if !examples.is_empty() && examples.len() == ds.customers.len() {
        problems.push(Problem::new(
            Code::BlankTemplate,
            Location::sheet(&cfile, &csheet).at_row(examples[0]),
            format!(
                "{blank} (customer {}), and no other customer",
                sample("customer_id")
            ),
            fill,
        ));
    }
    let tp_examples: Vec<u32> = ds
        .touchpoints
        .iter()
        .filter(|t| is_example_touchpoint(t))
        .map(|t| t.source_row)
        .collect();
    if !tp_examples.is_empty() && tp_examples.len() == ds.touchpoints.len() {
        problems.push(Problem::new(
            Code::BlankTemplate,
            Location::sheet(&sfile, &ssheet).at_row(tp_examples[0]),
            format!(
                "{blank} (touchpoint \"{}\"), and no other spend row",
                sample("touchpoint")
            ),
            fill,
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    for row in &examples {
        ds.warnings.push(Diagnostic::at(
            Code::ExampleRow,
            Location::sheet(&cfile, &csheet).at_row(*row),
            format!(
                "the example customer from the template ({}, {}) is still there; it is left out of the audit",
                sample("customer_id"),
                sample("name")
            ),
        ));
    }
    for row in &tp_examples {
        ds.warnings.push(Diagnostic::at(
            Code::ExampleRow,
            Location::sheet(&sfile, &ssheet).at_row(*row),
            format!(
                "the example spend row from the template (\"{}\", 12,000) is still there; it is left out of the audit",
                sample("touchpoint")
            ),
        ));
    }
    if !examples.is_empty() {
        drop_customers(ds);
    }
    if !tp_examples.is_empty() {
        drop_touchpoints(ds);
    }
    Ok(())
}

/// Removes the example spend rows, renumbering the customers' reach lists.
fn drop_touchpoints(ds: &mut Dataset) {
    let mut new_index = Vec::with_capacity(ds.touchpoints.len());
    let mut next = 0u16;
    for t in &ds.touchpoints {
        if is_example_touchpoint(t) {
            new_index.push(None);
        } else {
            new_index.push(Some(next));
            next += 1;
        }
    }
    ds.touchpoints.retain(|t| !is_example_touchpoint(t));
    for c in &mut ds.customers {
        if !c.reached_by.is_empty() {
            c.reached_by = c
                .reached_by
                .iter()
                .filter_map(|i| new_index.get(usize::from(*i)).copied().flatten())
                .collect();
        }
    }
}

/// Removes the example customers, renumbering the orders that point into the list.
fn drop_customers(ds: &mut Dataset) {
    let mut new_index = Vec::with_capacity(ds.customers.len());
    let mut next = 0u32;
    for c in &ds.customers {
        if is_example_customer(c) {
            new_index.push(None);
        } else {
            new_index.push(Some(next));
            next += 1;
        }
    }
    ds.customers.retain(|c| !is_example_customer(c));
    if let Some(orders) = &mut ds.orders {
        orders.retain_mut(
            |o| match new_index.get(o.customer as usize).copied().flatten() {
                Some(k) => {
                    o.customer = k;
                    true
                }
                None => false,
            },
        );
    }
}
