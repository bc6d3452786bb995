//! A diagnostic: one problem or warning with its code, severity and location,
//! in the shape scripts read (`audit.json` `diagnostics`, `check --json`,
//! `batch --json`). Problems become diagnostics with severity `error`;
//! warnings are built as diagnostics where they are found.

use std::fmt;

use super::codes::{Code, Severity};
use super::{Location, a1, column_letters};

/// One thing worth telling the user, with its code and (when known) where.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// What kind of thing it is (fixes its severity and its explanation).
    pub code: Code,
    /// Where it is, when it is about a file, sheet, cell or line.
    pub location: Option<Location>,
    /// What was found, without the location.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic about the run as a whole (no file to point at).
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            location: None,
            message: message.into(),
        }
    }

    /// A diagnostic at `location`.
    pub fn at(code: Code, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            location: Some(location),
            message: message.into(),
        }
    }

    /// Its severity (given by its code).
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    /// The record written to JSON.
    pub fn record(&self) -> DiagnosticRecord {
        let l = self.location.as_ref();
        DiagnosticRecord {
            code: self.code.id().to_string(),
            severity: self.severity(),
            file: l.map(|l| l.file.clone()),
            sheet: l.and_then(|l| l.sheet.clone()),
            cell: l.and_then(cell_ref),
            line: l.and_then(|l| l.line),
            item: l.and_then(|l| l.item.clone()),
            message: self.message.clone(),
        }
    }
}

/// Excel's reference of a location: `D17` for a cell, `17:17` for a row,
/// `D:D` for a column.
fn cell_ref(l: &Location) -> Option<String> {
    match (l.row, l.col) {
        (Some(r), Some(c)) => Some(a1(r, c)),
        (Some(r), None) => Some(format!("{0}:{0}", r + 1)),
        (None, Some(c)) => Some(format!("{0}:{0}", column_letters(c))),
        (None, None) => None,
    }
}

/// The human line: `file › sheet › cell: message`, as in the warnings list.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(l) => write!(f, "{l}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl serde::Serialize for Diagnostic {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.record().serialize(s)
    }
}

/// A diagnostic as JSON: `{code, severity, file, sheet, cell, line, item,
/// message}`, the location fields null when not known.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DiagnosticRecord {
    /// The code, e.g. `MX101`.
    pub code: String,
    /// error, warning or info.
    pub severity: Severity,
    /// File name as the user gave it.
    pub file: Option<String>,
    /// Sheet name, for spreadsheets.
    pub sheet: Option<String>,
    /// Excel reference: `D17`, a row `17:17`, or a column `D:D`.
    pub cell: Option<String>,
    /// One-based line, for YAML and CSV files.
    pub line: Option<usize>,
    /// Checklist item id, for checklist and waiver problems.
    pub item: Option<String>,
    /// What was found (and, for errors, what was expected).
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_carries_the_location_fields() {
        let d = Diagnostic::at(
            Code::InvalidValue,
            Location::sheet("customers.xlsx", "Customers").at(16, 3),
            "\"next week\" is not a date",
        );
        let r = d.record();
        assert_eq!(r.code, "MX301");
        assert_eq!(r.cell.as_deref(), Some("D17"));
        assert_eq!(r.sheet.as_deref(), Some("Customers"));
        let row = Diagnostic::at(
            Code::TotalsRows,
            Location::sheet("c.csv", "c").at_row(5),
            "x",
        );
        assert_eq!(row.record().cell.as_deref(), Some("6:6"));
        assert_eq!(
            d.to_string(),
            "customers.xlsx › Customers › D17: \"next week\" is not a date"
        );
    }
}
