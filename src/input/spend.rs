//! The Spend sheet → [`Touchpoint`] records.

use super::columns::{Column, Hints, Read};
use super::customers::extra;
use super::fields::{Mapping, Need, SPEND_FIELDS};
use super::table::{Row, TableInfo, Workbook, read_table};
use super::value::split_list;
use crate::error::{Code, Diagnostic, Location, Problem, Problems};
use crate::model::{FieldId, FieldSet, Objective, P, SpendField, Stage, Touchpoint};

/// Touchpoints read from a sheet.
pub struct SpendTable {
    /// The touchpoints, in sheet order.
    pub touchpoints: Vec<Touchpoint>,
    /// Optional canonical fields present.
    pub present: FieldSet<SpendField>,
    /// Extra columns' snake_case names.
    pub extras: Vec<String>,
    /// What the reader saw.
    pub info: TableInfo,
    /// Warnings and notes: rows wider than the header, rows of one
    /// touchpoint summed by period.
    pub warnings: Vec<Diagnostic>,
    /// The days the `period` column covers, when there is one.
    pub span: Option<super::periods::Span>,
    /// The currency each money column names in its header or cells.
    pub currencies: Vec<(String, &'static str)>,
}

/// Reads touchpoints, reporting unknown Ps, negative spend, duplicate names.
pub fn read_spend(
    book: &mut Workbook,
    sheet: &str,
    hints: Hints,
    mapped: &dyn Fn(&str) -> Option<String>,
    problems: &mut Problems,
    extras_seen: &mut Option<Vec<String>>,
) -> Option<SpendTable> {
    let hints = hints.for_book(book);
    let loc = book.location(sheet);
    let mut rows: Vec<Touchpoint> = Vec::new();
    let mut cols: Option<Vec<Option<Column>>> = None;
    let mut extras: Vec<u32> = Vec::new();
    let mut local = Problems::default();
    let mut spans: Vec<super::periods::Span> = Vec::new();
    let shift = super::table::date_shift(hints.date1904);
    let result = read_table(
        book,
        sheet,
        SPEND_FIELDS,
        mapped,
        &mut |mapping: &Mapping, row: &Row| {
            let cols = cols.get_or_insert_with(|| {
                extras = mapping.extras.iter().map(|(c, _, _)| *c).collect();
                SPEND_FIELDS
                    .iter()
                    .zip(&mapping.columns)
                    .map(|(f, c)| c.map(|c| Column::new(*f, c, loc.clone(), hints)))
                    .collect()
            });
            if let Some(c) = &cols[SpendField::Period.index()] {
                let at = c.at(row.index);
                spans.extend(super::periods::read_period(
                    row.get(c.col),
                    at,
                    &mut local,
                    shift,
                ));
            }
            if let Some(t) = read_row(cols, &extras, row, rows.len() as u32, &mut local) {
                rows.push(t);
            }
        },
    );
    let mut info = match result {
        Ok(i) => i,
        Err(p) => {
            problems.push(p);
            return None;
        }
    };
    // Known even if the rows fail: the checklist is checked against them.
    *extras_seen = Some(
        info.mapping
            .extras
            .iter()
            .map(|(_, n, _)| n.clone())
            .collect(),
    );
    for p in &info.problems {
        local.push(p.clone());
    }
    for (k, f) in SPEND_FIELDS.iter().enumerate() {
        if f.need == Need::Required && info.mapping.columns[k].is_none() {
            local.push(super::fields::missing_column(
                loc.clone().at_row(info.mapping.header_row),
                f,
                &info.headers,
                &info.mapping.columns,
                "",
            ));
        }
    }
    if let Some(cols) = cols.as_mut() {
        settle(cols, &mut rows, &mut local);
        info.conventions = super::columns::conventions(cols.iter().flatten());
    }
    too_many(&rows, &loc, &mut local);
    if rows.is_empty() && local.is_empty() {
        local.push(Problem::new(
            Code::NoRows,
            loc.clone(),
            "has a header row but no touchpoints",
            "one row per touchpoint below the header",
        ));
    }
    let mut warnings = info.warnings.clone();
    warnings.extend(super::periods::merge_rows(&mut rows, &loc, &mut local));
    let currencies = spend_currencies(&info, cols.as_ref());
    let failed = !local.is_empty();
    problems.extend(local);
    if failed {
        return None;
    }
    let present: FieldSet<SpendField> = SpendField::ALL
        .iter()
        .zip(&info.mapping.columns)
        .filter(|(_, c)| c.is_some())
        .map(|(f, _)| *f)
        .collect();
    Some(SpendTable {
        touchpoints: rows,
        present,
        extras: info
            .mapping
            .extras
            .iter()
            .map(|(_, n, _)| n.clone())
            .collect(),
        warnings,
        info,
        span: super::periods::covered(&spans),
        currencies,
    })
}

/// The currency the spend column names in its header or cells.
fn spend_currencies(
    info: &TableInfo,
    cols: Option<&Vec<Option<Column>>>,
) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = info.mapping.currency[SpendField::Spend.index()]
        .iter()
        .map(|c| ("spend".to_string(), *c))
        .collect();
    if let Some(col) = cols.and_then(|c| c[SpendField::Spend.index()].as_ref()) {
        out.extend(col.currencies.iter().map(|c| ("spend".to_string(), *c)));
    }
    out
}

