//! The command line as people use it (issue 16): completions and the man
//! page, explain / checklist / metrics, --quiet, --verbose and --color,
//! closed pipes, and the exit codes at the end of every --help.

mod common;

use std::process::{Command, Output};

use common::*;

fn ok(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_mixaudit")
}

fn nordlys() -> String {
    root()
        .join("examples/nordlys")
        .to_string_lossy()
        .into_owned()
}

fn bad() -> String {
    root()
        .join("tests/fixtures/inputs/bad_date_next_week")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn completions_for_every_shell_and_bash_parses_them() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let text = ok(&mixaudit(&["completions", shell]));
        assert!(text.contains("mixaudit"), "{shell}");
        assert!(
            text.contains("explain") && text.contains("fail-under"),
            "{shell}"
        );
    }
    let tmp = temp();
    let script = tmp.path().join("mixaudit.bash");
    std::fs::write(&script, ok(&mixaudit(&["completions", "bash"]))).unwrap();
    let o = Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .unwrap();
    assert!(o.status.success(), "bash -n: {}", stderr(&o));
}

#[test]
fn man_page_has_its_sections_and_renders() {
    let page = ok(&mixaudit(&["man"]));
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH SUBCOMMANDS"] {
        assert!(page.contains(section), "{section} missing");
    }
    let tmp = temp();
    let dir = tmp.path().join("man1");
    ok(&mixaudit(&["man", "--out", dir.to_str().unwrap()]));
    for page in [
        "mixaudit.1",
        "mixaudit-audit.1",
        "mixaudit-batch.1",
        "mixaudit-explain.1",
    ] {
        assert!(dir.join(page).is_file(), "{page} written");
    }
    let audit_page = std::fs::read_to_string(dir.join("mixaudit-audit.1")).unwrap();
    assert!(audit_page.contains("fail\\-under"), "{audit_page}");
    // Rendered by groff when it is installed, as `man -l` would.
    if Command::new("groff").arg("--version").output().is_ok() {
        let o = Command::new("groff")
            .args(["-man", "-Tutf8"])
            .arg(dir.join("mixaudit.1"))
            .output()
            .unwrap();
        // groff shows bold by overstriking (X, backspace, X): keep the last of each.
        let mut text = String::new();
        for c in String::from_utf8_lossy(&o.stdout).chars() {
            if c == '\u{8}' {
                text.pop();
            } else {
                text.push(c);
            }
        }
        assert!(o.status.success(), "{}", stderr(&o));
        for section in ["NAME", "SYNOPSIS", "OPTIONS", "SUBCOMMANDS"] {
            assert!(
                text.contains(&format!("\n{section}\n")),
                "{section}:\n{text}"
            );
        }
    }
}

#[test]
fn explain_an_item_in_words() {
    let text = ok(&mixaudit(&["explain", "PRO-01"]));
    for field in [
        "PRO-01",
        "P:",
        "Promotion",
        "Scope:",
        "Weight:",
        "Why:",
        "Fix:",
        "Source:",
        "Passes when:",
        "Reads",
    ] {
        assert!(text.contains(field), "{field} missing:\n{text}");
    }
    // For a marketing manager: no file names, expression syntax or snake_case.
    for bad in [
        ".txt",
        "touchpoint.",
        "metrics.",
        "params.",
        "==",
        "!=",
        ">=",
        "<=",
        "_",
    ] {
        assert!(!text.contains(bad), "{bad:?} in:\n{text}");
    }
}

#[test]
fn explain_every_item_of_the_checklist_reads_clean() {
    let table = ok(&mixaudit(&["checklist"]));
    let ids: Vec<&str> = table
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| w.len() == 6 && w.as_bytes()[3] == b'-')
        .collect();
    assert!(ids.len() >= 40, "{table}");
    assert!(
        ids.contains(&"PRO-04") && ids.contains(&"PRD-01"),
        "{table}"
    );
    for id in ids {
        let text = ok(&mixaudit(&["explain", id]));
        assert!(text.starts_with(id), "{text}");
        for bad in [
            ".txt",
            "touchpoint.",
            "metrics.",
            "params.",
            "==",
            "!=",
            "_",
        ] {
            assert!(!text.contains(bad), "{id}: {bad:?} in:\n{text}");
        }
    }
}

#[test]
fn explain_a_code_and_refuse_what_is_neither() {
    let text = ok(&mixaudit(&["explain", "MX101"]));
    assert!(text.starts_with("MX101 missing-column (error)"), "{text}");
    assert!(text.contains("audit.yaml"), "{text}");
    let by_slug = ok(&mixaudit(&["explain", "missing-column"]));
    assert_eq!(by_slug, text);
    let o = mixaudit(&["explain", "PRO-99"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("neither an item"), "{}", stderr(&o));
}

#[test]
fn metrics_lists_every_figure_of_audit_json() {
    let text = ok(&mixaudit(&["metrics"]));
    let tmp = temp();
    let out = tmp.path().join("out");
    ok(&mixaudit(&[
        "audit",
        &nordlys(),
        "--out",
        out.to_str().unwrap(),
    ]));
    let json = read_json(&out);
    for key in json["metrics"].as_object().unwrap().keys() {
        if key == "bases" || key.starts_with("ladder_") {
            continue;
        }
        assert!(
            text.contains(&format!("\n{key} — ")) || text.starts_with(&format!("{key} — ")),
            "metric {key} is not listed"
        );
    }
    assert!(text.contains("needs: Orders sheet"), "{text}");
}

/// Runs a shell pipeline and returns (mixaudit's exit code, stderr).
fn piped(cmd: &str) -> (String, String) {
    let o = Command::new("bash")
        .arg("-c")
        .arg(format!("{cmd} 2>/tmp/mixaudit-pipe-$$.err >/dev/null; s=${{PIPESTATUS[0]}}; cat /tmp/mixaudit-pipe-$$.err >&2; rm -f /tmp/mixaudit-pipe-$$.err; echo $s"))
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&o.stdout).trim().to_string(),
        stderr(&o),
    )
}

