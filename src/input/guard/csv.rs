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
    /// Where the bytes read so far leave the quoting, as the csv crate reads it.
    quote: Quote,
    /// Lines begun so far (one-based line of the byte being read).
    line: u64,
    /// The line on which the quote still open was opened.
    pub(crate) opened_on: u64,
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

/// Where a byte stands in the quoting of its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quote {
    /// At the start of a field: a quote here opens a quoted field.
    FieldStart,
    /// Inside an unquoted field: quotes are plain characters.
    Unquoted,
    /// Inside a quoted field.
    Quoted,
    /// A quote inside a quoted field: closes it, unless another follows.
    MaybeClosed,
}

impl<R: Read> CsvMeter<R> {
    /// Wraps `inner`, whose fields are separated by `delimiter`.
    pub(crate) fn new(inner: R, delimiter: u8, limit: u64) -> Self {
        CsvMeter {
            inner,
            delimiter,
            quote: Quote::FieldStart,
            line: 1,
            opened_on: 0,
            record: 0,
            field: 0,
            read: 0,
            limit,
            over: None,
        }
    }

    /// Whether the stream ended inside a quoted field (a quote never closed).
    pub(crate) fn in_quotes(&self) -> bool {
        matches!(self.quote, Quote::Quoted)
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
            if b == b'\n' {
                self.line += 1;
            }
            // A quote opens a field only at its start; inside, `""` is a quote
            // and `"` followed by anything else closes it (as csv-core reads it).
            self.quote = match (self.quote, b) {
                (Quote::FieldStart, b'"') | (Quote::MaybeClosed, b'"') => {
                    if self.quote == Quote::FieldStart {
                        self.opened_on = self.line;
                    }
                    Quote::Quoted
                }
                (Quote::Quoted, b'"') => Quote::MaybeClosed,
                (Quote::Quoted, _) => Quote::Quoted,
                (_, b'\n') => {
                    self.record = 0;
                    self.field = 0;
                    Quote::FieldStart
                }
                (_, b) if b == self.delimiter => {
                    self.field = 0;
                    Quote::FieldStart
                }
                (_, b'\r') => Quote::FieldStart,
                _ => Quote::Unquoted,
            };
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
