//! The live workbook, checked by a real spreadsheet application.
//!
//! LibreOffice (headless, recalculating every formula on load) opens the
//! audit.xlsx of the bundled example and saves it again. This proves that
//! (1) every formula, recalculated, gives the cached value mixaudit wrote,
//! which equals audit.json, and (2) after a consultant edits one item weight
//! on the Checklist sheet, exactly the scores that depend on that item change,
//! to the values SPEC §3 gives. Without LibreOffice on PATH the tests are
//! skipped, except when `CI` is set: CI installs it.

mod support;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, open_workbook_auto};
use serde_json::Value;
use support::{libreoffice, xlsx};

/// The sheets whose numbers are formulas or feed them.
const LIVE_SHEETS: [&str; 4] = ["Summary", "Touchpoints", "Matrix", "Checklist"];
/// Summary: the overall score (B4) and the P table (rows 8–14, score in C).
const OVERALL: (u32, u32) = (3, 1);
const P_FIRST_ROW: u32 = 7;
/// Touchpoints: first data row and the score column (U).
const TP_FIRST_ROW: u32 = 1;
const TP_SCORE_COL: u32 = 20;
/// Matrix: first touchpoint row, the score column (D), the item-id row (the
/// item titles are above it) and the item-weight row.
const MX_FIRST_ROW: u32 = 4;
const MX_SCORE_COL: u32 = 3;
const MX_ID_ROW: u32 = 1;
const MX_WEIGHT_ROW: u32 = 2;
const MX_FIRST_ITEM_COL: u32 = 4;
/// A cached result no formula here can produce.
const SENTINEL: &str = "-987654.321";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Audits examples/nordlys into `out` and returns audit.json.
fn audit_example(out: &Path) -> Value {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_mixaudit"))
        .arg("audit")
        .arg(root().join("examples/nordlys"))
        .arg("--out")
        .arg(out)
        .output()
        .expect("the binary runs");
    assert!(
        o.status.success(),
        "mixaudit audit failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_str(&std::fs::read_to_string(out.join("audit.json")).unwrap()).unwrap()
}

// ---------------------------------------------------------------- cells

type Cells = BTreeMap<(u32, u32), Data>;

/// The non-empty cells of a sheet by absolute (row, column); empty strings
/// count as empty (a formula's `""`).
fn read_cells(path: &Path, sheet: &str) -> Cells {
    let mut wb = open_workbook_auto(path).expect("workbook opens");
    let range = wb
        .worksheet_range(sheet)
        .unwrap_or_else(|e| panic!("{}: sheet {sheet}: {e}", path.display()));
    let (r0, c0) = range.start().unwrap_or((0, 0));
    range
        .cells()
        .filter(|(_, _, d)| {
            !matches!(d, Data::Empty) && !matches!(d, Data::String(s) if s.is_empty())
        })
        .map(|(r, c, d)| ((r0 + r as u32, c0 + c as u32), d.clone()))
        .collect()
}

/// The formulas of a sheet by absolute (row, column).
fn read_formulas(path: &Path, sheet: &str) -> BTreeMap<(u32, u32), String> {
    let mut wb = open_workbook_auto(path).expect("workbook opens");
    let range = wb.worksheet_formula(sheet).expect("formulas");
    let (r0, c0) = range.start().unwrap_or((0, 0));
    range
        .cells()
        .filter(|(_, _, f)| !f.is_empty())
        .map(|(r, c, f)| ((r0 + r as u32, c0 + c as u32), f.clone()))
        .collect()
}

/// A1 reference of a zero-based (row, column).
fn a1((row, col): (u32, u32)) -> String {
    let mut c = col + 1;
    let mut letters = Vec::new();
    while c > 0 {
        letters.push(b'A' + ((c - 1) % 26) as u8);
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8(letters).unwrap(), row + 1)
}

fn number(d: &Data) -> Option<f64> {
    match d {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        Data::DateTime(t) => Some(t.as_f64()),
        _ => None,
    }
}

/// Equal within 1e-9, relative (absolute below 1).
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

fn same(a: Option<&Data>, b: Option<&Data>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => match (number(a), number(b)) {
            (Some(x), Some(y)) => close(x, y),
            (None, None) => a == b,
            _ => false,
        },
        _ => false,
    }
}

fn cell_at(cells: &Cells, at: (u32, u32)) -> Option<&Data> {
    cells.get(&at)
}

