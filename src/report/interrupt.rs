//! Interruption: on SIGINT or SIGTERM the staging folders of output sets being
//! written are removed and the child audits of a batch are stopped, so an
//! interrupted run leaves no temporary files and no orphaned processes. The
//! handler runs on its own thread (ctrlc), then the process exits with 130.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

/// Staging folders being written, and child processes running.
static ACTIVE: Mutex<Active> = Mutex::new(Active {
    dirs: Vec::new(),
    children: Vec::new(),
});
static INSTALL: Once = Once::new();
/// What finished before an interruption (a batch's clients), said on exit.
static FINISHED: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Active {
    dirs: Vec<PathBuf>,
    children: Vec<u32>,
}

/// Installs the handler once per process (later calls do nothing).
fn install() {
    INSTALL.call_once(|| {
        let _ = ctrlc::set_handler(|| {
            let active = ACTIVE.lock().unwrap_or_else(|e| e.into_inner());
            for pid in &active.children {
                // SAFETY: signalling a child process we started and track.
                unsafe { libc::kill(*pid as libc::pid_t, libc::SIGTERM) };
            }
            for d in &active.dirs {
                let _ = std::fs::remove_dir_all(d);
            }
            let finished = FINISHED.lock().unwrap_or_else(|e| e.into_inner());
            let mut err = std::io::stderr().lock();
            if !finished.is_empty() {
                let _ = writeln!(
                    err,
                    "mixaudit: finished before the interruption ({}):",
                    finished.len()
                );
                for line in finished.iter() {
                    let _ = writeln!(err, "  {line}");
                }
            }
            let _ = writeln!(err, "mixaudit: interrupted; temporary files removed");
            std::process::exit(130);
        });
    });
}

/// Records what just finished (one line, e.g. "nordlys: ok, score 55.7"),
/// to be listed if the run is interrupted later.
pub fn record_finished(line: String) {
    install();
    FINISHED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(line);
}

/// Registers a staging folder to remove if the run is interrupted.
pub fn track_dir(dir: &Path) {
    install();
    ACTIVE
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .dirs
        .push(dir.to_path_buf());
}

/// The staging folder was committed or removed.
pub fn untrack_dir(dir: &Path) {
    ACTIVE
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .dirs
        .retain(|d| d != dir);
}

/// Registers a child audit to stop if the run is interrupted.
pub fn track_child(pid: u32) {
    install();
    ACTIVE
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .children
        .push(pid);
}

/// The child audit ended.
pub fn untrack_child(pid: u32) {
    ACTIVE
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .children
        .retain(|p| *p != pid);
}
