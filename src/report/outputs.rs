//! Writing an audit's outputs as one set. Everything is rendered into a
//! staging folder inside the output folder first; then the previous marker
//! (audit.json) is removed, every other file is moved into place, and the new
//! audit.json is moved in last. So whenever audit.json is present, the files
//! beside it are the ones written with it; a run killed half-way leaves no
//! audit.json (and a staging folder the next run removes). A lock on the
//! output folder keeps a second concurrent writer out, and an output folder
//! that would overwrite one of the inputs is refused.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Name of the lock file each output folder keeps (empty; held with flock).
const LOCK_FILE: &str = ".mixaudit.lock";
/// Prefix of staging folders; any found under a held lock is a crashed run's.
const STAGING_PREFIX: &str = ".mixaudit-staging-";

/// An exclusive lock on an output folder, released when dropped (or when the
/// process dies, so a killed run never leaves a stale lock behind).
#[derive(Debug)]
pub struct OutLock {
    dir: PathBuf,
    _file: File,
}

impl OutLock {
    /// Creates the folder if needed and locks it; a folder another run is
    /// writing is a clear error, not a wait.
    pub fn acquire(dir: &Path) -> Result<OutLock> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let path = dir.join(LOCK_FILE);
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        // SAFETY: flock on a valid, open file descriptor owned by `file`.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc != 0 {
            return Err(Error::Failed(format!(
                "{}: another mixaudit run is writing to this folder; wait for it to finish or choose another --out",
                dir.display()
            )));
        }
        Ok(OutLock {
            dir: dir.to_path_buf(),
            _file: file,
        })
    }
}

/// A set of outputs being written: files land in a staging folder until
/// [`Staging::commit`] moves them into the output folder, marker last.
#[derive(Debug)]
pub struct Staging<'a> {
    lock: &'a OutLock,
    dir: PathBuf,
    files: Vec<String>,
    committed: bool,
}

impl<'a> Staging<'a> {
    /// Starts a set in the locked folder, removing what crashed runs left.
    pub fn begin(lock: &'a OutLock) -> Result<Staging<'a>> {
        remove_leftovers(&lock.dir);
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = lock
            .dir
            .join(format!("{STAGING_PREFIX}{}-{n}", std::process::id()));
        super::interrupt::create_tracked_dir(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(Staging {
            lock,
            dir,
            files: Vec::new(),
            committed: false,
        })
    }

    /// The staging path for an output (relative name such as `charts/radar.svg`),
    /// registered for the commit.
    pub fn path(&mut self, name: &str) -> Result<PathBuf> {
        let p = self.dir.join(name);
        if let Some(parent) = p.parent() {
            super::interrupt::create_inside(parent).map_err(|e| Error::io(parent, e))?;
        }
        self.files.push(name.to_string());
        Ok(p)
    }

    /// The staging folder itself (for writers that need scratch space on the
    /// same disk, such as the workbook's constant-memory temporary files).
    pub fn scratch(&self) -> &Path {
        &self.dir
    }

    /// Writes one output's bytes into the staging folder.
    pub fn write(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        let p = self.path(name)?;
        std::fs::write(&p, bytes).map_err(|e| Error::io(&p, e))
    }

    /// Moves the set into place: the old `marker` first out, the others in,
    /// the new `marker` last.
    pub fn commit(mut self, marker: &str) -> Result<()> {
        let out = self.lock.dir.clone();
        let old_marker = out.join(marker);
        if old_marker.exists() {
            std::fs::remove_file(&old_marker).map_err(|e| Error::io(&old_marker, e))?;
        }
        let (last, others): (Vec<&String>, Vec<&String>) =
            self.files.iter().partition(|f| f.as_str() == marker);
        for name in others.into_iter().chain(last) {
            let dest = out.join(name);
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            std::fs::rename(self.dir.join(name), &dest).map_err(|e| Error::io(&dest, e))?;
        }
        self.committed = true;
        let _ = std::fs::remove_dir_all(&self.dir);
        super::interrupt::untrack_dir(&self.dir);
        Ok(())
    }
}

impl Drop for Staging<'_> {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
            super::interrupt::untrack_dir(&self.dir);
        }
    }
}

/// Removes staging folders and temporary files a killed run left (safe: the
/// caller holds the folder's lock, so no other writer is active).
fn remove_leftovers(dir: &Path) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let p = e.path();
        if name.starts_with(STAGING_PREFIX) {
            let _ = std::fs::remove_dir_all(&p);
        } else if name.starts_with('.') && name.ends_with(".tmp") {
            let _ = std::fs::remove_file(&p);
        }
    }
}

/// Refuses an output folder where writing `names` would replace one of the
/// `inputs` (e.g. `--out` pointing at the client folder whose customers file
/// is called audit.xlsx).
pub fn refuse_overwriting_inputs(out: &Path, names: &[&str], inputs: &[PathBuf]) -> Result<()> {
    let Ok(out) = out.canonicalize() else {
        return Ok(()); // the folder does not exist yet: nothing in it can be an input
    };
    for input in inputs {
        let Ok(input) = input.canonicalize() else {
            continue;
        };
        for name in names {
            if input == out.join(name) {
                return Err(Error::Usage(format!(
                    "--out {} would overwrite the input {}; write the outputs to another folder",
                    out.display(),
                    input.display()
                )));
            }
        }
    }
    Ok(())
}
