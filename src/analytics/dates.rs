//! Dates against the audit date (SPEC §4.1): a purchase "after" the audit
//! date, or an audit date years past the data, changes every recency figure
//! without a word unless it is said here.

use crate::error::{Code, Diagnostic, Location};
use crate::model::{CustomerField, Dataset, Day, FieldId};

/// A date column of the customers: its field, how to read it, its name in words.
type DateColumn = (
    CustomerField,
    fn(&crate::model::Customer) -> Option<Day>,
    &'static str,
);

/// Warnings about dates after `as_of` (count and first cell per column) and
/// about an `as_of` more than `active_days` after the latest purchase.
pub fn check(ds: &Dataset, as_of: Day, active_days: i32, latest: Option<Day>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let (file, sheet) = ds
        .inputs
        .first()
        .map(|i| {
            (
                crate::error::display_name(std::path::Path::new(&i.path)),
                i.sheet.clone(),
            )
        })
        .unwrap_or_default();
    let columns: [DateColumn; 3] = [
        (
            CustomerField::FirstPurchase,
            |c| c.first_purchase,
            "first purchase",
        ),
        (
            CustomerField::LastPurchase,
            |c| c.last_purchase,
            "last purchase",
        ),
        (
            CustomerField::LastContact,
            |c| c.last_contact,
            "last contact",
        ),
    ];
    for (field, date, what) in columns {
        let mut later = ds
            .customers
            .iter()
            .filter(|c| date(c).is_some_and(|d| d > as_of));
        let Some(first) = later.next() else { continue };
        let count = 1 + later.count();
        let col = ds.customer_columns.get(field.index()).copied().flatten();
        let at = match col {
            Some(c) => Location::sheet(&file, &sheet).at(first.source_row, c),
            None => Location::sheet(&file, &sheet).at_row(first.source_row),
        };
        out.push(Diagnostic::at(
            Code::DatesAfterAudit,
            at.clone(),
            format!(
                "{count} customer(s) have a {what} date after the audit date {as_of}, the first at {at} ({}); days since are counted as 0 for them",
                date(first).map(|d| d.iso()).unwrap_or_default()
            ),
        ));
    }
    if let Some(orders) = &ds.orders {
        let later = orders.iter().filter(|o| o.day > as_of).count();
        if later > 0 {
            out.push(Diagnostic::new(
                Code::DatesAfterAudit,
                format!("{later} order(s) are dated after the audit date {as_of}; check the audit date or the order dates"),
            ));
        }
    }
    if let Some(latest) = latest
        && as_of.since(latest) > active_days
    {
        out.push(Diagnostic::new(
            Code::AuditDateFar,
            format!(
                "the audit date {as_of} is {} days after the latest purchase in the data ({latest}), more than the {active_days} days a customer stays active: customers count as lost unless their status says otherwise. Check --as-of or `as_of:` in audit.yaml",
                as_of.since(latest)
            ),
        ));
    }
    out
}