#[test]
fn a_closed_stdout_ends_quietly() {
    let tmp = temp();
    let out = tmp.path().join("out");
    let b = bin();
    let cases = [
        format!(
            "'{b}' audit '{}' --out '{}' --json | head -c 10",
            nordlys(),
            out.display()
        ),
        format!("'{b}' metrics | head -c 10"),
        format!("'{b}' completions zsh | head -c 10"),
        format!("'{b}' man | head -c 1"),
        format!("'{b}' check '{}' --json | head -c 1", nordlys()),
    ];
    for cmd in cases {
        let (code, err) = piped(&cmd);
        assert_eq!(code, "0", "{cmd}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("Broken pipe"),
            "{cmd}: {err}"
        );
    }
}

fn has_escapes(o: &Output) -> bool {
    o.stderr.contains(&0x1b)
}

fn run_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(bin());
    c.args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let b = bad();
    let always = run_env(&["check", &b, "--color", "always"], &[]);
    assert!(has_escapes(&always), "{}", stderr(&always));
    assert!(stderr(&always).contains("MX301"));
    let never = run_env(&["check", &b, "--color", "never"], &[]);
    assert!(!has_escapes(&never), "{}", stderr(&never));
    assert!(
        stderr(&never).contains("error[MX301]: customers.xlsx"),
        "{}",
        stderr(&never)
    );
    let piped = run_env(&["check", &b], &[]);
    assert!(!has_escapes(&piped), "auto into a pipe: {}", stderr(&piped));
    let no_color = run_env(&["check", &b], &[("NO_COLOR", "1")]);
    assert!(!has_escapes(&no_color));
}

/// On a terminal (through `script`, when installed): auto colours, and
/// NO_COLOR=1 turns it off.
#[test]
fn no_color_is_honoured_on_a_terminal() {
    if Command::new("script").arg("--version").output().is_err() {
        return;
    }
    let run = |no_color: bool| {
        let mut c = Command::new("script");
        c.args([
            "-qec",
            &format!("'{}' check '{}'", bin(), bad()),
            "/dev/null",
        ])
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
        if no_color {
            c.env("NO_COLOR", "1");
        }
        c.output().unwrap()
    };
    let coloured = run(false);
    let text = String::from_utf8_lossy(&coloured.stdout);
    assert!(text.contains("MX301"), "{text}");
    assert!(coloured.stdout.contains(&0x1b), "{text}");
    let plain = run(true);
    let text = String::from_utf8_lossy(&plain.stdout);
    assert!(text.contains("MX301"), "{text}");
    assert!(!plain.stdout.contains(&0x1b), "{text:?}");
}

#[test]
fn quiet_prints_only_errors_and_verbose_what_was_read() {
    let tmp = temp();
    let out = tmp.path().join("out");
    let o = mixaudit(&[
        "--quiet",
        "audit",
        &nordlys(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stderr(&o), "", "quiet audit");
    assert!(out.join("audit.json").is_file());
    let o = mixaudit(&["check", &bad(), "-q"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("error[MX301]"), "{}", stderr(&o));
    let o = mixaudit(&["check", &nordlys(), "--verbose"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("customers.xlsx › Customers as customers: header on row 1"),
        "{err}"
    );
    assert!(
        err.contains("customer_id") && err.contains("← column A"),
        "{err}"
    );
    assert!(err.contains("checklist: Customer retention"), "{err}");
    // The messy example writes amounts with a decimal comma: the convention
    // decided for the column is said, with the row that settled it.
    let messy = root().join("examples/nordlys-messy");
    let o = mixaudit(&["check", messy.to_str().unwrap(), "--verbose"]);
    let err = stderr(&o);
    assert!(
        err.contains("revenue") && err.contains("read with decimal comma, settled by row"),
        "{err}"
    );
    let o = mixaudit(&["check", &nordlys(), "--quiet", "--verbose"]);
    assert_eq!(o.status.code(), Some(2), "quiet and verbose conflict");
}

#[test]
fn every_help_lists_its_own_flags_and_ends_with_the_exit_codes() {
    let commands = [
        "audit",
        "batch",
        "portfolio",
        "init",
        "check",
        "explain",
        "checklist",
        "metrics",
        "completions",
        "man",
    ];
    for c in commands {
        let help = ok(&mixaudit(&[c, "--help"]));
        let tail = help.trim_end();
        assert!(tail.contains("Exit codes:\n  0    done"), "{c}:\n{help}");
        assert!(
            tail.lines().last().unwrap().starts_with("  "),
            "{c}: exit codes last"
        );
        assert!(help.contains("--quiet") && help.contains("--color"), "{c}");
    }
    let batch = ok(&mixaudit(&["batch", "--help"]));
    assert!(
        !batch.contains("--client "),
        "batch refuses --client:\n{batch}"
    );
    assert!(batch.contains("130"), "{batch}");
    let check = ok(&mixaudit(&["check", "--help"]));
    assert!(
        !check.contains("--out") && !check.contains("--fail-under"),
        "{check}"
    );
}