/// One spend row being read: the columns, the row, and what went wrong.
struct RowReader<'a> {
    cols: &'a mut [Option<Column>],
    row: &'a Row,
    record: u32,
    problems: &'a mut Problems,
    /// False once a cell of this row was refused.
    ok: bool,
}

impl RowReader<'_> {
    fn col(&mut self, f: SpendField) -> Option<&mut Column> {
        self.cols[f.index()].as_mut()
    }

    /// The touchpoint's name: required on every row.
    fn name(&mut self) -> Option<String> {
        let (r, row) = (self.row.index, self.row);
        let col = self.cols[SpendField::Touchpoint.index()].as_mut()?;
        match col.text(row.get(col.col), self.problems, r, true) {
            Read::Value(t) => Some(t.into_owned()),
            _ => {
                self.problems.push(Problem::new(
                    Code::MissingValue,
                    col.at(r),
                    "the touchpoint has no name",
                    "a name on every spend row",
                ));
                None
            }
        }
    }

    /// The P: required, one of the 7.
    fn p(&mut self, name: &str) -> Option<P> {
        let (r, row) = (self.row.index, self.row);
        let col = self.cols[SpendField::P.index()].as_mut()?;
        match col.text(row.get(col.col), self.problems, r, true) {
            Read::Value(t) => {
                let p = P::parse(&t);
                if p.is_none() {
                    self.problems.push(unknown_p(col.at(r), &t));
                }
                p
            }
            _ => {
                self.problems.push(Problem::new(
                    Code::MissingValue,
                    col.at(r),
                    format!("touchpoint \"{name}\" has no P"),
                    "one of the 7 Ps",
                ));
                None
            }
        }
    }

    /// The spend: required, never negative.
    fn spend(&mut self, name: &str) -> f64 {
        let (r, row, record) = (self.row.index, self.row, self.record);
        let Some(col) = self.cols[SpendField::Spend.index()].as_mut() else {
            return 0.0;
        };
        let cell = row.get(col.col);
        let negative =
            cell.kind == super::table::CellKind::Number && cell.num < 0.0 && cell.num.is_finite()
                || cell.kind == super::table::CellKind::Text
                    && super::value::parse_number(&cell.text, None).is_some_and(|v| v.value < 0.0);
        if negative {
            self.problems.push(Problem::new(
                Code::NegativeSpend,
                col.at(r),
                format!("spend {} is negative (touchpoint \"{name}\")", cell.show()),
                "spend ≥ 0 (record refunds or credits as lower spend)",
            ));
            self.ok = false;
            return 0.0;
        }
        match col.number(cell, self.problems, r, record, true) {
            Read::Value(v) => v,
            Read::Missing => {
                self.problems.push(Problem::new(
                    Code::MissingValue,
                    col.at(r),
                    format!("touchpoint \"{name}\" has no spend"),
                    "the spend in the period (0 if none)",
                ));
                self.ok = false;
                0.0
            }
            Read::Bad => {
                self.ok = false;
                0.0
            }
        }
    }

    /// An optional text cell.
    fn text(&mut self, f: SpendField) -> Option<String> {
        let (r, row) = (self.row.index, self.row);
        let problems = &mut *self.problems;
        let col = self.cols[f.index()].as_mut()?;
        col.text(row.get(col.col), problems, r, false)
            .ok()
            .map(|t| t.into_owned())
    }

    /// An optional number cell (settled later when the column's convention is known).
    fn number(&mut self, f: SpendField) -> Option<f64> {
        let (r, row, record) = (self.row.index, self.row, self.record);
        let problems = &mut *self.problems;
        let col = self.cols[f.index()].as_mut()?;
        col.number(row.get(col.col), problems, r, record, false)
            .ok()
    }

    /// An optional yes/no cell.
    fn boolean(&mut self, f: SpendField) -> Option<bool> {
        let (r, row) = (self.row.index, self.row);
        let problems = &mut *self.problems;
        let col = self.cols[f.index()].as_mut()?;
        col.boolean(row.get(col.col), problems, r).ok()
    }

    /// The objective (default both).
    fn objective(&mut self) -> Objective {
        let r = self.row.index;
        let Some(t) = self.text(SpendField::Objective) else {
            return Objective::Both;
        };
        match Objective::parse(&t) {
            Some(o) => o,
            None => {
                let at = self.col(SpendField::Objective).map(|c| c.at(r));
                if let Some(at) = at {
                    self.problems.push(Problem::new(
                        Code::UnknownObjective,
                        at,
                        format!("objective \"{t}\" is not known"),
                        "acquisition, retention or both",
                    ));
                }
                self.ok = false;
                Objective::Both
            }
        }
    }

    /// The loyalty-ladder stages the touchpoint serves (several allowed).
    fn stages(&mut self) -> Vec<Stage> {
        let r = self.row.index;
        let Some(t) = self.text(SpendField::Stage) else {
            return Vec::new();
        };
        let mut v = Vec::new();
        for s in split_list(&t) {
            match Stage::parse(s) {
                Some(st) if !v.contains(&st) => v.push(st),
                Some(_) => {}
                None => {
                    let at = self.col(SpendField::Stage).map(|c| c.at(r));
                    if let Some(at) = at {
                        self.problems.push(Problem::new(Code::UnknownStage,
                            at,
                            format!("stage \"{s}\" is not a loyalty-ladder stage"),
                            "prospect, customer, client, supporter or advocate (several separated by ;)",
                        ));
                    }
                    self.ok = false;
                }
            }
        }
        v
    }
}

