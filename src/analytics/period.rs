//! The audited period (SPEC §4.1): one length in days that every "in the
//! period" figure uses, so acquisition cost never divides half a year of spend
//! by a quarter's new customers.
//!
//! An explicit `period_days` (audit.yaml or `--param`) wins; else a label that
//! names a calendar span (`2026 Q2`, `2026 H1`, `FY2025`, `May 2026`…) gives
//! that span's length; else the checklist's default.

use chrono::NaiveDate;
use serde::Serialize;

/// Where the period length came from, so reports can say why it is what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodSource {
    /// `period_days` in audit.yaml or `--param`.
    Explicit,
    /// The span the period label names.
    Label,
    /// The checklist's (or built-in) default.
    Default,
}

/// The resolved period: its length and how it was decided.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Period {
    /// Length in days.
    pub days: i32,
    /// How the length was decided.
    pub source: PeriodSource,
}

/// Relative disagreement between a label's span and an explicit length that
/// is still accepted silently (SPEC §4.1: more than 10 % is a warning).
const TOLERANCE: f64 = 0.10;

/// Decides the period length. `explicit` is `period_days` when the user set
/// it; `default` the checklist's value. Returns the period and, when the label
/// and an explicit length disagree, a warning.
pub fn resolve(
    label: Option<&str>,
    explicit: Option<f64>,
    default: f64,
) -> (Period, Option<crate::error::Diagnostic>) {
    let span = label.and_then(span_days);
    match (explicit, span) {
        (Some(days), Some(span)) => {
            let days = super::params::days(days);
            let off = f64::from((days - span).abs()) / f64::from(span.max(1));
            let warning = (off > TOLERANCE).then(|| {
                crate::error::Diagnostic::new(
                    crate::error::Code::PeriodMismatch,
                    format!(
                        "the period \"{}\" spans {span} days, but period_days is set to {days}; figures \"in the period\" use {days} days",
                        label.unwrap_or_default()
                    ),
                )
            });
            (
                Period {
                    days,
                    source: PeriodSource::Explicit,
                },
                warning,
            )
        }
        (Some(days), None) => (
            Period {
                days: super::params::days(days),
                source: PeriodSource::Explicit,
            },
            None,
        ),
        (None, Some(span)) => (
            Period {
                days: span,
                source: PeriodSource::Label,
            },
            None,
        ),
        (None, None) => (
            Period {
                days: super::params::days(default),
                source: PeriodSource::Default,
            },
            None,
        ),
    }
}

/// Month names a period label may use (English, Danish, German; full or short).
const MONTHS: [&[&str]; 12] = [
    &["january", "jan", "januar", "jän", "jänner"],
    &["february", "feb", "februar"],
    &["march", "mar", "marts", "märz", "maerz", "mär"],
    &["april", "apr"],
    &["may", "maj", "mai"],
    &["june", "jun", "juni"],
    &["july", "jul", "juli"],
    &["august", "aug"],
    &["september", "sep", "sept"],
    &["october", "oct", "oktober", "okt"],
    &["november", "nov"],
    &["december", "dec", "dezember", "dez"],
];

/// The length in days of the calendar span a label names, or `None` when it
/// names none (a free label like "spring campaign").
pub fn span_days(label: &str) -> Option<i32> {
    let lower = label.trim().to_lowercase();
    let tokens: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | '/' | '_' | '.' | ','))
        .filter(|t| !t.is_empty())
        .collect();
    let year_of = |t: &str| -> Option<i32> {
        let t = t.strip_prefix("fy").unwrap_or(t);
        (t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
            .filter(|y| (1900..=2200).contains(y))
    };
    match tokens.as_slice() {
        // 2026, FY2025, FY 2025
        [y] => year_of(y)
            .map(|y| months_len(y, 1, 12))
            .or_else(|| compact(y)),
        ["fy", y] => year_of(y).map(|y| months_len(y, 1, 12)),
        [a, b] => {
            let (year, part) = match (year_of(a), year_of(b)) {
                (Some(y), None) => (y, *b),
                (None, Some(y)) => (y, *a),
                _ => return None,
            };
            part_len(year, part)
        }
        _ => None,
    }
}

/// `2026q2`, `2026h1` written without a separator.
fn compact(token: &str) -> Option<i32> {
    let (year, part) = token.split_at_checked(4)?;
    let year: i32 = year.parse().ok()?;
    part_len(year, part)
}

/// The span of `part` (Q1–Q4, H1–H2, a month number or name) in `year`.
fn part_len(year: i32, part: &str) -> Option<i32> {
    let numbered = |prefix: char| -> Option<u32> {
        let rest = part.strip_prefix(prefix)?;
        rest.parse().ok()
    };
    if let Some(q) = numbered('q').filter(|q| (1..=4).contains(q)) {
        return Some(months_len(year, 3 * q - 2, 3 * q));
    }
    if let Some(h) = numbered('h').filter(|h| (1..=2).contains(h)) {
        return Some(months_len(year, 6 * h - 5, 6 * h));
    }
    if part.len() <= 2
        && let Ok(m) = part.parse::<u32>()
        && (1..=12).contains(&m)
    {
        return Some(months_len(year, m, m));
    }
    let m = MONTHS.iter().position(|names| names.contains(&part))?;
    Some(months_len(year, m as u32 + 1, m as u32 + 1))
}

/// Days from the first of month `from` to the end of month `to` of `year`.
fn months_len(year: i32, from: u32, to: u32) -> i32 {
    let start = NaiveDate::from_ymd_opt(year, from, 1);
    let end = if to == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, to + 1, 1)
    };
    match (start, end) {
        (Some(s), Some(e)) => (e - s).num_days() as i32,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_name_their_calendar_span() {
        assert_eq!(span_days("2026 H1"), Some(181));
        assert_eq!(span_days("H1 2026"), Some(181));
        assert_eq!(span_days("2024 H1"), Some(182));
        assert_eq!(span_days("2026 H2"), Some(184));
        assert_eq!(span_days("2026 Q2"), Some(91));
        assert_eq!(span_days("Q1 2026"), Some(90));
        assert_eq!(span_days("2026-Q4"), Some(92));
        assert_eq!(span_days("2026q3"), Some(92));
        assert_eq!(span_days("FY2025"), Some(365));
        assert_eq!(span_days("FY 2024"), Some(366));
        assert_eq!(span_days("2026"), Some(365));
        assert_eq!(span_days("2026-05"), Some(31));
        assert_eq!(span_days("2026-02"), Some(28));
        assert_eq!(span_days("May 2026"), Some(31));
        assert_eq!(span_days("februar 2024"), Some(29));
        assert_eq!(span_days("spring campaign"), None);
        assert_eq!(span_days("to 2026-06-30"), None);
        assert_eq!(span_days("2026 Q5"), None);
    }

    #[test]
    fn explicit_length_wins_and_a_disagreeing_label_warns() {
        let (p, w) = resolve(Some("2026 H1"), None, 90.0);
        assert_eq!((p.days, p.source, w), (181, PeriodSource::Label, None));
        let (p, w) = resolve(Some("2026 H1"), Some(90.0), 90.0);
        assert_eq!((p.days, p.source), (90, PeriodSource::Explicit));
        assert!(w.unwrap().message.contains("spans 181 days"));
        // 170 is within 10 % of 181: no warning.
        assert_eq!(resolve(Some("2026 H1"), Some(170.0), 90.0).1, None);
        let (p, _) = resolve(Some("spring"), None, 90.0);
        assert_eq!((p.days, p.source), (90, PeriodSource::Default));
    }
}
