//! Reading one typed column of a table, with the column's conventions
//! (decimal comma or point, day-first or month-first) settled from the whole
//! column rather than guessed per cell.
//!
//! A value that is ambiguous on its own (`1,234`, `03/04/2026`) is read the
//! likelier way and remembered; once the column has been read, [`Column::settle_numbers`]
//! and [`Column::settle_dates`] re-read the remembered values with what the
//! rest of the column proved, or the audit.yaml hint, or report the ambiguity.

mod convention;
use super::fields::{Field, Kind};
use super::table::{Cell, CellKind};
use super::value::{
    DateOrder, NumberStyle, date_from_serial, parse_bool, parse_date, parse_number,
};
use crate::error::{Code, Diagnostic, Location, Problem, Problems};
use crate::model::Day;
pub use convention::conventions;
use convention::{order_name, sep_name};

pub use super::hints::Hints;

/// A value remembered because it was ambiguous when read.
#[derive(Debug, Clone)]
struct Pending {
    record: u32,
    row: u32,
    text: Box<str>,
}

/// One column being read.
#[derive(Debug)]
pub struct Column {
    /// The canonical field.
    pub field: Field,
    /// Zero-based column in the sheet.
    pub col: u32,
    loc: Location,
    style: Option<NumberStyle>,
    style_proven_at: Option<u32>,
    order: Option<DateOrder>,
    order_proven_at: Option<u32>,
    hint: Hints,
    pending: Vec<Pending>,
    /// Error values (#N/A…) seen in an optional column, read as empty.
    pub error_values: usize,
    /// The first of them: row and text.
    first_error: Option<(u32, String)>,
    /// Running total of a money column, to catch totals that overflow.
    sum: f64,
    /// The row at which the running total first became infinite.
    overflow_at: Option<(u32, String)>,
    /// Currencies written in the column's cells (`1.234,50 kr.`), in order seen.
    pub currencies: Vec<&'static str>,
}

/// A field's value as read from a cell.
pub enum Read<T> {
    /// The cell is empty.
    Missing,
    /// A value.
    Value(T),
    /// The cell is wrong (a problem was recorded).
    Bad,
}

impl<T> Read<T> {
    /// The value, if any.
    pub fn ok(self) -> Option<T> {
        match self {
            Read::Value(v) => Some(v),
            _ => None,
        }
    }
}

impl Column {
    /// Starts reading `field` from column `col`; `loc` names the sheet.
    pub fn new(field: Field, col: u32, loc: Location, hint: Hints) -> Column {
        Column {
            field,
            col,
            loc,
            style: None,
            style_proven_at: None,
            order: None,
            order_proven_at: None,
            hint,
            pending: Vec::new(),
            error_values: 0,
            first_error: None,
            sum: 0.0,
            overflow_at: None,
            currencies: Vec::new(),
        }
    }

    /// The problem for a money column whose total overflows (every value is
    /// finite but their sum is not), at the cell where it first did.
    pub fn overflow(&self) -> Option<Problem> {
        let (row, shown) = self.overflow_at.as_ref()?;
        Some(Problem::new(
            Code::TotalOverflow,
            self.at(*row),
            format!(
                "{shown} makes the total of column `{}` overflow (larger than {:e})",
                self.field.name,
                f64::MAX
            ),
            "amounts a spreadsheet can add up (check the column for runaway values)",
        ))
    }

    fn add_to_sum(&mut self, value: f64, row: u32, cell: &Cell) {
        if self.field.kind != Kind::Money || self.overflow_at.is_some() {
            return;
        }
        self.sum += value;
        if !self.sum.is_finite() {
            self.overflow_at = Some((row, cell.show()));
        }
    }

    /// A warning about formula errors read as empty, if there were any.
    pub fn error_warning(&self) -> Option<Diagnostic> {
        let (row, text) = self.first_error.as_ref()?;
        Some(Diagnostic::at(
            Code::FormulaErrors,
            self.at(*row),
            format!(
                "{} cell(s) of column `{}` hold a formula error or a formula with no saved result and were read as empty (first: {text})",
                self.error_values, self.field.name
            ),
        ))
    }

    /// The location of this column's cell on `row`.
    pub fn at(&self, row: u32) -> Location {
        self.loc.clone().at(row, self.col)
    }

