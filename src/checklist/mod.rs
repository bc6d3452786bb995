//! The 7-P retention checklist: YAML schema, strict loading and validation.
//!
//! Everything is checked when the checklist loads — unknown keys, duplicate
//! ids, Ps, weights, expression syntax and every variable an expression reads —
//! and each problem names the item id and its YAML line.

pub mod nesting;
pub mod rules;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Location, Problem, Problems, Result, suggest};
use crate::input::config::{read_yaml_text, yaml_problem};
use crate::model::P;
pub use rules::Rule;

/// The default checklist, compiled into the binary.
pub const DEFAULT_CHECKLIST: &str = include_str!("../../checklists/retention-7p.yaml");
/// Its file name, for messages and the About sheet.
pub const DEFAULT_CHECKLIST_NAME: &str = "retention-7p.yaml (built in)";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChecklist {
    name: String,
    version: serde_yaml::Value,
    #[serde(default)]
    description: Option<String>,
    ratings: Ratings,
    #[serde(default)]
    params: BTreeMap<String, f64>,
    #[serde(default)]
    defection_keywords: BTreeMap<String, Vec<String>>,
    sections: Vec<RawSection>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    p: String,
    #[serde(default = "one")]
    weight: f64,
    #[serde(default)]
    title: Option<String>,
    items: Vec<RawItem>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: String,
    title: String,
    #[serde(default = "touchpoint_scope")]
    scope: String,
    #[serde(default)]
    when: Option<String>,
    pass: String,
    #[serde(default)]
    partial: Option<String>,
    #[serde(default = "one")]
    weight: f64,
    #[serde(default)]
    why: String,
    #[serde(default)]
    fix: String,
    #[serde(default)]
    source: Option<String>,
}

fn one() -> f64 {
    1.0
}

fn touchpoint_scope() -> String {
    "touchpoint".into()
}

/// Score bands.
#[derive(Debug, Clone, Copy, Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Ratings {
    /// Green at or above this score.
    pub green: f64,
    /// Amber at or above this score.
    pub amber: f64,
}

impl Ratings {
    /// The rating of a score.
    pub fn rate(&self, score: f64) -> &'static str {
        if score >= self.green {
            "green"
        } else if score >= self.amber {
            "amber"
        } else {
            "red"
        }
    }
}

/// Whether an item is judged per touchpoint or once for the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Once per touchpoint for which `when` holds.
    Touchpoint,
    /// Once for the whole client.
    Portfolio,
}

/// One checklist item, compiled.
#[derive(Debug)]
pub struct Item {
    /// Unique id (PRO-03).
    pub id: String,
    /// What good looks like.
    pub title: String,
    /// The P it scores toward.
    pub p: P,
    /// Touchpoint or portfolio.
    pub scope: Scope,
    /// Applicability.
    pub when: Option<Rule>,
    /// Passes when true.
    pub pass: Rule,
    /// Half marks when true (and pass is false).
    pub partial: Option<Rule>,
    /// Weight within its P.
    pub weight: f64,
    /// Why it matters.
    pub why: String,
    /// How to fix a failure.
    pub fix: String,
    /// Where the idea comes from.
    pub source: Option<String>,
    /// YAML line of the item, for messages.
    pub line: Option<usize>,
}

impl Item {
    /// The item's rules, for inspection.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.when
            .iter()
            .chain(std::iter::once(&self.pass))
            .chain(self.partial.iter())
    }
}

/// One P's section.
#[derive(Debug)]
pub struct Section {
    /// The P.
    pub p: P,
    /// Weight of this P in the overall score.
    pub weight: f64,
    /// Heading shown in reports.
    pub title: String,
    /// Its items.
    pub items: Vec<Item>,
}

/// A loaded, validated checklist.
#[derive(Debug)]
pub struct Checklist {
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// What it is for.
    pub description: Option<String>,
    /// Score bands.
    pub ratings: Ratings,
    /// Parameters with their defaults.
    pub params: BTreeMap<String, f64>,
    /// Defection categories with their keywords, in matching order.
    pub defection_keywords: Vec<(String, Vec<String>)>,
    /// The sections (a P appears at most once).
    pub sections: Vec<Section>,
    /// Where it came from, for the About sheet.
    pub origin: String,
}