fn read_row(
    cols: &mut [Option<Column>],
    extras: &[u32],
    row: &Row,
    record: u32,
    problems: &mut Problems,
) -> Option<Touchpoint> {
    let mut rd = RowReader {
        cols,
        row,
        record,
        problems,
        ok: true,
    };
    let name = rd.name()?;
    let p = rd.p(&name);
    let spend = rd.spend(&name);
    let objective = rd.objective();
    let stages = rd.stages();
    let t = Touchpoint {
        channel: rd.text(SpendField::Channel).map(|t| t.to_lowercase()),
        owner: rd.text(SpendField::Owner).map(|t| t.to_lowercase()),
        cadence_days: rd.number(SpendField::CadenceDays),
        personalized: rd.boolean(SpendField::Personalized),
        feedback_loop: rd.boolean(SpendField::FeedbackLoop),
        reach: rd.number(SpendField::Reach),
        responses: rd.number(SpendField::Responses),
        p: p?,
        name,
        spend,
        objective,
        stages,
        extras: extras.iter().map(|c| extra(row.get(*c))).collect(),
        source_row: row.index,
    };
    rd.ok.then_some(t)
}

/// Settles the numeric columns' ambiguous values (strictly: they drive
/// the scores) and reports totals that overflow.
fn settle(cols: &mut [Option<Column>], rows: &mut [Touchpoint], local: &mut Problems) {
    use SpendField as F;
    for f in [F::Spend, F::CadenceDays, F::Reach, F::Responses] {
        if let Some(col) = cols[f.index()].as_mut() {
            if let Some(p) = col.overflow() {
                local.push(p);
            }
            col.settle_numbers(local, true, |rec, v| {
                let t = &mut rows[rec as usize];
                match f {
                    F::Spend => t.spend = v,
                    F::CadenceDays => t.cadence_days = Some(v),
                    F::Reach => t.reach = Some(v),
                    F::Responses => t.responses = Some(v),
                    _ => {}
                }
            });
        }
    }
}

/// More touchpoints than a touchpoint index holds: spend listed per
/// contact rather than per marketing activity.
fn too_many(rows: &[Touchpoint], loc: &Location, local: &mut Problems) {
    if rows.len() > usize::from(u16::MAX) {
        local.push(Problem::new(
            Code::TooManyTouchpoints,
            loc.clone(),
            format!("has {} touchpoints", rows.len()),
            format!(
                "at most {} touchpoints (one row per marketing activity, not per contact)",
                u16::MAX
            ),
        ));
    }
}

fn unknown_p(loc: Location, text: &str) -> Problem {
    let keys: Vec<&str> = P::ALL.iter().map(|p| p.key()).collect();
    let hint = crate::error::suggest(text, &keys);
    Problem::new(
        Code::UnknownP,
        loc,
        format!("\"{text}\" is not one of the 7 Ps{hint}"),
        format!("one of {} (\"physical proof\" also works)", keys.join(", ")),
    )
}
