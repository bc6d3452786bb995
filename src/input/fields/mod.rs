//! The canonical fields of each input table, the names users give them, and
//! finding the header row among title rows.
//!
//! Header text is compared after [`normalize`]: case, spaces and punctuation
//! do not count, so `Customer ID`, `customer_id` and `CUSTOMER-ID` are one name.

mod activity;
mod customers;
mod spend;
mod words;

pub use activity::{INTERACTION_FIELDS, INTERACTION_SHEETS, ORDER_FIELDS, ORDER_SHEETS};
pub use customers::{CUSTOMER_FIELDS, CUSTOMER_SHEETS};
pub use spend::{SPEND_FIELDS, SPEND_SHEETS};
pub use words::{HeaderWords, header_words};

use crate::error::{Code, Location, Problem, column_letters};

/// What kind of value a field holds, which decides its parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text.
    Text,
    /// A calendar date.
    Date,
    /// A whole number ≥ 0.
    Count,
    /// Money ≥ 0.
    Money,
    /// Any number.
    Number,
    /// yes/no.
    Bool,
}

/// When a field must be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Always.
    Required,
    /// Unless an Orders sheet supplies it.
    UnlessOrders,
    /// Never.
    Optional,
}

/// One canonical column of an input table.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Canonical name (also the name checklist expressions use).
    pub name: &'static str,
    /// Value type.
    pub kind: Kind,
    /// Whether it must be present.
    pub need: Need,
    /// Other header texts that mean this field (English, Danish, German…).
    pub synonyms: &'static [&'static str],
    /// Further names that mean this field in this table only (e.g. a bare
    /// "Customer" column is the id on an Orders sheet but the name elsewhere).
    pub also: &'static [&'static str],
    /// One line for the init template's Instructions sheet.
    pub help: &'static str,
}

pub(super) const fn f(
    name: &'static str,
    kind: Kind,
    need: Need,
    synonyms: &'static [&'static str],
    help: &'static str,
) -> Field {
    Field {
        name,
        kind,
        need,
        synonyms,
        also: &[],
        help,
    }
}

impl Field {
    /// Every name that means this field besides its canonical one.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + Clone {
        self.synonyms.iter().chain(self.also).copied()
    }

    /// The same field, also known in this table by `also`.
    pub(super) const fn also(mut self, also: &'static [&'static str]) -> Field {
        self.also = also;
        self
    }
}

/// Names that mean "the customer's id" in every table (English, Danish, German).
pub const CUSTOMER_ID_NAMES: &[&str] = &[
    "customer id",
    "customer no",
    "customer number",
    "cust id",
    "client id",
    "kundenr",
    "kunde nr",
    "kundenummer",
    "kunde id",
    "kundennummer",
    "kunden nr",
    "kunden id",
    "kd nr",
];

