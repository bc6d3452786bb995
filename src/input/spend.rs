//! The Spend sheet → [`Touchpoint`] records.

use super::columns::{Column, Hints, Read};
use super::customers::extra;
use super::fields::{Mapping, Need, SPEND_FIELDS, normalize};
use super::table::{Row, TableInfo, Workbook, read_table};
use super::value::split_list;
use crate::error::{Location, Problem, Problems};
use crate::model::{Objective, P, Present, Stage, Touchpoint};

/// Touchpoints read from a sheet.
pub struct SpendTable {
    /// The touchpoints, in sheet order.
    pub touchpoints: Vec<Touchpoint>,
    /// Optional canonical fields present.
    pub present: Present,
    /// Extra columns' snake_case names.
    pub extras: Vec<String>,
    /// What the reader saw.
    pub info: TableInfo,
}

fn idx(name: &str) -> usize {
    SPEND_FIELDS
        .iter()
        .position(|f| f.name == name)
        .expect("known spend field")
}

/// Reads touchpoints, reporting unknown Ps, negative spend, duplicate names.
pub fn read_spend(
    book: &mut Workbook,
    sheet: &str,
    hints: Hints,
    mapped: &dyn Fn(&str) -> Option<String>,
    problems: &mut Problems,
) -> Option<SpendTable> {
    let loc = book.location(sheet);
    let mut rows: Vec<Touchpoint> = Vec::new();
    let mut cols: Option<Vec<Option<Column>>> = None;
    let mut extras: Vec<u32> = Vec::new();
    let mut local = Problems::default();
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
            if let Some(t) = read_row(cols, &extras, row, rows.len() as u32, &mut local) {
                rows.push(t);
            }
        },
    );
    let info = match result {
        Ok(i) => i,
        Err(p) => {
            problems.push(p);
            return None;
        }
    };
    for (k, f) in SPEND_FIELDS.iter().enumerate() {
        if f.need == Need::Required && info.mapping.columns[k].is_none() {
            local.push(super::fields::missing_column(
                loc.clone().at_row(info.mapping.header_row),
                f,
                &info.headers,
                "",
            ));
        }
    }
    if let Some(cols) = cols.as_mut() {
        for name in ["spend", "cadence_days", "reach", "responses"] {
            if let Some(col) = cols[idx(name)].as_mut() {
                col.settle_numbers(&mut local, true, |rec, v| {
                    let t = &mut rows[rec as usize];
                    match name {
                        "spend" => t.spend = v,
                        "cadence_days" => t.cadence_days = Some(v),
                        "reach" => t.reach = Some(v),
                        _ => t.responses = Some(v),
                    }
                });
            }
        }
    }
    if rows.len() > usize::from(u16::MAX) {
        local.push(Problem::new(
            loc.clone(),
            format!("has {} touchpoints", rows.len()),
            format!(
                "at most {} touchpoints (one row per marketing activity, not per contact)",
                u16::MAX
            ),
        ));
    }
    if rows.is_empty() && local.is_empty() {
        local.push(Problem::new(
            loc.clone(),
            "has a header row but no touchpoints",
            "one row per touchpoint below the header",
        ));
    }
    let mut seen: std::collections::HashMap<String, u32> = Default::default();
    for t in &rows {
        if let Some(first) = seen.insert(normalize(&t.name), t.source_row) {
            local.push(Problem::new(
                loc.clone().at_row(t.source_row),
                format!(
                    "touchpoint \"{}\" appears again (first on row {})",
                    t.name,
                    first + 1
                ),
                "each touchpoint once (add up its spend, or give the rows distinct names)",
            ));
        }
    }
    let failed = !local.is_empty();
    problems.extend(local);
    if failed {
        return None;
    }
    let present = Present(
        SPEND_FIELDS
            .iter()
            .zip(&info.mapping.columns)
            .filter(|(_, c)| c.is_some())
            .map(|(f, _)| f.name)
            .collect(),
    );
    Some(SpendTable {
        touchpoints: rows,
        present,
        extras: info
            .mapping
            .extras
            .iter()
            .map(|(_, n, _)| n.clone())
            .collect(),
        info,
    })
}

