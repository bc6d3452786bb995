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

/// Address space a client's audit may use (a million-customer audit needs
/// well under 1 GiB of resident memory; the rest is headroom for mappings).
const CLIENT_ADDRESS_SPACE: u64 = 8 << 30;
/// Most of a child's stderr kept for its failure message.
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
    cmd.arg("audit").arg(dir).arg("--out").arg(out);
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
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
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
/// without the warnings and the program-name prefix.
fn message(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.starts_with("warning: "))
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

/// Audits one client in a child process, within `timeout`.
pub fn audit(
    dir: &Path,
    out: &Path,
    opts: &BatchOptions,
    previous: Option<&Path>,
) -> Result<ClientSummary, String> {
    let exe =
        std::env::current_exe().map_err(|e| format!("cannot find the mixaudit binary: {e}"))?;
    let mut child = command(&exe, dir, out, opts, previous)
        .spawn()
        .map_err(|e| format!("cannot start the audit: {e}"))?;
    let pid = child.id() as libc::pid_t;
    crate::report::interrupt::track_child(child.id());
    let mut stderr = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(s) = stderr.as_mut() {
            let _ = s.take(MAX_STDERR).read_to_string(&mut text);
            // Drain the rest so the child never blocks on a full pipe.
            let _ = std::io::copy(s, &mut std::io::sink());
        }
        text
    });
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait());
    });
    let waited = rx.recv_timeout(opts.client_timeout);
    crate::report::interrupt::untrack_child(pid as u32);
    let status = match waited {
        Ok(s) => s.map_err(|e| format!("waiting for the audit: {e}"))?,
        Err(_) => {
            // SAFETY: kill on the pid of our own child, which has not been reaped.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            let _ = rx.recv();
            let _ = reader.join();
            return Err(format!(
                "timed out after {} s",
                opts.client_timeout.as_secs()
            ));
        }
    };
    let stderr = reader.join().unwrap_or_default();
    if let Some(sig) = status.signal() {
        let hint = if stderr.contains("memory allocation of") {
            " (out of memory)"
        } else if stderr.contains("has overflowed its stack") {
            " (stack overflow)"
        } else {
            ""
        };
        return Err(format!("crashed: {}{hint}", signal_name(sig)));
    }
    match status.code() {
        Some(0) | Some(3) => ClientSummary::load(out).map_err(|e| e.to_string()),
        _ => Err(message(&stderr)),
    }
}
