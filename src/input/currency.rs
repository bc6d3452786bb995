//! Currency marks as they appear in money cells (`1.234,50 kr.`,
//! `$1,234.50`) and in headers (`Revenue (USD)`, `Omsætning (kr.)`,
//! `Revenue, €`): one table, so the value parser and the header reader agree
//! on what counts as a currency and not as a stray word (`1.5 million` and
//! `12 banana` are not amounts). A mark may fit several currencies — `kr.`
//! is Danish, Norwegian or Swedish kroner — so each carries every ISO code it
//! can mean, and only the inputs together decide (see
//! [`CurrencyVerdict`](crate::model::CurrencyVerdict)).

use crate::error::{Code, Diagnostic};
use crate::model::{ColumnCurrency, CurrencyVerdict};

/// Word or symbol (lower case, no trailing point) → the mark as messages show
/// it → the ISO 4217 codes it can mean.
const MARKS: &[(&str, &str, &[&str])] = &[
    ("€", "€", &["EUR"]),
    ("eur", "EUR", &["EUR"]),
    ("euro", "EUR", &["EUR"]),
    ("euros", "EUR", &["EUR"]),
    ("$", "$", &["USD"]),
    ("us$", "$", &["USD"]),
    ("usd", "USD", &["USD"]),
    ("dollar", "USD", &["USD"]),
    ("dollars", "USD", &["USD"]),
    ("£", "£", &["GBP"]),
    ("gbp", "GBP", &["GBP"]),
    ("kr", "kr.", &["DKK", "NOK", "SEK"]),
    ("kroner", "kr.", &["DKK", "NOK"]),
    ("kronor", "SEK", &["SEK"]),
    ("dkk", "DKK", &["DKK"]),
    ("dkr", "DKK", &["DKK"]),
    ("sek", "SEK", &["SEK"]),
    ("skr", "SEK", &["SEK"]),
    ("nok", "NOK", &["NOK"]),
    ("nkr", "NOK", &["NOK"]),
    ("chf", "CHF", &["CHF"]),
    ("fr", "CHF", &["CHF"]),
    ("sfr", "CHF", &["CHF"]),
    ("isk", "ISK", &["ISK"]),
    ("pln", "PLN", &["PLN"]),
    ("zł", "PLN", &["PLN"]),
    ("jpy", "JPY", &["JPY"]),
    ("¥", "¥", &["JPY", "CNY"]),
    ("cny", "CNY", &["CNY"]),
    ("inr", "INR", &["INR"]),
    ("₹", "₹", &["INR"]),
    ("cad", "CAD", &["CAD"]),
    ("aud", "AUD", &["AUD"]),
];

/// The mark a word or symbol is (`kr.` → `kr.`, `€` → `€`, `usd` → `USD`).
pub fn currency_mark(word: &str) -> Option<&'static str> {
    // Compared lower-cased on the fly: this runs on every money cell with
    // letters in it, so no lower-cased copy is allocated.
    let w = word.trim().trim_end_matches('.');
    MARKS
        .iter()
        .find(|(m, _, _)| m.chars().eq(w.chars().flat_map(char::to_lowercase)))
        .map(|(_, shown, _)| *shown)
}

/// The ISO codes a mark (as [`currency_mark`] returns it) can mean.
pub fn mark_codes(mark: &str) -> &'static [&'static str] {
    MARKS
        .iter()
        .find(|(_, shown, _)| *shown == mark)
        .map_or(&[], |(_, _, codes)| *codes)
}

/// The mark a short text names as a whole (`USD`, `kr.`, `€`, `US$`,
/// `USD / $`), for the unit part of a header; `None` when any piece is no
/// currency or the pieces mean different ones.
pub fn mark_in(text: &str) -> Option<&'static str> {
    let t = text.trim();
    if let Some(mark) = currency_mark(t) {
        return Some(mark);
    }
    let mut found: Option<&'static str> = None;
    for piece in t
        .split(|c: char| c.is_whitespace() || c == '/')
        .filter(|p| !p.is_empty())
    {
        let mark = currency_mark(piece)?;
        if found.is_some_and(|f| mark_codes(f) != mark_codes(mark)) {
            return None;
        }
        found = found.or(Some(mark));
    }
    found
}

/// The currency decision: the currency, if one is known, and a warning
/// when the inputs left it open or contradicted audit.yaml.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Detected {
    /// ISO code (`DKK`), or `None` when unknown.
    pub code: Option<String>,
    /// What to tell the user, if anything.
    pub warning: Option<Diagnostic>,
}

/// One column's mark, for messages: "kr. (revenue, customers.xlsx)".
fn describe(c: &ColumnCurrency) -> String {
    format!("{} ({}, {})", c.mark, c.field, c.file)
}

