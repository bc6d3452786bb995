//! The input corpus: every folder under `tests/fixtures/inputs/` is a small
//! client written in one messy way (file type, header language, money and
//! date formats, sheet placement…), made by `scripts/make_fixtures.py`.
//!
//! Each good case is audited by the real binary and what it read is taken
//! back from its outputs — `audit.xlsx` › Customers and › Touchpoints, and
//! `audit.json` — and compared with the case's `expected.json`, which the
//! generator derives from the truth the files were written from.
//!
//! Each `bad_` case must be refused with exit code 1, the exact messages below
//! on stderr, and no output folder.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use calamine::Data;
use common::*;
use serde_json::Value;

const AS_OF: &str = "2026-06-30";

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/inputs")
}

/// Audits a fixture folder into a fresh temporary folder; returns the
/// temporary folder (kept alive), the output folder and the process output.
fn audit(case: &str) -> (tempfile::TempDir, PathBuf, Output) {
    let dir = fixtures().join(case);
    assert!(dir.is_dir(), "fixture folder {} exists", dir.display());
    let tmp = temp();
    let out = tmp.path().join("out");
    let o = mixaudit(&[
        "audit",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--as-of",
        AS_OF,
    ]);
    (tmp, out, o)
}

fn expected(case: &str) -> Value {
    let path = fixtures().join(case).join("expected.json");
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

// ---------------------------------------------------------------------------
// Reading outputs back
// ---------------------------------------------------------------------------

const DATE_FIELDS: &[&str] = &["first_purchase", "last_purchase", "last_contact"];

/// Excel serial → ISO date (1900 date system, as the workbook writes).
fn iso_of_serial(serial: f64) -> String {
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
    (base + chrono::Duration::days(serial.floor() as i64))
        .format("%Y-%m-%d")
        .to_string()
}

/// A cell as JSON: numbers, text, booleans; dates as ISO text when `date`.
fn cell_json(cell: &Data, date: bool) -> Value {
    let num = |f: f64| {
        if date {
            Value::from(iso_of_serial(f))
        } else {
            Value::from(f)
        }
    };
    match cell {
        Data::Empty => Value::Null,
        Data::String(s) if s.is_empty() => Value::Null,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Value::from(s.clone()),
        Data::Float(f) => num(*f),
        Data::Int(i) => num(*i as f64),
        Data::DateTime(d) => num(d.as_f64()),
        Data::Bool(b) => Value::from(*b),
        Data::Error(e) => Value::from(format!("#ERROR {e:?}")),
    }
}

/// A sheet's rows as maps from header to cell.
fn records(xlsx: &Path, name: &str) -> Vec<BTreeMap<String, Data>> {
    let range = sheet(xlsx, name);
    let mut rows = range.rows();
    let header: Vec<String> = rows
        .next()
        .expect("a header row")
        .iter()
        .map(|c| {
            if name.starts_with("Customers") {
                common::field_key(&c.to_string())
            } else {
                c.to_string()
            }
        })
        .collect();
    rows.filter(|r| r.iter().any(|c| !matches!(c, Data::Empty)))
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.iter().cloned())
                .collect::<BTreeMap<_, _>>()
        })
        .collect()
}

fn same(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Number(e), Value::Number(a)) => {
            let (e, a) = (e.as_f64().unwrap(), a.as_f64().unwrap());
            (e - a).abs() <= 1e-9 * e.abs().max(1.0)
        }
        // a text id or name written as a number by the reader
        (Value::String(e), Value::Number(a)) => a.as_f64().is_some_and(|a| e == &a.to_string()),
        _ => expected == actual,
    }
}

