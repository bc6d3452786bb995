//! The CSV meter: limits on a CSV byte stream as it is read.
//!
//! Why: the `csv` crate grows its record and field buffers to whatever one
//! line or one quoted field holds, so a file without line breaks (or with an
//! unclosed quote) would be buffered whole. The meter fails the read before
//! the parser's buffers pass the budgets.

use std::io::{self, Read};

use super::{MAX_CELL_BYTES, MAX_CSV_RECORD_BYTES, bytes};

/// Guards a CSV byte stream: no record (a line, or lines held together by
/// quotes) longer than [`MAX_CSV_RECORD_BYTES`], no field longer than
/// [`MAX_CELL_BYTES`], no more than `limit` bytes in all — failing the read
/// before the CSV parser's buffers grow past them.
pub(crate) struct CsvMeter<R> {
    /// The stream metered.
    inner: R,
    /// The field separator.
    delimiter: u8,
    /// Whether the bytes read so far end inside quotes.
    quoted: bool,
    /// Bytes of the current record so far.
    record: u64,
    /// Bytes of the current field so far.
    field: u64,
    /// Bytes read in all.
    read: u64,
    /// Most bytes read in all.
    limit: u64,
    /// Which budget was exceeded, as a message, once one was.
    pub(crate) over: Option<String>,
}

impl<R: Read> CsvMeter<R> {
    /// Wraps `inner`, whose fields are separated by `delimiter`.
    pub(crate) fn new(inner: R, delimiter: u8, limit: u64) -> Self {
        CsvMeter {
            inner,
            delimiter,
            quoted: false,
            record: 0,
            field: 0,
            read: 0,
            limit,
            over: None,
        }
    }

    /// Records the exceeded budget and fails the read with it.
    fn fail(&mut self, what: String) -> io::Error {
        self.over = Some(what.clone());
        io::Error::other(what)
    }
}

impl<R: Read> Read for CsvMeter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(o) = self.over.clone() {
            return Err(io::Error::other(o));
        }
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.limit {
            return Err(self.fail(format!(
                "the file exceeds the limit of {}",
                bytes(self.limit)
            )));
        }
        for &b in &buf[..n] {
            self.record += 1;
            self.field += 1;
            if b == b'"' {
                self.quoted = !self.quoted;
            } else if !self.quoted {
                if b == b'\n' {
                    self.record = 0;
                    self.field = 0;
                } else if b == self.delimiter {
                    self.field = 0;
                }
            }
            if self.field > MAX_CELL_BYTES {
                return Err(self.fail(format!(
                    "a field exceeds the limit of {} per field",
                    bytes(MAX_CELL_BYTES)
                )));
            }
            if self.record > MAX_CSV_RECORD_BYTES {
                return Err(self.fail(format!(
                    "a line exceeds the limit of {} per line",
                    bytes(MAX_CSV_RECORD_BYTES)
                )));
            }
        }
        Ok(n)
    }
}
