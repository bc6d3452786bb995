//! Usage errors exit 2 in every command (SPEC §6), whether clap refuses the
//! command line or the library finds the request impossible.

mod common;

use common::*;

fn example() -> String {
    root().join("examples/nordlys").display().to_string()
}

fn assert_usage(args: &[&str], needle: &str) {
    let o = mixaudit(args);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
}

#[test]
fn audit_unknown_parameter_exits_2() {
    let tmp = temp();
    let out = tmp.path().join("out");
    assert_usage(
        &[
            "audit",
            &example(),
            "--out",
            out.to_str().unwrap(),
            "--param",
            "nosuch=1",
        ],
        "unknown parameter `nosuch`",
    );
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn check_unknown_parameter_exits_2() {
    assert_usage(
        &["check", &example(), "--param", "nosuch=1"],
        "unknown parameter `nosuch`",
    );
}

#[test]
fn bad_flag_values_exit_2() {
    let tmp = temp();
    let out = tmp.path().join("out");
    let out = out.to_str().unwrap();
    assert_usage(
        &["audit", &example(), "--out", out, "--as-of", "yesterday"],
        "not a date",
    );
    assert_usage(
        &["batch", &example(), "--out", out, "--jobs", "many"],
        "--jobs",
    );
    assert_usage(
        &["batch", &example(), "--out", out, "--shard", "3/2"],
        "K/N",
    );
    assert_usage(
        &["batch", &example(), "--out", out, "--param", "active_days"],
        "KEY=VALUE",
    );
    assert_usage(
        &["check", &example(), "--param", "active_days=soon"],
        "not a number",
    );
    assert_usage(&["portfolio", "--out", out], "required");
    assert_usage(&["portfolio", out, "--no-such-flag"], "--no-such-flag");
}

#[test]
fn batch_has_no_client_flag() {
    let o = mixaudit(&["batch", "--help"]);
    assert!(o.status.success());
    let help = String::from_utf8_lossy(&o.stdout);
    assert!(
        !help
            .lines()
            .any(|l| l.trim_start().starts_with("--client <")),
        "{help}"
    );
    assert_usage(&["batch", &example(), "--client", "X"], "--client");
}

#[test]
fn batch_unknown_parameter_exits_2_before_auditing() {
    let tmp = temp();
    let out = tmp.path().join("out");
    let o = mixaudit(&[
        "batch",
        &example(),
        "--out",
        out.to_str().unwrap(),
        "--param",
        "nosuch=1",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!out.exists(), "no client was audited");
    assert!(
        stderr(&o).contains("unknown parameter `nosuch`"),
        "{}",
        stderr(&o)
    );
}