/// A score cell: a number, or nothing (`""`, not assessed).
fn score_at(cells: &Cells, at: (u32, u32), what: &str) -> Option<f64> {
    cells
        .get(&at)
        .map(|d| number(d).unwrap_or_else(|| panic!("{what} ({}) is not a number: {d:?}", a1(at))))
}

fn text_at(cells: &Cells, at: (u32, u32)) -> String {
    match cells.get(&at) {
        Some(Data::String(s)) => s.clone(),
        Some(d) => d.to_string(),
        None => String::new(),
    }
}

fn same_score(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => close(a, b),
        (None, None) => true,
        _ => false,
    }
}

// ---------------------------------------------------------------- the model of SPEC §3

/// What the Checklist sheet says: items (id, P title, weight, Excel row of
/// the weight) and P weights (title, weight) in Summary order.
struct Checklist {
    items: Vec<(String, String, f64, u32)>,
    p_weights: Vec<(String, f64)>,
}

fn read_checklist(xlsx_path: &Path) -> Checklist {
    let cells = read_cells(xlsx_path, "Checklist");
    assert_eq!(text_at(&cells, (0, 0)), "ID");
    assert_eq!(text_at(&cells, (0, 4)), "Weight");
    let mut items = Vec::new();
    let mut r = 1;
    while matches!(text_at(&cells, (r, 3)).as_str(), "touchpoint" | "portfolio") {
        let w = number(cells.get(&(r, 4)).expect("item weight")).expect("numeric weight");
        items.push((text_at(&cells, (r, 0)), text_at(&cells, (r, 1)), w, r + 1));
        r += 1;
    }
    assert!(!items.is_empty(), "Checklist lists items from row 2");
    let header = (r..r + 10)
        .find(|&r| text_at(&cells, (r, 0)) == "P" && text_at(&cells, (r, 1)) == "P weight")
        .expect("the P weight table below the items");
    let p_weights = (1..=7)
        .map(|i| {
            let w = number(cells.get(&(header + i, 1)).expect("P weight")).expect("numeric");
            (text_at(&cells, (header + i, 0)), w)
        })
        .collect();
    Checklist { items, p_weights }
}

/// Scores as the workbook or the JSON states them, or as the test expects them.
#[derive(Debug, Clone)]
struct Scores {
    overall: Option<f64>,
    /// By P title, in Summary order.
    ps: Vec<(String, Option<f64>)>,
    /// By touchpoint, in audit.json order.
    tps: Vec<(String, Option<f64>)>,
}

fn status_points(status: &str) -> Option<f64> {
    match status {
        "pass" => Some(1.0),
        "partial" => Some(0.5),
        "fail" => Some(0.0),
        "n/a" | "waived" => None,
        other => panic!("unknown status {other}"),
    }
}

/// Σ w·s / Σ w × 100 over counted (weight, points), none when Σ w = 0.
fn weighted(evals: impl Iterator<Item = (f64, f64)>) -> Option<f64> {
    let (mut pts, mut w) = (0.0, 0.0);
    for (weight, points) in evals {
        pts += weight * points;
        w += weight;
    }
    (w > 0.0).then(|| 100.0 * pts / w)
}

/// The results of a touchpoint or of the portfolio: (item, points) counted.
fn counted(results: &Value) -> Vec<(String, f64)> {
    results
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| {
            let points = status_points(r["status"].as_str().expect("status"))?;
            Some((r["item"].as_str().unwrap().to_string(), points))
        })
        .collect()
}

/// SPEC §3 from audit.json's results and the given item weights.
fn expected(json: &Value, cl: &Checklist, weights: &HashMap<String, f64>) -> Scores {
    let w = |id: &str| *weights.get(id).unwrap_or_else(|| panic!("weight of {id}"));
    let p_of: HashMap<&str, &str> = cl
        .items
        .iter()
        .map(|(id, p, _, _)| (id.as_str(), p.as_str()))
        .collect();
    let tps: Vec<(String, Option<f64>)> = json["touchpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let res = counted(&t["results"]);
            let s = weighted(res.iter().map(|(id, pts)| (w(id), *pts)));
            (t["name"].as_str().unwrap().to_string(), s)
        })
        .collect();
    let mut all: Vec<(String, f64)> = json["touchpoints"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| counted(&t["results"]))
        .collect();
    all.extend(counted(&json["portfolio_items"]));
    let ps: Vec<(String, Option<f64>)> = cl
        .p_weights
        .iter()
        .map(|(title, _)| {
            let s = weighted(
                all.iter()
                    .filter(|(id, _)| p_of.get(id.as_str()) == Some(&title.as_str()))
                    .map(|(id, pts)| (w(id), *pts)),
            );
            (title.clone(), s)
        })
        .collect();
    let (mut num, mut den) = (0.0, 0.0);
    for ((_, pw), (_, s)) in cl.p_weights.iter().zip(&ps) {
        if let Some(s) = s {
            num += pw * s;
            den += pw;
        }
    }
    Scores {
        overall: (den > 0.0).then(|| num / den),
        ps,
        tps,
    }
}

