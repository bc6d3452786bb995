//! Delimited text (CSV, semicolon, tab) through the `csv` crate: separator
//! sniffed from the first line (or Excel's `sep=` line), BOM skipped,
//! Windows-1252 and UTF-16 text decoded.

use std::io::{BufReader, Read};
use std::ops::ControlFlow;
use std::path::Path;

use super::guard;
use super::row::{CellKind, Row};
use super::table::{MAX_COLUMNS, MAX_ROWS, column_limit};
use crate::error::{Code, Location, Problem};

/// Picks the separator from the first line: the most frequent of `;`, tab and
/// `,` outside quotes (Excel's `sep=;` line wins when present).
fn sniff_delimiter(first_line: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in first_line {
        match b {
            b'"' => quoted = !quoted,
            b';' if !quoted => counts[0] += 1,
            b'\t' if !quoted => counts[1] += 1,
            b',' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let candidates = [b';', b'\t', b','];
    let (best, n) = counts
        .iter()
        .enumerate()
        .max_by_key(|(i, n)| (**n, usize::from(*i == 2)))
        .map(|(i, n)| (candidates[i], *n))
        .unwrap_or((b',', 0));
    if n == 0 { b',' } else { best }
}

/// The problem of a CSV row the reader refused: over an input budget (the
/// guard noted which), or not well-formed.
fn csv_error(over: Option<&String>, loc: &Location, index: u32, e: &csv::Error) -> Problem {
    match over {
        Some(over) => Problem::new(
            Code::InputLimit,
            loc.clone().at_row(index),
            over.clone(),
            "a file within mixaudit's input limits (it may be corrupt, or built to exhaust memory)",
        ),
        None => Problem::new(
            Code::InvalidCsv,
            loc.clone().at_row(index),
            format!("is not valid CSV here: {e}"),
            "well-formed comma, semicolon or tab separated text",
        ),
    }
}

pub(super) fn read_csv(
    path: &Path,
    utf16: Option<&'static encoding_rs::Encoding>,
    loc: Location,
    f: &mut dyn FnMut(&Row) -> ControlFlow<()>,
) -> Result<(), Problem> {
    let io = |e: std::io::Error| {
        Problem::new(
            Code::Unreadable,
            loc.clone(),
            format!("cannot be read: {e}"),
            "",
        )
    };
    let mut file: Box<dyn Read> = match utf16 {
        // UTF-16 exports (Excel's "Unicode Text") are small; decode them whole.
        Some(enc) => {
            let bytes = guard::read_capped(path, guard::MAX_UTF16_BYTES)?;
            let (text, _, _) = enc.decode(&bytes);
            Box::new(std::io::Cursor::new(text.into_owned().into_bytes()))
        }
        None => Box::new(BufReader::new(guard::open_regular(
            path,
            guard::MAX_INPUT_BYTES,
        )?)),
    };
    let mut head = Vec::new();
    (&mut file)
        .take(64 * 1024)
        .read_to_end(&mut head)
        .map_err(io)?;
    let mut start = 0;
    if head.starts_with(b"\xEF\xBB\xBF") {
        start = 3;
    }
    let first_line_end = head[start..]
        .iter()
        .position(|&b| b == b'\n')
        .map(|p| start + p)
        .unwrap_or(head.len());
    let first_line = &head[start..first_line_end];
    let (delimiter, skip_first) = match first_line.strip_prefix(b"sep=") {
        Some(rest) if !rest.is_empty() => (rest[0], true),
        _ => (sniff_delimiter(first_line), false),
    };
    if skip_first {
        start = (first_line_end + 1).min(head.len());
    }
    let rest = guard::CsvMeter::new(
        std::io::Cursor::new(head[start..].to_vec()).chain(file),
        delimiter,
        guard::MAX_INPUT_BYTES,
    );
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(rest);
    let mut record = csv::ByteRecord::new();
    let mut row = Row::default();
    let mut index: u32 = 0;
    let mut cells: u64 = 0;
    let mut decoded = String::new();
    let lines_skipped = u64::from(skip_first);
    // csv-core ends a CRLF record at the `\r` and counts its line once it
    // reads the `\n`, at the start of the next record: that record's
    // position then lags by one line.
    let crlf_lag = u64::from(first_line.ends_with(b"\r"));
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => {
                if let Some(p) = unclosed_quote(reader.get_ref(), &loc, lines_skipped) {
                    return Err(p);
                }
                break;
            }
            Ok(true) => {}
            Err(e) => return Err(csv_error(reader.get_ref().over.as_ref(), &loc, index, &e)),
        }
        cells += record.len() as u64;
        check_size(&loc, index, record.len(), cells)?;
        row.reset(index);
        row.line = record.position().map_or(0, |p| {
            let lag = if index > 0 { crlf_lag } else { 0 };
            (p.line() + lines_skipped + lag) as u32
        });
        for (j, field) in record.iter().enumerate() {
            if field.is_empty() {
                continue;
            }
            let text = match std::str::from_utf8(field) {
                Ok(t) => t,
                Err(_) => {
                    let (cow, _, _) = encoding_rs::WINDOWS_1252.decode(field);
                    decoded.clear();
                    decoded.push_str(&cow);
                    &decoded
                }
            };
            row.set_text(j, CellKind::Text, text);
        }
        if !row.is_blank() && f(&row).is_break() {
            break;
        }
        index += 1;
    }
    Ok(())
}

/// The problem for a file that ends inside a quoted field: the csv crate
/// would silently take the rest of the file as one cell.
fn unclosed_quote<R: std::io::Read>(
    meter: &guard::CsvMeter<R>,
    loc: &Location,
    lines_skipped: u64,
) -> Option<Problem> {
    if !meter.in_quotes() {
        return None;
    }
    let line = meter.opened_on + lines_skipped;
    Some(Problem::new(
        Code::InvalidCsv,
        loc.clone().at_line(Some(line as usize)),
        format!(
            "a quoted field opened on line {line} is never closed, so the rest of the file would be read as one cell"
        ),
        "a closing quote (\") for that field, or no quote at its start",
    ))
}

/// Row, column and cell budgets for record `index` of `width` cells, with
/// `cells` read so far.
fn check_size(loc: &Location, index: u32, width: usize, cells: u64) -> Result<(), Problem> {
    if index >= MAX_ROWS {
        return Err(Problem::new(
            Code::InputLimit,
            loc.clone().at_row(index),
            format!("has more than {MAX_ROWS} rows"),
            "a file within mixaudit's documented row limit",
        ));
    }
    if width as u32 > MAX_COLUMNS {
        return Err(column_limit(loc, index, width as u32));
    }
    if cells > guard::MAX_STREAM_CELLS {
        return Err(guard::over_limit(
            &loc.file,
            None,
            "its number of cells".into(),
            format!("{} cells", guard::count(guard::MAX_STREAM_CELLS)),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiter_sniffing() {
        assert_eq!(sniff_delimiter(b"a;b;c"), b';');
        assert_eq!(sniff_delimiter(b"a,b,c"), b',');
        assert_eq!(sniff_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter(b"\"x;y\",b,c"), b',');
        assert_eq!(sniff_delimiter(b"abc"), b',');
    }
}
