//! The 7-P retention checklist: YAML schema, strict loading and validation.
//!
//! Everything is checked when the checklist loads — unknown keys, duplicate
//! ids, Ps, weights, expression syntax and every variable an expression reads —
//! and each problem names the item id and its YAML line.

mod parse;
pub mod rules;
pub mod words;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Code, Error, Location, Problem, Problems, Result, suggest};
use crate::input::config::{read_yaml_text, yaml_problem};
use crate::model::P;
use parse::{Parser, RawChecklist};
pub use rules::Rule;

/// The default checklist, compiled into the binary.
pub const DEFAULT_CHECKLIST: &str = include_str!("../../checklists/retention-7p.yaml");
/// Its file name, for messages and the About sheet.
pub const DEFAULT_CHECKLIST_NAME: &str = "retention-7p.yaml (built in)";

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
    /// Named RFM segments, first matching rule wins (editable in the YAML).
    pub rfm_segments: crate::analytics::value::RfmSegments,
    /// The sections (a P appears at most once).
    pub sections: Vec<Section>,
    /// Where it came from, for the About sheet.
    pub origin: String,
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
        let raw: RawChecklist = serde_yaml::from_str(text)
            .map_err(|e| Error::problem(yaml_problem(Code::ChecklistInvalid, path, &e)))?;
        crate::input::nesting::item_count(raw.item_count(), path).map_err(Error::problem)?;
        let mut parser = Parser::new(text, path, parse::with_default_params(&raw.params));
        parser.check_ratings(&raw.ratings);
        let defection_keywords = parser.defection_keywords(&raw.defection_keywords);
        let rfm_segments = parser.rfm_segments(raw.rfm_segments);
        let mut sections: Vec<Section> = Vec::new();
        for rs in raw.sections {
            if let Some(s) = parser.section(rs, &sections) {
                sections.push(s);
            }
        }
        let (params, problems) = parser.finish();
        problems.into_result()?;
        sections.sort_by_key(|s| s.p);
        for item in sections.iter_mut().flat_map(|s| s.items.iter_mut()) {
            if let Some(src) = &mut item.source {
                for (file, title) in &raw.sources {
                    *src = src.replace(file.as_str(), &format!("“{title}”"));
                }
            }
        }
        Ok(Checklist {
            name: raw.name,
            version: parse::version_text(raw.version),
            description: raw.description,
            ratings: raw.ratings,
            params,
            defection_keywords,
            rfm_segments,
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
                    problems.push(Problem::new(Code::UnknownTouchpointField,
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
