//! The large worksheet parts of an xlsx metered beside calamine's read
//! instead of before it.
//!
//! Why: the longest-token budget needs every decompressed byte of a sheet
//! looked at before quick-xml can buffer it, and inflating a million-row
//! sheet once more before reading it cost a second at a million customers,
//! all of it on the critical path. Here a second thread inflates and meters
//! those parts while calamine reads, and calamine's reader is held back,
//! byte range by byte range, until the meter has passed the compressed bytes
//! it asks for. The meter inflates several times faster than calamine
//! parses, so the read rarely waits; a part over budget stops the read with
//! the meter's message. Beyond the metered point calamine can see at most
//! what the meter's last read of compressed input expands to ([`CHUNK`] ×
//! deflate's 1:1032, about 4 MiB), so a tag or text run quick-xml buffers
//! stays within the token budget plus that.
//!
//! Both readers use positional reads on one open file, so neither moves the
//! other's offset.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use super::{MAX_TOKEN_BYTES, MAX_ZIP_PART_BYTES, Meter, meter_problem};
use crate::error::Problem;

/// Most compressed bytes the meter reads at a time (see the module doc).
const CHUNK: usize = 4 << 10;

/// Parts at least this large (declared, decompressed) are metered beside
/// the read; smaller ones are metered before it, which costs little.
pub(super) const DEFER_BYTES: u64 = 4 << 20;

/// A part left to the meter: its entry and the file bytes it occupies.
pub(super) struct Deferred {
    /// Index in the zip directory.
    pub index: usize,
    /// The part's local header offset.
    pub start: u64,
    /// An upper bound of the part's last byte (header and data).
    pub end: u64,
    /// The name messages use (the sheet's, when known).
    pub part: String,
}

/// How far the meter got with each deferred part, and how it ended.
struct State {
    /// Compressed bytes from each part's start the meter has read and passed.
    verified: Vec<u64>,
    /// Parts metered to the end (or given up on, left to calamine).
    complete: Vec<bool>,
    /// `Some` once the meter has stopped: every part passed, or a problem.
    outcome: Option<Result<(), Problem>>,
}

/// What the meter and calamine's reader share.
pub(crate) struct Gate {
    parts: Vec<(u64, u64)>,
    state: Mutex<State>,
    moved: Condvar,
    cancelled: AtomicBool,
}