/// Lower-case letters and digits only: how header and sheet names are compared.
pub fn normalize(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// snake_case name of an extra column, as checklist expressions see it.
pub fn snake_case(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// Whether `header` names `field` (its own name, a synonym, or the user's
/// mapping): compared normalised, or word by word with units and currencies
/// set aside and abbreviations spelt out (`Cust. No.`, `Revenue, €`).
pub fn header_matches(field: &Field, header: &str, mapped: Option<&str>) -> bool {
    FieldKeys::of(field).matches(&HeaderKey::of(header), mapped)
}

/// A header's two comparison keys.
struct HeaderKey {
    /// Letters and digits only.
    plain: String,
    /// The words' key (units set aside, abbreviations spelt out).
    words: String,
}

impl HeaderKey {
    fn of(header: &str) -> HeaderKey {
        HeaderKey {
            plain: normalize(header),
            words: header_words(header).key(),
        }
    }
}

/// A field's names, keyed once for a whole header scan.
struct FieldKeys {
    plain: Vec<String>,
    words: Vec<String>,
}

impl FieldKeys {
    fn of(field: &Field) -> FieldKeys {
        let names = std::iter::once(field.name).chain(field.names());
        FieldKeys {
            plain: names.clone().map(normalize).collect(),
            words: names.map(|n| header_words(n).key()).collect(),
        }
    }

    fn matches(&self, h: &HeaderKey, mapped: Option<&str>) -> bool {
        if h.plain.is_empty() {
            return false;
        }
        if let Some(m) = mapped {
            return normalize(m) == h.plain;
        }
        self.plain.contains(&h.plain) || (!h.words.is_empty() && self.words.contains(&h.words))
    }
}

/// Where each canonical field sits in a sheet, and which columns are extra.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// Zero-based header row.
    pub header_row: u32,
    /// Column of each canonical field (same order as the field list), if found.
    pub columns: Vec<Option<u32>>,
    /// Extra columns: (column, snake_case name, header as written).
    pub extras: Vec<(u32, String, String)>,
    /// The currency each field's header names (`Revenue (USD)`), if any.
    pub currency: Vec<Option<&'static str>>,
    /// Later columns that also name a field already found: (field index,
    /// the column read, the column kept as an extra).
    pub shadowed: Vec<(usize, u32, u32)>,
}

/// Picks the header row among the first rows (the row naming most fields) and
/// maps its columns. `headers_of(row)` gives each row's texts by column.
/// `mapped(field)` is the user's header text for a field from audit.yaml.
pub fn locate_header(
    rows: &[(u32, Vec<Option<String>>)],
    fields: &[Field],
    mapped: &dyn Fn(&str) -> Option<String>,
) -> Option<Mapping> {
    let keys: Vec<FieldKeys> = fields.iter().map(FieldKeys::of).collect();
    let maps: Vec<Option<String>> = fields.iter().map(|fd| mapped(fd.name)).collect();
    let hit = |h: &HeaderKey| (0..fields.len()).find(|&k| keys[k].matches(h, maps[k].as_deref()));
    let mut best: Option<(usize, usize)> = None; // (score, index)
    for (i, (_, cells)) in rows.iter().enumerate() {
        let heads: Vec<HeaderKey> = cells.iter().flatten().map(|h| HeaderKey::of(h)).collect();
        let score = (0..fields.len())
            .filter(|&k| heads.iter().any(|h| keys[k].matches(h, maps[k].as_deref())))
            .count();
        if score > 0 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, i));
        }
    }
    let (_, idx) = best?;
    let (row, cells) = &rows[idx];
    let mut columns = vec![None; fields.len()];
    let mut currency = vec![None; fields.len()];
    let mut shadowed = Vec::new();
    let mut extras = Vec::new();
    for (col, cell) in cells.iter().enumerate() {
        let Some(h) = cell.as_ref().filter(|h| !h.trim().is_empty()) else {
            continue;
        };
        let found = hit(&HeaderKey::of(h));
        if let Some(k) = found
            && let Some(first) = columns[k]
        {
            shadowed.push((k, first, col as u32));
        }
        match found {
            Some(k) if columns[k].is_none() => {
                columns[k] = Some(col as u32);
                currency[k] = header_words(h).currency;
            }
            _ => {
                let mut name = snake_case(h);
                if name.is_empty() {
                    name = format!("column_{}", column_letters(col as u32).to_lowercase());
                }
                while fields.iter().any(|fd| fd.name == name)
                    || extras
                        .iter()
                        .any(|(_, n, _): &(u32, String, String)| *n == name)
                {
                    name.push_str("_2");
                }
                extras.push((col as u32, name, h.trim().to_string()));
            }
        }
    }
    Some(Mapping {
        header_row: *row,
        columns,
        extras,
        currency,
        shadowed,
    })
}

/// Two columns of one header row with the same name: the first would win
/// silently, so each later copy is a problem naming both columns.
pub fn duplicate_headers(
    loc: &Location,
    header_row: u32,
    headers: &[(u32, String)],
) -> Vec<Problem> {
    let mut seen: Vec<(String, u32)> = Vec::new();
    let mut out = Vec::new();
    for (col, h) in headers {
        let n = normalize(h);
        if n.is_empty() {
            continue;
        }
        match seen.iter().find(|(s, _)| *s == n) {
            Some((_, first)) => out.push(Problem::new(
                Code::DuplicateHeader,
                loc.clone().at(header_row, *col),
                format!(
                    "columns {} and {} are both headed \"{}\"",
                    column_letters(*first),
                    column_letters(*col),
                    h.trim()
                ),
                "each header once (rename one of them, or delete the copy)",
            )),
            None => seen.push((n, *col)),
        }
    }
    out
}

