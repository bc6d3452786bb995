//! The reading hints for one sheet: the audit.yaml conventions (decimal
//! separator, date order) and the workbook's own date system.

use super::table::Workbook;
use super::value::{DateOrder, NumberStyle};

/// Format hints from audit.yaml.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hints {
    /// Decimal separator for ambiguous numbers.
    pub decimal: Option<NumberStyle>,
    /// Day/month order for ambiguous dates.
    pub dates: Option<DateOrder>,
    /// The workbook counts dates from 1904 (Excel for Mac): a plain number
    /// read as a date is shifted as date cells already are.
    pub date1904: bool,
}

impl Hints {
    /// The hints for reading a sheet of `book` (its date system added).
    pub fn for_book(self, book: &Workbook) -> Hints {
        Hints {
            date1904: book.date1904(),
            ..self
        }
    }
}
