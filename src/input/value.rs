//! Cell-value parsers for what people type into spreadsheets.
//!
//! Money arrives as `$1,234.50`, `1.234,50 kr.`, `€ 1 234,50` or `(120)`; dates
//! as Excel serials, ISO text, `31/12/2026`, `12/31/2026` or `31.12.2026`. One
//! value alone is often ambiguous (`1,234`, `03/04/2026`), so every parser says
//! what the value proves about its column's convention ([`NumberStyle`],
//! [`DateOrder`]) and whether it needed that convention. The column readers in
//! `columns.rs` settle ambiguous values once the whole column has been seen.
//!
//! These functions never panic on any input (see the proptest suite).

use crate::model::Day;

/// Which character separates decimals in a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberStyle {
    /// `1,234.50`
    PointDecimal,
    /// `1.234,50`
    CommaDecimal,
}

/// Whether `a/b/yyyy` dates put the day or the month first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    /// `31/12/2026`
    DayFirst,
    /// `12/31/2026`
    MonthFirst,
}

/// A number read from text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParsedNumber {
    /// The value, read with the style given (or the likelier one when none was).
    pub value: f64,
    /// The style this text proves, if it proves one.
    pub proves: Option<NumberStyle>,
    /// True when the value depends on a style that neither the text nor the caller fixed.
    pub ambiguous: bool,
    /// The currency mark written around the amount (`kr.`, `€`, `USD`), if any.
    pub currency: Option<&'static str>,
}

/// Parses money or a plain number as typed: currency symbols and codes,
/// thousands separators (`,` `.` space, apostrophe), decimal comma or point,
/// a leading/trailing minus or parentheses for negatives.
pub fn parse_number(text: &str, style: Option<NumberStyle>) -> Option<ParsedNumber> {
    let mut s = text.trim();
    if s.is_empty() {
        return None;
    }
    let mut negative = false;
    if s.starts_with('(') && s.ends_with(')') && s.len() >= 2 {
        negative = true;
        s = s[1..s.len() - 1].trim();
    }
    // Keep digits, separators and signs; drop currency symbols, codes and spaces
    // that sit before the first or after the last digit.
    let first_digit = s.find(|c: char| c.is_ascii_digit())?;
    let last_digit = s.rfind(|c: char| c.is_ascii_digit())?;
    let (head, body, tail) = (
        &s[..first_digit],
        &s[first_digit..=last_digit],
        &s[last_digit + 1..],
    );
    let currency = currency_words(head, tail)?;
    for (part, is_head) in [(head, true), (tail, false)] {
        for c in part.chars() {
            match c {
                '-' | '−' => {
                    if negative {
                        return None;
                    }
                    negative = true;
                }
                '+' => {}
                // a bare trailing or leading separator ("12.", ".5") is read below
                '.' | ',' if !is_head => {}
                '.' if is_head && head.trim_end().ends_with('.') && head.trim().len() == 1 => {}
                c if c.is_alphabetic() || is_currency(c) || is_space(c) || c == '.' => {}
                _ => return None,
            }
        }
    }
    // ".50" or "$.50": a point right before the digits, not ending an
    // abbreviation such as "kr.50".
    let leading_point = head.ends_with('.')
        && !head[..head.len() - 1]
            .chars()
            .next_back()
            .is_some_and(char::is_alphabetic);
    let mut digits = String::with_capacity(body.len() + 1);
    if leading_point {
        digits.push_str("0.");
    }
    // Separators inside the number.
    let mut seps: Vec<(usize, char)> = Vec::new();
    let mut pos = 0usize;
    for c in body.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            pos += 1;
        } else if c == '.' || c == ',' {
            seps.push((pos, c));
        } else if is_space(c) || c == '\'' || c == '’' {
            seps.push((pos, ' '));
        } else {
            return None;
        }
    }
    if leading_point && !seps.is_empty() {
        return None;
    }
    let ndigits = pos;
    let (decimal_at, proves, ambiguous) = decide_decimal(&seps, ndigits, style, &digits)?;
    let mut number = String::with_capacity(digits.len() + 2);
    if negative {
        number.push('-');
    }
    if leading_point {
        number.push_str(&digits);
    } else {
        for (i, c) in digits.chars().enumerate() {
            if Some(i) == decimal_at {
                number.push('.');
            }
            number.push(c);
        }
    }
    let value: f64 = number.parse().ok()?;
    value.is_finite().then_some(ParsedNumber {
        value,
        proves,
        ambiguous,
        currency,
    })
}

