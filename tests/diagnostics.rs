//! Diagnostics with stable codes: the code table is complete and every code
//! mentioned anywhere is in it; errors and warnings carry their codes on
//! stderr, in `check --json`, `batch --json` and audit.json, in the shape the
//! README documents.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::*;
use serde_json::Value;

/// The codes of the table, read from its source.
fn table() -> BTreeSet<String> {
    let text = std::fs::read_to_string(root().join("src/error/codes.rs")).unwrap();
    let codes = codes_in(&text);
    assert!(codes.len() > 40, "{codes:?}");
    codes
}

/// Every `MX` followed by three digits in `text`.
fn codes_in(text: &str) -> BTreeSet<String> {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(4))
        .filter(|&i| {
            &b[i..i + 2] == b"MX"
                && b[i + 2..i + 5].iter().all(u8::is_ascii_digit)
                && b.get(i + 5).is_none_or(|c| !c.is_ascii_digit())
                && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
        })
        .map(|i| text[i..i + 5].to_string())
        .collect()
}

fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files_under(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs" || x == "md") {
            out.push(p);
        }
    }
}

#[test]
fn every_code_mentioned_is_in_the_table() {
    let table = table();
    let mut files = vec![root().join("README.md")];
    files_under(&root().join("src"), &mut files);
    files_under(&root().join("tests"), &mut files);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for code in codes_in(&text) {
            assert!(
                table.contains(&code),
                "{} mentions {code}, which is not in the table",
                f.display()
            );
        }
    }
}

#[test]
fn every_code_of_the_table_is_used_in_the_code() {
    let text = std::fs::read_to_string(root().join("src/error/codes.rs")).unwrap();
    let mut rest = String::new();
    let mut files = Vec::new();
    files_under(&root().join("src"), &mut files);
    for f in files.iter().filter(|f| !f.ends_with("codes.rs")) {
        rest.push_str(&std::fs::read_to_string(f).unwrap());
    }
    // Variants are the identifiers before ` = "MX…"` in the table.
    for line in text.lines() {
        let t = line.trim();
        if let Some((variant, after)) = t.split_once(" = \"MX") {
            assert!(after.len() > 3, "{t}");
            assert!(
                rest.contains(&format!("Code::{variant}")),
                "Code::{variant} is in the table but never used"
            );
        }
    }
}

/// Checks one diagnostic object against the documented shape.
fn valid_diagnostic(d: &Value, table: &BTreeSet<String>) {
    let obj = d
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {d}"));
    let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "code", "severity", "file", "sheet", "cell", "line", "item", "message"
        ],
        "{d}"
    );
    assert!(table.contains(d["code"].as_str().unwrap()), "{d}");
    assert!(
        ["error", "warning", "info"].contains(&d["severity"].as_str().unwrap()),
        "{d}"
    );
    for k in ["file", "sheet", "cell", "item"] {
        assert!(d[k].is_null() || d[k].is_string(), "{k}: {d}");
    }
    assert!(d["line"].is_null() || d["line"].is_u64(), "{d}");
    assert!(!d["message"].as_str().unwrap().is_empty(), "{d}");
}

fn stdout_json(o: &std::process::Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&o.stdout)
        )
    })
}

