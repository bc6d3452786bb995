//! Spend by period: finance exports give one row per touchpoint per month.
//! Rows with the same touchpoint name and P (and objective) are one
//! touchpoint, summed; rows with the same name but another P or objective
//! are a contradiction the user must settle. A `period` (month or date)
//! column says which span the spend covers, so the audit can warn when it
//! is longer than the audited period.

use std::collections::HashMap;

use chrono::Datelike;

use super::fields::normalize;
use super::row::{Cell, CellKind};
use super::value::{date_from_serial, month_number, parse_date};
use crate::error::{Code, Diagnostic, Location, Problem, Problems};
use crate::model::{Day, Touchpoint};

/// The days one period cell covers: a month, or a single day.
pub type Span = (Day, Day);

/// The first and last day of a month.
fn month_span(year: i32, month: u32) -> Option<Span> {
    let first = Day::from_ymd(year, month, 1)?;
    let next = if month == 12 {
        Day::from_ymd(year + 1, 1, 1)?
    } else {
        Day::from_ymd(year, month + 1, 1)?
    };
    Some((first, Day(next.0 - 1)))
}

/// A month as people write it: `2026-01`, `2026/1`, `01/2026`, `1.2026`,
/// `Jan 2026`, `januar 2026`, `2026 Jan`.
fn parse_month(text: &str) -> Option<Span> {
    let t = text.trim().to_lowercase();
    let parts: Vec<&str> = t
        .split(|c: char| c == '-' || c == '/' || c == '.' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    let [a, b] = parts.as_slice() else {
        return None;
    };
    let year = |s: &str| {
        (s.len() == 4)
            .then(|| s.parse::<i32>().ok())
            .flatten()
            .filter(|y| (1900..=9999).contains(y))
    };
    let month = |s: &str| {
        month_number(s).or_else(|| s.parse::<u32>().ok().filter(|m| (1..=12).contains(m)))
    };
    match (year(a), year(b)) {
        (Some(y), None) => month_span(y, month(b)?),
        (None, Some(y)) => month_span(y, month(a)?),
        _ => None,
    }
}

/// Reads a period cell; `None` with a problem recorded when it is neither a
/// month nor a date. `shift` is the workbook's 1904 offset for plain numbers.
pub fn read_period(
    cell: &Cell,
    loc: Location,
    problems: &mut Problems,
    shift: f64,
) -> Option<Span> {
    let day = |d: Day| Some((d, d));
    let got = match cell.kind {
        CellKind::Empty => return None,
        CellKind::Date => date_from_serial(cell.num).and_then(day),
        CellKind::Number => date_from_serial(cell.num + shift).and_then(day),
        CellKind::Text if cell.is_blank() => return None,
        CellKind::Text => parse_month(&cell.text)
            .or_else(|| parse_date(&cell.text, None).and_then(|p| day(p.day))),
        CellKind::Bool | CellKind::Error => None,
    };
    if got.is_none() {
        problems.push(Problem::new(
            Code::InvalidValue,
            loc,
            format!("{} is not a month or a date (column `period`)", cell.show()),
            "a month such as 2026-01 or Jan 2026, or a date",
        ));
    }
    got
}

/// The span a spend sheet covers, from its rows' periods. Dates that all
/// fall on the 1st are read as months (`2026-01-01` for January).
pub fn covered(spans: &[Span]) -> Option<Span> {
    let first = spans.iter().map(|s| s.0).min()?;
    let last_start = spans.iter().map(|s| s.0).max()?;
    let mut last = spans.iter().map(|s| s.1).max()?;
    let all_firsts = spans.iter().all(|(a, b)| a == b && a.date().day() == 1);
    if all_firsts {
        let d = last_start.date();
        last = month_span(d.year(), d.month())?.1;
    }
    Some((first, last))
}

/// Sums the rows of each touchpoint (same name, P and objective) into one;
/// rows with the same name and another P or objective are problems naming
/// the rows. Returns the note saying what was merged, if anything was.
pub fn merge_rows(
    rows: &mut Vec<Touchpoint>,
    loc: &Location,
    problems: &mut Problems,
) -> Option<Diagnostic> {
    let mut first_of: HashMap<String, usize> = HashMap::new();
    let mut merged: Vec<(usize, usize)> = Vec::new(); // (kept index, rows folded in)
    let mut keep = vec![true; rows.len()];
    for i in 0..rows.len() {
        let key = normalize(&rows[i].name);
        let Some(&k) = first_of.get(&key) else {
            first_of.insert(key, i);
            continue;
        };
        let (a, b) = (&rows[k], &rows[i]);
        if a.p != b.p || a.objective != b.objective {
            let what = |t: &Touchpoint| format!("{}, {}", t.p.key(), t.objective.key());
            problems.push(Problem::new(
                Code::DuplicateTouchpoint,
                loc.clone().at_row(b.source_row),
                format!(
                    "touchpoint \"{}\" is on row {} ({}) and row {} ({}): the same name with another P or objective",
                    b.name,
                    a.source_row + 1,
                    what(a),
                    b.source_row + 1,
                    what(b),
                ),
                "one P and objective per touchpoint (its rows are summed, one per period), or distinct names",
            ));
            continue;
        }
        let b = rows[i].clone();
        let a = &mut rows[k];
        a.spend += b.spend;
        a.reach = add(a.reach, b.reach);
        a.responses = add(a.responses, b.responses);
        keep[i] = false;
        match merged.iter_mut().find(|(kept, _)| *kept == k) {
            Some(m) => m.1 += 1,
            None => merged.push((k, 1)),
        }
    }
    if merged.is_empty() {
        return None;
    }
    let folded: usize = merged.iter().map(|(_, n)| n).sum();
    let names: Vec<String> = merged
        .iter()
        .take(5)
        .map(|(k, n)| format!("\"{}\" ({} rows)", rows[*k].name, n + 1))
        .collect();
    let more = if merged.len() > 5 {
        format!(" and {} more", merged.len() - 5)
    } else {
        String::new()
    };
    let note = format!(
        "{} rows of {} touchpoint(s) with the same name and P were summed into one each: {}{more}",
        folded + merged.len(),
        merged.len(),
        names.join(", ")
    );
    let mut i = 0;
    rows.retain(|_| {
        i += 1;
        keep[i - 1]
    });
    Some(Diagnostic::at(Code::SpendRowsSummed, loc.clone(), note))
}

fn add(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(0.0) + b.unwrap_or(0.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_as_written() {
        let jan = month_span(2026, 1);
        assert_eq!(parse_month("2026-01"), jan);
        assert_eq!(parse_month("01/2026"), jan);
        assert_eq!(parse_month("Jan 2026"), jan);
        assert_eq!(parse_month("januar 2026"), jan);
        assert_eq!(parse_month("2026 jan"), jan);
        assert_eq!(parse_month("2026-13"), None);
        assert_eq!(parse_month("Q1 2026"), None);
        assert_eq!(month_span(2026, 2).unwrap().1.iso(), "2026-02-28");
    }

    #[test]
    fn first_of_month_dates_are_months() {
        let d = |m| Day::from_ymd(2026, m, 1).unwrap();
        let span = covered(&[(d(1), d(1)), (d(6), d(6))]).unwrap();
        assert_eq!(span.1.iso(), "2026-06-30");
    }
}