/// Parameters the analytics need; a checklist that lacks one gets the default.
pub const DEFAULT_PARAMS: &[(&str, f64)] = &[
    ("active_days", 365.0),
    ("period_days", 90.0),
    ("max_contact_gap_days", 90.0),
    ("risk_recency_days", 180.0),
    ("promoter_min", 9.0),
    ("detractor_max", 6.0),
    ("value_high_share", 0.80),
    ("value_medium_share", 0.95),
];

/// Defection categories and default keywords (used when the checklist has none).
pub const DEFAULT_DEFECTION: &[(&str, &[&str])] = &[
    (
        "price",
        &[
            "price",
            "pricing",
            "expensive",
            "cheap",
            "cost",
            "discount",
            "pris",
            "dyr",
            "billig",
            "preis",
            "teuer",
            "günstig",
        ],
    ),
    (
        "complaint",
        &[
            "complaint",
            "service",
            "problem",
            "delivery",
            "quality",
            "broken",
            "klage",
            "levering",
            "kvalitet",
            "beschwerde",
            "lieferung",
            "qualität",
        ],
    ),
    (
        "competitor",
        &[
            "competitor",
            "switched",
            "better deal",
            "other supplier",
            "konkurrent",
            "skiftet",
            "wettbewerb",
            "gewechselt",
            "anbieter",
        ],
    ),
    (
        "indifference",
        &[
            "ignored",
            "followed up",
            "follow up",
            "didn't care",
            "did not care",
            "no contact",
            "forgot",
            "ignoreret",
            "opfølgning",
            "ignoriert",
            "kein kontakt",
        ],
    ),
];

/// The lines of every item id, in order (YAML keeps no spans): built in one
/// pass, so a long checklist is not rescanned once per item.
fn item_lines(text: &str) -> std::collections::HashMap<&str, Vec<usize>> {
    let mut lines: std::collections::HashMap<&str, Vec<usize>> = Default::default();
    for (i, l) in text.lines().enumerate() {
        let t = l
            .trim_start()
            .trim_start_matches("- ")
            .trim_start_matches('{')
            .trim();
        if let Some(v) = t.strip_prefix("id:") {
            let id = v
                .split(',')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches(['"', '\'']);
            lines.entry(id).or_default().push(i + 1);
        }
    }
    lines
}

impl Checklist {
    /// The built-in default checklist.
    pub fn builtin() -> Result<Checklist> {
        Checklist::parse(
            DEFAULT_CHECKLIST,
            Path::new("retention-7p.yaml"),
            DEFAULT_CHECKLIST_NAME,
        )
    }

    /// Loads a checklist file.
    pub fn load(path: &Path) -> Result<Checklist> {
        let text = read_yaml_text(path)?;
        Checklist::parse(&text, path, &path.display().to_string())
    }

