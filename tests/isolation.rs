//! One client never takes down a batch, and outputs appear as one set.
//!
//! - A batch of 30 clients where 5 abort, overflow the stack, hang, exhaust
//!   memory (through the `MIXAUDIT_FAULT_INJECTION` testing hook: real files
//!   that did so are now refused by the input budgets) or carry a bad date
//!   finishes, exits 1, and writes the portfolio with the 25 good clients and
//!   the 5 failures with their reasons.
//! - An audit killed with SIGKILL at 25 moments never leaves a mixed set of
//!   outputs at the final names, and the next successful run leaves no
//!   staging folder or temporary file.
//! - A second writer to a locked output folder is refused; `--out` that would
//!   overwrite an input is refused.

mod common;

use std::path::Path;
use std::time::Duration;

use common::*;

fn good_client(dir: &Path) {
    write_files(
        dir,
        &[("customers.csv", CUSTOMERS_CSV), ("spend.csv", SPEND_CSV)],
    );
}

#[test]
fn a_batch_survives_crashing_hanging_and_broken_clients() {
    let tmp = temp();
    let clients = tmp.path().join("clients");
    for i in 0..25 {
        good_client(&clients.join(format!("good{i:02}")));
    }
    for k in ["abort", "stack", "hang", "oom"] {
        good_client(&clients.join(format!("bad-{k}")));
    }
    write_files(
        &clients.join("bad-date"),
        &[
            (
                "customers.csv",
                "customer_id,last_purchase,orders,revenue\nC1,next week,1,100\nC2,2026-05-01,2,200\n",
            ),
            ("spend.csv", SPEND_CSV),
        ],
    );
    let out = tmp.path().join("out");
    let started = std::time::Instant::now();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_mixaudit"))
        .args([
            "batch",
            clients.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .args([
            "--jobs",
            "2",
            "--client-timeout",
            "3",
            "--as-of",
            "2026-06-30",
        ])
        .env(
            "MIXAUDIT_FAULT_INJECTION",
            "bad-abort=abort,bad-stack=stack,bad-hang=hang,bad-oom=oom",
        )
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(120),
        "the hang was cut short"
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("portfolio.json")).unwrap())
            .unwrap();
    assert_eq!(v["clients"].as_array().unwrap().len(), 25, "{err}");
    let failures: Vec<(String, String)> = v["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["key"].as_str().unwrap().to_string(),
                f["error"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let reason = |key: &str| {
        failures
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, e)| e.clone())
            .unwrap_or_else(|| panic!("{key} is among the failures: {failures:?}"))
    };
    assert_eq!(failures.len(), 5, "{failures:?}");
    assert!(
        reason("bad-abort").contains("crashed: SIGABRT"),
        "{failures:?}"
    );
    assert!(
        reason("bad-stack").contains("stack overflow"),
        "{failures:?}"
    );
    assert_eq!(reason("bad-hang"), "timed out after 3 s");
    assert!(reason("bad-oom").contains("out of memory"), "{failures:?}");
    assert!(
        reason("bad-date").contains("\"next week\" is not a date"),
        "{failures:?}"
    );
    // The closing table names every failure; the failed clients' folders hold no audit.json.
    for key in ["bad-abort", "bad-stack", "bad-hang", "bad-oom", "bad-date"] {
        assert!(
            err.contains(&format!("{key:<30}")),
            "{key} in the closing table:\n{err}"
        );
        assert!(!out.join(key).join("audit.json").exists());
    }
    for i in 0..25 {
        assert!(out.join(format!("good{i:02}/audit.json")).is_file());
    }
    let xlsx = out.join("portfolio.xlsx");
    assert!(sheet_names(&xlsx).contains(&"Failures".to_string()));
}

/// The client name each output of a folder was written for (None when absent).
fn client_of(out: &Path, file: &str) -> Option<String> {
    let text = std::fs::read_to_string(out.join(file)).ok()?;
    ["Run A", "Run B"]
        .into_iter()
        .find(|c| text.contains(c))
        .map(str::to_string)
}

#[test]
fn a_killed_audit_never_leaves_a_mixed_set() {
    let tmp = temp();
    let out = tmp.path().join("out");
    let example = root().join("examples/nordlys");
    let run = |client: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_mixaudit"))
            .args([
                "audit",
                example.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--client",
                client,
            ])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    assert!(run("Run A").wait().unwrap().success());
    let t0 = std::time::Instant::now();
    assert!(run("Run B").wait().unwrap().success());
    let full = t0.elapsed().as_millis().max(20) as u64;
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut killed_midway = 0;
    for i in 0..25 {
        // Alternate the name so a half-written set would show as a mix.
        let name = if i % 2 == 0 { "Run A" } else { "Run B" };
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let wait = seed % (full + full / 4);
        let mut child = run(name);
        std::thread::sleep(Duration::from_millis(wait));
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill();
        let _ = child.wait();
        if !finished {
            killed_midway += 1;
        }
        if let Some(marker) = client_of(&out, "audit.json") {
            for f in ["summary.md", "report.html"] {
                assert_eq!(
                    client_of(&out, f).as_deref(),
                    Some(marker.as_str()),
                    "kill {i} after {wait} ms: {f} does not belong to audit.json's run"
                );
            }
        }
    }
    assert!(
        killed_midway > 5,
        "most kills landed during a run ({killed_midway})"
    );
    assert!(run("Run A").wait().unwrap().success());
    let left: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n != ".mixaudit.lock")
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    assert_eq!(client_of(&out, "summary.md").as_deref(), Some("Run A"));
}

