//! Currency names, codes and symbols as they appear in money cells
//! (`1.234,50 kr.`, `$1,234.50`) and in headers (`Revenue (USD)`,
//! `Omsætning (kr.)`, `Revenue, €`): one table, so the value parser and the
//! header matcher agree on what counts as a currency and not as a stray word
//! (`1.5 million` and `12 banana` are not amounts).

/// ISO 4217 code → the words and symbols that name it (compared lower-case,
/// without dots). `kr` alone is read as DKK: the Danish exports mixaudit is
/// built for write it so; SEK and NOK files say `SEK`/`NOK` or `kronor`.
const CURRENCIES: &[(&str, &[&str])] = &[
    ("DKK", &["dkk", "kr", "kroner", "krone", "dkr"]),
    ("EUR", &["eur", "€", "euro", "euros"]),
    ("USD", &["usd", "$", "us$", "us", "dollar", "dollars"]),
    ("GBP", &["gbp", "£", "pound", "pounds", "sterling"]),
    ("SEK", &["sek", "kronor", "skr"]),
    ("NOK", &["nok", "nkr"]),
    ("CHF", &["chf", "fr", "sfr"]),
    ("JPY", &["jpy", "¥", "yen"]),
    ("INR", &["inr", "₹", "rupees"]),
    ("PLN", &["pln", "zł", "zl"]),
    ("CAD", &["cad", "c$"]),
    ("AUD", &["aud", "a$"]),
    ("ISK", &["isk"]),
];

/// The ISO code a word or symbol names (`kr.` → DKK, `€` → EUR, `usd` → USD).
pub fn currency_code(word: &str) -> Option<&'static str> {
    let w: String = word
        .trim()
        .trim_end_matches('.')
        .chars()
        .flat_map(char::to_lowercase)
        .collect();
    if w.is_empty() {
        return None;
    }
    CURRENCIES
        .iter()
        .find(|(_, names)| names.contains(&w.as_str()))
        .map(|(code, _)| *code)
}

/// The currency a short text names as a whole (`USD`, `kr.`, `€`, `US$`),
/// for the unit part of a header.
pub fn currency_in(text: &str) -> Option<&'static str> {
    let t = text.trim();
    if let Some(code) = currency_code(t) {
        return Some(code);
    }
    // "US$", "€ (EUR)": every piece names the same currency.
    let mut found: Option<&'static str> = None;
    for piece in t
        .split(|c: char| c.is_whitespace() || c == '/' || c == '(' || c == ')')
        .filter(|p| !p.is_empty())
    {
        let code = currency_code(piece)?;
        if found.is_some_and(|f| f != code) {
            return None;
        }
        found = Some(code);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_symbols() {
        assert_eq!(currency_code("kr."), Some("DKK"));
        assert_eq!(currency_code("DKK"), Some("DKK"));
        assert_eq!(currency_code("€"), Some("EUR"));
        assert_eq!(currency_code("$"), Some("USD"));
        assert_eq!(currency_code("£"), Some("GBP"));
        assert_eq!(currency_code("SEK"), Some("SEK"));
        assert_eq!(currency_code("nok"), Some("NOK"));
        assert_eq!(currency_code("CHF"), Some("CHF"));
        assert_eq!(currency_code("million"), None);
        assert_eq!(currency_code("banana"), None);
        assert_eq!(currency_in("US$"), Some("USD"));
        assert_eq!(currency_in("USD / $"), Some("USD"));
        assert_eq!(currency_in("DKK / EUR"), None);
    }
}