    /// Parses and validates checklist YAML; `path` names it in messages.
    pub fn parse(text: &str, path: &Path, origin: &str) -> Result<Checklist> {
        let raw: RawChecklist =
            serde_yaml::from_str(text).map_err(|e| Error::problem(yaml_problem(path, &e)))?;
        nesting::item_count(raw.sections.iter().map(|s| s.items.len()).sum(), path)
            .map_err(Error::problem)?;
        let mut problems = Problems::default();
        let at = |line: Option<usize>, id: Option<&str>| {
            let l = Location::file(path).at_line(line);
            match id {
                Some(id) => l.item(id),
                None => l,
            }
        };
        if !(raw.ratings.amber < raw.ratings.green
            && raw.ratings.amber >= 0.0
            && raw.ratings.green <= 100.0)
        {
            problems.push(Problem::new(
                at(None, None),
                format!(
                    "ratings green {} / amber {}",
                    raw.ratings.green, raw.ratings.amber
                ),
                "0 ≤ amber < green ≤ 100",
            ));
        }
        let mut params = raw.params.clone();
        for (k, v) in DEFAULT_PARAMS {
            params.entry(k.to_string()).or_insert(*v);
        }
        let defection_keywords: Vec<(String, Vec<String>)> = if raw.defection_keywords.is_empty() {
            DEFAULT_DEFECTION
                .iter()
                .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
                .collect()
        } else {
            let order = ["price", "complaint", "competitor", "indifference"];
            let mut v: Vec<(String, Vec<String>)> = Vec::new();
            for key in order {
                if let Some(words) = raw.defection_keywords.get(key) {
                    v.push((
                        key.to_string(),
                        words.iter().map(|w| w.to_lowercase()).collect(),
                    ));
                }
            }
            for (key, words) in &raw.defection_keywords {
                if !order.contains(&key.as_str()) {
                    if key == "other" {
                        problems.push(Problem::new(
                            at(None, None),
                            "defection_keywords lists `other`",
                            "only specific categories; `other` is whatever matches none",
                        ));
                    }
                    v.push((
                        key.clone(),
                        words.iter().map(|w| w.to_lowercase()).collect(),
                    ));
                }
            }
            v
        };
        if defection_keywords.len() > 200 {
            problems.push(Problem::new(
                at(None, None),
                format!(
                    "defection_keywords has {} categories",
                    defection_keywords.len()
                ),
                "at most 200 categories",
            ));
        }
        let mut sections: Vec<Section> = Vec::new();
        let mut ids: BTreeMap<String, Option<usize>> = BTreeMap::new();
        let mut seen_ids: std::collections::HashMap<String, usize> = Default::default();
        let id_lines = item_lines(text);
        let item_line = |id: &str, nth: usize| id_lines.get(id).and_then(|l| l.get(nth)).copied();
        for rs in raw.sections {
            let first_id = rs.items.first().map(|i| i.id.clone());
            let sline = first_id.as_deref().and_then(|id| item_line(id, 0));
            let Some(p) = P::parse(&rs.p) else {
                problems.push(Problem::new(
                    at(sline, first_id.as_deref()),
                    format!("section p \"{}\" is not one of the 7 Ps", rs.p),
                    "product, price, place, promotion, people, process or physical_evidence",
                ));
                continue;
            };
            if sections.iter().any(|s| s.p == p) {
                problems.push(Problem::new(
                    at(sline, None),
                    format!("P `{p}` has two sections"),
                    "one section per P",
                ));
                continue;
            }
            if !(rs.weight > 0.0 && rs.weight.is_finite()) {
                problems.push(Problem::new(
                    at(sline, None),
                    format!("section `{p}` has weight {}", rs.weight),
                    "a weight > 0",
                ));
            }
            let mut items = Vec::new();
            for ri in rs.items {
                let seen = seen_ids.entry(ri.id.clone()).or_default();
                let nth = *seen;
                *seen += 1;
                let line = item_line(&ri.id, nth);
                let here = || at(line, Some(&ri.id));
                if let Some(prev) = ids.insert(ri.id.clone(), line) {
                    problems.push(Problem::new(
                        here(),
                        format!(
                            "duplicate item id `{}` (first at line {})",
                            ri.id,
                            prev.unwrap_or(0)
                        ),
                        "unique ids",
                    ));
                }
                let scope = match ri.scope.trim() {
                    "touchpoint" => Scope::Touchpoint,
                    "portfolio" => Scope::Portfolio,
                    other => {
                        problems.push(Problem::new(
                            here(),
                            format!("scope \"{other}\""),
                            "touchpoint or portfolio",
                        ));
                        Scope::Touchpoint
                    }
                };
                if !(ri.weight > 0.0 && ri.weight.is_finite()) {
                    problems.push(Problem::new(
                        here(),
                        format!("weight {}", ri.weight),
                        "a weight > 0",
                    ));
                }
                let mut compile = |label: &str, src: &str| -> Option<Rule> {
                    match Rule::compile(src) {
                        Ok(r) => {
                            for (root, field) in &r.vars {
                                if let Some(msg) = check_var(root, field.as_deref(), scope, &params)
                                {
                                    problems.push(Problem::new(
                                        here(),
                                        format!("{label}: {msg}"),
                                        "",
                                    ));
                                }
                            }
                            Some(r)
                        }
                        Err(e) => {
                            problems.push(Problem::new(
                                here(),
                                format!("{label}: {e}"),
                                "a valid minijinja expression",
                            ));
                            None
                        }
                    }
                };
                let when = ri.when.as_deref().map(|s| compile("when", s));
                let pass = compile("pass", &ri.pass);
                let partial = ri.partial.as_deref().map(|s| compile("partial", s));
                let (Some(pass), Some(when), Some(partial)) = (
                    pass,
                    when.map_or(Some(None), |w| w.map(Some)),
                    partial.map_or(Some(None), |w| w.map(Some)),
                ) else {
                    continue;
                };
                items.push(Item {
                    id: ri.id,
                    title: ri.title,
                    p,
                    scope,
                    when,
                    pass,
                    partial,
                    weight: ri.weight,
                    why: ri.why,
                    fix: ri.fix,
                    source: ri.source,
                    line,
                });
            }
            sections.push(Section {
                p,
                weight: rs.weight,
                title: rs.title.unwrap_or_else(|| p.title().to_string()),
                items,
            });
        }
        problems.into_result()?;
        sections.sort_by_key(|s| s.p);
        let version = match raw.version {
            serde_yaml::Value::String(s) => s,
            serde_yaml::Value::Number(n) => n.to_string(),
            other => serde_yaml::to_string(&other)
                .unwrap_or_default()
                .trim()
                .to_string(),
        };
        Ok(Checklist {
            name: raw.name,
            version,
            description: raw.description,
            ratings: raw.ratings,
            params,
            defection_keywords,
            sections,
            origin: origin.to_string(),
        })
    }

