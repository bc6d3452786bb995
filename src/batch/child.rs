//! One client's audit in a child process: the binary runs itself as
//! `mixaudit audit DIR --out OUT/<client>`, so whatever a client's files do to
//! the process — an abort, a stack overflow, memory exhaustion, a hang — ends
//! only that child. Its exit status, signal or time-out becomes the client's
//! failure; on success the parent reads the audit.json the child wrote.

use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;

use super::BatchOptions;
use crate::audit::ClientSummary;
use crate::error::{Code, Diagnostic, DiagnosticRecord};

/// Address space a client's audit may use (a million-customer audit needs
/// well under 1 GiB of resident memory; the rest is headroom for mappings).
const CLIENT_ADDRESS_SPACE: u64 = 8 << 30;
/// Most of a child's stderr (and stdout) kept for its failure message.
const MAX_STDERR: u64 = 64 << 10;

/// The command line that audits one client like `mixaudit audit` would.
fn command(
    exe: &Path,
    dir: &Path,
    out: &Path,
    opts: &BatchOptions,
    previous: Option<&Path>,
) -> Command {
    let mut cmd = Command::new(exe);
    cmd.arg("audit")
        .arg(dir)
        .arg("--out")
        .arg(out)
        .arg("--error-json")
        // Its stderr is parsed, never shown as is: no colour codes in it.
        .arg("--color")
        .arg("never");
    let a = &opts.audit;
    if let Some(c) = &a.checklist {
        cmd.arg("--checklist").arg(c);
    }
    for (k, v) in &a.params {
        cmd.arg("--param").arg(format!("{k}={v}"));
    }
    if let Some(p) = &a.period {
        cmd.arg("--period").arg(p);
    }
    if let Some(d) = a.as_of {
        cmd.arg("--as-of").arg(d.iso());
    }
    if let Some(t) = &opts.templates.markdown {
        cmd.arg("--template").arg(t);
    }
    if let Some(t) = &opts.templates.html {
        cmd.arg("--html-template").arg(t);
    }
    if let Some(p) = previous {
        cmd.arg("--previous").arg(p);
    }
    // The batch runs `jobs` children side by side: each gets its share of
    // the cores for its own parallel steps, so they do not oversubscribe.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let jobs = if opts.jobs == 0 { cores } else { opts.jobs };
    cmd.env("RAYON_NUM_THREADS", (cores / jobs).max(1).to_string());
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let lim = libc::rlimit {
                rlim_cur: CLIENT_ADDRESS_SPACE,
                rlim_max: CLIENT_ADDRESS_SPACE,
            };
            libc::setrlimit(libc::RLIMIT_AS, &lim);
            Ok(())
        });
    }
    cmd
}

/// The failure text of a child that exited with an error: its message
/// without the warnings, notes and the program-name prefix.
fn message(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.starts_with("warning[") && !l.starts_with("info["))
        .collect();
    let text = lines.join("\n");
    let text = text.strip_prefix("mixaudit: ").unwrap_or(&text).trim();
    if text.is_empty() {
        "the audit failed without a message".into()
    } else {
        text.to_string()
    }
}

/// A signal's name, for "crashed: SIGABRT".
fn signal_name(sig: i32) -> String {
    match sig {
        libc::SIGABRT => "SIGABRT".into(),
        libc::SIGSEGV => "SIGSEGV".into(),
        libc::SIGKILL => "SIGKILL".into(),
        libc::SIGBUS => "SIGBUS".into(),
        libc::SIGTERM => "SIGTERM".into(),
        libc::SIGINT => "SIGINT".into(),
        other => format!("signal {other}"),
    }
}

/// A failed client: the message, and the same as diagnostics with codes.
pub type Failed = (String, Vec<DiagnosticRecord>);

/// The diagnostics a failed child printed with `--error-json`, or the
/// message as one diagnostic when it printed none (a crash, a time-out).
fn failed(message: String, stdout: &str) -> Failed {
    #[derive(serde::Deserialize)]
    struct Printed {
        diagnostics: Vec<DiagnosticRecord>,
    }
    let diagnostics = match serde_json::from_str::<Printed>(stdout) {
        Ok(p) if !p.diagnostics.is_empty() => p.diagnostics,
        _ => vec![Diagnostic::new(Code::RunFailed, message.clone()).record()],
    };
    (message, diagnostics)
}

/// Reads at most `MAX_STDERR` bytes of a child's pipe in a thread, draining
/// the rest so the child never blocks on a full pipe.
fn collect(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut s) = pipe {
            let _ = s.by_ref().take(MAX_STDERR).read_to_string(&mut text);
            let _ = std::io::copy(&mut s, &mut std::io::sink());
        }
        text
    })
}

/// Audits one client in a child process, within `timeout`.
pub fn audit(
    dir: &Path,
    out: &Path,
    opts: &BatchOptions,
    previous: Option<&Path>,
) -> Result<ClientSummary, Failed> {
    audit_child(dir, out, opts, previous).map_err(|(message, stdout)| failed(message, &stdout))
}

/// The child's run; a failure comes with what the child printed on stdout.
fn audit_child(
    dir: &Path,
    out: &Path,
    opts: &BatchOptions,
    previous: Option<&Path>,
) -> Result<ClientSummary, (String, String)> {
    let none = |m: String| (m, String::new());
    let exe = std::env::current_exe()
        .map_err(|e| none(format!("cannot find the mixaudit binary: {e}")))?;
    let mut child = command(&exe, dir, out, opts, previous)
        .spawn()
        .map_err(|e| none(format!("cannot start the audit: {e}")))?;
    let pid = child.id() as libc::pid_t;
    crate::report::interrupt::track_child(child.id());
    let reader = collect(child.stderr.take());
    let printed = collect(child.stdout.take());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait());
    });
    let waited = rx.recv_timeout(opts.client_timeout);
    crate::report::interrupt::untrack_child(pid as u32);
    let status = match waited {
        Ok(s) => s.map_err(|e| none(format!("waiting for the audit: {e}")))?,
        Err(_) => {
            // SAFETY: kill on the pid of our own child, which has not been reaped.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            let _ = rx.recv();
            let _ = reader.join();
            let _ = printed.join();
            return Err(none(format!(
                "timed out after {} s",
                opts.client_timeout.as_secs()
            )));
        }
    };
    let stderr = reader.join().unwrap_or_default();
    let stdout = printed.join().unwrap_or_default();
    if let Some(sig) = status.signal() {
        let hint = if stderr.contains("memory allocation of") {
            " (out of memory)"
        } else if stderr.contains("has overflowed its stack") {
            " (stack overflow)"
        } else {
            ""
        };
        return Err(none(format!("crashed: {}{hint}", signal_name(sig))));
    }
    match status.code() {
        Some(0) | Some(3) => ClientSummary::load(out).map_err(|e| none(e.to_string())),
        _ => Err((message(&stderr), stdout)),
    }
}
