//! `audit.yaml`: the per-client settings a consultant keeps next to the inputs.
//!
//! Strict on purpose: an unknown key is an error with its line, so a typo like
//! `colums:` cannot silently leave a mapping out.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::columns::Hints;
use super::value::{DateOrder, NumberStyle, parse_date};
use crate::error::{Code, Error, Location, Problem, Problems, Result};
use crate::model::Day;

/// Largest YAML file accepted (config or checklist); larger is refused before parsing.
pub const MAX_YAML_BYTES: u64 = 2 * 1024 * 1024;

/// Sheet names per table.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SheetNames {
    /// Customers sheet.
    pub customers: Option<String>,
    /// Spend sheet.
    pub spend: Option<String>,
    /// Orders sheet.
    pub orders: Option<String>,
    /// Interactions sheet.
    pub interactions: Option<String>,
}

/// A waiver: an item that does not apply to this client (or one touchpoint).
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// Checklist item id.
    pub item: String,
    /// Touchpoint name; absent means the whole client.
    #[serde(default)]
    pub touchpoint: Option<String>,
    /// Why (mandatory: a waiver nobody can explain is a finding hidden).
    #[serde(default)]
    pub reason: String,
    /// Last day the waiver holds (ISO date).
    #[serde(default)]
    pub expires: Option<String>,
}

/// The parsed audit.yaml.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Client name for the reports.
    pub client: Option<String>,
    /// Period label.
    pub period: Option<String>,
    /// Audit date (ISO).
    pub as_of: Option<String>,
    /// Customers file name.
    pub customers: Option<String>,
    /// Spend file name.
    pub spend: Option<String>,
    /// Orders file name (when not a sheet of the customers file).
    pub orders: Option<String>,
    /// Interactions file name.
    pub interactions: Option<String>,
    /// Checklist file.
    pub checklist: Option<String>,
    /// Sheet names.
    #[serde(default)]
    pub sheets: SheetNames,
    /// Decimal separator hint: "," or ".".
    pub decimal: Option<String>,
    /// Date order hint: day-first or month-first.
    pub dates: Option<String>,
    /// Canonical field → header text.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// ISO code of the amounts' currency (DKK, EUR…); else the inputs' marks decide.
    pub currency: Option<String>,
    /// The client's former name, so an audit from before a rename can be
    /// the `--previous` one (names are otherwise compared ignoring case,
    /// spaces and punctuation).
    pub renamed_from: Option<String>,
    /// Checklist parameter overrides.
    #[serde(default)]
    pub params: BTreeMap<String, f64>,
    /// Waived items.
    #[serde(default)]
    pub waivers: Vec<Waiver>,
    /// Where the file was (inputs named in it are relative to this folder).
    #[serde(skip)]
    pub dir: PathBuf,
    /// The client folder searched for customers.* / spend.* (the command's
    /// DIR, else the config's folder).
    #[serde(skip)]
    pub search: PathBuf,
    /// The file, for messages.
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

/// Reads a YAML file with a size cap (defence against huge or hostile files).
pub fn read_yaml_text(path: &Path) -> Result<String> {
    let text = super::guard::read_text_capped(path, MAX_YAML_BYTES).map_err(Error::problem)?;
    super::nesting::yaml_depth(&text, path).map_err(Error::problem)?;
    Ok(text)
}

/// Turns a serde_yaml error into a problem at its line.
/// `code` says which file it is: audit.yaml or a checklist.
pub fn yaml_problem(code: Code, path: &Path, e: &serde_yaml::Error) -> Problem {
    let line = e.location().map(|l| l.line());
    let msg = e.to_string();
    // serde_yaml appends " at line X column Y"; the location already says it.
    let mut msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
    if msg.contains("repetition limit") || msg.contains("recursion limit") {
        msg = format!(
            "{msg}: its aliases (&anchor / *alias) expand to far more data than any real file holds, so it was refused"
        );
    }
    Problem::new(code, Location::file(path).at_line(line), msg, "")
}