/// The currency named by the words and symbols around an amount, `Some(None)`
/// when there is none, or `None` when a word there is not a currency
/// (`1.5 million`, `12 banana`): such text is not an amount, however many
/// digits it holds.
fn currency_words(head: &str, tail: &str) -> Option<Option<&'static str>> {
    use super::currency::currency_mark;
    let mut found: Option<&'static str> = None;
    for part in [head, tail] {
        let mut word = String::new();
        for c in part.chars().chain(std::iter::once(' ')) {
            if c.is_alphabetic() || (c == '$' && !word.is_empty()) {
                word.push(c);
                continue;
            }
            if !word.is_empty() {
                found = found.or(Some(currency_mark(&word)?));
                word.clear();
            }
            if is_currency(c) && c != '%' {
                let mut sym = [0u8; 4];
                found = found.or(currency_mark(c.encode_utf8(&mut sym)));
            }
        }
    }
    Some(found)
}

fn is_currency(c: char) -> bool {
    matches!(
        c,
        '$' | '€' | '£' | '¥' | '₹' | '¢' | '%' | '₽' | '₩' | '₺' | '¤'
    )
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{00A0}' | '\u{202F}' | '\u{2009}')
}

/// Where the decimal point goes (digit index), what the separators prove, and
/// whether the reading was a guess.
fn decide_decimal(
    seps: &[(usize, char)],
    ndigits: usize,
    style: Option<NumberStyle>,
    digits: &str,
) -> Option<(Option<usize>, Option<NumberStyle>, bool)> {
    let marks: Vec<&(usize, char)> = seps.iter().filter(|(_, c)| *c != ' ').collect();
    let spaces_ok = seps
        .iter()
        .filter(|(_, c)| *c == ' ')
        .all(|(p, _)| *p > 0 && *p < ndigits);
    if !spaces_ok {
        return None;
    }
    let grouping_ok = |positions: &[usize], end: usize| -> bool {
        // groups of three between separators and up to `end`
        let mut prev: Option<usize> = None;
        for &p in positions {
            if p == 0 {
                return false;
            }
            if let Some(q) = prev
                && p - q != 3
            {
                return false;
            }
            prev = Some(p);
        }
        prev.is_none_or(|q| end >= q && end - q == 3)
    };
    let has_point = marks.iter().any(|(_, c)| *c == '.');
    let has_comma = marks.iter().any(|(_, c)| *c == ',');
    let style_of = |decimal: char| {
        if decimal == '.' {
            NumberStyle::PointDecimal
        } else {
            NumberStyle::CommaDecimal
        }
    };
    match (has_point, has_comma) {
        (false, false) => Some((None, None, false)),
        (true, true) => {
            let &(dec_pos, dec_char) = *marks.last()?;
            let groups: Vec<usize> = marks[..marks.len() - 1]
                .iter()
                .map(|(p, c)| if *c == dec_char { usize::MAX } else { *p })
                .collect();
            if groups.contains(&usize::MAX) || !grouping_ok(&groups, dec_pos) {
                return None;
            }
            Some((Some(dec_pos), Some(style_of(dec_char)), false))
        }
        _ => {
            let ch = marks[0].1;
            let positions: Vec<usize> = marks.iter().map(|(p, _)| *p).collect();
            if positions.len() > 1 {
                // 1.234.567 — repeated marks are grouping; the other one is the decimal
                if !grouping_ok(&positions, ndigits) {
                    return None;
                }
                let proves = style_of(if ch == '.' { ',' } else { '.' });
                return Some((None, Some(proves), false));
            }
            let p = positions[0];
            let after = ndigits - p;
            let could_group = p > 0 && p <= 3 && after == 3 && !digits.starts_with('0');
            if !could_group {
                if p == ndigits {
                    // "12." — a trailing mark
                    return Some((None, None, false));
                }
                return Some((Some(p), Some(style_of(ch)), false));
            }
            // 1,234 or 1.234: grouping or decimal depends on the column.
            match style {
                Some(s) if s == style_of(ch) => Some((Some(p), None, false)),
                Some(_) => Some((None, None, false)),
                None => Some((None, None, true)),
            }
        }
    }
}

