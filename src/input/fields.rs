//! The canonical fields of each input table, the names users give them, and
//! finding the header row among title rows.
//!
//! Header text is compared after [`normalize`]: case, spaces and punctuation
//! do not count, so `Customer ID`, `customer_id` and `CUSTOMER-ID` are one name.

use crate::error::{Location, Problem, column_letters};

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
    /// One line for the init template's Instructions sheet.
    pub help: &'static str,
}

const fn f(
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
        help,
    }
}

use Kind::*;
use Need::*;

/// The Customers sheet (SPEC §2.2).
pub const CUSTOMER_FIELDS: &[Field] = &[
    f(
        "customer_id",
        Text,
        Required,
        &[
            "customer id",
            "customer no",
            "customer number",
            "cust id",
            "id",
            "client id",
            "account id",
            "account",
            "kundenr",
            "kunde nr",
            "kundenummer",
            "kunde id",
            "kundennummer",
            "kunden nr",
            "kunden id",
            "kd nr",
        ],
        "Unique id of the customer.",
    ),
    f(
        "name",
        Text,
        Optional,
        &[
            "customer name",
            "full name",
            "company",
            "navn",
            "kundenavn",
            "firma",
            "kundename",
            "firmenname",
        ],
        "Customer or company name.",
    ),
    f(
        "segment",
        Text,
        Optional,
        &[
            "group",
            "region",
            "customer group",
            "type",
            "segmentering",
            "kundegruppe",
            "gruppe",
            "kundengruppe",
            "kundensegment",
        ],
        "Any grouping: region, B2B/B2C, size…",
    ),
    f(
        "first_purchase",
        Date,
        Optional,
        &[
            "first order",
            "first order date",
            "first purchase date",
            "customer since",
            "første køb",
            "første ordre",
            "kunde siden",
            "erster kauf",
            "erstkauf",
            "kunde seit",
        ],
        "Date of the first purchase.",
    ),
    f(
        "last_purchase",
        Date,
        UnlessOrders,
        &[
            "last order",
            "last order date",
            "last purchase date",
            "most recent purchase",
            "seneste køb",
            "sidste køb",
            "seneste ordre",
            "seneste handel",
            "letzter kauf",
            "letzte bestellung",
        ],
        "Date of the latest purchase.",
    ),
    f(
        "orders",
        Count,
        UnlessOrders,
        &[
            "order count",
            "number of orders",
            "purchases",
            "no of orders",
            "frequency",
            "antal ordrer",
            "antal køb",
            "ordrer",
            "anzahl bestellungen",
            "bestellungen",
            "käufe",
        ],
        "Number of purchases (0 for prospects).",
    ),
    f(
        "revenue",
        Money,
        UnlessOrders,
        &[
            "total revenue",
            "sales",
            "turnover",
            "amount",
            "monetary",
            "lifetime value",
            "omsætning",
            "salg",
            "beløb",
            "umsatz",
            "gesamtumsatz",
        ],
        "Total revenue from the customer.",
    ),
    f(
        "last_contact",
        Date,
        Optional,
        &[
            "last contacted",
            "last contact date",
            "last touch",
            "seneste kontakt",
            "sidste kontakt",
            "letzter kontakt",
            "letzte kontaktaufnahme",
        ],
        "Last outbound contact by the business.",
    ),
    f(
        "open_complaints",
        Count,
        Optional,
        &[
            "complaints",
            "open issues",
            "unresolved complaints",
            "open tickets",
            "klager",
            "åbne klager",
            "uløste klager",
            "beschwerden",
            "offene beschwerden",
            "reklamationen",
        ],
        "Unresolved complaints.",
    ),
    f(
        "satisfaction",
        Number,
        Optional,
        &[
            "nps",
            "nps score",
            "likelihood to recommend",
            "recommend score",
            "csat",
            "tilfredshed",
            "anbefalingsscore",
            "zufriedenheit",
            "weiterempfehlung",
        ],
        "0–10: how likely the customer is to recommend you.",
    ),
    f(
        "referrals",
        Count,
        Optional,
        &[
            "referred",
            "referred customers",
            "recommendations",
            "anbefalinger",
            "henvisninger",
            "empfehlungen",
            "weiterempfehlungen",
        ],
        "Customers this customer referred.",
    ),
    f(
        "status",
        Text,
        Optional,
        &[
            "customer status",
            "state",
            "active status",
            "kundestatus",
            "tilstand",
            "zustand",
            "kundenstatus",
        ],
        "active or churned (lost, inactive, closed): overrides the dates.",
    ),
    f(
        "churn_reason",
        Text,
        Optional,
        &[
            "reason",
            "churn reason",
            "reason lost",
            "lost reason",
            "defection reason",
            "cancellation reason",
            "årsag",
            "opsigelsesårsag",
            "grund",
            "kündigungsgrund",
            "abwanderungsgrund",
        ],
        "Why a lost customer left.",
    ),
    f(
        "touchpoints",
        Text,
        Optional,
        &[
            "touch points",
            "engaged touchpoints",
            "channels used",
            "campaigns",
            "kontaktflader",
            "kanaler",
            "kontaktpunkte",
            "berührungspunkte",
        ],
        "Touchpoints this customer engaged with, separated by ; or ,",
    ),
];