    /// All items in report order (by P, then as written).
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.sections.iter().flat_map(|s| s.items.iter())
    }

    /// Checks the `touchpoint.*` fields rules read against what this client's
    /// spend file provides (its extra columns are only known now).
    pub fn check_against(&self, spend_extras: &[String]) -> Result<()> {
        let mut problems = Problems::default();
        for item in self.items() {
            for rule in item.rules() {
                for (root, field) in &rule.vars {
                    if root != "touchpoint" {
                        continue;
                    }
                    let Some(f) = field else { continue };
                    if TOUCHPOINT_FIELDS.contains(&f.as_str()) || spend_extras.contains(f) {
                        continue;
                    }
                    let candidates: Vec<&str> = TOUCHPOINT_FIELDS
                        .iter()
                        .copied()
                        .chain(spend_extras.iter().map(String::as_str))
                        .collect();
                    problems.push(Problem::new(
                        Location::file(Path::new(&self.origin)).at_line(item.line).item(&item.id),
                        format!("`touchpoint.{f}` is neither a touchpoint field nor a column of the spend file{}", suggest(f, &candidates)),
                        "a field listed in the checklist documentation, or an extra column of the spend sheet",
                    ));
                }
            }
        }
        problems.into_result()
    }
}

/// Fields of `touchpoint` every rule may read (spend columns and computed reach).
pub const TOUCHPOINT_FIELDS: &[&str] = &[
    "name",
    "p",
    "spend",
    "spend_share",
    "objective",
    "stages",
    "channel",
    "owner",
    "cadence_days",
    "personalized",
    "feedback_loop",
    "reach",
    "responses",
    "response_rate",
    "reached",
    "reached_share",
    "active_rate_reached",
    "active_rate_not_reached",
    "lift",
    "revenue_reached",
    "spend_per_reached",
    "revenue_per_reached",
];

fn check_var(
    root: &str,
    field: Option<&str>,
    scope: Scope,
    params: &BTreeMap<String, f64>,
) -> Option<String> {
    match root {
        "touchpoint" if scope == Scope::Portfolio => Some(
            "a portfolio item cannot read `touchpoint` (it is evaluated once per client)".into(),
        ),
        "touchpoint" => field
            .is_none()
            .then(|| "`touchpoint` must be used with a field, e.g. touchpoint.spend".into()),
        "metrics" => match field {
            None => Some("`metrics` must be used with a field, e.g. metrics.active_rate".into()),
            Some(f) if crate::analytics::METRIC_NAMES.contains(&f) => None,
            Some(f) => Some(format!(
                "`metrics.{f}` is not a metric{}",
                suggest(f, crate::analytics::METRIC_NAMES)
            )),
        },
        "params" => match field {
            None => Some("`params` must be used with a name, e.g. params.active_days".into()),
            Some(f) if params.contains_key(f) => None,
            Some(f) => {
                let keys: Vec<&str> = params.keys().map(String::as_str).collect();
                Some(format!(
                    "`params.{f}` is not declared under params:{}",
                    suggest(f, &keys)
                ))
            }
        },
        other => Some(format!(
            "unknown variable `{other}`; rules can read touchpoint.*, metrics.* and params.*"
        )),
    }
}
