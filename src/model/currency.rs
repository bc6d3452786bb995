//! The currency of a client's money columns, as the inputs state it (a
//! header such as `Revenue (USD)`, or cells such as `1.234,50 kr.`), so the
//! audit can say which currency its amounts are in (SPEC §5 `currency`) —
//! or that the inputs do not agree.

use std::fmt;

/// One money column's stated currency.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ColumnCurrency {
    /// The file the column is in.
    pub file: String,
    /// The canonical field (`revenue`, `spend`, `amount`).
    pub field: String,
    /// ISO 4217 code.
    pub code: &'static str,
}

/// What the money columns together say about the currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CurrencyVerdict {
    /// No header or cell names a currency.
    Unknown,
    /// Every column that names one names this one.
    Detected(&'static str),
    /// Columns (or cells of one column) name different currencies.
    Mixed(Vec<&'static str>),
}

impl CurrencyVerdict {
    /// The verdict over the currencies stated per column.
    pub fn of(columns: &[ColumnCurrency]) -> CurrencyVerdict {
        let mut codes: Vec<&'static str> = Vec::new();
        for c in columns {
            if !codes.contains(&c.code) {
                codes.push(c.code);
            }
        }
        match codes.as_slice() {
            [] => CurrencyVerdict::Unknown,
            [one] => CurrencyVerdict::Detected(one),
            _ => CurrencyVerdict::Mixed(codes),
        }
    }

    /// The one currency, when the inputs agree on it.
    pub fn code(&self) -> Option<&'static str> {
        match self {
            CurrencyVerdict::Detected(c) => Some(c),
            _ => None,
        }
    }
}

impl fmt::Display for CurrencyVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CurrencyVerdict::Unknown => write!(f, "not stated in the inputs"),
            CurrencyVerdict::Detected(c) => write!(f, "detected {c}"),
            CurrencyVerdict::Mixed(codes) => {
                write!(f, "ambiguous or mixed: {}", codes.join(", "))
            }
        }
    }
}

impl super::Dataset {
    /// The currency the money columns state (headers and cells together).
    pub fn currency(&self) -> CurrencyVerdict {
        CurrencyVerdict::of(&self.currencies)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(field: &str, code: &'static str) -> ColumnCurrency {
        ColumnCurrency {
            file: "x.xlsx".into(),
            field: field.into(),
            code,
        }
    }

    #[test]
    fn verdicts() {
        assert_eq!(
            CurrencyVerdict::of(&[]).to_string(),
            "not stated in the inputs"
        );
        let one = [col("revenue", "DKK"), col("spend", "DKK")];
        assert_eq!(CurrencyVerdict::of(&one).to_string(), "detected DKK");
        assert_eq!(CurrencyVerdict::of(&one).code(), Some("DKK"));
        let two = [col("revenue", "DKK"), col("spend", "EUR")];
        assert_eq!(
            CurrencyVerdict::of(&two).to_string(),
            "ambiguous or mixed: DKK, EUR"
        );
    }
}