/// A date read from a cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParsedDate {
    /// The day.
    pub day: Day,
    /// The order this text proves, if it proves one.
    pub proves: Option<DateOrder>,
    /// True when the day depends on an order neither the text nor the caller fixed.
    pub ambiguous: bool,
}

/// The largest serial Excel accepts (9999-12-31).
const MAX_SERIAL: f64 = 2_958_465.0;

/// A date from an Excel serial number (dates are whole days; time is dropped).
pub fn date_from_serial(serial: f64) -> Option<Day> {
    (serial.is_finite() && (1.0..=MAX_SERIAL).contains(&serial)).then(|| Day(serial.floor() as i32))
}

/// Parses a date typed as text: ISO (`2026-12-31`, with or without a time),
/// `31.12.2026`, `31/12/2026` or `12/31/2026` (order from `order` when the
/// text does not decide), `31 Dec 2026`, `December 31, 2026`, `31. december 2026`.
pub fn parse_date(text: &str, order: Option<DateOrder>) -> Option<ParsedDate> {
    let t = text.trim();
    if t.is_empty() || t.len() > 64 {
        return None;
    }
    // Drop a time part: "2026-12-31T10:00:00", "31/12/2026 10:00".
    let date_part = t
        .split(['T', ' '])
        .next()
        .filter(|p| p.chars().any(|c| c.is_ascii_digit()) && !p.chars().any(char::is_alphabetic))
        .filter(|_| {
            let rest = &t[t.find(['T', ' ']).unwrap_or(t.len())..];
            rest.is_empty() || looks_like_time(rest.trim_start_matches(['T', ' ']))
        })
        .unwrap_or(t);
    let sure = |day: Option<Day>, proves| {
        day.map(|day| ParsedDate {
            day,
            proves,
            ambiguous: false,
        })
    };
    let nums: Vec<&str> = date_part.split(['-', '/', '.']).collect();
    if nums.len() == 3
        && nums
            .iter()
            .all(|n| !n.is_empty() && n.len() <= 4 && n.bytes().all(|b| b.is_ascii_digit()))
    {
        let v: Vec<u32> = nums.iter().filter_map(|n| n.parse().ok()).collect();
        if v.len() != 3 {
            return None;
        }
        if nums[0].len() == 4 {
            return sure(Day::from_ymd(v[0] as i32, v[1], v[2]), None);
        }
        if nums[2].len() != 4 && nums[2].len() != 2 {
            return None;
        }
        let year = if nums[2].len() == 2 {
            2000 + v[2] as i32
        } else {
            v[2] as i32
        };
        let dotted = date_part.contains('.');
        if dotted {
            return sure(Day::from_ymd(year, v[1], v[0]), Some(DateOrder::DayFirst));
        }
        let (a, b) = (v[0], v[1]);
        if a > 12 && b <= 12 {
            return sure(Day::from_ymd(year, b, a), Some(DateOrder::DayFirst));
        }
        if b > 12 && a <= 12 {
            return sure(Day::from_ymd(year, a, b), Some(DateOrder::MonthFirst));
        }
        if a == b {
            return sure(Day::from_ymd(year, a, a), None);
        }
        let (day, ambiguous) = match order {
            Some(DateOrder::MonthFirst) => (Day::from_ymd(year, a, b), false),
            Some(DateOrder::DayFirst) => (Day::from_ymd(year, b, a), false),
            None => (Day::from_ymd(year, b, a), true),
        };
        return day.map(|day| ParsedDate {
            day,
            proves: None,
            ambiguous,
        });
    }
    parse_month_name_date(t).and_then(|d| sure(Some(d), None))
}

