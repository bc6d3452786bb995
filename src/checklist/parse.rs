//! The YAML schema behind [`Checklist::parse`](super::Checklist::parse) and the
//! validation steps it runs, one concern per function, so each check (ratings,
//! params, defection keywords, sections, items, rules) reads on its own.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Deserialize;

use super::{Item, Ratings, Rule, Scope, Section};
use crate::analytics::value::{RfmSegments, SegmentRule};
use crate::error::{Code, Location, Problem, Problems, suggest};
use crate::model::P;

/// The checklist file as written, before validation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawChecklist {
    /// Its name.
    pub(super) name: String,
    /// Its version, as any YAML scalar.
    pub(super) version: serde_yaml::Value,
    /// What it is for.
    #[serde(default)]
    pub(super) description: Option<String>,
    /// Score bands.
    pub(super) ratings: Ratings,
    /// Parameters (defaults are added later).
    #[serde(default)]
    pub(super) params: BTreeMap<String, f64>,
    /// Defection categories with their keywords.
    #[serde(default)]
    pub(super) defection_keywords: BTreeMap<String, Vec<String>>,
    /// The RFM segment table (the built-in grid when absent).
    #[serde(default)]
    pub(super) rfm_segments: Option<RawRfmSegments>,
    /// Source documents an item's `source` may cite by file name, with the
    /// title reports show instead (a client reads titles, not file names).
    #[serde(default)]
    pub(super) sources: BTreeMap<String, String>,
    /// The sections as written.
    pub(super) sections: Vec<RawSection>,
}

/// The RFM segment table as written: strict, so a misspelt key is an error
/// rather than a rule that silently never matches.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRfmSegments {
    /// Rules, first match wins.
    rules: Vec<RawSegmentRule>,
    /// Name of buyers no rule matches.
    #[serde(default)]
    other: Option<String>,
}

/// One RFM rule as written: inclusive score ranges.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSegmentRule {
    /// Segment name.
    name: String,
    /// Recency score range [lo, hi].
    r: [u8; 2],
    /// Frequency score range.
    f: [u8; 2],
    /// Monetary score range.
    m: [u8; 2],
}

/// Most RFM rules (segment indices are stored in a byte per customer).
const MAX_RFM_RULES: usize = 200;

impl RawChecklist {
    /// Items over all sections, checked against the limit before any is compiled.
    pub(super) fn item_count(&self) -> usize {
        self.sections.iter().map(|s| s.items.len()).sum()
    }
}

/// One section as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSection {
    /// The P, as written.
    p: String,
    /// Weight in the overall score.
    #[serde(default = "one")]
    weight: f64,
    /// Heading, defaulting to the P's title.
    #[serde(default)]
    title: Option<String>,
    /// Its items as written.
    items: Vec<RawItem>,
}

/// One item as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    /// Unique id.
    id: String,
    /// What good looks like.
    title: String,
    /// `touchpoint` or `portfolio`.
    #[serde(default = "touchpoint_scope")]
    scope: String,
    /// Applicability rule.
    #[serde(default)]
    when: Option<String>,
    /// Pass rule.
    pass: String,
    /// Half-marks rule.
    #[serde(default)]
    partial: Option<String>,
    /// Weight within its P.
    #[serde(default = "one")]
    weight: f64,
    /// Why it matters.
    #[serde(default)]
    why: String,
    /// How to fix a failure.
    #[serde(default)]
    fix: String,
    /// Where the idea comes from.
    #[serde(default)]
    source: Option<String>,
}

/// Serde default for weights: an unweighted section or item counts once.
fn one() -> f64 {
    1.0
}

/// Serde default for `scope`: most items are judged per touchpoint.
fn touchpoint_scope() -> String {
    "touchpoint".into()
}

