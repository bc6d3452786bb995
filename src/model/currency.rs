//! The currency of a client's money columns, as the inputs state it (a
//! header such as `Revenue (USD)`, or cells such as `1.234,50 kr.`), so the
//! audit can say which currency its amounts are in (SPEC §5 `currency`) —
//! or that the inputs leave it open. A mark may fit several currencies
//! (`kr.`: DKK, NOK or SEK); the inputs together decide: `Omsætning (kr.)`
//! beside `Spend (DKK)` is DKK, `kr.` alone is ambiguous.

use std::fmt;

/// One money column's stated currency.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ColumnCurrency {
    /// The file the column is in.
    pub file: String,
    /// The canonical field (`revenue`, `spend`, `amount`).
    pub field: String,
    /// The mark as written (`kr.`, `€`, `USD`).
    pub mark: &'static str,
    /// The ISO 4217 codes the mark can mean.
    pub codes: &'static [&'static str],
}

/// What the money columns together say about the currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CurrencyVerdict {
    /// No header or cell names a currency.
    Unknown,
    /// One currency fits every mark.
    Detected(&'static str),
    /// The marks fit several currencies (`kr.` alone) or none in common
    /// (`DKK` beside `€`): the marks seen, each once.
    Mixed(Vec<&'static str>),
}

impl CurrencyVerdict {
    /// The verdict over the marks stated per column: the codes every mark
    /// can mean, which must be exactly one.
    pub fn of(columns: &[ColumnCurrency]) -> CurrencyVerdict {
        let Some(first) = columns.first() else {
            return CurrencyVerdict::Unknown;
        };
        let mut common: Vec<&'static str> = first.codes.to_vec();
        let mut marks: Vec<&'static str> = Vec::new();
        for c in columns {
            common.retain(|code| c.codes.contains(code));
            if !marks.contains(&c.mark) {
                marks.push(c.mark);
            }
        }
        match common.as_slice() {
            [one] => CurrencyVerdict::Detected(one),
            _ => CurrencyVerdict::Mixed(marks),
        }
    }

    /// The one currency, when the inputs settle it.
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
            CurrencyVerdict::Mixed(marks) => {
                write!(f, "ambiguous or mixed: {}", marks.join(", "))
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

    const KR: &[&str] = &["DKK", "NOK", "SEK"];

    fn col(field: &str, mark: &'static str, codes: &'static [&'static str]) -> ColumnCurrency {
        ColumnCurrency {
            file: "x.xlsx".into(),
            field: field.into(),
            mark,
            codes,
        }
    }

    #[test]
    fn verdicts() {
        assert_eq!(
            CurrencyVerdict::of(&[]).to_string(),
            "not stated in the inputs"
        );
        let one = [col("revenue", "kr.", KR), col("spend", "DKK", &["DKK"])];
        assert_eq!(CurrencyVerdict::of(&one).to_string(), "detected DKK");
        assert_eq!(CurrencyVerdict::of(&one).code(), Some("DKK"));
        let kr = [col("revenue", "kr.", KR)];
        assert_eq!(
            CurrencyVerdict::of(&kr).to_string(),
            "ambiguous or mixed: kr."
        );
        let two = [col("revenue", "DKK", &["DKK"]), col("spend", "€", &["EUR"])];
        assert_eq!(
            CurrencyVerdict::of(&two).to_string(),
            "ambiguous or mixed: DKK, €"
        );
    }
}
