//! `mixaudit init`: fill-in input templates for a client, so a consultant can
//! send them out and get back spreadsheets mixaudit reads without mapping.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{DataValidation, Workbook, Worksheet, XlsxError};

use crate::checklist::DEFAULT_CHECKLIST;
use crate::error::{Code, Error, Location, Problem, Result};
use crate::input::fields::{CUSTOMER_FIELDS, Field, Need, SPEND_FIELDS};
use crate::model::{Objective, P, Stage};
use crate::report::workbook::Styles;

const AUDIT_YAML: &str = r#"# mixaudit settings for this client. Every key is optional; delete what you do not need.
client: "{CLIENT}"
period: "2026 Q2"
# as_of: "2026-06-30"          # audit date; default: the latest purchase in the data
# customers: customers.xlsx     # file names, when not customers.* / spend.*
# spend: spend.xlsx
# sheets: { customers: Customers, spend: Spend, orders: Orders }
# decimal: ","                  # "," for 1.234,50 or "." for 1,234.50 (when the data cannot tell)
# dates: day-first              # day-first (31/12/2026) or month-first (12/31/2026)
# currency: DKK                 # ISO code of the amounts; default: what the amounts show (€, $, £, DKK…)
# renamed_from: "Old name"      # the client's former name, to compare with audits from before a rename
# columns:                      # canonical field -> the header the client used
#   customer_id: "Kundenr. (intern)"
#   last_purchase: "Seneste handel"
# params: { active_days: 180 }  # checklist parameter overrides
# waivers:                      # items that do not apply, with the reason
#   - item: PHY-02
#     touchpoint: Store design   # omit to waive for the whole client
#     reason: "Client sells online only"
#     expires: "2026-12-31"
"#;

fn template(
    path: &Path,
    sheet: &str,
    fields: &[Field],
    validations: &[(&str, Vec<String>)],
    st: &Styles,
) -> std::result::Result<(), XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet)?;
    for (c, f) in fields.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, f.name, &st.header)?;
        let s = crate::input::placeholders::sample(f.name);
        match f.kind {
            crate::input::fields::Kind::Date if !s.is_empty() => {
                let d = crate::input::config::parse_iso(s)
                    .map(|d| d.serial())
                    .unwrap_or(0.0);
                ws.write_number_with_format(1, c, d, &st.date)?;
            }
            crate::input::fields::Kind::Count
            | crate::input::fields::Kind::Money
            | crate::input::fields::Kind::Number
                if !s.is_empty() =>
            {
                ws.write_number(1, c, s.parse().unwrap_or(0.0))?;
            }
            _ => {
                ws.write_string(1, c, s)?;
            }
        }
        ws.set_column_width(c, (f.name.len() as f64 + 4.0).max(14.0))?;
        if let Some((_, list)) = validations.iter().find(|(n, _)| *n == f.name) {
            let mut dv = DataValidation::new()
                .allow_list_strings(&list.iter().map(String::as_str).collect::<Vec<_>>())?
                .set_error_title(format!("{} value", f.name))?
                .set_error_message(format!("Choose one of: {}", list.join(", ")))?;
            if f.name == "stage" {
                // A touchpoint may serve several stages ("customer; client"):
                // the drop-down offers one, a typed list only warns.
                dv = dv
                    .set_error_style(rust_xlsxwriter::DataValidationErrorStyle::Warning)
                    .set_error_message(format!(
                        "One or more of: {} (separate several with ;)",
                        list.join(", ")
                    ))?;
            }
            ws.add_data_validation(1, c, 5000, c, &dv)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    instructions(wb.add_worksheet(), fields, st)?;
    wb.save(path)?;
    Ok(())
}