    fn bad(&self, problems: &mut Problems, row: u32, cell: &Cell, expected: &str) {
        let what = match self.field.kind {
            Kind::Date => "a date",
            Kind::Count => "a whole number",
            Kind::Money => "an amount of money",
            Kind::Number => "a number",
            Kind::Bool => "yes or no",
            Kind::Text => "text",
        };
        problems.push(Problem::new(
            Code::InvalidValue,
            self.loc.clone().at(row, self.col),
            format!(
                "{} is not {what} (column `{}`)",
                cell.show(),
                self.field.name
            ),
            expected,
        ));
    }

    fn error_cell(
        &mut self,
        problems: &mut Problems,
        row: u32,
        cell: &Cell,
        required: bool,
    ) -> bool {
        if cell.kind == CellKind::Error {
            if required {
                self.bad(problems, row, cell, "a value, not a formula error");
            } else {
                self.error_values += 1;
                if self.first_error.is_none() {
                    self.first_error = Some((row, cell.text.clone()));
                }
            }
            return true;
        }
        false
    }

    /// Reads text.
    pub fn text<'c>(
        &mut self,
        cell: &'c Cell,
        problems: &mut Problems,
        row: u32,
        required: bool,
    ) -> Read<std::borrow::Cow<'c, str>> {
        if cell.is_blank() || self.error_cell(problems, row, cell, required) {
            return Read::Missing;
        }
        match cell.kind {
            CellKind::Text => Read::Value(std::borrow::Cow::Borrowed(cell.text.trim())),
            CellKind::Number => Read::Value(std::borrow::Cow::Owned(format_number(cell.num))),
            CellKind::Date => Read::Value(std::borrow::Cow::Owned(
                date_from_serial(cell.num)
                    .map(|d| d.iso())
                    .unwrap_or_default(),
            )),
            CellKind::Bool => Read::Value(std::borrow::Cow::Borrowed(if cell.num != 0.0 {
                "TRUE"
            } else {
                "FALSE"
            })),
            _ => Read::Missing,
        }
    }

    /// Reads a number (money, count or plain), remembering ambiguous text for later.
    pub fn number(
        &mut self,
        cell: &Cell,
        problems: &mut Problems,
        row: u32,
        record: u32,
        required: bool,
    ) -> Read<f64> {
        if cell.is_blank() || self.error_cell(problems, row, cell, required) {
            return Read::Missing;
        }
        let value = match cell.kind {
            CellKind::Number if !cell.num.is_finite() => {
                self.bad(
                    problems,
                    row,
                    cell,
                    "a finite number (the cell holds a value no spreadsheet can compute with; re-enter it)",
                );
                return Read::Bad;
            }
            CellKind::Number | CellKind::Bool => cell.num,
            CellKind::Text => match parse_number(&cell.text, self.style) {
                None => {
                    let expected = match self.field.kind {
                        Kind::Count => "a whole number such as 3",
                        Kind::Money => "an amount such as 1234.50, 1.234,50 kr. or $1,234.50",
                        _ => "a number such as 7 or 7.5",
                    };
                    self.bad(problems, row, cell, expected);
                    return Read::Bad;
                }
                Some(p) => {
                    if let Some(c) = p.currency
                        && !self.currencies.contains(&c)
                    {
                        self.currencies.push(c);
                    }
                    if let Some(proved) = p.proves {
                        match (self.style, self.style_proven_at) {
                            (Some(s), Some(at)) if s != proved => {
                                problems.push(Problem::new(Code::MixedConventions,
                                    self.loc.clone().at(row, self.col),
                                    format!(
                                        "{} uses a decimal {} but row {} of column `{}` used a decimal {}",
                                        cell.show(),
                                        sep_name(proved),
                                        at + 1,
                                        self.field.name,
                                        sep_name(s)
                                    ),
                                    "one decimal separator throughout a column",
                                ));
                                return Read::Bad;
                            }
                            (_, None) => {
                                self.style = Some(proved);
                                self.style_proven_at = Some(row);
                            }
                            _ => {}
                        }
                    }
                    if p.ambiguous {
                        // Range-checked once the column settles which reading is right.
                        self.pending.push(Pending {
                            record,
                            row,
                            text: cell.text.as_str().into(),
                        });
                        self.add_to_sum(p.value, row, cell);
                        return Read::Value(p.value);
                    }
                    p.value
                }
            },
            CellKind::Date => {
                self.bad(problems, row, cell, "a number, not a date");
                return Read::Bad;
            }
            _ => return Read::Missing,
        };
        self.check_range(value, cell, problems, row)
    }

    /// What the value should have been, when it is out of the field's range.
    fn out_of_range(&self, value: f64) -> Option<&'static str> {
        if self.field.name == "satisfaction" && !(0.0..=10.0).contains(&value) {
            return Some("a score from 0 to 10");
        }
        match self.field.kind {
            Kind::Count if !(value >= 0.0 && value.fract() == 0.0) => Some("a whole number ≥ 0"),
            Kind::Count if value > f64::from(u32::MAX) => {
                Some("a whole number ≥ 0 up to 4,294,967,295")
            }
            Kind::Money if value < 0.0 => Some("an amount ≥ 0"),
            _ => None,
        }
    }

    fn range_checked(
        &self,
        value: f64,
        cell: &Cell,
        problems: &mut Problems,
        row: u32,
    ) -> Read<f64> {
        if let Some(expected) = self.out_of_range(value) {
            problems.push(Problem::new(
                Code::OutOfRange,
                self.loc.clone().at(row, self.col),
                format!("{} is out of range for `{}`", cell.show(), self.field.name),
                expected,
            ));
            return Read::Bad;
        }
        Read::Value(value)
    }

    fn check_range(
        &mut self,
        value: f64,
        cell: &Cell,
        problems: &mut Problems,
        row: u32,
    ) -> Read<f64> {
        let read = self.range_checked(value, cell, problems, row);
        if let Read::Value(v) = read {
            self.add_to_sum(v, row, cell);
        }
        read
    }

    /// Reads a date, remembering ambiguous text for later.
    pub fn date(
        &mut self,
        cell: &Cell,
        problems: &mut Problems,
        row: u32,
        record: u32,
        required: bool,
    ) -> Read<Day> {
        if cell.is_blank() || self.error_cell(problems, row, cell, required) {
            return Read::Missing;
        }
        let expected = "a date such as 2026-03-31, 31.03.2026 or 31/03/2026";
        match cell.kind {
            CellKind::Date | CellKind::Number => {
                let serial = if cell.kind == CellKind::Number && self.hint.date1904 {
                    cell.num + super::table::DAYS_1900_TO_1904
                } else {
                    cell.num
                };
                match date_from_serial(serial).filter(|_| serial >= 1.0) {
                    Some(d) => Read::Value(d),
                    None => {
                        self.bad(problems, row, cell, expected);
                        Read::Bad
                    }
                }
            }
            CellKind::Text => {
                let text = cell.text.trim();
                if let Ok(serial) = text.parse::<f64>()
                    && (10_000.0..=MAX_SERIAL_TEXT).contains(&serial)
                {
                    return Read::Value(Day(serial as i32));
                }
                match parse_date(text, self.order) {
                    None => {
                        self.bad(problems, row, cell, expected);
                        Read::Bad
                    }
                    Some(p) => {
                        if let Some(proved) = p.proves.filter(|_| !text.contains('.')) {
                            match (self.order, self.order_proven_at) {
                                (Some(o), Some(at)) if o != proved => {
                                    problems.push(Problem::new(
                                        Code::MixedConventions,
                                        self.loc.clone().at(row, self.col),
                                        format!(
                                            "{} is {} but row {} of column `{}` was {}",
                                            cell.show(),
                                            order_name(proved),
                                            at + 1,
                                            self.field.name,
                                            order_name(o)
                                        ),
                                        "one date order throughout a column",
                                    ));
                                    return Read::Bad;
                                }
                                (_, None) => {
                                    self.order = Some(proved);
                                    self.order_proven_at = Some(row);
                                }
                                _ => {}
                            }
                        }
                        if p.day.0 < 1 {
                            self.bad(
                                problems,
                                row,
                                cell,
                                "a date from 1900 on (the earliest Excel can hold)",
                            );
                            return Read::Bad;
                        }
                        if p.ambiguous {
                            self.pending.push(Pending {
                                record,
                                row,
                                text: text.into(),
                            });
                        }
                        Read::Value(p.day)
                    }
                }
            }
            CellKind::Bool => {
                self.bad(problems, row, cell, expected);
                Read::Bad
            }
            _ => Read::Missing,
        }
    }

    /// Reads yes/no.
    pub fn boolean(&mut self, cell: &Cell, problems: &mut Problems, row: u32) -> Read<bool> {
        if cell.is_blank() || self.error_cell(problems, row, cell, false) {
            return Read::Missing;
        }
        let v = match cell.kind {
            CellKind::Bool | CellKind::Number if cell.num == 0.0 || cell.num == 1.0 => {
                Some(cell.num == 1.0)
            }
            CellKind::Text => parse_bool(&cell.text),
            _ => None,
        };
        match v {
            Some(b) => Read::Value(b),
            None => {
                self.bad(
                    problems,
                    row,
                    cell,
                    "yes/no (also y/n, true/false, 1/0, x, ✓, ja/nej)",
                );
                Read::Bad
            }
        }
    }

    /// Re-reads ambiguous numbers (`1,234`) with what the column proved or the
    /// hint. With neither: a value whose thousands reading is out of range but
    /// whose decimal reading fits (a 0–10 score of `8,125`) is read as a decimal;
    /// the rest are read as thousands with a warning, or — when `strict`, for
    /// amounts that drive the scores — reported as a problem.
    pub fn settle_numbers(
        &mut self,
        problems: &mut Problems,
        strict: bool,
        mut patch: impl FnMut(u32, f64),
    ) -> Option<Diagnostic> {
        if self.pending.is_empty() {
            return None;
        }
        let style = self.style.or(self.hint.decimal);
        let pending = std::mem::take(&mut self.pending);
        let read = |p: &Pending, s: NumberStyle| parse_number(&p.text, Some(s)).map(|v| v.value);
        let mut guessed: Vec<&Pending> = Vec::new();
        for p in &pending {
            let value = match style {
                Some(s) => read(p, s),
                None => {
                    let thousands = read(p, NumberStyle::PointDecimal);
                    let decimal = read(p, NumberStyle::CommaDecimal);
                    let comma = p.text.contains(',');
                    // "1,234" → PointDecimal reads 1234; "1.234" → CommaDecimal reads 1234.
                    let (grouped, fractional) = if comma {
                        (thousands, decimal)
                    } else {
                        (decimal, thousands)
                    };
                    match (grouped, fractional) {
                        (Some(g), Some(f))
                            if self.out_of_range(g).is_some() && self.out_of_range(f).is_none() =>
                        {
                            Some(f)
                        }
                        (g, _) => {
                            guessed.push(p);
                            g
                        }
                    }
                }
            };
            let Some(value) = value else { continue };
            if let Some(expected) = self.out_of_range(value) {
                problems.push(Problem::new(
                    Code::OutOfRange,
                    self.loc.clone().at(p.row, self.col),
                    format!("\"{}\" is out of range for `{}`", p.text, self.field.name),
                    expected,
                ));
                continue;
            }
            patch(p.record, value);
        }
        if guessed.is_empty() {
            return None;
        }
        let first = guessed[0];
        if strict {
            problems.push(Problem::new(Code::AmbiguousNumber,
                self.loc.clone().at(first.row, self.col),
                format!(
                    "\"{}\" could be a whole amount with a thousands separator or a decimal, and nothing in column `{}` settles it ({} such value(s))",
                    first.text,
                    self.field.name,
                    guessed.len()
                ),
                "`decimal: \",\"` or `decimal: \".\"` in audit.yaml, or amounts written unambiguously (1200 or 1,200.00)",
            ));
            return None;
        }
        Some(Diagnostic::at(
            Code::ThousandsGuess,
            self.loc.clone().at_col(self.col),
            format!(
                "{} value(s) of `{}` such as \"{}\" were read with a thousands separator; set `decimal: \",\"` in audit.yaml if they are decimals",
                guessed.len(),
                self.field.name,
                first.text
            ),
        ))
    }

    /// Re-reads ambiguous dates with what the column proved (or the hint);
    /// with neither, reports the first ambiguous date as a problem.
    pub fn settle_dates(&mut self, problems: &mut Problems, mut patch: impl FnMut(u32, Day)) {
        if self.pending.is_empty() {
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        match self.order.or(self.hint.dates) {
            Some(o) => {
                for p in &pending {
                    if let Some(d) = parse_date(&p.text, Some(o)) {
                        patch(p.record, d.day);
                    }
                }
            }
            None => problems.push(Problem::new(Code::AmbiguousDate,
                self.loc.clone().at(pending[0].row, self.col),
                format!(
                    "\"{}\" could be day-first or month-first, and no date in column `{}` settles it ({} such dates)",
                    pending[0].text,
                    self.field.name,
                    pending.len()
                ),
                "`dates: day-first` or `dates: month-first` in audit.yaml, or ISO dates (2026-03-04)",
            )),
        }
    }
}

const MAX_SERIAL_TEXT: f64 = 2_958_465.0;

/// A number as text without a spurious `.0` (ids typed as numbers).
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}