/// The problem for a required column that is missing: lists what was found and
/// the nearest header, so the fix (rename it, or map it in audit.yaml) is obvious.
/// "Nearest" is by meaning first — the words a header shares with the field's
/// names — and spelling second; headers already read as another field
/// (`taken`) are not offered.
pub fn missing_column(
    loc: Location,
    field: &Field,
    headers: &[(u32, String)],
    taken: &[Option<u32>],
    why: &str,
) -> Problem {
    let candidates: Vec<&str> = std::iter::once(field.name).chain(field.names()).collect();
    let cand_words: Vec<Vec<String>> = candidates.iter().map(|c| header_words(c).tokens).collect();
    let nearest = headers
        .iter()
        .filter(|(col, _)| !taken.contains(&Some(*col)))
        .map(|(col, h)| {
            let hw = header_words(h).tokens;
            let meaning = cand_words
                .iter()
                .map(|c| words::overlap(&hw, c))
                .fold(0.0, f64::max);
            let hn = normalize(h);
            let spelling = candidates
                .iter()
                .map(|c| strsim::normalized_levenshtein(&normalize(c), &hn))
                .fold(0.0, f64::max);
            ((meaning, spelling), col, h)
        })
        .filter(|((m, s), _, _)| *m > 0.0 || *s >= 0.6)
        .max_by(|a, b| a.0.0.total_cmp(&b.0.0).then(a.0.1.total_cmp(&b.0.1)));
    let found = headers
        .iter()
        .map(|(c, h)| format!("{} \"{}\"", column_letters(*c), h))
        .collect::<Vec<_>>()
        .join(", ");
    let mut msg = format!(
        "no column for required field `{}`{why}; headers found: {found}",
        field.name
    );
    if let Some((_, col, h)) = nearest {
        msg.push_str(&format!(
            "; nearest match: \"{h}\" (column {})",
            column_letters(*col)
        ));
    }
    let examples: Vec<&str> = field.synonyms.iter().take(4).copied().collect();
    Problem::new(
        Code::MissingColumn,
        loc,
        msg,
        format!(
            "a header `{}` (or {}), or `columns: {{ {}: \"<your header>\" }}` in audit.yaml",
            field.name,
            examples
                .iter()
                .map(|e| format!("\"{e}\""))
                .collect::<Vec<_>>()
                .join(", "),
            field.name
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(r: u32, cells: &[&str]) -> (u32, Vec<Option<String>>) {
        (
            r,
            cells
                .iter()
                .map(|c| (!c.is_empty()).then(|| c.to_string()))
                .collect(),
        )
    }

    #[test]
    fn every_field_has_five_names() {
        for fd in CUSTOMER_FIELDS.iter().chain(SPEND_FIELDS) {
            assert!(fd.synonyms.len() >= 4, "{} has too few synonyms", fd.name);
        }
    }

    /// The tables are in the order of the model's field enums.
    #[test]
    fn tables_follow_the_field_enums() {
        use crate::model::{CustomerField, FieldId, InteractionField, OrderField, SpendField};
        fn check<F: FieldId>(table: &[Field]) {
            let names: Vec<&str> = table.iter().map(|f| f.name).collect();
            let ids: Vec<&str> = F::ALL.iter().map(|f| f.name()).collect();
            assert_eq!(names, ids);
        }
        check::<CustomerField>(CUSTOMER_FIELDS);
        check::<SpendField>(SPEND_FIELDS);
        check::<OrderField>(ORDER_FIELDS);
        check::<InteractionField>(INTERACTION_FIELDS);
    }

    /// Every table's customer_id column knows the same id names.
    #[test]
    fn customer_id_names_are_shared() {
        for table in [CUSTOMER_FIELDS, ORDER_FIELDS, INTERACTION_FIELDS] {
            assert_eq!(table[0].synonyms, CUSTOMER_ID_NAMES);
        }
    }

    #[test]
    fn header_found_below_title_rows() {
        let rows = vec![
            row(0, &["Nordlys ApS — kundeliste", "", ""]),
            row(1, &["", "", ""]),
            row(
                2,
                &[
                    "Kundenr.",
                    "Navn",
                    "Seneste køb",
                    "Antal ordrer",
                    "Omsætning",
                    "Notes",
                ],
            ),
            row(3, &["K1", "A", "2026-01-01", "2", "100", "x"]),
        ];
        let m = locate_header(&rows, CUSTOMER_FIELDS, &|_| None).unwrap();
        assert_eq!(m.header_row, 2);
        assert_eq!(m.currency[6], None);
        assert_eq!(m.columns[0], Some(0));
        assert_eq!(m.columns[4], Some(2)); // last_purchase
        assert_eq!(
            m.extras,
            vec![(5, "notes".to_string(), "Notes".to_string())]
        );
    }

    #[test]
    fn mapping_from_config_wins() {
        let rows = vec![row(0, &["Kundenr. (intern)", "Ref"])];
        let m = locate_header(&rows, CUSTOMER_FIELDS, &|f| {
            (f == "customer_id").then(|| "Kundenr. (intern)".to_string())
        })
        .unwrap();
        assert_eq!(m.columns[0], Some(0));
    }

    #[test]
    fn snake_names() {
        assert_eq!(snake_case("Loyalty Tier (2026)"), "loyalty_tier_2026");
        assert_eq!(snake_case("  Net Promoter  "), "net_promoter");
        assert_eq!(snake_case("2nd owner"), "_2nd_owner");
    }
}