fn instructions(
    ws: &mut Worksheet,
    fields: &[Field],
    st: &Styles,
) -> std::result::Result<(), XlsxError> {
    ws.set_name("Instructions")?;
    ws.write_string_with_format(0, 0, "How to fill in this sheet", &st.title)?;
    ws.write_string(1, 0, "One row per record below the header. Keep the header names (or map your own in audit.yaml). Row 2 is an example: replace it.")?;
    for (c, h) in ["Column", "Required", "What to enter"].iter().enumerate() {
        ws.write_string_with_format(3, c as u16, *h, &st.header)?;
    }
    for (i, f) in fields.iter().enumerate() {
        let r = 4 + i as u32;
        ws.write_string_with_format(r, 0, f.name, &st.bold)?;
        ws.write_string(
            r,
            1,
            match f.need {
                Need::Required => "yes",
                Need::UnlessOrders => "yes, unless an Orders sheet is added",
                Need::Optional => "no",
            },
        )?;
        ws.write_string_with_format(r, 2, f.help, &st.wrap)?;
    }
    ws.set_column_width(0, 18)?;
    ws.set_column_width(1, 22)?;
    ws.set_column_width(2, 80)?;
    Ok(())
}

/// Writes customers.xlsx, spend.xlsx, audit.yaml and a copy of the checklist into `dir`.
pub fn write_templates(dir: &Path, force: bool) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let files = [
        "customers.xlsx",
        "spend.xlsx",
        "audit.yaml",
        "checklist.yaml",
    ]
    .map(|f| dir.join(f));
    if !force {
        for f in &files {
            if f.exists() {
                return Err(Error::problem(Problem::new(
                    Code::AlreadyExists,
                    Location::file(f),
                    "already exists",
                    "an empty folder, or --force to overwrite",
                )));
            }
        }
    }
    // Everything is written under temporary names first, then renamed, so a
    // failure leaves no half-made set of templates behind.
    let temps: Vec<PathBuf> = files
        .iter()
        .map(|f| {
            dir.join(format!(
                ".{}.tmp",
                f.file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default()
            ))
        })
        .collect();
    let result = write_all(&temps);
    if result.is_ok() {
        for (t, f) in temps.iter().zip(&files) {
            std::fs::rename(t, f).map_err(|e| Error::io(f, e))?;
        }
    } else {
        for t in &temps {
            let _ = std::fs::remove_file(t);
        }
    }
    result.map(|_| files.to_vec())
}

fn write_all(files: &[PathBuf]) -> Result<()> {
    let st = Styles::new();
    fn err(p: &Path) -> impl Fn(XlsxError) -> Error + '_ {
        move |e| Error::Output {
            path: p.display().to_string(),
            message: e.to_string(),
        }
    }
    template(
        &files[0],
        "Customers",
        CUSTOMER_FIELDS,
        &[(
            "status",
            vec![
                "active".into(),
                "churned".into(),
                "lost".into(),
                "inactive".into(),
                "closed".into(),
            ],
        )],
        &st,
    )
    .map_err(err(&files[0]))?;
    let validations = vec![
        ("p", P::ALL.iter().map(|p| p.key().to_string()).collect()),
        (
            "objective",
            Objective::ALL.iter().map(|o| o.key().to_string()).collect(),
        ),
        (
            "stage",
            Stage::ALL.iter().map(|s| s.key().to_string()).collect(),
        ),
        ("personalized", vec!["yes".into(), "no".into()]),
        ("feedback_loop", vec!["yes".into(), "no".into()]),
    ];
    template(&files[1], "Spend", SPEND_FIELDS, &validations, &st).map_err(err(&files[1]))?;
    std::fs::write(
        &files[2],
        AUDIT_YAML
            .replace("{CLIENT}", crate::input::placeholders::CLIENT)
            .replace("# params:", "checklist: checklist.yaml\n# params:"),
    )
    .map_err(|e| Error::io(&files[2], e))?;
    std::fs::write(&files[3], DEFAULT_CHECKLIST).map_err(|e| Error::io(&files[3], e))?;
    Ok(())
}
