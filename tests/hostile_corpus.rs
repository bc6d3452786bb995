//! The hostile corpus (`tests/fixtures/hostile/`, written by
//! `scripts/make_hostile.py`) and a few cases that cannot be committed (a
//! FIFO, a folder, a 5 MB CSV line, a 2 MB YAML file), each run with the real
//! binary under a 4 GB address-space limit and a timeout.
//!
//! Per case: exit code 1 (never a panic's 101, an abort's signal or a
//! timeout; 0 for the few well-formed files that must simply stay within
//! bounds), a message naming the file and the limit, nothing written in
//! `--out`, the inputs byte-identical afterwards, and peak memory under 1 GB.
//! One test runs every case in turn, so the children's peak RSS
//! (`getrusage(RUSAGE_CHILDREN)`, a running maximum) is attributable.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ADDRESS_SPACE_KB: u64 = 4 * 1024 * 1024;
const PEAK_LIMIT_KB: i64 = 1024 * 1024;
const TIMEOUT: Duration = Duration::from_secs(30);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every regular file under `dir`, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut all = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        let ft = e.file_type().unwrap();
        if ft.is_file() {
            all.insert(p.clone(), std::fs::read(&p).unwrap());
        } else if ft.is_dir() {
            all.extend(snapshot(&p));
        }
    }
    all
}

fn peak_children_kb() -> i64 {
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage fills the struct it is given.
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) };
    u.ru_maxrss
}

