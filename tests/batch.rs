//! Batch over folders: parallel clients, failures contained, portfolio
//! roll-up, shards that merge to the single-run portfolio, determinism.

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

fn client(dir: &Path, name: &str, revenue_scale: u32) {
    let customers: String =
        std::iter::once("customer_id,name,last_purchase,orders,revenue\n".to_string())
            .chain((1..=12).map(|i| {
                format!(
                    "C{i},Customer {i},2026-0{}-1{},{},{}\n",
                    1 + i % 6,
                    i % 9,
                    1 + i % 4,
                    i * revenue_scale
                )
            }))
            .collect();
    write_files(
        &dir.join(name),
        &[
            ("customers.csv", customers.as_str()),
            ("spend.csv", SPEND_CSV),
            (
                "audit.yaml",
                &format!("client: {name} Ltd\nperiod: 2026 Q2\nas_of: \"2026-06-30\"\n"),
            ),
        ],
    );
}

fn clients(root: &Path, n: usize) {
    for i in 0..n {
        client(root, &format!("client{i:02}"), 10 + i as u32);
    }
}

#[test]
fn a_broken_client_fails_alone() {
    let dir = temp();
    let input = dir.path().join("in");
    clients(&input, 4);
    write_files(
        &input.join("broken"),
        &[
            ("customers.xlsx", "this is not a workbook"),
            ("spend.csv", SPEND_CSV),
        ],
    );
    let out = dir.path().join("out");
    let o = mixaudit(&[
        "batch",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--jobs",
        "2",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("broken") && err.contains("FAILED"), "{err}");
    assert!(
        err.contains("customers.xlsx: is not a spreadsheet"),
        "{err}"
    );
    for i in 0..4 {
        assert!(out.join(format!("client{i:02}/audit.xlsx")).exists());
    }
    assert!(!out.join("broken/audit.json").exists());
    let p: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("portfolio.json")).unwrap())
            .unwrap();
    assert_eq!(p["clients"].as_array().unwrap().len(), 4);
    assert_eq!(p["failures"][0]["key"], "broken");
    assert!(out.join("portfolio.xlsx").exists() && out.join("portfolio.md").exists());
    let names = sheet_names(&out.join("portfolio.xlsx"));
    assert_eq!(names, vec!["Portfolio", "Failures"]);
}

#[test]
fn shards_cover_every_client_once_and_merge_to_the_same_portfolio() {
    let dir = temp();
    let input = dir.path().join("in");
    clients(&input, 9);
    let full = dir.path().join("full");
    let o = mixaudit(&[
        "batch",
        input.to_str().unwrap(),
        "--out",
        full.to_str().unwrap(),
        "--jobs",
        "1",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let single = std::fs::read_to_string(full.join("portfolio.json")).unwrap();
    for n in [2u32, 3, 5] {
        let mut seen: Vec<String> = Vec::new();
        let mut outs: Vec<String> = Vec::new();
        for k in 1..=n {
            let out = dir.path().join(format!("shard{n}-{k}"));
            let o = mixaudit(&[
                "batch",
                input.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--shard",
                &format!("{k}/{n}"),
            ]);
            // an empty shard is an error (exit 1) with nothing to do; others succeed
            if o.status.success() {
                for e in std::fs::read_dir(&out).unwrap() {
                    let p = e.unwrap().path();
                    if p.join("audit.json").exists() {
                        seen.push(p.file_name().unwrap().to_string_lossy().to_string());
                    }
                }
                outs.push(out.to_str().unwrap().to_string());
            }
        }
        seen.sort();
        let expected: Vec<String> = (0..9).map(|i| format!("client{i:02}")).collect();
        assert_eq!(seen, expected, "{n} shards cover each client exactly once");
        let merged = dir.path().join(format!("merged{n}"));
        let mut args = vec!["portfolio"];
        args.extend(outs.iter().map(String::as_str));
        args.extend(["--out", merged.to_str().unwrap()]);
        let o = mixaudit(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(
            std::fs::read_to_string(merged.join("portfolio.json")).unwrap(),
            single,
            "merge of {n} shards equals the single run"
        );
    }
}

#[test]
fn outputs_do_not_depend_on_jobs() {
    let dir = temp();
    let input = dir.path().join("in");
    clients(&input, 6);
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    assert!(
        mixaudit(&[
            "batch",
            input.to_str().unwrap(),
            "--out",
            a.to_str().unwrap(),
            "--jobs",
            "1"
        ])
        .status
        .success()
    );
    assert!(
        mixaudit(&[
            "batch",
            input.to_str().unwrap(),
            "--out",
            b.to_str().unwrap(),
            "--jobs",
            "2"
        ])
        .status
        .success()
    );
    for f in [
        "portfolio.json",
        "portfolio.md",
        "client03/audit.json",
        "client03/summary.md",
    ] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f} identical"
        );
    }
}

#[test]
fn quarter_over_quarter() {
    let dir = temp();
    let input = dir.path().join("in");
    clients(&input, 2);
    let q1 = dir.path().join("q1");
    assert!(
        mixaudit(&[
            "batch",
            input.to_str().unwrap(),
            "--out",
            q1.to_str().unwrap()
        ])
        .status
        .success()
    );
    // next quarter: client00 improves its spend mix
    let spend = SPEND_CSV.replace("Paid search,promotion,3000", "Paid search,promotion,500");
    write_files(&input.join("client00"), &[("spend.csv", spend.as_str())]);
    let q2 = dir.path().join("q2");
    let o = mixaudit(&[
        "batch",
        input.to_str().unwrap(),
        "--out",
        q2.to_str().unwrap(),
        "--previous-dir",
        q1.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = read_json(&q2.join("client00"));
    let ch = &v["changes"];
    let before = ch["metrics"]["retention_spend_share"]["before"]
        .as_f64()
        .unwrap();
    let now = ch["metrics"]["retention_spend_share"]["now"]
        .as_f64()
        .unwrap();
    assert!((before - 0.25).abs() < 1e-12 && (now - 1000.0 / 1500.0).abs() < 1e-12);
    assert_eq!(ch["ps"].as_array().unwrap().len(), 7);
    assert!(
        ch["touchpoints"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["new"] == false)
    );
    let md = std::fs::read_to_string(q2.join("client00/summary.md")).unwrap();
    assert!(md.contains("Change since the previous audit"), "{md}");
    // audit --previous on a single client does the same
    let out = dir.path().join("single");
    let o = mixaudit(&[
        "audit",
        input.join("client00").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--previous",
        q1.join("client00/audit.json").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read_json(&out)["changes"], v["changes"]);
}