/// The currency of the audit, from audit.yaml `currency:` (an ISO code,
/// already checked) and the marks the money columns state in their headers
/// and cells (`columns`). `configured` wins, with a warning when a mark
/// cannot mean it; else the one currency every mark can mean
/// ([`CurrencyVerdict`]). Marks that fit several currencies (`kr.` alone) or
/// none in common leave it unknown with a warning saying what to put in
/// audit.yaml; no marks at all leave it unknown quietly.
pub fn detect_currency(configured: Option<&str>, columns: &[ColumnCurrency]) -> Detected {
    if let Some(code) = configured {
        let against: Vec<String> = columns
            .iter()
            .filter(|c| !c.codes.contains(&code))
            .map(describe)
            .collect();
        return Detected {
            code: Some(code.to_string()),
            warning: (!against.is_empty()).then(|| {
                Diagnostic::new(
                    Code::CurrencyContradicted,
                    format!(
                        "audit.yaml gives the currency as {code}, but the inputs show {}; amounts are shown in {code}",
                        against.join(", ")
                    ),
                )
            }),
        };
    }
    match CurrencyVerdict::of(columns) {
        CurrencyVerdict::Unknown => Detected::default(),
        CurrencyVerdict::Detected(code) => Detected {
            code: Some(code.to_string()),
            warning: None,
        },
        CurrencyVerdict::Mixed(_) => {
            let seen: Vec<String> = columns.iter().map(describe).collect();
            let first = &columns[0];
            let shared = first
                .codes
                .iter()
                .filter(|k| columns.iter().all(|c| c.codes.contains(k)))
                .count();
            let what = if shared > 1 {
                format!("{}, which may be {}", seen.join(", "), or_list(first.codes))
            } else {
                format!("different currencies: {}", seen.join(", "))
            };
            Detected {
                code: None,
                warning: Some(Diagnostic::new(
                    Code::CurrencyUnsettled,
                    format!(
                        "the amounts in the inputs show {what}; amounts are shown without a currency (put `currency:` with its ISO code in audit.yaml)"
                    ),
                )),
            }
        }
    }
}

fn or_list(codes: &[&str]) -> String {
    match codes.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => codes.join(""),
    }
}

/// Checks an audit.yaml `currency:` value: a three-letter ISO 4217 code,
/// returned in capitals.
pub fn parse_code(text: &str) -> Option<String> {
    let t = text.trim();
    (t.len() == 3 && t.chars().all(|c| c.is_ascii_alphabetic())).then(|| t.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_and_codes() {
        assert_eq!(currency_mark("kr."), Some("kr."));
        assert_eq!(mark_codes("kr."), ["DKK", "NOK", "SEK"]);
        assert_eq!(currency_mark("DKK"), Some("DKK"));
        assert_eq!(currency_mark("€"), Some("€"));
        assert_eq!(currency_mark("$"), Some("$"));
        assert_eq!(currency_mark("£"), Some("£"));
        assert_eq!(currency_mark("nok"), Some("NOK"));
        assert_eq!(currency_mark("CHF"), Some("CHF"));
        assert_eq!(currency_mark("million"), None);
        assert_eq!(currency_mark("banana"), None);
        assert_eq!(mark_in("US$"), Some("$"));
        assert_eq!(mark_in("USD / $"), Some("USD"));
        assert_eq!(mark_in("DKK / EUR"), None);
        assert_eq!(mark_in("intern"), None);
    }

    fn col(mark: &'static str) -> ColumnCurrency {
        ColumnCurrency {
            file: "customers.xlsx".into(),
            field: "revenue".into(),
            mark,
            codes: mark_codes(mark),
        }
    }

    #[test]
    fn one_currency_or_a_warning() {
        let d = detect_currency(None, &[col("kr."), col("DKK")]);
        assert_eq!((d.code.as_deref(), d.warning), (Some("DKK"), None));
        let d = detect_currency(None, &[col("kr.")]);
        assert_eq!(d.code, None);
        assert!(d.warning.unwrap().to_string().contains("DKK, NOK or SEK"));
        let d = detect_currency(None, &[col("€"), col("$")]);
        assert!(
            d.warning
                .unwrap()
                .to_string()
                .contains("different currencies: €")
        );
        assert_eq!(detect_currency(None, &[]), Detected::default());
        let d = detect_currency(Some("SEK"), &[col("kr.")]);
        assert_eq!((d.code.as_deref(), d.warning), (Some("SEK"), None));
        let d = detect_currency(Some("EUR"), &[col("kr.")]);
        assert!(
            d.warning
                .unwrap()
                .to_string()
                .contains("gives the currency as EUR")
        );
        assert_eq!(parse_code(" dkk "), Some("DKK".into()));
        assert_eq!(parse_code("kr."), None);
    }
}