/// The Spend sheet (SPEC §2.3).
pub const SPEND_FIELDS: &[Field] = &[
    f(
        "touchpoint",
        Text,
        Required,
        &[
            "touch point",
            "activity",
            "initiative",
            "campaign",
            "name",
            "kontaktflade",
            "aktivitet",
            "kampagne",
            "tiltag",
            "maßnahme",
            "massnahme",
            "kontaktpunkt",
            "aktivität",
        ],
        "Name of the touchpoint, e.g. Loyalty newsletter.",
    ),
    f(
        "p",
        Text,
        Required,
        &[
            "7p",
            "the p",
            "mix element",
            "marketing mix",
            "p category",
            "element",
            "kategori",
            "mix",
            "marketing mix element",
            "bereich",
        ],
        "One of the 7 Ps: product, price, place, promotion, people, process, physical_evidence.",
    ),
    f(
        "spend",
        Money,
        Required,
        &[
            "cost",
            "costs",
            "budget",
            "amount",
            "spend in period",
            "investment",
            "udgift",
            "udgifter",
            "beløb",
            "omkostning",
            "kosten",
            "ausgaben",
            "betrag",
        ],
        "Spend in the audited period.",
    ),
    f(
        "objective",
        Text,
        Optional,
        &[
            "goal", "purpose", "aim", "focus", "formål", "mål", "ziel", "zweck",
        ],
        "acquisition, retention or both (default both).",
    ),
    f(
        "stage",
        Text,
        Optional,
        &[
            "stages",
            "ladder stage",
            "loyalty stage",
            "loyalty ladder",
            "audience",
            "target",
            "trin",
            "loyalitetstrin",
            "målgruppe",
            "stufe",
            "zielgruppe",
        ],
        "Loyalty-ladder stages served: prospect, customer, client, supporter, advocate.",
    ),
    f(
        "channel",
        Text,
        Optional,
        &["medium", "media", "kanal", "medie"],
        "email, events, paid search, phone…",
    ),
    f(
        "owner",
        Text,
        Optional,
        &[
            "responsible",
            "team",
            "department",
            "ansvarlig",
            "afdeling",
            "verantwortlich",
            "abteilung",
        ],
        "sales, marketing, service…",
    ),
    f(
        "cadence_days",
        Number,
        Optional,
        &[
            "cadence",
            "frequency days",
            "interval",
            "interval days",
            "every days",
            "frekvens",
            "hyppighed dage",
            "interval dage",
            "intervall",
            "rhythmus",
        ],
        "How often the touchpoint reaches a customer, in days.",
    ),
    f(
        "personalized",
        Bool,
        Optional,
        &[
            "personalised",
            "personal",
            "personalization",
            "personalisation",
            "tailored",
            "personlig",
            "personaliseret",
            "personalisiert",
            "individuell",
        ],
        "yes/no: tailored to the customer.",
    ),
    f(
        "feedback_loop",
        Bool,
        Optional,
        &[
            "feedback",
            "collects feedback",
            "listens",
            "feedback collected",
            "tilbagemelding",
            "feedbacksløjfe",
            "rückmeldung",
            "feedbackschleife",
        ],
        "yes/no: responses are collected and acted on.",
    ),
    f(
        "reach",
        Number,
        Optional,
        &[
            "reached",
            "audience size",
            "recipients",
            "impressions",
            "rækkevidde",
            "modtagere",
            "reichweite",
            "empfänger",
        ],
        "People reached in the period.",
    ),
    f(
        "responses",
        Number,
        Optional,
        &[
            "response",
            "replies",
            "conversions",
            "clicks",
            "svar",
            "respons",
            "antworten",
            "rückläufer",
        ],
        "Responses received.",
    ),
];

/// The optional Orders sheet.
pub const ORDER_FIELDS: &[Field] = &[
    f(
        "customer_id",
        Text,
        Required,
        &[
            "customer id",
            "customer no",
            "customer number",
            "cust id",
            "customer",
            "client id",
            "account",
            "kundenr",
            "kundenummer",
            "kunde",
            "kundennummer",
            "kunde id",
        ],
        "Id of the customer who ordered.",
    ),
    f(
        "date",
        Date,
        Required,
        &[
            "order date",
            "invoice date",
            "purchase date",
            "transaction date",
            "dato",
            "ordredato",
            "købsdato",
            "datum",
            "bestelldatum",
            "rechnungsdatum",
        ],
        "Order date.",
    ),
    f(
        "amount",
        Money,
        Optional,
        &[
            "revenue",
            "value",
            "total",
            "order value",
            "sales",
            "price",
            "beløb",
            "ordrebeløb",
            "værdi",
            "betrag",
            "umsatz",
            "wert",
        ],
        "Order amount.",
    ),
    f(
        "touchpoint",
        Text,
        Optional,
        &[
            "source",
            "campaign",
            "channel",
            "kontaktflade",
            "kampagne",
            "kilde",
            "quelle",
            "kampagne",
        ],
        "Touchpoint that brought the order.",
    ),
];