fn looks_like_time(s: &str) -> bool {
    let s = s.trim_end_matches('Z');
    !s.is_empty()
        && s.len() <= 15
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ':' | '.' | '+' | '-'))
        && s.contains(':')
}

/// `31 Dec 2026`, `Dec 31, 2026`, `31. december 2026`, `31. Dezember 2026`.
fn parse_month_name_date(t: &str) -> Option<Day> {
    let words: Vec<String> = t
        .split(|c: char| c.is_whitespace() || c == ',' || c == '-' || c == '/')
        .map(|w| w.trim_end_matches('.').to_lowercase())
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() != 3 {
        return None;
    }
    let (mut day, mut month, mut year) = (None, None, None);
    for w in &words {
        if let Some(m) = month_number(w) {
            month = Some(m);
        } else if let Ok(n) = w.parse::<u32>() {
            if w.len() == 4 {
                year = Some(n as i32);
            } else if n <= 31 {
                day = Some(n);
            }
        }
    }
    Day::from_ymd(year?, month?, day?)
}

/// The month a name or abbreviation means (English, Danish, German), 1–12.
pub(super) fn month_number(w: &str) -> Option<u32> {
    const MONTHS: [&[&str]; 12] = [
        &["jan", "january", "januar", "jänner"],
        &["feb", "february", "februar"],
        &["mar", "march", "marts", "märz", "maerz", "mrz"],
        &["apr", "april"],
        &["may", "maj", "mai"],
        &["jun", "june", "juni"],
        &["jul", "july", "juli"],
        &["aug", "august"],
        &["sep", "sept", "september"],
        &["oct", "october", "okt", "oktober"],
        &["nov", "november"],
        &["dec", "december", "dez", "dezember"],
    ];
    MONTHS
        .iter()
        .position(|names| names.contains(&w))
        .map(|i| i as u32 + 1)
}

/// Parses a yes/no cell: yes/no, y/n, true/false, 1/0, x, ✓, ja/nej, ja/nein, oui/non.
pub fn parse_bool(text: &str) -> Option<bool> {
    let t = text.trim().to_lowercase();
    match t.as_str() {
        "yes" | "y" | "true" | "1" | "x" | "✓" | "✔" | "☑" | "ja" | "j" | "oui" | "si" | "sí"
        | "wahr" | "sand" | "on" | "t" => Some(true),
        "no" | "n" | "false" | "0" | "nej" | "nein" | "non" | "falsch" | "falsk" | "off" | "f"
        | "✗" | "✘" | "☐" | "-" => Some(false),
        _ => None,
    }
}