/// Runs mixaudit with `args` under the limits; returns (exit code, stderr).
fn run_limited(args: &[String]) -> (Option<i32>, String, Duration) {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!(
            "ulimit -v {ADDRESS_SPACE_KB} && exec \"$0\" \"$@\""
        ))
        .arg(env!("CARGO_BIN_EXE_mixaudit"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().expect("sh runs");
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        use std::io::Read;
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("timed out after {TIMEOUT:?}: {args:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (status.code(), reader.join().unwrap(), start.elapsed())
}

struct Case {
    name: String,
    dir: PathBuf,
    args: Vec<String>,
    file: String,
    expect: String,
    /// 1 for a refused file; 0 for a well-formed one read within bounds.
    exit: i32,
}

fn check(case: &Case, report: &mut Vec<String>) {
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("out");
    let args: Vec<String> = case
        .args
        .iter()
        .map(|a| {
            a.replace("{dir}", case.dir.to_str().unwrap())
                .replace("{out}", out_dir.to_str().unwrap())
        })
        .collect();
    let before = snapshot(&case.dir);
    let peak_before = peak_children_kb();
    let (code, err, took) = run_limited(&args);
    let peak = peak_children_kb();
    assert_eq!(
        code,
        Some(case.exit),
        "{}: exit {code:?}, stderr: {err}",
        case.name
    );
    assert!(!err.contains("panicked"), "{}: {err}", case.name);
    assert!(
        err.contains(&case.file),
        "{}: message does not name {}: {err}",
        case.name,
        case.file
    );
    assert!(
        err.contains(&case.expect),
        "{}: message lacks {:?}: {err}",
        case.name,
        case.expect
    );
    let written = std::fs::read_dir(&out_dir).map_or(0, |d| d.count());
    assert_eq!(written, 0, "{}: something was written in --out", case.name);
    assert!(
        before == snapshot(&case.dir),
        "{}: an input changed",
        case.name
    );
    assert!(
        peak < PEAK_LIMIT_KB,
        "{}: peak memory {peak} KB is over 1 GB",
        case.name
    );
    let own = if peak > peak_before {
        format!("{peak} KB")
    } else {
        format!("≤ {peak} KB")
    };
    report.push(format!("{:<28} {own:>12} {took:>8.2?}", case.name));
}

fn corpus() -> Vec<Case> {
    let dir = root().join("tests/fixtures/hostile");
    let mut cases: Vec<Case> = std::fs::read_dir(&dir)
        .expect("run scripts/make_hostile.py")
        .flatten()
        .filter(|e| e.path().join("case.json").is_file())
        .map(|e| {
            let meta: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(e.path().join("case.json")).unwrap())
                    .unwrap();
            Case {
                name: e.file_name().to_string_lossy().into_owned(),
                dir: e.path(),
                args: meta["args"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap().to_string())
                    .collect(),
                file: meta["file"].as_str().unwrap().to_string(),
                expect: meta["expect"].as_str().unwrap().to_string(),
                exit: meta["exit"].as_i64().unwrap_or(1) as i32,
            }
        })
        .collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    cases
}

const CUSTOMERS: &str = "customer_id,name,last_purchase,orders,revenue\nC1,Anna,2026-06-01,3,900\n";
const SPEND: &str = "touchpoint,p,spend\nLoyalty newsletter,promotion,1000\n";

fn audit_args(extra: &[&str]) -> Vec<String> {
    ["audit", "{dir}", "--out", "{out}"]
        .iter()
        .chain(extra)
        .map(|s| s.to_string())
        .collect()
}

/// The cases built here: too big to commit, or not files git can hold.
fn generated(tmp: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut add =
        |name: &str, files: &[(&str, Vec<u8>)], extra: &[&str], file: &str, expect: &str| {
            let dir = tmp.join(name);
            std::fs::create_dir_all(&dir).unwrap();
            for (f, body) in files {
                std::fs::write(dir.join(f), body).unwrap();
            }
            cases.push(Case {
                name: name.into(),
                dir,
                args: audit_args(extra),
                file: file.into(),
                expect: expect.into(),
                exit: 1,
            });
        };
    let spend = ("spend.csv", SPEND.as_bytes().to_vec());
    let customers = ("customers.csv", CUSTOMERS.as_bytes().to_vec());

    let mut line = b"customer_id,name\n".to_vec();
    line.extend("a,".repeat(5 << 19).bytes());
    add(
        "gen_csv_long_line",
        &[("customers.csv", line), spend.clone()],
        &[],
        "customers.csv",
        "a line exceeds the limit of 4 MiB per line",
    );
    let mut field = b"customer_id,name\nC1,\"".to_vec();
    field.extend("x\n".repeat(200_000).bytes());
    field.extend(b"\"\n");
    add(
        "gen_csv_long_quoted_field",
        &[("customers.csv", field), spend.clone()],
        &[],
        "customers.csv",
        "a field exceeds the limit of 256 KiB per field",
    );
    let deep = format!("name: {}{}\n", "[".repeat(1_000_000), "]".repeat(1_000_000));
    add(
        "gen_yaml_million_deep",
        &[
            customers.clone(),
            spend.clone(),
            ("deep.yaml", deep.into_bytes()),
        ],
        &["--checklist", "{dir}/deep.yaml"],
        "deep.yaml",
        "which exceeds the limit of 64",
    );
    let items: String = (0..28_000)
        .map(|i| format!("   - {{id: X{i},title: t,scope: portfolio,pass: '1',weight: 1}}\n"))
        .collect();
    let many = format!(
        "name: big\nversion: '1'\nratings: {{green: 75, amber: 50}}\nsections:\n - p: promotion\n   weight: 1\n   items:\n{items}"
    );
    add(
        "gen_checklist_28000_items",
        &[
            customers.clone(),
            spend.clone(),
            ("big.yaml", many.into_bytes()),
        ],
        &["--checklist", "{dir}/big.yaml"],
        "big.yaml",
        "exceed the limit of 1000",
    );
    add(
        "gen_checklist_is_folder",
        &[customers.clone(), spend.clone()],
        &["--checklist", "{dir}"],
        "gen_checklist_is_folder",
        "is a folder, not a regular file",
    );
    add(
        "gen_template_output_cap",
        &[
            customers.clone(),
            spend.clone(),
            (
                "t.j2",
                b"{% set s = 'y' * 1000000 %}{% for i in range(20) %}{{ s }}{% endfor %}".to_vec(),
            ),
        ],
        &["--template", "{dir}/t.j2"],
        "t.j2",
        "exceeds the limit of 16 MiB",
    );
    for (name, flag, file) in [
        ("gen_fifo_customers", "--customers", "fifo.csv"),
        ("gen_fifo_checklist", "--checklist", "fifo.yaml"),
    ] {
        add(
            name,
            &[customers.clone(), spend.clone()],
            &[flag, &format!("{{dir}}/{file}")],
            file,
            "is a named pipe (FIFO), not a regular file",
        );
        let path = tmp.join(name).join(file);
        let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
    }
    cases
}

#[test]
fn hostile_inputs_are_refused_within_bounds() {
    let tmp = tempfile::tempdir().unwrap();
    let mut cases = corpus();
    assert!(cases.len() >= 15, "the corpus is missing: {}", cases.len());
    cases.extend(generated(tmp.path()));
    let mut report = Vec::new();
    for case in &cases {
        check(case, &mut report);
    }
    eprintln!(
        "case                          peak RSS     time\n{}",
        report.join("\n")
    );
}