/// The optional Interactions sheet.
pub const INTERACTION_FIELDS: &[Field] = &[
    f(
        "customer_id",
        Text,
        Required,
        &[
            "customer id",
            "customer no",
            "customer number",
            "customer",
            "kundenr",
            "kundenummer",
            "kunde",
            "kundennummer",
        ],
        "Id of the customer reached.",
    ),
    f(
        "touchpoint",
        Text,
        Required,
        &[
            "touch point",
            "activity",
            "campaign",
            "kontaktflade",
            "aktivitet",
            "kampagne",
            "kontaktpunkt",
        ],
        "Touchpoint that reached the customer.",
    ),
    f(
        "date",
        Date,
        Optional,
        &["contact date", "interaction date", "dato", "datum"],
        "When.",
    ),
];

/// Sheet names that mean each table (compared normalised).
pub const CUSTOMER_SHEETS: &[&str] = &[
    "customers",
    "customer",
    "kunder",
    "kunde",
    "clients",
    "kunden",
    "kundenliste",
    "kundeliste",
    "crm",
    "accounts",
];
/// Sheet names for the spend table.
pub const SPEND_SHEETS: &[&str] = &[
    "spend",
    "budget",
    "touchpoints",
    "marketing",
    "marketing spend",
    "kontaktflader",
    "udgifter",
    "markedsføring",
    "ausgaben",
    "marketingbudget",
    "kontaktpunkte",
];
/// Sheet names for the orders table.
pub const ORDER_SHEETS: &[&str] = &[
    "orders",
    "order",
    "ordrer",
    "ordre",
    "transactions",
    "purchases",
    "bestellungen",
    "aufträge",
    "auftraege",
    "køb",
    "salg",
    "invoices",
    "fakturaer",
];
/// Sheet names for the interactions table.
pub const INTERACTION_SHEETS: &[&str] = &[
    "interactions",
    "contacts",
    "touches",
    "interaktioner",
    "kontakter",
    "interaktionen",
    "kontakte",
    "engagement",
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

/// Whether `header` names `field` (its own name, a synonym, or the user's mapping).
pub fn header_matches(field: &Field, header: &str, mapped: Option<&str>) -> bool {
    let h = normalize(header);
    if h.is_empty() {
        return false;
    }
    if let Some(m) = mapped {
        return normalize(m) == h;
    }
    normalize(field.name) == h || field.synonyms.iter().any(|s| normalize(s) == h)
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
}

/// Picks the header row among the first rows (the row naming most fields) and
/// maps its columns. `headers_of(row)` gives each row's texts by column.
/// `mapped(field)` is the user's header text for a field from audit.yaml.
pub fn locate_header(
    rows: &[(u32, Vec<Option<String>>)],
    fields: &[Field],
    mapped: &dyn Fn(&str) -> Option<String>,
) -> Option<Mapping> {
    let mut best: Option<(usize, usize)> = None; // (score, index)
    for (i, (_, cells)) in rows.iter().enumerate() {
        let score = fields
            .iter()
            .filter(|fd| {
                let m = mapped(fd.name);
                cells
                    .iter()
                    .flatten()
                    .any(|h| header_matches(fd, h, m.as_deref()))
            })
            .count();
        if score > 0 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, i));
        }
    }
    let (_, idx) = best?;
    let (row, cells) = &rows[idx];
    let mut columns = vec![None; fields.len()];
    let mut extras = Vec::new();
    for (col, cell) in cells.iter().enumerate() {
        let Some(h) = cell.as_ref().filter(|h| !h.trim().is_empty()) else {
            continue;
        };
        let hit = fields.iter().position(|fd| {
            let m = mapped(fd.name);
            header_matches(fd, h, m.as_deref())
        });
        match hit {
            Some(k) if columns[k].is_none() => columns[k] = Some(col as u32),
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
    })
}

/// The problem for a required column that is missing: lists what was found and
/// the nearest header, so the fix (rename it, or map it in audit.yaml) is obvious.
pub fn missing_column(
    loc: Location,
    field: &Field,
    headers: &[(u32, String)],
    why: &str,
) -> Problem {
    let candidates = std::iter::once(field.name).chain(field.synonyms.iter().copied());
    let nearest = headers
        .iter()
        .map(|(col, h)| {
            let hn = normalize(h);
            let score = candidates
                .clone()
                .map(|c| strsim::normalized_levenshtein(&normalize(c), &hn))
                .fold(0.0, f64::max);
            (score, col, h)
        })
        .filter(|(s, _, _)| *s >= 0.4)
        .max_by(|a, b| a.0.total_cmp(&b.0));
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

/// Whether a sheet name means one of `names`.
pub fn sheet_matches(sheet: &str, names: &[&str]) -> bool {
    let s = normalize(sheet);
    names.iter().any(|n| normalize(n) == s)
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