/// The scores audit.json states.
fn json_scores(json: &Value, cl: &Checklist) -> Scores {
    let ps = cl
        .p_weights
        .iter()
        .map(|(title, _)| {
            let p = json["ps"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["title"].as_str() == Some(title.as_str()))
                .unwrap_or_else(|| panic!("audit.json has P {title}"));
            (title.clone(), p["score"].as_f64())
        })
        .collect();
    let tps = json["touchpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap().to_string(), t["score"].as_f64()))
        .collect();
    Scores {
        overall: json["score"].as_f64(),
        ps,
        tps,
    }
}

/// The scores a workbook shows: Summary B4 and C8:C14, Touchpoints U, which
/// must equal Matrix D.
fn workbook_scores(path: &Path, like: &Scores) -> Scores {
    let summary = read_cells(path, "Summary");
    let touchpoints = read_cells(path, "Touchpoints");
    let matrix = read_cells(path, "Matrix");
    let ps = like
        .ps
        .iter()
        .enumerate()
        .map(|(i, (title, _))| {
            let r = P_FIRST_ROW + i as u32;
            assert_eq!(&text_at(&summary, (r, 0)), title, "Summary A{}", r + 1);
            (title.clone(), score_at(&summary, (r, 2), title))
        })
        .collect();
    let tps = like
        .tps
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            let (tr, mr) = (TP_FIRST_ROW + i as u32, MX_FIRST_ROW + i as u32);
            assert_eq!(
                &text_at(&touchpoints, (tr, 0)),
                name,
                "Touchpoints A{}",
                tr + 1
            );
            assert_eq!(&text_at(&matrix, (mr, 0)), name, "Matrix A{}", mr + 1);
            let on_tp = score_at(&touchpoints, (tr, TP_SCORE_COL), name);
            let on_mx = score_at(&matrix, (mr, MX_SCORE_COL), name);
            assert!(
                same_score(on_tp, on_mx),
                "{name}: Touchpoints U{} = {on_tp:?} but Matrix D{} = {on_mx:?}",
                tr + 1,
                mr + 1
            );
            (name.clone(), on_tp)
        })
        .collect();
    Scores {
        overall: score_at(&summary, OVERALL, "overall score"),
        ps,
        tps,
    }
}

/// Every difference between two sets of scores, as lines.
fn differences(label: &str, got: &Scores, want: &Scores) -> Vec<String> {
    let mut out = Vec::new();
    if !same_score(got.overall, want.overall) {
        out.push(format!(
            "{label}: overall {:?}, expected {:?}",
            got.overall, want.overall
        ));
    }
    for ((p, g), (_, w)) in got.ps.iter().zip(&want.ps) {
        if !same_score(*g, *w) {
            out.push(format!("{label}: P {p} {g:?}, expected {w:?}"));
        }
    }
    for ((t, g), (_, w)) in got.tps.iter().zip(&want.tps) {
        if !same_score(*g, *w) {
            out.push(format!("{label}: touchpoint {t} {g:?}, expected {w:?}"));
        }
    }
    out
}