impl Gate {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How many of `len` bytes at `pos` calamine may read now (at least
    /// one), waiting for the meter if it has not got there yet.
    fn admit(&self, pos: u64, len: usize) -> io::Result<usize> {
        let mut st = self.lock();
        loop {
            if let Some(Err(_)) = st.outcome {
                return Err(io::Error::other("stopped: a part is over a size budget"));
            }
            let mut allowed = len;
            let mut blocked = false;
            for (k, &(s, e)) in self.parts.iter().enumerate() {
                if st.complete[k] || pos.saturating_add(len as u64) <= s || pos >= e {
                    continue;
                }
                let frontier = s + st.verified[k];
                if pos >= frontier {
                    blocked = true;
                    break;
                }
                allowed = allowed.min((frontier - pos) as usize);
            }
            if !blocked {
                return Ok(allowed);
            }
            st = self.moved.wait(st).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn publish(&self, k: usize, verified: u64, complete: bool) {
        let mut st = self.lock();
        st.verified[k] = st.verified[k].max(verified);
        st.complete[k] |= complete;
        drop(st);
        self.moved.notify_all();
    }

    fn finish(&self, outcome: Result<(), Problem>) {
        let mut st = self.lock();
        if outcome.is_ok() {
            st.complete.iter_mut().for_each(|c| *c = true);
        }
        st.outcome.get_or_insert(outcome);
        drop(st);
        self.moved.notify_all();
    }

    /// The meter's verdict, once it has one: the problem of a part over
    /// budget, which a reader reports in place of the error calamine saw.
    pub(crate) fn outcome(&self) -> Result<(), Problem> {
        let mut st = self.lock();
        loop {
            if let Some(o) = &st.outcome {
                return o.clone();
            }
            st = self.moved.wait(st).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// Tells the meter its work is no longer wanted (the workbook was closed).
    pub(crate) fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }
}

/// A workbook's gate, if it has one: dropping it (closing the workbook)
/// tells the meter its work is no longer wanted.
pub(crate) struct GateHandle(pub Option<Arc<Gate>>);

impl Drop for GateHandle {
    fn drop(&mut self) {
        if let Some(g) = &self.0 {
            g.cancel();
        }
    }
}

/// Starts metering `parts` of `file` on a thread of its own.
pub(super) fn start(file: &File, name: &str, parts: Vec<Deferred>) -> io::Result<Arc<Gate>> {
    let n = parts.len();
    let gate = Arc::new(Gate {
        parts: parts.iter().map(|p| (p.start, p.end)).collect(),
        state: Mutex::new(State {
            verified: vec![0; n],
            complete: vec![false; n],
            outcome: None,
        }),
        moved: Condvar::new(),
        cancelled: AtomicBool::new(false),
    });
    let file = Arc::new(file.try_clone()?);
    let name = name.to_string();
    let g = Arc::clone(&gate);
    std::thread::Builder::new()
        .name("xlsx-meter".into())
        .spawn(move || {
            // A meter that panics (a bug) leaves the parts to calamine, whose
            // reads the zip crate still bounds by the declared sizes.
            let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                meter(&file, &name, &parts, &g)
            }));
            g.finish(done.unwrap_or(Ok(())));
        })?;
    Ok(gate)
}

/// Inflates and meters every deferred part in turn, publishing progress.
fn meter(file: &Arc<File>, name: &str, parts: &[Deferred], gate: &Gate) -> Result<(), Problem> {
    let progress = Arc::new(AtomicU64::new(0));
    let source = Source {
        file: Arc::clone(file),
        pos: 0,
        gate: None,
        cap: CHUNK,
        progress: Some(Arc::clone(&progress)),
    };
    let Ok(mut zip) = ::zip::ZipArchive::new(source) else {
        return Ok(()); // calamine reports a broken zip in its own words
    };
    let mut buf = vec![0u8; 64 << 10];
    for (k, p) in parts.iter().enumerate() {
        let Ok(f) = zip.by_index(p.index) else {
            gate.publish(k, 0, true);
            continue;
        };
        let mut m = Meter::new(f, MAX_ZIP_PART_BYTES, Some(MAX_TOKEN_BYTES));
        loop {
            if gate.cancelled.load(Ordering::Relaxed) {
                return Ok(());
            }
            let read = m.read(&mut buf);
            let at = progress.load(Ordering::Relaxed).saturating_sub(p.start);
            match read {
                Ok(0) => break,
                Ok(_) => gate.publish(k, at, false),
                Err(_) => break,
            }
        }
        if let Some(problem) = meter_problem(&m, name, &p.part, "decompressed size") {
            return Err(problem);
        }
        gate.publish(k, 0, true);
    }
    Ok(())
}

/// An input file read by position: for calamine, held back by the gate; for
/// the meter, in small reads whose end it publishes.
pub(crate) struct Source {
    file: Arc<File>,
    pos: u64,
    gate: Option<Arc<Gate>>,
    cap: usize,
    progress: Option<Arc<AtomicU64>>,
}

impl Source {
    /// The file as calamine reads it, behind `gate` when there is one.
    pub(crate) fn new(file: File, gate: Option<Arc<Gate>>) -> Source {
        Source {
            file: Arc::new(file),
            pos: 0,
            gate,
            cap: usize::MAX,
            progress: None,
        }
    }
}

impl Read for Source {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let mut len = buf.len().min(self.cap);
        if let Some(g) = &self.gate {
            len = g.admit(self.pos, len)?;
        }
        let n = self.file.read_at(&mut buf[..len], self.pos)?;
        self.pos += n as u64;
        if let Some(p) = &self.progress {
            p.store(self.pos, Ordering::Relaxed);
        }
        Ok(n)
    }
}

impl Seek for Source {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.file.metadata()?.len().checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = target
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        Ok(self.pos)
    }
}