#[test]
fn a_locked_output_folder_is_refused() {
    let tmp = temp();
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    // Hold the lock the way a running mixaudit does.
    let f = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(out.join(".mixaudit.lock"))
        .unwrap();
    use std::os::fd::AsRawFd;
    // SAFETY: flock on an open descriptor owned by `f`.
    assert_eq!(
        unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) },
        0
    );
    let o = mixaudit(&[
        "audit",
        root().join("examples/nordlys").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("another mixaudit run is writing to this folder"),
        "{}",
        stderr(&o)
    );
    assert!(!out.join("audit.json").exists());
    drop(f);
}

#[test]
fn out_that_would_overwrite_an_input_is_refused() {
    let tmp = temp();
    let dir = tmp.path().join("client");
    write_files(&dir, &[("spend.csv", SPEND_CSV)]);
    std::fs::write(dir.join("customers.csv"), CUSTOMERS_CSV).unwrap();
    let before = std::fs::read(dir.join("customers.csv")).unwrap();
    let o = mixaudit(&[
        "audit",
        dir.to_str().unwrap(),
        "--customers",
        dir.join("customers.csv").to_str().unwrap(),
        "--spend",
        dir.join("spend.csv").to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
        "--as-of",
        "2026-06-30",
    ]);
    // customers.csv and spend.csv are not output names: writing beside them is fine.
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(dir.join("customers.csv")).unwrap(), before);
    // A customers workbook called audit.xlsx in the output folder is refused.
    let dir2 = tmp.path().join("client2");
    write_files(&dir2, &[("spend.csv", SPEND_CSV)]);
    std::fs::copy(
        root().join("examples/nordlys/customers.xlsx"),
        dir2.join("audit.xlsx"),
    )
    .unwrap();
    let before = std::fs::read(dir2.join("audit.xlsx")).unwrap();
    let o = mixaudit(&[
        "audit",
        "--customers",
        dir2.join("audit.xlsx").to_str().unwrap(),
        "--spend",
        dir2.join("spend.csv").to_str().unwrap(),
        "--out",
        dir2.to_str().unwrap(),
        "--as-of",
        "2026-06-30",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("would overwrite the input"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(dir2.join("audit.xlsx")).unwrap(), before);
    assert!(!dir2.join("audit.json").exists());
}

#[test]
fn sigterm_and_sigint_remove_the_staging_folder() {
    let tmp = temp();
    let out = tmp.path().join("out");
    let example = root().join("examples/nordlys");
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_mixaudit"))
            .args([
                "audit",
                example.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let t0 = std::time::Instant::now();
    assert!(run().wait().unwrap().success());
    let full = t0.elapsed().as_millis().max(20) as u64;
    let mut interrupted = 0;
    for i in 0..12u64 {
        let mut child = run();
        std::thread::sleep(Duration::from_millis(full * (i % 6 + 2) / 8));
        let sig = if i % 2 == 0 {
            libc::SIGTERM
        } else {
            libc::SIGINT
        };
        // SAFETY: signalling our own child.
        unsafe { libc::kill(child.id() as libc::pid_t, sig) };
        let status = child.wait().unwrap();
        if status.code() == Some(130) {
            interrupted += 1;
        }
        let staging: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".mixaudit-staging-") || n.ends_with(".tmp"))
            .collect();
        assert!(
            staging.is_empty(),
            "after signal {sig} ({status}): {staging:?}"
        );
    }
    assert!(interrupted > 0, "some signals landed during a run");
}

/// Ctrl-C during a batch: the hanging client's audit is stopped, no staging
/// folder is left, the exit code is 130, and the clients that finished are
/// listed on the way out.
#[test]
fn sigint_during_a_batch_says_what_finished() {
    let tmp = temp();
    let input = tmp.path().join("in");
    for k in ["alpha", "beta"] {
        good_client(&input.join(k));
    }
    good_client(&input.join("zz-hang"));
    let out = tmp.path().join("out");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_mixaudit"))
        .args([
            "batch",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--jobs",
            "3",
        ])
        .env("MIXAUDIT_FAULT_INJECTION", "zz-hang=hang")
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the two good clients are reported done (the third hangs).
    let mut child = child;
    let pipe = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        use std::io::BufRead;
        let mut all = String::new();
        for line in std::io::BufReader::new(pipe).lines() {
            let line = line.unwrap();
            let _ = tx.send(line.clone());
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let mut done = 0;
    while done < 2 {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the good clients finish");
        if line.ends_with(": ok") {
            done += 1;
        }
    }
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    let status = child.wait().unwrap();
    let err = reader.join().unwrap();
    let o = std::process::Output {
        status,
        stdout: Vec::new(),
        stderr: err.clone().into_bytes(),
    };
    assert_eq!(o.status.code(), Some(130), "{err}");
    assert!(
        err.contains("finished before the interruption (2):"),
        "{err}"
    );
    assert!(
        err.contains("  alpha: ok, score ") && err.contains("  beta: ok, score "),
        "{err}"
    );
    assert!(!err.contains("zz-hang: ok"), "{err}");
    assert!(
        err.contains("interrupted; temporary files removed"),
        "{err}"
    );
    assert!(!out.join("zz-hang/audit.json").exists());
    let leftovers: Vec<String> = std::fs::read_dir(out.join("zz-hang"))
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(".mixaudit-staging-"))
                .collect()
        })
        .unwrap_or_default();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