fn assert_no_differences(diffs: Vec<String>) {
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

fn item_weights(cl: &Checklist) -> HashMap<String, f64> {
    cl.items
        .iter()
        .map(|(id, _, w, _)| (id.clone(), *w))
        .collect()
}

// ---------------------------------------------------------------- tests

#[test]
fn recalculated_workbook_equals_its_cached_values_and_audit_json() {
    let Some(soffice) = libreoffice::require("recalc") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let json = audit_example(&out);
    let original = out.join("audit.xlsx");

    // The copy LibreOffice opens has every cached formula result replaced by
    // a sentinel: whatever it saves was computed, not carried over.
    let mut parts = HashMap::new();
    let mut poisoned_cells = 0;
    for sheet in LIVE_SHEETS {
        let part = xlsx::sheet_part(&original, sheet);
        let (text, n) = xlsx::poison_formula_results(&xlsx::read_part(&original, &part), SENTINEL);
        assert!(n > 0, "{sheet} has formulas");
        poisoned_cells += n;
        parts.insert(part, text);
    }
    let poisoned_dir = dir.path().join("poisoned");
    std::fs::create_dir_all(&poisoned_dir).unwrap();
    let poisoned = poisoned_dir.join("audit.xlsx");
    xlsx::replace_parts(&original, &poisoned, &parts);
    let sentinel: f64 = SENTINEL.parse().unwrap();
    assert_eq!(
        number(read_cells(&poisoned, "Summary").get(&OVERALL).unwrap()),
        Some(sentinel),
        "the poisoned copy really carries the sentinel"
    );

    let recalculated = libreoffice::convert(&soffice, &poisoned, "xlsx", &dir.path().join("lo"));

    // (1) Every cell of the live sheets, recalculated, equals the cached value.
    let mut mismatches = Vec::new();
    let mut compared = 0;
    for sheet in LIVE_SHEETS {
        let cached = read_cells(&original, sheet);
        let recalc = read_cells(&recalculated, sheet);
        let formulas = read_formulas(&original, sheet);
        let keys: std::collections::BTreeSet<(u32, u32)> =
            cached.keys().chain(recalc.keys()).copied().collect();
        for at in keys {
            compared += 1;
            let (a, b) = (cell_at(&cached, at), cell_at(&recalc, at));
            if !same(a, b) {
                mismatches.push(format!(
                    "{sheet}!{}: cached {a:?}, recalculated {b:?}{}",
                    a1(at),
                    formulas
                        .get(&at)
                        .map(|f| format!(", formula ={f}"))
                        .unwrap_or_default()
                ));
            }
        }
    }
    eprintln!(
        "compared {compared} cells of {LIVE_SHEETS:?}; {poisoned_cells} formula results were recalculated"
    );
    assert!(
        mismatches.is_empty(),
        "{} cells differ after recalculation (first 40):\n{}",
        mismatches.len(),
        mismatches[..mismatches.len().min(40)].join("\n")
    );

    // … and equals audit.json.
    let cl = read_checklist(&original);
    let stated = json_scores(&json, &cl);
    assert_eq!(stated.tps.len(), 40, "the example has 40 touchpoints");
    assert!(stated.overall.is_some());
    let shown = workbook_scores(&recalculated, &stated);
    assert_no_differences(differences("recalculated vs audit.json", &shown, &stated));

    // The test's own reading of SPEC §3 agrees with audit.json, and the
    // Checklist sheet's weights are the ones the audit used.
    for (title, w) in &cl.p_weights {
        let p = json["ps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["title"].as_str() == Some(title.as_str()))
            .unwrap();
        assert_eq!(p["weight"].as_f64(), Some(*w), "weight of P {title}");
    }
    let weights = item_weights(&cl);
    for t in json["touchpoints"].as_array().unwrap() {
        for r in t["results"].as_array().unwrap() {
            let id = r["item"].as_str().unwrap();
            assert_eq!(r["weight"].as_f64(), Some(weights[id]), "weight of {id}");
        }
    }
    assert_no_differences(differences(
        "SPEC §3 vs audit.json",
        &expected(&json, &cl, &weights),
        &stated,
    ));
}

#[test]
fn editing_one_item_weight_rescores_exactly_what_depends_on_it() {
    let Some(soffice) = libreoffice::require("recalc") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let json = audit_example(&out);
    let original = out.join("audit.xlsx");
    let cl = read_checklist(&original);
    let before = json_scores(&json, &cl);
    let weights = item_weights(&cl);
    let tps = json["touchpoints"].as_array().unwrap();

    // An item counted (pass, partial or fail) for some touchpoints but not
    // all, with at least one pass or fail, whose new weight moves its P, the
    // overall score and at least one touchpoint.
    let counts_item = |t: &Value, id: &str| counted(&t["results"]).iter().any(|(i, _)| i == id);
    let choice = cl.items.iter().find_map(|(id, p, w, row)| {
        let with: Vec<&Value> = tps.iter().filter(|t| counts_item(t, id)).collect();
        if with.is_empty() || with.len() == tps.len() {
            return None;
        }
        let decisive = with.iter().any(|t| {
            t["results"].as_array().unwrap().iter().any(|r| {
                r["item"].as_str() == Some(id)
                    && matches!(r["status"].as_str(), Some("pass" | "fail"))
            })
        });
        if !decisive {
            return None;
        }
        let new_weight = 3.0 * w + 1.0;
        let mut changed = weights.clone();
        changed.insert(id.clone(), new_weight);
        let after = expected(&json, &cl, &changed);
        let p_index = cl.p_weights.iter().position(|(t, _)| t == p)?;
        let moves = |a: Option<f64>, b: Option<f64>| !same_score(a, b);
        let tp_moves = after
            .tps
            .iter()
            .zip(&before.tps)
            .any(|((_, a), (_, b))| moves(*a, *b));
        (moves(after.overall, before.overall)
            && moves(after.ps[p_index].1, before.ps[p_index].1)
            && tp_moves)
            .then(|| (id.clone(), p.clone(), *w, *row, new_weight, after))
    });
    let (id, p, old_weight, row, new_weight, want) =
        choice.expect("the example has an item counted for some touchpoints but not all");
    eprintln!("changing {id} ({p}) weight {old_weight} → {new_weight} at Checklist!E{row}");

    let part = xlsx::sheet_part(&original, "Checklist");
    let text = xlsx::set_cell_value(
        &xlsx::read_part(&original, &part),
        &format!("E{row}"),
        &format!("{new_weight}"),
    );
    let edited_dir = dir.path().join("edited");
    std::fs::create_dir_all(&edited_dir).unwrap();
    let edited = edited_dir.join("audit.xlsx");
    xlsx::replace_parts(&original, &edited, &HashMap::from([(part, text)]));
    assert_eq!(
        number(read_cells(&edited, "Checklist").get(&(row - 1, 4)).unwrap()),
        Some(new_weight),
        "the edit is in the file"
    );

    let recalculated = libreoffice::convert(&soffice, &edited, "xlsx", &dir.path().join("lo"));
    let got = workbook_scores(&recalculated, &before);

    // The Matrix weight row follows the Checklist.
    let k = cl.items.iter().position(|(i, ..)| *i == id).unwrap() as u32;
    let matrix = read_cells(&recalculated, "Matrix");
    assert_eq!(text_at(&matrix, (MX_ID_ROW, MX_FIRST_ITEM_COL + k)), id);
    assert_eq!(
        matrix
            .get(&(MX_WEIGHT_ROW, MX_FIRST_ITEM_COL + k))
            .and_then(number),
        Some(new_weight),
        "Matrix weight row of {id}"
    );

    // Every score is what SPEC §3 gives with the new weight …
    assert_no_differences(differences("after the edit", &got, &want));

    // … so exactly the dependent ones moved: touchpoints that do not count
    // the item and the other Ps keep their audit.json scores.
    let mut moved = Vec::new();
    for (i, t) in tps.iter().enumerate() {
        let (name, now) = &got.tps[i];
        let then = before.tps[i].1;
        if counts_item(t, &id) {
            if !same_score(*now, then) {
                moved.push(format!("{name}: {then:?} → {now:?}"));
            }
        } else {
            assert!(
                same_score(*now, then),
                "{name} does not count {id}, yet its score moved {then:?} → {now:?}"
            );
        }
    }
    for ((title, now), (_, then)) in got.ps.iter().zip(&before.ps) {
        if *title != p {
            assert!(
                same_score(*now, *then),
                "P {title} does not contain {id}, yet its score moved {then:?} → {now:?}"
            );
        }
    }
    let p_index = got.ps.iter().position(|(t, _)| *t == p).unwrap();
    assert!(!same_score(got.ps[p_index].1, before.ps[p_index].1));
    assert!(!same_score(got.overall, before.overall));
    assert!(!moved.is_empty());
    eprintln!(
        "overall {:?} → {:?}; {p} {:?} → {:?}; {} of {} touchpoints moved:\n  {}",
        before.overall,
        got.overall,
        before.ps[p_index].1,
        got.ps[p_index].1,
        moved.len(),
        tps.len(),
        moved.join("\n  ")
    );
}

#[test]
fn workbook_converts_to_pdf() {
    let Some(soffice) = libreoffice::require("pdf") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    audit_example(&out);
    let pdf = libreoffice::convert(
        &soffice,
        &out.join("audit.xlsx"),
        "pdf",
        &dir.path().join("pdf"),
    );
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"), "{} is a PDF", pdf.display());
    eprintln!("PDF: {} bytes", bytes.len());

    // Page 1 (Summary) as a picture for a human to look at; not an assertion.
    let png = Path::new("/tmp/mixaudit-summary");
    match std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&pdf)
        .arg(png)
        .status()
    {
        Ok(s) if s.success() => eprintln!("Summary page rendered to {}.png", png.display()),
        Ok(s) => eprintln!("pdftoppm failed ({s}); no picture"),
        Err(_) => eprintln!("pdftoppm (poppler-utils) not found; no picture"),
    }
}
