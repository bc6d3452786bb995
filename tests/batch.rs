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

/// Issue 11: a previous audit of another client is a usage error naming both;
/// the same client spelt differently, or renamed with `renamed_from`, compares.
#[test]
fn issue_11_previous_audit_of_another_client_is_refused() {
    let dir = temp();
    let input = dir.path().join("in");
    clients(&input, 2);
    let audit = |client: &str, out: &str, previous: Option<&Path>| {
        let out = dir.path().join(out);
        let mut args = vec![
            "audit".to_string(),
            input.join(client).to_string_lossy().into_owned(),
            "--out".into(),
            out.to_string_lossy().into_owned(),
        ];
        if let Some(p) = previous {
            args.extend(["--previous".into(), p.to_string_lossy().into_owned()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        (mixaudit(&args), out)
    };
    let (o, before01) = audit("client01", "before01", None);
    assert!(o.status.success(), "{}", stderr(&o));
    let (o, _) = audit("client00", "mixed", Some(&before01.join("audit.json")));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("\"client01 Ltd\"") && err.contains("\"client00 Ltd\""),
        "{err}"
    );
    assert!(!dir.path().join("mixed/audit.json").exists());

    // The same client, written "CLIENT00-ltd" last quarter: compared.
    let (o, before00) = audit("client00", "before00", None);
    assert!(o.status.success(), "{}", stderr(&o));
    let prev = before00.join("audit.json");
    let text = std::fs::read_to_string(&prev).unwrap();
    let older = text
        .replace(
            "\"client\": \"client00 Ltd\"",
            "\"client\": \"CLIENT00-ltd\"",
        )
        .replace("\"as_of\": \"2026-06-30\"", "\"as_of\": \"2026-03-31\"");
    assert_ne!(older, text);
    std::fs::write(&prev, &older).unwrap();
    let (o, out) = audit("client00", "same", Some(&prev));
    assert!(o.status.success(), "{}", stderr(&o));
    let v = read_json(&out);
    assert_eq!(v["changes"]["previous_as_of"], "2026-03-31");
    assert!(!stderr(&o).contains("not earlier"), "{}", stderr(&o));

    // Renamed: "Old Name AB" is refused until audit.yaml says renamed_from.
    std::fs::write(&prev, older.replace("CLIENT00-ltd", "Old Name AB")).unwrap();
    let (o, _) = audit("client00", "renamed", Some(&prev));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("renamed_from"), "{}", stderr(&o));
    let yaml = input.join("client00/audit.yaml");
    let cfg = std::fs::read_to_string(&yaml).unwrap();
    std::fs::write(&yaml, format!("{cfg}renamed_from: old name ab\n")).unwrap();
    let (o, out) = audit("client00", "renamed", Some(&prev));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read_json(&out)["changes"]["previous_as_of"], "2026-03-31");
}

/// Issue 11: a previous audit as of the same day or later is compared, with a
/// warning in audit.json and on stderr.
#[test]
fn issue_11_previous_audit_not_earlier_is_a_warning() {
    let dir = temp();
    let input = dir.path().join("in");
    clients(&input, 1);
    let client = input.join("client00");
    let first = dir.path().join("first");
    let o = mixaudit(&[
        "audit",
        client.to_str().unwrap(),
        "--out",
        first.to_str().unwrap(),
        "--as-of",
        "2026-07-31",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let second = dir.path().join("second");
    let o = mixaudit(&[
        "audit",
        client.to_str().unwrap(),
        "--out",
        second.to_str().unwrap(),
        "--previous",
        first.join("audit.json").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let warning =
        "the previous audit is as of 2026-07-31, not earlier than this audit (2026-06-30)";
    assert!(stderr(&o).contains(warning), "{}", stderr(&o));
    let v = read_json(&second);
    assert!(
        v["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains(warning)),
        "{}",
        v["warnings"]
    );
}

/// Issue 11: merging shards keeps every shard's failed clients, exits 1, and
/// writes the very bytes of the single run's portfolio.json.
#[test]
fn issue_11_shard_merge_keeps_failures_and_equals_the_single_run() {
    let dir = temp();
    let input = dir.path().join("in");
    clients(&input, 5);
    for name in ["broken_a", "broken_b"] {
        write_files(
            &input.join(name),
            &[
                ("customers.xlsx", "this is not a workbook"),
                ("spend.csv", SPEND_CSV),
            ],
        );
    }
    let batch = |out: &Path, shard: Option<&str>| {
        let mut args = vec![
            "batch",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        if let Some(s) = shard {
            args.extend(["--shard", s]);
        }
        mixaudit(&args)
    };
    let full = dir.path().join("full");
    let o = batch(&full, None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let single = std::fs::read_to_string(full.join("portfolio.json")).unwrap();
    let p: Value = serde_json::from_str(&single).unwrap();
    assert_eq!(p["clients"].as_array().unwrap().len(), 5);
    let failed: Vec<&str> = p["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["key"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["broken_a", "broken_b"]);

    let mut shards = Vec::new();
    let mut shards_failing = 0;
    for k in 1..=2 {
        let out = dir.path().join(format!("shard-{k}"));
        let o = batch(&out, Some(&format!("{k}/2")));
        assert!(out.join("portfolio.json").is_file(), "{}", stderr(&o));
        if o.status.code() == Some(1) {
            shards_failing += 1;
        }
        shards.push(out);
    }
    assert!(shards_failing >= 1);
    let merged = dir.path().join("merged");
    let mut args = vec!["portfolio"];
    args.extend(shards.iter().map(|s| s.to_str().unwrap()));
    args.extend(["--out", merged.to_str().unwrap()]);
    let o = mixaudit(&args);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("broken_a failed") && err.contains("broken_b failed"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(merged.join("portfolio.json")).unwrap(),
        single,
        "the merge of two shards is the single run's portfolio.json, byte for byte"
    );

    // Two batch runs over subsets of the folders merge the same way.
    let (left, right) = (dir.path().join("left"), dir.path().join("right"));
    let dirs = |names: &[&str]| -> Vec<String> {
        names
            .iter()
            .map(|n| input.join(n).to_string_lossy().into_owned())
            .collect()
    };
    for (out, names) in [
        (&left, dirs(&["client00", "client01", "broken_a"])),
        (
            &right,
            dirs(&["client02", "client03", "client04", "broken_b"]),
        ),
    ] {
        let mut args: Vec<&str> = vec!["batch"];
        args.extend(names.iter().map(String::as_str));
        args.extend(["--out", out.to_str().unwrap()]);
        assert_eq!(mixaudit(&args).status.code(), Some(1));
    }
    let merged2 = dir.path().join("merged2");
    let o = mixaudit(&[
        "portfolio",
        left.to_str().unwrap(),
        right.to_str().unwrap(),
        "--out",
        merged2.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(merged2.join("portfolio.json")).unwrap(),
        single
    );
}