impl Config {
    /// Loads and validates audit.yaml, returning its problems beside it so
    /// the rest of the client can still be checked in the same run: a file
    /// that does not parse (`colums:`) is read again without its unknown
    /// top-level keys, else as empty. Only an unreadable file is an error.
    pub fn load(path: &Path) -> Result<(Config, Problems)> {
        let text = read_yaml_text(path)?;
        let mut problems = Problems::default();
        let mut cfg: Config = if text.trim().is_empty() {
            Config::default()
        } else {
            match serde_yaml::from_str(&text) {
                Ok(c) => c,
                Err(e) => {
                    problems.push(yaml_problem(Code::ConfigInvalid, path, &e));
                    salvage(&text).unwrap_or_default()
                }
            }
        };
        cfg.dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        cfg.path = Some(path.to_path_buf());
        let line_of = |needle: &str| {
            text.lines()
                .position(|l| l.trim_start().starts_with(needle))
                .map(|i| i + 1)
        };
        let loc = |key: &str| Location::file(path).at_line(line_of(key));
        if let Some(d) = &cfg.decimal
            && !matches!(d.trim(), "," | ".")
        {
            problems.push(Problem::new(
                Code::ConfigValue,
                loc("decimal:"),
                format!("decimal is \"{d}\""),
                "\",\" or \".\"",
            ));
        }
        if let Some(d) = &cfg.dates
            && parse_order(d).is_none()
        {
            problems.push(Problem::new(
                Code::ConfigValue,
                loc("dates:"),
                format!("dates is \"{d}\""),
                "day-first or month-first",
            ));
        }
        if let Some(c) = cfg.currency.take() {
            match super::currency::parse_code(&c) {
                Some(code) => cfg.currency = Some(code),
                None => problems.push(Problem::new(
                    Code::ConfigValue,
                    loc("currency:"),
                    format!("currency is \"{c}\""),
                    "a three-letter ISO code such as DKK, EUR, USD, GBP, SEK, NOK or CHF",
                )),
            }
        }
        if let Some(a) = &cfg.as_of
            && parse_iso(a).is_none()
        {
            problems.push(Problem::new(
                Code::ConfigValue,
                loc("as_of:"),
                format!("as_of \"{a}\" is not a date"),
                "an ISO date such as 2026-06-30",
            ));
        }
        let known: Vec<&str> = super::fields::CUSTOMER_FIELDS
            .iter()
            .chain(super::fields::SPEND_FIELDS)
            .chain(super::fields::ORDER_FIELDS)
            .chain(super::fields::INTERACTION_FIELDS)
            .map(|f| f.name)
            .collect();
        for field in cfg.columns.keys() {
            if !known.contains(&field.as_str()) {
                problems.push(Problem::new(
                    Code::UnknownField,
                    loc(&format!("{field}:")),
                    format!(
                        "columns names an unknown field `{field}`{}",
                        crate::error::suggest(field, &known)
                    ),
                    format!("one of {}", known.join(", ")),
                ));
            }
        }
        for w in &cfg.waivers {
            let l = Location::file(path)
                .at_line(line_of(&format!("- item: {}", w.item)).or(line_of("waivers:")));
            if w.reason.trim().is_empty() {
                problems.push(Problem::new(
                    Code::WaiverInvalid,
                    l.clone().item(&w.item),
                    "the waiver has no reason",
                    "`reason:` saying why the item does not apply",
                ));
            }
            if let Some(e) = &w.expires
                && parse_iso(e).is_none()
            {
                problems.push(Problem::new(
                    Code::WaiverInvalid,
                    l.item(&w.item),
                    format!("expires \"{e}\" is not a date"),
                    "an ISO date such as 2026-06-30",
                ));
            }
        }
        Ok((cfg, problems))
    }

    /// The format hints.
    pub fn hints(&self) -> Hints {
        Hints {
            decimal: self.decimal.as_deref().map(|d| {
                if d.trim() == "," {
                    NumberStyle::CommaDecimal
                } else {
                    NumberStyle::PointDecimal
                }
            }),
            dates: self.dates.as_deref().and_then(parse_order),
            date1904: false,
        }
    }

    /// The user's header text for a canonical field.
    pub fn column(&self, field: &str) -> Option<String> {
        self.columns.get(field).cloned()
    }
}

/// The settings of an audit.yaml that does not parse as a whole: its known
/// top-level keys, when they parse without the unknown ones.
fn salvage(text: &str) -> Option<Config> {
    const KEYS: &[&str] = &[
        "client",
        "period",
        "as_of",
        "customers",
        "spend",
        "orders",
        "interactions",
        "checklist",
        "sheets",
        "decimal",
        "dates",
        "columns",
        "params",
        "waivers",
    ];
    let serde_yaml::Value::Mapping(mut map) = serde_yaml::from_str(text).ok()? else {
        return None;
    };
    map.retain(|k, _| k.as_str().is_some_and(|k| KEYS.contains(&k)));
    serde_yaml::from_value(serde_yaml::Value::Mapping(map)).ok()
}

fn parse_order(s: &str) -> Option<DateOrder> {
    match s.trim().to_lowercase().replace(['_', ' '], "-").as_str() {
        "day-first" | "dmy" | "dd/mm/yyyy" => Some(DateOrder::DayFirst),
        "month-first" | "mdy" | "mm/dd/yyyy" => Some(DateOrder::MonthFirst),
        _ => None,
    }
}

/// Parses an unambiguous date given on the command line or in YAML.
pub fn parse_iso(s: &str) -> Option<Day> {
    parse_date(s, None).filter(|p| !p.ambiguous).map(|p| p.day)
}
