//! Currency marks as they appear in money cells (`1.234,50 kr.`,
//! `$1,234.50`) and in headers (`Revenue (USD)`, `Omsætning (kr.)`,
//! `Revenue, €`): one table, so the value parser and the header reader agree
//! on what counts as a currency and not as a stray word (`1.5 million` and
//! `12 banana` are not amounts). A mark may fit several currencies — `kr.`
//! is Danish, Norwegian or Swedish kroner — so each carries every ISO code it
//! can mean, and only the inputs together decide (see
//! [`CurrencyVerdict`](crate::model::CurrencyVerdict)).

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
    let w: String = word
        .trim()
        .trim_end_matches('.')
        .chars()
        .flat_map(char::to_lowercase)
        .collect();
    MARKS
        .iter()
        .find(|(m, _, _)| *m == w)
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
}