/// The lines of every item id, in order (YAML keeps no spans): built in one
/// pass, so a long checklist is not rescanned once per item.
fn item_lines(text: &str) -> HashMap<&str, Vec<usize>> {
    let mut lines: HashMap<&str, Vec<usize>> = HashMap::new();
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

/// The checklist's params with every built-in default filled in, so rules may
/// read any `params.*` the analytics know.
pub(super) fn with_default_params(raw: &BTreeMap<String, f64>) -> BTreeMap<String, f64> {
    let mut params = raw.clone();
    for (k, v) in crate::analytics::DEFAULT_PARAMS {
        params.entry(k.to_string()).or_insert(*v);
    }
    params
}

/// The version as text, whatever YAML scalar it was written as.
pub(super) fn version_text(version: serde_yaml::Value) -> String {
    match version {
        serde_yaml::Value::String(s) => s,
        serde_yaml::Value::Number(n) => n.to_string(),
        other => serde_yaml::to_string(&other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

/// Validation state for one checklist text: problems are collected (not
/// returned early) so the user sees every mistake at once, and item ids are
/// tracked across sections to catch duplicates and find each item's line.
pub(super) struct Parser<'a> {
    /// Each item id's lines in the YAML text, in order.
    id_lines: HashMap<&'a str, Vec<usize>>,
    /// The file, for messages.
    path: &'a Path,
    /// Params with defaults, for checking `params.*`.
    params: BTreeMap<String, f64>,
    /// Everything wrong so far, in the order found.
    problems: Problems,
    /// Item id → its line, for duplicate messages.
    ids: BTreeMap<String, Option<usize>>,
    /// How often each id was seen, to tell repeated ids' lines apart.
    seen_ids: HashMap<String, usize>,
}

impl<'a> Parser<'a> {
    /// Starts validating `text` from `path` against these params.
    pub(super) fn new(text: &'a str, path: &'a Path, params: BTreeMap<String, f64>) -> Self {
        Parser {
            id_lines: item_lines(text),
            path,
            params,
            problems: Problems::default(),
            ids: BTreeMap::new(),
            seen_ids: HashMap::new(),
        }
    }

    /// The line of the `nth` (0-based) item with this id.
    fn item_line(&self, id: &str, nth: usize) -> Option<usize> {
        self.id_lines.get(id).and_then(|l| l.get(nth)).copied()
    }

    /// The params and every problem found.
    pub(super) fn finish(self) -> (BTreeMap<String, f64>, Problems) {
        (self.params, self.problems)
    }

    /// Where a problem is: the file, optionally a line and an item id.
    fn at(&self, line: Option<usize>, id: Option<&str>) -> Location {
        let l = Location::file(self.path).at_line(line);
        match id {
            Some(id) => l.item(id),
            None => l,
        }
    }

    /// Records a problem.
    fn push(
        &mut self,
        code: Code,
        at: Location,
        found: impl Into<String>,
        expected: impl Into<String>,
    ) {
        self.problems.push(Problem::new(code, at, found, expected));
    }

    /// The RFM segment table: ranges within 1–5 and ordered, names given and
    /// distinct; the built-in grid when the checklist has none.
    pub(super) fn rfm_segments(&mut self, raw: Option<RawRfmSegments>) -> RfmSegments {
        let Some(raw) = raw else {
            return RfmSegments::default();
        };
        let mut bad: Vec<String> = Vec::new();
        if raw.rules.len() > MAX_RFM_RULES {
            bad.push(format!(
                "{} rules (at most {MAX_RFM_RULES})",
                raw.rules.len()
            ));
        }
        let mut names: Vec<&str> = Vec::new();
        for rule in &raw.rules {
            let name = rule.name.trim();
            if name.is_empty() {
                bad.push("a rule without a name".into());
            } else if names.contains(&name) {
                bad.push(format!("segment `{name}` twice"));
            }
            names.push(name);
            for (key, [lo, hi]) in [("r", rule.r), ("f", rule.f), ("m", rule.m)] {
                if !(1 <= lo && lo <= hi && hi <= 5) {
                    bad.push(format!("segment `{name}`: {key} = [{lo}, {hi}]"));
                }
            }
        }
        if !bad.is_empty() {
            let at = self.at(None, None);
            self.push(Code::ChecklistValue,
                at,
                format!("rfm_segments: {}", bad.join("; ")),
                "rules with a distinct name and r, f, m ranges [low, high] of scores 1 to 5, low ≤ high",
            );
            return RfmSegments::default();
        }
        let default = RfmSegments::default();
        RfmSegments {
            rules: raw
                .rules
                .into_iter()
                .map(|r| SegmentRule {
                    name: r.name.trim().to_string(),
                    r: r.r,
                    f: r.f,
                    m: r.m,
                })
                .collect(),
            other: raw
                .other
                .map(|o| o.trim().to_string())
                .filter(|o| !o.is_empty())
                .unwrap_or(default.other),
        }
    }

    /// Score bands must be ordered and within 0–100.
    pub(super) fn check_ratings(&mut self, r: &Ratings) {
        if !(r.amber < r.green && r.amber >= 0.0 && r.green <= 100.0) {
            let at = self.at(None, None);
            self.push(
                Code::ChecklistValue,
                at,
                format!("ratings green {} / amber {}", r.green, r.amber),
                "0 ≤ amber < green ≤ 100",
            );
        }
    }

    /// Defection categories in matching order: the built-in ones when none are
    /// given, else the four known ones first, then the rest alphabetically.
    pub(super) fn defection_keywords(
        &mut self,
        raw: &BTreeMap<String, Vec<String>>,
    ) -> Vec<(String, Vec<String>)> {
        let lower = |words: &[String]| words.iter().map(|w| w.to_lowercase()).collect();
        let v: Vec<(String, Vec<String>)> = if raw.is_empty() {
            crate::analytics::DEFAULT_DEFECTION
                .iter()
                .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
                .collect()
        } else {
            let order = ["price", "complaint", "competitor", "indifference"];
            let mut v: Vec<(String, Vec<String>)> = Vec::new();
            for key in order {
                if let Some(words) = raw.get(key) {
                    v.push((key.to_string(), lower(words)));
                }
            }
            for (key, words) in raw {
                if !order.contains(&key.as_str()) {
                    if key == "other" {
                        let at = self.at(None, None);
                        self.push(
                            Code::ChecklistValue,
                            at,
                            "defection_keywords lists `other`",
                            "only specific categories; `other` is whatever matches none",
                        );
                    }
                    v.push((key.clone(), lower(words)));
                }
            }
            v
        };
        if v.len() > 200 {
            let at = self.at(None, None);
            self.push(
                Code::ChecklistValue,
                at,
                format!("defection_keywords has {} categories", v.len()),
                "at most 200 categories",
            );
        }
        v
    }

    /// One section, or `None` when its P is unknown or already taken (its
    /// items are then not checked, as before).
    pub(super) fn section(&mut self, rs: RawSection, done: &[Section]) -> Option<Section> {
        let first_id = rs.items.first().map(|i| i.id.clone());
        let sline = first_id.as_deref().and_then(|id| self.item_line(id, 0));
        let Some(p) = P::parse(&rs.p) else {
            let at = self.at(sline, first_id.as_deref());
            self.push(
                Code::ChecklistValue,
                at,
                format!("section p \"{}\" is not one of the 7 Ps", rs.p),
                "product, price, place, promotion, people, process or physical_evidence",
            );
            return None;
        };
        if done.iter().any(|s| s.p == p) {
            let at = self.at(sline, None);
            self.push(
                Code::ChecklistValue,
                at,
                format!("P `{p}` has two sections"),
                "one section per P",
            );
            return None;
        }
        if !(rs.weight > 0.0 && rs.weight.is_finite()) {
            let at = self.at(sline, None);
            self.push(
                Code::ChecklistValue,
                at,
                format!("section `{p}` has weight {}", rs.weight),
                "a weight > 0",
            );
        }
        let items = rs
            .items
            .into_iter()
            .filter_map(|ri| self.item(ri, p))
            .collect();
        Some(Section {
            p,
            weight: rs.weight,
            title: rs.title.unwrap_or_else(|| p.title().to_string()),
            items,
        })
    }

    /// One item, or `None` when one of its rules does not compile.
    fn item(&mut self, ri: RawItem, p: P) -> Option<Item> {
        let seen = self.seen_ids.entry(ri.id.clone()).or_default();
        let nth = *seen;
        *seen += 1;
        let line = self.item_line(&ri.id, nth);
        let here = self.at(line, Some(&ri.id));
        if let Some(prev) = self.ids.insert(ri.id.clone(), line) {
            self.push(
                Code::DuplicateItem,
                here.clone(),
                format!(
                    "duplicate item id `{}` (first at line {})",
                    ri.id,
                    prev.unwrap_or(0)
                ),
                "unique ids",
            );
        }
        let scope = match ri.scope.trim() {
            "touchpoint" => Scope::Touchpoint,
            "portfolio" => Scope::Portfolio,
            other => {
                self.push(
                    Code::ChecklistValue,
                    here.clone(),
                    format!("scope \"{other}\""),
                    "touchpoint or portfolio",
                );
                Scope::Touchpoint
            }
        };
        if !(ri.weight > 0.0 && ri.weight.is_finite()) {
            self.push(
                Code::ChecklistValue,
                here.clone(),
                format!("weight {}", ri.weight),
                "a weight > 0",
            );
        }
        let when = ri
            .when
            .as_deref()
            .map(|s| self.rule("when", s, scope, &here));
        let pass = self.rule("pass", &ri.pass, scope, &here);
        let partial = ri
            .partial
            .as_deref()
            .map(|s| self.rule("partial", s, scope, &here));
        let (Some(pass), Some(when), Some(partial)) = (
            pass,
            when.map_or(Some(None), |w| w.map(Some)),
            partial.map_or(Some(None), |w| w.map(Some)),
        ) else {
            return None;
        };
        Some(Item {
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
        })
    }

    /// Compiles one rule and checks every variable it reads; `None` (with a
    /// problem) when it is not a valid expression.
    fn rule(&mut self, label: &str, src: &str, scope: Scope, here: &Location) -> Option<Rule> {
        match Rule::compile(src) {
            Ok(r) => {
                for (root, field) in &r.vars {
                    if let Some(msg) = check_var(root, field.as_deref(), scope, &self.params) {
                        self.push(
                            Code::RuleInvalid,
                            here.clone(),
                            format!("{label}: {msg}"),
                            "",
                        );
                    }
                }
                Some(r)
            }
            Err(e) => {
                self.push(
                    Code::RuleInvalid,
                    here.clone(),
                    format!("{label}: {e}"),
                    "a valid minijinja expression",
                );
                None
            }
        }
    }
}

/// Why a variable a rule reads is not available (None when it is).
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

#[cfg(test)]
mod tests {
    use super::super::{Checklist, DEFAULT_CHECKLIST};
    use crate::analytics::value::RfmSegments;
    use std::path::Path;

    /// The default checklist with its `rfm_segments` block replaced by `block`.
    fn with_rfm(block: &str) -> crate::error::Result<Checklist> {
        let start = DEFAULT_CHECKLIST.find("rfm_segments:").unwrap();
        let end = DEFAULT_CHECKLIST[start..].find("\nsections:").unwrap() + start;
        let text = format!(
            "{}{block}\n{}",
            &DEFAULT_CHECKLIST[..start],
            &DEFAULT_CHECKLIST[end..]
        );
        Checklist::parse(&text, Path::new("c.yaml"), "c.yaml")
    }

    /// The table written out in the default checklist is the module's default.
    #[test]
    fn default_checklist_spells_out_the_default_rfm_table() {
        assert_eq!(
            Checklist::builtin().unwrap().rfm_segments,
            RfmSegments::default()
        );
    }

    #[test]
    fn rfm_segments_are_strict() {
        let ok = with_rfm(
            "rfm_segments:\n  rules:\n    - { name: Best, r: [5, 5], f: [1, 5], m: [1, 5] }\n  other: Rest",
        );
        let t = ok.unwrap().rfm_segments;
        assert_eq!((t.rules.len(), t.other.as_str()), (1, "Rest"));
        let typo = with_rfm(
            "rfm_segments:\n  rules:\n    - { name: Best, r: [5, 5], f: [1, 5], money: [1, 5] }",
        );
        assert!(typo.is_err());
        let range = with_rfm(
            "rfm_segments:\n  rules:\n    - { name: Best, r: [5, 6], f: [1, 5], m: [1, 5] }",
        );
        let msg = range.unwrap_err().to_string();
        assert!(msg.contains("r = [5, 6]"), "{msg}");
    }
}