/// Splits a list cell (`a; b, c`) into trimmed, non-empty parts.
pub fn split_list(text: &str) -> impl Iterator<Item = &str> {
    text.split([';', ',', '|', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(t: &str) -> Option<f64> {
        parse_number(t, None).map(|p| p.value)
    }

    #[test]
    fn money_as_people_type_it() {
        assert_eq!(num("$1,234.50"), Some(1234.5));
        assert_eq!(num("1.234,50 kr."), Some(1234.5));
        assert_eq!(num("€ 1 234,50"), Some(1234.5));
        assert_eq!(num("(120)"), Some(-120.0));
        assert_eq!(num("-12.5"), Some(-12.5));
        assert_eq!(num("12,5"), Some(12.5));
        assert_eq!(num("DKK 1.000.000"), Some(1_000_000.0));
        assert_eq!(num("1'234.5"), Some(1234.5));
        assert_eq!(num("0,125"), Some(0.125));
        assert_eq!(num("42"), Some(42.0));
        assert_eq!(num("kr 99"), Some(99.0));
        assert_eq!(num("1.234,50 €"), Some(1234.5));
        assert_eq!(num("120-"), Some(-120.0));
        assert_eq!(num("abc"), None);
        assert_eq!(num("12 abc 3"), None);
        assert_eq!(num("1.5 million"), None);
        assert_eq!(num("12 banana"), None);
        assert_eq!(num("EUR 12"), Some(12.0));
        assert_eq!(num("12 US$"), Some(12.0));
        assert_eq!(
            parse_number("1.234,50 kr.", None).unwrap().currency,
            Some("kr.")
        );
        assert_eq!(parse_number("$5", None).unwrap().currency, Some("$"));
        assert_eq!(parse_number("5", None).unwrap().currency, None);
        assert_eq!(num("1,2,3"), None);
        assert_eq!(num("--5"), None);
    }

    #[test]
    fn ambiguous_thousands_need_the_column() {
        let p = parse_number("1,234", None).unwrap();
        assert!(p.ambiguous);
        assert_eq!(p.value, 1234.0);
        let c = parse_number("1,234", Some(NumberStyle::CommaDecimal)).unwrap();
        assert_eq!((c.value, c.ambiguous), (1.234, false));
        let d = parse_number("1,234", Some(NumberStyle::PointDecimal)).unwrap();
        assert_eq!((d.value, d.ambiguous), (1234.0, false));
        assert_eq!(
            parse_number("1.234,5", None).unwrap().proves,
            Some(NumberStyle::CommaDecimal)
        );
        assert_eq!(
            parse_number("1.234.567", None).unwrap().proves,
            Some(NumberStyle::CommaDecimal)
        );
    }

    #[test]
    fn dates_as_people_type_them() {
        let d = |t: &str| parse_date(t, None).map(|p| p.day.iso());
        assert_eq!(d("2026-12-31").as_deref(), Some("2026-12-31"));
        assert_eq!(d("2026-12-31T08:30:00").as_deref(), Some("2026-12-31"));
        assert_eq!(d("31/12/2026").as_deref(), Some("2026-12-31"));
        assert_eq!(d("12/31/2026").as_deref(), Some("2026-12-31"));
        assert_eq!(d("31.12.2026").as_deref(), Some("2026-12-31"));
        assert_eq!(d("31 Dec 2026").as_deref(), Some("2026-12-31"));
        assert_eq!(d("December 31, 2026").as_deref(), Some("2026-12-31"));
        assert_eq!(d("31. december 2026").as_deref(), Some("2026-12-31"));
        assert_eq!(d("31/12/2026 10:15").as_deref(), Some("2026-12-31"));
        assert_eq!(d("next week"), None);
        assert_eq!(d("31/31/2026"), None);
        assert_eq!(d("2026-02-30"), None);
        let amb = parse_date("03/04/2026", None).unwrap();
        assert!(amb.ambiguous);
        let mf = parse_date("03/04/2026", Some(DateOrder::MonthFirst)).unwrap();
        assert_eq!(mf.day.iso(), "2026-03-04");
        assert_eq!(
            parse_date("13/04/2026", None).unwrap().proves,
            Some(DateOrder::DayFirst)
        );
    }

    #[test]
    fn booleans_in_three_languages() {
        for t in ["yes", "Y", "TRUE", "1", "x", "✓", "ja", "Ja"] {
            assert_eq!(parse_bool(t), Some(true), "{t}");
        }
        for t in ["no", "n", "false", "0", "nej", "nein"] {
            assert_eq!(parse_bool(t), Some(false), "{t}");
        }
        assert_eq!(parse_bool("maybe"), None);
    }

    #[test]
    fn serials() {
        assert_eq!(date_from_serial(46203.0).unwrap().iso(), "2026-06-30");
        assert_eq!(date_from_serial(46203.75).unwrap().iso(), "2026-06-30");
        assert_eq!(date_from_serial(-1.0), None);
        assert_eq!(date_from_serial(f64::NAN), None);
    }
}