/// Where each expected touchpoint key is found in the outputs.
enum Source {
    Json(&'static str),
    JsonMetric(&'static str),
    Sheet(&'static str),
    SheetBool(&'static str),
}

fn touchpoint_source(key: &str) -> Source {
    match key {
        "name" => Source::Json("name"),
        "p" => Source::Json("p"),
        "spend" => Source::Json("spend"),
        "reached" => Source::JsonMetric("reached"),
        "objective" => Source::Sheet("Objective"),
        "stages" => Source::Sheet("Stages"),
        "channel" => Source::Sheet("Channel"),
        "owner" => Source::Sheet("Owner"),
        "cadence_days" => Source::Sheet("Cadence (days)"),
        "reach" => Source::Sheet("Reach"),
        "responses" => Source::Sheet("Responses"),
        "personalized" => Source::SheetBool("Personalised"),
        "feedback_loop" => Source::SheetBool("Feedback loop"),
        other => panic!("expected.json names an unknown touchpoint key `{other}`"),
    }
}

/// Audits a good case and lists every difference from expected.json.
fn check_case(case: &str) {
    let exp = expected(case);
    assert_eq!(exp["case"], case, "expected.json belongs to {case}");
    assert!(
        exp.get("error").is_none(),
        "{case} is a bad case; test it with refused()"
    );
    let (_tmp, out, o) = audit(case);
    assert!(
        o.status.success(),
        "{case}: exit {:?}\n{}",
        o.status.code(),
        stderr(&o)
    );
    let json = read_json(&out);
    let xlsx = out.join("audit.xlsx");
    let mut diffs: Vec<String> = Vec::new();

    // Customers, from the workbook.
    let customers = records(&xlsx, "Customers");
    let want = exp["customers"].as_array().unwrap();
    if customers.len() != want.len() {
        diffs.push(format!(
            "Customers sheet has {} rows, expected {}",
            customers.len(),
            want.len()
        ));
    }
    for w in want {
        let id = w["customer_id"].as_str().unwrap();
        let Some(row) = customers.iter().find(|r| {
            r.get("customer_id")
                .is_some_and(|c| same(&Value::from(id), &cell_json(c, false)))
        }) else {
            diffs.push(format!("customer {id} is missing from the Customers sheet"));
            continue;
        };
        for (key, e) in w.as_object().unwrap() {
            let Some(cell) = row.get(key) else {
                diffs.push(format!(
                    "customer {id}: the Customers sheet has no column `{key}`"
                ));
                continue;
            };
            let got = cell_json(cell, DATE_FIELDS.contains(&key.as_str()));
            if !same(e, &got) {
                diffs.push(format!("customer {id} `{key}`: expected {e}, read {got}"));
            }
        }
    }

    // Touchpoints, from audit.json and the Touchpoints sheet.
    let tps = json["touchpoints"].as_array().unwrap();
    let sheet_tps = records(&xlsx, "Touchpoints");
    let want = exp["touchpoints"].as_array().unwrap();
    if tps.len() != want.len() {
        diffs.push(format!(
            "audit.json has {} touchpoints, expected {}",
            tps.len(),
            want.len()
        ));
    }
    for w in want {
        let name = w["name"].as_str().unwrap();
        let Some(t) = tps.iter().find(|t| t["name"] == name) else {
            diffs.push(format!("touchpoint {name:?} is missing from audit.json"));
            continue;
        };
        let row = sheet_tps.iter().find(|r| {
            r.get("Touchpoint")
                .is_some_and(|c| cell_json(c, false) == *name)
        });
        for (key, e) in w.as_object().unwrap() {
            let got = match touchpoint_source(key) {
                Source::Json(k) => t[k].clone(),
                Source::JsonMetric(k) => t["metrics"][k].clone(),
                Source::Sheet(h) | Source::SheetBool(h) => match row.and_then(|r| r.get(h)) {
                    Some(c) => cell_json(c, false),
                    None => {
                        diffs.push(format!(
                            "touchpoint {name:?}: no Touchpoints row or column `{h}`"
                        ));
                        continue;
                    }
                },
            };
            let e = match (touchpoint_source(key), e) {
                (Source::SheetBool(_), Value::Bool(b)) => {
                    Value::from(if *b { "yes" } else { "no" })
                }
                _ => e.clone(),
            };
            if !same(&e, &got) {
                diffs.push(format!(
                    "touchpoint {name:?} `{key}`: expected {e}, read {got}"
                ));
            }
        }
    }

    // Metrics.
    for (key, e) in exp["metrics"].as_object().unwrap() {
        let got = &json["metrics"][key];
        if !same(e, got) {
            diffs.push(format!("metrics.{key}: expected {e}, got {got}"));
        }
    }

    // Which file and sheet each table came from.
    if let Some(inputs) = exp.get("inputs").and_then(Value::as_array) {
        for w in inputs {
            let role = w["role"].as_str().unwrap();
            let Some(i) = json["inputs"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["role"] == role)
            else {
                diffs.push(format!("audit.json has no input with role {role}"));
                continue;
            };
            for (key, e) in w.as_object().unwrap() {
                if !same(e, &i[key]) {
                    diffs.push(format!(
                        "inputs[{role}].{key}: expected {e}, got {}",
                        i[key]
                    ));
                }
            }
        }
    }

    // Warnings that must be given.
    if let Some(list) = exp.get("warnings_contain").and_then(Value::as_array) {
        let warnings = json["warnings"].as_array().unwrap();
        for w in list {
            let w = w.as_str().unwrap();
            if !warnings
                .iter()
                .any(|x| x.as_str().is_some_and(|x| x.contains(w)))
            {
                diffs.push(format!(
                    "no warning contains {w:?}; warnings: {}",
                    json["warnings"]
                ));
            }
        }
    }

    assert!(
        diffs.is_empty(),
        "{case}: {} difference(s) from expected.json:\n  {}",
        diffs.len(),
        diffs.join("\n  ")
    );
}

macro_rules! good_cases {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                check_case(stringify!($name));
            }
        )*
        const GOOD: &[&str] = &[$(stringify!($name)),*];
    };
}

good_cases!(
    // file types
    xlsx,
    xlsm,
    xls,
    ods,
    csv_comma,
    csv_semicolon_bom,
    tsv,
    csv_windows1252,
    // header and sheet placement
    header_below_titles,
    header_danish,
    header_german,
    config_columns,
    sheet_kunder_budget,
    sheet_by_config,
    sheet_hidden,
    sheet_single_odd_name,
    // money
    money_dollar_text,
    money_kroner_text,
    money_euro_spaced,
    money_decimal_per_column,
    money_decimal_config,
    // dates
    dates_iso_text,
    dates_dotted,
    dates_day_first,
    dates_month_first,
    dates_per_column,
    dates_config,
    // cells
    booleans,
    trailing_empty,
    formulas,
    formulas_libreoffice,
    // optional sheets
    orders_sheet,
    interactions_sheet,
    // issue 12: exports as clients send them
    header_units_english,
    header_units_danish,
    header_units_csv,
    header_two_currencies,
    spend_by_month,
    dates_1904,
    dates_1904_xls,
    dates_1904_ods,
    xlsb,
    extra_column_collisions,
    csv_wide_rows,
    orders_many_unknown_ids,
);

/// Cases that show a bug in mixaudit: the test stays ignored until it is fixed
/// (`cargo test --test inputs -- --ignored` runs them).
const KNOWN_BUGS: &[&str] = &["known_bug_decimal_proven_late"];

#[test]
fn regression_decimal_proven_late() {
    check_case("known_bug_decimal_proven_late");
}

// ---------------------------------------------------------------------------
// Bad input (SPEC §2.6): exact messages, exit 1, nothing written
// ---------------------------------------------------------------------------

/// Audits a bad case and checks it is refused with exactly `lines` on stderr.
fn refused(case: &str, lines: &[&str]) {
    let exp = expected(case);
    assert_eq!(exp["error"], true, "{case} is marked as a bad case");
    let (_tmp, out, o) = audit(case);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{case}: exit code\n{err}");
    assert!(
        !out.exists(),
        "{case}: the output folder was created although the audit failed"
    );
    assert!(o.stdout.is_empty(), "{case}: nothing on stdout");
    let got: Vec<&str> = err.lines().collect();
    assert_eq!(got, lines, "{case}: stderr was\n{err}");
}

const BAD: &[&str] = &[
    "bad_date_next_week",
    "bad_many_cells",
    "bad_missing_column",
    "bad_duplicate_ids",
    "bad_negative_spend",
    "bad_unknown_p",
    "bad_empty_sheet",
    "bad_header_only",
    "bad_corrupt_xlsx",
    "bad_password_xlsx",
    "bad_pdf_as_xlsx",
    "bad_text_as_xlsx",
    "bad_yaml_unknown_key",
    "bad_waiver_no_reason",
    "bad_ambiguous_dates",
    "bad_ambiguous_spend",
    "bad_mixed_decimals",
    "bad_nan_infinity",
    "bad_overflow_sum",
    "bad_money_words",
    "bad_unterminated_quote",
    "bad_duplicate_headers",
    "bad_spend_conflict",
    "bad_every_class",
];

#[test]
fn bad_date_next_week() {
    refused(
        "bad_date_next_week",
        &[
            "mixaudit: 1 problem(s) found:",
            "error[MX301]: customers.xlsx › Customers › D17: \"next week\" is not a date (column `last_purchase`); expected a date such as 2026-03-31, 31.03.2026 or 31/03/2026",
        ],
    );
}

#[test]
fn bad_many_cells() {
    refused(
        "bad_many_cells",
        &[
            "mixaudit: 5 problem(s) found:",
            "error[MX301]: customers.xlsx › Customers › B2: \"soon\" is not a date (column `last_purchase`); expected a date such as 2026-03-31, 31.03.2026 or 31/03/2026",
            "error[MX301]: customers.xlsx › Customers › C3: \"lots\" is not a whole number (column `orders`); expected a whole number such as 3",
            "error[MX302]: customers.xlsx › Customers › D4: \"(120)\" is out of range for `revenue`; expected an amount ≥ 0",
            "error[MX302]: customers.xlsx › Customers › E5: 11 is out of range for `satisfaction`; expected a score from 0 to 10",
            "error[MX302]: customers.xlsx › Customers › C6: -2 is out of range for `orders`; expected a whole number ≥ 0",
        ],
    );
}

#[test]
fn bad_missing_column() {
    refused(
        "bad_missing_column",
        &[
            "mixaudit: 1 problem(s) found:",
            "error[MX101]: customers.csv › row 1: no column for required field `customer_id`; headers found: A \"Client ref.\", B \"Customer name\", C \"last_purchase\", D \"orders\", E \"Revenue (DKK)\"; nearest match: \"Client ref.\" (column A); expected a header `customer_id` (or \"customer id\", \"customer no\", \"customer number\", \"cust id\"), or `columns: { customer_id: \"<your header>\" }` in audit.yaml",
        ],
    );
}

#[test]
fn bad_duplicate_ids() {
    refused(
        "bad_duplicate_ids",
        &[
            "mixaudit: 1 problem(s) found:",
            "error[MX401]: customers.csv › row 7: customer id \"C3\" appears again (first on row 4); expected each customer_id once",
        ],
    );
}

#[test]
fn bad_negative_spend() {
    refused(
        "bad_negative_spend",
        &[
            "mixaudit: 2 problem(s) found:",
            "error[MX310]: spend.xlsx › Spend › C2: spend -250 is negative (touchpoint \"Loyalty newsletter\"); expected spend ≥ 0 (record refunds or credits as lower spend)",
            "error[MX310]: spend.xlsx › Spend › C4: spend \"(120)\" is negative (touchpoint \"Service follow-up calls\"); expected spend ≥ 0 (record refunds or credits as lower spend)",
        ],
    );
}

#[test]
fn bad_unknown_p() {
    refused(
        "bad_unknown_p",
        &[
            "mixaudit: 2 problem(s) found:",
            "error[MX307]: spend.csv › B2: \"promotoin\" is not one of the 7 Ps (did you mean `promotion`?); expected one of product, price, place, promotion, people, process, physical_evidence (\"physical proof\" also works)",
            "error[MX307]: spend.csv › B4: \"Partnerships\" is not one of the 7 Ps; expected one of product, price, place, promotion, people, process, physical_evidence (\"physical proof\" also works)",
        ],
    );
}

#[test]
fn bad_empty_sheet() {
    refused(
        "bad_empty_sheet",
        &[
            "mixaudit: 1 problem(s) found:",
            "error[MX103]: customers.xlsx › Customers: the sheet is empty; expected a header row and one row per record",
        ],
    );
}

#[test]
fn bad_header_only() {
    refused(
        "bad_header_only",
        &[
            "mixaudit: 1 problem(s) found:",
            "error[MX104]: customers.xlsx › Customers: has a header row but no customers; expected one row per customer below the header",
        ],
    );
}

#[test]
fn bad_corrupt_xlsx() {
    refused(
        "bad_corrupt_xlsx",
        &[
            "mixaudit: 1 problem(s) found:",
            "error[MX210]: customers.xlsx: is corrupt or truncated (Xlsx error: Zip error: invalid Zip archive: Could not find EOCD); expected a workbook that opens in Excel or LibreOffice",
        ],
    );
}

#[test]
fn bad_password_xlsx() {
    refused(
        "bad_password_xlsx",
        &[
            "mixaudit: 1 problem(s) found:",
            "error[MX209]: customers.xlsx: is password-protected (encrypted), so it cannot be read; expected the workbook saved again without a password (File › Info › Protect Workbook › remove the password)",
        ],
    );
}

#[test]
fn bad_pdf_as_xlsx() {
    refused(
        "bad_pdf_as_xlsx",
        &[
            "mixaudit: 1 problem(s) found:",
            "error[MX207]: customers.xlsx: is not a spreadsheet (it is a PDF document); expected a real .xlsx workbook",
        ],
    );
}

#[test]
fn bad_text_as_xlsx() {
    refused(
        "bad_text_as_xlsx",
        &[
            "mixaudit: 1 problem(s) found:",
            "error[MX207]: spend.xlsx: is not a spreadsheet (it is plain text); expected a real .xlsx workbook",
        ],
    );
}

#[test]
fn bad_yaml_unknown_key() {
    refused(
        "bad_yaml_unknown_key",
        &[
            "mixaudit: 1 problem(s) found:",
            "error[MX501]: audit.yaml:2: unknown field `colums`, expected one of `client`, `period`, `as_of`, `customers`, `spend`, `orders`, `interactions`, `checklist`, `sheets`, `decimal`, `dates`, `columns`, `currency`, `renamed_from`, `params`, `waivers`",
        ],
    );
}

#[test]
fn bad_waiver_no_reason() {
    refused(
        "bad_waiver_no_reason",
        &[
            "mixaudit: 2 problem(s) found:",
            "error[MX504]: audit.yaml:3 › PHY-02: the waiver has no reason; expected `reason:` saying why the item does not apply",
            "error[MX506]: audit.yaml:3 › PHY-02: the waiver names touchpoint \"Paid search\", but PHY-02 is a portfolio item; expected no `touchpoint:` for a portfolio item (it is waived for the whole client)",
        ],
    );
}

#[test]
fn bad_ambiguous_dates() {
    refused(
        "bad_ambiguous_dates",
        &[
            "mixaudit: 1 problem(s) found:",
            "error[MX305]: customers.csv › B2: \"06/12/2026\" could be day-first or month-first, and no date in column `last_purchase` settles it (4 such dates); expected `dates: day-first` or `dates: month-first` in audit.yaml, or ISO dates (2026-03-04)",
        ],
    );
}

#[test]
fn bad_ambiguous_spend() {
    refused(
        "bad_ambiguous_spend",
        &[
            "mixaudit: 1 problem(s) found:",
            "error[MX304]: spend.csv › C2: \"1,200\" could be a whole amount with a thousands separator or a decimal, and nothing in column `spend` settles it (2 such value(s)); expected `decimal: \",\"` or `decimal: \".\"` in audit.yaml, or amounts written unambiguously (1200 or 1,200.00)",
        ],
    );
}

#[test]
fn bad_mixed_decimals() {
    refused(
        "bad_mixed_decimals",
        &[
            "mixaudit: 1 problem(s) found:",
            "error[MX303]: customers.csv › D4: \"1,234.50\" uses a decimal point but row 2 of column `revenue` used a decimal comma; expected one decimal separator throughout a column",
        ],
    );
}

#[test]
fn bad_nan_infinity() {
    refused(
        "bad_nan_infinity",
        &[
            "mixaudit: 3 problem(s) found:",
            "error[MX301]: customers.xlsx › Customers › D3: NaN (not a number) is not an amount of money (column `revenue`); expected a finite number (the cell holds a value no spreadsheet can compute with; re-enter it)",
            "error[MX301]: customers.xlsx › Customers › D5: infinity is not an amount of money (column `revenue`); expected a finite number (the cell holds a value no spreadsheet can compute with; re-enter it)",
            "error[MX301]: spend.xlsx › Spend › C3: -infinity is not an amount of money (column `spend`); expected a finite number (the cell holds a value no spreadsheet can compute with; re-enter it)",
        ],
    );
}

#[test]
fn bad_overflow_sum() {
    refused(
        "bad_overflow_sum",
        &[
            "mixaudit: 1 problem(s) found:",
            "error[MX311]: customers.xlsx › Customers › D4: 1e308 makes the total of column `revenue` overflow (larger than 1.7976931348623157e308); expected amounts a spreadsheet can add up (check the column for runaway values)",
        ],
    );
}

#[test]
fn bad_money_words() {
    refused(
        "bad_money_words",
        &[
            "mixaudit: 2 problem(s) found:",
            "error[MX301]: customers.csv › D2: \"1.5 million\" is not an amount of money (column `revenue`); expected an amount such as 1234.50, 1.234,50 kr. or $1,234.50",
            "error[MX301]: customers.csv › D4: \"12 banana\" is not an amount of money (column `revenue`); expected an amount such as 1234.50, 1.234,50 kr. or $1,234.50",
        ],
    );
}

#[test]
fn bad_unterminated_quote() {
    refused(
        "bad_unterminated_quote",
        &[
            "mixaudit: 1 problem(s) found:",
            "error[MX211]: customers.csv:4: a quoted field opened on line 4 is never closed, so the rest of the file would be read as one cell; expected a closing quote (\") for that field, or no quote at its start",
        ],
    );
}

#[test]
fn bad_duplicate_headers() {
    refused(
        "bad_duplicate_headers",
        &[
            "mixaudit: 1 problem(s) found:",
            "error[MX403]: customers.xlsx › Customers › F1: columns B and F are both headed \"Segment\"; expected each header once (rename one of them, or delete the copy)",
        ],
    );
}

#[test]
fn bad_spend_conflict() {
    refused(
        "bad_spend_conflict",
        &[
            "mixaudit: 3 problem(s) found:",
            "error[MX301]: spend.xlsx › Spend › E4: \"Q1\" is not a month or a date (column `period`); expected a month such as 2026-01 or Jan 2026, or a date",
            "error[MX402]: spend.xlsx › Spend › row 5: touchpoint \"Loyalty newsletter\" is on row 2 (promotion, retention) and row 5 (people, retention): the same name with another P or objective; expected one P and objective per touchpoint (its rows are summed, one per period), or distinct names",
            "error[MX402]: spend.xlsx › Spend › row 6: touchpoint \"Paid search\" is on row 3 (promotion, acquisition) and row 6 (promotion, retention): the same name with another P or objective; expected one P and objective per touchpoint (its rows are summed, one per period), or distinct names",
        ],
    );
}

/// Issue 12: a config typo, a misspelt checklist field (checked against the
/// spend columns although the inputs fail), a bad cell, a duplicate id and a
/// waiver without reason are all reported by one run: audit.yaml, checklist,
/// then the inputs.
const EVERY_CLASS: &[&str] = &[
    "mixaudit: 5 problem(s) found:",
    "error[MX501]: audit.yaml:3: unknown field `colums`, expected one of `client`, `period`, `as_of`, `customers`, `spend`, `orders`, `interactions`, `checklist`, `sheets`, `decimal`, `dates`, `columns`, `currency`, `renamed_from`, `params`, `waivers`",
    "error[MX504]: audit.yaml:6 › PRO-01: the waiver has no reason; expected `reason:` saying why the item does not apply",
    "error[MX605]: checklist.yaml:8 › PRO-01: `touchpoint.personalised` is neither a touchpoint field nor a column of the spend file (did you mean `personalized`?); expected a field listed in the checklist documentation, or an extra column of the spend sheet",
    "error[MX301]: customers.csv › E3: \"someday\" is not a date (column `last_purchase`); expected a date such as 2026-03-31, 31.03.2026 or 31/03/2026",
    "error[MX401]: customers.csv › row 7: customer id \"C4\" appears again (first on row 5); expected each customer_id once",
];

#[test]
fn bad_every_class() {
    refused("bad_every_class", EVERY_CLASS);
}

#[test]
fn check_lists_every_class_at_once() {
    let dir = fixtures().join("bad_every_class");
    let o = mixaudit(&["check", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().collect::<Vec<_>>(), EVERY_CLASS);
}

/// The currency each money column states (header or cells), and the verdict
/// the audit will report (SPEC §5 `currency`).
#[test]
fn currencies_from_headers_and_cells() {
    use mixaudit::input::{InputPaths, load_config, load_dataset};
    let verdict = |case: &str| {
        let paths = InputPaths {
            dir: Some(fixtures().join(case)),
            ..InputPaths::default()
        };
        let (cfg, problems) = load_config(&paths).unwrap();
        assert!(problems.is_empty(), "{case}: {problems}");
        load_dataset(&paths, &cfg).unwrap().currency().to_string()
    };
    assert_eq!(verdict("header_units_english"), "detected USD");
    assert_eq!(verdict("header_units_danish"), "detected DKK");
    assert_eq!(verdict("header_units_csv"), "detected EUR");
    // `kr.` alone could be Danish, Norwegian or Swedish kroner.
    assert_eq!(verdict("money_kroner_text"), "ambiguous or mixed: kr.");
    assert_eq!(
        verdict("header_two_currencies"),
        "ambiguous or mixed: DKK, EUR"
    );
    assert_eq!(verdict("xlsx"), "not stated in the inputs");
}

/// The rows of each touchpoint summed over months are said so, once.
#[test]
fn spend_by_month_notes_the_merge() {
    let (_tmp, _out, o) = audit("spend_by_month");
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("info[MX812]: spend.xlsx › Spend: 18 rows of 3 touchpoint(s) with the same name and P were summed into one each: \"Loyalty newsletter\" (6 rows), \"Paid search\" (6 rows), \"Service follow-up calls\" (6 rows)"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------
// The corpus as a whole
// ---------------------------------------------------------------------------

#[test]
fn every_fixture_folder_is_tested() {
    let mut folders: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    for f in &folders {
        assert!(
            GOOD.contains(&f.as_str())
                || BAD.contains(&f.as_str())
                || KNOWN_BUGS.contains(&f.as_str()),
            "fixture folder {f} has no test"
        );
        let exp = expected(f);
        assert_eq!(
            exp.get("error").is_some(),
            f.starts_with("bad_"),
            "{f}: bad cases and only they carry \"error\""
        );
    }
    for c in GOOD.iter().chain(BAD).chain(KNOWN_BUGS) {
        assert!(folders.contains(&c.to_string()), "no fixture folder {c}");
    }
}

/// Path, size, modification time and SHA-256 of every file under `dir`.
fn snapshot(dir: &Path) -> Vec<(String, u64, std::time::SystemTime, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let meta = std::fs::metadata(&p).unwrap();
                out.push((
                    p.strip_prefix(dir).unwrap().display().to_string(),
                    meta.len(),
                    meta.modified().unwrap(),
                    mixaudit::input::sha256_file(&p).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn inputs_are_never_modified() {
    let before = snapshot(&fixtures());
    for case in [
        "xlsx",
        "xlsm",
        "xls",
        "ods",
        "csv_windows1252",
        "config_columns",
        "orders_sheet",
        "bad_many_cells",
        "bad_password_xlsx",
    ] {
        let (_tmp, _out, o) = audit(case);
        assert!(o.status.code().is_some(), "{case} ran to an exit code");
    }
    let after = snapshot(&fixtures());
    assert_eq!(before.len(), after.len(), "no file added or removed");
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b, a, "{} is unchanged", b.0);
    }
}