fn read_row(
    cols: &mut [Option<Column>],
    extras: &[u32],
    row: &Row,
    record: u32,
    problems: &mut Problems,
) -> Option<Touchpoint> {
    let r = row.index;
    let name = {
        let col = cols[idx("touchpoint")].as_mut()?;
        match col.text(row.get(col.col), problems, r, true) {
            Read::Value(t) => t.into_owned(),
            _ => {
                problems.push(Problem::new(
                    col.at(r),
                    "the touchpoint has no name",
                    "a name on every spend row",
                ));
                return None;
            }
        }
    };
    let mut ok = true;
    let p = match cols[idx("p")].as_mut() {
        Some(col) => match col.text(row.get(col.col), problems, r, true) {
            Read::Value(t) => match P::parse(&t) {
                Some(p) => Some(p),
                None => {
                    problems.push(unknown_p(col.at(r), &t));
                    None
                }
            },
            _ => {
                problems.push(Problem::new(
                    col.at(r),
                    format!("touchpoint \"{name}\" has no P"),
                    "one of the 7 Ps",
                ));
                None
            }
        },
        None => None,
    };
    let spend = match cols[idx("spend")].as_mut() {
        Some(col) => {
            let cell = row.get(col.col);
            if cell.kind == super::table::CellKind::Number && cell.num < 0.0
                || cell.kind == super::table::CellKind::Text
                    && super::value::parse_number(&cell.text, None).is_some_and(|v| v.value < 0.0)
            {
                problems.push(Problem::new(
                    col.at(r),
                    format!("spend {} is negative (touchpoint \"{name}\")", cell.show()),
                    "spend ≥ 0 (record refunds or credits as lower spend)",
                ));
                ok = false;
                0.0
            } else {
                match col.number(cell, problems, r, record, true) {
                    Read::Value(v) => v,
                    Read::Missing => {
                        problems.push(Problem::new(
                            col.at(r),
                            format!("touchpoint \"{name}\" has no spend"),
                            "the spend in the period (0 if none)",
                        ));
                        ok = false;
                        0.0
                    }
                    Read::Bad => {
                        ok = false;
                        0.0
                    }
                }
            }
        }
        None => 0.0,
    };
    macro_rules! col {
        ($name:literal, |$col:ident, $cell:ident| $body:expr) => {
            match cols[idx($name)].as_mut() {
                Some($col) => {
                    let $cell = row.get($col.col);
                    $body
                }
                None => None,
            }
        };
    }
    let objective = col!(
        "objective",
        |col, cell| match col.text(cell, problems, r, false) {
            Read::Value(t) => match Objective::parse(&t) {
                Some(o) => Some(o),
                None => {
                    problems.push(Problem::new(
                        col.at(r),
                        format!("objective \"{t}\" is not known"),
                        "acquisition, retention or both",
                    ));
                    ok = false;
                    None
                }
            },
            _ => None,
        }
    )
    .unwrap_or(Objective::Both);
    let stages = col!("stage", |col, cell| match col.text(cell, problems, r, false) {
        Read::Value(t) => {
            let mut v = Vec::new();
            for s in split_list(&t) {
                match Stage::parse(s) {
                    Some(st) if !v.contains(&st) => v.push(st),
                    Some(_) => {}
                    None => {
                        problems.push(Problem::new(
                            col.at(r),
                            format!("stage \"{s}\" is not a loyalty-ladder stage"),
                            "prospect, customer, client, supporter or advocate (several separated by ;)",
                        ));
                        ok = false;
                    }
                }
            }
            Some(v)
        }
        _ => None,
    })
    .unwrap_or_default();
    let channel = col!("channel", |col, cell| col
        .text(cell, problems, r, false)
        .ok()
        .map(|t| t.to_lowercase()));
    let owner = col!("owner", |col, cell| col
        .text(cell, problems, r, false)
        .ok()
        .map(|t| t.to_lowercase()));
    let cadence_days = col!("cadence_days", |col, cell| col
        .number(cell, problems, r, record, false)
        .ok());
    let personalized = col!("personalized", |col, cell| col
        .boolean(cell, problems, r)
        .ok());
    let feedback_loop = col!("feedback_loop", |col, cell| col
        .boolean(cell, problems, r)
        .ok());
    let reach = col!("reach", |col, cell| col
        .number(cell, problems, r, record, false)
        .ok());
    let responses = col!("responses", |col, cell| col
        .number(cell, problems, r, record, false)
        .ok());
    let p = p?;
    if !ok {
        return None;
    }
    Some(Touchpoint {
        name,
        p,
        spend,
        objective,
        stages,
        channel,
        owner,
        cadence_days,
        personalized,
        feedback_loop,
        reach,
        responses,
        extras: extras.iter().map(|c| extra(row.get(*c))).collect(),
        source_row: r,
    })
}

fn unknown_p(loc: Location, text: &str) -> Problem {
    let keys: Vec<&str> = P::ALL.iter().map(|p| p.key()).collect();
    let hint = crate::error::suggest(text, &keys);
    Problem::new(
        loc,
        format!("\"{text}\" is not one of the 7 Ps{hint}"),
        format!("one of {} (\"physical proof\" also works)", keys.join(", ")),
    )
}
