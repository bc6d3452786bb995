//! Golden outputs: for both examples and every good input fixture, the
//! audit.json, summary.md and every workbook cell value are kept as insta
//! snapshots under `tests/snapshots/`. A refactor that changes any output
//! shows up as a reviewable diff (`cargo insta review`, or
//! `INSTA_UPDATE=always cargo test --test golden` to accept) instead of a
//! silent drift. Only the tool version and the run time are masked.

mod common;

use std::fmt::Write as _;
use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto};
use common::*;

/// The fixtures' audit date, as tests/inputs.rs uses.
const FIXTURE_AS_OF: &str = "2026-06-30";

/// Runs the binary from the repository root (so input paths in the outputs are
/// relative and stable) and returns the temp dir holding `out/`.
fn run(dir: &str, as_of: Option<&str>) -> tempfile::TempDir {
    let tmp = temp();
    let out = tmp.path().join("out");
    let mut args = vec!["audit", dir, "--out", out.to_str().unwrap()];
    if let Some(d) = as_of {
        args.extend(["--as-of", d]);
    }
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_mixaudit"))
        .current_dir(root())
        .args(&args)
        .output()
        .expect("the binary runs");
    assert!(
        o.status.success() || o.status.code() == Some(3),
        "{dir}: {}",
        stderr(&o)
    );
    tmp
}

/// Masks what legitimately changes from run to run or release to release.
fn mask(text: &str) -> String {
    text.replace(
        &format!("mixaudit {}", env!("CARGO_PKG_VERSION")),
        "mixaudit [version]",
    )
}

/// Every non-empty cell of every sheet as `Sheet!A1 = value`, one per line.
fn workbook_dump(path: &Path) -> String {
    let mut wb = open_workbook_auto(path).expect("workbook opens");
    let mut s = String::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).expect("sheet reads");
        let (r0, c0) = range.start().unwrap_or((0, 0));
        writeln!(s, "## {name}").unwrap();
        for (r, row) in range.rows().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let v = match cell {
                    Data::Empty => continue,
                    Data::String(t) => format!("{t:?}"),
                    Data::Float(f) => format!("{f}"),
                    Data::Int(i) => format!("{i}"),
                    Data::Bool(b) => format!("{b}"),
                    other => format!("{other:?}"),
                };
                let col = col_name(c0 as usize + c);
                let v = if name == "About"
                    && row.first().map(|h| h.to_string()) == Some("Generated".into())
                {
                    "[run time]".to_string()
                } else {
                    v
                };
                writeln!(s, "{name}!{col}{} = {v}", r0 as usize + r + 1).unwrap();
            }
        }
    }
    mask(&s)
}

fn col_name(mut c: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap()
}

fn check(case: &str, dir: &str, as_of: Option<&str>) {
    let tmp = run(dir, as_of);
    let out = tmp.path().join("out");
    let json = std::fs::read_to_string(out.join("audit.json")).unwrap();
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    insta::assert_snapshot!(format!("{case}.audit.json"), mask(&json));
    insta::assert_snapshot!(format!("{case}.summary.md"), mask(&md));
    insta::assert_snapshot!(
        format!("{case}.workbook"),
        workbook_dump(&out.join("audit.xlsx"))
    );
}

#[test]
fn examples_are_unchanged() {
    check("nordlys", "examples/nordlys", None);
    check("nordlys-messy", "examples/nordlys-messy", None);
}

#[test]
fn good_fixtures_are_unchanged() {
    let base = root().join("tests/fixtures/inputs");
    let mut cases: Vec<String> = std::fs::read_dir(&base)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("bad_") && base.join(n).join("expected.json").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 30, "the good fixtures are found: {cases:?}");
    for case in cases {
        check(
            &format!("fixture-{case}"),
            &format!("tests/fixtures/inputs/{case}"),
            Some(FIXTURE_AS_OF),
        );
    }
}
