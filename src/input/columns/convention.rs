//! The conventions a column was read with (decimal comma or point,
//! day-first or month-first dates), said by `--verbose` so a consultant can
//! see how an ambiguous export was understood.

use super::Column;
use crate::input::value::{DateOrder, NumberStyle};

impl Column {
    /// The convention decided for this column, in words ("decimal comma,
    /// settled by row 14"), for `--verbose`; `None` when none had to be chosen.
    pub fn convention(&self) -> Option<String> {
        let settled = |at: Option<u32>| match at {
            Some(r) => format!(", settled by row {}", r + 1),
            None => String::new(),
        };
        match (self.style, self.order) {
            (Some(s), _) => Some(format!(
                "decimal {}{}",
                sep_name(s),
                settled(self.style_proven_at)
            )),
            (None, Some(o)) => Some(format!(
                "{} dates{}",
                order_name(o),
                settled(self.order_proven_at)
            )),
            _ => None,
        }
    }
}

/// The conventions of the columns that needed one: (field, in words).
pub fn conventions<'a>(cols: impl Iterator<Item = &'a Column>) -> Vec<(String, String)> {
    cols.filter_map(|c| c.convention().map(|v| (c.field.name.to_string(), v)))
        .collect()
}

/// The decimal separator's name, for messages.
pub(super) fn sep_name(s: NumberStyle) -> &'static str {
    match s {
        NumberStyle::PointDecimal => "point",
        NumberStyle::CommaDecimal => "comma",
    }
}

/// The date order's name, for messages.
pub(super) fn order_name(o: DateOrder) -> &'static str {
    match o {
        DateOrder::DayFirst => "day-first",
        DateOrder::MonthFirst => "month-first",
    }
}