#[test]
fn check_json_carries_each_problems_code_and_cell() {
    let dir = root().join("tests/fixtures/inputs/bad_many_cells");
    let o = mixaudit(&["check", dir.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let j = stdout_json(&o);
    assert_eq!(j["schema"], "mixaudit.check/1");
    assert_eq!(j["ok"], false);
    let table = table();
    let list = j["diagnostics"].as_array().unwrap();
    assert_eq!(list.len(), 5, "{j}");
    for d in list {
        valid_diagnostic(d, &table);
        assert_eq!(d["severity"], "error");
        assert_eq!(d["file"], "customers.xlsx");
        assert_eq!(d["sheet"], "Customers");
    }
    assert_eq!(list[0]["code"], "MX301");
    assert_eq!(list[0]["cell"], "B2");
    assert!(
        list[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("\"soon\" is not a date")
    );
    assert_eq!(list[2]["code"], "MX302");
    // The same codes on stderr, one line per problem.
    let err = stderr(&o);
    assert!(
        err.contains("error[MX301]: customers.xlsx › Customers › B2: \"soon\" is not a date"),
        "{err}"
    );
}

#[test]
fn check_json_of_good_inputs_lists_the_warnings() {
    let dir = root().join("examples/nordlys");
    let o = mixaudit(&["check", dir.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let j = stdout_json(&o);
    assert_eq!(j["ok"], true);
    assert!(j["customers"].as_u64().unwrap() > 0, "{j}");
    assert!(j["checklist"]["items"].as_u64().unwrap() > 0, "{j}");
    let table = table();
    for d in j["diagnostics"].as_array().unwrap() {
        valid_diagnostic(d, &table);
        assert_ne!(d["severity"], "error");
    }
}

#[test]
fn a_missing_column_is_mx101_with_its_row() {
    let dir = root().join("tests/fixtures/inputs/bad_missing_column");
    let o = mixaudit(&["check", dir.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let d = &stdout_json(&o)["diagnostics"][0];
    assert_eq!(d["code"], "MX101", "{d}");
    assert_eq!(d["cell"], "1:1", "{d}");
}

#[test]
fn audit_json_has_warnings_and_the_same_as_diagnostics() {
    let tmp = temp();
    let out = tmp.path().join("out");
    let dir = root().join("examples/nordlys");
    let o = mixaudit(&[
        "audit",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let j = read_json(&out);
    let warnings = j["warnings"].as_array().unwrap();
    let diags = j["diagnostics"].as_array().unwrap();
    assert_eq!(warnings.len(), diags.len());
    let table = table();
    for (w, d) in warnings.iter().zip(diags) {
        valid_diagnostic(d, &table);
        assert!(
            w.as_str()
                .unwrap()
                .ends_with(d["message"].as_str().unwrap()),
            "{w} / {d}"
        );
        let line = format!(
            "{}[{}]: {}",
            d["severity"].as_str().unwrap(),
            d["code"].as_str().unwrap(),
            w.as_str().unwrap()
        );
        assert!(stderr(&o).contains(&line), "{line}\n{}", stderr(&o));
    }
}

#[test]
fn batch_json_gives_each_clients_status_and_diagnostics() {
    let tmp = temp();
    let input = tmp.path().join("in");
    let good = root().join("examples/nordlys");
    let copy = input.join("nordlys");
    std::fs::create_dir_all(&copy).unwrap();
    for e in std::fs::read_dir(&good).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, copy.join(p.file_name().unwrap())).unwrap();
        }
    }
    write_files(
        &input.join("broken"),
        &[
            (
                "customers.csv",
                "customer_id,name,last_purchase,orders,revenue\nC1,A,soon,1,10\n",
            ),
            (
                "spend.csv",
                "touchpoint,p,spend\nNewsletter,promotion,100\n",
            ),
        ],
    );
    let out = tmp.path().join("out");
    let o = mixaudit(&[
        "batch",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--json",
        "--jobs",
        "2",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let j = stdout_json(&o);
    assert_eq!(j["schema"], "mixaudit.batch/1");
    assert_eq!(j["diagnostics"], Value::Array(vec![]));
    let clients = j["clients"].as_array().unwrap();
    let keys: Vec<&str> = clients.iter().map(|c| c["key"].as_str().unwrap()).collect();
    assert_eq!(keys.len(), 2);
    let table = table();
    for c in clients {
        for d in c["diagnostics"].as_array().unwrap() {
            valid_diagnostic(d, &table);
        }
        match c["key"].as_str().unwrap() {
            "nordlys" => {
                assert_eq!(c["status"], "ok", "{c}");
                assert!(c["score"].is_number(), "{c}");
                assert!(c["error"].is_null());
            }
            "broken" => {
                assert_eq!(c["status"], "failed", "{c}");
                assert!(c["score"].is_null());
                let d = &c["diagnostics"][0];
                assert_eq!(d["code"], "MX301", "{c}");
                assert_eq!(d["file"], "customers.csv", "{c}");
                assert_eq!(d["cell"], "C2", "{c}");
            }
            other => panic!("unexpected client {other}"),
        }
    }
}

#[test]
fn a_run_level_error_has_a_code_too() {
    let tmp = temp();
    let o = mixaudit(&[
        "batch",
        tmp.path().to_str().unwrap(),
        "--out",
        tmp.path().join("out").to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let j = stdout_json(&o);
    assert_eq!(j["clients"], Value::Array(vec![]));
    assert_eq!(j["diagnostics"][0]["code"], "MX004", "{j}");
    assert!(stderr(&o).contains("error[MX004]: "), "{}", stderr(&o));
}
